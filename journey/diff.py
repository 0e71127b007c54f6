"""What changed between two maps or two slices of a study (waves of research), and its
Markdown section. The models are filled by the analysis (assistant/waves.py); this module
only describes and renders them."""

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from journey.labels import labels_for
from journey.schema import Language

ThemeStatus = Literal["new", "grown", "steady", "shrunk", "resolved"]


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


class ValencePoint(_Model):
    """A group's point on one stage's emotion curve: the mean over participants of each
    participant's mean valence there, with a 95% interval (Student's t)."""

    mean_valence: float | None = None
    """-2..+2; None when nobody in the group said how they felt in the stage."""
    ci_low: float | None = None
    """Lower end of the 95% interval; None under 2 participants."""
    ci_high: float | None = None
    participants: int
    """Participants with feeling quotes in the stage (the n the interval rests on)."""
    quotes: int
    """Their quotes."""


class ThemeChange(_Model):
    """One theme from one side to the other."""

    status: ThemeStatus
    """new (nobody raised it before), grown or shrunk (its share changed beyond chance,
    Fisher's exact test p < 0.05), steady, or resolved (nobody raises it any more)."""
    kind: Literal["pain_point", "delight"]
    title: str
    stage: str | None = None
    """Its home stage."""
    a_id: str | None = None
    """Its id on side A (None when new)."""
    b_id: str | None = None
    """Its id on side B (None when resolved)."""
    a_participants: int
    a_share: float
    b_participants: int
    b_share: float
    p_value: float | None = None
    """Fisher's exact test of the two shares (participants raising it of all participants)."""
    matched_by: str | None = None
    """How the theme was found on both sides: `the same codebook`, `shared quotes`,
    `similar words`; None when on one side only."""


class CurveChange(_Model):
    """A stage's emotion curve on both sides."""

    stage: str
    a: ValencePoint
    b: ValencePoint
    change: float | None = None
    """b - a, when both sides have feelings in the stage."""
    ci_low: float | None = None
    """95% interval of the change (Welch); None when either side has under 2 participants."""
    ci_high: float | None = None
    note: str = ""
    """`not enough participants` when either side has fewer than the floor."""


class MapDiff(_Model):
    """What changed from A to B."""

    project: str
    a: str
    """Side A: a map id, or `KEY=VALUE` for a slice."""
    b: str
    by: str | None = None
    """The segment attribute the slices are cut by, if any."""
    a_participants: int
    b_participants: int
    themes: list[ThemeChange] = Field(default_factory=list)
    """New, grown, shrunk, resolved, then steady themes; largest change first within each."""
    curve: list[CurveChange] = Field(default_factory=list)
    """Per stage, in journey order."""
    notes: list[str] = Field(default_factory=list)
    """What the reader should know (how themes were matched, small samples ...), in
    `language`."""
    language: Language = "en"
    """The language of its notes and its Markdown section: the (later) map's. Codes (status,
    kind, a stage's note) stay English here and are worded in the Markdown."""


_ORDER: dict[str, int] = {"new": 0, "grown": 1, "shrunk": 2, "resolved": 3, "steady": 4}


def _fmt(v: float | None, signed: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v:+.2f}" if signed else f"{v:.2f}"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def diff_markdown(d: MapDiff, limit: int = 12) -> str:
    """A Markdown section in the diff's language: the themes that changed, then the emotion
    curve per stage."""
    words = labels_for(d.language).diff
    by = words.by.format(by=d.by) if d.by else ""
    lines = [
        "## " + words.heading.format(a=d.a, b=d.b, by=by),
        "",
        words.participants.format(a=d.a_participants, b=d.b_participants),
        "",
    ]
    changed = [t for t in d.themes if t.status != "steady"][:limit]
    if changed:
        lines += [_row(words.theme_columns), _rule(len(words.theme_columns))]
        for t in changed:
            p = "–" if t.p_value is None else f"{t.p_value:.3f}"
            theme = words.theme.format(title=_cell(t.title), kind=words.kind(t.kind))
            lines.append(
                f"| {words.status(t.status)} | {theme} | {_cell(t.stage or '–')} | "
                f"{t.a_participants} ({t.a_share:.0%}) | {t.b_participants} ({t.b_share:.0%}) "
                f"| {p} |"
            )
    else:
        lines.append(words.no_change)
    steady = sum(t.status == "steady" for t in d.themes)
    if steady:
        lines += ["", words.steady.format(n=steady)]
    lines += ["", _row(words.curve_columns), _rule(len(words.curve_columns))]
    for c in d.curve:
        change = (
            words.note(c.note)
            if c.note
            else words.change.format(
                change=_fmt(c.change, True), low=_fmt(c.ci_low, True), high=_fmt(c.ci_high, True)
            )
        )
        lines.append(
            f"| {_cell(c.stage)} | {_point(c.a, d.language)} | {_point(c.b, d.language)} | "
            f"{_cell(change)} |"
        )
    if d.notes:
        lines += ["", *(f"- {_cell(n)}" for n in d.notes)]
    return "\n".join(lines) + "\n"


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _rule(columns: int) -> str:
    return "|" + "---|" * columns


def _point(p: ValencePoint, language: str) -> str:
    words = labels_for(language).diff
    if p.mean_valence is None:
        return words.point_empty.format(n=p.participants)
    if p.ci_low is None:
        return words.point_no_interval.format(mean=_fmt(p.mean_valence, True), n=p.participants)
    return words.point.format(
        mean=_fmt(p.mean_valence, True),
        low=_fmt(p.ci_low, True),
        high=_fmt(p.ci_high, True),
        n=p.participants,
    )


def sort_changes(themes: list[ThemeChange]) -> list[ThemeChange]:
    """New, grown, shrunk, resolved, steady; within each, the largest change of share first."""
    return sorted(themes, key=lambda t: (_ORDER[t.status], -abs(t.b_share - t.a_share), t.title))
