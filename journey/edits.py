"""People's edits to a map (rename, merge, split, delete, re-stage, pin or unpin a quote, add a
finding) and how they are re-applied to every rebuild. Pure functions; no I/O.

An edit names its target by the quotes it rested on, not by its id: ids follow rank order and
change when new sources arrive. On a rebuild the target is the finding sharing the most
quotes with those; an edit that no longer finds its target is reported, never dropped.
"""

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from journey.labels import Labels, labels_for
from journey.schema import (
    CodedObservation,
    Delight,
    Evidence,
    Finding,
    JourneyMap,
    ObservationKind,
    PainPoint,
    Stage,
    by_priority,
    by_reach,
    participant_key,
)

MAX_TITLE = 200
"""The longest title a person may give a finding or a map: an MCP trial's 20,000-character
rename was stored and shown as the finding's title."""
MAX_EDIT_QUOTES = 50
"""Quotes one edit may name (a split or an added finding)."""
MAX_NOTE = 500
"""The longest note kept with an edit."""

Op = Literal["rename", "merge", "split", "delete", "restage", "pin", "unpin", "add"]
QuoteRef = dict[str, str | int]
"""A quote by place (source_id, char_start and char_end) or by its words (source_id and
quote, the words as shown: found in the source's participant turns)."""


class EditRequest(BaseModel):
    """What a person asks to change."""

    model_config = ConfigDict(
        extra="forbid",  # a misspelt field ("stagez") is an error, not ignored
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
                {
                    "op": "split",
                    "target": "pp-use-1",
                    "title": "Recipes too long on weekdays",
                    "quotes": [{"source_id": "…", "char_start": 120, "char_end": 190}],
                },
                {
                    "op": "add",
                    "kind": "pain_point",
                    "stage": "Delivery",
                    "title": "Box left in the rain",
                    "quotes": [{"source_id": "…", "char_start": 300, "char_end": 352}],
                },
            ]
        },
    )

    op: Op
    """rename, merge, split, delete (dismiss), restage (move), pin or unpin a quote, add."""
    target: str = ""
    """Id of a pain point or delight in the current map, or `touchpoint:<stage>:<name>`
    (every op but add)."""
    title: str | None = Field(None, max_length=MAX_TITLE)
    """New title (rename), the split-off finding's title (split), the new finding's (add),
    the title of the finding it dismissed (delete: for the record, once it is gone)."""
    into: str | None = None
    """Id of the finding the target is merged into (merge)."""
    stage: str | None = None
    """Stage to move the target to (restage), or of the new finding (add)."""
    quote: QuoteRef | None = None
    """The quote to pin or unpin: source_id, char_start, char_end."""
    quotes: list[QuoteRef] = Field(default_factory=list, max_length=MAX_EDIT_QUOTES)
    """The target's quotes that leave it for the new finding (split), or the new finding's
    quotes (add): participants' words, each checked against its source."""
    kind: Literal["pain_point", "delight"] = "pain_point"
    """What the new finding is (add)."""
    severity: int = Field(3, ge=1, le=5)
    """The new finding's severity, 1..5 (add)."""
    note: str | None = Field(None, max_length=MAX_NOTE)
    """Why: kept with the edit."""
    expect_title: str | None = Field(None, max_length=MAX_TITLE)
    """The target's title as the editor last saw it: the edit is refused if the id now names
    another finding (ids follow rank order and change when the map is rebuilt)."""


class NamedFinding(BaseModel):
    """A pain point, delight or touchpoint by id and title."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Its id (`pp-onboarding-1`, or `touchpoint:<stage>:<name>`)."""
    title: str
    """Its title (a touchpoint's name)."""


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
    unpinned: tuple[str, int] | None = None
    """(source_id, char_start) of the quote to take off the target (unpin)."""
    quotes: list[Evidence] = Field(default_factory=list)
    """The grounded quotes that leave the target (split) or make the new finding (add)."""
    kind: Literal["pain_point", "delight"] = "pain_point"
    severity: int = 3
    author: str | None = None
    """Who made it (the face and, where known, the person or assistant)."""
    note: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    made_on: NamedFinding | None = None
    """The finding (or touchpoint) it was made on, by its id and title then: what a rename
    renamed, a merge merged, a restage moved, a delete dismissed. An MCP trial's list of edits
    could not say what had been merged. None for an add, and for an edit made before
    journeymap kept it."""
    merged_into: NamedFinding | None = None
    """The finding a merge went into, by its id and title then."""


