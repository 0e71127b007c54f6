"""Intervention points: one per headline pain point (theme), from the kind of problem its words
describe, ranked by impact / effort. The scoring is stated once, in the map's `scoring`.
What to do about each kind is said in the map's language (journey/labels.py `plays`)."""

from collections import Counter
from collections.abc import Mapping, Sequence

from assistant.cues import PROBLEM_KINDS, kinds_named, problem_kinds
from journey.labels import EN, Labels
from journey.schema import PainPoint, Recommendation, Stage, by_priority

MAX_RECOMMENDATIONS = 10
# kind -> effort 1-5, as RECOMMENDATION_SCORING says.
_EFFORT: dict[str, int] = {
    "unclear": 1,
    "no updates": 2,
    "hard to find": 2,
    "too many steps": 2,
    "price rise": 2,
    "billing error": 3,
    "hidden cost": 2,
    "missing capability": 2,
    "failure": 3,
    "performance": 3,
    "no human": 3,
    "staff attitude": 3,
    "crowding": 4,
    "no-show": 3,
    "waiting": 4,
    "fulfilment": 4,
    "intrusive": 2,
    "waste": 3,
    "other": 3,
}


def problem_kind(pain: PainPoint, quotes: Sequence[str] | None = None) -> str:
    """What kind of problem a theme is: the kind whose cues its title (counted three times:
    the recommendation is read beside it) and quotes hit most; `other` when none does.
    `quotes`: the theme's quotes, most typical first (else the few it shows: a restaurant
    trial's service theme, 服务态度 in four of its quotes, was told to show the full cost from
    the one 贵 among the five shown). Quotations count for nothing: a menu that lacked
    "missing item" is no missing item."""
    hits = Counter(problem_kinds(pain.title) * 3)
    hits.update(kinds_named(quotes or [e.quote for e in pain.evidence]))
    best = max(hits.values(), default=0)
    return next((kind for kind, _ in PROBLEM_KINDS if best and hits[kind] == best), "other")


def recommend_for(
    pain: PainPoint, stage: str, labels: Labels = EN, quotes: Sequence[str] | None = None
) -> Recommendation:
    """The recommendation for one pain point, traceable to its theme and counts (`quotes`: the
    theme's, as `problem_kind` reads them)."""
    kind = problem_kind(pain, quotes)
    effort = _EFFORT[kind]
    impact = round(pain.severity * pain.share, 3)
    return Recommendation(
        id="",
        title=labels.titled(labels.plays[kind], pain.title),
        rationale=labels.why(pain, kind, stage, impact, effort),
        stage=stage,
        addresses=[pain.id],
        impact=impact,
        effort=effort,
        priority=round(impact / effort, 3),
        kind=kind,
        evidence=pain.evidence[:3],
    )


def recommend(
    stages: Sequence[Stage],
    labels: Labels = EN,
    limit: int = MAX_RECOMMENDATIONS,
    quotes_of: Mapping[str, Sequence[str]] | None = None,
) -> list[Recommendation]:
    """One recommendation for each of the `limit` widest headline pain points (participants x
    severity, as the map ranks them), highest priority first, worded in `labels`' language.
    `quotes_of`: each pain point's theme quotes by finding id, most typical first."""
    candidates = [(stage, pain) for stage in stages for pain in stage.pain_points]
    candidates.sort(key=lambda sp: (-sp[1].participants * sp[1].severity, sp[1].id))
    recommendations = [
        recommend_for(pain, stage.name, labels, (quotes_of or {}).get(pain.id))
        for stage, pain in candidates[:limit]
    ]
    recommendations.sort(key=by_priority)
    return [r.model_copy(update={"id": f"rec-{i}"}) for i, r in enumerate(recommendations, 1)]
