"""The emotion curve of the HTML map, drawn on the lanes' own columns.

Each stage's column holds its piece of the curve as inline SVG: the point at the column's
centre, its confidence interval, a moment-of-truth ring, and the half-lines to the
neighbours' points. Horizontal positions are percentages of the column, so the curve stays
over its stages however the columns shrink or wrap.
"""

import math
from collections.abc import Sequence
from html import escape

from journey.exports import format_ci, format_valence
from journey.labels import EN, Labels
from journey.lanes import SegmentPoint, SegmentView
from journey.schema import Stage

# Geometry (px): valence +2 at TOP, -2 at TOP + PLOT_H; HEIGHT is the row's height.
TOP, PLOT_H, HEIGHT = 22, 120, 166
_SEGMENT = "#2563eb"
_TARGET = "#0f766e"


def _y(valence: float) -> float:
    return TOP + (2 - min(2.0, max(-2.0, valence))) / 4 * PLOT_H


def _star(x: float, y: float, r: float) -> str:
    """Points of a five-pointed star centred on (x, y)."""
    points = []
    for i in range(10):
        radius = r if i % 2 == 0 else r * 0.45
        angle = math.pi / 2 + i * math.pi / 5
        points.append(f"{x + radius * math.cos(angle):.1f},{y - radius * math.sin(angle):.1f}")
    return " ".join(points)


def curve_axis(labels: Labels = EN) -> str:
    """The curve row's header: its name and the valence scale, at the cells' heights."""
    first, second = (escape(word) for word in labels.curve_axis)
    ticks = "".join(
        f'<text x="100%" dx="-6" y="{_y(v) + 4:.1f}" text-anchor="end" font-size="11" '
        f'fill="#616e7c">{f"{v:+d}" if v else "0"}</text>'
        for v in (-2, -1, 0, 1, 2)
    )
    return (
        f'<svg height="{HEIGHT}" aria-hidden="true">'
        f'<text x="4" y="{TOP + PLOT_H / 2 - 6:.0f}" font-size="11" fill="#616e7c">{first}'
        f'</text><text x="4" y="{TOP + PLOT_H / 2 + 8:.0f}" font-size="11" fill="#616e7c">'
        f"{second}</text>{ticks}</svg>"
    )


def _half_lines(y: float, i: int, means: list[float | None], attrs: str) -> str:
    """Lines from the point to the column edges, at the mean height with each neighbour."""
    out = ""
    for j, edge in ((i - 1, "0"), (i + 1, "100%")):
        other = means[j] if 0 <= j < len(means) else None
        if other is not None:
            out += (
                f'<line x1="{edge}" y1="{(y + _y(other)) / 2:.1f}" x2="50%" y2="{y:.1f}" {attrs}/>'
            )
    return out


def _ci(low: float | None, high: float | None, colour: str) -> str:
    if low is None or high is None:
        return ""
    lo, hi = _y(low), _y(high)
    return (
        f'<path d="M0 {hi:.1f}V{lo:.1f}M-6 {hi:.1f}h12M-6 {lo:.1f}h12" stroke="{colour}" '
        'stroke-width="1.5" fill="none"/>'
    )


def _segment_piece(stages: list[Stage], i: int, k: int, view: SegmentView, labels: Labels) -> str:
    """Segment k's piece of its own curve in stage i: dashed, with a hollow diamond."""
    means = [p.mean if (p := view.curve.get(s.name)) is not None else None for s in stages]
    point: SegmentPoint | None = view.curve.get(stages[i].name)
    if point is None:
        return ""
    y = _y(point.mean)
    tip = labels.curve_tip.format(
        name=labels.segment_label(view.key, view.value),
        valence=format_valence(point.mean),
        ci=format_ci(point.ci_low, point.ci_high),
        n=point.n,
    )
    return (
        f'<g class="seg seg-{k}"><title>{escape(tip)}</title>'
        + _half_lines(y, i, means, f'stroke="{_SEGMENT}" stroke-width="2" stroke-dasharray="5 3"')
        + '<svg x="50%" overflow="visible">'
        + _ci(point.ci_low, point.ci_high, _SEGMENT)
        + f'<rect class="seg-point" x="-5" y="{y - 5:.1f}" width="10" height="10" '
        f'transform="rotate(45 0 {y:.1f})" fill="#fff" stroke="{_SEGMENT}" stroke-width="2"/>'
        f'<text x="-10" y="{y + 16:.1f}" text-anchor="end" font-size="11" font-weight="700" '
        f'fill="{_SEGMENT}">{format_valence(point.mean)}</text></svg></g>'
    )


