"""Theme clustering keeps its results while it keeps its memory to what it uses."""

import numpy as np
import pytest
from sklearn.cluster import AgglomerativeClustering

from assistant import themes
from assistant.themes import _agglomerate, leader_clusters


def _quotes(seed: int, n: int, topics: int, spread: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(topics, 32))
    v = centers[rng.integers(0, topics, n)] + rng.normal(scale=spread, size=(n, 32))
    return np.asarray(v / np.linalg.norm(v, axis=1, keepdims=True), dtype=np.float32)


def _scikit_learn(
    groups: list[list[int]],
    vectors: np.ndarray,
    bar: float,
    kinds: list[tuple[str, ...]] | None = None,
) -> list[list[int]]:
    """The agglomeration as scikit-learn computes it, from the full k x k distance matrix
    (with `kinds`, each pair of quotes naming kinds and none in common adds KIND_CLASH)."""
    sums = np.vstack([vectors[g].sum(axis=0) for g in groups]).astype(np.float64)
    sizes = np.array([len(g) for g in groups], dtype=np.float64)
    distance = np.clip(1.0 - (sums @ sums.T) / np.outer(sizes, sizes), 0.0, None)
    if kinds is not None:
        clash = [
            [
                sum(
                    bool(kinds[i] and kinds[j] and not set(kinds[i]) & set(kinds[j]))
                    and {"hard to find", "too many steps"} - set(kinds[i]) - set(kinds[j]) != set()
                    for i in a
                    for j in b
                )
                / (len(a) * len(b))
                for b in groups
            ]
            for a in groups
        ]
        distance += themes.KIND_CLASH * np.array(clash)
    np.fill_diagonal(distance, 0.0)
    labels = AgglomerativeClustering(
        n_clusters=None, metric="precomputed", linkage="average", distance_threshold=1.0 - bar
    ).fit_predict(distance)
    joined: dict[int, list[int]] = {}
    for group, label in zip(groups, labels.tolist(), strict=True):
        joined.setdefault(label, []).extend(group)
    return [sorted(g) for g in joined.values()]


@pytest.mark.parametrize("seed", range(6))
def test_agglomeration_joins_the_same_groups_as_scikit_learns_average_linkage(seed: int):
    vectors = _quotes(seed, n=700, topics=12, spread=0.6 + 0.15 * seed)
    groups = leader_clusters(vectors, 0.9)
    bar = 0.05 + 0.1 * seed
    assert len(groups) > 300, "enough groups that several blocks of rows are built"
    assert _agglomerate(groups, vectors, bar) == _scikit_learn(groups, vectors, bar)


def test_with_kinds_of_problem_the_agglomeration_adds_their_clash_to_every_distance():
    vectors = _quotes(1, n=400, topics=8, spread=0.8)
    groups = leader_clusters(vectors, 0.9)
    rng = np.random.default_rng(1)
    names = [
        (),
        ("failure",),
        ("hidden cost",),
        ("waiting",),
        ("failure", "no human"),
        ("hard to find",),
        ("too many steps",),
    ]
    kinds = [names[k] for k in rng.integers(0, len(names), len(vectors)).tolist()]
    for bar in (0.1, 0.2, 0.3):
        assert _agglomerate(groups, vectors, bar, kinds) == _scikit_learn(
            groups, vectors, bar, kinds
        )


def test_complaints_alike_in_meaning_stay_apart_when_they_name_different_kinds_of_problem():
    """'The code said invalid' and 'a delivery fee appeared' read alike (both about paying)."""
    a = np.array([1.0, 0.0], dtype=np.float32)
    b = np.array([0.6, 0.8], dtype=np.float32)  # 0.6 alike: within a bar of 0.58
    vectors = np.vstack([a] * 5 + [b] * 5)
    groups = [list(range(5)), list(range(5, 10))]
    failed, fee = [("failure",)] * 5, [("hidden cost",)] * 5
    assert len(_agglomerate(groups, vectors, 0.58)) == 1
    assert len(_agglomerate(groups, vectors, 0.58, failed + fee)) == 2
    assert len(_agglomerate(groups, vectors, 0.58, failed + failed)) == 1
    assert len(_agglomerate(groups, vectors, 0.58, failed + [()] * 5)) == 1


def test_kin_kinds_of_problem_are_not_kept_apart():
    """A cancel button no one finds and a cancelling that takes five screens are one problem."""
    a = np.array([1.0, 0.0], dtype=np.float32)
    b = np.array([0.6, 0.8], dtype=np.float32)
    vectors = np.vstack([a] * 5 + [b] * 5)
    groups = [list(range(5)), list(range(5, 10))]
    hidden, steps = [("hard to find",)] * 5, [("too many steps",)] * 5
    assert len(_agglomerate(groups, vectors, 0.58, hidden + steps)) == 1
    assert len(_agglomerate(groups, vectors, 0.58, [("failure",)] * 5 + steps)) == 2


def test_leader_clusters_grow_past_their_first_room_and_keep_every_quote():
    vectors = _quotes(0, n=3000, topics=3000, spread=0.01)  # nearly every quote its own cluster
    groups = leader_clusters(vectors, 0.99)
    assert len(groups) > 1024
    assert sorted(i for g in groups for i in g) == list(range(3000))


def test_past_the_sample_size_clusters_come_from_a_spread_of_rows_and_every_quote_is_placed(
    monkeypatch: pytest.MonkeyPatch,
):
    rng = np.random.default_rng(7)
    topic = rng.integers(0, 6, 2000)
    centers = rng.normal(size=(6, 32))
    v = centers[topic] + rng.normal(scale=0.15, size=(2000, 32))
    vectors = np.asarray(v / np.linalg.norm(v, axis=1, keepdims=True), dtype=np.float32)
    monkeypatch.setattr(themes, "LEADER_SAMPLE", 300)
    groups = themes.micro_clusters(vectors, 0.8)
    assert sorted(i for g in groups for i in g) == list(range(2000))
    assert groups == themes.micro_clusters(vectors, 0.8), "deterministic"
    # each planted topic is one cluster, as the exact pass finds it
    assert sorted(sorted({int(topic[i]) for i in g}) for g in groups) == [[t] for t in range(6)]


def test_a_pass_that_makes_far_too_many_clusters_is_stopped_without_changing_the_result(
    monkeypatch: pytest.MonkeyPatch,
):
    vectors = _quotes(3, n=1500, topics=400, spread=0.3)
    monkeypatch.setattr(themes, "MAX_GROUPS", 120)
    threshold, groups = 0.9, leader_clusters(vectors, 0.9, settle=False)
    while len(groups) > 120:  # every pass run to its end, as before
        threshold -= 0.05
        groups = leader_clusters(vectors, threshold, settle=False)
    assert threshold < 0.85, "several passes were too fine"
    assert themes.micro_clusters(vectors, 0.9) == themes.refine(groups, vectors)
