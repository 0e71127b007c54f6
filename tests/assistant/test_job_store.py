"""Jobs in the workspace database: one worker claims a job, renews its lease while it works,
and a job whose lease ran out reads as interrupted; a worker that lost its lease is refused.
Time is an injected clock: nothing here waits."""

import sqlite3
import threading
from pathlib import Path

import pytest

from assistant.jobs_store import INTERRUPTED, NOT_STARTED, JobStore, m001_jobs, retryable
from assistant.repository import Repository
from ingest.catalog import Catalog
from ingest.migrations import Migrations, connect
from tests.support.old_workspace import dump, ledger, old_database


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
        ("jobs", "m002_job_requests"),
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


def _ended(store: JobStore, job_id: str, status: str, error_code: int | None = None) -> None:
    """A job with a request, begun once by worker a and ended so."""
    store.add(job_id, "map", "p", "worker-a", lease_seconds=30, request={"title": job_id})
    assert store.claim(job_id, "worker-a", 30)
    assert store.finish(job_id, "worker-a", status, status, None, error_code)  # type: ignore[arg-type]


def test_a_job_cut_short_is_queued_again_under_its_id_with_its_request(
    store: JobStore, clock: Clock
) -> None:
    _ended(store, "j1", "interrupted", 503)
    ended = store.get("j1")
    assert ended is not None and retryable(ended) and ended.request == {"title": "j1"}
    clock.now += 60
    again = store.requeue("j1", "worker-b", 30)
    assert again is not None and (again.status, again.owner, again.attempts) == (
        "queued",
        "worker-b",
        1,
    )
    assert again.started_at is None and again.finished_at is None and again.error_code is None
    assert again.request == {"title": "j1"} and again.message.startswith("queued again after")
    assert store.requeue("j1", "worker-c", 30) is None, "a queued job was queued again"
    assert not store.claim("j1", "worker-c", 30), "another worker took the retried job"
    assert store.claim("j1", "worker-b", 30)
    assert store.finish("j1", "worker-b", "done", "done", {"id": "map-1"})
    done = store.get("j1")
    assert done is not None and done.attempts == 2 and done.result == {"id": "map-1"}
    assert not retryable(done) and store.requeue("j1", "worker-b", 30) is None


def test_only_jobs_cut_short_or_failed_on_the_servers_side_are_retried(
    store: JobStore, clock: Clock
) -> None:
    _ended(store, "crashed", "failed", 500)
    _ended(store, "llm-down", "failed", 502)
    _ended(store, "bad-input", "failed", 415)
    _ended(store, "done", "done")
    store.add("running", "map", "p", "worker-a", lease_seconds=30, request={})
    store.add("old", "map", "p", "worker-a", lease_seconds=30)  # recorded without its request
    clock.now += 31  # both leases run out: both read interrupted
    for job_id, expected in [
        ("crashed", True),
        ("llm-down", True),
        ("bad-input", False),
        ("done", False),
        ("running", True),
        ("old", False),
    ]:
        job = store.get(job_id)
        assert job is not None and retryable(job) is expected, job_id
        assert (store.requeue(job_id, "worker-b", 30) is not None) is expected, job_id


def test_a_worker_resumes_only_jobs_a_stopping_server_cut_short_and_begun_under_the_limit(
    store: JobStore, clock: Clock
) -> None:
    _ended(store, "interrupted", "interrupted", 503)
    _ended(store, "crashed", "failed", 500)  # its own failure: a person decides
    store.add("never-began", "ingest", "p", "worker-a", lease_seconds=30, request={"files": []})
    store.finish("never-began", "worker-a", "failed", "the server stopped before it started")
    _ended(store, "tried-thrice", "interrupted", 503)
    for _ in range(2):
        assert store.requeue("tried-thrice", "worker-a", 30, max_attempts=3)
        assert store.claim("tried-thrice", "worker-a", 30)
        store.finish("tried-thrice", "worker-a", "interrupted", "interrupted", None, 503)
    assert store.resumable(max_attempts=3) == ["interrupted", "never-began"]
    assert store.requeue("tried-thrice", "worker-b", 30, max_attempts=3) is None
    assert store.requeue("tried-thrice", "worker-b", 30) is not None, "a person may retry it"


