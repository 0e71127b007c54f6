"""Long-running work (an ingest, a map build) as rows in the workspace database, so that a job
outlives the process that ran it and any process serving the workspace can answer for it.

A job is run only by the worker (process) holding its lease: claiming is one atomic UPDATE
that succeeds only while the job is queued and unclaimed (or its holder's lease has run out),
so two workers never run one job at once. The holder renews the lease while it works; a job
whose lease ran out is reported `interrupted` (its worker stopped), and a worker that lost its
lease is told so at its next step (its updates are refused) and stops.

A job keeps the request that made it (what to run, as the API recorded it) and the workspace
files it holds (an upload's staged files), so a job that ended without running to its end can be
run again under the same id (`requeue`, one atomic UPDATE like `claim`: two workers retrying one
job start it once). Its files stay in the workspace until the job is forgotten.

The table has its own owner of migrations ("jobs"), opened by the API only: jobs are the
server's working state, not the study, and a workspace served once stays readable by an older
journeymap (which refuses a database recording a migration of an owner it knows, not of one
it does not).
"""

import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast, get_args

from ingest.migrations import Migrations, connect, settle, transaction

__all__ = ["INTERRUPTED", "JobStatus", "JobStore", "StoredJob", "migrations", "retryable"]

logger = logging.getLogger(__name__)

JobStatus = Literal["queued", "running", "done", "failed", "interrupted"]
ACTIVE = ("queued", "running")
"""States a job holds a lease in."""
INTERRUPTED = "interrupted: the server stopped while it ran; run it again"
NOT_STARTED = "interrupted: the server stopped before this job started; run it again"
KEEP_DAYS = 7
"""Ended jobs are forgotten after this many days..."""
KEEP_ENDED = 500
"""...and beyond the newest this many (a map build's result is the whole map)."""

migrations = Migrations("jobs")


