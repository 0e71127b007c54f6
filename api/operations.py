"""What the HTTP routes and the MCP tools both do, written once."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from api.deps import AppState
from api.errors import ApiError
from api.models import IngestResult, ProjectOut, Skipped, source_summary
from assistant.workspace import Workspace
from ingest.pipeline import IngestOptions, IngestReport
from ingest.readers import SUPPORTED_EXTENSIONS

_SAFE_NAME = re.compile(r"[^\w.\-]+")


@dataclass(frozen=True)
class Upload:
    """A file sent by a client: its name and bytes."""

    name: str
    data: bytes


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


def ingest_uploads(
    state: AppState,
    project: str,
    uploads: list[Upload],
    options: IngestOptions,
    progress: Callable[[float, str], None] = lambda fraction, message: None,
) -> IngestResult:
    """Store uploaded files in the workspace and ingest them; one writer per project.

    Raises ApiError (413, 415 or 422) when no file at all could be ingested.
    """
    settings, workspace = state.settings, state.workspace
    if len(uploads) > settings.max_upload_files:
        raise ApiError(
            413,
            "too_many_files",
            f"{len(uploads)} files: send at most {settings.max_upload_files} at once",
        )
    limit = options.max_bytes
    folder = settings.home / "uploads" / project
    report = IngestReport()
    paths = []
    statuses = []
    with state.lock(project):
        ingestor = workspace.ingestor(project, options)  # checks the name first
        folder.mkdir(parents=True, exist_ok=True)
        for upload in uploads:
            name = _SAFE_NAME.sub("_", upload.name.rsplit("/", 1)[-1]) or "upload"
            if len(upload.data) > limit:
                report.skipped.append(
                    (
                        name,
                        f"{name}: over the {limit / 1e6:g} MB limit; split "
                        "it or raise JOURNEYMAP_MAX_FILE_MB",
                    )
                )
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
            path = folder / name
            path.write_bytes(upload.data)
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