def anchor(finding: Finding) -> list[tuple[str, int]]:
    """The quotes a finding rests on, as (source_id, char_start)."""
    return [(e.source_id, e.char_start) for e in finding.evidence]


def without_source(edit: Edit, source_id: str) -> Edit | None:
    """The edit with nothing of a deleted source (a participant who withdrew), or None when
    nothing is left of it: a pin or unpin of that source's quote, a split or an added finding
    whose every quote was theirs. An MCP trial's added and pinned quotes kept their own copy
    and came back, verified, in every rebuild after the source was deleted."""
    if (edit.pinned and edit.pinned.source_id == source_id) or (
        edit.unpinned and edit.unpinned[0] == source_id
    ):
        return None
    quotes = [q for q in edit.quotes if q.source_id != source_id]
    if edit.op in ("add", "split") and not quotes:
        return None
    return edit.model_copy(
        update={
            "quotes": quotes,
            "anchor": [a for a in edit.anchor if a[0] != source_id],
            "into_anchor": [a for a in edit.into_anchor if a[0] != source_id],
        }
    )


def findings(m: JourneyMap) -> list[tuple[Stage, Finding]]:
    """Every pain point and delight with its stage, those mentioned once last (they can be
    renamed, moved, pinned or dismissed like the headline ones)."""
    return [(s, f) for s in m.stages for f in (*s.pain_points, *s.delights)] + [
        (s, f) for s in m.stages for f in (*s.pain_points_once, *s.delights_once)
    ]


def find(m: JourneyMap, finding_id: str) -> tuple[Stage, Finding] | None:
    """A finding by id."""
    return next(((s, f) for s, f in findings(m) if f.id == finding_id), None)


def locate(m: JourneyMap, keys: list[tuple[str, int]]) -> tuple[Stage, Finding] | None:
    """The finding that holds most of `keys`' quotes, shown or among its members (the map's
    coded segments), if it holds at least half of those still in the map; else None: after
    new sources regrouped the themes, an edit goes nowhere rather than onto another theme
    that happens to share a quote (the MCP trial's curated title landed on a catch-all)."""
    wanted = set(keys)
    members: dict[str, set[tuple[str, int]]] = {}
    for o in m.observations:
        key = (o.evidence.source_id, o.evidence.char_start)
        if o.theme and key in wanted:
            members.setdefault(o.theme, set()).add(key)
    held = {f.id: (wanted & set(anchor(f))) | members.get(f.id, set()) for _, f in findings(m)}
    present = set().union(*held.values()) if held else set()
    best = max(findings(m), key=lambda sf: (len(held[sf[1].id]), -sf[0].order), default=None)
    if best is None or not held[best[1].id] or 2 * len(held[best[1].id]) < len(present):
        return None
    return best


def _once(stage: Stage, finding: Finding) -> bool:
    """Whether the finding is one of the stage's mentioned-once list."""
    return any(f.id == finding.id for f in (*stage.pain_points_once, *stage.delights_once))


def _remove(stage: Stage, finding: Finding) -> None:
    if isinstance(finding, PainPoint):
        stage.pain_points = [p for p in stage.pain_points if p.id != finding.id]
        stage.pain_points_once = [p for p in stage.pain_points_once if p.id != finding.id]
    else:
        stage.delights = [d for d in stage.delights if d.id != finding.id]
        stage.delights_once = [d for d in stage.delights_once if d.id != finding.id]


def _add(stage: Stage, finding: Finding, once: bool = False) -> None:
    if isinstance(finding, PainPoint):
        (stage.pain_points_once if once else stage.pain_points).append(finding)
    elif isinstance(finding, Delight):
        (stage.delights_once if once else stage.delights).append(finding)


