"""Scale: ingest and map review tables of 1k, 10k, 100k rows; time and peak RSS per stage.

The rows come from the development data in ../shared/eval_data: every airline tweet
(`text_deartifacted`) and every CFPB complaint narrative, shuffled once (seed 0) and dealt out
in turn. A table larger than that pool (about 16k rows) deals it again; a repeated row gets a
distinct " #k" tag, so no two rows are equal and the embedder's de-duplication cannot flatter
the big sizes. Each table is one CSV, ingested as reviews the way `journeymap ingest` does.

Every stage runs in its own process, so each peak RSS is that stage's own (model included):
  ingest   reading, redacting, chunking, embedding and storing the table in a fresh workspace
  map      build_map on that workspace
  embed    embedding the chunk texts ingest stored, and nothing else: the floor under ingest
  +1%      ingesting a second table of 1% more reviews (new rows from the same pool)
  remap    build_map again: the sentences of unchanged sources are reused, not read again
Ingest and map first do the same on 20 rows, untimed, so first-use loading stays out.
Target (issue 18): ingest + map of 100k rows in <= 15 min and <= 1.5 GB peak on 2 cores,
cost per row close to flat across sizes; a rebuild after adding 1% far below a first build.

    .venv/bin/python -m bench.scale [--rows 1000 10000 100000] [--seed 0]
"""

import argparse
import csv
import itertools
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench._eval import EVAL_DATA, TWEETS

CFPB = EVAL_DATA / "cfpb_complaints_sample/complaints_with_narratives.csv"
PROJECT, WARM_UP = "scale", "warm-up"
TARGET_SECONDS, TARGET_MB = 15 * 60, 1536


def review_pool(seed: int = 0) -> list[str]:
    """Every development tweet and CFPB narrative (non-empty), shuffled with Random(seed)."""
    texts: list[str] = []
    with TWEETS.open(encoding="utf-8", newline="") as f:
        texts += [r["text_deartifacted"].strip() for r in csv.DictReader(f)]
    with CFPB.open(encoding="utf-8", newline="") as f:
        texts += [r["Consumer complaint narrative"].strip() for r in csv.DictReader(f)]
    pool = [t for t in texts if t]
    random.Random(seed).shuffle(pool)
    return pool


def review_rows(n: int, pool: Sequence[str]) -> list[str]:
    """n distinct review texts dealt from the pool (a repeat deal tags its rows " #k")."""
    return [
        pool[i % len(pool)] + (f" #{i // len(pool)}" if i >= len(pool) else "") for i in range(n)
    ]


def write_table(texts: Sequence[str], path: Path, first: int = 0) -> None:
    """A review table (id, text) as a team would export it; ids count from `first`."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows((f"r{i}", t) for i, t in enumerate(texts, start=first))


def _warm_up_table(home: Path) -> Path:
    table = home / "warm-up.csv"
    write_table(
        [f"Order {i}: the app crashed at checkout and support never answered." for i in range(20)],
        table,
    )
    return table


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    """CPU time of this process so far: steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _stage(stage: str, home: Path, table: Path) -> dict[str, object]:
    """One stage, run in this (child) process; its figures as a dict."""
    from assistant.mapping import build_map
    from assistant.settings import Settings
    from assistant.workspace import open_workspace
    from bench._eval import embedder
    from ingest.pipeline import IngestReport
    from journey.source import SourceKind

    model = embedder()
    chunks = home / "chunks.json"
    if stage == "embed":
        texts = json.loads(chunks.read_text(encoding="utf-8"))
        start, cpu = time.perf_counter(), _cpu_seconds()
        model.embed(texts)
        return {
            "seconds": time.perf_counter() - start,
            "cpu": _cpu_seconds() - cpu,
            "peak_mb": _peak_mb(),
        }
    # the per-file time budget is a backstop for one hostile file; a 100k-row table is not one
    settings = Settings(home=home, max_file_seconds=24 * 3600)
    ws = open_workspace(settings, model)
    options = settings.ingest_options(kind=SourceKind.review, text_column="text", id_column="id")
    ingests = stage in ("ingest", "+1%")
    try:
        if ingests:  # a first small ingest loads what first use loads, untimed
            ws.ingestor(WARM_UP, options).ingest([_warm_up_table(home)], IngestReport())
            model.embed(["The model is loaded before the clock starts."])
        else:
            build_map(ws, WARM_UP)
        start, cpu = time.perf_counter(), _cpu_seconds()
        if ingests:
            report = ws.ingestor(PROJECT, options).ingest([table], IngestReport())
            if report.skipped:
                raise SystemExit(f"ingest skipped files: {report.skipped}")
            detail = f"{len(report.added)} sources, {report.chunks} chunks"
            seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
            if stage == "ingest":  # the exact texts ingest embedded, for the embed-only floor
                chunks.write_text(json.dumps(ws.store.documents(PROJECT)), encoding="utf-8")
        else:
            m = build_map(ws, PROJECT)
            pains = sum(len(s.pain_points) for s in m.stages)
            detail = (
                f"{m.stats.sentences} sentences, {m.stats.observations} observations, "
                f"{len(m.stages)} stages, {pains} pain points"
            )
            seconds, cpu = time.perf_counter() - start, _cpu_seconds() - cpu
    finally:
        ws.close()
    return {"seconds": seconds, "cpu": cpu, "peak_mb": _peak_mb(), "detail": detail}


