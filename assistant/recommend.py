"""Intervention points: one per headline pain point (theme), from the kind of problem its words
describe, ranked by impact / effort. The scoring is stated once, in the map's `scoring`."""

from collections.abc import Sequence

from assistant.cues import PROBLEM_KINDS
from assistant.keyphrases import is_chinese
from journey.schema import PainPoint, Recommendation, Stage

MAX_RECOMMENDATIONS = 10
# kind -> (effort 1-5, what to do in English, in Chinese). Efforts as RECOMMENDATION_SCORING says.
_PLAYS: dict[str, tuple[int, str, str]] = {
    "unclear": (1, "Say it clearly where people look", "在用户看的地方说清楚"),
    "hard to find": (2, "Put it where people look for it", "放在用户会找的地方"),
    "hidden cost": (2, "Show the full cost before people commit", "在下单前展示全部费用"),
    "missing capability": (2, "Let people do it themselves", "让用户能自己完成"),
    "failure": (3, "Find and fix what fails", "找到并修复故障"),
    "no human": (3, "Give a quick route to a person", "提供快速转人工的途径"),
    "waiting": (4, "Cut the wait and say how long it will be", "缩短等待并告知还要多久"),
    "fulfilment": (4, "Fix it where orders are packed and sent", "在备货和发货环节解决"),
    "other": (3, "Look into it with the people who raised it", "与反馈的用户一起排查"),
}


def problem_kind(pain: PainPoint) -> str:
    """What kind of problem a theme is: the kind whose cues its title (counted twice) and
    quotes hit most; `other` when none does."""
    texts = [pain.title, pain.title, *(e.quote for e in pain.evidence)]
    hits = {kind: sum(bool(p.search(t)) for t in texts) for kind, p in PROBLEM_KINDS}
    best = max(hits.values(), default=0)
    return next(kind for kind, n in hits.items() if n == best) if best else "other"


def recommend_for(pain: PainPoint, stage: str) -> Recommendation:
    """The recommendation for one pain point, traceable to its theme and counts."""
    kind = problem_kind(pain)
    effort, english, chinese = _PLAYS[kind]
    impact = round(pain.severity * pain.share, 3)
    people = f"{pain.participants} participant{'' if pain.participants == 1 else 's'}"
    if is_chinese(pain.title):
        title = f"{chinese}：{pain.title}"
    else:
        title = f"{english}: {pain.title[:1].lower()}{pain.title[1:]}"
    return Recommendation(
        id="",
        title=title,
        rationale=(
            f"Theme {pain.id} \u201c{pain.title}\u201d ({kind}): {people} "
            f"({pain.share:.0%} of the study), severity {pain.severity}/5, home stage {stage}. "
            f"impact {impact} = {pain.severity} x {pain.share}; effort {effort} ({kind})."
        ),
        stage=stage,
        addresses=[pain.id],
        impact=impact,
        effort=effort,
        priority=round(impact / effort, 3),
        kind=kind,
        evidence=pain.evidence[:3],
    )


def recommend(stages: Sequence[Stage], limit: int = MAX_RECOMMENDATIONS) -> list[Recommendation]:
    """One recommendation for each of the `limit` widest headline pain points (participants x
    severity, as the map ranks them), highest priority first."""
    candidates = [(stage, pain) for stage in stages for pain in stage.pain_points]
    candidates.sort(key=lambda sp: (-sp[1].participants * sp[1].severity, sp[1].id))
    recommendations = [recommend_for(pain, stage.name) for stage, pain in candidates[:limit]]
    recommendations.sort(key=lambda r: (-r.priority, -r.impact, r.addresses[0]))
    return [r.model_copy(update={"id": f"rec-{i}"}) for i, r in enumerate(recommendations, 1)]
