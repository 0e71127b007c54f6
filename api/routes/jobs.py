"""Background jobs: read one (any API worker's), and run again one that ended without running to
its end."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from api.deps import AppState, ScopeDep, StateDep, allowed
from api.jobs import Job, Work, job_accepted
from api.routes.maps import MapRequest, map_again
from api.routes.sources import IngestRequest, ingest_again
from assistant.jobs_store import StoredJob
from journey.errors import ConflictError, NotFoundError

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])


def _job(state: AppState, scope: set[str], job_id: str) -> Job:
    job = state.jobs.get(job_id)
    if job is None or not allowed(scope, job.project):
        raise NotFoundError(f"no job {job_id!r} (ended jobs are kept for 7 days)")
    return job


@router.get("/{job_id}", summary="A background job: status, progress and result")
def get_job(
    job_id: str,
    state: StateDep,
    scope: ScopeDep,
    wait: Annotated[
        float,
        Query(
            ge=0,
            le=60,
            description="Seconds to wait for the job to end before answering (a long poll).",
        ),
    ] = 0.0,
) -> Job:
    job = _job(state, scope, job_id)
    if wait:
        state.jobs.wait(job_id, wait)
    return job


@router.post(
    "/{job_id}/retry",
    summary="Run again a job that ended without running to its end",
    status_code=202,
    response_model=Job,
    responses={
        202: {"model": Job, "description": "queued again under the same id: poll it"},
        404: {"description": "no such job (or not one of the key's projects)"},
        409: {"description": "running, done, failed on its input, or retried already"},
        410: {"description": "what it needs is gone (its files, its project): send it again"},
    },
)
def retry_job(job_id: str, state: StateDep, scope: ScopeDep) -> JSONResponse:
    """A job that was interrupted (its server stopped or died), stopped before it began, or
    failed on the server's side is queued again under the same id, with the request it was
    made with (an upload's files are kept in the workspace until then), and runs on the worker
    that answers: poll GET /v1/jobs/{id}; `attempts` counts its runs. Of two workers retrying
    one job, one runs it and the other answers 409."""
    _job(state, scope, job_id)
    return job_accepted(state.jobs.retry(job_id, lambda stored: rebuild(state, stored)))


def rebuild(state: AppState, stored: StoredJob) -> Work:
    """The work of a stored job, made again from its request; GoneError if what it needs is
    gone, ConflictError if this journeymap cannot read its request."""
    try:
        if stored.kind == "map":
            body = MapRequest.model_validate(stored.request)
            return map_again(state.studies, stored.project, body)
        upload = IngestRequest.model_validate(stored.request)
    except ValidationError:
        raise ConflictError(
            f"job {stored.id}'s request cannot be read by this journeymap: send it again",
            code="job_not_retryable",
        ) from None
    return ingest_again(state, stored.project, upload)
