"""Extraction and map quality against human labels in ../shared/eval_data.

(a) SERDIF usability interviews: span-overlap recall and labelled precision of extracted
    pain points and delights against the human thematic-analysis codes
    (targets: recall >= 0.6, labelled precision >= 0.7).
(b) Twitter US airline tweets (negative, with a concrete reason): do the map's top pain points
    separate the 9 crowd-labelled reasons? (targets: >= 7 of 9 reasons, purity >= 0.6).
(c) Chinese reviews (ASAP sample, 5 stars vs 1-2): how well the offline Chinese reading orders
    praise above complaint, as AUC (0.5 = chance) of the whole review's polarity and of its
    sentences' readings (delights minus pain points).
(d) English review sentences (SemEval 2015 laptop and restaurant reviews, mapped whole): of the
    sentences people labelled only positive, the share the map reads as a pain point, and of
    those labelled only negative, the share it reads as a delight (both: lower is better).

    .venv/bin/python -m bench.quality [--only serdif|twitter|asap|reviews] [--tweets 2000]
        [--top 20]
        [--ceiling]
"""

import argparse
import random
import statistics
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from assistant.mapping import build_map, extract_observations
from bench._eval import (
    ALL_CODES,
    PAIN_CODES,
    POSITIVE_CODES,
    Highlight,
    embedder,
    ingest,
    negative_tweets,
    read_text,
    serdif_highlights,
    serdif_transcripts,
    workspace,
    write_tweets,
)
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions
from journey.schema import Observation, ObservationKind, PainPoint
from journey.source import SourceKind

PAIN, DELIGHT = ObservationKind.pain_point, ObservationKind.delight
MODERATOR = "Moderator assist"
KINDS = tuple(ObservationKind)
TARGET_RECALL, TARGET_PRECISION = 0.6, 0.7
TARGET_REASONS, TARGET_PURITY = 7, 0.6


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _cut(text: str, limit: int = 150) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


# ---------------------------------------------------------------- SERDIF


@dataclass
class _Class:
    """One observation kind scored against one class of human codes."""

    name: str
    kind: ObservationKind
    coded: Callable[[Highlight], bool]
    group: str
    """The code group's name: pain or positive."""


def _links(
    highlights: Sequence[Highlight], observations: Sequence[Observation]
) -> tuple[list[list[int]], list[list[int]]]:
    """For each highlight the observations overlapping it, and for each observation the
    highlights it overlaps (same transcript, any character in common)."""
    by_file: defaultdict[str, list[int]] = defaultdict(list)
    for i, o in enumerate(observations):
        by_file[Path(o.evidence.source_path).name].append(i)
    of_highlight: list[list[int]] = [[] for _ in highlights]
    of_observation: list[list[int]] = [[] for _ in observations]
    for h, hl in enumerate(highlights):
        for i in by_file.get(hl.file, []):
            e = observations[i].evidence
            if _overlaps(hl.start, hl.end, e.char_start, e.char_end):
                of_highlight[h].append(i)
                of_observation[i].append(h)
    return of_highlight, of_observation


@dataclass
class _Matched:
    """Which coded quotes and which flagged spans match, for one class of codes."""

    coded: list[int]
    """Highlights of the class."""
    found: list[int]
    """Those overlapped by a flagged span."""
    labelled: list[int]
    """Flagged spans overlapping any coded quote."""
    hits: list[int]
    """Those overlapping a quote of the class."""

    @property
    def recall(self) -> float:
        return _share(len(self.found), len(self.coded))

    @property
    def precision(self) -> float:
        return _share(len(self.hits), len(self.labelled))


def _match(
    coded: Callable[[Highlight], bool],
    flagged: Sequence[bool],
    highlights: Sequence[Highlight],
    of_highlight: Sequence[Sequence[int]],
    of_observation: Sequence[Sequence[int]],
) -> _Matched:
    """Quote recall and labelled precision of the observations `flagged` (e.g. pain points)."""
    quotes = [h for h, hl in enumerate(highlights) if coded(hl)]
    labelled = [i for i, f in enumerate(flagged) if f and of_observation[i]]
    return _Matched(
        coded=quotes,
        found=[h for h in quotes if any(flagged[i] for i in of_highlight[h])],
        labelled=labelled,
        hits=[i for i in labelled if any(coded(highlights[h]) for h in of_observation[i])],
    )


