"""Compare segments or personas: per stage, each group's feeling with a 95% interval, and the
themes whose share differs most between groups, tested honestly for small samples.

The unit is the participant, never the quote (one talkative person is one voice): a stage's
point is the mean over participants of each one's mean valence there. Themes are compared by
how many participants of each group raised them, with Fisher's exact test (group against the
rest when there are more than two groups, Bonferroni-corrected) and Benjamini-Hochberg across
themes. Below FLOOR participants nothing is called a difference.
"""

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.personas import PERSONA_KEY, Profile, profiles
from journey.diff import ValencePoint
from journey.labels import EN, labels_for
from journey.schema import Delight, Finding, JourneyMap, Language, PainPoint

FLOOR = 3
"""Participants a group (or a stage's group) needs before a difference may be claimed."""
ALPHA = 0.05
METHOD = EN.compare.method.format(alpha=ALPHA, floor=FLOOR)
"""How groups are compared, in English (a comparison says it in its map's language)."""

Verdict = Literal["differs", "suggestive", "no clear difference", "not enough participants"]
"""`suggestive`: a theme whose own test is under ALPHA but not after the correction across
themes (Android crashes, 7 of 44 against 0 of 45: p 0.012, q 0.219): worth a look, not a claim."""


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class Group(_Model):
    """One value of the attribute compared."""

    value: str
    participants: int
    """Participants with this value (the denominator of theme shares)."""


class GroupPoint(ValencePoint):
    """A group's point on a stage's emotion curve."""

    group: str


class StageComparison(_Model):
    """A stage's emotion curve point per group."""

    stage: str
    groups: list[GroupPoint]
    p_value: float | None = None
    """Welch's t-test (two groups) or Kruskal-Wallis (more) on participants' means; None when
    fewer than two groups have FLOOR participants in the stage."""
    verdict: Verdict


class ThemeDifference(_Model):
    """A theme's reach in each group."""

    theme: str
    """Id of the pain point or delight."""
    title: str
    kind: Literal["pain_point", "delight"]
    stage: str | None = None
    participants: dict[str, int]
    """Per group, the participants who raised it."""
    shares: dict[str, float]
    """Per group, participants who raised it / the group's participants."""
    gap: float
    """Largest share minus smallest share."""
    p_value: float | None = None
    q_value: float | None = None
    """p adjusted across the themes tested (Benjamini-Hochberg)."""
    verdict: Verdict


class Comparison(_Model):
    """Groups of a segment attribute (or personas) side by side."""

    project: str
    by: str
    groups: list[Group]
    stages: list[StageComparison]
    themes: list[ThemeDifference]
    """The themes whose share differs most between groups, largest gap first."""
    notes: list[str] = Field(default_factory=list)
    """What the reader should know (groups too small, personas made from what is compared),
    in `language`."""
    method: str = METHOD
    """How groups are compared, in `language`."""
    language: Language = "en"
    """The language of its notes and method: the map's. Verdicts stay codes."""


def _t95(df: int) -> float:
    from scipy import stats  # type: ignore[import-untyped]  # heavy: when needed

    return float(stats.t.ppf(0.975, df))


def valence_point(means: Sequence[float], quotes: int) -> ValencePoint:
    """The mean of participants' means with a 95% t interval (none under 2 participants)."""
    n = len(means)
    if not n:
        return ValencePoint(mean_valence=None, ci_low=None, ci_high=None, participants=0, quotes=0)
    mean = sum(means) / n
    if n < 2:
        return ValencePoint(
            mean_valence=round(mean, 3), ci_low=None, ci_high=None, participants=1, quotes=quotes
        )
    sd = math.sqrt(sum((v - mean) ** 2 for v in means) / (n - 1))
    half = _t95(n - 1) * sd / math.sqrt(n)
    return ValencePoint(
        mean_valence=round(mean, 3),
        ci_low=round(max(-2.0, mean - half), 3),
        ci_high=round(min(2.0, mean + half), 3),
        participants=n,
        quotes=quotes,
    )


