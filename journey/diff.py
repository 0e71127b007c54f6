"""What changed between two maps or two slices of a study (waves of research), and its
Markdown section. The models are filled by the analysis (assistant/waves.py); this module
only describes and renders them."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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
    """What the reader should know (how themes were matched, small samples ...)."""


_ORDER: dict[str, int] = {"new": 0, "grown": 1, "shrunk": 2, "resolved": 3, "steady": 4}


def _fmt(v: float | None, signed: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v:+.2f}" if signed else f"{v:.2f}"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def diff_markdown(d: MapDiff, limit: int = 12) -> str:
    """A Markdown section: the themes that changed, then the emotion curve per stage."""
    by = f" (by {d.by})" if d.by else ""
    lines = [
        f"## What changed: {d.a} → {d.b}{by}",
        "",
        f"{d.a_participants} participants in A, {d.b_participants} in B.",
        "",
    ]
    changed = [t for t in d.themes if t.status != "steady"][:limit]
    if changed:
        lines += ["| Change | Theme | Stage | A | B | p |", "|---|---|---|---|---|---|"]
        for t in changed:
            kind = "pain point" if t.kind == "pain_point" else "delight"
            p = "–" if t.p_value is None else f"{t.p_value:.3f}"
            lines.append(
                f"| {t.status} | {_cell(t.title)} ({kind}) | {_cell(t.stage or '–')} | "
                f"{t.a_participants} ({t.a_share:.0%}) | {t.b_participants} ({t.b_share:.0%}) "
                f"| {p} |"
            )
    else:
        lines.append("No theme changed beyond chance.")
    steady = sum(t.status == "steady" for t in d.themes)
    if steady:
        lines += ["", f"{steady} themes held steady (any change within chance)."]
    lines += [
        "",
        "| Stage | A mean (95% CI, n) | B mean (95% CI, n) | Change (95% CI) |",
        "|---|---|---|---|",
    ]
    for c in d.curve:
        change = (
            c.note
            if c.note
            else f"{_fmt(c.change, True)} ({_fmt(c.ci_low, True)} to {_fmt(c.ci_high, True)})"
        )
        lines.append(f"| {_cell(c.stage)} | {_point(c.a)} | {_point(c.b)} | {_cell(change)} |")
    if d.notes:
        lines += ["", *(f"- {_cell(n)}" for n in d.notes)]
    return "\n".join(lines) + "\n"


def _point(p: ValencePoint) -> str:
    if p.mean_valence is None:
        return f"– (n={p.participants})"
    interval = (
        f"{_fmt(p.ci_low, True)} to {_fmt(p.ci_high, True)}, " if p.ci_low is not None else ""
    )
    return f"{_fmt(p.mean_valence, True)} ({interval}n={p.participants})"


def sort_changes(themes: list[ThemeChange]) -> list[ThemeChange]:
    """New, grown, shrunk, resolved, steady; within each, the largest change of share first."""
    return sorted(themes, key=lambda t: (_ORDER[t.status], -abs(t.b_share - t.a_share), t.title))