def _score(
    cls: _Class,
    highlights: Sequence[Highlight],
    observations: Sequence[Observation],
    of_highlight: Sequence[Sequence[int]],
    of_observation: Sequence[Sequence[int]],
) -> dict[str, float]:
    flagged = [o.kind is cls.kind for o in observations]
    m = _match(cls.coded, flagged, highlights, of_highlight, of_observation)
    coded, found, labelled, hits = m.coded, m.found, m.labelled, m.hits
    spans = sum(flagged)
    majority = [
        i
        for i in labelled
        if sum(cls.coded(highlights[h]) for h in of_observation[i]) * 2 > len(of_observation[i])
    ]
    every = [i for i in labelled if all(cls.coded(highlights[h]) for h in of_observation[i])]
    recall, precision = m.recall, m.precision
    print(
        f"{cls.name:8s} recall    {recall:.3f}  ({len(found)}/{len(coded)} {cls.group}-coded "
        f"quotes overlapped by a {cls.kind.value} span)"
    )
    print(
        f"{cls.name:8s} precision {precision:.3f}  ({len(hits)}/{len(labelled)} {cls.kind.value} "
        f"spans overlapping a coded quote overlap a {cls.group}-coded one; "
        f"{spans - len(labelled)} more overlap no coded quote)"
    )
    if cls.kind is PAIN:  # moderator lines: the extractor reads participant turns only
        reachable = [
            h for h in coded if {t for t in highlights[h].tags if t in PAIN_CODES} != {MODERATOR}
        ]
        hit = sum(h in set(found) for h in reachable)
        print(
            f"{'':8s} recall without quotes whose only pain code is {MODERATOR!r}: "
            f"{_share(hit, len(reachable)):.3f} ({hit}/{len(reachable)})"
        )
    print(
        f"{'':8s} stricter: majority of overlapped quotes {cls.group}-coded "
        f"{_share(len(majority), len(labelled)):.3f}, all of them "
        f"{_share(len(every), len(labelled)):.3f}"
    )
    return {"recall": recall, "precision": precision}


def _confusion(
    highlights: Sequence[Highlight],
    observations: Sequence[Observation],
    of_highlight: Sequence[Sequence[int]],
) -> None:
    print(
        "\nper code: share of its quotes overlapped by at least one extracted span of each kind "
        "(a quote can be hit by several kinds; 'none' = no span at all)"
    )
    heads = ["pain", "delight", "need", "action", "neutral", "none"]
    print(f"  {'code':42s} {'group':5s} {'n':>4s} " + " ".join(f"{h:>7s}" for h in heads))
    for code in ALL_CODES:
        idx = [h for h, hl in enumerate(highlights) if code in hl.tags]
        group = "pos" if code in POSITIVE_CODES else "pain" if code in PAIN_CODES else "sugg"
        kinds = [{observations[i].kind for i in of_highlight[h]} for h in idx]
        cells = [_share(sum(k in ks for ks in kinds), len(idx)) for k in KINDS]
        cells.append(_share(sum(not ks for ks in kinds), len(idx)))
        print(f"  {code[:42]:42s} {group:5s} {len(idx):4d} " + " ".join(f"{c:7.2f}" for c in cells))


