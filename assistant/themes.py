"""Study-wide themes: observations of one kind grouped by meaning across stages, sources and
languages, before anything is placed in a stage.

Two steps keep it fast and general. Leader clustering (O(n x k)) gathers near-paraphrases into
small groups; average-linkage agglomerative clustering (scipy) then joins those groups
while the quotes of two groups are, on average, clearly more alike than two quotes of the study
picked at random. The bar is relative to the study's own background similarity, so it needs no
tuning per domain or language: a bank's complaints all read alike, airline tweets less so.
Groups whose complaints name different kinds of problem (a code that failed, a fee that
appeared) are a little further apart than their meaning alone says (KIND_CLASH).
Last, quotes left alone (one participant) join the theme they fit best if they fit it at all.
"""

import functools
import hashlib
from collections.abc import Sequence

import numpy as np

from ingest.embeddings import Vectors
from journey.schema import Observation

CLUSTER_THRESHOLD = 0.55
"""Leader clustering: the similarity to a running centroid that joins a cluster."""
MICRO_THRESHOLD = 0.7
"""Leader clustering before agglomeration: near-paraphrases only."""
LINKAGE = 0.1
"""How far above the study's background similarity (towards identical) two groups of quotes
must be, on average, to be one theme: bar = background + LINKAGE x (1 - background)."""
FIT = 0.5
"""A quote left alone joins the theme it is most like when its mean similarity to the theme's
quotes clears background + FIT x LINKAGE x (1 - background): halfway to the joining bar."""
MERGE_WITH = 256
MAX_GROUPS = 3000
"""Agglomeration works on at most this many leader groups (its cost is quadratic in them)."""
TOUCHPOINT_WEIGHT = 0.15
"""How much sharing a touchpoint pulls two quotes together when clustering (0 = not at all)."""
KIND_CLASH = 0.1
"""How much further apart two groups of quotes are, when joining them into themes, for each
share of their quote pairs that name kinds of problem and none in common."""


def theme_vectors(
    observations: Sequence[Observation], vectors: Vectors, rows: Sequence[int] | None = None
) -> Vectors:
    """Sentence meaning plus the touchpoint a quote is about, as unit vectors: a complaint about
    the crew and one about the luggage belt may read alike but are different pain points.
    With `rows`, observation i's meaning is vectors[rows[i]] (read a block at a time, so the
    picked rows are never a copy of their own).

    The touchpoint is a fixed random direction per name (`touchpoint_direction`) added with
    TOUCHPOINT_WEIGHT: two quotes about one touchpoint gain about TOUCHPOINT_WEIGHT² of
    similarity, as a column per touchpoint would give, while the vectors keep their width (a
    column per touchpoint made a 100,000-review map's pains ~290 MB instead of ~200 MB)."""
    dims = vectors.shape[1]
    joined = np.zeros((len(observations), dims), dtype=np.float32)
    for i in range(0, len(observations), BLOCK):
        picked = slice(i, i + BLOCK) if rows is None else list(rows[i : i + BLOCK])
        joined[i : i + BLOCK] = vectors[picked]
    for row, o in enumerate(observations):
        if o.touchpoint:
            joined[row] += TOUCHPOINT_WEIGHT * touchpoint_direction(o.touchpoint, dims)
    for i in range(0, len(joined), BLOCK):
        block = joined[i : i + BLOCK]
        block /= np.maximum(np.linalg.norm(block, axis=1, keepdims=True), 1e-12)
    return joined


@functools.lru_cache(maxsize=4096)
def touchpoint_direction(name: str, dims: int) -> Vectors:
    """A unit vector for a touchpoint name, the same in every run (seeded by the name's hash);
    directions of different names are nearly orthogonal in hundreds of dimensions."""
    seed = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big")
    direction = np.random.default_rng(seed).standard_normal(dims).astype(np.float32)
    direction /= np.linalg.norm(direction)
    direction.flags.writeable = False
    return direction


class _TooMany(Exception):
    """A leader pass passed the clusters it may make (`give_up_past`)."""


