"""Sources: upload transcripts and review tables, list them, read one, delete one."""

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import JSONResponse

from api.deps import ProjectDep, ScopeDep, StateDep, WorkspaceDep, allowed
from api.errors import ApiError
from api.jobs import Job, job_response, wait_or_hand_back
from api.models import IngestResult, SourceSummary, source_summary
from api.operations import Upload, ingest_uploads
from ingest.pipeline import IngestOptions
from ingest.store import check_project_name
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
    response_model=IngestResult,
    responses={
        202: {"model": Job, "description": "still ingesting: poll the job"},
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
    kind: Annotated[SourceKind | None, Form()] = None,
    text_column: Annotated[str | None, Form()] = None,
    id_column: Annotated[str | None, Form()] = None,
    segment: Annotated[list[str] | None, Form(description="key=value, repeatable")] = None,
    wait: Annotated[
        bool,
        Query(
            description="Wait (up to JOURNEYMAP_JOB_WAIT_SECONDS) for the "
            "result; false answers 202 with a job at once."
        ),
    ] = True,
) -> IngestResult | JSONResponse:
    """Files are stored in the workspace and ingested like `journeymap ingest`; a project that
    does not exist yet is created. A long ingest answers 202 with a job to poll at
    /v1/jobs/{id}."""
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
    check_project_name(project)
    uploads = [Upload(f.filename or "upload", f.file.read(limit + 1)) for f in files]
    job = wait_or_hand_back(
        state.jobs,
        "ingest",
        project,
        lambda progress: ingest_uploads(state, project, uploads, options, progress),
        state.settings.job_wait_seconds if wait else 0.0,
    )
    added = bool(job.status == "done" and job.result["added"])
    return job_response(job, status.HTTP_201_CREATED if added else status.HTTP_200_OK)


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
