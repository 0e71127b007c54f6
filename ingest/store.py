"""The vector store: the only module that imports chromadb. One collection per project."""

import re
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import chromadb
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from chromadb.utils.embedding_functions import register_embedding_function

from ingest.chunking import Chunk
from ingest.embeddings import Embedder, UsemEmbedder, Vectors
from journey.errors import InputError

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


class ChunkStore:
    """Chunks of every project in a persistent Chroma database at `path`."""

    def __init__(self, path: Path, embedder: Embedder) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self._client = chromadb.PersistentClient(
            path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
        )
        self._embedder = embedder
        self._function = JourneymapEmbeddingFunction(embedder)
        self._collections: dict[str, Any] = {}

    def _collection(self, project: str) -> Any:
        if project not in self._collections:
            self._collections[project] = self._client.get_or_create_collection(
                name=f"jm-{check_project_name(project)}",
                embedding_function=self._function,  # type: ignore[arg-type]
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"embedding_model": self._embedder.name},
            )
        return self._collections[project]

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

    def delete_sources(self, project: str, source_ids: Sequence[str]) -> None:
        """Remove every chunk of the given sources."""
        if source_ids:
            self._collection(project).delete(where={"source_id": {"$in": list(source_ids)}})

    def chunk_ids(self, project: str, source_id: str) -> set[str]:
        """Ids of the chunks stored for one source."""
        got = self._collection(project).get(where={"source_id": source_id}, include=[])
        return set(got["ids"])

    def delete_chunks(self, project: str, ids: Sequence[str]) -> None:
        """Remove chunks by id."""
        if ids:
            self._collection(project).delete(ids=list(ids))

    def count(self, project: str) -> int:
        """Number of chunks stored for a project."""
        return int(self._collection(project).count())

    def source_ids(self, project: str) -> set[str]:
        """Ids of the sources that have chunks in the store."""
        got = self._collection(project).get(include=["metadatas"])
        return {str(m["source_id"]) for m in got["metadatas"] or []}

    def query(
        self,
        project: str,
        text: str,
        n: int = 5,
        where: dict[str, Any] | None = None,
    ) -> list[Hit]:
        """The n chunks nearest to text in meaning, optionally filtered on metadata."""
        vector = self._embedder.embed([text])
        result = self._collection(project).query(
            query_embeddings=[vector[0]],
            n_results=n,
            where=where,
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

    def drop_project(self, project: str) -> None:
        """Delete a project's collection."""
        self._collections.pop(project, None)
        with suppress(NotFoundError):  # a project with nothing ingested has no collection
            self._client.delete_collection(f"jm-{check_project_name(project)}")