def apply_edits(m: JourneyMap, edits: list[Edit]) -> JourneyMap:
    """A copy of the map with the edits applied in order; edits whose target is gone are
    listed in the map's warnings."""
    out = m.model_copy(deep=True)
    for edit in edits:
        if edit.touchpoint is not None:
            _touchpoint_edit(out, edit)
            continue
        if edit.op == "add":
            _add_finding(out, edit)
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
            _retitle(out, finding, edit.title)
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
            once = _once(stage, finding)
            _remove(stage, finding)
            finding.home_stage = target.name
            _add(target, finding, once)
            # its who-how-many-where line says where it is now ("mostly in Use" after a move
            # to Support)
            _recount(out, finding, target.name)
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
            # The map shows a few quotes per finding; its coded segments know every member.
            keep.participants = max(
                keep.participants, finding.participants, len(_people(keep.evidence))
            )
            keep.severity = max(keep.severity, finding.severity)
            for o in out.observations:
                if o.theme == finding.id:
                    o.theme = keep.id
            _recount(out, keep, into[0].name)
            _remove(stage, finding)
            _merge_recommendations(out, finding, keep)
        elif edit.op == "pin" and edit.pinned is not None:
            key = (edit.pinned.source_id, edit.pinned.char_start)
            finding.evidence = [edit.pinned] + [
                e for e in finding.evidence if (e.source_id, e.char_start) != key
            ]
            # the pinned quote's coded segment joins the finding, and whoever said it is
            # counted (a pin showed six people's quotes under "5 of 36 participants")
            _adopt(out, finding, stage.name, key)
        elif edit.op == "unpin" and edit.unpinned is not None:
            left = [e for e in finding.evidence if (e.source_id, e.char_start) != edit.unpinned]
            if left:
                finding.evidence = left
                _drop_member(out, finding, edit.unpinned)
                # and who is left raising it is counted again (a trial's theme kept saying 8
                # people after one person's only quote left it)
                _recount(out, finding, stage.name)
            else:
                out.warnings.append(
                    f"edit {edit.id} (unpin) was not applied: it would leave "
                    f"{finding.title!r} without a quote; delete the finding instead"
                )
        elif edit.op == "split":
            _split(out, stage, finding, edit)
    # the study's top lists are its headline findings as edited: a split or added theme
    # joins them (a trial's split theme was in no list and no export's ranking), a dismissed
    # one leaves
    out.top_pain_points = [p.id for s in out.stages for p in s.pain_points]
    out.top_delights = [d.id for s in out.stages for d in s.delights]
    _rescore(out)
    return out


def _rescore(m: JourneyMap) -> None:
    """Recommendations and the study's top lists ranked again by the counts as edited: a merge
    that makes a theme of 7 people one of 10 raises its recommendation's impact and its place
    (they kept the build's figures and order)."""
    located = {f.id: f for _, f in findings(m)}
    labels = labels_for(m.language)
    for rec in m.recommendations:
        pains = [f for f in (located.get(i) for i in rec.addresses) if isinstance(f, PainPoint)]
        if not pains:
            continue
        impact = round(max(p.severity * p.share for p in pains), 3)
        rec.impact, rec.priority = impact, round(impact / rec.effort, 3)
        kind = rec.kind or ""
        if kind in labels.plays and len(pains) == 1:  # worded by the local pipeline
            rec.rationale = labels.why(pains[0], kind, rec.stage, impact, rec.effort)
    m.recommendations.sort(key=by_priority)
    m.top_pain_points.sort(key=lambda i: by_reach(located[i]))
    m.top_delights.sort(key=lambda i: by_reach(located[i]))


def _adopt(m: JourneyMap, finding: Finding, stage: str, key: tuple[str, int]) -> None:
    """A pinned quote's coded segment moves to the finding (from the theme it was in, which is
    counted again too), and the finding is counted again (a quote no segment holds counts its
    speaker among the finding's people all the same: `_count_members`)."""
    located = {f.id: (s.name, f) for s, f in findings(m)}
    left: set[str] = set()
    held = False
    for o in m.observations:
        if (o.evidence.source_id, o.evidence.char_start) == key:
            held = True
            if o.theme != finding.id:
                if o.theme:
                    left.add(o.theme)
                o.theme = finding.id
    pinned = next((e for e in finding.evidence if (e.source_id, e.char_start) == key), None)
    if not held and pinned is not None:
        # a passage no coded segment holds (a whole turn) becomes one of the finding's: every
        # later count holds it (an MCP trial's restage of a theme of 3, two of them pinned,
        # counted it 1 and dropped it to "mentioned once")
        m.observations.append(_coded(m, finding, stage, pinned))
    for theme in left & located.keys():
        stage_name, other = located[theme]
        rest = [e for e in other.evidence if (e.source_id, e.char_start) != key]
        other.evidence = rest or other.evidence  # never a finding without a quote
        _recount(m, other, stage_name)
    _recount(m, finding, stage)


