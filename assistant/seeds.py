"""A nearest-neighbour reading of sentences against labelled examples we wrote ourselves.

`seeds.tsv` holds sentences (English and Chinese, many domains and registers) labelled pain,
positive, need or neutral. A sentence's k nearest seeds in embedding space vote, weighted by
similarity, which catches evaluations that no cue phrase names.
"""

import csv
from collections.abc import Sequence
from functools import cached_property
from importlib.resources import files

import numpy as np

from ingest.embeddings import Embedder, Vectors

LABELS = ("pain", "positive", "need", "neutral")


def load_seeds() -> list[tuple[str, str]]:
    """(label, text) rows of the bundled seed file."""
    text = files("assistant").joinpath("seeds.tsv").read_text(encoding="utf-8")
    rows = csv.reader(text.splitlines()[1:], delimiter="\t", quoting=csv.QUOTE_NONE)
    return [(label, sentence) for label, sentence in rows if label in LABELS]


class SeedVotes:
    """Votes of the k most similar seed sentences, as label shares that sum to 1."""

    def __init__(self, embedder: Embedder, k: int = 9) -> None:
        self.embedder = embedder
        self.k = k

    @cached_property
    def _seeds(self) -> tuple[Vectors, np.ndarray]:
        rows = load_seeds()
        vectors = self.embedder.embed([text for _, text in rows])
        labels = np.array([LABELS.index(label) for label, _ in rows])
        return vectors, labels

    def votes(self, vectors: Vectors) -> np.ndarray:
        """Array (n, 4): share of pain, positive, need, neutral among each row's neighbours."""
        seeds, labels = self._seeds
        out = np.zeros((len(vectors), len(LABELS)), dtype=np.float32)
        if not len(vectors):
            return out
        k = min(self.k, len(seeds))
        for start in range(0, len(vectors), 1024):  # bounded blocks: memory stays flat
            similarity = vectors[start : start + 1024] @ seeds.T
            nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            for row, idx in enumerate(nearest):
                weights = np.maximum(similarity[row, idx], 0.0) + 1e-6
                np.add.at(out[start + row], labels[idx], weights)
        return np.asarray(out / out.sum(axis=1, keepdims=True), dtype=np.float32)


def seed_margins(votes: np.ndarray) -> Sequence[float]:
    """positive share minus pain share, per row (-1..+1)."""
    return [float(v[1] - v[0]) for v in votes]