def leader_clusters(
    vectors: Vectors,
    threshold: float = CLUSTER_THRESHOLD,
    settle: bool = True,
    give_up_past: int | None = None,
) -> list[list[int]]:
    """Greedy clustering against running centroids, in the given order (deterministic), then
    small clusters folded into the nearest of the largest ones.

    Cost is O(n x k) for n items and k clusters (the fold compares with at most MERGE_WITH
    clusters): repeated content joins existing clusters, so k grows with the variety of what
    people say, not with the number of quotes.
    """
    if not len(vectors):
        return []
    members: list[list[int]] = []
    # Room for the clusters found so far, doubled when full: k grows with the variety of what
    # people say, so rows for every quote (n x d, twice) would be mostly unused.
    sums = np.zeros((min(len(vectors), 1024), vectors.shape[1]), dtype=np.float32)
    centroids = np.zeros_like(sums)
    for i, vector in enumerate(vectors):
        k = len(members)
        if k:
            similarity = centroids[:k] @ vector
            best = int(np.argmax(similarity))
            if similarity[best] >= threshold:
                members[best].append(i)
                sums[best] += vector
                centroids[best] = sums[best] / max(1e-12, float(np.linalg.norm(sums[best])))
                continue
        if give_up_past is not None and k >= give_up_past:
            raise _TooMany
        if k == len(sums):
            more = min(len(sums), len(vectors) - len(sums))
            sums = np.vstack([sums, np.zeros((more, sums.shape[1]), dtype=np.float32)])
            centroids = np.vstack([centroids, np.zeros_like(sums[:more])])
        members.append([i])
        sums[k] = vector
        centroids[k] = vector
    # A centroid of several quotes is a steadier target than the first quote a cluster got:
    # let small clusters join a large one they now fit.
    k = len(members)
    by_size = sorted(range(k), key=lambda c: (-len(members[c]), c))
    anchors = np.array(by_size[:MERGE_WITH])
    merged_into = list(range(k))
    for c in sorted(range(k), key=lambda c: (len(members[c]), c)):
        if len(members[c]) > 2:
            break
        sizes = np.array([len(members[a]) for a in anchors])
        candidates = anchors[sizes > len(members[c])]
        if not len(candidates):
            continue
        similarity = centroids[candidates] @ centroids[c]
        best = int(np.argmax(similarity))
        if similarity[best] >= threshold:
            merged_into[c] = int(candidates[best])
    out: dict[int, list[int]] = {}
    for c in range(k):
        target = c
        while merged_into[target] != target:  # a pair may itself have joined a larger cluster
            target = merged_into[target]
        out.setdefault(target, []).extend(members[c])
    groups = [sorted(group) for _, group in sorted(out.items())]
    return refine(groups, vectors) if settle else groups


LEADER_SAMPLE = 20_000
"""Past this many quotes, fine clusters are found on an even spread of this many and the rest
go to their nearest one: the leader pass is a Python loop of n x k (and k grows with the
corpus), assigning is a matrix product per block. Up to this size nothing changes."""


def micro_clusters(vectors: Vectors, threshold: float) -> list[list[int]]:
    """Fine clusters (leader clusters at `threshold`, coarsened by 0.05 at a time until there
    are at most MAX_GROUPS of them), settled by Lloyd passes (`refine`). Past LEADER_SAMPLE
    rows they are found on an even spread of that many, and every row joins its nearest."""
    if len(vectors) <= LEADER_SAMPLE:
        return refine(_unsettled(vectors, threshold), vectors)
    picked = np.linspace(0, len(vectors) - 1, LEADER_SAMPLE).round().astype(np.int64)
    seeds = _unsettled(vectors[picked], threshold)
    centroids = _centroids([picked[g].tolist() for g in seeds], vectors)
    groups: dict[int, list[int]] = {}
    for i, c in enumerate(_nearest(vectors, centroids)[0].tolist()):
        groups.setdefault(c, []).append(i)
    return refine([groups[c] for c in sorted(groups)], vectors)


