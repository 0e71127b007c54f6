"""Intervention points: for the top pain points, what to change, ranked by impact / effort."""

import re
from collections.abc import Sequence

from journey.schema import PainPoint, Recommendation, Stage

MAX_RECOMMENDATIONS = 10
# (English word stems, Chinese words, effort 1-5, what to do). First match wins; English stems
# must start a word ("mean" must not match "management").
_PLAYBOOK_TEXT = (
    (
        "cancel|skip|pause|unsubscrib|renew",
        "取消|退订|暂停",
        2,
        "Make subscription changes self-serve and quick for",
    ),
    (
        "price|pricing|fee|cost|charg|promo|discount|coupon|refund",
        "价格|费|优惠|退款",
        2,
        "Show the full price up front and explain charges for",
    ),
    (
        "error|crash|bug|broken|doesn't work|didn't work|froze|freez|slow|load",
        "闪退|崩溃|卡",
        3,
        "Fix the reliability problem behind",
    ),
    (
        "support|chat|bot|agent|hotline|phone|wait|answer|reply|customer service",
        "客服|机器人|电话",
        3,
        "Shorten the path to a person and to a resolution for",
    ),
    (
        "deliver|courier|late|delay|track|window|arriv|flight|luggage|baggage",
        "配送|快递|迟到|延迟|物流",
        4,
        "Improve delivery reliability and tracking for",
    ),
    (
        "packag|plastic|ice|box|ingredient|missing|quality",
        "包装|塑料|缺|少了",
        4,
        "Fix the product and fulfilment issue behind",
    ),
    (
        "find|where|navigat|menu|hidden|buried|search|scroll|button|tab|back|page|link",
        "找不到|在哪",
        2,
        "Make it easier to find and navigate:",
    ),
    (
        "wording|word|label|term|jargon|meaning|explain|explanation|unclear|not clear|confus|"
        "tooltip|understand|text|clear",
        "不清楚|看不懂|什么意思",
        1,
        "Clarify the wording and add in-place explanations for",
    ),
)
_PLAYBOOK = tuple(
    (re.compile(rf"\b(?:{en})|{zh}"), effort, verb) for en, zh, effort, verb in _PLAYBOOK_TEXT
)


def _play(pain: PainPoint) -> tuple[int, str]:
    """The kind of fix: decided by the title and touchpoints first, the quotes only if silent."""
    named = " ".join([pain.title, *pain.touchpoints]).lower()
    quoted = " ".join(e.quote for e in pain.evidence[:3]).lower()
    for text in (named, quoted):
        for pattern, effort, verb in _PLAYBOOK:
            if pattern.search(text):
                return effort, verb
    return 3, "Redesign the step behind"


def recommend(stages: Sequence[Stage], limit: int = MAX_RECOMMENDATIONS) -> list[Recommendation]:
    """Recommendations for the pain points with the highest severity x reach, best first."""
    candidates = [(stage, pain) for stage in stages for pain in stage.pain_points]
    candidates.sort(key=lambda sp: (-sp[1].severity * sp[1].share, sp[1].id))
    recommendations = []
    for stage, pain in candidates[:limit]:
        effort, verb = _play(pain)
        impact = round(pain.severity * pain.share, 3)
        recommendations.append(
            Recommendation(
                id="",
                title=f"{verb} {pain.title.lower()}",
                rationale=(
                    f"{pain.participants} participants ({pain.share:.0%}) hit this in "
                    f"{stage.name}, severity {pain.severity}/5: {pain.description}"
                ),
                stage=stage.name,
                addresses=[pain.id],
                impact=impact,
                effort=effort,
                priority=round(impact / effort, 3),
                scoring=(
                    "impact = severity (1-5) x share of participants; effort 1-5 from the kind "
                    "of fix (wording 1, navigation/pricing/subscription 2, software/support 3, "
                    "operations/fulfilment 4); priority = impact / effort"
                ),
                evidence=pain.evidence[:3],
            )
        )
    recommendations.sort(key=lambda r: (-r.priority, -r.impact, r.addresses[0]))
    return [r.model_copy(update={"id": f"rec-{i}"}) for i, r in enumerate(recommendations, 1)]
