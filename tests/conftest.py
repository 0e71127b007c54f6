"""Shared fixtures: the real local embedding model and a workspace in a temp dir."""

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import httpx
import pytest

from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport
from ingest.store import ChromaServer
from journey.grounding import normalize_ws
from journey.schema import JourneyMap
from tests.support import local_llm

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def embedder() -> UsemEmbedder:
    """The real offline embedding model, loaded once for the whole run."""
    return UsemEmbedder(threads=2)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home")


@pytest.fixture
def workspace(settings: Settings, embedder: UsemEmbedder) -> Iterator[Workspace]:
    ws = open_workspace(settings, embedder)
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def llm_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a real llama.cpp server (SmolLM2-135M) on a free loopback port.

    Skipped where `make llm-server` has not run; in CI (CI=true) its absence is a failure.
    """
    if not local_llm.available():
        if os.environ.get("CI") == "true":
            pytest.fail("the local LLM server is not installed: `make test` runs `make llm-server`")
        pytest.skip("no local LLM server: run `make llm-server`")
    log = tmp_path_factory.mktemp("llm") / "server.log"
    with local_llm.serve(log=log) as base:
        yield base


CHROMA = Path(sys.executable).with_name("chroma")
"""The `chroma` CLI the chromadb package installs next to this interpreter."""


class ChromaDidNotStart(Exception):
    """`chroma run` exited before it answered."""


@contextmanager
def chroma_run(folder: Path, seconds: float = 120) -> Iterator[str]:
    """A real Chroma server (`chroma run`) on a free loopback port, data in folder; yields its
    URL once its heartbeat answers, and stops it afterwards."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    url = f"http://127.0.0.1:{port}"
    folder.mkdir(parents=True, exist_ok=True)
    command = [str(CHROMA), "run", "--path", str(folder / "db"), "--host", "127.0.0.1"]
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [*command, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + seconds  # generous: two busy cores can be slow to start it
        while True:
            if process.poll() is not None:
                tail = (folder / "server.log").read_text(errors="replace")[-2000:]
                raise ChromaDidNotStart(f"`chroma run` exited with {process.returncode}: {tail}")
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"`chroma run` did not answer in {seconds:.0f} s")
            time.sleep(0.1)  # polling a starting server, not waiting for a guessed time
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """URL of a real Chroma server started with `chroma run` for the session.

    Skipped only where the CLI is missing or cannot start here; in CI (CI=true) a failure.
    """
    problem = None if CHROMA.exists() else f"no `chroma` CLI at {CHROMA}"
    if problem is None:
        try:
            with chroma_run(tmp_path_factory.mktemp("chroma-server")) as url:
                yield url
                return
        except ChromaDidNotStart as exc:
            problem = str(exc)
    if os.environ.get("CI") == "true":
        pytest.fail(f"the Chroma server cannot start: {problem}")
    pytest.skip(f"the Chroma server cannot start here: {problem}")


@pytest.fixture
def start_chroma(chroma_server: str) -> Callable[[Path], AbstractContextManager[str]]:
    """`with start_chroma(folder) as url:` runs a Chroma server of the test's own (one it may
    stop); needs the session's server to have started, so it skips where that skips."""
    return chroma_run


def fresh_database(url: str) -> str:
    """A new, empty database on the server, so tests sharing it never see each other's data."""
    name = f"test-{uuid.uuid4().hex[:12]}"
    with httpx.Client(timeout=30) as http:
        http.post(f"{url}/api/v2/tenants/default_tenant/databases", json={"name": name})
        http.get(f"{url}/api/v2/tenants/default_tenant/databases/{name}").raise_for_status()
    return name


@pytest.fixture(params=["embedded", "server"])
def chroma_location(request: pytest.FixtureRequest, tmp_path: Path) -> Path | ChromaServer:
    """Where a store keeps its chunks: run once embedded (a folder), once on a real server."""
    if request.param == "embedded":
        return tmp_path / "chroma"
    url = request.getfixturevalue("chroma_server")
    return ChromaServer(url, database=fresh_database(url))


@pytest.fixture
def any_store_settings(chroma_location: Path | ChromaServer, tmp_path: Path) -> Settings:
    """Workspace settings, once for the embedded store and once for a Chroma server."""
    if isinstance(chroma_location, Path):
        return Settings(home=tmp_path / "home")
    return Settings(
        home=tmp_path / "home",
        chroma_url=chroma_location.url,
        chroma_database=chroma_location.database,
    )


SMALL_STUDY = {
    "ana.txt": (
        "Interviewer: How was your first order?\n"
        "Ana: The checkout page crashed twice and I had to type my card number again.\n"
        "Ana: Delivery was fast though, the driver was friendly.\n"
    ),
    "ben.txt": (
        "Interviewer: What happened when you needed help?\n"
        "Ben: I waited forty minutes on the support chat before anyone answered.\n"
        "Ben: The refund itself was quick once a person looked at it.\n"
    ),
}


@pytest.fixture
def small_study(tmp_path: Path) -> Callable[[Workspace], None]:
    """Ingests two short interviews (written here) into the project `study` of a workspace."""

    def ingest(workspace: Workspace) -> None:
        paths = []
        for name, text in SMALL_STUDY.items():
            (tmp_path / name).write_text(text, encoding="utf-8")
            paths.append(tmp_path / name)
        workspace.ingestor("study", IngestOptions()).ingest(paths, IngestReport())

    return ingest


def assert_map_grounded(workspace: Workspace, m: JourneyMap) -> None:
    """Every quote of the map equals its (redacted) source text at its offsets."""
    stored = {s.source.id: s for s in workspace.catalog.sources(m.project)}
    redactor = workspace.redactor(m.project)
    for e in m.evidence():
        original = stored[e.source_id].original[e.char_start : e.char_end]
        assert normalize_ws(redactor.redact(original)[0]) == normalize_ws(e.quote)


@pytest.fixture
def grounded() -> Callable[[Workspace, JourneyMap], None]:
    """`grounded(workspace, map)` asserts every quote of the map is verbatim from its source."""
    return assert_map_grounded
