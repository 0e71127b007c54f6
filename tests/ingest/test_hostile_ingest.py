"""A study folder salted with hostile files: the good files always land, every bad one is
skipped or passed over with a one-line reason, and nobody sees a traceback.

`make_cases` builds each case in a folder (nothing checked in); bench/hostile.py runs the same
cases one by one to print the worst time and memory per file.
"""

import base64
import io
import json
import os
import random
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.workspace import Workspace
from ingest import pipeline
from ingest.pipeline import IngestOptions, IngestReport, find_files
from ingest.redact import Redactor

GOOD = {
    "p01_interview.txt": (
        "Interviewer: How was the first delivery?\n"
        "Dana: The box came two days late and the ice packs had melted.\n"
        "Interviewer: What did you do?\n"
        "Dana: I called support and waited forty minutes before anyone answered.\n"
    ),
    "p02_interview.md": (
        "# Onboarding\n\n"
        "Interviewer: How did sign-up go?\n\n"
        "Lee: The form kept rejecting my postcode, so I almost gave up.\n"
    ),
}


def _docx_bytes(document_xml: bytes | None = None, *, megabytes: int = 0) -> bytes:
    """A real .docx whose word/document.xml is replaced (or is `megabytes` MB of one byte)."""
    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            if item.filename != "word/document.xml":
                target.writestr(item, source.read(item))
            elif megabytes:
                with target.open(item.filename, "w", force_zip64=True) as stream:
                    for _ in range(megabytes):
                        stream.write(b"A" * 1_000_000)
            else:
                target.writestr(item.filename, document_xml or b"")
    return out.getvalue()


def _pdf_bomb() -> bytes:
    """A one-page PDF whose content stream inflates from ~100 KB to 100 MB."""
    compressor = zlib.compressobj(9)
    stream = b"".join(compressor.compress(b" " * 1_000_000) for _ in range(100))
    stream += compressor.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _alternating_turns(n: int) -> str:
    return "".join(
        f"Interviewer: Question {i} about the app?\n" if i % 2 == 0 else f"Sam: Answer {i}.\n"
        for i in range(n)
    )