def _unsettled(vectors: Vectors, threshold: float) -> list[list[int]]:
    """Leader clusters at the finest threshold (from `threshold` down by 0.05) that makes at
    most MAX_GROUPS of them, not yet settled."""
    while True:
        try:
            # Folding small clusters removes 4-12% of a pass's clusters (measured at 20,000
            # quotes), so a pass past 1.5 x MAX_GROUPS would not end under it: stop it there.
            groups = leader_clusters(
                vectors, threshold, settle=False, give_up_past=3 * MAX_GROUPS // 2
            )
            if len(groups) <= MAX_GROUPS:
                return groups
        except _TooMany:
            pass
        threshold -= 0.05  # very varied corpora: coarser groups first


REFINE_PASSES = 3
BLOCK = 4096
BLOCK_CELLS = 4 * 1024 * 1024
"""Most similarities computed at once (16 MB of float32): rows x clusters per block. Leader
clustering can hold 10,000 clusters before it coarsens, and 4096 rows by those is 160 MB."""


def refine(
    groups: list[list[int]], vectors: Vectors, passes: int = REFINE_PASSES
) -> list[list[int]]:
    """Lloyd passes over leader clusters: every item to its nearest settled centroid.

    The leader pass places an item against the centroids as they stood when it came, so the
    first clusters swallow items before their centres settle and grow into catch-alls; moving
    items to the nearest final centroid undoes that. O(n x k) per pass, in blocks of rows.
    """
    for _ in range(passes):
        if len(groups) < 2:
            break
        nearest = _nearest(vectors, _centroids(groups, vectors))[0]
        moved: dict[int, list[int]] = {}
        for i, c in enumerate(nearest.tolist()):
            moved.setdefault(c, []).append(i)
        regrouped = [moved[c] for c in sorted(moved)]
        if regrouped == groups:
            break
        groups = regrouped
    return groups


def _centroids(groups: Sequence[Sequence[int]], vectors: Vectors) -> Vectors:
    sums = np.vstack([vectors[list(g)].sum(axis=0) for g in groups])
    return np.asarray(
        sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12), dtype=np.float32
    )


