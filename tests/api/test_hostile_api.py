"""The API under hostile input: bad keys, floods of files, odd names, and a server that stays up
(a real uvicorn on a loopback port answers /healthz while it ingests, and stops on SIGTERM)."""

import os
import random
import signal
import string
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.jobs import Jobs
from api.uploads import safe_name
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from journey.errors import MEGABYTE, ConfigError, size_text
from tests.support.server import free_port

FIXTURES = Path(__file__).parents[1] / "fixtures"
QA = (FIXTURES / "transcripts" / "qa.txt").read_bytes()
ALICE = {"Authorization": "Bearer alice-key-1"}


def _interview(i: int) -> bytes:
    return (
        f"Interviewer: How was week {i}?\nP{i}: Week {i} the delivery was late again, "
        f"box number {i} arrived soggy.\n"
    ).encode()


def _error(response: httpx.Response) -> dict[str, str]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    error: dict[str, str] = body["error"]
    return error


def _stored_files(home: Path) -> list[Path]:
    return [p for p in (home / "uploads").rglob("*") if p.is_file()]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def workspaces(embedder) -> Iterator[list[Workspace]]:
    opened: list[Workspace] = []
    yield opened
    for workspace in opened:
        workspace.close()


@pytest.fixture
def client_with(home: Path, embedder, workspaces: list[Workspace]):
    """A TestClient over a real workspace, with the settings given."""

    def make(**settings: Any) -> TestClient:
        config = Settings(home=home, **settings)
        workspace = open_workspace(config, embedder)
        workspaces.append(workspace)
        return TestClient(create_app(config, workspace))

    return make


# Keys ---------------------------------------------------------------------------------------


def test_an_app_with_a_key_that_names_no_projects_is_never_built(home: Path):
    with pytest.raises(ConfigError, match="has no projects") as caught:
        create_app(Settings(home=home, api_keys=SecretStr("alice-key-1:")))
    assert "alice-key-1" not in str(caught.value)


def test_docs_need_a_key_when_keys_are_set_and_health_stays_public(client_with):
    with client_with(api_keys=SecretStr("alice-key-1:alpha")) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        for path in ("/docs", "/redoc", "/openapi.json"):
            refused = client.get(path)
            assert refused.status_code == 401 and _error(refused)["code"] == "unauthorized"
            assert (
                client.get(path, headers={"Authorization": "Bearer wrong-key"}).status_code == 401
            )
            assert client.get(path, headers=ALICE).status_code == 200


def test_public_docs_opens_the_docs_again_but_not_the_data(client_with):
    with client_with(api_keys=SecretStr("alice-key-1:alpha"), public_docs=True) as client:
        assert client.get("/openapi.json").status_code == 200
        assert client.get("/docs").status_code == 200
        assert client.get("/v1/projects").status_code == 401


def test_the_upload_operation_keeps_its_multipart_files_body(client_with):
    with client_with() as client:
        operation = client.get("/openapi.json").json()["paths"]["/v1/projects/{project}/sources"]
    body = operation["post"]["requestBody"]
    schema = body["content"]["multipart/form-data"]["schema"]
    assert body["required"] and schema["required"] == ["files"]
    assert schema["properties"]["files"]["type"] == "array"
    assert operation["post"]["operationId"] == "upload_sources"


# Upload limits ------------------------------------------------------------------------------


def test_more_files_than_allowed_are_refused_with_413_and_nothing_is_stored(
    client_with, home: Path
):
    with client_with(max_upload_files=3) as client:
        files = [("files", (f"p{i}.txt", _interview(i))) for i in range(4)]
        r = client.post("/v1/projects/flood/sources", files=files)
        assert r.status_code == 413 and _error(r)["code"] == "too_many_files", r.text
        assert "at most 3" in _error(r)["message"]
        assert _stored_files(home) == []  # the files read before the fourth were dropped


