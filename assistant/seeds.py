"""A reading of sentences learnt from labelled examples we wrote ourselves.

`seeds.tsv` holds sentences (English and Chinese, many domains and registers) labelled pain,
positive, need or neutral. A logistic regression over their multilingual embeddings catches
evaluations that no cue phrase names.
"""

import csv
from collections.abc import Sequence
from functools import cached_property
from importlib.resources import files

import numpy as np

from ingest.embeddings import Embedder, Vectors, library_vectors

LABELS = ("pain", "positive", "need", "neutral")


def load_seeds() -> list[tuple[str, str]]:
    """(label, text) rows of the bundled seed file."""
    text = files("assistant").joinpath("seeds.tsv").read_text(encoding="utf-8")
    rows = csv.reader(text.splitlines()[1:], delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(label, sentence) for label, sentence in rows if label in LABELS]


_FITTED: dict[tuple[str, int, float, int], tuple[np.ndarray, np.ndarray]] = {}
"""Weights fitted in this process, by embedding model and settings: a server or a benchmark
building many maps fits them once (the seeds are bundled, so they never change under it)."""


class SeedClassifier:
    """Multinomial logistic regression on the seeds' embeddings (fitted on first use, fixed
    iterations from zero weights, so deterministic): label probabilities for sentences."""

    def __init__(self, embedder: Embedder, l2: float = 1e-3, steps: int = 400) -> None:
        self.embedder, self.l2, self.steps = embedder, l2, steps

    @cached_property
    def _weights(self) -> tuple[np.ndarray, np.ndarray]:
        key = (self.embedder.name, self.embedder.dimensions, self.l2, self.steps)
        if key not in _FITTED:
            _FITTED[key] = self._fit()
        return _FITTED[key]

    def _fit(self) -> tuple[np.ndarray, np.ndarray]:
        rows = load_seeds()
        x = library_vectors(self.embedder, [text for _, text in rows]).astype(np.float64)
        y = np.zeros((len(rows), len(LABELS)))
        y[np.arange(len(rows)), [LABELS.index(label) for label, _ in rows]] = 1.0
        w = np.zeros((x.shape[1], len(LABELS)))
        b = np.zeros(len(LABELS))
        rate = 2.0
        for _ in range(self.steps):
            p = _softmax(x @ w + b)
            grad = (p - y) / len(rows)
            w -= rate * (x.T @ grad + self.l2 * w)
            b -= rate * grad.sum(axis=0)
        return w, b

    def votes(self, vectors: Vectors) -> np.ndarray:
        """Array (n, 4): probability of pain, positive, need, neutral for each row."""
        if not len(vectors):
            return np.zeros((0, len(LABELS)), dtype=np.float32)
        w, b = self._weights
        out = np.empty((len(vectors), len(LABELS)), dtype=np.float32)
        for i in range(0, len(vectors), 4096):  # float64 a block at a time, not n x d of it
            out[i : i + 4096] = _softmax(vectors[i : i + 4096].astype(np.float64) @ w + b)
        return out


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


def seed_margins(votes: np.ndarray) -> Sequence[float]:
    """positive share minus pain share, per row (-1..+1)."""
    return [float(v[1] - v[0]) for v in votes]
