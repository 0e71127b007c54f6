"""Sources: upload transcripts and review tables, list them, read one, delete one."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Response, UploadFile, status

from api.deps import ProjectDep, ScopeDep, StateDep, WorkspaceDep, allowed
from api.errors import ApiError
from api.models import IngestResult, SourceSummary, source_summary
from api.operations import Upload, ingest_uploads
from ingest.pipeline import IngestOptions
from journey.errors import NotFoundError
from journey.source import Source, SourceKind

router = APIRouter(prefix="/v1/projects/{project}/sources", tags=["sources"])


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
    if not allowed(scope, project):
        raise ApiError(404, "not_found", f"no project {project!r}")
    limit = int(state.settings.max_file_mb * 1024 * 1024)
    options = IngestOptions(
        kind=kind,
        text_column=text_column,
        id_column=id_column,
        segment=_segments(segment or []),
        max_bytes=limit,
    )
    uploads = [Upload(f.filename or "upload", f.file.read(limit + 1)) for f in files]
    result = ingest_uploads(state, project, uploads, options)
    response.status_code = status.HTTP_201_CREATED if result.added else status.HTTP_200_OK
    return result


@router.get("", summary="List a project's sources")
def list_sources(project: ProjectDep, workspace: WorkspaceDep) -> list[SourceSummary]:
    return [source_summary(s.source) for s in workspace.catalog.sources(project)]


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
