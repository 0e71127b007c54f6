"""journeymap's own texts (seed sentences, preset stages, touchpoint examples) are embedded
once and kept on disk: a new process reads them back instead of embedding them again, and a
damaged or stale file is embedded again, never trusted."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest import embeddings
from ingest.embeddings import Vectors, library_vectors

TEXTS = ["Pricing: what it costs", "Support: reaching a person", "the checkout page"]


class CountingFake:
    """A deterministic embedder at our own seam, counting what it is asked to embed."""

    dimensions = 8

    def __init__(self, cache_dir: Path | None, name: str = "fake") -> None:
        self.cache_dir, self.name = cache_dir, name
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        rows = [np.random.default_rng(sum(map(ord, t))).random(self.dimensions) for t in texts]
        return np.asarray(rows, dtype=np.float32)


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts as a new process would: nothing kept in memory."""
    monkeypatch.setattr(embeddings, "_LIBRARY", {})


def test_vectors_are_kept_on_disk_and_read_back_by_a_new_process(tmp_path: Path) -> None:
    first = CountingFake(tmp_path)
    vectors = library_vectors(first, TEXTS)
    assert first.texts == TEXTS
    assert len(list(tmp_path.glob("fake-8-*.npy"))) == 1
    assert not vectors.flags.writeable  # shared: nobody may change them in place

    embeddings._LIBRARY.clear()  # a new process
    second = CountingFake(tmp_path)
    again = library_vectors(second, TEXTS)
    assert second.texts == []
    np.testing.assert_array_equal(again, vectors)


def test_same_process_embeds_once_even_without_a_folder() -> None:
    fake = CountingFake(None)
    library_vectors(fake, TEXTS)
    library_vectors(fake, TEXTS)
    assert fake.texts == TEXTS


def test_other_texts_or_model_get_their_own_vectors(tmp_path: Path) -> None:
    fake = CountingFake(tmp_path)
    library_vectors(fake, TEXTS)
    library_vectors(fake, [*TEXTS, "one more"])
    library_vectors(CountingFake(tmp_path, name="other"), TEXTS)
    assert len(list(tmp_path.glob("*.npy"))) == 3


@pytest.mark.parametrize(
    "damage",
    [
        lambda p: p.write_bytes(b"not a numpy file"),
        lambda p: np.save(p, np.zeros((2, 8), dtype=np.float32)),  # wrong shape
        lambda p: np.save(p, np.zeros((3, 8), dtype=np.float64)),  # wrong type
        lambda p: p.write_bytes(p.read_bytes()[:40]),  # cut short
    ],
)
def test_a_damaged_file_is_embedded_again_and_rewritten(tmp_path: Path, damage) -> None:
    expected = library_vectors(CountingFake(tmp_path), TEXTS)
    (path,) = tmp_path.glob("*.npy")
    damage(path)

    embeddings._LIBRARY.clear()
    fake = CountingFake(tmp_path)
    vectors = library_vectors(fake, TEXTS)
    assert fake.texts == TEXTS
    np.testing.assert_array_equal(vectors, expected)
    np.testing.assert_array_equal(np.load(path), expected)
    assert not list(tmp_path.glob("*.part"))


def test_an_unwritable_folder_costs_time_not_the_answer(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x")
    fake = CountingFake(blocked / "vectors")
    assert library_vectors(fake, TEXTS).shape == (3, 8)
