"""The intended journey against the actual one, in the HTML map: the "Ideal vs actual" lane
(per stage: target feeling against the curve, each expectation with its status and quotes)
and the section that sums it up, in the map's language (journey.labels: `labels.ideal`).
Everything from users' data is escaped."""

from collections import Counter
from html import escape

from journey.exports import cite, format_ci, format_valence
from journey.labels import EN, Labels
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


def _facts(check: ExpectationCheck, labels: Labels) -> str:
    words = labels.ideal
    against, backing = check.contradicting_participants, check.supporting_participants
    if check.status == "no evidence":
        said = words.no_quote_here
    elif against:
        said = words.against_for.format(
            against=labels.count(against, labels.participants), backing=backing
        )
    else:
        said = words.only_for.format(backing=labels.count(backing, labels.participants))
    if check.elsewhere:
        where = labels.join(
            [labels.also_item.format(name=s, n=n) for s, n in check.elsewhere.items()]
        )
        said += words.said_in.format(stages=where)
    return said


def _expectation(check: ExpectationCheck, labels: Labels) -> str:
    words = labels.ideal
    status = words.statuses.get(check.status, check.status)
    return (
        f'<details class="exp {check.status.replace(" ", "-")}"><summary>'
        f'<span title="{escape(status)}">{_MARK[check.status]}</span> '
        f"{escape(check.expectation)}"
        f'<span class="facts">{escape(labels.kv(status, _facts(check, labels)))}</span>'
        "</summary>"
        + _quotes(words.against, check.contradicting)
        + _quotes(words.backing, check.supporting)
        + "</details>"
    )


def _feeling(gap: StageGap, labels: Labels) -> str:
    words = labels.ideal
    if gap.target_valence is None:
        why = (
            " " + words.origin_note.format(origin=words.origin(gap.target_from))
            if gap.target_from
            else ""
        )
        return f'<span class="gapv muted">{escape(words.no_target + why)}{labels.full_stop}</span>'
    wanted = format_valence(gap.target_valence)
    if gap.target_feeling:
        wanted += f" {labels.emotion(gap.target_feeling)}"
    line = words.target_line.format(
        target="\0",
        actual=format_valence(gap.actual_valence),
        ci=format_ci(gap.ci_low, gap.ci_high),
    )
    if gap.valence_gap is not None:
        line += words.gap.format(gap=f"{gap.valence_gap:+.2f}")
    before, _, after = escape(line).partition("\0")
    status = words.valence_statuses.get(gap.valence_status, gap.valence_status)
    return (
        f'<span class="gapv" title="{escape(words.origin(gap.target_from))}">{before}'
        f'<span class="target-key">{escape(wanted)}</span>{after} · '
        f'<b class="{gap.valence_status.split()[0]}">{escape(status)}</b></span>'
    )


def gap_cell(gap: StageGap | None, labels: Labels = EN) -> str:
    """One stage's cell of the "Ideal vs actual" lane."""
    words = labels.ideal
    if gap is None:
        return f'<span class="empty">{escape(words.not_planned)}</span>'
    kpis = "".join(
        "<li>"
        + escape(
            words.kpi.format(name=k.name)
            + (labels.kv("", str(k.target)) if k.target is not None else "")
        )
        + "</li>"
        for k in gap.kpis
    )
    return (
        _feeling(gap, labels)
        + "".join(_expectation(c, labels) for c in gap.expectations)
        + (f'<ul class="kpis">{kpis}</ul>' if kpis else "")
    )


def ideal_section(ideal: IdealComparison, labels: Labels = EN) -> str:
    """The section under the map: what was compared, the counts, and what could not be."""
    words = labels.ideal
    statuses = Counter(c.status for g in ideal.stages for c in g.expectations)
    below = [g.stage for g in ideal.stages if g.valence_status == "below target"]
    journey = ideal.journey
    items = [
        escape(labels.kv(words.intended, journey.title or words.untitled))
        + ' <span class="muted">'
        + escape(words.origin_note.format(origin=words.origin(journey.origin)))
        + "</span>",
        escape(
            words.expectation_counts.format(
                contradicted=statuses["contradicted"],
                supported=statuses["supported"],
                none=statuses["no evidence"],
            )
        ),
        escape(labels.kv(words.below, labels.join(below) or words.no_stage) + labels.full_stop),
    ]
    if ideal.missing_stages:
        items.append(
            f"<strong>{escape(words.missing)}</strong>"
            + escape(labels.kv("", labels.join(ideal.missing_stages)) + labels.full_stop)
        )
    if ideal.unplanned_stages:
        items.append(
            escape(labels.kv(words.unplanned, labels.join(ideal.unplanned_stages)))
            + escape(labels.full_stop)
        )
    return (
        f"<section><h2>{escape(words.heading)}</h2><ul>"
        + "".join(f"<li>{item}</li>" for item in items)
        + f'</ul><p class="muted">{escape(words.legend.format(relevance=ideal.relevance))}</p>'
        "</section>"
    )
