"""Jobs in the workspace database: one worker claims a job, renews its lease while it works,
and a job whose lease ran out reads as interrupted; a worker that lost its lease is refused.
Time is an injected clock: nothing here waits."""

import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.jobs_store import INTERRUPTED, NOT_STARTED, JobStore
from assistant.repository import Repository
from ingest.catalog import Catalog


class Clock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "journeymap.sqlite"


@pytest.fixture
def store(database: Path, clock: Clock) -> JobStore:
    return JobStore(database, clock)


def test_a_job_is_claimed_once_and_its_result_read_back(store: JobStore, clock: Clock) -> None:
    store.add("j1", "map", "p", "worker-a", lease_seconds=30)
    queued = store.get("j1")
    assert queued is not None and queued.status == "queued" and queued.owner == "worker-a"
    assert store.claim("j1", "worker-a", 30)
    assert not store.claim("j1", "worker-a", 30), "a running job was claimed again"
    assert store.report("j1", "worker-a", 0.5, "halfway")
    running = store.get("j1")
    assert running is not None and (running.status, running.progress) == ("running", 0.5)
    assert running.message == "halfway" and running.attempts == 1 and running.started_at
    assert store.finish("j1", "worker-a", "done", "done", {"id": "map-1", "名": "地图"})
    done = store.get("j1")
    assert done is not None and done.status == "done" and done.progress == 1.0
    assert done.result == {"id": "map-1", "名": "地图"} and done.finished_at is not None


def test_another_worker_cannot_claim_a_job_whose_lease_is_alive(
    store: JobStore, clock: Clock
) -> None:
    store.add("j1", "ingest", "p", "worker-a", lease_seconds=30)
    assert not store.claim("j1", "worker-b", 30), "worker b took worker a's queued job"
    assert store.claim("j1", "worker-a", 30)
    clock.now += 29
    assert not store.claim("j1", "worker-b", 30), "worker b took a running job"


def test_renewing_keeps_a_long_job_alive_past_its_first_lease(
    store: JobStore, clock: Clock
) -> None:
    store.add("j1", "map", "p", "worker-a", lease_seconds=30)
    store.claim("j1", "worker-a", 30)
    for _ in range(10):  # five minutes of work, renewed every 30 s
        clock.now += 25
        assert store.renew("worker-a", 30) == {"j1"}
    job = store.get("j1")
    assert job is not None and job.status == "running"
    assert store.renew("worker-b", 30) == set()


def test_a_job_whose_lease_ran_out_reads_as_interrupted_and_its_worker_is_refused(
    store: JobStore, clock: Clock
) -> None:
    store.add("j1", "map", "p", "worker-a", lease_seconds=30)
    store.claim("j1", "worker-a", 30)
    clock.now += 31  # worker a died (or stalled) without renewing
    job = store.get("j1")
    assert job is not None and job.status == "interrupted" and job.message == INTERRUPTED
    assert job.finished_at is not None
    assert not store.report("j1", "worker-a", 0.9, "still going"), "a lost lease was accepted"
    assert store.renew("worker-a", 30) == set()
    assert not store.claim("j1", "worker-b", 30), "an interrupted job was run again"


def test_a_queued_job_of_a_dead_worker_says_it_never_started(store: JobStore, clock: Clock) -> None:
    store.add("j1", "ingest", "p", "worker-a", lease_seconds=30)
    clock.now += 31
    assert store.interrupt_expired() == 1
    job = store.get("j1")
    assert job is not None and job.status == "interrupted" and job.message == NOT_STARTED
    assert job.started_at is None


def test_a_running_job_whose_lease_ran_out_can_be_taken_over_once(
    store: JobStore, clock: Clock
) -> None:
    store.add("j1", "map", "p", "worker-a", lease_seconds=30)
    store.claim("j1", "worker-a", 30)
    clock.now += 31  # nobody read it yet: it is still 'running' with a dead lease
    assert store.claim("j1", "worker-b", 30)
    assert not store.claim("j1", "worker-c", 30)
    job = store.get("j1")
    assert job is not None and job.owner == "worker-b" and job.attempts == 2
    # Worker a wakes up: everything it writes is refused, so it stops.
    assert not store.report("j1", "worker-a", 0.9, "back")
    assert not store.finish("j1", "worker-a", "done", "done", {"stale": True})
    assert store.finish("j1", "worker-b", "done", "done", {"fresh": True})
    done = store.get("j1")
    assert done is not None and done.result == {"fresh": True}


def test_two_processes_racing_for_one_job_claim_it_once(database: Path, clock: Clock) -> None:
    """Separate connections (as separate processes have) race on one claimable job."""
    JobStore(database, clock).add("j1", "map", "p", "gone", lease_seconds=1)
    clock.now += 2
    stores = [JobStore(database, clock) for _ in range(8)]
    start = threading.Barrier(len(stores))
    won: list[str] = []

    def race(i: int) -> None:
        start.wait()
        if stores[i].claim("j1", f"worker-{i}", 30):
            won.append(f"worker-{i}")

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == 1
    job = stores[0].get("j1")
    assert job is not None and job.owner == won[0] and job.attempts == 1
    for store in stores:
        store.close()


def test_ended_jobs_are_forgotten_after_a_week_and_running_ones_kept(
    database: Path, clock: Clock
) -> None:
    store = JobStore(database, clock)
    for job_id in ("old", "running"):
        store.add(job_id, "map", "p", "worker-a", lease_seconds=30)
        store.claim(job_id, "worker-a", 30)
    store.finish("old", "worker-a", "done", "done", {})
    clock.now += 8 * 24 * 3600
    store.renew("worker-a", 30)
    store.close()
    reopened = JobStore(database, clock)
    assert reopened.get("old") is None
    assert reopened.get("running") is not None


def test_the_jobs_table_has_its_own_migrations_beside_the_workspace_tables(
    database: Path, clock: Clock
) -> None:
    Catalog(database).close()
    Repository(database).close()
    JobStore(database, clock).close()
    JobStore(database, clock).close()  # a second open applies nothing
    db = sqlite3.connect(database)
    try:
        ledger = [
            tuple(r) for r in db.execute("SELECT owner, name FROM _migrations ORDER BY rowid")
        ]
    finally:
        db.close()
    assert ledger == [
        ("catalog", "m001_initial"),
        ("repository", "m001_initial"),
        ("repository", "m002_source_readings"),
        ("jobs", "m001_jobs"),
    ]
    # The workspace's own owners still open it: the jobs owner is not theirs to know.
    Repository(database).close()


def test_only_the_newest_ended_jobs_are_kept(database: Path, clock: Clock) -> None:
    store = JobStore(database, clock, keep_ended=3)
    for n in range(5):
        clock.now += 1
        store.add(f"j{n}", "map", "p", "worker-a", lease_seconds=30)
        store.claim(f"j{n}", "worker-a", 30)
        store.finish(f"j{n}", "worker-a", "done", "done", {"n": n})
    store.add("next", "map", "p", "worker-a", lease_seconds=30)
    kept = [j for j in ("j0", "j1", "j2", "j3", "j4", "next") if store.get(j) is not None]
    assert kept == ["j2", "j3", "j4", "next"]
