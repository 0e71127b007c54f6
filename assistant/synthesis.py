"""Observations -> stages of a map: clusters of pain points and delights, touchpoints, emotion."""

import math
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence

import numpy as np

from assistant.cues import TOUCHPOINTS
from assistant.keyphrases import cluster_keyphrases
from assistant.stages import StageSpec
from ingest.embeddings import Vectors
from journey.schema import (
    Delight,
    Emotion,
    Evidence,
    Finding,
    Observation,
    ObservationKind,
    PainPoint,
    Stage,
    Touchpoint,
)

CLUSTER_THRESHOLD = 0.55
MERGE_WITH = 256
MAX_PAIN_POINTS = 8
MAX_DELIGHTS = 5
MAX_QUOTES = 5
MIN_PARTICIPANTS = 2
"""Distinct participants a pain point or delight needs to headline its stage."""
MAX_MENTIONED_ONCE = 20
"""Pain points (and delights) per stage kept below the headline threshold."""


def participant_key(evidence: Evidence) -> str:
    """Who a quote speaks for: the source's participant (or the speaker when it has none)."""
    return evidence.participant_id or evidence.speaker or evidence.source_id


def leader_clusters(vectors: Vectors, threshold: float = CLUSTER_THRESHOLD) -> list[list[int]]:
    """Greedy clustering against running centroids, in the given order (deterministic), then
    small clusters folded into the nearest of the largest ones.

    Cost is O(n x k) for n items and k clusters (the fold compares with at most MERGE_WITH
    clusters): repeated content joins existing clusters, so k grows with the variety of what
    people say, not with the number of quotes.
    """
    if not len(vectors):
        return []
    members: list[list[int]] = []
    sums = np.zeros((len(vectors), vectors.shape[1]), dtype=np.float32)
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
    return refine([sorted(group) for _, group in sorted(out.items())], vectors)


REFINE_PASSES = 3
BLOCK = 4096


def refine(
    groups: list[list[int]], vectors: Vectors, passes: int = REFINE_PASSES
) -> list[list[int]]:
    """Lloyd passes over leader clusters: every item to its nearest settled centroid.

    The leader pass places an item against the centroids as they stood when it came, so the
    first clusters swallow items before their centres settle and grow into catch-alls; moving
    items to the nearest final centroid undoes that (on all 7k negative airline tweets the
    top pain points' purity rose from 0.55 to 0.62). O(n x k) per pass, in blocks of rows.
    """
    for _ in range(passes):
        if len(groups) < 2:
            break
        sums = np.vstack([vectors[g].sum(axis=0) for g in groups])
        centroids = sums / np.maximum(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12)
        nearest = np.concatenate(
            [
                np.argmax(vectors[i : i + BLOCK] @ centroids.T, axis=1)
                for i in range(0, len(vectors), BLOCK)
            ]
        )
        moved: dict[int, list[int]] = {}
        for i, c in enumerate(nearest.tolist()):
            moved.setdefault(c, []).append(i)
        regrouped = [moved[c] for c in sorted(moved)]
        if regrouped == groups:
            break
        groups = regrouped
    return groups


TOUCHPOINT_WEIGHT = 0.15
"""How much sharing a touchpoint pulls two quotes together when clustering (0 = not at all)."""


def theme_vectors(observations: Sequence[Observation], vectors: Vectors) -> Vectors:
    """Sentence meaning plus the touchpoint a quote is about, as unit vectors: a complaint about
    the crew and one about the luggage belt may read alike but are different pain points."""
    names = sorted({o.touchpoint for o in observations if o.touchpoint})
    column = {name: i for i, name in enumerate(names)}
    extra = np.zeros((len(observations), len(names)), dtype=np.float32)
    for row, o in enumerate(observations):
        if o.touchpoint:
            extra[row, column[o.touchpoint]] = TOUCHPOINT_WEIGHT
    joined = np.hstack([vectors, extra]) if len(observations) else vectors
    norms = np.linalg.norm(joined, axis=1, keepdims=True)
    return np.asarray(joined / np.maximum(norms, 1e-12), dtype=np.float32)