def stage_means(members: Sequence[Profile], stage: str) -> tuple[list[float], int]:
    """Each member's mean valence in the stage (members who felt something there), and the
    quotes they rest on."""
    felt = [p.feelings[stage] for p in members if p.feelings.get(stage)]
    return [sum(v) / len(v) for v in felt], sum(len(v) for v in felt)


def welch_interval(a: Sequence[float], b: Sequence[float]) -> tuple[float, float] | None:
    """95% interval of mean(b) - mean(a) (Welch-Satterthwaite); None under 2 in either."""
    if len(a) < 2 or len(b) < 2:
        return None
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    va = sum((x - ma) ** 2 for x in a) / (len(a) - 1) / len(a)
    vb = sum((x - mb) ** 2 for x in b) / (len(b) - 1) / len(b)
    se = math.sqrt(va + vb)
    if se == 0:
        return (mb - ma, mb - ma)
    df = (va + vb) ** 2 / ((va**2 / (len(a) - 1)) + (vb**2 / (len(b) - 1)))
    half = _t95(max(1, math.floor(df))) * se
    return (mb - ma - half, mb - ma + half)


def fisher(raised_a: int, total_a: int, raised_b: int, total_b: int) -> float:
    """Two-sided Fisher's exact test of raised_a/total_a against raised_b/total_b."""
    from scipy import stats

    table = [[raised_a, total_a - raised_a], [raised_b, total_b - raised_b]]
    return float(stats.fisher_exact(table).pvalue)


def benjamini_hochberg(p: Sequence[float]) -> list[float]:
    """q-values (false discovery rate) for p-values, in their order."""
    n = len(p)
    order = sorted(range(n), key=lambda i: p[i])
    q = [1.0] * n
    running = 1.0
    for rank in range(n, 0, -1):
        i = order[rank - 1]
        running = min(running, p[i] * n / rank)
        q[i] = running
    return q


def groups_of(m: JourneyMap, by: str) -> dict[str, list[str]]:
    """Participants (with coded quotes) per value of a segment attribute."""
    out: dict[str, list[str]] = defaultdict(list)
    for who, p in profiles(m).items():
        if by in p.segment:
            out[p.segment[by]].append(who)
    return dict(out)


def themes_of(m: JourneyMap) -> dict[str, Finding]:
    """Every pain point and delight of the map (headline or raised once), by id."""
    return {
        f.id: f
        for s in m.stages
        for f in (*s.pain_points, *s.delights, *s.pain_points_once, *s.delights_once)
    }


def _kind(f: Finding) -> Literal["pain_point", "delight"]:
    return "delight" if isinstance(f, Delight) and not isinstance(f, PainPoint) else "pain_point"


_NUMBERED = re.compile(r"v?\d+(?:[.\-/]\d+)*", re.IGNORECASE)


def _ordered(sizes: dict[str, int]) -> list[str]:
    """A segment's values in their own order when they are numbers, versions or dates (5.0,
    5.1, 5.2, 5.2.1; 2024-01, 2024-02); else the largest group first (a fitness-app trial's
    versions came as 5.2, 5.2.1, 5.1.2, 5.1, 5.0)."""
    if sizes and all(_NUMBERED.fullmatch(v.strip()) for v in sizes):
        return sorted(sizes, key=lambda v: [int(x) for x in re.findall(r"\d+", v)])
    return sorted(sizes, key=lambda v: (-sizes[v], v))


def compare(m: JourneyMap, by: str, limit: int = 10) -> Comparison:
    """The groups of segment attribute `by` (e.g. `persona`, `plan`) side by side."""
    people = profiles(m)
    members = groups_of(m, by)
    counted = m.sources.segments.get(by, {})
    sizes = {v: max(len(members.get(v, [])), counted.get(v, 0)) for v in {*members, *counted}}
    order = _ordered(sizes)
    groups = [Group(value=v, participants=sizes[v]) for v in order]
    labels = labels_for(m.language)
    words = labels.compare
    notes: list[str] = []
    small = [v for v in order if sizes[v] < FLOOR]
    if small:
        values = labels.join([words.value.format(value=v) for v in small])
        notes.append(words.too_small.format(values=values, floor=FLOOR))
    if len(order) < 2:
        notes.append(words.one_value.format(by=by, n=len(order)))
    tested = [v for v in order if sizes[v] >= FLOOR]
    if by == PERSONA_KEY and any(p.origin == "clustered" for p in m.personas):
        notes.append(words.clustered)
    stages = [_stage(stage.name, order, tested, members, people) for stage in m.stages]
    themes = _themes(m, order, tested, sizes, members, people)
    return Comparison(
        project=m.project,
        by=by,
        groups=groups,
        stages=stages,
        themes=themes[:limit],
        notes=notes,
        method=words.method.format(alpha=ALPHA, floor=FLOOR),
        language=m.language,
    )