def _examples(
    highlights: Sequence[Highlight],
    observations: Sequence[Observation],
    of_highlight: Sequence[Sequence[int]],
    of_observation: Sequence[Sequence[int]],
    n: int = 8,
) -> None:
    rng = random.Random(0)
    misses = [
        h
        for h, hl in enumerate(highlights)
        if hl.pain and not any(observations[i].kind is PAIN for i in of_highlight[h])
    ]
    print(f"\n{n} example misses (pain-coded quotes no pain_point span overlaps; of {len(misses)})")
    for h in sorted(rng.sample(misses, min(n, len(misses)))):
        hl = highlights[h]
        kinds = Counter(observations[i].kind.value for i in of_highlight[h])
        got = ", ".join(f"{k} x{c}" for k, c in kinds.most_common()) or "no span"
        print(f"  - {hl.file}:{hl.start} [{'; '.join(sorted(hl.tags))}] -> {got}")
        print(f"      “{_cut(hl.content)}”")
    false = [
        i
        for i, o in enumerate(observations)
        if o.kind is PAIN
        and of_observation[i]
        and all(highlights[h].positive and not highlights[h].pain for h in of_observation[i])
    ]
    print(
        f"\n{n} example false pains (pain_point spans overlapping only positive-coded quotes; "
        f"of {len(false)})"
    )
    for i in sorted(rng.sample(false, min(n, len(false)))):
        e = observations[i].evidence
        tags = sorted({t for h in of_observation[i] for t in highlights[h].tags})
        print(
            f"  - {Path(e.source_path).name}:{e.char_start} [{'; '.join(tags)}] "
            f"stage={observations[i].stage} severity={observations[i].severity}"
        )
        print(f"      “{_cut(e.quote)}”")


CEILING_SHARES = (0.2, 0.3, 0.4)


def _ceiling(
    observations: Sequence[Observation],
    vectors: np.ndarray,
    highlights: Sequence[Highlight],
    of_highlight: Sequence[Sequence[int]],
    of_observation: Sequence[Sequence[int]],
) -> None:
    """How far sentence-level reading can go on these labels: a logistic regression on the same
    sentence embeddings, trained on the human codes of the other transcripts (leave one
    transcript out), flagging the top share of each held-out transcript's sentences as pain.
    A diagnostic of the target, never shipped (it learns from the evaluation labels)."""
    files = np.array([Path(o.evidence.source_path).name for o in observations])
    labelled = np.array([bool(h) for h in of_observation])
    pain = np.array(
        [
            any(highlights[h].pain for h in hs) and not any(highlights[h].positive for h in hs)
            for hs in of_observation
        ],
        dtype=np.float64,
    )
    x = np.asarray(vectors, dtype=np.float64)
    score = np.zeros(len(observations))
    for held_out in sorted(set(files)):
        train = (files != held_out) & labelled
        w, b = np.zeros(x.shape[1]), 0.0
        for _ in range(300):  # plain gradient descent from zero: deterministic
            error = 1 / (1 + np.exp(-(x[train] @ w + b))) - pain[train]
            w -= x[train].T @ error / train.sum() + 1e-2 * w
            b -= float(error.mean())
        score[files == held_out] = x[files == held_out] @ w + b
    ours = sum(o.kind is PAIN for o in observations) / max(1, len(observations))
    print(
        "\nceiling check (leave-one-transcript-out logistic regression on the same embeddings, "
        f"trained on the human codes; ours flags {ours:.0%} of sentences as pain):"
    )
    for share in (*CEILING_SHARES, round(ours, 2)):
        flagged = score >= np.quantile(score, 1 - share)
        m = _match(lambda h: h.pain, flagged, highlights, of_highlight, of_observation)
        print(
            f"  top {share:.0%} of sentences as pain: "
            f"recall {m.recall:.3f}, precision {m.precision:.3f}"
        )