def harmonise_stages(
    observations: Sequence[Observation], vectors: Vectors, loose: Sequence[bool]
) -> list[Observation]:
    """Give each theme among `loose` observations (reviews: no question or guide section to
    place them) the stage most of it was placed in, so one complaint is not scattered over
    every stage by the noise of placing single sentences."""
    out = list(observations)
    for kind in (ObservationKind.pain_point, ObservationKind.delight):
        idx = [i for i, o in enumerate(observations) if loose[i] and o.kind is kind]
        if not idx:
            continue
        themes = theme_vectors([observations[i] for i in idx], vectors[idx])
        for group in leader_clusters(themes):
            stages = Counter(observations[idx[j]].stage for j in group)
            stage = min(stages, key=lambda name: (-stages[name], name))
            for j in group:
                out[idx[j]] = out[idx[j]].model_copy(update={"stage": stage})
    return out


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:24] or "stage"


def _title(phrases: list[str], touchpoint: str | None, quote: str, size: int) -> str:
    """A short name: touchpoint and keyphrase for a cluster, the words themselves for one quote
    or where a lone word is all the cluster shares ("It just looped", not "Loop")."""
    lone_word = (
        not touchpoint and len(phrases) == 1 and phrases[0].isascii() and " " not in phrases[0]
    )
    if size == 1 or not phrases or lone_word:
        text = quote.strip(" .!?。！？")
        words = text.split()
        if len(words) <= 1:  # unspaced scripts (Chinese): cut by characters
            return text[:24] + ("…" if len(text) > 24 else "")
        return " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    head = phrases[0]
    if touchpoint and head not in touchpoint and touchpoint not in head:
        return f"{touchpoint[:1].upper()}{touchpoint[1:]}: {head}"
    title = head[:1].upper() + head[1:]
    return f"{title}, {phrases[1]}" if len(phrases) > 1 else title


def _truncate(text: str, limit: int = 180) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _finding(
    cls: type[Finding],
    finding_id: str,
    group: Sequence[int],
    keys: list[str],
    observations: Sequence[Observation],
    vectors: Vectors,
    total_participants: int,
) -> tuple[Finding, list[int]]:
    """One cluster as a pain point or delight, with its members, most typical first."""
    people = {participant_key(observations[i].evidence) for i in group}
    centroid = vectors[list(group)].mean(axis=0)
    typical = sorted(group, key=lambda i: (-float(vectors[i] @ centroid), i))
    evidence: list[Evidence] = []
    seen: set[str] = set()
    for i in typical:  # one quote per participant first, most typical first
        who = participant_key(observations[i].evidence)
        if who not in seen:
            evidence.append(observations[i].evidence)
            seen.add(who)
    evidence += [
        observations[i].evidence for i in typical if observations[i].evidence not in evidence
    ]
    segments: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for i in group:
        for key, value in observations[i].segment.items():
            segments[key][value].add(participant_key(observations[i].evidence))
    touchpoints = Counter(observations[i].touchpoint for i in group if observations[i].touchpoint)
    emotions = Counter(observations[i].emotion for i in group)
    top_touchpoint = touchpoints.most_common(1)[0][0] if touchpoints else None
    central = observations[typical[0]].evidence.quote
    finding = cls(
        id=finding_id,
        title=_title(keys, top_touchpoint, central, len(group)),
        description=f"{len(people)} participant{'s' * (len(people) != 1)}, e.g. "
        f"\u201c{_truncate(central)}\u201d",
        severity=round(statistics.median(observations[i].severity for i in group)),
        participants=len(people),
        share=round(len(people) / max(1, total_participants), 3),
        segments={
            k: {v: len(p) for v, p in sorted(vals.items())} for k, vals in sorted(segments.items())
        },
        touchpoints=[t for t, _ in touchpoints.most_common(3) if t],
        emotion=emotions.most_common(1)[0][0],
        evidence=evidence[:MAX_QUOTES],
    )
    return finding, typical