def _write(name: str, content: str | bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return make


def _lazy(name: str, content: Callable[[], str | bytes]) -> Callable[[Path], Path]:
    return lambda folder: _write(name, content())(folder)


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.txt"
    os.mkfifo(path)
    return path


def _dangling(folder: Path) -> Path:
    path = folder / "gone.txt"
    path.symlink_to(folder / "does-not-exist.txt")
    return path


def _loop(folder: Path) -> Path:
    path = folder / "loop"
    path.symlink_to(folder)
    return path


def _empty_folder(folder: Path) -> Path:
    path = folder / "nothing-here"
    path.mkdir()
    return path


def _markup_path(folder: Path) -> Path:
    """study/[/]p04.txt: a path that reads as rich markup closing a tag."""
    (folder / "[").mkdir()
    path = folder / "[" / "]p04.txt"
    path.write_text("Interviewer: Hi?\nAl: Checkout froze on me.\n", encoding="utf-8")
    return path


def _bad_name(folder: Path) -> Path:
    path = Path(os.fsdecode(bytes(folder) + b"/p03_caf\xe9.txt"))
    path.write_text("Interviewer: Hi?\nMo: The app logged me out twice.\n", encoding="utf-8")
    return path


_RNG = random.Random(12)
# What each hostile case should come to: "added" (read as a source), "skipped" (refused with a
# reason, exit code 1) or "ignored" (a folder walk passes over it on purpose, and says so).
CASES: dict[str, tuple[str, Callable[[Path], Path]]] = {
    "base64 blob in a turn": (
        "added",
        _lazy(
            "blob.txt",
            lambda: (
                "Interviewer: Any logs?\nKim: here: "
                + base64.b64encode(_RNG.randbytes(300_000)).decode()
                + "\n"
            ),
        ),
    ),
    "a.b-a.b- token (email-like)": (
        "added",
        _lazy("tokens.txt", lambda: "Kim: " + "a.b-" * 75_000),
    ),
    "5 MB line of dots": ("added", _lazy("dots.txt", lambda: "Kim: " + "." * 5_000_000)),
    "many URLs with query strings": (
        "added",
        _lazy("urls.txt", lambda: "Kim: " + "http://a?x=1&" * 20_000),
    ),
    "5,600-turn transcript (over Chroma's batch)": (
        "added",
        _lazy("long_interview.txt", lambda: _alternating_turns(5_600)),
    ),
    "path with rich markup [/]": ("added", _markup_path),
    "file name not valid UTF-8": ("added", _bad_name),
    "SRT cue with a bad timestamp": (
        "added",
        _write(
            "captions.srt",
            "1\n00:00:01,000 --> 00:00:04,000\nAna: The map was wrong.\n\n"
            "2\n00:00:xx,000 --> 00:00:09,000\nAna: And the driver got lost.\n",
        ),
    ),
    "docx zip bomb": ("skipped", _lazy("bomb.docx", lambda: _docx_bytes(megabytes=300))),
    "docx entity expansion": (
        "skipped",
        _lazy(
            "laughs.docx",
            lambda: _docx_bytes(
                b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa">'
                b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
                b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><d>&c;</d>'
            ),
        ),
    ),
    "docx with malformed XML": ("skipped", _lazy("broken.docx", lambda: _docx_bytes(b"<w:doc"))),
    "PDF decompression bomb": ("skipped", _lazy("bomb.pdf", _pdf_bomb)),
    "JSON nested 100,000 deep": ("skipped", _write("deep.json", "[" * 100_000 + "]" * 100_000)),
    "JSON number of 5,000 digits": (
        "skipped",
        _write("digits.json", '[{"speaker": "A", "text": "hi", "start": ' + "9" * 5000 + "}]"),
    ),
    "JSON timestamp 1e400": (
        "added",
        _write(
            "huge_time.json", json.dumps([{"speaker": "A", "text": "hi"}])[:-2] + ',"start":1e400}]'
        ),
    ),
    "CSV with an unclosed quote": (
        "skipped",
        _write(
            "reviews.csv",
            'id,review\n1,"Great app, fast delivery\n2,Terrible support\n3,Fine\n',
        ),
    ),
    "1,000,000 short turns": ("skipped", _lazy("million.txt", lambda: "A: x\n" * 1_000_000)),
    "200,000 headings": ("skipped", _lazy("headings.md", lambda: "# h\nA: x\n" * 200_000)),
    "binary data named .txt": ("skipped", _lazy("binary.txt", lambda: _RNG.randbytes(50_000))),
    "empty file": ("skipped", _write("empty.txt", "")),
    "spreadsheet": ("ignored", _write("reviews.xlsx", b"PK\x03\x04 not really")),
    "file without an extension": ("ignored", _write("notes", "Kim: hello\n")),
    "the study's README": ("ignored", _write("README.md", "# Study notes\nRecruited 8 people.\n")),
    "dangling link": ("ignored", _dangling),
    "link loop to its own folder": ("ignored", _loop),
    "named pipe": ("ignored", _fifo),
    "empty folder": ("ignored", _empty_folder),
}


def make_cases(folder: Path) -> dict[str, tuple[str, Path]]:
    """Build every case in folder: name -> (expected outcome, path)."""
    folder.mkdir(parents=True, exist_ok=True)
    return {name: (outcome, make(folder)) for name, (outcome, make) in CASES.items()}


def _run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "JOURNEYMAP_HOME": str(home), "COLUMNS": "250"}
    return subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )


def test_hostile_files_in_a_study_folder_never_cost_the_good_ones(tmp_path: Path) -> None:
    study = tmp_path / "study"
    cases = make_cases(study)
    for name, text in GOOD.items():
        (study / name).write_text(text, encoding="utf-8")

    result = _run(tmp_path / "home", "ingest", str(study), "--project", "hostile")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    listed = _run(tmp_path / "home", "sources", "--project", "hostile")
    assert listed.returncode == 0 and "Traceback" not in listed.stderr, listed.stderr
    for name in GOOD:
        assert name in listed.stdout
    for case, (outcome, path) in cases.items():
        shown = path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        line = next((x for x in result.stderr.splitlines() if shown in x), "")
        if outcome == "added":
            assert shown in listed.stdout, f"{case}: not ingested\n{result.stderr}"
        elif outcome == "skipped":
            assert line.startswith("skipped"), f"{case}: {line!r}\n{result.stderr}"
            reason = line.split(f"{shown}: ", 1)[-1] if f"{shown}: " in line else ""
            assert len(reason.split()) >= 2, f"{case}: no reason given: {line!r}"
        else:
            assert line.startswith("not ingested"), f"{case}: {line!r}\n{result.stderr}"
    assert "cue" in result.stderr and "warning" in result.stderr  # the SRT's untimed cue


def test_a_named_pipe_or_dangling_link_given_by_name_is_skipped_without_blocking(
    workspace: Workspace, tmp_path: Path
) -> None:
    pipe, link = _fifo(tmp_path), _dangling(tmp_path)
    files, report = find_files([pipe, link])
    assert files == []
    reasons = dict(report.skipped)
    assert "not a regular file" in reasons[str(pipe)]
    assert "dangling" in reasons[str(link)]