def run_serdif(model: UsemEmbedder, ceiling: bool = False) -> dict[str, float]:
    print("== (a) SERDIF usability interviews: extracted spans vs human codes ==")
    files = serdif_transcripts()
    highlights, check = serdif_highlights()
    print(
        f"human offsets: {check.exact}/{check.rows} rows exact "
        f"({_share(check.exact, check.rows):.1%}), {check.normalised} more after whitespace "
        f"normalisation ({_share(check.exact + check.normalised, check.rows):.1%} trusted); "
        f"unknown tags: {dict(check.unknown_tags) or 'none'}"
    )
    with workspace(model) as ws:
        _, ingest_s = ingest(ws, "serdif", files, IngestOptions(kind=SourceKind.interview))
        start = time.perf_counter()
        ex = extract_observations(ws, "serdif")
        extract_s = time.perf_counter() - start
    observations = ex.observations
    texts = {f.name: read_text(f) for f in files}
    same = sum(
        texts[Path(o.evidence.source_path).name][o.evidence.char_start : o.evidence.char_end]
        == o.evidence.quote
        for o in observations
    )
    print(
        f"corpus: {len(files)} transcripts; {ex.sentences} participant sentences; "
        f"{len(observations)} grounded observations ({ex.rejected} rejected, "
        f"{ex.relocated} relocated); stages from {ex.stage_origin}; extractor {ex.extractor}"
    )
    print(
        f"extracted quotes equal to the transcript text at their offsets: "
        f"{same}/{len(observations)} ({_share(same, len(observations)):.1%})"
    )
    kinds = Counter(o.kind.value for o in observations)
    print("extracted spans per kind: " + ", ".join(f"{k.value} {kinds[k.value]}" for k in KINDS))
    pos = sum(h.positive for h in highlights)
    pain = sum(h.pain for h in highlights)
    both = sum(h.positive and h.pain for h in highlights)
    neither = sum(not h.positive and not h.pain for h in highlights)
    print(
        f"human quotes (distinct highlights): {len(highlights)}; pain-coded {pain}, "
        f"positive-coded {pos} ({both} both), suggestion-only {neither}"
    )
    of_highlight, of_observation = _links(highlights, observations)
    print(
        f"quotes overlapped by any extracted span: "
        f"{sum(bool(x) for x in of_highlight)}/{len(highlights)}; extracted spans overlapping "
        f"any quote: {sum(bool(x) for x in of_observation)}/{len(observations)}\n"
    )
    pain_cls = _Class("pain", PAIN, lambda h: h.pain, "pain")
    joy_cls = _Class("delight", DELIGHT, lambda h: h.positive, "positive")
    scores = {}
    for cls in (pain_cls, joy_cls):
        for key, value in _score(
            cls, highlights, observations, of_highlight, of_observation
        ).items():
            scores[f"{cls.name}_{key}"] = value
    _confusion(highlights, observations, of_highlight)
    _examples(highlights, observations, of_highlight, of_observation)
    if ceiling:
        _ceiling(observations, ex.vectors, highlights, of_highlight, of_observation)
    print(f"\nSERDIF time: ingest {ingest_s:.1f} s, extract_observations {extract_s:.1f} s")
    scores["seconds"] = ingest_s + extract_s
    return scores


# ---------------------------------------------------------------- Twitter