def _coded(m: JourneyMap, finding: Finding, stage: str, quote: Evidence) -> CodedObservation:
    """A pinned quote as a coded segment of the finding, with its source's segment."""
    delight = isinstance(finding, Delight)
    segment = next(
        (o.segment for o in m.observations if o.evidence.source_id == quote.source_id), {}
    )
    return CodedObservation(
        kind=ObservationKind.delight if delight else ObservationKind.pain_point,
        stage=stage,
        touchpoint=None,
        channel=None,
        emotion="satisfied" if delight else "frustrated",
        valence=0.8 if delight else -0.8,
        severity=1 if delight else finding.severity,
        evidence=quote,
        segment=dict(segment),
        theme=finding.id,
    )


def _drop_member(m: JourneyMap, finding: Finding, key: tuple[str, int]) -> None:
    """An unpinned quote leaves the finding's members too (its coded segment joins no theme),
    so listing every quote of the finding does not bring it back."""
    for o in m.observations:
        if o.theme == finding.id and (o.evidence.source_id, o.evidence.char_start) == key:
            o.theme = None


def _recount(m: JourneyMap, finding: Finding, stage: str) -> None:
    """A finding's participants, the other stages it is voiced in and its who-how-many-where
    line, counted again from the map's coded segments (a merge joins two themes' members,
    who may overlap; the quotes shown are only a sample of them), and its share."""
    members = [o for o in m.observations if o.theme == finding.id]
    if members:
        _count_members(m, finding, stage, members)
    else:  # a map without its coded segments: the counts stand as lower bounds
        finding.participants = max(finding.participants, len(_people(finding.evidence)))
    finding.share = round(finding.participants / max(1, m.sources.participants), 3)


def _count_members(
    m: JourneyMap, finding: Finding, stage: str, members: list[CodedObservation]
) -> None:
    home = finding.home_stage or stage
    everyone = {participant_key(o.evidence) for o in members}
    elsewhere: dict[str, set[str]] = {}
    for o in members:
        if o.stage != home:
            elsewhere.setdefault(o.stage, set()).add(participant_key(o.evidence))
    finding.participants = len(everyone)
    segments: dict[str, dict[str, set[str]]] = {}
    for o in members:
        for key, value in o.segment.items():
            segments.setdefault(key, {}).setdefault(value, set()).add(participant_key(o.evidence))
    finding.segments = {  # a trial's merge kept the absorbed theme's groups out of the counts
        k: {v: len(p) for v, p in sorted(vals.items())} for k, vals in sorted(segments.items())
    }
    finding.also_in = {
        name: len(p) for name, p in sorted(elsewhere.items(), key=lambda x: (-len(x[1]), x[0]))
    }
    finding.description = labels_for(m.language).spread(
        finding.participants, m.sources.participants, home, finding.also_in
    )


def _people(evidence: list[Evidence]) -> set[str]:
    return {participant_key(e) for e in evidence}


def _retitle(m: JourneyMap, finding: Finding, title: str) -> None:
    """A new title, also where recommendations name the finding."""
    old, finding.title = finding.title, title
    labels = labels_for(m.language)
    for rec in m.recommendations:
        play = labels.plays.get(rec.kind or "")
        if finding.id in rec.addresses and play is not None:
            rec.title = labels.titled(play, title)
            rec.rationale = rec.rationale.replace(old, title)


def _merge_recommendations(m: JourneyMap, gone: Finding, keep: Finding) -> None:
    """After `gone` merged into `keep`: one recommendation for the merged theme, `keep`'s own
    if it had one (a trial's merge left the absorbed theme's advice, worded by its title and
    kind); else `gone`'s, now worded by `keep`'s title."""
    labels = labels_for(m.language)
    own = any(keep.id in r.addresses for r in m.recommendations)
    for rec in m.recommendations:
        if gone.id not in rec.addresses:
            continue
        if own:
            rec.addresses = [a for a in rec.addresses if a != gone.id]
            continue
        rec.addresses = list(dict.fromkeys(keep.id if a == gone.id else a for a in rec.addresses))
        own = True
        play = labels.plays.get(rec.kind or "")
        if play is not None:
            rec.title = labels.titled(play, keep.title)
            rec.rationale = rec.rationale.replace(gone.title, keep.title).replace(gone.id, keep.id)
    m.recommendations = [r for r in m.recommendations if r.addresses]


