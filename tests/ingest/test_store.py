"""The vector store, run twice: embedded (the default) and on a real Chroma server."""

import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant.mapping import build_map
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.chunking import Chunk
from ingest.embeddings import UsemEmbedder
from ingest.store import ChromaServer, ChunkStore, Scalar, StoreUnavailableError
from journey.errors import ConfigError
from journey.source import Role

TEXTS = {
    "s1": [
        "The delivery was late twice and nobody told me where the box was.",
        "The recipes were easy and my kids loved them.",
    ],
    "s2": ["Support answered the chat after forty minutes of waiting."],
}


def _chunks() -> list[Chunk]:
    chunks, offset = [], 0
    for source, texts in TEXTS.items():
        for turn, text in enumerate(texts):
            chunks.append(
                Chunk(
                    id=f"{source}-{turn}",
                    source_id=source,
                    text=text,
                    turn_start=turn,
                    turn_end=turn,
                    char_start=offset,
                    char_end=offset + len(text),
                    speaker="P1",
                    role=Role.participant,
                    start=None,
                    end=None,
                    section=None,
                )
            )
            offset += len(text) + 1
    return chunks


Opener = Callable[[Path | ChromaServer], ChunkStore]


@pytest.fixture
def open_store(embedder: UsemEmbedder) -> Iterator[Opener]:
    """`open_store(location)`: a ChunkStore, closed when the test ends."""
    opened: list[ChunkStore] = []

    def open_at(location: Path | ChromaServer) -> ChunkStore:
        opened.append(ChunkStore(location, embedder))
        return opened[-1]

    yield open_at
    for store in opened:
        store.close()


def _fill(store: ChunkStore, embedder: UsemEmbedder) -> ChunkStore:
    chunks = _chunks()
    extra: list[dict[str, Scalar]] = [{"kind": "interview"} for _ in chunks]
    store.upsert("study", chunks, embedder.embed([c.text for c in chunks]), extra)
    return store


def test_store_answers_by_meaning_with_the_chunks_metadata(
    chroma_location: Path | ChromaServer, embedder: UsemEmbedder, open_store: Opener
):
    store = _fill(open_store(chroma_location), embedder)
    hits = store.query("study", "my parcel arrived late", n=2)
    assert hits[0].id == "s1-0"
    assert hits[0].text == TEXTS["s1"][0]
    assert hits[0].metadata["source_id"] == "s1"
    assert hits[0].metadata["role"] == "participant"
    assert hits[0].metadata["kind"] == "interview"
    assert hits[0].distance < hits[1].distance
    only_s2 = store.query("study", "my parcel arrived late", n=5, where={"source_id": "s2"})
    assert [h.id for h in only_s2] == ["s2-0"]


def test_store_counts_lists_and_deletes_per_source(
    chroma_location: Path | ChromaServer, embedder: UsemEmbedder, open_store: Opener
):
    store = _fill(open_store(chroma_location), embedder)
    assert store.count("study") == 3
    assert store.source_ids("study") == {"s1", "s2"}
    assert store.chunk_ids("study", "s1") == {"s1-0", "s1-1"}
    assert sorted(store.documents("study", page=2)) == sorted(t for v in TEXTS.values() for t in v)
    store.delete_chunks("study", ["s1-1"])
    store.delete_sources("study", ["s2"])
    assert store.chunk_ids("study", "s1") == {"s1-0"}
    assert store.source_ids("study") == {"s1"}


def test_store_rerun_overwrites_instead_of_duplicating(
    chroma_location: Path | ChromaServer, embedder: UsemEmbedder, open_store: Opener
):
    store = _fill(open_store(chroma_location), embedder)
    _fill(store, embedder)
    assert store.count("study") == 3


def test_projects_are_separate_and_a_dropped_project_is_empty(
    chroma_location: Path | ChromaServer, embedder: UsemEmbedder, open_store: Opener
):
    store = _fill(open_store(chroma_location), embedder)
    assert store.count("other") == 0
    store.drop_project("study")
    store.drop_project("never-ingested")
    assert store.count("study") == 0


