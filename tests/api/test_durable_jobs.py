"""Jobs that outlive the process running them: kept in the workspace database, answered by any
API worker of the workspace, reported interrupted (with how to run them again) when their
worker dies, and never run twice. Two real servers on one workspace, one killed mid-job."""

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from api.app import create_app
from api.jobs import Jobs
from api.routes.sources import IngestRequest, StagedFile
from api.uploads import ABANDONED_SECONDS, staging_folder
from assistant.jobs_store import JobStore
from assistant.settings import Settings
from assistant.workspace import open_workspace
from tests.support.jobs import poll_job
from tests.support.server import free_port

FIXTURES = Path(__file__).parents[1] / "fixtures"
QA = FIXTURES / "transcripts" / "qa.txt"
OTTER = FIXTURES / "transcripts" / "otter.txt"
NAMES = FIXTURES / "transcripts" / "name_colon.txt"

# A server whose LLM never answers: its map builds stop, deterministically, inside their first
# LLM request (the real OpenAI client over an httpx.MockTransport, our seam for the LLM's
# wire). It prints a line when the request arrives, so the test knows the job is mid-way.
_STUCK_LLM_SERVER = """
import sys, threading
import httpx, uvicorn
from api.app import create_app
from api.jobs import Jobs
from assistant.settings import Settings
from assistant.workspace import open_workspace

called = threading.Lock()

def never_answers(request):
    if called.acquire(blocking=False):
        print("LLM REQUEST ARRIVED", flush=True)
    threading.Event().wait()

settings = Settings(
    llm_provider="openai-compatible", llm_base_url="http://llm.test/v1", llm_model="stuck"
)
workspace = open_workspace(
    settings, llm_http_client=httpx.Client(transport=httpx.MockTransport(never_answers))
)
app = create_app(settings, workspace, job_lease_seconds=float(sys.argv[2]))
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="info")
"""


@dataclass
class _Server:
    """An API server in a subprocess and the lines it printed."""

    url: str
    process: subprocess.Popen[str]
    log: list[str]
    lines: threading.Condition
    drain: threading.Thread | None = None


