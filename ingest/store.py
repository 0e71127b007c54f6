"""The vector store: the only module that imports chromadb. One collection per project.

Embedded by default (a PersistentClient in the workspace folder); with a ChromaServer, a
chromadb.HttpClient against a Chroma server, holding the same collections. Vectors are always
computed here, by our Embedder: the server never embeds.
"""

import functools
import logging
import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar
from urllib.parse import urlsplit

import chromadb
import httpx
from chromadb.api import ClientAPI
from chromadb.api.collection_configuration import (
    CreateHNSWConfiguration,
    UpdateHNSWConfiguration,
)
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import AuthorizationError, ChromaAuthError, NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function

from ingest.chunking import Chunk
from ingest.embeddings import Embedder, UsemEmbedder, Vectors
from journey.errors import ConfigError, InputError

log = logging.getLogger(__name__)

_SYNC = UpdateHNSWConfiguration(sync_threshold=2, batch_size=2)
"""The embedded store saves its vector index every 2 writes, not Chroma's 1000: Chroma drops a
document from its write-ahead log (the text as sent) only once the index holding it is saved,
so a withdrawn participant's last words stayed in chroma.sqlite3 after their deletion. Measured
here: an add of 5,000 chunks takes as long, a small add 0.4 s instead of 0.2 s."""
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# Chroma collection names must start and end with a letter or digit.
_PROJECT_NAME = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
Scalar = str | int | float | bool


def check_project_name(name: str) -> str:
    """Return the name if it can name a project, else raise InputError saying what is allowed."""
    if not _PROJECT_NAME.match(name) or ".." in name:
        raise InputError(
            f"project name {name!r} is not allowed: use 1-63 letters, digits, '.', '_' or '-', "
            "starting and ending with a letter or digit"
        )
    return name


