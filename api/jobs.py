"""Background jobs for long ingests and map builds: a request waits a little, then hands back
a job to poll at GET /v1/jobs/{id} instead of blocking for minutes."""

import asyncio
import queue
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.errors import error_body, status_of
from journey.errors import JourneymapError


class Job(BaseModel):
    """A long-running task and how far it has got."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Job id, for GET /v1/jobs/{id}."""
    kind: Literal["ingest", "map"]
    """What it does."""
    project: str
    """The project it works on."""
    status: Literal["queued", "running", "done", "failed"] = "queued"
    """Where it is."""
    progress: float = 0.0
    """0..1, as far as it can tell."""
    message: str = ""
    """What it is doing now, or why it failed."""
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    """When it was submitted."""
    result: Any = None
    """The result once done (what the synchronous call would have returned)."""
    error_code: int | None = None
    """HTTP status the synchronous call would have failed with."""


class JobStopped(Exception):
    """Raised inside a running job when the pool shuts down, so it ends at its next step."""

    status = 503


class Jobs:
    """A small pool of worker threads with a registry of jobs (kept in memory, newest 500).

    The workers are daemon threads: a server told to stop does not wait for a long ingest
    (a job cut off midway leaves nothing half-stored: each source is stored in one go).
    """

    def __init__(self, workers: int = 2) -> None:
        self._queue: queue.SimpleQueue[tuple[Future[None], Callable[[], None]] | None] = (
            queue.SimpleQueue()
        )
        self._jobs: dict[str, Job] = {}
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._size = workers
        self._workers: list[threading.Thread] = []  # started with the first job

    def _work(self) -> None:
        while (item := self._queue.get()) is not None:
            future, run = item
            if future.set_running_or_notify_cancel():
                try:
                    run()
                finally:
                    future.set_result(None)

    def get(self, job_id: str) -> Job | None:
        """A job by id."""
        with self._lock:
            return self._jobs.get(job_id)

    def submit(
        self,
        kind: Literal["ingest", "map"],
        project: str,
        work: Callable[[Callable[[float, str], None]], BaseModel],
    ) -> tuple[Job, Future[None]]:
        """Run work(progress) in the background; progress(fraction, message) updates the job."""
        job = Job(id=uuid.uuid4().hex[:16], kind=kind, project=project)
        with self._lock:
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-500]:
                del self._jobs[old]
                self._futures.pop(old, None)

        def progress(fraction: float, message: str) -> None:
            if self._closed:  # the server is stopping: end the job at its next step
                raise JobStopped("the server stopped while this job ran")
            job.progress, job.message = max(0.0, min(1.0, fraction)), message

        def run() -> None:
            job.status = "running"
            try:
                result = work(progress)
            except JourneymapError as exc:
                job.status, job.message, job.error_code = "failed", str(exc), status_of(exc)[0]
            except Exception as exc:  # the job must end in a state a client can read
                code = getattr(exc, "status", 500)
                job.status, job.message, job.error_code = "failed", str(exc), code
            else:
                job.status, job.progress, job.result = "done", 1.0, result.model_dump(mode="json")
                job.message = "done"

        future: Future[None] = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("the job pool is shut down")
            self._futures[job.id] = future
            self._queue.put((future, run))
            while len(self._workers) < self._size:
                worker = threading.Thread(
                    target=self._work, name=f"journeymap-job-{len(self._workers)}", daemon=True
                )
                worker.start()
                self._workers.append(worker)
        return job, future

    def wait(self, job_id: str, seconds: float) -> None:
        """Block up to `seconds` for a job to end (a long poll)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            with suppress(FuturesTimeout):
                future.result(timeout=max(0.0, seconds))

    def shutdown(self, grace_seconds: float = 2.0) -> bool:
        """Stop taking jobs, cancel the queued ones, ask the running ones to stop at their next
        step and give them a moment; a job still running after that is left to its daemon
        thread, which dies with the process. True if no job is still running."""
        with self._lock:
            self._closed = True
            pending = [(self._jobs.get(i), future) for i, future in self._futures.items()]
            workers = list(self._workers)
        for job, future in pending:
            if future.cancel() and job is not None:  # only queued jobs cancel
                job.status, job.message = "failed", "the server stopped before this job started"
        for _ in workers:
            self._queue.put(None)
        for worker in workers:
            worker.join(timeout=grace_seconds / len(workers))
        return not any(worker.is_alive() for worker in workers)


def wait_or_hand_back(
    jobs: Jobs,
    kind: Literal["ingest", "map"],
    project: str,
    work: Callable[[Callable[[float, str], None]], BaseModel],
    wait_seconds: float,
) -> Job:
    """Submit work and wait up to wait_seconds; the job comes back done, failed or running."""
    job, future = jobs.submit(kind, project, work)
    with suppress(FuturesTimeout):
        future.result(timeout=max(0.0, wait_seconds))
    return job


async def await_or_hand_back(
    jobs: Jobs,
    kind: Literal["ingest", "map"],
    project: str,
    work: Callable[[Callable[[float, str], None]], BaseModel],
    wait_seconds: float,
) -> Job:
    """wait_or_hand_back for async endpoints: the event loop goes on serving while it waits."""
    job, future = jobs.submit(kind, project, work)
    if wait_seconds <= 0:
        return job
    # asyncio.wait, unlike wait_for, leaves the job alone when the time is up.
    await asyncio.wait([asyncio.wrap_future(future)], timeout=max(0.0, wait_seconds))
    return job


def job_response(job: Job, done_status: int = 200) -> JSONResponse:
    """The job's result if done (as the synchronous call would answer), its error if it failed,
    else 202 with the job itself and where to poll it."""
    if job.status == "done":
        return JSONResponse(job.result, status_code=done_status)
    if job.status == "failed":
        code = job.error_code or 500
        return JSONResponse(
            error_body("job_failed" if code >= 500 else "bad_input", job.message), status_code=code
        )
    return job_accepted(job)


def job_accepted(job: Job) -> JSONResponse:
    """202 with the job and where to poll it, whatever state it has reached by now."""
    return JSONResponse(
        job.model_dump(mode="json"), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}
    )