def test_a_failure_while_storing_one_file_keeps_the_other_files_of_the_batch(
    workspace: Workspace, tmp_path: Path
) -> None:
    paths = []
    for name, text in GOOD.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(text, encoding="utf-8")
    bad = tmp_path / "p09.txt"
    bad.write_text("Interviewer: Hi?\nJo: The coupon never applied.\n", encoding="utf-8")
    ingestor = workspace.ingestor("study", IngestOptions())
    store = ingestor.store

    class FailsOnOneSource:
        """The real store, except that writing chunks of p09.txt fails."""

        def __getattr__(self, name: str) -> object:
            return getattr(store, name)

        def upsert(self, project, chunks, vectors, extra):  # type: ignore[no-untyped-def]
            if any("coupon" in c.text for c in chunks):
                raise RuntimeError("disk full")
            store.upsert(project, chunks, vectors, extra)

    ingestor.store = FailsOnOneSource()  # type: ignore[assignment]
    report = ingestor.ingest([*paths, bad], IngestReport())
    assert sorted(s.path for s in report.added) == sorted(p.name for p in paths)
    [(file, reason)] = report.skipped
    assert file == str(bad) and "could not be stored" in reason and "disk full" in reason
    stored = {s.source.path for s in workspace.catalog.sources("study")}
    assert stored == {p.name for p in paths}
    assert workspace.catalog.unfinished("study") == ([], [])
    assert not any("coupon" in h.text for h in workspace.store.query("study", "coupon", n=20))


@pytest.mark.parametrize("size", [300_000])
def test_redaction_of_a_long_token_still_finds_the_email_after_it(size: int) -> None:
    blob = base64.b64encode(random.Random(3).randbytes(size)).decode()
    text, counts = Redactor({}).redact(f"{blob} mail me at dana@example.com")
    assert text.endswith("mail me at [EMAIL]") and counts["email"] == 1


def test_a_file_over_its_time_budget_is_skipped_with_the_setting_to_raise(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "p01_interview.txt"
    path.write_text(GOOD["p01_interview.txt"], encoding="utf-8")
    options = IngestOptions(max_seconds=1e-9)  # already over when the first turn is redacted
    report = workspace.ingestor("study", options).ingest([path], IngestReport())
    [(file, reason)] = report.skipped
    assert file == str(path)
    assert "took over" in reason and "JOURNEYMAP_MAX_FILE_SECONDS" in reason
    assert workspace.catalog.sources("study") == []
    assert report.timed_out == ["p01_interview.txt"]  # kept for an ingest run again


def test_a_table_cut_short_by_its_budget_says_what_was_kept_and_a_run_again_adds_the_rest(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the budget's clock, made to advance one "second" per look, so the cut is the same on
    # any machine (the budget counts CPU time; a loaded server cut a table at 49,920 rows and
    # the job said only "took over 300 s")
    ticks = iter(range(10**6))
    monkeypatch.setattr(pipeline, "_work_clock", lambda: float(next(ticks)))
    table = tmp_path / "reviews.csv"
    rows = [f"r{i},The courier number {i} was late again and nobody called." for i in range(30)]
    table.write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = workspace.ingestor("big", IngestOptions(max_seconds=40)).ingest(
        [table], IngestReport()
    )
    [(file, reason)] = report.skipped
    kept = len(workspace.catalog.sources("big"))
    assert 0 < kept < 30 and file == str(table) and report.timed_out == ["reviews.csv"]
    assert f"Stopped at row {kept + 1} of 30: the {kept} rows before it are kept" in reason
    assert f"{30 - kept} were not read; run the same ingest again" in reason
    monkeypatch.setattr(pipeline, "_work_clock", lambda: 0.0)
    again = workspace.ingestor("big", IngestOptions(max_seconds=40)).ingest([table], IngestReport())
    assert again.unchanged == kept and len(again.added) == 30 - kept and not again.skipped


def test_thousands_of_segment_attributes_are_refused_before_anything_is_stored():
    """A hostile-input trial: an upload with 20,000 `segment` fields broke its project's
    vector store for good (every later upload: 500)."""
    from journey.errors import InvalidRequestError

    with pytest.raises(InvalidRequestError, match="at most 20"):
        IngestOptions(segment={f"k{i}": "v" for i in range(25)})
    with pytest.raises(InvalidRequestError, match="at most 64 characters"):
        IngestOptions(segment={"k" * 65: "v"})
    assert IngestOptions(segment={"plan": "family"}, segment_columns=("platform",))


def test_a_table_of_millions_of_columns_is_refused_at_once(tmp_path: Path):
    """A 10 MB CSV whose header had 5 million columns held a worker for 8 minutes, then was
    ingested."""
    from ingest.errors import UnreadableFileError
    from ingest.reviews import read_reviews

    text = "review" + "," * 200_000 + "\nthe bank link failed" + "," * 200_000 + "\n"
    with pytest.raises(UnreadableFileError, match="200,001 columns; a review table has at most"):
        read_reviews(tmp_path / "commas.csv", text, "utf-8")