def _findings(
    kind: ObservationKind,
    stage: str,
    observations: Sequence[Observation],
    vectors: Vectors,
    total_participants: int,
    limit: int,
    members: dict[str, list[Observation]] | None = None,
    min_participants: int = MIN_PARTICIPANTS,
) -> tuple[list[Finding], list[Finding]]:
    """A stage's clusters of one kind: the headline ones (raised by at least
    `min_participants` people, at most `limit`, by reach x severity) and those fewer people
    raised (at most MAX_MENTIONED_ONCE), which are kept but not ranked."""
    if not observations:
        return [], []
    order = sorted(
        range(len(observations)),
        key=lambda i: (
            -observations[i].severity,
            observations[i].evidence.source_id,
            observations[i].evidence.char_start,
        ),
    )
    themes = theme_vectors([observations[i] for i in order], vectors[order])
    groups = [[order[j] for j in g] for g in leader_clusters(themes)]
    groups.sort(
        key=lambda g: (
            -len({participant_key(observations[i].evidence) for i in g})
            * statistics.median(observations[i].severity for i in g),
            min(g),
        )
    )
    phrases = cluster_keyphrases([[observations[i].evidence.quote for i in g] for g in groups])
    cls = PainPoint if kind is ObservationKind.pain_point else Delight
    prefix = "pp" if kind is ObservationKind.pain_point else "dl"
    headline: list[Finding] = []
    once: list[Finding] = []
    for group, keys in zip(groups, phrases, strict=True):
        people = len({participant_key(observations[i].evidence) for i in group})
        if people >= min_participants:
            if len(headline) == limit:
                continue
            finding_id = f"{prefix}-{_slug(stage)}-{len(headline) + 1}"
            chosen = headline
        else:
            if len(once) == MAX_MENTIONED_ONCE:
                continue
            finding_id = f"{prefix}-{_slug(stage)}-once-{len(once) + 1}"
            chosen = once
        finding, typical = _finding(
            cls, finding_id, group, keys, observations, vectors, total_participants
        )
        chosen.append(finding)
        if members is not None:
            members[finding.id] = [observations[i] for i in typical]
        if len(headline) == limit and len(once) == MAX_MENTIONED_ONCE:
            break
    return headline, once


def _emotion(observations: Sequence[Observation]) -> Emotion:
    values = [
        o.valence
        for o in observations
        if o.kind in (ObservationKind.pain_point, ObservationKind.delight) or abs(o.valence) >= 0.5
    ]
    labels = Counter(o.emotion for o in observations if o.emotion != "neutral")
    if not values:
        return Emotion(
            mean_valence=None,
            n=0,
            ci_low=None,
            ci_high=None,
            labels=[k for k, _ in labels.most_common(3)],
        )
    mean = statistics.fmean(values)
    half = 1.96 * statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else 2.0
    return Emotion(
        mean_valence=round(mean, 3),
        n=len(values),
        ci_low=round(max(-2.0, mean - half), 3),
        ci_high=round(min(2.0, mean + half), 3),
        labels=[k for k, _ in labels.most_common(3)],
    )


def _touchpoints(observations: Sequence[Observation]) -> list[Touchpoint]:
    by_name: defaultdict[str, list[Observation]] = defaultdict(list)
    for o in observations:
        if o.touchpoint and o.channel:
            by_name[o.touchpoint].append(o)
    channels = {name: channel for _, name, channel, _ in TOUCHPOINTS}
    points = []
    for name, items in by_name.items():
        people = {participant_key(o.evidence) for o in items}
        points.append(
            Touchpoint(
                name=name,
                channel=channels.get(name, "ui"),
                type=items[0].channel or "digital",
                participants=len(people),
                evidence=[o.evidence for o in items[:3]],
            )
        )
    points.sort(key=lambda t: (-t.participants, t.name))
    return points[:8]