def test_a_second_client_sees_what_the_first_stored(
    chroma_location: Path | ChromaServer, embedder: UsemEmbedder, open_store: Opener
):
    _fill(open_store(chroma_location), embedder)
    again = open_store(chroma_location)
    assert again.count("study") == 3
    assert again.query("study", "waiting for support", n=1)[0].id == "s2-0"


def test_workspace_ingests_queries_and_maps_on_either_store(
    any_store_settings: Settings,
    embedder: UsemEmbedder,
    small_study: Callable[[Workspace], None],
):
    ws = open_workspace(any_store_settings, embedder)
    try:
        small_study(ws)
        count = ws.store.count("study")
        assert count > 0
        hit = ws.store.query("study", "waiting for help", n=1, where={"role": "participant"})[0]
        assert "forty minutes" in hit.text
        small_study(ws)  # the same content again: a no-op
        assert ws.store.count("study") == count
        m = build_map(ws, "study")
        assert m.sources.count == 2
        assert m.stats.observations > 0
    finally:
        ws.close()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("localhost:8000", "is not a server URL"),
        ("ftp://127.0.0.1:8000", "is not a server URL"),
        ("http://127.0.0.1:notaport", "not a number"),
    ],
)
def test_a_malformed_chroma_url_is_a_config_error_naming_the_variable(
    url: str, words: str, tmp_path: Path, embedder: UsemEmbedder
):
    with pytest.raises(ConfigError, match="JOURNEYMAP_CHROMA_URL") as caught:
        open_workspace(Settings(home=tmp_path, chroma_url=url), embedder)
    assert words in str(caught.value)


def test_an_unreachable_chroma_server_is_a_config_error_naming_the_variable(
    tmp_path: Path, embedder: UsemEmbedder
):
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = Settings(home=tmp_path, chroma_url=f"http://127.0.0.1:{port}")
    with pytest.raises(ConfigError, match="JOURNEYMAP_CHROMA_URL") as caught:
        open_workspace(settings, embedder)
    assert "chroma run" in str(caught.value)


def test_a_missing_database_on_the_server_names_the_setting(
    chroma_server: str, tmp_path: Path, embedder: UsemEmbedder
):
    settings = Settings(home=tmp_path, chroma_url=chroma_server, chroma_database="no-such-db")
    with pytest.raises(ConfigError, match="JOURNEYMAP_CHROMA_DATABASE"):
        open_workspace(settings, embedder)


def test_a_server_that_stops_answering_gives_a_config_error_not_a_traceback(
    start_chroma: Callable[[Path], AbstractContextManager[str]],
    tmp_path: Path,
    embedder: UsemEmbedder,
    open_store: Opener,
):
    with start_chroma(tmp_path / "lone") as url:
        store = _fill(open_store(ChromaServer(url)), embedder)
        assert store.count("study") == 3
    with pytest.raises(StoreUnavailableError, match="JOURNEYMAP_CHROMA_URL"):
        store.count("study")


@pytest.fixture
def refusing_server() -> Iterator[tuple[str, list[dict[str, str]]]]:
    """A loopback HTTP server answering 401 to everything, like a Chroma behind an auth proxy;
    yields its URL and the headers of every request it got."""
    seen: list[dict[str, str]] = []

    class Refuse(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(dict(self.headers))
            self.send_response(401)
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b"Unauthorized")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Refuse)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", seen
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.mark.parametrize(
    ("header", "sent"),
    [("Authorization", "Bearer s3cret-token"), ("X-Chroma-Token", "s3cret-token")],
)
def test_the_token_travels_in_the_chosen_header_and_a_refusal_names_the_setting(
    header: str,
    sent: str,
    refusing_server: tuple[str, list[dict[str, str]]],
    tmp_path: Path,
    embedder: UsemEmbedder,
):
    url, seen = refusing_server
    settings = Settings(
        home=tmp_path, chroma_url=url, chroma_token="s3cret-token", chroma_token_header=header
    )
    with pytest.raises(ConfigError, match="JOURNEYMAP_CHROMA_TOKEN") as caught:
        open_workspace(settings, embedder)
    assert seen and seen[0].get(header) == sent
    assert "s3cret" not in str(caught.value)