def test_thousands_of_segment_fields_are_refused_with_422_and_nothing_is_stored(
    client_with, home: Path
):
    """A hostile-input trial: 20,000 `segment` fields were queued, broke the project's vector
    store, and every later upload to it answered 500."""
    with client_with() as client:
        fields = {"segment": [f"k{i}=v" for i in range(25)]}
        files = [("files", ("p1.txt", _interview(1)))]
        r = client.post("/v1/projects/many/sources", files=files, data=fields)
        assert r.status_code == 422 and "at most 20" in _error(r)["message"], r.text
        assert _stored_files(home) == []
        ok = client.post("/v1/projects/many/sources", files=files, data={"segment": ["plan=a"]})
        assert ok.status_code == 201, ok.text


def test_a_spreadsheet_upload_is_told_to_save_it_as_csv(client_with):
    """A hostile-input trial: an .xlsx upload was told only the list of types the README
    promised a hint for."""
    with client_with() as client:
        files = [("files", ("reviews.xlsx", b"PK\x03\x04 not really a workbook"))]
        r = client.post("/v1/projects/sheet/sources", files=files)
        assert r.status_code == 415, r.text
        assert "unsupported file type .xlsx; save it as .csv" in _error(r)["message"]


def test_a_misspelt_field_is_refused_not_ignored(client_with):
    """A hostile-input trial: {"stagez": [...]} answered 200 with a default-stage map."""
    with client_with() as client:
        assert client.post("/v1/projects", json={"name": "typo"}).status_code == 201
        r = client.post("/v1/projects/typo/map", json={"stagez": ["Book", "Ride"]})
        assert r.status_code == 422, r.text
        assert (
            _error(r)["message"]
            == "body.stagez: no such field; check its spelling against the API docs"
        )
        chat = client.post("/v1/projects/typo/chat", json={"question": "hi", "conversaton_id": "a"})
        assert chat.status_code == 422 and "conversaton_id" in _error(chat)["message"]


def test_a_request_over_the_total_limit_is_refused_with_413_and_nothing_is_stored(
    client_with, home: Path
):
    with client_with(max_upload_mb=0.01) as client:  # about 10 KB in all
        files = [("files", (f"p{i}.txt", _interview(i) * 20)) for i in range(8)]
        r = client.post("/v1/projects/big/sources", files=files)
        assert r.status_code == 413 and _error(r)["code"] == "upload_too_large", r.text
        assert "JOURNEYMAP_MAX_UPLOAD_MB" in _error(r)["message"]
        assert _stored_files(home) == []


