"""Shared fixtures: the real local embedding model and a workspace in a temp dir."""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant import local_llm
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport
from journey.grounding import normalize_ws
from journey.schema import JourneyMap

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