@dataclass
class Stage:
    seconds: float
    cpu: float
    peak_mb: float
    detail: str = ""


def _run_stage(stage: str, home: Path, table: Path) -> Stage:
    """Run one stage in a fresh interpreter and read back its figures (last stdout line)."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.scale", "--stage", stage, str(home), str(table)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    return Stage(**json.loads(out.stdout.strip().splitlines()[-1]))


def measure(rows: int, pool: Sequence[str], keep: Path | None) -> dict[str, Stage]:
    """Ingest, map, embed-only, +1% and rebuild figures for a table of `rows` reviews."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = keep / str(rows) if keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        table, more = folder / "reviews.csv", folder / "more.csv"
        texts = review_rows(rows + max(1, rows // 100), pool)
        write_table(texts[:rows], table)
        write_table(texts[rows:], more, first=rows)
        home = folder / "home"
        got = {}
        for name, given in STAGES:  # each printed as it ends: 100k takes a while
            s = got[name] = _run_stage(name, home, more if given == "more" else table)
            print(
                f"{rows:>7} rows  {name:<6} {s.seconds:8.1f} s ({s.cpu:7.1f} s CPU)  "
                f"{1000 * s.seconds / rows:6.2f} ms/row  peak {s.peak_mb:5.0f} MB  {s.detail}",
                flush=True,
            )
    return got


STAGES = (("ingest", "table"), ("map", "table"), ("embed", "table"), ("+1%", "more"))
STAGES += (("remap", "table"),)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", type=Path, help="keep each table and workspace in KEEP/ROWS")
    parser.add_argument("--stage", nargs=3, metavar=("STAGE", "HOME", "TABLE"), help="internal")
    args = parser.parse_args()
    if args.stage:
        stage, home, table = args.stage
        print(json.dumps(_stage(stage, Path(home), Path(table))))
        return
    pool = review_pool(args.seed)
    print(f"pool: {len(pool)} distinct development reviews (tweets + CFPB narratives)")
    results = {n: measure(n, pool, args.keep) for n in sorted(args.rows)}
    sizes = sorted(results)
    for n in sizes:
        first, again = results[n]["map"], results[n]["remap"]
        print(
            f"{n} rows: rebuild after +1% {again.seconds:.1f} s ({again.cpu:.1f} s CPU) = "
            f"{again.seconds / first.seconds:.0%} of the first map's time "
            f"({again.cpu / first.cpu:.0%} of its CPU)"
        )
    for small, big in itertools.pairwise(sizes):
        for name in ("ingest", "map", "embed"):
            a, b = results[small][name], results[big][name]
            ratio = (b.seconds / big) / (a.seconds / small)
            cpu = (b.cpu / big) / (a.cpu / small)
            print(
                f"cost per row {big} / {small} ({name}): {ratio:.2f} wall, {cpu:.2f} CPU"
                "  (1.00 = linear)"
            )
    biggest = results[sizes[-1]]
    total = biggest["ingest"].seconds + biggest["map"].seconds
    peak = max(biggest["ingest"].peak_mb, biggest["map"].peak_mb)
    print(
        f"{sizes[-1]} rows: ingest + map {total / 60:.1f} min (target <= {TARGET_SECONDS // 60}), "
        f"peak {peak:.0f} MB (target <= {TARGET_MB})"
    )


if __name__ == "__main__":
    main()