def _upload_scope(project: str, length: int, query: bytes = b"") -> dict[str, Any]:
    """The ASGI scope of a multipart upload to a project declaring `length` bytes."""
    path = f"/v1/projects/{project}/sources"
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [
            (b"host", b"testserver"),
            (b"content-type", b"multipart/form-data; boundary=xyz"),
            (b"content-length", str(length).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
        "state": {},
    }


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read(client_with):
    with client_with(max_upload_mb=1) as client:
        app = client.app
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            raise AssertionError("the body was read")

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = _upload_scope("big", 50 * 1024 * 1024 * 1024)
        assert client.portal is not None
        client.portal.call(app, scope, receive, send)
    assert sent[0]["status"] == 413
    assert b"upload_too_large" in sent[1]["body"]
    assert b"over the 1 MB limit for one request" in sent[1]["body"]


def test_an_upload_cut_off_by_its_client_keeps_nothing_and_logs_no_traceback(
    client_with, home: Path, caplog: pytest.LogCaptureFixture
):
    """A hostile-input trial: a client that disconnected mid-upload logged an ERROR with a
    full traceback."""
    with client_with() as client:
        assert client.post("/v1/projects", json={"name": "cut"}).status_code in (200, 201)
        app = client.app
        sent: list[dict[str, Any]] = []
        parts = [
            {
                "type": "http.request",
                "body": b'--xyz\r\nContent-Disposition: form-data; name="files"; '
                b'filename="a.txt"\r\n\r\nInterviewer: Hi.\nP1: The app',
                "more_body": True,
            },
            {"type": "http.disconnect"},
        ]

        async def receive() -> dict[str, Any]:
            return parts.pop(0) if parts else {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        scope = _upload_scope("cut", 100_000, b"wait=false")
        assert client.portal is not None
        with caplog.at_level("INFO"):
            client.portal.call(app, scope, receive, send)
    assert sent[0]["status"] == 400 and b"upload_cut_off" in sent[1]["body"]
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
    assert not _stored_files(home)


def test_a_json_body_over_the_limit_is_refused_before_it_is_read_or_the_key_checked(client_with):
    """A hostile-input trial: a 300 MB JSON body without a key took the server from 198 MB to
    1.08 GB before its 401; sent in chunks, it is cut off at the limit."""
    from api.app import MAX_BODY_BYTES

    with client_with(api_keys=SecretStr("alice-key-1:*")) as client:
        big = b'{"question": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
        declared = client.post(
            "/v1/projects/demo/ask", content=big, headers={"content-type": "application/json"}
        )
        assert declared.status_code == 413, declared.text
        assert _error(declared)["code"] == "request_too_large"

        def chunks() -> Iterator[bytes]:
            for i in range(0, len(big), 1 << 20):
                yield big[i : i + (1 << 20)]

        chunked = client.post(
            "/v1/projects/demo/ask",
            content=chunks(),
            headers={"content-type": "application/json", **ALICE},
        )
        assert chunked.status_code == 413 and "MB" in _error(chunked)["message"]
        # a small body sent in chunks is read as usual
        small = client.post(
            "/v1/projects/demo/ask",
            content=iter([b'{"question": ', b'"what went wrong?"}']),
            headers={"content-type": "application/json", **ALICE},
        )
        assert small.status_code == 404, small.text  # no project demo: read, then answered
        assert _error(small)["code"] != "request_too_large"


def test_a_map_request_with_too_many_stages_is_refused_before_it_runs(client_with):
    """A hostile-input trial: 200,000 stage names held a map worker for over 13 minutes."""
    with client_with() as client:
        created = client.post("/v1/projects", json={"name": "stages"})
        assert created.status_code in (200, 201), created.text
        many = client.post(
            "/v1/projects/stages/map", json={"stages": [f"S{i}" for i in range(500)]}
        )
        assert many.status_code in (400, 422), many.text
        assert "at most 40" in _error(many)["message"]


def test_a_size_limit_is_said_in_the_megabytes_it_is_set_in(client_with, home: Path):
    """A trial's 50 MB limit was said as "52.4288 MB" (bytes over 10**6)."""
    with client_with(max_file_mb=1, max_upload_mb=4) as client:
        big = b"Interviewer: Hi?\nP1: " + b"slow " * 250_000
        r = client.post("/v1/projects/mb/sources", files={"files": ("big.txt", big)})
        assert r.status_code == 413, r.text
        assert "big.txt: over the 1 MB limit; split it" in _error(r)["message"], r.text
    assert size_text(50 * MEGABYTE) == "50 MB" and size_text(1.5 * MEGABYTE) == "1.5 MB"
    assert size_text(2097) == "2,097 bytes"


def test_a_file_over_the_size_limit_is_skipped_while_the_others_are_ingested(
    client_with, home: Path
):
    with client_with(max_file_mb=0.002, max_upload_mb=1) as client:  # about 2 KB a file
        files = [
            ("files", ("small.txt", _interview(1))),
            ("files", ("huge.txt", _interview(2) * 100)),
        ]
        r = client.post("/v1/projects/mixed/sources", files=files)
        assert r.status_code == 201, r.text
        body = r.json()
        assert len(body["added"]) == 1
        assert [s["file"] for s in body["skipped"]] == ["huge.txt"]
        assert "limit" in body["skipped"][0]["reason"]
    assert _stored_files(home) == []


def test_a_file_refused_on_reading_is_not_kept(client_with, home: Path):
    """An integrator's trial: refused uploads (garbage, a zip bomb, a 31 MB transcript) stayed
    in uploads/ for good; and the stored ones stay only in the catalog, not in uploads/."""
    with client_with() as client:
        files = [
            ("files", ("good.txt", _interview(1))),
            ("files", ("garbage.txt", bytes(range(256)) * 64)),
        ]
        r = client.post("/v1/projects/refused/sources", files=files)
        assert r.status_code == 201, r.text
        assert [s["file"] for s in r.json()["skipped"]] == ["garbage.txt"]
    assert _stored_files(home) == []


def test_a_malformed_multipart_body_is_a_422_and_leaves_nothing_behind(client_with, home: Path):
    with client_with() as client:
        cut = b'--xyz\r\nContent-Disposition: form-data; name="files"; filename="a.txt"\r\n\r\nhalf'
        r = client.post(
            "/v1/projects/broken/sources",
            content=cut,
            headers={"content-type": "multipart/form-data; boundary=xyz"},
        )
        assert r.status_code == 422 and _error(r)["code"] == "invalid_request", r.text
        no_files = client.post("/v1/projects/broken/sources", data={"kind": "interview"})
        assert no_files.status_code == 422
    assert _stored_files(home) == []


# Names and contents -------------------------------------------------------------------------


def test_twenty_parallel_uploads_of_one_name_with_different_content_are_twenty_sources(
    client_with,
):
    with client_with() as client:

        def upload(i: int) -> int:
            files = [("files", ("interview.txt", _interview(i)))]
            return client.post("/v1/projects/same/sources", files=files).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(upload, range(20)))
        assert codes == [201] * 20
        sources = client.get("/v1/projects/same/sources").json()
        assert len(sources) == 20 and len({s["id"] for s in sources}) == 20


def test_the_same_content_uploaded_twice_is_one_source(client_with, home: Path):
    with client_with() as client:
        first = client.post("/v1/projects/twice/sources", files={"files": ("qa.txt", QA)})
        again = client.post("/v1/projects/twice/sources", files={"files": ("qa.txt", QA)})
        assert first.status_code == 201 and again.status_code == 200, again.text
        assert again.json()["unchanged"] == 1 and again.json()["added"] == []
        assert len(client.get("/v1/projects/twice/sources").json()) == 1
    assert _stored_files(home) == []


def test_a_long_name_with_control_characters_and_bad_bytes_is_stored_short_and_safe(
    client_with, home: Path
):
    with client_with() as client:
        long_name = "\x1b[31m" + "é" * 300 + ".txt"
        r = client.post("/v1/projects/names/sources", files={"files": (long_name, QA)})
        assert r.status_code == 201, r.text
        raw = (
            b'--xyz\r\nContent-Disposition: form-data; name="files"; '
            b'filename="bad\xff\xfe\x07name.txt"\r\n\r\n' + _interview(7) + b"\r\n--xyz--\r\n"
        )
        bad = client.post(
            "/v1/projects/names/sources",
            content=raw,
            headers={"content-type": "multipart/form-data; boundary=xyz"},
        )
        assert bad.status_code == 201, bad.text
        names = sorted(s["path"] for s in client.get("/v1/projects/names/sources").json())
    assert len(names) == 2 and _stored_files(home) == []
    for name in names:
        assert name.endswith(".txt") and len(name.encode()) <= 120
        assert name.isprintable() and "\ufffd" not in name


def test_safe_names_keep_the_extension_and_drop_folders():
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("C:\\Users\\me\\notes.vtt") == "notes.vtt"
    assert safe_name("..") == "upload"
    assert safe_name("访谈 一.txt") == "访谈_一.txt"
    assert safe_name("a" * 300 + ".docx").endswith(".docx")


# Jobs ---------------------------------------------------------------------------------------


def test_stopping_the_job_pool_cancels_queued_jobs_and_leaves_a_running_one_behind():
    jobs = Jobs(workers=1)
    started, release = threading.Event(), threading.Event()

    def blocking(progress: Any) -> Any:
        started.set()
        release.wait()
        raise RuntimeError("released")

    running, _ = jobs.submit("ingest", "p", blocking)
    queued, _ = jobs.submit("ingest", "p", blocking)
    assert started.wait(30)
    stopper = threading.Thread(target=jobs.shutdown, kwargs={"grace_seconds": 0.1})
    stopper.start()
    stopper.join(timeout=30)
    try:
        assert not stopper.is_alive(), "shutdown waited for the running job"
        assert queued.status == "failed" and "stopped" in queued.message
        assert running.status == "running"
        with pytest.raises(RuntimeError, match="shut down"):
            jobs.submit("ingest", "p", blocking)
    finally:
        release.set()


# A real server ------------------------------------------------------------------------------


def _hostile_transcript(seed: int) -> bytes:
    """One turn of 300 KB of base64-like text full of '@' and '.': it once made the email
    pattern of the redactor take minutes."""
    rng = random.Random(seed)
    alphabet = string.ascii_letters + string.digits + "+/" + "@." * 8
    blob = "".join(rng.choice(alphabet) for _ in range(300_000))
    return f"Interviewer: What happened?\nP1: {blob}\n".encode()


@dataclass
class _Server:
    """`journeymap serve` in a subprocess, and its log as read so far."""

    url: str
    process: subprocess.Popen[str]
    log: list[str]
    drain: threading.Thread


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator["_Server"]:
    port = free_port()
    env = {**os.environ, "JOURNEYMAP_HOME": str(tmp_path / "home"), "JOURNEYMAP_LOG_LEVEL": "INFO"}
    env.pop("JOURNEYMAP_API_KEYS", None)
    process = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    log: list[str] = []
    for line in process.stdout:  # wait for uvicorn to say it is up: no sleeping
        log.append(line)
        if "Application startup complete" in line:
            break
        assert process.poll() is None, "".join(log)
    drain = threading.Thread(target=lambda: log.extend(process.stdout or []), daemon=True)
    drain.start()
    try:
        yield _Server(f"http://127.0.0.1:{port}", process, log, drain)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        drain.join(timeout=30)
        process.stdout.close()


def test_health_answers_while_a_hostile_file_ingests_and_sigterm_stops_the_server(
    live_server: _Server,
):
    base, process = live_server.url, live_server.process
    with httpx.Client(base_url=base, timeout=120) as http:
        r = http.post(
            "/v1/projects/hostile/sources",
            files={"files": ("hostile.txt", _hostile_transcript(1))},
            params={"wait": "false"},
        )
        assert r.status_code == 202, r.text
        location = r.headers["location"]
        latencies: list[float] = []
        while True:
            began = time.monotonic()
            health = http.get("/healthz", timeout=5)
            latencies.append(time.monotonic() - began)
            assert health.json() == {"status": "ok"}
            job = http.get(location).json()
            if job["status"] in ("done", "failed"):
                break
        assert job["status"] == "done", job
        assert max(latencies) < 5, f"slowest /healthz: {max(latencies):.2f} s"

        # Stop the server while another ingest runs: it must not wait for the job.
        second = http.post(
            "/v1/projects/hostile/sources",
            files={"files": ("hostile2.txt", _hostile_transcript(2))},
            params={"wait": "false"},
        )
        assert second.status_code == 202, second.text
        while http.get(second.headers["location"]).json()["status"] == "queued":
            pass
    began = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        code = process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        pytest.fail("the server did not stop within 30 s of SIGTERM")
    # uvicorn re-raises the signal once it has shut down, so the exit code is -SIGTERM.
    assert code in (0, -signal.SIGTERM), f"exit code {code} after {time.monotonic() - began:.1f} s"
    live_server.drain.join(timeout=30)  # the whole log, to its end
    log = live_server.log
    assert any("Application shutdown complete" in line for line in log), "".join(log[-20:])
