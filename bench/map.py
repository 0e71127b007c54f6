"""Map build time on the SERDIF development transcripts, and on the same corpus 10x.

The 10x corpus holds every transcript 10 times as distinct sources and distinct participants
(a first line "Copy k of Pn" changes the content hash; the file name P{100n+k}_copy{k}_of_Pn
gives the participant id P{100n+k}). Ingest is not timed; build_map is, each the best of
--repeat runs, with the embedding model warmed up first.
Target: build_map(10x) / build_map(1x) <= 12.

    .venv/bin/python -m bench.map [--copies 10] [--repeat 2]
"""

import argparse
import re
import resource
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.mapping import build_map
from assistant.workspace import Workspace
from bench._eval import embedder, ingest, read_text, serdif_transcripts, workspace
from ingest.pipeline import IngestOptions
from journey.schema import JourneyMap
from journey.source import SourceKind

TARGET_RATIO = 12.0


def _timed_map(ws: Workspace, project: str, repeat: int) -> tuple[float, JourneyMap]:
    best, jmap = float("inf"), None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        jmap = build_map(ws, project)
        best = min(best, time.perf_counter() - start)
    assert jmap is not None
    return best, jmap


def _replicate(files: Sequence[Path], copies: int, folder: Path) -> list[Path]:
    out = []
    for path in files:
        m = re.match(r"P(\d+)_", path.name)
        if m is None:
            raise SystemExit(f"unexpected transcript name {path.name}")
        n = int(m.group(1))
        text = read_text(path)
        for k in range(1, copies + 1):
            target = folder / f"P{100 * n + k}_copy{k}_of_P{n}.txt"
            target.write_text(f"Copy {k} of P{n}\n{text}", encoding="utf-8")
            out.append(target)
    return out


def _describe(label: str, jmap: JourneyMap, seconds: float, ingest_s: float) -> None:
    pains = sum(len(s.pain_points) for s in jmap.stages)
    delights = sum(len(s.delights) for s in jmap.stages)
    print(
        f"{label}: {jmap.sources.count} sources, {jmap.sources.participants} participants, "
        f"{jmap.stats.sentences} sentences, {jmap.stats.observations} observations, "
        f"{len(jmap.stages)} stages, {pains} pain points, {delights} delights "
        f"(ingest {ingest_s:.1f} s, untimed)"
    )
    print(f"{label}: build_map {seconds:7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    files = serdif_transcripts()
    if not files:
        raise SystemExit("no SERDIF transcripts found under ../shared/eval_data")
    model = embedder()  # weights load once, outside every timing
    options = IngestOptions(kind=SourceKind.interview)

    with workspace(model) as ws:
        _, ingest_1 = ingest(ws, "serdif", files, options)
        build_map(ws, "serdif")  # warm-up: first-use costs (lexicons, classifiers) stay out
        time_1, map_1 = _timed_map(ws, "serdif", args.repeat)
    _describe("1x ", map_1, time_1, ingest_1)

    with tempfile.TemporaryDirectory() as tmp, workspace(model) as ws:
        copies = _replicate(files, args.copies, Path(tmp))
        _, ingest_n = ingest(ws, "serdif", copies, options)
        time_n, map_n = _timed_map(ws, "serdif", args.repeat)
    _describe(f"{args.copies}x", map_n, time_n, ingest_n)

    ratio = time_n / time_1
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    print(
        f"build_map {args.copies}x / 1x = {ratio:.2f}  (target <= {TARGET_RATIO:.0f}x)  "
        f"{'ok' if ratio <= TARGET_RATIO else 'ABOVE TARGET'}"
    )


if __name__ == "__main__":
    main()