@register_embedding_function
class JourneymapEmbeddingFunction(EmbeddingFunction[Documents]):
    """Adapts our Embedder to Chroma, so Chroma never falls back to its downloading default."""

    def __init__(self, embedder: Embedder | None = None) -> None:
        self._embedder = embedder or UsemEmbedder()

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed(list(input)))

    @staticmethod
    def name() -> str:
        return "journeymap"

    def get_config(self) -> dict[str, Any]:
        return {"model": self._embedder.name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> "JourneymapEmbeddingFunction":
        return JourneymapEmbeddingFunction()

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


@dataclass(frozen=True)
class Hit:
    """A stored chunk returned by a query, with its cosine distance."""

    id: str
    text: str
    distance: float
    metadata: dict[str, Scalar]


def _metadata(chunk: Chunk, extra: dict[str, Scalar]) -> dict[str, Scalar]:
    meta: dict[str, Scalar] = {
        "source_id": chunk.source_id,
        "turn_start": chunk.turn_start,
        "turn_end": chunk.turn_end,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "role": chunk.role.value,
    }
    optional = {
        "speaker": chunk.speaker,
        "start": chunk.start,
        "end": chunk.end,
        "section": chunk.section,
    }
    meta.update({k: v for k, v in optional.items() if v is not None})
    meta.update(extra)
    return meta


@dataclass(frozen=True)
class ChromaServer:
    """Where a Chroma server is and how to sign in to it (the JOURNEYMAP_CHROMA_* settings)."""

    url: str
    """http(s)://host:port of the server, optionally with a path behind a proxy."""
    token: str | None = field(default=None, repr=False)
    """Sent on every request, as `Authorization: Bearer <token>` or in X-Chroma-Token."""
    token_header: str = "Authorization"
    tenant: str = DEFAULT_TENANT
    database: str = DEFAULT_DATABASE


class StoreUnavailableError(ConfigError):
    """The Chroma server cannot be reached or refused us; the message names the setting."""


CONNECT_SECONDS = 15.0
"""How long the first contact with a Chroma server may take before it counts as unreachable."""


def _token_headers(server: ChromaServer) -> dict[str, str]:
    if server.token is None:
        return {}
    if server.token_header == "Authorization":
        return {"Authorization": f"Bearer {server.token}"}
    return {server.token_header: server.token}


def _check_server(server: ChromaServer) -> None:
    """Fail with the setting to change unless the server answers, accepts our token and holds
    the tenant and database. Done with our own short-lived HTTP client: chromadb's client
    waits without a timeout and, failing, leaves its connection open."""
    parts = urlsplit(server.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise StoreUnavailableError(
            f"JOURNEYMAP_CHROMA_URL={server.url!r} is not a server URL: write "
            "http://host:port (or https://...), e.g. http://127.0.0.1:8000"
        )
    try:
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        raise StoreUnavailableError(
            f"JOURNEYMAP_CHROMA_URL={server.url!r} has a port that is not a number"
        ) from None
    api = server.url.rstrip("/") + "/api/v2"
    try:
        with httpx.Client(headers=_token_headers(server), timeout=CONNECT_SECONDS) as http:
            beat = http.get(f"{api}/heartbeat")
            found = http.get(f"{api}/tenants/{server.tenant}/databases/{server.database}")
    except httpx.HTTPError as exc:
        raise StoreUnavailableError(
            f"cannot reach the Chroma server at {server.url} (JOURNEYMAP_CHROMA_URL): {exc!r}. "
            "Start it (`chroma run --path DIR --port PORT`) or fix the URL; unset "
            "JOURNEYMAP_CHROMA_URL to use the embedded store"
        ) from None
    for answer in (beat, found):
        if answer.status_code in (401, 403):
            given = "the token in JOURNEYMAP_CHROMA_TOKEN" if server.token else "no token"
            raise StoreUnavailableError(
                f"the Chroma server at {server.url} (JOURNEYMAP_CHROMA_URL) refused {given} "
                f"(HTTP {answer.status_code}): set JOURNEYMAP_CHROMA_TOKEN, and "
                "JOURNEYMAP_CHROMA_TOKEN_HEADER=X-Chroma-Token if the server reads that header"
            )
    if beat.status_code != 200:
        raise StoreUnavailableError(
            f"{server.url} (JOURNEYMAP_CHROMA_URL) does not answer like a Chroma server "
            f"(heartbeat: HTTP {beat.status_code}); check the URL"
        )
    if found.status_code == 404:
        raise StoreUnavailableError(
            f"the Chroma server at {server.url} (JOURNEYMAP_CHROMA_URL) has no database "
            f"{server.database!r} in tenant {server.tenant!r}: create it on the server, or fix "
            "JOURNEYMAP_CHROMA_DATABASE / JOURNEYMAP_CHROMA_TENANT"
        )
    if found.status_code != 200:
        raise StoreUnavailableError(
            f"the Chroma server at {server.url} (JOURNEYMAP_CHROMA_URL) failed to look up "
            f"database {server.database!r} (HTTP {found.status_code}: {found.text[:200]})"
        )


def _http_client(server: ChromaServer) -> ClientAPI:
    """A chromadb.HttpClient for a server that _check_server found ready."""
    _check_server(server)
    auth: dict[str, Any] = {}
    if server.token is not None:
        auth = {
            "chroma_client_auth_provider": "chromadb.auth.token_authn.TokenAuthClientProvider",
            "chroma_client_auth_credentials": server.token,
            "chroma_auth_token_transport_header": server.token_header,
        }
    with _server_errors(server.url):
        try:
            return chromadb.HttpClient(
                host=server.url.rstrip("/"),
                tenant=server.tenant,
                database=server.database,
                settings=ChromaSettings(anonymized_telemetry=False, **auth),
            )
        except ValueError as exc:  # e.g. a token chromadb will not send (not ASCII)
            raise StoreUnavailableError(
                f"cannot use the Chroma server at {server.url} (JOURNEYMAP_CHROMA_URL) "
                f"with these settings: {exc}"
            ) from None


@contextmanager
def _server_errors(url: str | None) -> Iterator[None]:
    """Turn a lost connection or a refused token into StoreUnavailableError (server only)."""
    if url is None:
        yield
        return
    try:
        yield
    except httpx.TransportError as exc:
        raise StoreUnavailableError(
            f"the Chroma server at {url} (JOURNEYMAP_CHROMA_URL) did not answer: {exc}. "
            "Check that it is running and reachable"
        ) from None
    except (ChromaAuthError, AuthorizationError) as exc:
        raise StoreUnavailableError(
            f"the Chroma server at {url} refused us ({exc}): check JOURNEYMAP_CHROMA_TOKEN "
            "and JOURNEYMAP_CHROMA_TOKEN_HEADER"
        ) from None


P = ParamSpec("P")
R = TypeVar("R")


def _on_server(
    method: "Callable[Concatenate[ChunkStore, P], R]",
) -> "Callable[Concatenate[ChunkStore, P], R]":
    """A store method whose server failures come out as StoreUnavailableError."""

    def guarded(self: "ChunkStore", /, *args: P.args, **kwargs: P.kwargs) -> R:
        with _server_errors(self.server_url):
            return method(self, *args, **kwargs)

    functools.update_wrapper(guarded, method)
    return guarded


EXACT_AT_MOST = 40
"""Characters up to which a search is also looked up word for word."""


class ChunkStore:
    """Chunks of every project: in a persistent Chroma database at a path (the embedded
    default), or on a Chroma server."""

    def __init__(self, location: Path | ChromaServer, embedder: Embedder) -> None:
        self.server_url: str | None = None
        """The server's URL, or None for the embedded store."""
        self._client: ClientAPI
        self._folder: Path | None = None
        if isinstance(location, ChromaServer):
            self._client = _http_client(location)
            self.server_url = location.url
        else:
            location.mkdir(parents=True, exist_ok=True)
            self._folder = location
            self._client = chromadb.PersistentClient(
                path=str(location), settings=ChromaSettings(anonymized_telemetry=False)
            )
        self._embedder = embedder
        self._function = JourneymapEmbeddingFunction(embedder)
        self._collections: dict[str, Any] = {}

    def _collection(self, project: str) -> Any:
        if project not in self._collections:
            hnsw = CreateHNSWConfiguration(space="cosine")
            if self._folder:
                hnsw["sync_threshold"] = _SYNC["sync_threshold"]
                hnsw["batch_size"] = _SYNC["batch_size"]
            collection = self._client.get_or_create_collection(
                name=f"jm-{check_project_name(project)}",
                embedding_function=self._function,  # type: ignore[arg-type]
                configuration={"hnsw": hnsw},
                metadata={"embedding_model": self._embedder.name},
            )
            kept = (collection.configuration or {}).get("hnsw") or {}
            if self._folder and kept.get("sync_threshold") != _SYNC["sync_threshold"]:
                collection.modify(configuration={"hnsw": _SYNC})  # made by an older version
            self._collections[project] = collection
        return self._collections[project]

    def scrub(self) -> None:
        """Leave nothing of deleted chunks on disk (embedded store; a server keeps its own):
        Chroma keeps a deleted document's text in its write-ahead log until the vector index
        is next saved (see _SYNC), in its full-text index until that is merged, and in free
        pages of its database, and a deleted collection's vector index folder stays. Called
        after a source or project is deleted; a store another process is writing is left as
        it is (logged), to be scrubbed at the next delete."""
        if self._folder is None:
            return
        segments = self._folder / "chroma.sqlite3"
        if not segments.exists():
            return
        db = sqlite3.connect(segments, timeout=5, isolation_level=None)
        try:
            kept = {str(row[0]) for row in db.execute("SELECT id FROM segments")}
            for folder in self._folder.iterdir():
                if folder.is_dir() and _UUID.fullmatch(folder.name) and folder.name not in kept:
                    shutil.rmtree(folder, ignore_errors=True)
            db.execute(
                "INSERT INTO embedding_fulltext_search(embedding_fulltext_search) "
                "VALUES ('optimize')"
            )
            db.execute("VACUUM")
        except sqlite3.OperationalError as exc:
            log.warning(
                "the vector store could not be compacted now (%s); it will be at the next delete",
                exc,
            )
        finally:
            db.close()

    @_on_server
    def upsert(
        self,
        project: str,
        chunks: Sequence[Chunk],
        vectors: Vectors,
        extra: Sequence[dict[str, Scalar]],
    ) -> None:
        """Store chunks with their vectors; ids are deterministic, so a rerun overwrites.
        Written in pieces under Chroma's largest batch, whatever the caller sends."""
        if not chunks:
            return
        collection = self._collection(project)
        step = max(1, self._client.get_max_batch_size())
        for i in range(0, len(chunks), step):
            piece = chunks[i : i + step]
            collection.upsert(
                ids=[c.id for c in piece],
                documents=[c.text for c in piece],
                embeddings=list(vectors[i : i + step]),
                metadatas=[
                    _metadata(c, e) for c, e in zip(piece, extra[i : i + step], strict=True)
                ],
            )

    @_on_server
    def delete_sources(self, project: str, source_ids: Sequence[str]) -> None:
        """Remove every chunk of the given sources."""
        if source_ids:
            self._collection(project).delete(where={"source_id": {"$in": list(source_ids)}})

    @_on_server
    def chunk_ids(self, project: str, source_id: str) -> set[str]:
        """Ids of the chunks stored for one source."""
        got = self._collection(project).get(where={"source_id": source_id}, include=[])
        return set(got["ids"])

    @_on_server
    def delete_chunks(self, project: str, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        if ids:
            self._collection(project).delete(ids=list(ids))

    @_on_server
    def count(self, project: str) -> int:
        """Number of chunks stored for a project."""
        return int(self._collection(project).count())

    @_on_server
    def source_ids(self, project: str) -> set[str]:
        """Ids of the sources that have chunks in the store."""
        got = self._collection(project).get(include=["metadatas"])
        return {str(m["source_id"]) for m in got["metadatas"] or []}

    @_on_server
    def documents(self, project: str, page: int = 5000) -> list[str]:
        """The text of every stored chunk of a project (read a page at a time)."""
        collection = self._collection(project)
        texts: list[str] = []
        for offset in range(0, collection.count(), page):
            got = collection.get(include=["documents"], limit=page, offset=offset)
            texts += [d or "" for d in got["documents"] or []]
        return texts

    @_on_server
    def search(
        self, project: str, text: str, n: int = 5, where: dict[str, Any] | None = None
    ) -> list[Hit]:
        """The n chunks a person searching for `text` wants: those that hold it word for word
        first (nearest in meaning among them), then the nearest in meaning. A Chinese word
        searched alone (闺女) was nearest in meaning to goodbyes (谢谢你啊姑娘, 拜拜) while three
        passages held it."""
        vector = self._embedder.embed([text])[0]
        phrase = text.strip()
        exact = (
            self._nearest(project, vector, n, where, contains=phrase)
            if 0 < len(phrase) <= EXACT_AT_MOST
            else []
        )
        seen = {h.id for h in exact}
        near = [h for h in self._nearest(project, vector, n, where) if h.id not in seen]
        return (exact + near)[:n]

    @_on_server
    def query(
        self,
        project: str,
        text: str,
        n: int = 5,
        where: dict[str, Any] | None = None,
    ) -> list[Hit]:
        """The n chunks nearest to text in meaning, optionally filtered on metadata."""
        return self._nearest(project, self._embedder.embed([text])[0], n, where)

    def _nearest(
        self,
        project: str,
        vector: Any,
        n: int,
        where: dict[str, Any] | None,
        contains: str | None = None,
    ) -> list[Hit]:
        """The n chunks nearest to a query vector, filtered on metadata and, with `contains`,
        on holding it word for word."""
        result = self._collection(project).query(
            query_embeddings=[vector],
            n_results=n,
            where=where,
            where_document={"$contains": contains} if contains else None,
            include=["documents", "metadatas", "distances"],
        )
        return [
            Hit(id=i, text=d or "", distance=float(dist), metadata=dict(m or {}))
            for i, d, m, dist in zip(
                result["ids"][0],
                (result["documents"] or [[]])[0],
                (result["metadatas"] or [[]])[0],
                (result["distances"] or [[]])[0],
                strict=True,
            )
        ]

    def close(self) -> None:
        """Release the Chroma client and, on a server, its HTTP connections."""
        # chromadb 1.5's HTTP client never closes the sessions of its two inner clients (its
        # own and its admin client's); left open, their sockets outlive the store.
        inner = (self._client, getattr(self._client, "_admin_client", None))
        sessions = [getattr(getattr(c, "_server", None), "_session", None) for c in inner]
        close = getattr(self._client, "close", None)  # on Client, though ClientAPI omits it
        if callable(close):
            close()
        for session in sessions:
            if isinstance(session, httpx.Client):
                session.close()

    @_on_server
    def drop_project(self, project: str) -> None:
        """Delete a project's collection."""
        self._collections.pop(project, None)
        with suppress(NotFoundError):  # a project with nothing ingested has no collection
            self._client.delete_collection(f"jm-{check_project_name(project)}")
