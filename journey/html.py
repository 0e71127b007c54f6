"""The journey map as one self-contained HTML page: swimlanes, emotion curve, evidence.

No external CSS, scripts, fonts or images: the page opens offline, can be mailed as one
file, and a Content-Security-Policy forbids it to load anything. Everything from users'
data is escaped with `html.escape`.
"""

import re
from dataclasses import dataclass
from html import escape

from journey.curve import curve_axis, curve_cell
from journey.exports import (
    by_priority,
    cite,
    counts,
    format_ci,
    format_valence,
    reach,
    scoring_note,
    source_counts,
    source_name,
)
from journey.gaps import GAP_CSS, gap_cell, gaps_by_stage, ideal_section, targets
from journey.labels import Labels, labels_for
from journey.lanes import (
    SegmentView,
    StandOut,
    characteristic_emotions,
    format_stand_out,
    opportunities,
    segment_views,
)
from journey.schema import Evidence, Finding, JourneyMap, Recommendation, Stage, who_said
from journey.text import shortened

_CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f3f6f9;
  --good: #15803d; --bad: #b91c1c; --mot: #7c3aed; --lane: 7.5rem; --col: 8.5rem; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; color: var(--ink); background: #fff; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif; }
h1 { margin: 0 0 .25rem; font-size: 1.7rem; }
h2 { margin: 1.5rem 0 .5rem; font-size: 1.25rem; border-bottom: 2px solid var(--line); }
h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.meta, cite, .muted { color: var(--muted); font-size: .85rem; }
cite { font-style: normal; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: .75rem 0; padding: 0; }
.summary div { min-width: 8rem; }
.summary dt { color: var(--muted); font-size: .8rem; text-transform: uppercase; }
.summary dd { margin: 0; font-weight: 600; }
.warnings { border-left: 4px solid #d97706; background: #fffbeb; padding: .5rem 1rem; }
.lanes-wrap { overflow-x: auto; }
table.lanes { width: 100%; table-layout: fixed; border-collapse: separate; border-spacing: 0;
  font-size: .9rem; }
.lanes col.lane { width: var(--lane); }
.lanes th, .lanes td { vertical-align: top; text-align: left; border: 3px solid #fff;
  overflow-wrap: anywhere; background-clip: padding-box; }
.lanes thead th { background-color: #1f2933; color: #fff; padding: .4rem .55rem;
  border-radius: 7px; font-size: .95rem; overflow-wrap: break-word; hyphens: auto; }
.lanes thead th.lane, .lanes tbody th { background: #fff; color: var(--muted);
  font-size: .7rem; text-transform: uppercase; padding: .45rem .3rem; overflow-wrap: normal;
  position: sticky; left: 0; z-index: 1; }
.lanes thead .desc { font-weight: 400; font-size: .78rem; opacity: .85; margin: .2rem 0 0;
  display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; }
.lanes td { background-color: var(--bg); border-radius: 7px; padding: .4rem; }
.lanes tr.curve td, .lanes tr.curve th { padding: 0; border-width: 0; border-radius: 0; }
.lanes tr.curve td { background: linear-gradient(#fff, var(--bg)); }
.lanes svg { display: block; width: 100%; overflow: visible; }
.lanes svg text { font-family: inherit; }
.empty { color: #9aa5b1; font-size: .8rem; }
.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem; }
.chips li { background: #e0e7ff; border-radius: 999px; padding: .05rem .5rem; font-size: .8rem; }
.stands li { background: #fde68a; border-radius: 4px; }
.card { background: #fff; border: 1px solid var(--line); border-left: 5px solid #9aa5b1;
  border-radius: 4px; padding: .3rem .45rem; margin: 0 0 .35rem; }
.card summary { cursor: pointer; font-weight: 600; font-size: .85rem; }
.card .facts { display: block; font-weight: 400; color: var(--muted); font-size: .75rem; }
.sev-1 { border-left-color: #facc15; } .sev-2 { border-left-color: #fb923c; }
.sev-3 { border-left-color: #f97316; } .sev-4 { border-left-color: #dc2626; }
.sev-5 { border-left-color: #7f1d1d; background: #fef2f2; }
.delight { border-left-color: #16a34a; }
.opp { border-left-color: #2563eb; font-size: .85rem; }
.opp a { font-weight: 600; text-decoration: none; }
.card.mot { outline: 2px solid var(--mot); }
details.more > summary { cursor: pointer; color: var(--muted); font-size: .78rem; margin: .2rem 0; }
details.more .card { opacity: .85; }
.badge { display: inline-block; border-radius: 3px; padding: 0 .3rem; font-size: .7rem;
  font-weight: 700; color: #fff; background: #52606d; margin-right: .25rem; }
.badge.mot { background: var(--mot); }
.badge.rank { background: #2563eb; }
blockquote { margin: .4rem 0 .4rem .2rem; padding: .1rem .5rem; border-left: 3px solid
  var(--line); }
blockquote p { margin: 0; white-space: pre-line; }
.valence { font-weight: 700; }
.valence.neg { color: var(--bad); } .valence.pos { color: var(--good); }
.quotes { margin: 0; padding-left: 1rem; font-size: .82rem; }
.quotes li { margin-bottom: .25rem; }
.quotes cite { display: block; font-size: .72rem; }
ol.recs > li { margin-bottom: 1rem; }
.seg, .seg-note { display: none; }
.segfeel { color: #2563eb; font-size: .8rem; font-weight: 600; }
.switch { border: 0; padding: 0; margin: 0 0 .5rem; display: flex; flex-wrap: wrap;
  gap: .25rem 1rem; align-items: center; font-size: .85rem; }
.switch legend { float: left; margin-right: .5rem; color: var(--muted); font-size: .8rem;
  text-transform: uppercase; }
a { color: inherit; }
table.lanes.compact { font-size: .8rem; }
.compact { --lane: 6.5rem; --col: 6rem; }
.compact thead th { font-size: .82rem; padding: .35rem .4rem; }
.compact thead .desc { display: none; }
.compact .card summary { font-size: .78rem; }
.compact .chips li { font-size: .72rem; }
.glance-cols { display: flex; flex-wrap: wrap; gap: .5rem 2.5rem; }
.glance-cols > div { flex: 1 1 22rem; }
.glance ol { margin: 0; padding-left: 1.4rem; }
.glance li { margin-bottom: .45rem; }
.glance .facts { display: block; color: var(--muted); font-size: .8rem; }
.glance cite, .glance .facts { overflow-wrap: anywhere; }
.glance blockquote { font-size: .85rem; margin: .15rem 0 0; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { padding: 0; font-size: 10pt; }
  .lanes-wrap { overflow: visible; }
  tr, .card, ol.recs > li, .glance li { break-inside: avoid; }
  /* cards print closed, titles and facts only: opened, a 150-review map printed on 34 pages
     of quotes in narrow columns; the at-a-glance block carries the lead quotes */
  .glance { break-after: page; font-size: 9pt; }
  .lanes thead th { background: #fff; color: #000; border: 1px solid #000; }
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'"

# Beyond this many stages the map switches to its compact mode (smaller type, no stage
# descriptions) so that up to ~13 stages still fit a 1440 px screen without scrolling.
_COMPACT_FROM = 9
# How many cards, quotes or recommendations a lane cell shows before folding the rest.
_CELL_LIMIT = 5
_QUOTE_LIMIT = 2


def _valence_class(valence: float | None) -> str:
    if valence is None:
        return "valence"
    return "valence neg" if valence < 0 else "valence pos" if valence > 0 else "valence"


def _quotes(evidence: list[Evidence], limit: int, labels: Labels) -> str:
    parts = [
        f"<blockquote><p>{escape(e.quote.strip())}</p>"
        f"<footer><cite>— {cite(e, escape)}</cite></footer></blockquote>"
        for e in evidence[:limit]
    ]
    if len(evidence) > limit:
        more = labels.count(len(evidence) - limit, labels.more_quotes)
        parts.append(f'<p class="muted">… {escape(more)}{labels.full_stop}</p>')
    return "".join(parts)


def _anchor(finding_id: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", finding_id)


def _card(f: Finding, kind: str, moments: list[str], ctx: "_Context") -> str:
    classes = ["card", kind]
    # Each segment's reach, shown when the reader switches to it; cards it never raised fade.
    per_segment = ""
    for k, view in enumerate(ctx.views):
        if view.key not in f.segments:  # not counted by segment: nothing to show or fade
            classes.append(f"in-{k}")
            continue
        n = f.segments[view.key].get(view.value, 0)
        if n:
            classes.append(f"in-{k}")
        said = ctx.labels.segment_reach.format(
            label=ctx.labels.segment_label(view.key, view.value), n=n, total=view.participants
        )
        per_segment += f'<span class="seg seg-{k}"> · {escape(said)}</span>'
    labels = ctx.labels
    if kind == "pain":
        classes.append(f"sev-{min(5, max(1, f.severity))}")
    badges = ""
    if kind == "pain":
        badge = labels.severity_badge.format(n=f.severity)
        badges += f'<span class="badge" title="{labels.severity}">{escape(badge)}</span>'
    if f.id in moments:
        classes.append("mot")
        moment = escape(labels.moment_of_truth)
        badges += f'<span class="badge mot" title="{moment}">★ {moment}</span>'
    facts = [
        reach(f, ctx.participants, labels),
        labels.emotion(f.emotion),
        *(labels.touchpoint(t) for t in f.touchpoints),
    ]
    return (
        f'<details class="{" ".join(classes)}" id="{_anchor(f.id)}">'
        f"<summary>{badges}{escape(f.title)}"
        f'<span class="facts">{escape(" · ".join(facts))}{per_segment}</span></summary>'
        f"<p>{escape(f.description)}</p>{_quotes(f.evidence, ctx.quotes, labels)}</details>"
    )


def _folded(items: list[str], label: str, kind: str = "more") -> str:
    """Items past the cell's limit, folded under one line that says how many."""
    if not items:
        return ""
    return f'<details class="more {kind}"><summary>{label}</summary>{"".join(items)}</details>'


def _segment_feelings(stage: Stage, views: list[SegmentView], labels: Labels) -> str:
    out = ""
    for k, view in enumerate(views):
        point = view.curve.get(stage.name)
        said = f"{format_valence(point.mean)} (n = {point.n})" if point else labels.no_quotes_here
        line = labels.kv(labels.segment_label(view.key, view.value), said)
        out += f'<span class="seg seg-{k} segfeel">{escape(line)}</span>'
    return out


def _feeling_cell(stage: Stage, ctx: "_Context") -> str:
    stand_outs = ctx.stand_outs.get(stage.name, [])
    return _feeling(stage, stand_outs, ctx.labels) + _segment_feelings(stage, ctx.views, ctx.labels)


def _feeling(stage: Stage, stand_outs: list[StandOut], labels: Labels) -> str:
    e = stage.emotion
    if e.mean_valence is None:
        return f'<span class="empty">{escape(labels.no_quotes_here_sentence)}</span>'
    spread = labels.n_and_ci.format(n=e.n, ci=format_ci(e.ci_low, e.ci_high))
    head = (
        f'<span class="{_valence_class(e.mean_valence)}">{format_valence(e.mean_valence)}</span>'
        f' <span class="muted">{escape(spread)}</span>'
    )
    if stand_outs:
        chips = "".join(
            f'<li title="{escape(labels.stand_out_tip.format(count=s.count, z=s.z))}">'
            f"{escape(format_stand_out(s, labels))}</li>"
            for s in stand_outs
        )
        return (
            f'{head}<ul class="chips stands" aria-label="{escape(labels.stands_out)}">{chips}</ul>'
        )
    usual = labels.join([labels.emotion(x) for x in e.labels[:2]])
    mostly = labels.mostly.format(labels=usual) if usual else ""
    return (
        f'{head}<br><span class="muted">'
        f"{escape(labels.nothing_stands_out + mostly + labels.full_stop)}</span>"
    )


def _touchpoints_cell(stage: Stage, labels: Labels) -> str:
    chips = "".join(
        f'<li title="{escape(labels.touchpoint_kind(t.channel, t.type.value))}">'
        f"{escape(labels.touchpoint(t.name))} "
        f'<span class="muted">{t.participants}</span></li>'
        for t in stage.touchpoints
    )
    return f'<ul class="chips">{chips}</ul>' if chips else '<span class="empty">–</span>'


def _who(e: Evidence) -> str:
    """A short citation for a lane cell (the full one is its tooltip): who, in which file."""
    who = who_said(e)
    return f"— {who + ', ' if who else ''}{source_name(e.source_path)}"


def _quotes_cell(evidence: list[Evidence], labels: Labels) -> str:
    """Short quotes (needs, actions) with their citations, the rest folded away."""
    if not evidence:
        return '<span class="empty">–</span>'
    items = [
        f"<li>{escape(e.quote.strip())}"
        f'<cite title="{cite(e, escape)}">{escape(_who(e))}</cite></li>'
        for e in evidence
    ]
    rest = items[_QUOTE_LIMIT:]
    folded = (
        f'<details class="more"><summary>{escape(labels.more.format(n=len(rest)))}</summary>'
        f'<ul class="quotes">{"".join(rest)}</ul></details>'
        if rest
        else ""
    )
    return f'<ul class="quotes">{"".join(items[:_QUOTE_LIMIT])}</ul>{folded}'


def _findings_cell(
    stage: Stage, kind: str, findings: list[Finding], once: list[Finding], ctx: "_Context"
) -> str:
    def card(f: Finding) -> str:
        return _card(f, kind, stage.moments_of_truth, ctx)

    labels = ctx.labels
    shown = [card(f) for f in findings[:_CELL_LIMIT]]
    more = [card(f) for f in findings[_CELL_LIMIT:]]
    if not shown and not once:
        return '<span class="empty">–</span>'
    return (
        "".join(shown)
        + _folded(more, escape(labels.more.format(n=len(more))))
        # Raised by too few people to headline: kept, folded away under one line.
        + _folded(
            [card(f) for f in once], escape(labels.mentioned_once.format(n=len(once))), "once"
        )
    )


def _opportunities_cell(recs: list[Recommendation], ctx: "_Context") -> str:
    if not recs:
        return '<span class="empty">–</span>'
    labels = ctx.labels
    cards = []
    for r in recs:
        # Offline titles already end in the theme's title: say it again only when they don't.
        addressed = labels.join(
            [
                t
                for t in (ctx.titles.get(a, a) for a in r.addresses)
                if t.casefold() not in r.title.casefold()
            ]
        )
        facts = labels.facts.format(priority=r.priority, impact=r.impact, effort=r.effort)
        cards.append(
            f'<div class="card opp"><span class="badge rank" title="{escape(labels.rank_tip)}">'
            f'#{ctx.rank[r.id]}</span><a href="#{_anchor(r.id)}">{escape(r.title)}</a>'
            f'<span class="facts">{escape(facts)}</span>'
            + (
                f'<span class="facts">{escape(labels.addressed_for.format(titles=addressed))}'
                "</span>"
                if addressed
                else ""
            )
            + "</div>"
        )
    return "".join(cards[:_CELL_LIMIT]) + _folded(
        cards[_CELL_LIMIT:], escape(labels.more.format(n=len(cards) - _CELL_LIMIT))
    )


@dataclass(frozen=True)
class _Context:
    """What every lane cell needs from the whole map, computed once."""

    participants: int
    quotes: int
    stand_outs: dict[str, list[StandOut]]
    opportunities: dict[str, list[Recommendation]]
    rank: dict[str, int]
    titles: dict[str, str]
    views: list[SegmentView]
    unplaced: list[Recommendation]
    """Recommendations for stages the map does not have (renamed or removed by an edit)."""
    labels: Labels


def _context(m: JourneyMap, quotes: int) -> _Context:
    per_stage, unplaced = opportunities(m)
    return _Context(
        participants=m.sources.participants,
        quotes=quotes,
        stand_outs=characteristic_emotions(m),
        opportunities=per_stage,
        rank={r.id: n for n, r in enumerate(by_priority(m), start=1)},
        titles={f.id: f.title for s in m.stages for f in (*s.pain_points, *s.pain_points_once)},
        views=segment_views(m),
        unplaced=unplaced,
        labels=labels_for(m.language),
    )


def _switcher(views: list[SegmentView], labels: Labels) -> str:
    """Radio buttons that switch the map to one segment: no script, CSS `:has()` does it."""
    if not views:
        return ""
    options = "".join(
        f'<label><input type="radio" name="segment" id="seg-{k}"> '
        f"{escape(labels.segment_label(v.key, v.value))} "
        f'<span class="muted">({v.participants})</span></label>'
        for k, v in enumerate(views)
    )
    return (
        f'<fieldset class="switch"><legend>{escape(labels.show_segment)}</legend><label>'
        f'<input type="radio" name="segment" id="seg-all" checked> {escape(labels.everyone)}'
        f'</label>{options}<span class="muted seg-note">{escape(labels.segment_note)}'
        "</span></fieldset>"
    )


def _segment_css(views: list[SegmentView]) -> str:
    return "".join(
        f"body:has(#seg-{k}:checked) .seg-{k} {{ display: inline; }}\n"
        f"body:has(#seg-{k}:checked) .segfeel.seg-{k} {{ display: block; }}\n"
        f"body:has(#seg-{k}:checked) .card:not(.opp, .in-{k}) {{ opacity: .35; }}\n"
        for k in range(len(views))
    ) + ("body:has(#seg-all:not(:checked)) .seg-note { display: inline; }\n" if views else "")


def _lanes(m: JourneyMap, ctx: _Context) -> str:
    """The swimlane grid: stages as equal columns, a row per lane, the curve on the columns."""
    stages = m.stages
    labels = ctx.labels
    compact = len(stages) >= _COMPACT_FROM
    head = "".join(
        f'<th scope="col" data-stage="{i}" title="{escape(s.description)}">'
        f'{s.order}. {escape(s.name)}<p class="desc">{escape(s.description)}</p></th>'
        for i, s in enumerate(stages)
    )
    wanted = targets(m)
    lanes: list[tuple[str, str, list[str]]] = [
        (
            curve_axis(labels),
            "curve",
            [curve_cell(stages, i, ctx.views, labels, wanted) for i in range(len(stages))],
        ),
        (escape(labels.feeling), "", [_feeling_cell(s, ctx) for s in stages]),
        (escape(labels.doing), "", [_quotes_cell(s.actions, labels) for s in stages]),
        (escape(labels.touchpoints), "", [_touchpoints_cell(s, labels) for s in stages]),
        (
            escape(labels.pain_points_lane),
            "",
            [
                _findings_cell(s, "pain", list(s.pain_points), list(s.pain_points_once), ctx)
                for s in stages
            ],
        ),
        (
            escape(labels.opportunities),
            "",
            [_opportunities_cell(ctx.opportunities.get(s.name, []), ctx) for s in stages],
        ),
        (
            escape(labels.delights_lane),
            "",
            [
                _findings_cell(s, "delight", list(s.delights), list(s.delights_once), ctx)
                for s in stages
            ],
        ),
        (escape(labels.needs), "", [_quotes_cell(s.needs, labels) for s in stages]),
    ]
    if m.ideal is not None:  # the intended journey held against this one, under the feeling
        gaps = gaps_by_stage(m)
        cells = [gap_cell(gaps.get(s.name), labels) for s in stages]
        lanes.insert(2, (escape(labels.ideal.heading), "", cells))
    rows = "".join(
        f'<tr{f" class={chr(34)}{cls}{chr(34)}" if cls else ""}><th scope="row">{name}</th>'
        + "".join(f'<td data-stage="{i}">{c}</td>' for i, c in enumerate(cells))
        + "</tr>"
        for name, cls, cells in lanes
    )
    # Below this width the columns stop shrinking and the lane scrolls sideways instead.
    floor = f"min-width: calc(var(--lane) + {len(stages)} * var(--col))"
    return (
        f'{_switcher(ctx.views, labels)}<div class="lanes-wrap">'
        f'<table class="lanes{" compact" if compact else ""}" '
        f'style="{floor}"><colgroup><col class="lane"><col span="{max(1, len(stages))}">'
        f'</colgroup><thead><tr><th scope="col" class="lane">{escape(labels.stage)}</th>'
        f"{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table></div>"
    )


GLANCE_PAINS, GLANCE_DELIGHTS = 5, 3
"""Findings the at-a-glance block lists: a read-out starts with them."""


def _glance(m: JourneyMap, ctx: "_Context") -> str:
    """The study's widest pain points and delights with their reach, stage and first quote,
    above the map: a stakeholder read-out starts there (a trial found them only as cards
    scattered over seven columns)."""
    labels = ctx.labels
    located = {f.id: (s, f) for s in m.stages for f in (*s.pain_points, *s.delights)}

    def listed(ids: list[str], limit: int, pain: bool) -> str:
        items = []
        for i in ids[:limit]:
            if i not in located:
                continue
            stage, f = located[i]
            facts = [reach(f, ctx.participants, labels), f.home_stage or stage.name]
            if pain:
                facts.append(f"{labels.severity} {f.severity}/5")
            quote = (
                f"<blockquote><p>{escape(shortened(f.evidence[0].quote.strip(), 180))}</p>"
                f"<footer><cite>— {cite(f.evidence[0], escape)}</cite></footer></blockquote>"
                if f.evidence
                else ""
            )
            items.append(
                f'<li><a href="#{_anchor(f.id)}"><strong>{escape(f.title)}</strong></a>'
                f'<span class="facts">{escape(" · ".join(facts))}</span>{quote}</li>'
            )
        return "".join(items)

    pains = listed(m.top_pain_points, GLANCE_PAINS, True)
    delights = listed(m.top_delights, GLANCE_DELIGHTS, False)
    if not pains and not delights:
        return ""
    return (
        f'<section class="glance"><h2>{escape(labels.at_a_glance)}</h2><div class="glance-cols">'
        + (f"<div><h3>{escape(labels.glance_pains)}</h3><ol>{pains}</ol></div>" if pains else "")
        + (
            f"<div><h3>{escape(labels.glance_delights)}</h3><ol>{delights}</ol></div>"
            if delights
            else ""
        )
        + "</div></section>\n"
    )


def _recommendations(m: JourneyMap, quotes: int, labels: Labels) -> str:
    note = scoring_note(m)
    items = []
    for r in by_priority(m):
        links = ", ".join(f'<a href="#{_anchor(a)}">{escape(a)}</a>' for a in r.addresses)
        said = escape(labels.count(len(r.evidence), labels.quotes))
        evidence = (
            f"<details><summary>{escape(labels.evidence_quotes).format(quotes=said)}</summary>"
            f"{_quotes(r.evidence, quotes, labels)}</details>"
            if r.evidence
            else ""
        )
        meta = escape(labels.recommendation_meta).format(
            priority=r.priority,
            stage=escape(r.stage),
            impact=r.impact,
            effort=r.effort,
            addresses=links or escape(labels.nothing_listed),
        )
        items.append(
            f'<li id="{_anchor(r.id)}"><h3>{escape(r.title)}</h3>'
            f'<p class="meta">{meta}</p>'
            f"<p>{escape(r.rationale)}</p>"
            + (
                f'<p class="meta">{escape(r.scoring)}</p>'
                if r.scoring and r.scoring != note
                else ""
            )
            + f"{evidence}</li>"
        )
    if not items:
        return f'<p class="muted">{escape(labels.no_recommendations)}</p>'
    return (
        f'<p class="meta">{escape(labels.kv(labels.scoring, note))}</p>'
        f'<ol class="recs">{"".join(items)}</ol>'
    )


def to_html(m: JourneyMap, *, quotes: int = 5) -> str:
    """The map as one self-contained, print-friendly HTML page (`quotes` per finding), in the
    map's language."""
    ctx = _context(m, quotes)
    labels = ctx.labels
    src, gen, st = m.sources, m.generator, m.stats
    generator = labels.generator_short.format(mode=labels.mode(gen.mode), model=gen.model)
    if gen.prompt_version:
        generator += labels.prompts_short.format(version=gen.prompt_version)
    summary = [
        (labels.sources, source_counts(m, labels)),
        (labels.participants_label, str(src.participants)),
        (labels.languages, counts(src.languages, labels)),
        *(
            (f"{labels.segment} {labels.segment_key(k)}", counts(v, labels))
            for k, v in src.segments.items()
        ),
        (labels.generator, generator),
        *(
            [(labels.stages, labels.stage_origin(str(gen.settings["stages"])))]
            if gen.settings.get("stages")
            else []
        ),
        (
            labels.quotes_label,
            labels.quotes_line.format(used=st.quotes_used, rejected=st.quotes_rejected),
        ),
        *(
            [
                (
                    "LLM",
                    labels.llm_line.format(
                        calls=st.llm.calls,
                        cached=st.llm.cached_calls,
                        tokens=st.llm.prompt_tokens + st.llm.completion_tokens,
                    ),
                )
            ]
            if st.llm
            else []
        ),
    ]
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in summary)
    warnings = (
        f'<div class="warnings"><strong>{escape(labels.read_with_care)}</strong><ul>'
        + "".join(f"<li>{escape(w)}</li>" for w in m.warnings)
        + "</ul></div>"
        if m.warnings
        else ""
    )
    intro = labels.page_intro.format(
        project=m.project,
        when=f"{m.generated_at:%Y-%m-%d %H:%M}",
        id=m.id,
        schema=m.schema_version,
    )
    unplaced = (
        labels.unplaced_legend.format(titles=labels.join([r.title for r in ctx.unplaced]))
        if ctx.unplaced
        else ""
    )
    footer = labels.footer.format(
        sentences=st.sentences,
        observations=st.observations,
        used=st.quotes_used,
        rejected=st.quotes_rejected,
        relocated=st.quotes_relocated,
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{m.language}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(labels.page_title.format(title=m.title))}</title>\n"
        f"<style>{_CSS}{GAP_CSS if m.ideal else ''}{_segment_css(ctx.views)}</style>\n"
        "</head>\n"
        f"<body>\n<header><h1>{escape(m.title)}</h1>"
        f'<p class="meta">{escape(intro)}</p>'
        f'<dl class="summary">{dl}</dl>{warnings}</header>\n'
        + _glance(m, ctx)
        + f"<section><h2>{escape(labels.journey_map)}</h2>{_lanes(m, ctx)}"
        f'<p class="muted">{escape(labels.legend + unplaced)}</p></section>\n'
        + (ideal_section(m.ideal, labels) + "\n" if m.ideal else "")
        + f"<section><h2>{escape(labels.recommendations)}</h2>"
        f"{_recommendations(m, quotes, labels)}</section>\n"
        f'<footer class="meta"><p>{escape(footer)}</p></footer>\n</body>\n</html>\n'
    )