def run_twitter(model: UsemEmbedder, n: int, top: int) -> dict[str, float]:
    print("== (b) Twitter US airline: do the top pain points separate the negative reasons? ==")
    tweets, eligible = negative_tweets(n)
    reason_of = {t.id: t.reason for t in tweets}
    mix = Counter(t.reason for t in tweets)
    print(
        f"tweets: {len(tweets)} of {eligible} negative tweets with a concrete reason "
        f"(text_deartifacted; {'all' if n <= 0 else 'stratified sample, random.Random(0)'})"
    )
    print("  reasons: " + ", ".join(f"{r} {c}" for r, c in mix.most_common()))
    with tempfile.TemporaryDirectory() as tmp, workspace(model) as ws:
        table = Path(tmp) / "tweets.csv"
        write_tweets(tweets, table)
        options = IngestOptions(kind=SourceKind.review, text_column="text", id_column="tweet_id")
        report, ingest_s = ingest(ws, "tweets", [table], options)
        start = time.perf_counter()
        members: dict[str, list[Observation]] = {}
        jmap = build_map(ws, "tweets", members=members)
        map_s = time.perf_counter() - start
        ex = extract_observations(ws, "tweets")

    def reason(e: Any) -> str | None:
        return reason_of.get(e.source_path.rsplit("#", 1)[-1])

    pains = [o for o in ex.observations if o.kind is PAIN] if ex else []
    print(
        f"ingested {len(report.added)} sources ({report.unchanged} rows repeated an earlier "
        f"tweet and were skipped as unchanged); map: {jmap.stats.sentences} sentences, "
        f"{jmap.stats.observations} observations"
        + (
            f", {len(pains)} pain observations from "
            f"{len({o.evidence.source_id for o in pains})} tweets"
            if ex
            else ""
        )
    )
    everything: list[tuple[int, PainPoint]] = []
    for stage in jmap.stages:
        everything += [(stage.order, p) for p in stage.pain_points]
        print(f"  stage {stage.order} {stage.name}: {len(stage.pain_points)} pain points")
    everything.sort(key=lambda sp: (-sp[1].participants, sp[0], sp[1].id))
    chosen = everything[:top] if top > 0 else everything
    exact = sum(p.id in members for _, p in chosen)
    print(
        f"pain points in the map: {len(everything)}; scoring the top {len(chosen)} by participants"
    )
    print(
        f"reason shares over whole clusters (every observation of the cluster) for {exact} of "
        f"{len(chosen)}; the other {len(chosen) - exact} over their <= 5 evidence quotes"
    )
    by_stage = {s.order: s.name for s in jmap.stages}
    rows = []
    for order, pp in chosen:
        evidence = [o.evidence for o in members[pp.id]] if pp.id in members else pp.evidence
        counts = Counter(reason(e) or "?" for e in evidence)
        major, count = counts.most_common(1)[0]
        rows.append((order, pp, len(evidence), major, count / len(evidence), pp.id in members))
    print(
        f"\n  {'#':>2s} {'title':44s} {'stage':14s} {'ppl':>4s} {'n':>4s} "
        f"{'majority reason':28s} share"
    )
    for rank, (order, pp, size, major, share, whole) in enumerate(rows, start=1):
        print(
            f"  {rank:2d} {_cut(pp.title, 44):44s} {by_stage[order][:14]:14s} "
            f"{pp.participants:4d} {size:4d}{'' if whole else '*'} {major:28s} {share:.2f}"
        )
    print("  (ppl = participants, n = pain quotes scored; * = the evidence quotes only)")
    covered = sorted({major for _, _, _, major, share, _ in rows if share > 0.5} - {"?"})
    purity = statistics.fmean(r[4] for r in rows) if rows else 0.0
    missing = [r for r in mix if r not in covered]
    print(
        f"\nreasons covered (a top pain point with > 50% of its quotes on it): "
        f"{len(covered)} of 9: {', '.join(covered) or '-'}"
    )
    print(f"  not covered: {', '.join(missing) or '-'}")
    print(f"purity (mean majority-reason share of the top {len(rows)}): {purity:.3f}")
    print(f"\nTwitter time: ingest {ingest_s:.1f} s, build_map {map_s:.1f} s")
    return {"covered": len(covered), "purity": purity, "seconds": ingest_s + map_s}


ASAP_FILES = ("dev_sample.csv", "train_sample.csv")  # both held-out samples: labels only read


