"""Hostile input: each case of tests/ingest/test_hostile_ingest.py ingested alone by the real
`journeymap ingest` in a fresh process, with its wall time and peak RSS (the process's
whole peak: Python, the embedding model and Chroma included).

Targets (issue 12): every case clean (a source, or a one-line reason; no traceback, no
hang), per-file wall time <= 10 s, peak RSS <= 1 GB on the project's 2-core machines.

    .venv/bin/python -m bench.hostile [--only SUBSTRING]
"""

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 600.0


def _cases_module():  # type: ignore[no-untyped-def]
    path = ROOT / "tests" / "ingest" / "test_hostile_ingest.py"
    spec = importlib.util.spec_from_file_location("hostile_cases", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ingest(home: Path, path: Path) -> tuple[int, float, float, str]:
    """(exit code, seconds, peak RSS MB, stderr) of one `journeymap ingest` run."""
    env = {**os.environ, "JOURNEYMAP_HOME": str(home), "COLUMNS": "250"}
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from api.cli import main; main()",
                "ingest",
                str(path),
                "--project",
                "hostile",
            ],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
        deadline = started + TIMEOUT
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        err.seek(0)
        return os.waitstatus_to_exitcode(status), seconds, usage.ru_maxrss / 1024, err.read()


def _combined_run(cases, base: Path) -> int:  # type: ignore[no-untyped-def]
    """Every case beside the good files in one folder, one run: how many good files are lost."""
    folder = base / "combined"
    cases.make_cases(folder)
    for name, text in cases.GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")
    home = base / "home-combined"
    code, seconds, mb, _stderr = _ingest(home, folder)
    listed = subprocess.run(
        [
            sys.executable,
            "-c",
            "from api.cli import main; main()",
            "sources",
            "--project",
            "hostile",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "JOURNEYMAP_HOME": str(home), "COLUMNS": "250"},
    ).stdout
    print(f"{'all cases + good files in one run':46} {code:>4} {seconds:7.1f} s {mb:7.0f} MB")
    return sum(name not in listed for name in cases.GOOD)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    args = parser.parse_args()
    cases = _cases_module()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        # The floor: the same command on one ordinary interview (start-up, model, Chroma).
        good = base / "good" / "p01_interview.txt"
        good.parent.mkdir()
        good.write_text(next(iter(cases.GOOD.values())), encoding="utf-8")
        code, floor_s, floor_mb, _ = _ingest(base / "home-good", good)
        print(f"{'ordinary interview (floor)':46} {code:>4} {floor_s:7.1f} s {floor_mb:7.0f} MB")
        tally = {"tried": 0, "clean": 0, "crash": 0, "hang": 0}
        worst_s, worst_mb = ("", 0.0), ("", 0.0)
        for n, (name, (outcome, make)) in enumerate(cases.CASES.items()):
            if args.only not in name:
                continue
            folder = base / f"case{n}"
            folder.mkdir()
            path = make(folder)
            code, seconds, mb, stderr = _ingest(base / f"home{n}", path)
            tally["tried"] += 1
            if seconds >= TIMEOUT:
                verdict = "hang"
            elif "Traceback" in stderr or code not in (0, 1):
                verdict = "crash"
            else:
                verdict = "clean"
            tally[verdict] += 1
            worst_s = max(worst_s, (name, seconds), key=lambda x: x[1])
            worst_mb = max(worst_mb, (name, mb), key=lambda x: x[1])
            print(f"{name:46} {code:>4} {seconds:7.1f} s {mb:7.0f} MB  {verdict} ({outcome})")
        lost = _combined_run(cases, base)
    print(
        f"\n{tally['tried']} cases: {tally['clean']} clean, {tally['crash']} crash, "
        f"{tally['hang']} hang; all cases and {len(cases.GOOD)} good files in one run: "
        f"{lost} good files lost"
    )
    print(f"worst time: {worst_s[1]:.1f} s ({worst_s[0]}); target <= 10 s")
    print(f"worst peak RSS: {worst_mb[1]:.0f} MB ({worst_mb[0]}); target <= 1024 MB")


if __name__ == "__main__":
    main()
