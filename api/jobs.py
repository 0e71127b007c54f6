"""Background jobs for long ingests and map builds: a request waits a little, then hands back
a job to poll at GET /v1/jobs/{id} instead of blocking for minutes. On a server the jobs live
in the workspace database (assistant/jobs_store.py), leased to the process running them."""

import asyncio
import json
import logging
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FuturesTimeout
from contextlib import suppress
from datetime import UTC, datetime
from typing import Any, Literal

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.errors import error_body, status_of
from assistant.jobs_store import ACTIVE, INTERRUPTED, JobStore, StoredJob, retryable
from journey.errors import ConflictError, JourneymapError, NotFoundError

logger = logging.getLogger(__name__)

PROGRESS_EVERY = 0.5
"""Seconds between writes of a running job's progress to the database."""
POLL_SECONDS = 0.2
"""How often a long poll on another worker's job reads the database."""
RESUME_ATTEMPTS = 3
"""A job begun this many times is not resumed on its own (one that kills its server, say out
of memory, would otherwise be begun again by every restart); it can still be retried."""

Work = Callable[[Callable[[float, str], None]], BaseModel]
"""A job's work: called with progress(fraction, message), returns the result."""


class Job(BaseModel):
    """A long-running task and how far it has got."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Job id, for GET /v1/jobs/{id}."""
    kind: Literal["ingest", "map"]
    """What it does."""
    project: str
    """The project it works on."""
    status: Literal["queued", "running", "done", "failed", "interrupted"] = "queued"
    """Where it is; `interrupted` when the server running it stopped (run it again)."""
    progress: float = 0.0
    """0..1, as far as it can tell."""
    message: str = ""
    """What it is doing now, or why it failed."""
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    """When it was submitted."""
    started_at: datetime | None = None
    """When a worker began it."""
    finished_at: datetime | None = None
    """When it ended."""
    result: Any = None
    """The result once done (what the synchronous call would have returned)."""
    error_code: int | None = None
    """HTTP status the synchronous call would have failed with."""
    attempts: int = 0
    """How many times a worker began it (a retry begins it again under the same id)."""
    retry: str | None = None
    """How to run it again, when it ended without running to its end through no fault of its
    input (interrupted, stopped before it began, or failed on the server's side)."""


def retry_hint(job_id: str, kind: str, project: str, kept: bool = True) -> str:
    """What a client does to run a job again (the work is safe to repeat): retry it, or, for a
    job whose request was not kept (recorded by an older journeymap), send it again."""
    if kept:
        return f"POST /v1/jobs/{job_id}/retry"
    if kind == "map":
        return f"POST /v1/projects/{project}/map again with the same body"
    return (
        f"POST the same files to /v1/projects/{project}/sources again: files the interrupted "
        "job stored are recognised and not ingested twice"
    )


def _hint(stored: StoredJob) -> str | None:
    if retryable(stored):
        return retry_hint(stored.id, stored.kind, stored.project)
    if stored.status == "interrupted" or (stored.status == "failed" and stored.error_code is None):
        return retry_hint(stored.id, stored.kind, stored.project, kept=False)
    return None


def _from_store(stored: StoredJob) -> Job:
    kind: Literal["ingest", "map"] = "map" if stored.kind == "map" else "ingest"
    return Job(
        id=stored.id,
        kind=kind,
        project=stored.project,
        status=stored.status,
        progress=stored.progress,
        message=stored.message,
        created_at=stored.created_at,
        started_at=stored.started_at,
        finished_at=stored.finished_at,
        result=stored.result,
        error_code=stored.error_code,
        attempts=stored.attempts,
        retry=_hint(stored),
    )


