"""Files sent by clients, on their way in: names made safe, bytes staged on disk as they
arrive (never held whole in memory), then handed to the use-case layer to ingest."""

import hashlib
import os
import re
import tempfile
import time
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from api.errors import status_of
from api.models import IngestResult, Skipped, source_summary
from assistant.study import Incoming, IngestOptions, Study
from journey.errors import JourneymapError, size_text

_UNSAFE = re.compile(r"[^\w.\-]+")
_NAME_BYTES = 120
"""Longest stored file name in UTF-8 bytes (file systems allow 255; the folder adds more)."""
CHUNK_BYTES = 1024 * 1024
"""Uploads are written to disk in pieces of this size, never held whole in memory."""


@dataclass(frozen=True)
class Upload:
    """A file sent by a client: its name and bytes (small ones, as MCP tools receive them)."""

    name: str
    data: bytes


def safe_name(raw: str) -> str:
    """A client's file name made safe to store: no folders, control characters or undecodable
    bytes, at most _NAME_BYTES long, its extension kept."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c != "\ufffd")
    stem, dot, ext = name.rpartition(".")
    if not dot or len(ext) > 16:
        stem, ext = name, ""
    stem = _UNSAFE.sub("_", stem).strip("._") or "upload"
    ext = _UNSAFE.sub("_", ext).strip("._")
    suffix = f".{ext}" if ext else ""
    room = _NAME_BYTES - len(suffix.encode())
    stem = stem.encode()[:room].decode(errors="ignore")  # cut on a character boundary
    return stem + suffix


class Stager:
    """Writes one arriving file to a staging file piece by piece, hashing it, and stops keeping
    it once it passes the size limit (the rest of it is read and dropped)."""

    def __init__(self, folder: Path, name: str, limit: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.name, self.limit, self.size = name, limit, 0
        self._hash = hashlib.sha256()
        # A name never used before: a job holds its staged files by name until it is forgotten.
        fd, path = tempfile.mkstemp(dir=folder, prefix=f"incoming-{uuid.uuid4().hex}-")
        self._path: Path | None = Path(path)
        self._file: BinaryIO | None = os.fdopen(fd, "wb")

    def write(self, data: bytes) -> None:
        """Add a piece of the file."""
        self.size += len(data)
        if self._file is None:
            return
        if self.size > self.limit:
            self.discard()
            return
        self._hash.update(data)
        self._file.write(data)

    def discard(self) -> None:
        """Drop what was staged."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._path is not None:
            self._path.unlink(missing_ok=True)
            self._path = None

    def finish(self) -> Incoming:
        """The staged file, or its refusal when it passed the limit."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._path is None:
            return Incoming(
                safe_name(self.name),
                None,
                "",
                f"{safe_name(self.name)}: over the {size_text(self.limit)} limit; split it "
                "or raise JOURNEYMAP_MAX_FILE_MB",
            )
        return Incoming(safe_name(self.name), self._path, self._hash.hexdigest())


def staging_folder(home: Path) -> Path:
    """Where uploads wait while they arrive (on the workspace's disk: they are moved, not
    copied, into place)."""
    return home / "uploads" / ".incoming"


ABANDONED_SECONDS = 3600
"""A file in uploads/ untouched this long, that no job holds, is left over: from an upload whose
body was cut off or whose server died before it made the job, or kept by an earlier journeymap
for as long as its source (as sent, so unredacted)."""


def sweep_uploads(home: Path, held: set[Path], now: float | None = None) -> int:
    """Delete files in uploads/ (staged, or waiting to be ingested) that no job holds and
    nothing has written to for ABANDONED_SECONDS (an upload still arriving at another worker
    writes every piece, and one being ingested was just staged, so neither is this old).
    Returns how many were deleted."""
    folder = home / "uploads"
    if not folder.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - ABANDONED_SECONDS
    gone = 0
    for path in folder.rglob("*"):
        try:
            if path.is_file() and path.resolve() not in held and path.stat().st_mtime < cutoff:
                path.unlink()
                gone += 1
        except OSError:  # taken by its job meanwhile, or not ours to delete: leave it
            continue
    return gone


def stage_upload(home: Path, upload: Upload, limit: int) -> Incoming:
    """An in-memory upload written to the staging folder, as if it had arrived over HTTP."""
    stager = Stager(staging_folder(home), upload.name, limit)
    for start in range(0, max(1, len(upload.data)), CHUNK_BYTES):
        stager.write(upload.data[start : start + CHUNK_BYTES])
    return stager.finish()


def _retry(exc: BaseException) -> bool:
    """Whether an ingest that raised may be run again with the same files: the server stopped
    or failed (5xx, a crash), which is no fault of the files; one that failed on its input
    (4xx) would fail the same way again."""
    return not (isinstance(exc, JourneymapError) and status_of(exc)[0] < 500)


def ingest_uploads(
    study: Study,
    uploads: Sequence[Upload | Incoming],
    options: IngestOptions,
    progress: Callable[[float, str], None] = lambda fraction, message: None,
    *,
    keep_for_retry: bool = False,
) -> IngestResult:
    """Ingest files a client sent (staged already, or in memory) into a project; the files are
    gone from the workspace afterwards, whatever happened, unless `keep_for_retry` (a job that
    can be run again) and the ingest stopped for a reason its files are not to blame for (a
    server stopping, a crash): then they wait for the retry, or for the job to be forgotten."""
    home = study.workspace.settings.home
    staged = [
        stage_upload(home, u, options.max_bytes) if isinstance(u, Upload) else u for u in uploads
    ]
    keep = keep_for_retry
    try:
        report = study.ingest_uploads(
            staged, options, progress, keep_on_error=lambda exc: keep_for_retry and _retry(exc)
        )
        keep = False
    except BaseException as exc:
        keep = keep and _retry(exc)
        raise
    finally:
        for file in staged:
            if file.path is not None and not keep:
                file.path.unlink(missing_ok=True)
    return IngestResult(
        added=[source_summary(s) for s in report.added],
        unchanged=report.unchanged,
        replaced=report.replaced,
        skipped=[Skipped(file=f.rsplit("/", 1)[-1], reason=r) for f, r in report.skipped],
        chunks=report.chunks,
        warnings=report.warnings
        + (
            [f"segment set on {report.resegmented} source(s) already stored"]
            if report.resegmented
            else []
        ),
    )