def run_asap() -> dict[str, float]:
    """AUC of the Chinese reading against the reviews' stars (4-5 vs 1-2)."""
    import csv

    from assistant.local_extractor import read_sentence
    from assistant.sentiment import sentiment
    from bench._eval import EVAL_DATA
    from ingest.sentences import sentence_spans

    print("== (c) Chinese reviews (ASAP sample): does the reading order praise above complaint ==")
    folder = EVAL_DATA / "asap_chinese_reviews_sample"
    scored: list[tuple[float, float, float]] = []  # (polarity, readings, stars)
    for name in ASAP_FILES:
        with open(folder / name, encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                text = row["reviewbody"]
                kinds = [read_sentence(text[a:b]).kind for a, b in sentence_spans(text, 0)]
                readings = kinds.count(DELIGHT) - kinds.count(PAIN)
                scored.append((sentiment(text), readings, float(row["star"])))

    def auc(column: int) -> float:
        good = [r[column] for r in scored if r[2] >= 4]
        bad = [r[column] for r in scored if r[2] <= 2]
        wins = sum((g > b) + 0.5 * (g == b) for g in good for b in bad)
        return wins / max(1, len(good) * len(bad))

    good, bad = sum(r[2] >= 4 for r in scored), sum(r[2] <= 2 for r in scored)
    out = {"polarity_auc": auc(0), "readings_auc": auc(1)}
    print(
        f"  {good} reviews of 4-5 stars vs {bad} of 1-2: AUC of the review's polarity "
        f"{out['polarity_auc']:.3f}, of its sentences' readings {out['readings_auc']:.3f}"
    )
    return out


def run_reviews(model: UsemEmbedder) -> dict[str, float]:
    """Sentence readings in whole English reviews against SemEval's sentence polarity."""
    from bench._eval import LAPTOPS, RESTAURANTS_2015, absa_reviews
    from bench.themes import map_of_reviews, review_id, segments

    print("== (d) English review sentences (SemEval 2015): praise read as complaint and back ==")
    out: dict[str, float] = {}
    for name, path in (("laptops", LAPTOPS), ("restaurants", RESTAURANTS_2015)):
        reviews = absa_reviews(path)
        m, _ = map_of_reviews(model, reviews.rows, name)
        read: dict[str, str] = {}
        for segment in segments(m):
            at = reviews.sentence_of(review_id(segment), int(str(segment["char_start"])))
            read.setdefault(at, str(segment["kind"]))
        polarity = {
            at: only.pop()
            for at, opinions in reviews.opinions.items()
            if len(only := {p for _, p in opinions}) == 1
        }
        for said, wrong in (("positive", "pain_point"), ("negative", "delight")):
            keys = [at for at, p in polarity.items() if p == said]
            share = _share(sum(read.get(at) == wrong for at in keys), len(keys))
            right = "delight" if said == "positive" else "pain_point"
            hits = _share(sum(read.get(at) == right for at in keys), len(keys))
            out[f"{name}_{said}"] = share
            print(
                f"  {name:11s} {len(keys):4d} {said} sentences: read as {right} {hits:.2f}, "
                f"as {wrong} {share:.3f}"
            )
    return out


def _verdict(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("serdif", "twitter", "asap", "reviews"))
    parser.add_argument("--tweets", type=int, default=2000, help="sample size; 0 = all")
    parser.add_argument("--top", type=int, default=20, help="top pain points to score")
    parser.add_argument(
        "--ceiling",
        action="store_true",
        help="also train a classifier on the SERDIF codes (leave one transcript out) to show "
        "how far sentence-level reading can go on these labels",
    )
    args = parser.parse_args()
    began = time.perf_counter()
    model = embedder()  # weights load once, outside every timing
    serdif = run_serdif(model, args.ceiling) if args.only in (None, "serdif") else None
    if serdif and args.only is None:
        print()
    twitter = run_twitter(model, args.tweets, args.top) if args.only in (None, "twitter") else None
    asap = run_asap() if args.only in (None, "asap") else None
    reviews = run_reviews(model) if args.only in (None, "reviews") else None

    print("\n== summary ==")
    if serdif:
        for cls in ("pain", "delight"):
            r, p = serdif[f"{cls}_recall"], serdif[f"{cls}_precision"]
            print(
                f"SERDIF {cls:7s} recall              {r:.3f}  (target >= {TARGET_RECALL})  "
                f"{_verdict(r >= TARGET_RECALL)}"
            )
            print(
                f"SERDIF {cls:7s} labelled precision  {p:.3f}  (target >= {TARGET_PRECISION})  "
                f"{_verdict(p >= TARGET_PRECISION)}"
            )
    if twitter:
        c, p = int(twitter["covered"]), twitter["purity"]
        print(
            f"Twitter reasons covered by top {args.top}  {c} of 9  (target >= {TARGET_REASONS})  "
            f"{_verdict(c >= TARGET_REASONS)}"
        )
        print(
            f"Twitter purity of top {args.top}           {p:.3f}  (target >= {TARGET_PURITY})  "
            f"{_verdict(p >= TARGET_PURITY)}"
        )
    if asap:
        print(
            f"ASAP Chinese reviews: AUC polarity {asap['polarity_auc']:.3f}, "
            f"readings {asap['readings_auc']:.3f}"
        )
    if reviews:
        print(
            "English review sentences (SemEval 2015) praise read as a pain point / complaint "
            "read as a delight: "
            + ", ".join(
                f"{name} {reviews[name + '_positive']:.3f} / {reviews[name + '_negative']:.3f}"
                for name in ("laptops", "restaurants")
            )
        )
    print(f"elapsed: {time.perf_counter() - began:.1f} s in all")


if __name__ == "__main__":
    main()