def test_two_processes_retrying_one_job_queue_it_once(database: Path, clock: Clock) -> None:
    """Separate connections (as separate API workers have) retry one interrupted job at once."""
    first = JobStore(database, clock)
    _ended(first, "j1", "interrupted", 503)
    stores = [JobStore(database, clock) for _ in range(8)]
    start = threading.Barrier(len(stores))
    won: list[str] = []

    def race(i: int) -> None:
        start.wait()
        if stores[i].requeue("j1", f"worker-{i}", 30):
            won.append(f"worker-{i}")

    threads = [threading.Thread(target=race, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(won) == 1
    job = first.get("j1")
    assert job is not None and job.owner == won[0] and job.status == "queued"
    for store in [first, *stores]:
        store.close()


def test_a_jobs_table_made_before_requests_upgrades_and_its_jobs_stay_readable(
    database: Path, clock: Clock
) -> None:
    before = Migrations("jobs")  # the jobs owner as it shipped first: m001 only
    before(m001_jobs)
    db = connect(database, before)
    db.execute(
        "INSERT INTO jobs (id, kind, project, status, message, created_at, started_at, "
        "finished_at, error_code, attempts) VALUES ('old', 'map', 'p', 'interrupted', ?, "
        "'2026-11-30T10:00:00+00:00', '2026-11-30T10:00:01+00:00', "
        "'2026-11-30T10:05:00+00:00', 503, 1)",
        (INTERRUPTED,),
    )
    db.close()
    clock.now = 1_764_500_000.0  # 2025-11-30: the row is not old enough to be forgotten
    store = JobStore(database, clock)
    old = store.get("old")
    assert old is not None and (old.status, old.message, old.attempts) == (
        "interrupted",
        INTERRUPTED,
        1,
    )
    assert old.request is None and old.inputs == () and not retryable(old)
    assert store.requeue("old", "worker-a", 30) is None
    store.add("new", "map", "p", "worker-a", lease_seconds=30, request={"title": "t"})
    new = store.get("new")
    assert new is not None and new.request == {"title": "t"}


def test_a_forgotten_job_takes_the_files_it_held_and_nothing_outside_the_workspace(
    database: Path, clock: Clock, tmp_path: Path
) -> None:
    staged = database.parent / "uploads" / ".incoming" / "incoming-1"
    staged.parent.mkdir(parents=True)
    staged.write_text("an interview")
    outside = tmp_path.parent / f"{tmp_path.name}-outside.txt"
    outside.write_text("not the workspace's")
    store = JobStore(database, clock, keep_ended=1)
    inputs = ["uploads/.incoming/incoming-1", f"../{outside.name}"]
    store.add("held", "ingest", "p", "worker-a", lease_seconds=30, request={}, inputs=inputs)
    store.finish("held", "worker-a", "interrupted", NOT_STARTED)
    kept = store.get("held")
    assert kept is not None and kept.inputs == tuple(inputs) and staged.exists()
    clock.now += 1
    store.add("next", "map", "p", "worker-a", lease_seconds=30)
    store.finish("next", "worker-a", "done", "done")
    store.add("third", "map", "p", "worker-a", lease_seconds=30)  # forgets "held"
    assert store.get("held") is None
    assert not staged.exists() and outside.exists()
    outside.unlink()


def test_a_forgotten_job_leaves_a_file_another_job_still_holds(
    database: Path, clock: Clock
) -> None:
    """Two uploads of one content wait in one place while they are ingested: forgetting the
    first job must not take the file the second, interrupted, needs for its retry."""
    waiting = database.parent / "uploads" / "p" / "0123456789ab" / "interview.txt"
    waiting.parent.mkdir(parents=True)
    waiting.write_text("an interview")
    held = ["uploads/p/0123456789ab/interview.txt"]
    store = JobStore(database, clock, keep_ended=1)
    for job_id in ("first", "second"):
        clock.now += 1
        store.add(job_id, "ingest", "p", "worker-a", lease_seconds=30, request={}, inputs=held)
        store.finish(job_id, "worker-a", "interrupted", NOT_STARTED)
    clock.now += 1
    store.add("third", "map", "p", "worker-a", lease_seconds=30)  # forgets "first"
    assert store.get("first") is None and store.get("second") is not None
    assert waiting.exists(), "the file the second job waits on went with the first job"
    store.finish("third", "worker-a", "done", "done")
    store.add("fourth", "map", "p", "worker-a", lease_seconds=30)  # forgets "second"
    assert store.get("second") is None and not waiting.exists()


def test_a_workspace_made_before_migrations_gains_the_jobs_tables_and_keeps_its_own(
    tmp_path: Path, clock: Clock
) -> None:
    path = old_database(tmp_path / "journeymap.sqlite")
    before = [row for row in dump(path) if not row.startswith("CREATE")]
    store = JobStore(path, clock)
    store.add("j1", "map", "p", "worker-a", lease_seconds=30, request={"title": "t"})
    job = store.get("j1")
    assert job is not None and job.request == {"title": "t"}
    store.close()
    jobs = [(o, n) for o, n, _ in ledger(path) if o == "jobs"]
    assert jobs == [("jobs", "m001_jobs"), ("jobs", "m002_job_requests")]
    after = dump(path)
    assert all(row in after for row in before), "the old workspace lost rows"
    Catalog(path).close()  # its own owners still open it, and upgrade it as before
    Repository(path).close()
