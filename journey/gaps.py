"""The intended journey against the actual one, in the HTML map: the "Ideal vs actual" lane
(per stage: target feeling against the curve, each expectation with its status and quotes)
and the section that sums it up. Everything from users' data is escaped."""

from collections import Counter
from html import escape

from journey.exports import cite, format_ci, format_valence
from journey.schema import Evidence, ExpectationCheck, IdealComparison, JourneyMap, StageGap

GAP_CSS = """
.gapv { font-size: .8rem; }
.gapv b.below { color: var(--bad); } .gapv b.above, .gapv b.on { color: var(--good); }
.exp { background: #fff; border: 1px solid var(--line); border-left: 5px solid #9aa5b1;
  border-radius: 4px; padding: .25rem .4rem; margin: .3rem 0 0; font-size: .8rem; }
.exp summary { cursor: pointer; }
.exp.contradicted { border-left-color: var(--bad); }
.exp.supported { border-left-color: var(--good); }
.exp .facts { display: block; color: var(--muted); font-size: .72rem; }
.exp blockquote { font-size: .78rem; }
.exp .side { margin: .3rem 0 0; font-weight: 600; font-size: .72rem; text-transform: uppercase;
  color: var(--muted); }
.kpis { margin: .3rem 0 0; font-size: .72rem; color: var(--muted); }
.target-key { color: #0f766e; font-weight: 600; }
"""

_MARK = {"contradicted": "✗", "supported": "✓", "no evidence": "?"}


def targets(m: JourneyMap) -> list[float | None]:
    """The intended journey's target valence per stage of the map (None where it has none):
    the dashed curve over the actual one."""
    if m.ideal is None:
        return []
    by_stage = {g.stage: g.target_valence for g in m.ideal.stages}
    return [by_stage.get(s.name) for s in m.stages]


def gaps_by_stage(m: JourneyMap) -> dict[str, StageGap]:
    """Each stage's gap report, by the map's stage name (empty without an intended journey)."""
    return {g.stage: g for g in m.ideal.stages} if m.ideal else {}


def _quotes(title: str, evidence: list[Evidence]) -> str:
    if not evidence:
        return ""
    return f'<p class="side">{escape(title)}</p>' + "".join(
        f"<blockquote><p>{escape(e.quote.strip())}</p>"
        f"<footer><cite>— {cite(e, escape)}</cite></footer></blockquote>"
        for e in evidence
    )


def _facts(check: ExpectationCheck) -> str:
    against, backing = check.contradicting_participants, check.supporting_participants
    if check.status == "no evidence":
        said = "no quote of this stage speaks to it"
    else:
        said = (
            f"{against} participant{'s' * (against != 1)} against, {backing} for"
            if against
            else f"{backing} participant{'s' * (backing != 1)} for"
        )
    if check.elsewhere:
        said += "; said in " + ", ".join(f"{s} ({n})" for s, n in check.elsewhere.items())
    return said


def _expectation(check: ExpectationCheck) -> str:
    return (
        f'<details class="exp {check.status.replace(" ", "-")}"><summary>'
        f'<span title="{escape(check.status)}">{_MARK[check.status]}</span> '
        f"{escape(check.expectation)}"
        f'<span class="facts">{escape(check.status)}: {escape(_facts(check))}</span></summary>'
        + _quotes("against", check.contradicting)
        + _quotes("for", check.supporting)
        + "</details>"
    )


def _feeling(gap: StageGap) -> str:
    if gap.target_valence is None:
        why = f" ({gap.target_from})" if gap.target_from else ""
        return f'<span class="gapv muted">No target feeling{escape(why)}.</span>'
    wanted = format_valence(gap.target_valence)
    if gap.target_feeling:
        wanted += f" {gap.target_feeling}"
    status = gap.valence_status.split()[0]  # below / above / on / no / too
    gap_text = f" · gap {gap.valence_gap:+.2f}" if gap.valence_gap is not None else ""
    return (
        f'<span class="gapv" title="{escape(gap.target_from)}">target '
        f'<span class="target-key">{escape(wanted)}</span> · now '
        f"{format_valence(gap.actual_valence)} {format_ci(gap.ci_low, gap.ci_high)}{gap_text}"
        f' · <b class="{status}">{escape(gap.valence_status)}</b></span>'
    )


def gap_cell(gap: StageGap | None) -> str:
    """One stage's cell of the "Ideal vs actual" lane."""
    if gap is None:
        return '<span class="empty">Not in the intended journey.</span>'
    kpis = "".join(
        f"<li>KPI {escape(k.name)}{escape(f': {k.target}' if k.target is not None else '')}</li>"
        for k in gap.kpis
    )
    return (
        _feeling(gap)
        + "".join(_expectation(c) for c in gap.expectations)
        + (f'<ul class="kpis" aria-label="KPIs">{kpis}</ul>' if kpis else "")
    )


def ideal_section(ideal: IdealComparison) -> str:
    """The section under the map: what was compared, the counts, and what could not be."""
    statuses = Counter(c.status for g in ideal.stages for c in g.expectations)
    below = [g.stage for g in ideal.stages if g.valence_status == "below target"]
    journey = ideal.journey
    items = [
        f"<li>Intended journey: {escape(journey.title or 'untitled')} "
        f'<span class="muted">({escape(journey.origin)})</span></li>',
        f"<li>Expectations: {statuses['contradicted']} contradicted, "
        f"{statuses['supported']} supported, {statuses['no evidence']} without evidence.</li>",
        f"<li>Below the target feeling (its whole 95% interval): "
        f"{escape(', '.join(below) or 'no stage')}.</li>",
    ]
    if ideal.missing_stages:
        items.append(
            "<li><strong>Not stages of this map</strong>, not checked: "
            f"{escape(', '.join(ideal.missing_stages))}.</li>"
        )
    if ideal.unplanned_stages:
        items.append(
            "<li>Stages the intended journey says nothing about: "
            f"{escape(', '.join(ideal.unplanned_stages))}.</li>"
        )
    return (
        f'<section><h2>Ideal vs actual</h2><ul>{"".join(items)}</ul><p class="muted">'
        "Dashed teal on the emotion curve: the target feeling per stage. An expectation is "
        "contradicted when pain points of its stage speak to it (from at least as many "
        "participants as support it), supported when more participants' delights or positive "
        f"quotes do. How relevance is judged: {escape(ideal.relevance)}.</p></section>"
    )
