"""What the map's lanes show beyond the stored fields, computed from the map itself: the
emotions that set a stage apart, the opportunities per stage, the views per segment.

Pure functions of a `JourneyMap`, shared by the Markdown report and the HTML map.
"""

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from journey.labels import EN, Labels
from journey.schema import (
    CodedObservation,
    JourneyMap,
    Observation,
    ObservationKind,
    Recommendation,
    participant_key,
)


@dataclass(frozen=True)
class StandOut:
    """An emotion a stage's quotes carry more often than the study's quotes do."""

    label: str
    count: int
    """Quotes of the stage with this label."""
    share: float
    """count / the stage's labelled quotes."""
    study_share: float
    """The label's share of all the study's labelled quotes."""
    z: float
    """Weighted log-odds z-score of the stage against the rest of the study."""


# How strongly the study-wide rates pull a stage's rates (in quotes): a label met twice in a
# small stage does not outrank one that half of a big stage shares.
_PRIOR_QUOTES = 10.0


def characteristic_emotions(
    m: JourneyMap, *, limit: int = 3, min_z: float = 1.0, min_count: int = 2
) -> dict[str, list[StandOut]]:
    """Per stage name, the emotions that set the stage apart from the rest of the study.

    The most frequent label is often the same everywhere (frustrated, satisfied); this ranks
    labels by the weighted log-odds of the stage against the rest of the study with the
    study-wide rates as an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008), and
    keeps those at least `min_z` standard errors above and met in `min_count` quotes.
    Counts come from the map's coded observations; neutral quotes carry no emotion.
    """
    labelled = [o for o in m.observations if o.emotion and o.emotion != "neutral"]
    study = Counter(o.emotion for o in labelled)
    total = sum(study.values())
    out: dict[str, list[StandOut]] = {}
    for stage in m.stages:
        own = Counter(o.emotion for o in labelled if o.stage == stage.name)
        n = sum(own.values())
        if not n:
            continue
        ranked: list[StandOut] = []
        for label, in_study in study.items():
            if in_study == total:  # the only label there is sets no stage apart
                continue
            y_i, y_j, n_j = own[label], in_study - own[label], total - n
            alpha = _PRIOR_QUOTES * in_study / total
            delta = math.log((y_i + alpha) / (n + _PRIOR_QUOTES - y_i - alpha)) - math.log(
                (y_j + alpha) / (n_j + _PRIOR_QUOTES - y_j - alpha)
            )
            z = delta / math.sqrt(1 / (y_i + alpha) + 1 / (y_j + alpha))
            if z >= min_z and y_i >= min_count:
                ranked.append(StandOut(label, y_i, y_i / n, in_study / total, z))
        ranked.sort(key=lambda s: (-s.z, s.label))
        out[stage.name] = ranked[:limit]
    return out


def opportunities(m: JourneyMap) -> tuple[dict[str, list[Recommendation]], list[Recommendation]]:
    """The recommendations per stage name, highest priority first, and those no stage holds.

    A recommendation sits in the home stage of the first theme it addresses (the stage that
    lists that pain point), else in the stage it names.
    """
    home = {
        f.id: stage.name
        for stage in m.stages
        for f in (*stage.pain_points, *stage.pain_points_once, *stage.delights)
    }
    names = {stage.name for stage in m.stages}
    per_stage: dict[str, list[Recommendation]] = {name: [] for name in names}
    unplaced: list[Recommendation] = []
    for r in sorted(m.recommendations, key=lambda r: -r.priority):
        stage = next((home[a] for a in r.addresses if a in home), r.stage)
        if stage in per_stage:
            per_stage[stage].append(r)
        else:
            unplaced.append(r)
    return per_stage, unplaced


def format_stand_out(s: StandOut, labels: Labels = EN) -> str:
    """`anxious 17% vs 6%`: an emotion's share in the stage against the study's."""
    return labels.stand_out.format(
        label=labels.emotion(s.label), share=s.share, study=s.study_share
    )


# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom (then ~normal): a
# segment's stage often rests on a handful of quotes, where 1.96 would overstate certainty.
_T95 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip


@dataclass(frozen=True)
class SegmentPoint:
    """A segment's point on one stage's emotion curve."""

    mean: float
    n: int
    """Participants of the segment whose quotes in the stage carry feeling."""
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class SegmentView:
    """One segment value a reader can switch the map to (`plan: premium`)."""

    key: str
    value: str
    participants: int
    curve: dict[str, SegmentPoint]
    """Per stage name, the segment's mean valence (stages without its quotes are absent)."""

    @property
    def label(self) -> str:
        """`plan: premium`."""
        return f"{self.key}: {self.value}"


def on_the_curve(o: Observation) -> bool:
    """The quotes a stage's emotion curve is computed from: pain points, delights, and anything
    said with feeling."""
    return o.kind in (ObservationKind.pain_point, ObservationKind.delight) or abs(o.valence) >= 0.5


def curve_point(observations: Iterable[Observation]) -> SegmentPoint | None:
    """A stage's point on an emotion curve, from its quotes with feeling (pain points,
    delights, anything said with feeling): each participant's valences averaged first, then
    mean, n and t-based 95% interval over participants, so one talkative source (a 2 MB
    review, a long interview) counts once. None without such quotes."""
    by: dict[str, list[float]] = {}
    for o in observations:
        if on_the_curve(o):
            by.setdefault(participant_key(o.evidence), []).append(o.valence)
    if not by:
        return None
    means = [sum(v) / len(v) for v in by.values()]
    n = len(means)
    mean = sum(means) / n
    if n < 2:
        return SegmentPoint(mean, n, None, None)
    sd = math.sqrt(sum((v - mean) ** 2 for v in means) / (n - 1))
    half = (_T95[n - 2] if n - 1 <= len(_T95) else 1.96) * sd / math.sqrt(n)
    return SegmentPoint(mean, n, max(-2.0, mean - half), min(2.0, mean + half))


def segment_views(m: JourneyMap, *, max_values: int = 8) -> list[SegmentView]:
    """The segments worth switching between: every value of each segment key that splits the
    participants into 2..max_values groups, with its emotion curve from the coded quotes."""
    views: list[SegmentView] = []
    for key, values in m.sources.segments.items():
        if not 2 <= len(values) <= max_values:
            continue
        for value, participants in sorted(values.items(), key=lambda kv: (-kv[1], kv[0])):
            by_stage: dict[str, list[CodedObservation]] = {}
            for o in m.observations:
                if o.segment.get(key) == value:
                    by_stage.setdefault(o.stage, []).append(o)
            points = {stage: curve_point(items) for stage, items in by_stage.items()}
            curve = {stage: p for stage, p in points.items() if p is not None}
            views.append(SegmentView(key, value, participants, curve))
    return views