def _check_retryable(stored: StoredJob) -> None:
    """ConflictError saying why, unless the job may be run again."""
    if retryable(stored):
        return
    where = f"GET /v1/jobs/{stored.id}"
    if stored.status in ACTIVE:
        attempt = stored.attempts + 1 if stored.status == "queued" else stored.attempts
        raise ConflictError(
            f"job {stored.id} is {stored.status} (attempt {attempt}): poll it at {where}",
            code="job_active",
        )
    if stored.status == "done":
        raise ConflictError(
            f"job {stored.id} is done: its result is at {where}; to run it afresh, send its "
            "request again",
            code="job_done",
        )
    if stored.status == "failed" and stored.error_code is not None and stored.error_code < 500:
        raise ConflictError(
            f"job {stored.id} failed on its input ({stored.message}): it would fail the same "
            "way again; fix the request and send it again",
            code="job_not_retryable",
        )
    raise ConflictError(  # it could run again, but an older journeymap did not keep its request
        f"job {stored.id} was recorded without its request (by an older journeymap): "
        + retry_hint(stored.id, stored.kind, stored.project, kept=False),
        code="job_not_retryable",
    )


class PoolClosed(RuntimeError):
    """The job pool is shut down (the server is stopping): it takes no more jobs."""


class JobStopped(Exception):
    """Raised inside a running job when the pool shuts down (or lost the job's lease to
    another worker), so it ends at its next step."""

    status = 503


