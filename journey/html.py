"""The journey map as one self-contained HTML page: swimlanes, emotion curve, evidence.

No external CSS, scripts, fonts or images: the page opens offline, can be mailed as one
file, and a Content-Security-Policy forbids it to load anything. Everything from users'
data is escaped with `html.escape`.
"""

import math
import re
import unicodedata
from html import escape

from journey.exports import (
    by_priority,
    cite,
    counts,
    format_ci,
    format_valence,
    plural,
    reach,
    scoring_note,
)
from journey.schema import Evidence, Finding, JourneyMap, Stage

_CSS = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #d9e2ec; --bg: #f8fafc;
  --good: #15803d; --bad: #b91c1c; --mot: #7c3aed; }
* { box-sizing: border-box; }
body { margin: 0; padding: 1.5rem; color: var(--ink); background: #fff; line-height: 1.45;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC",
  "Microsoft YaHei", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif; }
h1 { margin: 0 0 .25rem; font-size: 1.7rem; }
h2 { margin: 2rem 0 .75rem; font-size: 1.25rem; border-bottom: 2px solid var(--line); }
h3 { margin: 0 0 .25rem; font-size: 1.05rem; }
.meta, cite, .muted { color: var(--muted); font-size: .85rem; }
cite { font-style: normal; }
.summary { display: flex; flex-wrap: wrap; gap: .5rem 2rem; margin: .75rem 0; padding: 0; }
.summary div { min-width: 8rem; }
.summary dt { color: var(--muted); font-size: .8rem; text-transform: uppercase; }
.summary dd { margin: 0; font-weight: 600; }
.warnings { border-left: 4px solid #d97706; background: #fffbeb; padding: .5rem 1rem; }
.curve svg { max-width: 100%; height: auto; display: block; }
.curve text { font-family: inherit; }
.lanes-wrap { overflow-x: auto; }
table.lanes { border-collapse: separate; border-spacing: .4rem; table-layout: fixed;
  min-width: 100%; }
.lanes th, .lanes td { vertical-align: top; text-align: left; }
.lanes thead th { background: #1f2933; color: #fff; padding: .5rem .6rem; min-width: 15rem;
  border-radius: 4px; }
.lanes thead th.lane, .lanes tbody th { background: none; color: var(--muted);
  min-width: 7rem; width: 7rem; font-size: .8rem; text-transform: uppercase; }
.lanes thead .desc { font-weight: 400; font-size: .8rem; opacity: .85; margin: .25rem 0 0; }
.lanes td { background: var(--bg); border-radius: 4px; padding: .4rem; }
.chips { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem; }
.chips li { background: #e0e7ff; border-radius: 999px; padding: .1rem .6rem; font-size: .85rem; }
.card { background: #fff; border: 1px solid var(--line); border-left: 6px solid #9aa5b1;
  border-radius: 4px; padding: .35rem .5rem; margin: 0 0 .4rem; }
.card summary { cursor: pointer; font-weight: 600; }
.card .facts { display: block; font-weight: 400; color: var(--muted); font-size: .8rem; }
.sev-1 { border-left-color: #facc15; } .sev-2 { border-left-color: #fb923c; }
.sev-3 { border-left-color: #f97316; } .sev-4 { border-left-color: #dc2626; }
.sev-5 { border-left-color: #7f1d1d; background: #fef2f2; }
.delight { border-left-color: #16a34a; }
.mot { outline: 2px solid var(--mot); }
.once > summary { cursor: pointer; color: var(--muted); font-size: .8rem; margin: .2rem 0; }
.once .card { opacity: .85; }
.badge { display: inline-block; border-radius: 3px; padding: 0 .35rem; font-size: .75rem;
  font-weight: 700; color: #fff; background: #52606d; margin-right: .25rem; }
.badge.mot { background: var(--mot); outline: none; }
blockquote { margin: .5rem 0 .5rem .25rem; padding: .1rem .6rem; border-left: 3px solid
  var(--line); }
blockquote p { margin: 0; white-space: pre-line; }
.valence { font-weight: 700; }
.valence.neg { color: var(--bad); } .valence.pos { color: var(--good); }
.needs { margin: 0; padding-left: 1.1rem; font-size: .9rem; }
ol.recs > li { margin-bottom: 1rem; }
a { color: inherit; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { padding: 0; font-size: 10pt; }
  .lanes-wrap { overflow: visible; }
  tr, .card, ol.recs > li { break-inside: avoid; }
  details::details-content { content-visibility: visible; display: block; }
  .lanes thead th { background: #fff; color: #000; border: 1px solid #000; }
}
"""

_CSP = "default-src 'none'; style-src 'unsafe-inline'"

# The SVG's geometry (user units).
_TOP, _PLOT_H, _BOTTOM, _LEFT, _RIGHT = 34, 170, 64, 64, 16


def _lang(m: JourneyMap) -> str:
    """The page's language: the sources' most common one (it picks CJK glyph forms)."""
    if not m.sources.languages:
        return "und"
    lang = max(m.sources.languages.items(), key=lambda kv: kv[1])[0]
    return lang if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", lang) else "und"


def _width(text: str) -> int:
    """Display width in Latin-letter units: CJK characters count twice."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _shorten(text: str, width: int) -> str:
    out = ""
    for char in text:
        if _width(out + char) > width - 1:
            return out.rstrip() + "…"
        out += char
    return out


def _valence_class(valence: float | None) -> str:
    if valence is None:
        return "valence"
    return "valence neg" if valence < 0 else "valence pos" if valence > 0 else "valence"


def _quotes(evidence: list[Evidence], limit: int) -> str:
    parts = [
        f"<blockquote><p>{escape(e.quote.strip())}</p>"
        f"<footer><cite>— {cite(e, escape)}</cite></footer></blockquote>"
        for e in evidence[:limit]
    ]
    if len(evidence) > limit:
        parts.append(
            f'<p class="muted">… and {len(evidence) - limit} more '
            f"{plural(len(evidence) - limit, 'quote')}.</p>"
        )
    return "".join(parts)


def _anchor(finding_id: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]", "-", finding_id)


def _card(f: Finding, kind: str, participants: int, moments: list[str], quotes: int) -> str:
    classes = ["card", kind]
    if kind == "pain":
        classes.append(f"sev-{min(5, max(1, f.severity))}")
    badges = ""
    if kind == "pain":
        badges += f'<span class="badge" title="severity">S{f.severity}</span>'
    if f.id in moments:
        classes.append("mot")
        badges += '<span class="badge mot" title="moment of truth">★ moment of truth</span>'
    facts = [reach(f, participants), f.emotion, *f.touchpoints]
    return (
        f'<details class="{" ".join(classes)}" id="{_anchor(f.id)}">'
        f"<summary>{badges}{escape(f.title)}"
        f'<span class="facts">{escape(" · ".join(facts))}</span></summary>'
        f"<p>{escape(f.description)}</p>{_quotes(f.evidence, quotes)}</details>"
    )


def _emotion_cell(stage: Stage) -> str:
    e = stage.emotion
    if e.mean_valence is None:
        return '<span class="muted">No quotes in this stage.</span>'
    labels = escape(", ".join(e.labels[:3]))
    return (
        f'<span class="{_valence_class(e.mean_valence)}">{format_valence(e.mean_valence)}</span>'
        f' <span class="muted">95% CI {format_ci(e.ci_low, e.ci_high)} · n = {e.n}</span>'
        f"<br>{labels}"
    )


def _touchpoints_cell(stage: Stage) -> str:
    chips = "".join(
        f'<li title="{escape(f"{t.channel}, {t.type.value}")}">{escape(t.name)} '
        f'<span class="muted">{t.participants}</span></li>'
        for t in stage.touchpoints
    )
    return f'<ul class="chips">{chips}</ul>' if chips else ""


def _needs_cell(stage: Stage) -> str:
    needs = "".join(
        f"<li>{escape(n.quote.strip())} <cite>— {cite(n, escape)}</cite></li>" for n in stage.needs
    )
    return f'<ul class="needs">{needs}</ul>' if needs else ""


def _lanes(m: JourneyMap, quotes: int) -> str:
    """The swimlane grid: stages as columns, a row per lane."""
    everyone = m.sources.participants

    def cards(stage: Stage, kind: str, findings: list[Finding], once: list[Finding]) -> str:
        moments = stage.moments_of_truth
        shown = "".join(_card(f, kind, everyone, moments, quotes) for f in findings)
        if not once:
            return shown
        # Raised by too few people to headline: kept, folded away under one line.
        folded = "".join(_card(f, kind, everyone, moments, quotes) for f in once)
        return (
            f'{shown}<details class="once"><summary>{len(once)} mentioned once</summary>'
            f"{folded}</details>"
        )

    head = "".join(
        f'<th scope="col">{s.order}. {escape(s.name)}<p class="desc">{escape(s.description)}</p>'
        "</th>"
        for s in m.stages
    )
    lanes: list[tuple[str, list[str]]] = [
        ("Emotion", [_emotion_cell(s) for s in m.stages]),
        ("Touchpoints", [_touchpoints_cell(s) for s in m.stages]),
        (
            "Pain points",
            [cards(s, "pain", list(s.pain_points), list(s.pain_points_once)) for s in m.stages],
        ),
        (
            "Delights",
            [cards(s, "delight", list(s.delights), list(s.delights_once)) for s in m.stages],
        ),
        ("Needs", [_needs_cell(s) for s in m.stages]),
    ]
    rows = "".join(
        f'<tr><th scope="row">{name}</th>' + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"
        for name, cells in lanes
    )
    return (
        '<div class="lanes-wrap"><table class="lanes">'
        f'<thead><tr><th scope="col" class="lane">Lane</th>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


def _star(x: float, y: float, r: float) -> str:
    """Points of a five-pointed star centred on (x, y)."""
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        points.append(f"{x + radius * math.cos(angle):.1f},{y - radius * math.sin(angle):.1f}")
    return " ".join(points)


def _curve(m: JourneyMap) -> str:
    """The emotion curve as inline SVG: mean valence per stage, 95% CI bars, zero line."""
    n = max(1, len(m.stages))
    col = max(110.0, min(200.0, 960.0 / n))
    width = _LEFT + col * n + _RIGHT
    height = _TOP + _PLOT_H + _BOTTOM

    def y(v: float) -> float:
        return _TOP + (2 - min(2.0, max(-2.0, v))) / 4 * _PLOT_H

    def x(i: int) -> float:
        return _LEFT + col * (i + 0.5)

    parts = [
        f'<svg viewBox="0 0 {width:.0f} {height}" width="{width:.0f}" height="{height}" '
        'role="img" aria-labelledby="curve-title">',
        '<title id="curve-title">Emotion curve: mean valence per stage, -2 (very negative) '
        "to +2 (very positive), with 95% confidence intervals</title>",
    ]
    for v in (-2, -1, 0, 1, 2):
        stroke = 'stroke="#52606d" stroke-dasharray="4 3"' if v == 0 else 'stroke="#e4e7eb"'
        parts.append(
            f'<line x1="{_LEFT}" x2="{width - _RIGHT:.0f}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f"{stroke}/>"
            f'<text x="{_LEFT - 8}" y="{y(v) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#616e7c">{f"{v:+d}" if v else "0"}</text>'
        )
    mid = _TOP + _PLOT_H / 2
    parts.append(
        f'<text transform="translate(14 {mid:.0f}) rotate(-90)" text-anchor="middle" '
        'font-size="11" fill="#616e7c">Mean valence</text>'
    )
    # A line joins neighbouring stages only: a stage without quotes breaks it.
    segments: list[list[str]] = [[]]
    for i, stage in enumerate(m.stages):
        mean = stage.emotion.mean_valence
        if mean is None:
            segments.append([])
        else:
            segments[-1].append(f"{x(i):.1f},{y(mean):.1f}")
    parts += [
        f'<polyline points="{" ".join(s)}" fill="none" stroke="#52606d" stroke-width="2"/>'
        for s in segments
        if len(s) > 1
    ]
    for i, stage in enumerate(m.stages):
        e, cx = stage.emotion, x(i)
        label = _shorten(f"{stage.order}. {stage.name}", int(col / 7))
        parts.append(
            f'<text x="{cx:.1f}" y="{_TOP + _PLOT_H + 22}" text-anchor="middle" font-size="12">'
            f"<title>{escape(stage.name)}</title>{escape(label)}</text>"
        )
        if stage.moments_of_truth:
            titles = {f.id: f.title for f in [*stage.pain_points, *stage.delights]}
            moments = ", ".join(titles.get(i, i) for i in stage.moments_of_truth)
            parts.append(
                f'<polygon points="{_star(cx, _TOP - 16, 9)}" fill="#7c3aed">'
                f"<title>Moment of truth: {escape(moments)}</title></polygon>"
            )
        if e.mean_valence is None:
            parts.append(
                f'<text x="{cx:.1f}" y="{mid - 6:.1f}" text-anchor="middle" font-size="11" '
                'font-style="italic" fill="#9aa5b1">no quotes</text>'
            )
            continue
        if e.ci_low is not None and e.ci_high is not None:
            lo, hi = y(e.ci_low), y(e.ci_high)
            parts.append(
                f'<path d="M{cx:.1f} {hi:.1f}V{lo:.1f}M{cx - 6:.1f} {hi:.1f}h12'
                f'M{cx - 6:.1f} {lo:.1f}h12" stroke="#9aa5b1" stroke-width="1.5" fill="none"/>'
            )
        colour = "#b91c1c" if e.mean_valence < 0 else "#15803d"
        tip = (
            f"{stage.name}: {format_valence(e.mean_valence)}, 95% CI "
            f"{format_ci(e.ci_low, e.ci_high)}, n = {e.n}"
        )
        parts.append(
            f'<circle cx="{cx:.1f}" cy="{y(e.mean_valence):.1f}" r="6" fill="{colour}">'
            f"<title>{escape(tip)}</title></circle>"
            f'<text x="{cx + 10:.1f}" y="{y(e.mean_valence) - 8:.1f}" font-size="11" '
            f'fill="{colour}">{format_valence(e.mean_valence)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _recommendations(m: JourneyMap, quotes: int) -> str:
    note = scoring_note(m)
    items = []
    for r in by_priority(m):
        links = ", ".join(f'<a href="#{_anchor(a)}">{escape(a)}</a>' for a in r.addresses)
        evidence = (
            f"<details><summary>Evidence ({len(r.evidence)} "
            f"{plural(len(r.evidence), 'quote')})</summary>"
            f"{_quotes(r.evidence, quotes)}</details>"
            if r.evidence
            else ""
        )
        items.append(
            f"<li><h3>{escape(r.title)}</h3>"
            f'<p class="meta">priority {r.priority:.2f} · stage {escape(r.stage)} · impact '
            f"{r.impact:.2f} · effort {r.effort} · addresses {links or 'nothing listed'}</p>"
            f"<p>{escape(r.rationale)}</p>"
            + (
                f'<p class="meta">{escape(r.scoring)}</p>'
                if r.scoring and r.scoring != note
                else ""
            )
            + f"{evidence}</li>"
        )
    if not items:
        return '<p class="muted">None.</p>'
    return f'<p class="meta">Scoring: {escape(note)}</p><ol class="recs">{"".join(items)}</ol>'


def to_html(m: JourneyMap, *, quotes: int = 5) -> str:
    """The map as one self-contained, print-friendly HTML page (`quotes` per finding)."""
    src, gen, st = m.sources, m.generator, m.stats
    generator = f"{gen.mode} · {gen.model}"
    if gen.prompt_version:
        generator += f" · prompts {gen.prompt_version}"
    summary = [
        ("Sources", f"{src.count} ({counts(src.kinds)})"),
        ("Participants", str(src.participants)),
        ("Languages", counts(src.languages)),
        *((f"Segment {k}", counts(v)) for k, v in src.segments.items()),
        ("Generator", generator),
        ("Quotes", f"{st.quotes_used} used · {st.quotes_rejected} rejected by grounding"),
        *(
            [
                (
                    "LLM",
                    f"{st.llm.calls} calls · {st.llm.cached_calls} from cache · "
                    f"{st.llm.prompt_tokens + st.llm.completion_tokens} tokens",
                )
            ]
            if st.llm
            else []
        ),
    ]
    dl = "".join(f"<div><dt>{escape(k)}</dt><dd>{escape(v)}</dd></div>" for k, v in summary)
    warnings = (
        '<div class="warnings"><strong>Read with care</strong><ul>'
        + "".join(f"<li>{escape(w)}</li>" for w in m.warnings)
        + "</ul></div>"
        if m.warnings
        else ""
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{_lang(m)}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(m.title)} — journey map</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<header><h1>{escape(m.title)}</h1>"
        f'<p class="meta">Draft customer journey map of project {escape(m.project)} · '
        f"generated {m.generated_at:%Y-%m-%d %H:%M} UTC · map {escape(m.id)} · "
        f"schema {escape(m.schema_version)}</p>"
        f'<dl class="summary">{dl}</dl>{warnings}</header>\n'
        f'<section class="curve"><h2>Emotion curve</h2>{_curve(m)}'
        '<p class="muted">Points: mean valence of the stage\'s quotes; bars: 95% confidence '
        "interval; ★: a moment of truth.</p></section>\n"
        f'<section><h2>Journey map</h2>{_lanes(m, quotes)}<p class="muted">Open a pain point '
        "or delight to read its quotes. Bar colour: severity, yellow (1) to dark red (5)."
        "</p></section>\n"
        f"<section><h2>Recommendations</h2>{_recommendations(m, quotes)}</section>\n"
        f'<footer class="meta"><p>{st.sentences} participant sentences read · '
        f"{st.observations} observations · {st.quotes_used} quotes used · "
        f"{st.quotes_rejected} rejected and {st.quotes_relocated} re-located by grounding."
        "</p></footer>\n</body>\n</html>\n"
    )
