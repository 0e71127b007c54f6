"""Sources: upload transcripts and review tables, list them, read one, delete one."""

import re
from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status
from pydantic import BaseModel, ConfigDict

from api.deps import ProjectDep, ScopeDep, StateDep, WorkspaceDep, allowed
from api.errors import ApiError
from ingest.pipeline import IngestOptions, IngestReport
from ingest.readers import SUPPORTED_EXTENSIONS
from journey.errors import NotFoundError
from journey.source import Source, SourceKind

router = APIRouter(prefix="/v1/projects/{project}/sources", tags=["sources"])
_SAFE_NAME = re.compile(r"[^\w.\-]+")


class SourceSummary(BaseModel):
    """A source without its turns."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Stable content-hash id."""
    path: str
    """Where it came from (`file.csv#ID` for a review)."""
    kind: SourceKind
    """interview, review or survey."""
    language: str
    """Detected language."""
    participant_id: str
    """Who it speaks for."""
    turns: int
    """Number of turns."""
    redactions: int
    """PII items redacted."""
    segment: dict[str, str]
    """Segment attributes."""


class Skipped(BaseModel):
    """A file that was not ingested, and why."""

    file: str
    reason: str


class IngestResult(BaseModel):
    """What an upload did."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    added: list[SourceSummary]
    """Sources stored by this upload."""
    unchanged: int
    """Sources that were already stored (identical content)."""
    replaced: int
    """Older versions of the uploaded files that were replaced."""
    skipped: list[Skipped]
    """Files not ingested, each with a reason that says what to do."""
    chunks: int
    """Chunks embedded."""


def summary(source: Source) -> SourceSummary:
    """A source's summary."""
    return SourceSummary(
        id=source.id,
        path=source.path,
        kind=source.kind,
        language=source.language,
        participant_id=source.participant_id,
        turns=len(source.turns),
        redactions=sum(source.redactions.values()),
        segment=source.segment,
    )


def _segments(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            raise ApiError(
                422, "invalid_request", f"segment {value!r}: write key=value, e.g. plan=trial"
            )
        out[key.strip()] = val.strip()
    return out


@router.post(
    "",
    summary="Upload and ingest files (transcripts or review tables)",
    responses={
        413: {"description": "every file was over the size limit"},
        415: {"description": "every file was of an unsupported type"},
        422: {"description": "no file could be ingested"},
    },
)
def upload_sources(
    project: str,
    files: Annotated[list[UploadFile], File(description="One or more files.")],
    state: StateDep,
    scope: ScopeDep,
    response: Response,
    kind: Annotated[SourceKind | None, Form()] = None,
    text_column: Annotated[str | None, Form()] = None,
    id_column: Annotated[str | None, Form()] = None,
    segment: Annotated[list[str] | None, Form(description="key=value, repeatable")] = None,
) -> IngestResult:
    """Files are stored in the workspace and ingested like `journeymap ingest`; a project that
    does not exist yet is created."""
    settings, workspace = state.settings, state.workspace
    if not allowed(scope, project):
        raise ApiError(404, "not_found", f"no project {project!r}")
    if len(files) > settings.max_upload_files:
        raise ApiError(
            413,
            "too_many_files",
            f"{len(files)} files: send at most {settings.max_upload_files} per request",
        )
    folder = settings.home / "uploads" / project
    limit = int(settings.max_file_mb * 1024 * 1024)
    options = IngestOptions(
        kind=kind,
        text_column=text_column,
        id_column=id_column,
        segment=_segments(segment or []),
        max_bytes=limit,
    )
    report = IngestReport()
    paths = []
    statuses = []
    with state.lock(project):
        ingestor = workspace.ingestor(project, options)  # checks the name first
        folder.mkdir(parents=True, exist_ok=True)
        for upload in files:
            name = _SAFE_NAME.sub("_", (upload.filename or "upload").rsplit("/", 1)[-1])
            data = upload.file.read(limit + 1)
            if len(data) > limit:
                report.skipped.append(
                    (
                        name,
                        f"{name}: over the {settings.max_file_mb:g} MB "
                        "limit; split it or raise JOURNEYMAP_MAX_FILE_MB",
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
            path.write_bytes(data)
            paths.append(path)
        ingestor.ingest(paths, report)
        state.changed(project)
    skipped = [Skipped(file=f.rsplit("/", 1)[-1], reason=r) for f, r in report.skipped]
    if not report.added and not report.unchanged and skipped:
        code = (
            statuses[0]
            if statuses and len(set(statuses)) == 1 and len(statuses) == len(skipped)
            else 422
        )
        raise ApiError(
            code,
            "nothing_ingested",
            "no file could be ingested: " + " | ".join(s.reason for s in skipped),
        )
    response.status_code = status.HTTP_201_CREATED if report.added else status.HTTP_200_OK
    return IngestResult(
        added=[summary(s) for s in report.added],
        unchanged=report.unchanged,
        replaced=report.replaced,
        skipped=skipped,
        chunks=report.chunks,
    )


@router.get("", summary="List a project's sources")
def list_sources(project: ProjectDep, workspace: WorkspaceDep) -> list[SourceSummary]:
    return [summary(s.source) for s in workspace.catalog.sources(project)]


def _find(workspace: WorkspaceDep, project: str, source_id: str) -> Source:
    for stored in workspace.catalog.sources(project):
        if stored.source.id == source_id:
            return stored.source
    raise NotFoundError(
        f"no source {source_id!r} in project {project!r}; list them at "
        f"/v1/projects/{project}/sources"
    )


@router.get("/{source_id}", summary="Get one source with its (redacted) turns")
def get_source(project: ProjectDep, source_id: str, workspace: WorkspaceDep) -> Source:
    return _find(workspace, project, source_id)


@router.delete(
    "/{source_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete one source and its chunks",
)
def delete_source(project: ProjectDep, source_id: str, state: StateDep) -> None:
    with state.lock(project):
        _find(state.workspace, project, source_id)
        state.workspace.catalog.delete_source(project, source_id)
        state.workspace.store.delete_sources(project, [source_id])
        state.changed(project)
