"""What the HTTP routes and the MCP tools both do, written once."""

import hashlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from api.deps import AppState
from api.errors import ApiError
from api.models import IngestResult, ProjectOut, Skipped, source_summary
from assistant.workspace import Workspace
from ingest.pipeline import IngestOptions, IngestReport
from ingest.readers import SUPPORTED_EXTENSIONS

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


@dataclass(frozen=True)
class StagedFile:
    """A file sent by a client, already written to a staging file on disk while it arrived."""

    name: str
    """The name the client gave it."""
    path: Path | None
    """The staging file; None when it was refused while it arrived."""
    digest: str
    """SHA-256 of its content (hex)."""
    refused: str | None = None
    """Why it was not kept (e.g. over the size limit)."""


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
        fd, path = tempfile.mkstemp(dir=folder, prefix="incoming-")
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

    def finish(self) -> StagedFile:
        """The staged file, or its refusal when it passed the limit."""
        if self._file is not None:
            self._file.close()
            self._file = None
        if self._path is None:
            return StagedFile(
                self.name,
                None,
                "",
                f"{safe_name(self.name)}: over the {self.limit / 1e6:g} MB limit; split it "
                "or raise JOURNEYMAP_MAX_FILE_MB",
            )
        return StagedFile(self.name, self._path, self._hash.hexdigest())


def staging_folder(state: AppState) -> Path:
    """Where uploads wait while they arrive (on the workspace's disk: they are moved, not
    copied, into place)."""
    return state.settings.home / "uploads" / ".incoming"


def describe_project(workspace: Workspace, name: str) -> ProjectOut:
    """A project with its counts and newest map id."""
    stored = workspace.catalog.sources(name)
    latest = workspace.catalog.latest_map_id(name)
    return ProjectOut(
        name=name,
        sources=len(stored),
        participants=len({s.source.participant_id for s in stored}),
        chunks=workspace.store.count(name),
        latest_map_id=latest,
    )


def stage_upload(state: AppState, upload: Upload, limit: int) -> StagedFile:
    """An in-memory upload written to the staging folder, as if it had arrived over HTTP."""
    stager = Stager(staging_folder(state), upload.name, limit)
    for start in range(0, max(1, len(upload.data)), CHUNK_BYTES):
        stager.write(upload.data[start : start + CHUNK_BYTES])
    return stager.finish()


def ingest_uploads(
    state: AppState,
    project: str,
    uploads: Sequence[Upload | StagedFile],
    options: IngestOptions,
    progress: Callable[[float, str], None] = lambda fraction, message: None,
) -> IngestResult:
    """Store uploaded files in the workspace and ingest them; one writer per project.

    Each file is stored as uploads/<project>/<sha256[:12]>/<name>: the same content uploaded
    twice is one file, two different files of one name are two sources (never a replacement).
    Raises ApiError (413, 415 or 422) when no file at all could be ingested.
    """
    settings = state.settings
    if len(uploads) > settings.max_upload_files:
        raise ApiError(
            413,
            "too_many_files",
            f"{len(uploads)} files: send at most {settings.max_upload_files} at once",
        )
    staged = [
        stage_upload(state, u, options.max_bytes) if isinstance(u, Upload) else u for u in uploads
    ]
    try:
        return _ingest_staged(state, project, staged, options, progress)
    finally:
        for file in staged:
            if file.path is not None:
                file.path.unlink(missing_ok=True)


def _ingest_staged(
    state: AppState,
    project: str,
    staged: Sequence[StagedFile],
    options: IngestOptions,
    progress: Callable[[float, str], None],
) -> IngestResult:
    workspace = state.workspace
    folder = state.settings.home / "uploads" / project
    report = IngestReport()
    paths = []
    statuses = []
    with state.lock(project):
        ingestor = workspace.ingestor(project, options)  # checks the name first
        for file in staged:
            name = safe_name(file.name)
            if file.path is None:
                report.skipped.append((name, file.refused or f"{name}: not received"))
                statuses.append(413)
                continue
            suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
            if suffix not in SUPPORTED_EXTENSIONS:
                report.skipped.append(
                    (
                        name,
                        f"{name}: unsupported file type {suffix or '(none)'}"
                        f"; use one of {', '.join(sorted(SUPPORTED_EXTENSIONS))}",
                    )
                )
                statuses.append(415)
                continue
            path = folder / file.digest[:12] / name
            path.parent.mkdir(parents=True, exist_ok=True)
            os.replace(file.path, path)  # same content, same place: a re-upload is a no-op
            paths.append(path)
        done = [0]

        def read(path: Path) -> None:
            done[0] += 1
            progress(done[0] / max(1, len(paths)), f"ingested {path.name}")

        ingestor.ingest(paths, report, on_file=read)
        state.changed(project)
    skipped = [Skipped(file=f.rsplit("/", 1)[-1], reason=r) for f, r in report.skipped]
    if not report.added and not report.unchanged and skipped:
        same = len(set(statuses)) == 1 and len(statuses) == len(skipped)
        raise ApiError(
            statuses[0] if same else 422,
            "nothing_ingested",
            "no file could be ingested: " + " | ".join(s.reason for s in skipped),
        )
    return IngestResult(
        added=[source_summary(s) for s in report.added],
        unchanged=report.unchanged,
        replaced=report.replaced,
        skipped=skipped,
        chunks=report.chunks,
    )