def worker_id() -> str:
    """A name for this process among the workers of a workspace (unique per process)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


_Item = tuple[Future[None], Callable[[], None]]


class _Queue:
    """Jobs waiting for a worker, first come first served among the projects with no job
    running: a job of a busy project waits without holding a worker (a map build waiting on
    its project's ingest held the second of two workers, and a 200-byte upload to another
    project stayed queued for 19 minutes)."""

    def __init__(self) -> None:
        self._items: list[tuple[_Item, str]] = []
        self._running: Counter[str] = Counter()
        self._stops = 0
        self._ready = threading.Condition()

    def put(self, item: _Item, project: str) -> None:
        with self._ready:
            self._items.append((item, project))
            self._ready.notify_all()

    def stop(self) -> None:
        """Let one worker end (after the job it runs)."""
        with self._ready:
            self._stops += 1
            self._ready.notify_all()

    def get(self) -> tuple[_Item, str] | None:
        """The next job whose project runs none (blocking); None: the worker is to end."""
        with self._ready:
            while True:
                if self._stops:
                    self._stops -= 1
                    return None
                for i, (item, project) in enumerate(self._items):
                    if not self._running[project]:
                        del self._items[i]
                        self._running[project] += 1
                        return item, project
                self._ready.wait()

    def done(self, project: str) -> None:
        with self._ready:
            self._running[project] -= 1
            self._ready.notify_all()


class Jobs:
    """A small pool of worker threads running jobs, and where their state is kept.

    With a JobStore (the server's case) every job is a row of the workspace database: any
    process serving the workspace answers for any job, and a job outlives the process that
    ran it. This process holds a lease on the jobs it runs and renews it every third of
    `lease_seconds`; if the process dies, the lease runs out and the job reads as
    `interrupted`, with how to run it again. Without a store, jobs are kept in memory
    (newest 500) and die with the process.

    The workers are daemon threads: a server told to stop does not wait for a long ingest
    (a job cut off midway leaves nothing half-stored: each source is stored in one go).
    """

    def __init__(
        self,
        workers: int = 2,
        store: JobStore | None = None,
        lease_seconds: float = 30.0,
    ) -> None:
        self._queue = _Queue()
        self._jobs: dict[str, Job] = {}
        """Jobs this process runs (newest 500), updated by their workers."""
        self._views: dict[str, Job] = {}
        """Other workers' jobs as last read (newest 500), shared by their readers."""
        self._futures: dict[str, Future[None]] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._size = workers
        self._workers: list[threading.Thread] = []  # started with the first job
        self.store = store
        self.lease_seconds = lease_seconds
        self.worker = worker_id()
        self._stop_renewing = threading.Event()
        self._renewer: threading.Thread | None = None
        self._kept: set[str] = set()
        """Jobs of this process whose request the database keeps (they can be retried)."""
        self._rebuild: Callable[[StoredJob], Work] | None = None
        """Set by `resume`: the work of a stored job, for resuming it."""
        self._unresumable: set[str] = set()
        """Jobs `resume` found it cannot run (their input is gone): not tried again."""

    def _work(self) -> None:
        while (got := self._queue.get()) is not None:
            (future, run), project = got
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        run()
                    finally:
                        future.set_result(None)
            finally:
                self._queue.done(project)

    def _renew(self) -> None:
        """Keep this process's leases alive while it runs (a thread of its own), and resume
        interrupted jobs when asked to (`resume`)."""
        assert self.store is not None
        while not self._stop_renewing.wait(self.lease_seconds / 3):
            try:
                self.store.renew(self.worker, self.lease_seconds)
            except sqlite3.ProgrammingError:  # the workspace was closed: nothing left to renew
                logger.debug("job leases of %s: the database is closed", self.worker)
                return
            except sqlite3.Error:  # a busy database: the next round tries again
                logger.warning("could not renew the job leases of %s", self.worker)
            if self._rebuild is not None:
                self._resume_interrupted()

    def forget_results_citing(self, project: str, source_id: str, sent_as: str = "") -> None:
        """Drop the kept results of a project's jobs that quote a deleted source (a map built
        before the deletion was still served as a job's result), and the requests of ended
        jobs that name the file it was sent as (p07_emma_lindqvist.txt stayed 7 days)."""
        with self._lock:
            for job in self._jobs.values():
                cites = job.result is not None and source_id in json.dumps(
                    jsonable_encoder(job.result)
                )
                if job.project == project and cites:
                    job.result = None
        if self.store is not None:
            self.store.forget_results_citing(project, source_id, sent_as)

    def forget_project(self, project: str) -> None:
        """Forget a deleted project's ended jobs and their results (they quote its sources)."""
        with self._lock:
            for job_id in [
                i for i, j in self._jobs.items() if j.project == project and j.status not in ACTIVE
            ]:
                del self._jobs[job_id]
        if self.store is not None:
            self.store.forget_project(project)

    def get(self, job_id: str) -> Job | None:
        """A job by id: from the database when there is one (any worker's job), else from
        this process's memory.

        The object returned is live, as the route answering a long poll needs (it reads the
        job, waits, then answers with the same object): one this process runs is the one its
        worker updates; another worker's is refreshed in place by `wait`."""
        with self._lock:
            local = self._jobs.get(job_id)
        if self.store is None:
            return local
        stored = self.store.get(job_id)
        if stored is None:
            return None
        lost = local is not None and local.status in ACTIVE and stored.status not in ACTIVE
        if local is not None and stored.owner == self.worker and not lost:
            return local  # its worker is here: its progress is fresher than the database's
        return self._view(_from_store(stored))

    def _view(self, fresh: Job) -> Job:
        """The one object readers of a job share, brought up to date with `fresh`."""
        with self._lock:
            view = self._views.setdefault(fresh.id, fresh)
            for old in list(self._views)[:-500]:
                del self._views[old]
        if view is not fresh:
            for name in Job.model_fields:
                if name != "status":
                    setattr(view, name, getattr(fresh, name))
            view.status = fresh.status  # last: a reader of this object sees a complete job
        return view

    def submit(
        self,
        kind: Literal["ingest", "map"],
        project: str,
        work: Work,
        request: Any = None,
        inputs: Sequence[str] = (),
    ) -> tuple[Job, Future[None]]:
        """Run work(progress) in the background; progress(fraction, message) updates the job.
        With the request (JSON data from which the work can be made again) the job can be
        retried; `inputs` are the workspace files it holds until it is forgotten."""
        job = Job(id=uuid.uuid4().hex[:16], kind=kind, project=project)
        if self.store is not None:
            job.created_at = self.store.add(
                job.id, kind, project, self.worker, self.lease_seconds, request, inputs
            )
        return job, self._start(job, work, kept=self.store is not None and request is not None)

    def retry(self, job_id: str, rebuild: Callable[[StoredJob], Work]) -> Job:
        """Run an ended job again under its id, in this process (see `retryable`): NotFoundError
        if there is no such job, ConflictError if it is not to be retried (running, done, failed
        on its input, or retried by another request first), and whatever `rebuild` raises when
        the job's work cannot be made again (its files are gone); the job then stays as it was.
        """
        store = self.store
        stored = store.get(job_id) if store is not None else None
        if store is None or stored is None:
            raise NotFoundError(f"no job {job_id!r} (ended jobs are kept for 7 days)")
        _check_retryable(stored)
        work = rebuild(stored)
        requeued = store.requeue(job_id, self.worker, self.lease_seconds)
        if requeued is None:  # another request retried it since it was read: say how it is
            _check_retryable(store.get(job_id) or stored)
            raise ConflictError(f"job {job_id} was retried by another request: poll it")
        job = _from_store(requeued)
        self._start(job, work, kept=True)
        return job

    def resume(self, rebuild: Callable[[StoredJob], Work]) -> None:
        """Resume, in this process, jobs that a server's stop or death ended before they ran
        to their end (begun fewer than RESUME_ATTEMPTS times): now, and then every third of
        the lease, as workers of the workspace die. Each is taken by one worker only."""
        if self.store is None:
            return
        self._rebuild = rebuild
        self._resume_interrupted()
        self._start_renewing()

    def _resume_interrupted(self) -> None:
        assert self.store is not None and self._rebuild is not None
        try:
            for job_id in self.store.resumable(RESUME_ATTEMPTS):
                if self._closed:
                    return
                stored = self.store.get(job_id)
                if stored is None or job_id in self._unresumable:
                    continue
                try:
                    work = self._rebuild(stored)
                except JourneymapError as exc:
                    self._unresumable.add(job_id)
                    logger.warning("job %s is not resumed: %s", job_id, exc)
                    continue
                requeued = self.store.requeue(
                    job_id, self.worker, self.lease_seconds, RESUME_ATTEMPTS
                )
                if requeued is not None:  # else another worker took it
                    logger.info("resuming job %s (attempt %d)", job_id, requeued.attempts + 1)
                    self._start(_from_store(requeued), work, kept=True)
        except PoolClosed:  # the server stopped under it: the job reads failed, retryable
            return
        except Exception:  # a thread's top level: the leases must go on being renewed
            logger.exception("could not resume interrupted jobs")

    def _start(self, job: Job, work: Work, kept: bool) -> Future[None]:
        """Queue a job the database (if any) has as queued for this worker."""
        store, owner, kind, project = self.store, self.worker, job.kind, job.project
        with self._lock:
            self._jobs[job.id] = job
            if kept:
                self._kept.add(job.id)
            for old in list(self._jobs)[:-500]:
                del self._jobs[old]
                self._futures.pop(old, None)
                self._kept.discard(old)
        reported = [0.0]  # when progress last went to the database (monotonic seconds)

        def progress(fraction: float, message: str) -> None:
            if self._closed:  # the server is stopping: end the job at its next step
                raise JobStopped("the server stopped while this job ran")
            job.progress, job.message = max(0.0, min(1.0, fraction)), message
            if store is not None and time.monotonic() - reported[0] >= PROGRESS_EVERY:
                reported[0] = time.monotonic()
                if not store.report(job.id, owner, job.progress, message):
                    raise JobStopped("this job's lease was lost: another worker reported it")

        def end(status: Literal["done", "failed", "interrupted"], message: str) -> None:
            finished = None
            if store is not None:
                result = job.result if status == "done" else None
                finished = store.finish(job.id, owner, status, message, result, job.error_code)
            job.message = message
            job.finished_at = finished or datetime.now(UTC)
            server_side = (job.error_code or 500) >= 500
            if status == "interrupted" or (status == "failed" and kept and server_side):
                job.retry = retry_hint(job.id, kind, project, kept)
            else:
                job.retry = None
            job.status = status  # last: a reader of this object sees a complete job

        def run() -> None:
            started = datetime.now(UTC)
            if store is not None:
                claimed = store.claim(job.id, owner, self.lease_seconds)
                if claimed is None:  # another worker reported it before it began
                    stored = store.get(job.id)
                    if stored is not None:
                        job.message, job.retry = stored.message, _hint(stored)
                        job.status = stored.status
                    return
                started = claimed
            job.status, job.started_at = "running", started
            job.attempts += 1
            try:
                result = work(progress)
            except JourneymapError as exc:
                job.error_code = status_of(exc)[0]
                end("failed", str(exc))
            except JobStopped as exc:
                job.error_code = JobStopped.status
                end("interrupted", f"interrupted: {exc}; run it again")
            except Exception as exc:  # the job must end in a state a client can read
                # and the log keeps the traceback (an integrator's "database is locked" jobs
                # left none)
                logger.exception("job %s (%s) failed", job.id, job.kind)
                job.error_code = getattr(exc, "status", 500)
                end("failed", str(exc))
            else:
                job.progress, job.result = 1.0, result.model_dump(mode="json")
                end("done", "done")

        future: Future[None] = Future()
        with self._lock:
            if self._closed:
                if store is not None:
                    store.finish(job.id, owner, "failed", "the job pool is shut down")
                raise PoolClosed("the job pool is shut down")
            self._futures[job.id] = future
            self._queue.put((future, run), project or "")
            while len(self._workers) < self._size:
                worker = threading.Thread(
                    target=self._work, name=f"journeymap-job-{len(self._workers)}", daemon=True
                )
                worker.start()
                self._workers.append(worker)
        self._start_renewing()
        return future

    def _start_renewing(self) -> None:
        with self._lock:
            if self.store is not None and self._renewer is None and not self._closed:
                self._renewer = threading.Thread(
                    target=self._renew, name="journeymap-job-leases", daemon=True
                )
                self._renewer.start()

    def wait(self, job_id: str, seconds: float) -> None:
        """Block up to `seconds` for a job to end (a long poll); another worker's job is
        read from the database every POLL_SECONDS."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            with suppress(FuturesTimeout):
                future.result(timeout=max(0.0, seconds))
            return
        if self.store is None:
            return
        deadline = time.monotonic() + max(0.0, seconds)
        while (stored := self.store.get(job_id)) is not None:
            self._view(_from_store(stored))
            left = deadline - time.monotonic()
            if stored.status not in ACTIVE or left <= 0:
                return
            time.sleep(min(POLL_SECONDS, left))

    def shutdown(self, grace_seconds: float = 2.0) -> bool:
        """Stop taking jobs, cancel the queued ones, ask the running ones to stop at their next
        step and give them a moment; a job still running after that is left to its daemon
        thread, which dies with the process (in the database it reads as interrupted). True
        if no job is still running."""
        with self._lock:
            self._closed = True
            pending = [(self._jobs.get(i), future) for i, future in self._futures.items()]
            workers = list(self._workers)
        for job, future in pending:
            if future.cancel() and job is not None:  # only queued jobs cancel
                message = "the server stopped before this job started"
                if self.store is not None:
                    self.store.finish(job.id, self.worker, "failed", message)
                job.status, job.message = "failed", message
                job.retry = retry_hint(job.id, job.kind, job.project, job.id in self._kept)
        for _ in workers:
            self._queue.stop()
        for worker in workers:
            worker.join(timeout=grace_seconds / len(workers))
        self._stop_renewing.set()
        if self._renewer is not None:
            self._renewer.join(timeout=grace_seconds)
        still = [job for job, future in pending if job is not None and future.running()]
        if self.store is not None:
            for job in still:  # its thread may yet end it, and will record how
                self.store.finish(job.id, self.worker, "interrupted", INTERRUPTED)
        return not any(worker.is_alive() for worker in workers)


def wait_or_hand_back(
    jobs: Jobs,
    kind: Literal["ingest", "map"],
    project: str,
    work: Work,
    wait_seconds: float,
    request: Any = None,
    inputs: Sequence[str] = (),
) -> Job:
    """Submit work (with its request and inputs, see `Jobs.submit`) and wait up to
    wait_seconds; the job comes back done, failed or running."""
    job, future = jobs.submit(kind, project, work, request, inputs)
    with suppress(FuturesTimeout):
        future.result(timeout=max(0.0, wait_seconds))
    return job


async def await_or_hand_back(
    jobs: Jobs,
    kind: Literal["ingest", "map"],
    project: str,
    work: Work,
    wait_seconds: float,
    request: Any = None,
    inputs: Sequence[str] = (),
) -> Job:
    """wait_or_hand_back for async endpoints: the event loop goes on serving while it waits."""
    job, future = jobs.submit(kind, project, work, request, inputs)
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
    if job.status == "interrupted":
        message = f"{job.message} ({job.retry})" if job.retry else job.message
        return JSONResponse(error_body("job_interrupted", message), status_code=503)
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