def _split(m: JourneyMap, stage: Stage, finding: Finding, edit: Edit) -> None:
    """Move the edit's quotes out of the finding into a new one beside it: quotes of any of
    its members (the map's coded segments), not only of the few it shows."""
    keys = {(e.source_id, e.char_start) for e in edit.quotes}
    shown = {(e.source_id, e.char_start) for e in finding.evidence}
    members = [
        o.evidence
        for o in m.observations
        if o.theme == finding.id and (o.evidence.source_id, o.evidence.char_start) not in shown
    ]
    moved = [e for e in [*finding.evidence, *members] if (e.source_id, e.char_start) in keys]
    left = [e for e in finding.evidence if (e.source_id, e.char_start) not in keys]
    if moved and not left:  # every quote shown moves: the members that stay are shown instead
        left = [e for e in members if (e.source_id, e.char_start) not in keys][: len(moved)]
    if not moved or not left:
        m.warnings.append(
            f"edit {edit.id} (split) was not applied: "
            + ("none of its quotes is" if not moved else "all of its quotes are")
            + f" in {finding.title!r} any more"
        )
        return
    gone = _people(moved) - _people(left)
    new = finding.model_copy(
        deep=True,
        update={
            "id": f"{finding.id.split('-', 1)[0]}-{edit.id}",
            "title": edit.title or finding.title,
            "description": labels_for(m.language).split_from.format(title=finding.title),
            "evidence": moved,
            "participants": len(_people(moved)),
            "share": round(len(_people(moved)) / max(1, m.sources.participants), 3),
            "segments": {},
            "also_in": {},
        },
    )
    # The quotes are a sample of the members: the count left is a lower bound...
    finding.participants = max(len(_people(left)), finding.participants - len(gone))
    finding.evidence = left
    # ...unless the map's coded segments say who is where: the moved quotes' segments go along.
    for o in m.observations:
        if o.theme == finding.id and (o.evidence.source_id, o.evidence.char_start) in keys:
            o.theme = new.id
    for f in (finding, new):
        _recount(m, f, stage.name)
    headline_at = 2 if m.sources.participants > 3 else 1  # as the build's threshold
    _add(stage, new, _once(stage, finding))  # what the person split off stays in view
    if finding.participants < headline_at and not _once(stage, finding):
        # what is left to one person is a single mention now, not a headline (a transit
        # trial's 1-person remnant kept its place in the top list and its recommendation)
        _remove(stage, finding)
        _add(stage, finding, once=True)
        m.recommendations = [r for r in m.recommendations if finding.id not in r.addresses]


def _add_finding(m: JourneyMap, edit: Edit) -> None:
    """A finding a person added with its quotes, in its stage."""
    stage = next((s for s in m.stages if s.name == edit.stage), None)
    if stage is None or not edit.quotes:
        m.warnings.append(
            f"edit {edit.id} (add) was not applied: no stage {edit.stage!r} in the map"
        )
        return
    cls: type[Finding] = PainPoint if edit.kind == "pain_point" else Delight
    people = len(_people(edit.quotes))
    labels = labels_for(m.language)
    _add(
        stage,
        cls(
            id=f"{'pp' if edit.kind == 'pain_point' else 'dl'}-{edit.id}",
            title=edit.title or labels.added_finding,
            description=edit.note or labels.added_by.format(who=_who(edit.author, labels)),
            severity=edit.severity,
            participants=people,
            share=round(people / max(1, m.sources.participants), 3),
            emotion="unrated",
            evidence=list(edit.quotes),
            home_stage=stage.name,
        ),
    )


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


def _who(author: str | None, labels: Labels) -> str:
    """Who made an edit, as a reader names them: a person's name given to the CLI (`cli:dana`),
    an assistant (MCP), else a person."""
    face, _, name = (author or "").partition(":")
    if name:
        return name
    return labels.an_assistant if face == "mcp" else labels.a_person