def _nearest(vectors: Vectors, targets: Vectors) -> tuple[np.ndarray, np.ndarray]:
    """For each row, the index of the most similar target and that similarity."""
    best: list[np.ndarray] = []
    score: list[np.ndarray] = []
    rows = max(1, min(BLOCK, BLOCK_CELLS // max(1, len(targets))))
    for i in range(0, len(vectors), rows):
        similarity = vectors[i : i + rows] @ targets.T
        best.append(np.argmax(similarity, axis=1))
        score.append(similarity.max(axis=1))
    return np.concatenate(best), np.concatenate(score)


def background(vectors: Vectors) -> float:
    """The mean cosine similarity of two different quotes of the study (O(n): from the sum)."""
    n = len(vectors)
    if n < 2:
        return 0.0
    total = vectors.sum(axis=0)
    return float((total @ total - n) / (n * (n - 1)))


KIN = (frozenset({"hard to find", "too many steps"}),)
"""Kinds of problem that are one problem told two ways, never kept apart: a cancel button no one
finds and a cancelling that takes five screens are both "cancelling is hard"."""


def _clash(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two quotes' kinds of problem keep them apart: both name kinds, none in common
    nor kin (KIN)."""
    if not a or not b or set(a) & set(b):
        return False
    return not any(kin & set(a) and kin & set(b) for kin in KIN)


def _kind_shares(
    groups: list[list[int]], kinds: Sequence[tuple[str, ...]]
) -> tuple[np.ndarray, np.ndarray]:
    """Each group's shares of quotes per set of kinds of problem (k x m), and the same times
    which sets clash (name kinds, and none in common: a code that failed and a fee that
    appeared): row a of the second times row b of the first is the share of the two groups'
    quote pairs that clash. m, the distinct sets, is small: no k x k matrix."""
    sets = sorted(set(kinds))
    index = {s: n for n, s in enumerate(sets)}
    clash = np.array([[float(_clash(a, b)) for b in sets] for a in sets], dtype=np.float64)
    shares = np.zeros((len(groups), len(sets)), dtype=np.float64)
    for g, group in enumerate(groups):
        for i in group:
            shares[g, index[kinds[i]]] += 1.0 / len(group)
    return shares, shares @ clash


def _agglomerate(
    groups: list[list[int]],
    vectors: Vectors,
    bar: float,
    kinds: Sequence[tuple[str, ...]] | None = None,
) -> list[list[int]]:
    """Average-linkage clustering of leader groups: the distance of two groups is one minus
    the mean similarity of their quotes; joining stops at `bar`.

    What scikit-learn's AgglomerativeClustering(metric="precomputed", linkage="average",
    distance_threshold=1 - bar) does (it too hands scipy's linkage the condensed distances and
    undoes the merges at or above the threshold), without its k x k matrices: the condensed
    distances are built a block of rows at a time, so the peak is one k(k-1)/2 vector.

    With `kinds` (the kinds of problem each quote names), two groups are further apart by
    KIND_CLASH x the share of their quote pairs naming different kinds (`_kind_shares`).
    """
    if len(groups) < 2:
        return groups
    from scipy.cluster.hierarchy import linkage  # type: ignore[import-untyped]

    sums = np.vstack([vectors[g].sum(axis=0) for g in groups]).astype(np.float64)
    sizes = np.array([len(g) for g in groups], dtype=np.float64)
    k = len(groups)
    condensed = np.empty(k * (k - 1) // 2, dtype=np.float64)
    at = 0
    shares, clashing = (
        _kind_shares(groups, kinds) if kinds is not None and any(kinds) else (None, None)
    )
    for start in range(0, k - 1, 256):
        block = sums[start : start + 256] @ sums.T
        block /= np.outer(sizes[start : start + 256], sizes)
        np.subtract(1.0, block, out=block)
        np.clip(block, 0.0, None, out=block)
        if shares is not None and clashing is not None:
            block += KIND_CLASH * (clashing[start : start + 256] @ shares.T)
        for row, i in enumerate(range(start, min(start + 256, k - 1))):
            condensed[at : at + k - i - 1] = block[row, i + 1 :]
            at += k - i - 1
    tree = linkage(condensed, method="average")
    del condensed
    kept = int(np.count_nonzero(tree[:, 2] >= 1.0 - bar))  # merges undone, as scikit-learn
    parent = list(range(2 * k - 1))

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for step, (a, b) in enumerate(tree[: k - 1 - kept, :2].astype(int).tolist()):
        parent[root(a)] = parent[root(b)] = k + step
    joined: dict[int, list[int]] = {}
    for index, group in enumerate(groups):
        joined.setdefault(root(index), []).extend(group)
    return [sorted(g) for g in joined.values()]


def group_themes(
    vectors: Vectors,
    people: Sequence[str],
    weak: Sequence[bool] | None = None,
    kinds: Sequence[tuple[str, ...]] | None = None,
) -> list[list[int]]:
    """Themes among unit vectors (one per quote; `people[i]` says who said quote i), each a
    sorted list of row indices, largest reach first. Deterministic for equal inputs.

    Rows marked `weak` (readings too faint to stand on their own) never start a theme: they
    join the theme they are most like if they fit it as a lone quote would, else none.
    `kinds[i]`: the kinds of problem quote i names (`cues.problem_kinds`), which keep groups
    naming different ones apart (`_agglomerate`)."""
    if weak is not None and any(weak):
        strong = [i for i, w in enumerate(weak) if not w]
        faint = [i for i, w in enumerate(weak) if w]
        # the strong rows are usually the first ones (faint readings sort last): then a view
        first = strong == list(range(len(strong)))
        themes = [
            [strong[j] for j in g]
            for g in group_themes(
                vectors[: len(strong)] if first else vectors[strong],
                [people[i] for i in strong],
                kinds=None if kinds is None else [kinds[i] for i in strong],
            )
        ]
        base = background(vectors)
        joined = _attach(themes, faint, vectors, base + FIT * LINKAGE * (1.0 - base))
        joined.sort(key=lambda g: (-len({people[i] for i in g}), -len(g), g[0]))
        return joined
    if not len(vectors):
        return []
    base = background(vectors)
    bar = base + LINKAGE * (1.0 - base)
    groups = micro_clusters(vectors, max(MICRO_THRESHOLD, bar))
    themes = _agglomerate(groups, vectors, bar, kinds)
    fits = base + FIT * LINKAGE * (1.0 - base)
    themes = _fit_loners(themes, vectors, people, fits)
    themes = same_people_merged(themes, vectors, people, fits)
    themes.sort(key=lambda g: (-len({people[i] for i in g}), -len(g), g[0]))
    return themes


SAME_PEOPLE = 0.75
"""The least overlap (Jaccard) of two themes' participants, of 3 people or more each, for
them to be one theme when their quotes are, on average, as alike as a lone quote must be to
its theme (`same_people_merged`)."""


def same_people_merged(
    themes: list[list[int]], vectors: Vectors, people: Sequence[str], bar: float
) -> list[list[int]]:
    """Themes the same people raise that read alike are one: a course study's refund trouble
    came out as two themes of the same 3 participants ("退款这件事让我觉得不踏实" and "课程顾问
    又让我找客服"), each with its recommendation. Two themes join, the most alike pair first,
    while they share SAME_PEOPLE of at least 3 people each and their quotes' mean similarity
    clears `bar`; in a study of many participants that overlap is rare, so it is the small
    studies' guard."""
    out = [list(g) for g in themes]
    while True:
        who = [{people[i] for i in g} for g in out]
        wide = [t for t in range(len(out)) if len(who[t]) >= 3]
        best: tuple[float, int, int] | None = None
        for n, a in enumerate(wide):
            for b in wide[n + 1 :]:
                small, large = sorted((len(who[a]), len(who[b])))
                if small < SAME_PEOPLE * large:  # cannot overlap enough: no set arithmetic
                    continue
                if len(who[a] & who[b]) < SAME_PEOPLE * len(who[a] | who[b]):
                    continue
                alike = float((vectors[out[a]] @ vectors[out[b]].T).mean())
                if alike >= bar and (best is None or alike > best[0]):
                    best = (alike, a, b)
        if best is None:
            return out
        _, a, b = best
        out[a] = sorted(out[a] + out[b])
        del out[b]


def _attach(
    themes: list[list[int]], rows: Sequence[int], vectors: Vectors, bar: float
) -> list[list[int]]:
    """Each of `rows` joins the theme whose quotes it is most like, on average, if that
    clears `bar`; rows that fit none are left out."""
    if not themes or not len(rows):
        return themes
    out = [list(g) for g in themes]
    sums = np.vstack([vectors[g].sum(axis=0) for g in themes])
    sizes = np.array([len(g) for g in themes], dtype=np.float32)
    means = np.asarray(sums / sizes[:, None], dtype=np.float32)
    best, score = _nearest(vectors[list(rows)], means)
    for row, theme, fit in zip(rows, best.tolist(), score.tolist(), strict=True):
        if fit >= bar:
            out[theme].append(row)
    return [sorted(g) for g in out]


def _fit_loners(
    themes: list[list[int]], vectors: Vectors, people: Sequence[str], bar: float
) -> list[list[int]]:
    """Quotes of themes only one participant voices join the theme of several participants
    whose quotes they are most like, on average, if that clears `bar`."""
    shared = [g for g in themes if len({people[i] for i in g}) > 1]
    alone = [g for g in themes if len({people[i] for i in g}) <= 1]
    if not shared or not alone:
        return themes
    sums = np.vstack([vectors[g].sum(axis=0) for g in shared])
    sizes = np.array([len(g) for g in shared], dtype=np.float32)
    out = [list(g) for g in shared]
    rest: list[list[int]] = []
    for group in alone:
        mean_similarity = (vectors[group] @ sums.T) / sizes
        score = mean_similarity.mean(axis=0)
        best = int(np.argmax(score))
        if score[best] >= bar:
            out[best].extend(group)
        else:
            rest.append(group)
    return [sorted(g) for g in out] + rest