def _quotes(
    observations: Sequence[Observation], kind: ObservationKind, limit: int = 5
) -> list[Evidence]:
    picked: list[Evidence] = []
    seen: set[str] = set()
    for o in observations:
        who = participant_key(o.evidence)
        if o.kind is kind and who not in seen:
            picked.append(o.evidence)
            seen.add(who)
        if len(picked) == limit:
            break
    return picked


def build_stages(
    specs: Sequence[StageSpec],
    observations: Sequence[Observation],
    vectors: Vectors,
    total_participants: int,
    members: dict[str, list[Observation]] | None = None,
    min_participants: int = MIN_PARTICIPANTS,
) -> list[Stage]:
    """One Stage per spec, in order, with its findings, touchpoints, needs and emotion.

    A pain point or delight headlines its stage when at least `min_participants` people raise
    it, or half the study if that is fewer (a pilot of two interviews still shows what each
    said); fewer go to the stage's `*_once` lists. If `members` is given, it receives every
    finding's observations (all, not only the quotes shown)."""
    min_participants = headline_threshold(min_participants, total_participants)
    stages = []
    for order, spec in enumerate(specs, start=1):
        idx = [i for i, o in enumerate(observations) if o.stage == spec.name]
        here = [observations[i] for i in idx]
        pains = [i for i in idx if observations[i].kind is ObservationKind.pain_point]
        joys = [i for i in idx if observations[i].kind is ObservationKind.delight]
        pain_points, pains_once = _findings(
            ObservationKind.pain_point,
            spec.name,
            [observations[i] for i in pains],
            vectors[pains],
            total_participants,
            MAX_PAIN_POINTS,
            members,
            min_participants,
        )
        delights, delights_once = _findings(
            ObservationKind.delight,
            spec.name,
            [observations[i] for i in joys],
            vectors[joys],
            total_participants,
            MAX_DELIGHTS,
            members,
            min_participants,
        )
        stages.append(
            Stage(
                name=spec.name,
                order=order,
                description=spec.description,
                needs=_quotes(here, ObservationKind.need),
                actions=_quotes(here, ObservationKind.action),
                touchpoints=_touchpoints(here),
                pain_points=[f for f in pain_points if isinstance(f, PainPoint)],
                delights=[f for f in delights if isinstance(f, Delight)],
                pain_points_once=[f for f in pains_once if isinstance(f, PainPoint)],
                delights_once=[f for f in delights_once if isinstance(f, Delight)],
                emotion=_emotion(here),
            )
        )
    _mark_moments_of_truth(stages)
    return stages


def headline_threshold(min_participants: int, total_participants: int) -> int:
    """People a finding needs to headline: `min_participants`, but never over half the study."""
    return max(1, min(min_participants, total_participants // 2))


def _mark_moments_of_truth(stages: list[Stage]) -> None:
    """Findings that make or break the journey: severe and widely felt, or loved by many,
    and the top pain point where the emotion curve falls most."""
    for stage in stages:
        stage.moments_of_truth = [
            p.id for p in stage.pain_points if p.severity >= 4 and p.share >= 0.25
        ]
        stage.moments_of_truth += [d.id for d in stage.delights if d.share >= 0.4]
    drops = []
    for i in range(1, len(stages)):
        before, after = stages[i - 1].emotion.mean_valence, stages[i].emotion.mean_valence
        if before is not None and after is not None:
            drops.append((before - after, i))
    if drops:
        drop, i = max(drops)
        if (
            drop > 0.3
            and stages[i].pain_points
            and (stages[i].pain_points[0].id not in stages[i].moments_of_truth)
        ):
            stages[i].moments_of_truth.append(stages[i].pain_points[0].id)
