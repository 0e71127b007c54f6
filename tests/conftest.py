"""Shared fixtures: the real local embedding model and a workspace in a temp dir."""

from collections.abc import Iterator
from pathlib import Path

import pytest

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