def _target_piece(
    i: int, targets: Sequence[float | None], actual: float | None, labels: Labels
) -> str:
    """Stage i's piece of the intended journey's curve: dashed, a hollow ring at the target
    and a dotted line down (or up) to the actual point."""
    target = targets[i] if i < len(targets) else None
    if target is None:
        return ""
    y = _y(target)
    tip = labels.ideal.curve_tip.format(target=format_valence(target))
    reach = ""
    if actual is not None:
        tip += labels.ideal.curve_tip_actual.format(
            actual=format_valence(actual), gap=f"{actual - target:+.2f}"
        )
        reach = (
            f'<line x1="0" x2="0" y1="{y:.1f}" y2="{_y(actual):.1f}" stroke="{_TARGET}" '
            'stroke-width="1.5" stroke-dasharray="2 2"/>'
        )
    return (
        f'<g class="target"><title>{escape(tip)}</title>'
        + _half_lines(
            y, i, list(targets), f'stroke="{_TARGET}" stroke-width="2" stroke-dasharray="6 4"'
        )
        + f'<svg x="50%" overflow="visible">{reach}<circle class="target-point" cx="0" '
        f'cy="{y:.1f}" r="5" fill="#fff" stroke="{_TARGET}" stroke-width="2"/></svg></g>'
    )


def curve_cell(
    stages: list[Stage],
    i: int,
    views: Sequence[SegmentView] = (),
    labels: Labels = EN,
    targets: Sequence[float | None] = (),
) -> str:
    """Stage i's piece of the emotion curve (and of each segment's, hidden until chosen;
    and the intended journey's target feeling, dashed, when `targets` holds one per stage)."""
    stage = stages[i]
    e = stage.emotion
    grid = "".join(
        f'<line x1="0" x2="100%" y1="{_y(v):.1f}" y2="{_y(v):.1f}" '
        + ('stroke="#52606d" stroke-dasharray="4 3"/>' if v == 0 else 'stroke="#e4e7eb"/>')
        for v in (-2, -1, 0, 1, 2)
    )
    parts = [
        f'<svg height="{HEIGHT}" role="img" data-stage="{i}">',
        f"<title>{escape(_tip(stage, labels))}</title>",
        grid,
        _target_piece(i, targets, e.mean_valence, labels),
    ]
    if e.mean_valence is None:
        parts.append(
            f'<text x="50%" y="{TOP + PLOT_H / 2 - 6:.1f}" text-anchor="middle" font-size="11" '
            f'font-style="italic" fill="#9aa5b1">{escape(labels.no_quotes)}</text>'
        )
    else:
        y = _y(e.mean_valence)
        means = [s.emotion.mean_valence for s in stages]
        parts.append(_half_lines(y, i, means, 'stroke="#52606d" stroke-width="2"'))
        # Drawn around the column's centre: a nested viewport whose origin is at x = 50%.
        parts.append('<svg x="50%" overflow="visible">' + _ci(e.ci_low, e.ci_high, "#9aa5b1"))
        colour = "#b91c1c" if e.mean_valence < 0 else "#15803d"
        parts.append(f'<circle class="point" cx="0" cy="{y:.1f}" r="6" fill="{colour}"/>')
        if stage.moments_of_truth:
            titles = {f.id: f.title for f in [*stage.pain_points, *stage.delights]}
            moments = labels.join([titles.get(m, m) for m in stage.moments_of_truth])
            tip = labels.moment_of_truth_tip.format(titles=moments)
            parts.append(
                f'<g class="mot"><title>{escape(tip)}</title>'
                f'<circle cx="0" cy="{y:.1f}" r="10.5" fill="none" stroke="#7c3aed" '
                f'stroke-width="2.5"/><polygon points="{_star(-15, y - 15, 7)}" '
                'fill="#7c3aed"/></g>'
            )
        parts.append(
            f'<text x="10" y="{y - 9:.1f}" font-size="11" font-weight="700" fill="{colour}">'
            f"{format_valence(e.mean_valence)}</text></svg>"
        )
    parts += [_segment_piece(stages, i, k, view, labels) for k, view in enumerate(views)]
    parts.append("</svg>")
    return "".join(parts)


def _tip(stage: Stage, labels: Labels) -> str:
    e = stage.emotion
    if e.mean_valence is None:
        return labels.curve_tip_empty.format(name=stage.name)
    tip = labels.curve_tip.format(
        name=stage.name,
        valence=format_valence(e.mean_valence),
        ci=format_ci(e.ci_low, e.ci_high),
        n=e.n,
    )
    return tip + (f" · {labels.moment_of_truth}" if stage.moments_of_truth else "")
