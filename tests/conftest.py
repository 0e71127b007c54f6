"""Shared fixtures: the real local embedding model and a workspace in a temp dir."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant import local_llm
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import UsemEmbedder

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