def _launch(args: list[str], home: Path, port: int, extra: dict[str, str] | None = None) -> _Server:
    env = {
        **os.environ,
        "JOURNEYMAP_HOME": str(home),
        "JOURNEYMAP_LOG_LEVEL": "INFO",
        **(extra or {}),
    }
    env.pop("JOURNEYMAP_API_KEYS", None)
    process = subprocess.Popen(
        [sys.executable, "-c", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = _Server(f"http://127.0.0.1:{port}", process, [], threading.Condition())

    def drain() -> None:  # keep reading the log so a full pipe never blocks the server
        for line in process.stdout or []:
            with server.lines:
                server.log.append(line)
                server.lines.notify_all()
        with server.lines:
            server.log.append("<exited>")
            server.lines.notify_all()

    server.drain = threading.Thread(target=drain, daemon=True)
    server.drain.start()
    _wait_for_line(server, "Application startup complete")
    return server


def _wait_for_line(server: _Server, text: str, timeout: float = 300) -> None:
    """Block until the server prints `text` (the deadline only turns a hang into a failure)."""
    with server.lines:
        found = server.lines.wait_for(
            lambda: any(text in line for line in server.log) or "<exited>" in server.log,
            timeout=timeout,
        )
        assert found and any(text in line for line in server.log), "".join(server.log[-30:])


def _stop(server: _Server) -> None:
    if server.process.poll() is None:
        server.process.kill()
    server.process.wait(timeout=30)
    if server.drain is not None:
        server.drain.join(timeout=30)
    if server.process.stdout is not None:
        server.process.stdout.close()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def stuck(home: Path) -> Iterator[_Server]:
    """Server A: its map builds hang in the LLM. Its lease is 10 s, renewed every third of
    it: short, for the test not to wait long after the kill, yet far longer than any pause
    of a busy machine's worker (a shorter one expired while A loaded its embedding model)."""
    port = free_port()
    server = _launch([_STUCK_LLM_SERVER, str(port), "10"], home, port)
    try:
        yield server
    finally:
        _stop(server)


def _serve_args(port: int) -> list[str]:
    return ["from api.cli import main; main()", "serve", "--port", str(port)]


@contextmanager
def _serve(home: Path, **env: str) -> Iterator[_Server]:
    """`journeymap serve` on the workspace, as another API worker."""
    port = free_port()
    server = _launch(_serve_args(port), home, port, env)
    try:
        yield server
    finally:
        _stop(server)


@pytest.fixture
def plain(home: Path) -> Iterator[_Server]:
    """Server B: `journeymap serve` on the same workspace, as a second API worker."""
    with _serve(home) as server:
        yield server


@pytest.fixture
def other(home: Path) -> Iterator[_Server]:
    """Server C: a third API worker on the same workspace."""
    with _serve(home) as server:
        yield server


def _ended(http: httpx.Client, location: str, deadline_seconds: float = 300) -> dict[str, Any]:
    """Long-poll a job until it leaves queued/running (the deadline only catches a hang)."""
    deadline = time.monotonic() + deadline_seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = http.get(location, params={"wait": 10}).json()
        if job["status"] not in ("queued", "running"):
            return job
    raise AssertionError(f"job {location} never ended: {job}")


def _finished(client: TestClient, location: str, **headers: str) -> dict[str, Any]:
    """Long-poll an in-process job until it ends, however busy the machine is."""
    while True:
        job: dict[str, Any] = client.get(location, params={"wait": 30}, headers=headers).json()
        if job["status"] not in ("queued", "running"):
            return job


def _retry_at_once(http: httpx.Client, urls: list[str]) -> list[httpx.Response]:
    """POST /retry to several workers at the same moment; their answers, in order."""
    start = threading.Barrier(len(urls))
    answers: dict[int, httpx.Response] = {}

    def retry(i: int) -> None:
        start.wait()
        answers[i] = http.post(urls[i])

    threads = [threading.Thread(target=retry, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return [answers[i] for i in range(len(urls))]


def test_jobs_of_a_killed_worker_are_retried_on_the_others_and_run_once(
    stuck: _Server, plain: _Server, other: _Server, home: Path
) -> None:
    with httpx.Client(timeout=120) as http:
        files = {"files": (QA.name, QA.read_bytes())}
        # An ingest sent to worker A, answered by worker B: jobs live in the database.
        r = http.post(f"{stuck.url}/v1/projects/p/sources", files=files, params={"wait": "false"})
        assert r.status_code == 202 and r.headers["location"].startswith("/v1/jobs/")
        ingested = _ended(http, plain.url + r.headers["location"])
        assert ingested["status"] == "done" and len(ingested["result"]["added"]) == 1
        assert ingested["started_at"] and ingested["finished_at"] and ingested["retry"] is None

        # A map build on worker A hangs inside its LLM request, holding the project; an upload
        # sent to A after it waits (queued, or for the project). A dies there.
        r = http.post(f"{stuck.url}/v1/projects/p/map", params={"wait": "false"})
        assert r.status_code == 202, r.text
        location = r.headers["location"]
        _wait_for_line(stuck, "LLM REQUEST ARRIVED")
        seen = http.get(plain.url + location).json()
        assert seen["status"] == "running" and seen["kind"] == "map", seen
        files = {"files": (OTTER.name, OTTER.read_bytes())}
        r = http.post(f"{stuck.url}/v1/projects/p/sources", files=files, params={"wait": "false"})
        assert r.status_code == 202, r.text
        upload = r.headers["location"]
        stuck.process.send_signal(signal.SIGKILL)
        stuck.process.wait(timeout=30)

        job = _ended(http, plain.url + location)
        assert job["status"] == "interrupted", job
        assert job["message"].startswith("interrupted: the server stopped while it ran")
        assert job["retry"] == f"POST {location}/retry" and job["attempts"] == 1
        assert job["result"] is None and job["finished_at"] is not None
        # Nobody ran it to its end: no map was stored, and it stays interrupted.
        assert http.get(f"{plain.url}/v1/projects/p/maps").json() == []
        assert http.get(plain.url + location, params={"wait": 2}).json()["status"] == "interrupted"
        waiting = _ended(http, other.url + upload)
        assert waiting["status"] == "interrupted" and waiting["retry"] == f"POST {upload}/retry"
        staged = list((home / "uploads" / ".incoming").iterdir())
        assert len(staged) == 1, "the upload's file was not kept for its retry"

        # Workers B and C are asked to retry the build at once: one runs it, the other says so.
        answers = _retry_at_once(
            http, [f"{plain.url}{location}/retry", f"{other.url}{location}/retry"]
        )
        assert sorted(a.status_code for a in answers) == [202, 409], [a.text for a in answers]
        accepted = next(a for a in answers if a.status_code == 202)
        refused = next(a for a in answers if a.status_code == 409).json()["error"]
        assert refused["code"] in ("job_active", "job_done"), refused
        assert accepted.headers["location"] == location and accepted.json()["id"] in location
        done = _ended(http, other.url + location)
        assert done["status"] == "done" and done["result"]["project"] == "p", done
        assert done["attempts"] == 2 and done["retry"] is None
        assert len(http.get(f"{plain.url}/v1/projects/p/maps").json()) == 1
        again = http.post(f"{plain.url}{location}/retry")
        assert again.status_code == 409 and again.json()["error"]["code"] == "job_done"

        # The upload A never took in is ingested from the file kept for it.
        r = http.post(f"{other.url}{upload}/retry")
        assert r.status_code == 202, r.text
        ingested = _ended(http, plain.url + upload)
        assert ingested["status"] == "done", ingested
        assert [s["path"] for s in ingested["result"]["added"]] == [OTTER.name]
        assert not any((home / "uploads" / ".incoming").iterdir())
        sources = http.get(f"{plain.url}/v1/projects/p/sources").json()
        assert sorted(s["path"] for s in sources) == sorted([QA.name, OTTER.name])
        assert http.post(f"{plain.url}/v1/jobs/0123456789abcdef/retry").status_code == 404


def test_jobs_survive_a_restart_and_a_dead_workers_job_reads_interrupted(
    tmp_path: Path, embedder: Any
) -> None:
    settings = Settings(home=tmp_path / "home")
    workspace = open_workspace(settings, embedder)
    try:
        with TestClient(create_app(settings, workspace)) as client:
            files = [("files", (p.name, p.read_bytes())) for p in (QA, OTTER)]
            r = client.post("/v1/projects/p/sources", files=files, params={"wait": "false"})
            location = r.headers["location"]
            first = _finished(client, location)
            assert first["status"] == "done", first
        # A worker that died long ago left a job running (its lease ran out in 1970).
        JobStore(settings.home / "journeymap.sqlite", clock=lambda: 0.0).add(
            "deadbeefdeadbeef", "ingest", "p", "gone:1:x", lease_seconds=30
        )
        with TestClient(create_app(settings, workspace)) as client:
            again = client.get(location).json()
            assert again == first, "a finished job changed or vanished over a restart"
            dead = client.get("/v1/jobs/deadbeefdeadbeef").json()
            assert dead["status"] == "interrupted" and dead["kind"] == "ingest"
            assert "before this job started" in dead["message"]
            assert dead["retry"].startswith("POST the same files to /v1/projects/p/sources")
            # Recorded without its request (as an older journeymap did): it cannot be retried.
            refused = client.post("/v1/jobs/deadbeefdeadbeef/retry")
            assert refused.status_code == 409, refused.text
            assert refused.json()["error"]["code"] == "job_not_retryable"
            assert "POST the same files" in refused.json()["error"]["message"]
    finally:
        workspace.close()


def _dead_upload(home: Path, job_id: str, source: Path, clock: float = 0.0) -> Path:
    """An upload a worker that died (its lease ran out at `clock`) had staged and not yet taken
    in, recorded as the upload route records one; the staged file."""
    staged = home / "uploads" / ".incoming" / f"incoming-{job_id}"
    staged.parent.mkdir(parents=True, exist_ok=True)
    staged.write_bytes(source.read_bytes())
    digest = hashlib.sha256(staged.read_bytes()).hexdigest()
    relative = staged.relative_to(home).as_posix()
    request = IngestRequest(files=[StagedFile(name=source.name, path=relative, digest=digest)])
    held = [relative, _waiting(home, source).relative_to(home).as_posix()]
    store = JobStore(home / "journeymap.sqlite", clock=lambda: clock)
    store.add(job_id, "ingest", "p", "gone:1:x", 30, request.model_dump(mode="json"), held)
    store.close()
    return staged


def _waiting(home: Path, source: Path) -> Path:
    """Where a file sent to project p waits while it is ingested."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    return home / "uploads" / "p" / digest[:12] / source.name


def _files_in_uploads(home: Path) -> list[Path]:
    return [p for p in (home / "uploads").rglob("*") if p.is_file()]


def _dead_build(home: Path, job_id: str, title: str, attempts: int = 1) -> None:
    """A map build a worker that died long ago had begun `attempts` times."""
    store = JobStore(home / "journeymap.sqlite", clock=lambda: 0.0)
    store.add(job_id, "map", "p", "gone:1:x", 30, {"title": title, "stages": None})
    for attempt in range(attempts):
        if attempt:
            assert store.requeue(job_id, "gone:1:x", 30)
        assert store.claim(job_id, "gone:1:x", 30)
        if attempt < attempts - 1:
            store.finish(job_id, "gone:1:x", "interrupted", "interrupted", None, 503)
    store.close()


def test_a_retry_says_why_a_job_cannot_run_again(tmp_path: Path, embedder: Any) -> None:
    settings = Settings(home=tmp_path / "home")
    home = settings.home
    workspace = open_workspace(settings, embedder)
    try:
        with TestClient(create_app(settings, workspace)) as client:
            r = client.post("/v1/projects/p/sources", files={"files": (QA.name, QA.read_bytes())})
            assert r.status_code == 201, r.text
            unreadable = {"files": ("notes.xyz", b"not a transcript")}
            r = client.post("/v1/projects/p/sources", files=unreadable, params={"wait": "false"})
            failed = poll_job(client, r.headers["location"])
            assert failed["status"] == "failed" and failed["retry"] is None, failed
            r = client.post(f"{r.headers['location']}/retry")
            assert r.status_code == 409 and r.json()["error"]["code"] == "job_not_retryable"
            assert "fix the request" in r.json()["error"]["message"]

            assert client.post("/v1/jobs/0123456789abcdef/retry").status_code == 404

            staged = _dead_upload(home, "deadbeef00000001", OTTER)
            staged.unlink()  # its file is gone (the workspace was cleaned by hand, say)
            gone = client.post("/v1/jobs/deadbeef00000001/retry")
            assert gone.status_code == 410, gone.text
            assert gone.json()["error"]["code"] == "job_input_gone"
            assert OTTER.name in gone.json()["error"]["message"]
            job = client.get("/v1/jobs/deadbeef00000001").json()
            assert job["status"] == "interrupted" and job["attempts"] == 0, "a refused retry ran"

            _dead_build(home, "deadbeef00000002", "a deleted project's")
            assert client.delete("/v1/projects/p").status_code in (200, 204)
            gone = client.post("/v1/jobs/deadbeef00000002/retry")
            assert gone.status_code == 410 and "no project 'p'" in gone.json()["error"]["message"]
    finally:
        workspace.close()


def test_an_upload_cut_off_mid_ingest_is_retried_from_where_it_waited_then_deleted(
    tmp_path: Path, embedder: Any
) -> None:
    """A worker died while it ingested an upload: its file had left the staging folder for
    uploads/<project>/. The retry takes it in from there, and then nothing the client sent is
    left in the workspace; a job forgotten without a retry takes its file with it."""
    settings = Settings(home=tmp_path / "home")
    home = settings.home
    for job_id, source in (("deadbeef00000001", OTTER), ("deadbeef00000002", QA)):
        staged = _dead_upload(home, job_id, source)
        _waiting(home, source).parent.mkdir(parents=True)
        os.replace(staged, _waiting(home, source))  # as the ingest does before it reads it
    workspace = open_workspace(settings, embedder)
    try:
        with TestClient(create_app(settings, workspace)) as client:
            # the upload route's job holds its files where they wait, as _dead_upload's do
            files = {"files": (NAMES.name, NAMES.read_bytes())}
            r = client.post("/v1/projects/p/sources", files=files, params={"wait": "false"})
            sent = poll_job(client, r.headers["location"])
            assert sent["status"] == "done", sent
            reader = JobStore(home / "journeymap.sqlite")
            recorded = reader.get(sent["id"])
            reader.close()
            held = _waiting(home, NAMES).relative_to(home).as_posix()
            assert recorded is not None and held in recorded.inputs, recorded
            r = client.post("/v1/jobs/deadbeef00000001/retry")
            assert r.status_code == 202, r.text
            job = poll_job(client, r.headers["location"])
            assert job["status"] == "done", job
            assert [s["path"] for s in job["result"]["added"]] == [OTTER.name]
            assert _files_in_uploads(home) == [_waiting(home, QA)]
        store = JobStore(home / "journeymap.sqlite", keep_ended=0)
        store.add("next", "map", "p", "w", 60)  # forgets every ended job
        store.close()
        assert _files_in_uploads(home) == []
    finally:
        workspace.close()


def test_a_worker_started_to_resume_runs_each_interrupted_job_once(
    tmp_path: Path, embedder: Any
) -> None:
    home = tmp_path / "home"
    settings = Settings(home=home)
    workspace = open_workspace(settings, embedder)
    try:
        with TestClient(create_app(settings, workspace)) as client:
            r = client.post("/v1/projects/p/sources", files={"files": (QA.name, QA.read_bytes())})
            assert r.status_code == 201, r.text
    finally:
        workspace.close()
    # Workers that died left a begun map build, an upload not yet taken in, and a build
    # begun three times already (it may be what kills them: resuming it stops there).
    _dead_build(home, "deadbeef00000001", "Resumed")
    staged = _dead_upload(home, "deadbeef00000002", OTTER)
    _dead_build(home, "deadbeef00000003", "Crashes its worker", attempts=3)

    # Two workers asked to resume start together on the workspace.
    servers: list[_Server] = []

    def start() -> None:
        port = free_port()
        servers.append(_launch(_serve_args(port), home, port, {"JOURNEYMAP_JOB_RESUME": "true"}))

    starters = [threading.Thread(target=start) for _ in range(2)]
    for starter in starters:
        starter.start()
    for starter in starters:
        starter.join(timeout=600)
    try:
        assert len(servers) == 2
        with httpx.Client(timeout=120) as http:
            url = servers[0].url
            built = _ended(http, f"{url}/v1/jobs/deadbeef00000001")
            assert built["status"] == "done" and built["result"]["title"] == "Resumed", built
            assert built["attempts"] == 2
            ingested = _ended(http, f"{servers[1].url}/v1/jobs/deadbeef00000002")
            assert ingested["status"] == "done" and ingested["attempts"] == 1, ingested
            assert [s["path"] for s in ingested["result"]["added"]] == [OTTER.name]
            assert not staged.exists()
            assert len(http.get(f"{url}/v1/projects/p/maps").json()) == 1, "a job ran twice"
            left = http.get(f"{url}/v1/jobs/deadbeef00000003").json()
            assert left["status"] == "interrupted" and left["attempts"] == 3, left
            assert left["retry"] == "POST /v1/jobs/deadbeef00000003/retry"
    finally:
        for server in servers:
            _stop(server)


def test_a_job_is_only_visible_to_keys_that_reach_its_project(
    tmp_path: Path, embedder: Any
) -> None:
    settings = Settings(home=tmp_path / "home", api_keys="alpha-key-123:alpha;beta-key-1234:beta")
    workspace = open_workspace(settings, embedder)
    alpha = {"Authorization": "Bearer alpha-key-123"}
    beta = {"Authorization": "Bearer beta-key-1234"}
    try:
        with TestClient(create_app(settings, workspace)) as client:
            r = client.post(
                "/v1/projects/alpha/sources",
                files=[("files", (QA.name, QA.read_bytes()))],
                params={"wait": "false"},
                headers=alpha,
            )
            location = r.headers["location"]
            assert _finished(client, location, **alpha)["status"] == "done"
            assert client.get(location, headers=beta).status_code == 404
            assert client.post(f"{location}/retry", headers=beta).status_code == 404
            assert client.get(location).status_code == 401
    finally:
        workspace.close()


def test_a_long_poll_on_another_workers_job_answers_with_how_it_ended(
    tmp_path: Path, embedder: Any
) -> None:
    settings = Settings(home=tmp_path / "home")
    workspace = open_workspace(settings, embedder)
    other = JobStore(settings.home / "journeymap.sqlite")  # a second API worker's view
    try:
        with TestClient(create_app(settings, workspace)) as client:
            other.add("0123456789abcdef", "map", "p", "other:1:x", lease_seconds=600)
            assert other.claim("0123456789abcdef", "other:1:x", 600)
            assert other.report("0123456789abcdef", "other:1:x", 0.5, "LLM extraction: 1/2")
            running = client.get("/v1/jobs/0123456789abcdef").json()
            assert (running["status"], running["progress"]) == ("running", 0.5)
            answer: dict[str, Any] = {}

            def poll() -> None:
                wait = {"wait": 60}
                answer.update(client.get("/v1/jobs/0123456789abcdef", params=wait).json())

            poller = threading.Thread(target=poll)
            poller.start()
            result = {"id": "map-1", "project": "p"}
            assert other.finish("0123456789abcdef", "other:1:x", "done", "done", result)
            poller.join(timeout=120)
            assert answer["status"] == "done" and answer["result"] == result, answer
    finally:
        other.close()
        workspace.close()


class _Clock:
    """Epoch seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


def test_a_worker_that_lost_its_lease_stops_at_its_next_step_and_leaves_the_job_alone(
    tmp_path: Path,
) -> None:
    clock = _Clock()
    database = tmp_path / "journeymap.sqlite"
    jobs = Jobs(workers=1, store=JobStore(database, clock), lease_seconds=30)
    other = JobStore(database, clock)
    started, go = threading.Event(), threading.Event()
    steps: list[str] = []

    def work(progress: Any) -> Any:
        started.set()
        go.wait(60)
        progress(0.5, "half")  # refused: another worker holds the job now
        steps.append("went on")
        raise AssertionError("unreachable")

    job, future = jobs.submit("map", "p", work)
    try:
        assert started.wait(60)
        clock.now += 31  # this worker stalled past its lease; another takes the job over
        assert other.claim(job.id, "other:1:x", 30)
        go.set()
        future.result(timeout=60)
        assert steps == [] and job.status == "interrupted" and "lease was lost" in job.message
        stored = other.get(job.id)
        assert stored is not None and stored.owner == "other:1:x" and stored.status == "running"
    finally:
        go.set()
        jobs.shutdown(grace_seconds=1)
        other.close()


def test_a_server_stopping_records_its_running_job_interrupted_and_its_queued_one_failed(
    tmp_path: Path,
) -> None:
    database = tmp_path / "journeymap.sqlite"
    store = JobStore(database)
    jobs = Jobs(workers=1, store=store)
    started, release = threading.Event(), threading.Event()

    def blocking(progress: Any) -> Any:
        started.set()
        release.wait(60)
        raise RuntimeError("released")

    running, _ = jobs.submit("map", "p", blocking)
    queued, _ = jobs.submit("ingest", "p", blocking)
    try:
        assert started.wait(60)
        assert not jobs.shutdown(grace_seconds=0.1)
        reader = JobStore(database)  # another worker, or this one restarted
        stopped, never = reader.get(running.id), reader.get(queued.id)
        assert stopped is not None and stopped.status == "interrupted"
        assert stopped.message.startswith("interrupted: the server stopped while it ran")
        assert never is not None and never.status == "failed" and "before" in never.message
        assert queued.retry and queued.retry.startswith("POST the same files")
        reader.close()
    finally:
        release.set()


def test_a_restart_removes_staged_uploads_no_job_holds_once_they_are_old(
    tmp_path: Path, embedder: Any
) -> None:
    settings = Settings(home=tmp_path / "home")
    folder = staging_folder(settings.home)
    folder.mkdir(parents=True)
    cut_off, arriving, held = (folder / f"incoming-{n}" for n in ("cut", "now", "held"))
    # an earlier journeymap kept a file sent for as long as its source; one waits for a retry
    earlier, waiting = (_waiting(settings.home, p) for p in (QA, OTTER))
    for path in (cut_off, arriving, held, earlier, waiting):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"Interviewer: Hello?\nParticipant: Hi.")
    hour_ago = time.time() - 2 * ABANDONED_SECONDS
    for path in (cut_off, held, earlier, waiting):
        os.utime(path, (hour_ago, hour_ago))
    store = JobStore(settings.home / "journeymap.sqlite")
    inputs = [p.relative_to(settings.home).as_posix() for p in (held, waiting)]
    store.add("job-1", "ingest", "p", "w", 60, inputs=inputs)
    store.close()
    workspace = open_workspace(settings, embedder)
    try:
        with TestClient(create_app(settings, workspace)):
            assert not cut_off.exists(), "an old staged file no job holds is left over"
            assert not earlier.exists(), "a file an earlier journeymap kept is left over"
            assert arriving.exists(), "an upload still arriving is never touched"
            assert held.exists(), "a job's staged file waits for its retry"
            assert waiting.exists(), "a job's file cut off mid-ingest waits for its retry"
    finally:
        workspace.close()


def test_a_job_waiting_on_its_busy_project_holds_no_worker_from_other_projects() -> None:
    """A hostile-input trial: a map build queued behind its project's 18-minute ingest took
    the second of two workers, and a 200-byte upload to another project stayed queued for 19
    minutes. Jobs of one project run one at a time, in order; others pass them."""
    jobs = Jobs(workers=2)
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    class Done(BaseModel):
        name: str

    def long_ingest(progress: Any) -> Done:
        started.set()
        release.wait(120)
        order.append("ingest")
        return Done(name="ingest")

    def job(name: str) -> Any:
        def work(progress: Any) -> Done:
            order.append(name)
            return Done(name=name)

        return work

    try:
        jobs.submit("ingest", "big", long_ingest)
        assert started.wait(60)
        _, build = jobs.submit("map", "big", job("map of big"))
        _, other = jobs.submit("ingest", "small", job("ingest of small"))
        other.result(timeout=120)  # while big's ingest still runs
        assert order == ["ingest of small"] and not build.done()
        release.set()
        build.result(timeout=120)
        assert order == ["ingest of small", "ingest", "map of big"]
    finally:
        release.set()
        jobs.shutdown(grace_seconds=1)