def _stage(
    stage: str,
    order: Sequence[str],
    tested: Sequence[str],
    members: Mapping[str, Sequence[str]],
    people: Mapping[str, Profile],
) -> StageComparison:
    points, samples = [], {}
    for v in order:
        means, quotes = stage_means([people[p] for p in members.get(v, [])], stage)
        points.append(GroupPoint(group=v, **valence_point(means, quotes).model_dump()))
        if v in tested and len(means) >= FLOOR:
            samples[v] = means
    if len(samples) < 2:
        return StageComparison(
            stage=stage, groups=points, p_value=None, verdict="not enough participants"
        )
    from scipy import stats

    values = list(samples.values())
    if all(len(set(s)) == 1 for s in values) and len({s[0] for s in values}) == 1:
        p = 1.0  # everyone felt exactly the same: no test needed (and t is undefined)
    elif len(values) == 2:
        p = float(stats.ttest_ind(values[0], values[1], equal_var=False).pvalue)
    else:
        p = float(stats.kruskal(*values).pvalue)
    p = 1.0 if math.isnan(p) else p
    verdict: Verdict = "differs" if p < ALPHA else "no clear difference"
    return StageComparison(stage=stage, groups=points, p_value=round(p, 4), verdict=verdict)


def _themes(
    m: JourneyMap,
    order: Sequence[str],
    tested: Sequence[str],
    sizes: Mapping[str, int],
    members: Mapping[str, Sequence[str]],
    people: Mapping[str, Profile],
) -> list[ThemeDifference]:
    rows = []
    for theme, f in sorted(themes_of(m).items()):
        raised = {v: sum(theme in people[p].themes for p in members.get(v, [])) for v in order}
        if not any(raised.values()):
            continue
        shares = {v: round(raised[v] / sizes[v], 3) if sizes[v] else 0.0 for v in order}
        in_tested = [shares[v] for v in tested] or list(shares.values())
        p: float | None = None
        if len(tested) >= 2 and sum(raised[v] for v in tested) >= FLOOR:
            total_raised = sum(raised[v] for v in tested)
            total = sum(sizes[v] for v in tested)
            if len(tested) == 2:
                a, b = tested
                p = fisher(raised[a], sizes[a], raised[b], sizes[b])
            else:
                p = min(
                    1.0,
                    len(tested)
                    * min(
                        fisher(raised[v], sizes[v], total_raised - raised[v], total - sizes[v])
                        for v in tested
                    ),
                )
        rows.append((theme, f, raised, shares, max(in_tested) - min(in_tested), p))
    q = benjamini_hochberg([r[5] for r in rows if r[5] is not None])
    qs = iter(q)
    out = []
    for theme, f, raised, shares, gap, p in rows:
        qv = next(qs) if p is not None else None
        verdict: Verdict = (
            "not enough participants"
            if qv is None
            else "differs"
            if qv < ALPHA
            else "suggestive"
            if p is not None and p < ALPHA
            else "no clear difference"
        )
        out.append(
            ThemeDifference(
                theme=theme,
                title=f.title,
                kind=_kind(f),
                stage=f.home_stage,
                participants=raised,
                shares=shares,
                gap=round(gap, 3),
                p_value=None if p is None else round(p, 4),
                q_value=None if qv is None else round(qv, 4),
                verdict=verdict,
            )
        )
    rank = {"differs": 0, "suggestive": 1, "no clear difference": 2, "not enough participants": 3}
    return sorted(out, key=lambda t: (rank[t.verdict], -t.gap, t.p_value or 1.0, t.theme))