@migrations
def m001_jobs(db: sqlite3.Connection) -> None:
    """Jobs with their state, result and lease (owner, lease_until in epoch seconds)."""
    db.execute(
        """CREATE TABLE jobs (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            project TEXT NOT NULL,
            status TEXT NOT NULL,
            progress REAL NOT NULL DEFAULT 0,
            message TEXT NOT NULL DEFAULT '',
            result_json TEXT,
            error_code INTEGER,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT,
            owner TEXT,
            lease_until REAL,
            attempts INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute("CREATE INDEX jobs_by_owner ON jobs (owner, status)")
    db.execute("CREATE INDEX jobs_by_lease ON jobs (status, lease_until)")


@migrations
def m002_job_requests(db: sqlite3.Connection) -> None:
    """What each job was asked to do (request_json, for running it again) and the workspace
    files it holds until it is forgotten (inputs_json: paths relative to the workspace). Jobs
    recorded before have neither: they cannot be retried, only sent again."""
    db.execute("ALTER TABLE jobs ADD COLUMN request_json TEXT")
    db.execute("ALTER TABLE jobs ADD COLUMN inputs_json TEXT")


class StoredJob(NamedTuple):
    """A job as the database has it."""

    id: str
    kind: str
    project: str
    status: JobStatus
    progress: float
    message: str
    result: Any
    """The result as JSON data once done, else None."""
    error_code: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    owner: str | None
    """The worker holding (or last holding) its lease."""
    lease_until: float | None
    """Epoch seconds its lease runs to."""
    attempts: int
    """How many times a worker claimed it."""
    request: Any = None
    """What it was asked to do, as JSON data (None for a job recorded before requests were)."""
    inputs: tuple[str, ...] = ()
    """Workspace files it holds (relative to the workspace), deleted when it is forgotten."""


_COLUMNS = (
    "id, kind, project, status, progress, message, result_json, error_code, created_at, "
    "started_at, finished_at, owner, lease_until, attempts, request_json, inputs_json"
)

# Which ended jobs may run again, once in SQL (for the atomic requeue) and once in Python (for
# what a job says about itself): they must agree. A job that ended because its server stopped
# (interrupted, or failed before it began: no error code), or that failed on our side (5xx: a
# crash, the LLM down); not one that succeeded, nor one its input failed (4xx: it would fail
# the same way again).
_RETRYABLE_SQL = (
    "request_json IS NOT NULL AND (status='interrupted' OR "
    "(status='failed' AND (error_code IS NULL OR error_code >= 500)))"
)
# ...and which of those a worker resumes on its own: only those its server's stop ended.
_RESUMABLE_SQL = (
    "request_json IS NOT NULL AND (status='interrupted' OR "
    "(status='failed' AND error_code IS NULL))"
)


def retryable(job: StoredJob) -> bool:
    """Whether the job may be run again (`JobStore.requeue`): it has its request and ended
    without running to its end for a reason its input is not to blame for."""
    return job.request is not None and (
        job.status == "interrupted"
        or (job.status == "failed" and (job.error_code is None or job.error_code >= 500))
    )


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _stored(row: tuple[Any, ...]) -> StoredJob:
    status = str(row[3])
    assert status in get_args(JobStatus), status
    return StoredJob(
        id=str(row[0]),
        kind=str(row[1]),
        project=str(row[2]),
        status=cast(JobStatus, status),
        progress=float(row[4]),
        message=str(row[5]),
        result=json.loads(row[6]) if row[6] is not None else None,
        error_code=None if row[7] is None else int(row[7]),
        created_at=datetime.fromisoformat(row[8]),
        started_at=_when(row[9]),
        finished_at=_when(row[10]),
        owner=None if row[11] is None else str(row[11]),
        lease_until=None if row[12] is None else float(row[12]),
        attempts=int(row[13]),
        request=json.loads(row[14]) if row[14] is not None else None,
        inputs=tuple(json.loads(row[15])) if row[15] is not None else (),
    )


class JobStore:
    """Jobs in the workspace's SQLite file, shared by every process serving the workspace.

    `clock` gives epoch seconds (tests inject one); leases are compared against it, so every
    worker of a workspace must share one clock (one machine, as SQLite needs anyway).
    """

    def __init__(
        self,
        path: Path,
        clock: Callable[[], float] = time.time,
        keep_ended: int = KEEP_ENDED,
    ) -> None:
        self._db = connect(path, migrations)
        self._home = path.parent.resolve()
        self._clock = clock
        self._keep_ended = keep_ended
        # One connection serves every thread of a server: one statement at a time on it.
        self._lock = threading.RLock()
        with self._transaction() as db:
            forgotten = self._forget_ended(db)
        self._delete_inputs(forgotten)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def held_inputs(self) -> set[Path]:
        """The files every job still known holds (resolved paths in the workspace)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT inputs_json FROM jobs WHERE inputs_json IS NOT NULL"
            ).fetchall()
        return {self._resolve(p) for (held,) in rows for p in json.loads(held)}

    def _resolve(self, relative: str) -> Path:
        """A path a job holds (relative to the workspace), resolved."""
        return (self._home / relative).resolve()

    def _iso(self) -> str:
        return datetime.fromtimestamp(self._clock(), UTC).isoformat(timespec="microseconds")

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self._db) as db:
            yield db

    def add(
        self,
        job_id: str,
        kind: str,
        project: str,
        owner: str,
        lease_seconds: float,
        request: Any = None,
        inputs: Sequence[str] = (),
    ) -> datetime:
        """A new queued job, leased to the worker that will run it, with its request (JSON
        data) and the workspace files it holds; when it was created. Old ended jobs are
        forgotten on the way (KEEP_DAYS, KEEP_ENDED)."""
        created = self._iso()
        with self._transaction() as db:
            forgotten = self._forget_ended(db)
            db.execute(
                "INSERT INTO jobs (id, kind, project, status, created_at, owner, lease_until, "
                "request_json, inputs_json) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)",
                (
                    job_id,
                    kind,
                    project,
                    created,
                    owner,
                    self._clock() + lease_seconds,
                    None if request is None else json.dumps(request, ensure_ascii=False),
                    json.dumps(list(inputs)) if inputs else None,
                ),
            )
        self._delete_inputs(forgotten)
        return datetime.fromisoformat(created)

    def requeue(
        self, job_id: str, owner: str, lease_seconds: float, max_attempts: int | None = None
    ) -> StoredJob | None:
        """Queue an ended, retryable job (see `retryable`) again under its id, leased to the
        worker that will run it (and begun fewer than max_attempts times, if given): for
        exactly one caller; the job as queued, else None. Its result, error and times of the
        last attempt are cleared; its attempts count on."""
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE jobs SET status='queued', owner=:owner, lease_until=:until, progress=0, "
                "message='queued again after: ' || message, result_json=NULL, error_code=NULL, "
                f"started_at=NULL, finished_at=NULL WHERE id=:id AND {_RETRYABLE_SQL} "
                "AND (:max IS NULL OR attempts < :max)",
                {
                    "id": job_id,
                    "owner": owner,
                    "until": self._clock() + lease_seconds,
                    "max": max_attempts,
                },
            )
        return self.get(job_id) if updated.rowcount == 1 else None

    def resumable(self, max_attempts: int) -> list[str]:
        """Ids of jobs a stopping or dying server ended before they ran to their end (oldest
        first) that were begun fewer than max_attempts times: what a worker may resume."""
        self.interrupt_expired()
        with self._lock:
            rows = self._db.execute(
                f"SELECT id FROM jobs WHERE {_RESUMABLE_SQL} AND attempts < ? ORDER BY created_at",
                (max_attempts,),
            ).fetchall()
        return [str(r[0]) for r in rows]

    def claim(self, job_id: str, owner: str, lease_seconds: float) -> datetime | None:
        """Take the job to run it: for exactly one caller while it is queued for this owner
        (or for anyone) or its holder's lease has run out, when it started; else None."""
        now, started = self._clock(), self._iso()
        with self._transaction() as db:
            claimed = db.execute(
                "UPDATE jobs SET status='running', owner=:owner, lease_until=:until, "
                "started_at=:started, attempts=attempts+1 "
                "WHERE id=:id AND status IN ('queued', 'running') AND ("
                "  (status='queued' AND (owner IS NULL OR owner=:owner)) OR lease_until < :now)",
                {
                    "id": job_id,
                    "owner": owner,
                    "until": now + lease_seconds,
                    "started": started,
                    "now": now,
                },
            )
        return datetime.fromisoformat(started) if claimed.rowcount == 1 else None

    def renew(self, owner: str, lease_seconds: float) -> set[str]:
        """Extend the lease of every queued or running job the owner holds; their ids (a job
        missing from them was taken over or ended)."""
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET lease_until=? WHERE owner=? AND status IN ('queued', 'running')",
                (self._clock() + lease_seconds, owner),
            )
            rows = db.execute(
                "SELECT id FROM jobs WHERE owner=? AND status IN ('queued', 'running')", (owner,)
            )
            return {str(r[0]) for r in rows}

    def report(self, job_id: str, owner: str, progress: float, message: str) -> bool:
        """Record how far a running job has got; False if the owner no longer holds it (it
        should stop)."""
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE jobs SET progress=?, message=? WHERE id=? AND owner=? AND status='running'",
                (progress, message, job_id, owner),
            )
            return updated.rowcount == 1

    def finish(
        self,
        job_id: str,
        owner: str,
        status: Literal["done", "failed", "interrupted"],
        message: str,
        result: Any = None,
        error_code: int | None = None,
    ) -> datetime | None:
        """Record how the owner's job ended and when; None if another worker holds it now. (A
        job reported interrupted while its stalled worker went on still records its end.)"""
        finished = self._iso()
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE jobs SET status=?, message=?, result_json=?, error_code=?, "
                "progress=CASE WHEN ?='done' THEN 1.0 ELSE progress END, "
                "finished_at=?, lease_until=NULL WHERE id=? AND owner=?",
                (
                    status,
                    message,
                    None if result is None else json.dumps(result, ensure_ascii=False),
                    error_code,
                    status,
                    finished,
                    job_id,
                    owner,
                ),
            )
        return datetime.fromisoformat(finished) if updated.rowcount == 1 else None

    def forget_results_citing(self, project: str, source_id: str, sent_as: str = "") -> int:
        """Drop the results of a project's jobs that quote a deleted source, and the requests
        of its done jobs that name the file it was sent as (and leave no copy of either in the
        database's log or pages)."""
        with self._transaction() as db:
            dropped = db.execute(
                "UPDATE jobs SET result_json=NULL WHERE project=? AND instr(result_json, ?) > 0",
                (project, source_id),
            ).rowcount
            if sent_as:  # a done job's files are gone: what it was asked need not stay
                db.execute(
                    "UPDATE jobs SET request_json=NULL, inputs_json=NULL WHERE project=? AND "
                    "status='done' AND (instr(request_json, ?) > 0 OR instr(inputs_json, ?) > 0)",
                    (project, sent_as, sent_as),
                )
        self._settle()
        return dropped

    def _settle(self) -> None:
        """After a deletion: nothing deleted stays in the write-ahead log or its pages."""
        with self._lock:
            settle(self._db)

    def forget_project(self, project: str) -> int:
        """Delete a deleted project's ended jobs, whose results quote its sources (a job still
        queued or running stays to end; the project's deletion waits for its writers)."""
        with self._transaction() as db:
            dropped = db.execute(
                "DELETE FROM jobs WHERE project=? AND status NOT IN (?, ?)", (project, *ACTIVE)
            ).rowcount
        self._settle()
        return dropped

    def get(self, job_id: str) -> StoredJob | None:
        """A job by id, reported interrupted first if its worker's lease ran out."""
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
        if row is None:
            return None
        job = _stored(row)
        if job.status in ACTIVE and (job.lease_until or 0) < self._clock():
            self.interrupt_expired(job_id)
            return self.get(job_id)
        return job

    def interrupt_expired(self, job_id: str | None = None) -> int:
        """Mark queued or running jobs whose lease ran out (of one job, or all) interrupted;
        how many were."""
        now = self._clock()
        with self._transaction() as db:
            updated = db.execute(
                "UPDATE jobs SET status='interrupted', finished_at=:finished, "
                "message=CASE WHEN started_at IS NULL THEN :not_started ELSE :interrupted END "
                "WHERE status IN ('queued', 'running') AND lease_until < :now "
                "AND (:id IS NULL OR id=:id)",
                {
                    "finished": self._iso(),
                    "not_started": NOT_STARTED,
                    "interrupted": INTERRUPTED,
                    "now": now,
                    "id": job_id,
                },
            )
            return updated.rowcount

    def _forget_ended(self, db: sqlite3.Connection) -> list[str]:
        """Forget old ended jobs; the files they held, to delete once this is committed."""
        cutoff = datetime.fromtimestamp(self._clock(), UTC) - timedelta(days=KEEP_DAYS)
        old = (
            "SELECT id, inputs_json FROM jobs WHERE finished_at IS NOT NULL AND (finished_at < ? "
            "OR id IN (SELECT id FROM jobs WHERE finished_at IS NOT NULL "
            "ORDER BY finished_at DESC LIMIT -1 OFFSET ?))"
        )
        rows = db.execute(old, (cutoff.isoformat(timespec="microseconds"), self._keep_ended))
        forgotten = rows.fetchall()
        db.executemany("DELETE FROM jobs WHERE id=?", [(r[0],) for r in forgotten])
        # Two uploads of one content wait in one place: a job still known may need it.
        rest = db.execute("SELECT inputs_json FROM jobs WHERE inputs_json IS NOT NULL")
        still = {path for (held,) in rest for path in json.loads(held)}
        return [p for _, held in forgotten if held for p in json.loads(held) if p not in still]

    def _delete_inputs(self, paths: list[str]) -> None:
        """Delete the files forgotten jobs held (an ingest's staged uploads it never took in),
        inside the workspace only."""
        for relative in paths:
            path = self._resolve(relative)
            if path.is_relative_to(self._home) and path != self._home:
                try:
                    path.unlink(missing_ok=True)
                except OSError as exc:  # a folder, or no permission: leave it, say so
                    logger.warning("could not delete %s of a forgotten job: %s", path, exc)
