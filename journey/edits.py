"""People's edits to a map (rename, merge, delete, re-stage, pin a quote) and how they are
re-applied to every rebuild. Pure functions; no I/O.

An edit names its target by the quotes it rested on, not by its id: ids follow rank order and
change when new sources arrive. On a rebuild the target is the finding sharing the most
quotes with those; an edit that no longer finds its target is reported, never dropped.
"""

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from journey.schema import Delight, Evidence, Finding, JourneyMap, PainPoint, Stage

Op = Literal["rename", "merge", "delete", "restage", "pin"]


class EditRequest(BaseModel):
    """What a person asks to change."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {"op": "rename", "target": "pp-onboarding-1", "title": "No delivery tracking"},
                {"op": "merge", "target": "pp-support-2", "into": "pp-support-1"},
                {"op": "restage", "target": "pp-use-3", "stage": "Support"},
                {
                    "op": "pin",
                    "target": "pp-purchase-1",
                    "quote": {"source_id": "…", "char_start": 10, "char_end": 80},
                },
            ]
        },
    )

    op: Op
    """rename, merge, delete, restage or pin."""
    target: str
    """Id of a pain point or delight in the current map, or `touchpoint:<stage>:<name>`."""
    title: str | None = None
    """New title (rename)."""
    into: str | None = None
    """Id of the finding the target is merged into (merge)."""
    stage: str | None = None
    """Stage to move the target to (restage)."""
    quote: dict[str, str | int] | None = None
    """The quote to pin: source_id, char_start, char_end (pin)."""


class Edit(BaseModel):
    """A stored edit, anchored on quotes so it survives rebuilds."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Edit id."""
    op: Op
    """What it does."""
    anchor: list[tuple[str, int]]
    """(source_id, char_start) of the target's quotes when the edit was made."""
    into_anchor: list[tuple[str, int]] = Field(default_factory=list)
    """The same for the merge target."""
    touchpoint: tuple[str, str] | None = None
    """(stage, name) when the target is a touchpoint."""
    title: str | None = None
    stage: str | None = None
    pinned: Evidence | None = None
    """The grounded quote to pin."""
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))


def anchor(finding: Finding) -> list[tuple[str, int]]:
    """The quotes a finding rests on, as (source_id, char_start)."""
    return [(e.source_id, e.char_start) for e in finding.evidence]


def findings(m: JourneyMap) -> list[tuple[Stage, Finding]]:
    """Every pain point and delight with its stage."""
    return [(s, f) for s in m.stages for f in (*s.pain_points, *s.delights)]


def find(m: JourneyMap, finding_id: str) -> tuple[Stage, Finding] | None:
    """A finding by id."""
    return next(((s, f) for s, f in findings(m) if f.id == finding_id), None)


def locate(m: JourneyMap, keys: list[tuple[str, int]]) -> tuple[Stage, Finding] | None:
    """The finding sharing the most quotes with `keys` (None if none shares any)."""
    wanted = set(keys)
    best = max(
        findings(m), key=lambda sf: (len(wanted & set(anchor(sf[1]))), -sf[0].order), default=None
    )
    if best is None or not wanted & set(anchor(best[1])):
        return None
    return best


def _remove(stage: Stage, finding: Finding) -> None:
    if isinstance(finding, PainPoint):
        stage.pain_points = [p for p in stage.pain_points if p.id != finding.id]
    else:
        stage.delights = [d for d in stage.delights if d.id != finding.id]


def _add(stage: Stage, finding: Finding) -> None:
    if isinstance(finding, PainPoint):
        stage.pain_points.append(finding)
    elif isinstance(finding, Delight):
        stage.delights.append(finding)


def apply_edits(m: JourneyMap, edits: list[Edit]) -> JourneyMap:
    """A copy of the map with the edits applied in order; edits whose target is gone are
    listed in the map's warnings."""
    out = m.model_copy(deep=True)
    for edit in edits:
        if edit.touchpoint is not None:
            _touchpoint_edit(out, edit)
            continue
        found = locate(out, edit.anchor)
        if found is None:
            out.warnings.append(
                f"edit {edit.id} ({edit.op}) was not applied: the finding it "
                "changed is no longer in the map; review or delete the edit"
            )
            continue
        stage, finding = found
        if edit.op == "rename" and edit.title:
            finding.title = edit.title
        elif edit.op == "delete":
            _remove(stage, finding)
            for rec in out.recommendations:
                rec.addresses = [a for a in rec.addresses if a != finding.id]
            out.recommendations = [r for r in out.recommendations if r.addresses]
        elif edit.op == "restage" and edit.stage:
            target = next((s for s in out.stages if s.name == edit.stage), None)
            if target is None:
                out.warnings.append(
                    f"edit {edit.id} (restage) was not applied: no stage {edit.stage!r}"
                )
                continue
            _remove(stage, finding)
            finding.home_stage = target.name
            _add(target, finding)
        elif edit.op == "merge":
            into = locate(out, edit.into_anchor)
            if into is None or into[1].id == finding.id:
                out.warnings.append(
                    f"edit {edit.id} (merge) was not applied: the finding to "
                    "merge into is no longer in the map"
                )
                continue
            keep = into[1]
            seen = set(anchor(keep))
            keep.evidence += [
                e for e in finding.evidence if (e.source_id, e.char_start) not in seen
            ]
            people = {e.participant_id for e in keep.evidence}
            # Only the quotes are kept, not every member: the larger count is a lower bound.
            keep.participants = max(keep.participants, finding.participants, len(people))
            keep.share = round(keep.participants / max(1, out.sources.participants), 3)
            keep.severity = max(keep.severity, finding.severity)
            _remove(stage, finding)
            for rec in out.recommendations:
                rec.addresses = list(
                    dict.fromkeys(keep.id if a == finding.id else a for a in rec.addresses)
                )
        elif edit.op == "pin" and edit.pinned is not None:
            key = (edit.pinned.source_id, edit.pinned.char_start)
            finding.evidence = [edit.pinned] + [
                e for e in finding.evidence if (e.source_id, e.char_start) != key
            ]
    kept = {f.id for _, f in findings(out)}
    out.top_pain_points = [i for i in out.top_pain_points if i in kept]
    out.top_delights = [i for i in out.top_delights if i in kept]
    return out


def _touchpoint_edit(m: JourneyMap, edit: Edit) -> None:
    assert edit.touchpoint is not None
    stage_name, name = edit.touchpoint
    stage = next((s for s in m.stages if s.name == stage_name), None)
    point = next((t for t in stage.touchpoints if t.name == name), None) if stage else None
    if stage is None or point is None:
        m.warnings.append(
            f"edit {edit.id} ({edit.op}) was not applied: touchpoint {name!r} "
            f"is no longer in stage {stage_name!r}"
        )
        return
    if edit.op == "rename" and edit.title:
        point.name = edit.title
    elif edit.op == "delete":
        stage.touchpoints = [t for t in stage.touchpoints if t is not point]
    elif edit.op == "restage" and edit.stage:
        target = next((s for s in m.stages if s.name == edit.stage), None)
        if target is not None:
            stage.touchpoints = [t for t in stage.touchpoints if t is not point]
            target.touchpoints.append(point)
    elif edit.op == "pin" and edit.pinned is not None:
        point.evidence = [edit.pinned, *point.evidence]
