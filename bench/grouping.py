"""Theme grouping alone, in seconds: the extracted quotes of each set are read once and kept,
then only `synthesis.theme_groups` runs and is scored. For trying a change to the grouping
(`assistant/themes.py`) on the written studies (sample, gym, banking), airline and CFPB at
once before building any map.

Scores, per set: harmonic purity and AMI (chance-corrected, `bench.themes.chance_corrected`)
of the pain segments against their labels (every labelled pain quote counts; one in no theme
is a theme of its own, as `bench.themes` counts them), the largest theme, and the labels that
are most (> 50%) of one of the 15 widest themes; then two baselines to read them by: one theme
of everything, and k-means on the same vectors with as many themes. The studies' labels are
the planted themes' keywords (`bench.themes.planted_label`). Figures differ a little from
`bench.themes`, which scores whole maps (titles and cohesion drop some themes there); a change
worth keeping shows on both.

    .venv/bin/python -m bench.grouping [--only SET] [--refresh]

SET: sample, gym, banking, broadband, delivery (the written studies), airline or cfpb.

The extractions are kept in .cache/bench/ (a minute to build for all three); --refresh
re-reads them after a change to how sentences are read (readings, cues, the local reader).
"""

import argparse
import pickle
import time
from collections import Counter
from pathlib import Path

import numpy as np

from assistant.mapping import extract_observations
from assistant.synthesis import SEED_STRENGTH, theme_groups
from assistant.themes import theme_vectors
from bench._eval import embedder, ingest, negative_tweets, workspace
from bench.themes import (
    STUDIES,
    cfpb_complaints,
    chance_corrected,
    harmonic_purity,
    planted_label,
    planted_themes,
    reviews_workspace,
)
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, find_files
from journey.schema import Observation, ObservationKind, participant_key

CACHE = Path(__file__).resolve().parents[1] / ".cache/bench"
SETS = (*STUDIES, "airline", "cfpb")
Extracted = tuple[list[Observation], np.ndarray, list[str | None]]


def _reviews(model: UsemEmbedder, rows: list[tuple[str, str]], project: str) -> Extracted:
    with reviews_workspace(model, rows, project) as ws:
        ex = extract_observations(ws, project)
        return list(ex.observations), np.asarray(ex.vectors), []


def _row_labels(observations: list[Observation], label_of: dict[str, str]) -> list[str | None]:
    return [label_of.get(o.evidence.source_path.rsplit("#", 1)[-1]) for o in observations]


def extract(name: str, model: UsemEmbedder) -> Extracted:
    """The set's observations, their sentence vectors and each one's label (None: none)."""
    if name == "airline":
        tweets, _ = negative_tweets(2000, 0)
        obs, vectors, _ = _reviews(model, [(t.id, t.text) for t in tweets], "airline")
        return obs, vectors, _row_labels(obs, {t.id: t.reason for t in tweets})
    if name == "cfpb":
        rows = cfpb_complaints()
        obs, vectors, _ = _reviews(model, [(r[0], r[1]) for r in rows], "cfpb")
        return obs, vectors, _row_labels(obs, {r[0]: r[2] for r in rows})
    study = STUDIES[name]
    themes, _ = planted_themes(study.planted)
    with workspace(model) as ws:
        files, _ = find_files([study.folder / "interviews", study.folder / "reviews"])
        ingest(ws, study.name, files, IngestOptions())
        ex = extract_observations(ws, study.name)
        obs, vectors = list(ex.observations), np.asarray(ex.vectors)
    labels = [
        planted_label(
            {
                "source_path": o.evidence.source_path,
                "quote": o.evidence.quote,
                "kind": o.kind.value,
            },
            themes,
        )
        for o in obs
    ]
    return obs, vectors, labels


def extracted(name: str, refresh: bool, model: UsemEmbedder | None) -> Extracted:
    path = CACHE / f"grouping-{name}.pkl"
    if path.exists() and not refresh:
        with path.open("rb") as f:
            kept: Extracted = pickle.load(f)
        return kept
    out = extract(name, model or embedder())
    CACHE.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(out, f)
    return out


def score(name: str, data: Extracted) -> str:
    observations, vectors, labels = data
    start = time.perf_counter()
    groups = theme_groups(observations, vectors, SEED_STRENGTH)
    seconds = time.perf_counter() - start
    theme_of = {i: t for t, g in enumerate(groups) for i in g}
    pains = [
        i
        for i, o in enumerate(observations)
        if o.kind is ObservationKind.pain_point and labels[i] is not None
    ]
    pairs = [(str(theme_of.get(i, f"alone {i}")), str(labels[i])) for i in pains]
    _, _, harmonic = harmonic_purity(pairs)
    ami, one_theme = chance_corrected(pairs)
    kmeans = kmeans_baseline(observations, vectors, pains, [str(labels[i]) for i in pains], pairs)
    sizes = Counter(theme for theme, _ in pairs)
    widest = sorted(
        (g for g in groups if observations[g[0]].kind is ObservationKind.pain_point),
        key=lambda g: -len({participant_key(observations[i].evidence) for i in g}),
    )[:15]
    covered = set()
    for g in widest:
        counted = Counter(labels[i] for i in g if labels[i] is not None)
        if counted:
            label, n = counted.most_common(1)[0]
            if 2 * n > sum(counted.values()):
                covered.add(label)
    return (
        f"{name:8s} harmonic {harmonic:.3f}  AMI {ami:.3f}  largest theme "
        f"{max(sizes.values())}/{len(pairs)}  labels most of a top-15 theme {len(covered)}  "
        f"grouping {seconds:.1f} s\n"
        f"{'':8s} baselines: one theme harmonic {one_theme:.3f} (AMI 0); k-means with as many "
        f"themes ({len(sizes)}) harmonic {kmeans[0]:.3f}, AMI {kmeans[1]:.3f}"
    )


def kmeans_baseline(
    observations: list[Observation],
    vectors: np.ndarray,
    rows: list[int],
    labels: list[str],
    pairs: list[tuple[str, str]],
) -> tuple[float, float]:
    """(harmonic purity, AMI) of k-means on the same theme vectors of the pain quotes, with as
    many clusters as the grouping made themes of `rows` (a quote alone counts as a theme): the
    figure at equal granularity, since harmonic purity moves with the number of themes."""
    from sklearn.cluster import KMeans

    pain = [i for i, o in enumerate(observations) if o.kind is ObservationKind.pain_point]
    at = {i: n for n, i in enumerate(pain)}
    unit = theme_vectors([observations[i] for i in pain], vectors, pain)
    k = min(len({theme for theme, _ in pairs}), len(pain))
    found = KMeans(k, n_init=1, random_state=0).fit(unit).labels_
    baseline = [(str(found[at[i]]), label) for i, label in zip(rows, labels, strict=True)]
    return harmonic_purity(baseline)[2], chance_corrected(baseline)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=SETS)
    parser.add_argument("--refresh", action="store_true", help="read the sets' quotes again")
    args = parser.parse_args()
    model = embedder() if args.refresh else None
    for name in SETS:
        if args.only in (None, name):
            print(score(name, extracted(name, args.refresh, model)), flush=True)


if __name__ == "__main__":
    main()
