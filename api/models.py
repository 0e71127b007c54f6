"""Wire models of the API and the MCP server (beyond the journey schema itself)."""

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from assistant.briefs import Located
from assistant.study import ProjectInfo
from journey.edits import Edit, NamedFinding
from journey.schema import (
    DefiningTheme,
    Evidence,
    Finding,
    IdealJourney,
    JourneyMap,
    Language,
    Persona,
    Recommendation,
)
from journey.source import Source, SourceKind


class ProjectOut(BaseModel):
    """A project and how much it holds."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """The project's name."""
    sources: int
    """Sources ingested."""
    participants: int
    """Distinct participants across its sources."""
    chunks: int
    """Chunks in the vector store."""
    latest_map_id: str | None = None
    """Id of the newest map built, if any."""


class ProjectList(BaseModel):
    """The projects of the workspace."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    projects: list[ProjectOut]
    """Every project, by name."""


class RecommendationList(BaseModel):
    """A stored map's recommendations, highest priority first."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    project: str
    """The project."""
    map_id: str
    """The stored map they come from."""
    total: int
    """How many the map holds (`limit` of them are shown)."""
    recommendations: list[Recommendation]
    """Highest priority (impact / effort) first."""


class EditEntry(Edit):
    """An edit as listed: what it was made on (`made_on`, `merged_into`: ids and titles then)
    and the finding it leaves in the map now (`now`)."""

    now: NamedFinding | None = None
    """The finding it leaves in the stored map (renamed, moved, merged into, split off,
    added) by its id and title now: ids follow rank order and change when the map is rebuilt.
    None when it dismissed one or no longer applies."""


def edit_entries(log: Sequence[tuple[Edit, Located | None]]) -> list[EditEntry]:
    """Edits with the finding each leaves now (Study.edit_log)."""
    return [
        EditEntry(
            **edit.model_dump(),
            now=NamedFinding(id=found.finding.id, title=found.finding.title) if found else None,
        )
        for edit, found in log
    ]


class EditList(BaseModel):
    """The edits of a project's map."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    project: str
    """The project."""
    total: int
    """How many edits are kept (the latest `limit` of them are shown)."""
    edits: list[EditEntry]
    """Oldest first, with who made each, what each was made on and what it left."""


class SourceSummary(BaseModel):
    """A source without its turns."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Stable content-hash id."""
    path: str
    """Where it came from (`file.csv#ID` for a review)."""
    kind: SourceKind
    """interview, review or survey."""
    language: str
    """Detected language."""
    participant_id: str
    """Who it speaks for."""
    turns: int
    """Number of turns."""
    redactions: int
    """PII items redacted."""
    segment: dict[str, str]
    """Segment attributes."""


class SourceList(BaseModel):
    """A page of a project's sources."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    project: str
    """The project."""
    total: int
    """How many sources the project has (of the kind asked for)."""
    offset: int
    """How many were skipped before this page."""
    sources: list[SourceSummary]
    """In the order they were ingested."""


class Skipped(BaseModel):
    """A file that was not ingested, and why."""

    file: str
    reason: str


class IngestResult(BaseModel):
    """What an upload did."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    added: list[SourceSummary]
    """Sources stored by this upload."""
    unchanged: int
    """Sources that were already stored (identical content)."""
    replaced: int
    """Older versions of the uploaded files that were replaced."""
    skipped: list[Skipped]
    """Files not ingested, each with a reason that says what to do."""
    chunks: int
    """Chunks embedded."""
    warnings: list[str]
    """What was read but deserves a look, e.g. a file decoded from a legacy encoding."""
    added_total: int | None = None
    """How many sources were stored, when `added` lists only the first of them (an MCP reply
    stays small: a table of 800 reviews is 800 sources)."""


def project_out(info: ProjectInfo) -> ProjectOut:
    """A project's counts as the API shows them."""
    return ProjectOut(
        name=info.name,
        sources=info.sources,
        participants=info.participants,
        chunks=info.chunks,
        latest_map_id=info.latest_map_id,
    )


def source_summary(source: Source) -> SourceSummary:
    """A source's summary."""
    return SourceSummary(
        id=source.id,
        path=source.path,
        kind=source.kind,
        language=source.language,
        participant_id=source.participant_id,
        turns=len(source.turns),
        redactions=sum(source.redactions.values()),
        segment=source.segment,
    )


def map_uri(project: str) -> str:
    """The MCP resource that holds a project's whole map as JSON."""
    return f"journeymap://projects/{project}/map"


class FindingRef(BaseModel):
    """A pain point or delight named by its id (pass the id to `get_theme`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Its id in the map, e.g. `pp-onboarding-1` (ids follow rank order; a rebuild renumbers)."""
    title: str
    """Its title."""
    participants: int
    """Distinct participants who raised it."""


class StageBrief(BaseModel):
    """One stage of a map in a few numbers and titles."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """Stage name."""
    pain_points: int
    """Pain points raised by two or more participants."""
    delights: int
    """Delights raised by two or more participants."""
    mentioned_once: int
    """Pain points and delights raised by one participant only."""
    mean_valence: float | None = None
    """Mean emotional valence, -2..+2 (None without observations)."""
    top_pain_points: list[FindingRef]
    """Up to three, most important first."""
    top_delights: list[FindingRef]
    """Up to two, most important first."""
    ideal: str | None = None
    """Against the intended journey, when the map was held against one: the target feeling's
    status and how many expectations are contradicted, supported or without evidence."""


class MapSummary(BaseModel):
    """A journey map in brief; the whole map is the resource at `map_uri`."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """The map's id."""
    project: str
    """Its project."""
    title: str
    """Its title."""
    language: Language = "en"
    """The language of its own words (stage names it chose, labels, descriptions,
    recommendations): en or zh. Quotes are as spoken."""
    generated_at: datetime
    """When it was built."""
    current: bool
    """False when sources were added or removed since it was built (`build_journey_map`
    rebuilds it)."""
    sources: int
    """Sources it was built from."""
    participants: int
    """Distinct participants across those sources."""
    stages: list[StageBrief]
    """Its stages in order."""
    recommendations: int
    """Intervention points (`list_recommendations`)."""
    quotes_used: int
    """Verbatim quotes the map shows."""
    quotes_rejected: int
    """Quotes dropped because they were not found verbatim in their source."""
    warnings: list[str]
    """Problems worth a look, e.g. an edit whose finding is gone."""
    map_uri: str
    """The resource with the whole map as JSON (large: read it only when needed)."""


class FindingBrief(BaseModel):
    """A pain point or delight with a quote or two."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Its id (pass it to `get_theme` for every quote)."""
    kind: Literal["pain_point", "delight"]
    """pain_point or delight."""
    title: str
    """Its title."""
    stage: str
    """The stage it belongs to."""
    participants: int
    """Distinct participants who raised it (1: a single mention, not a headline finding)."""
    segment_participants: int | None = None
    """Of those, participants in the segment asked for (None without a segment filter)."""
    share: float
    """Share of the study's participants, 0..1."""
    severity: int
    """1 (mild) .. 5 (severe)."""
    quote_count: int
    """How many quotes it has in all (`get_theme` gives them)."""
    quotes: list[Evidence]
    """One or two short verbatim quotes, each with its source and character offsets."""


class TopFindings(BaseModel):
    """A map's most important pain points (or delights) within the filters."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    project: str
    """The project."""
    map_id: str
    """The stored map they come from."""
    current: bool
    """False when sources changed since that map was built."""
    matched: int
    """How many matched the filters in all (`limit` of them are shown)."""
    findings: list[FindingBrief]
    """Most important first: raised by more participants and more severe."""
    map_uri: str
    """The resource with the whole map as JSON."""


class RecommendationRef(BaseModel):
    """An intervention point that addresses a finding."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Its id."""
    title: str
    """What to do."""
    priority: float
    """impact / effort."""


class Theme(BaseModel):
    """One pain point or delight with its quotes and counts."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Its id in the map."""
    kind: Literal["pain_point", "delight"]
    """pain_point or delight."""
    stage: str
    """The stage it belongs to."""
    title: str
    """Its title."""
    description: str
    """One or two sentences on it."""
    severity: int
    """1 (mild) .. 5 (severe)."""
    participants: int
    """Distinct participants who raised it."""
    share: float
    """Share of the study's participants, 0..1."""
    segments: dict[str, dict[str, int]]
    """Participants per segment attribute and value."""
    touchpoints: list[str]
    """Touchpoints it happens at."""
    emotion: str
    """The prevailing emotion."""
    quote_count: int
    """How many quotes it has in all: those the map shows and its other members' (the coded
    segments grouped into it)."""
    quotes: list[Evidence]
    """Its verbatim quotes, each with its source and character offsets: those the map shows
    first (most typical first), then the rest; all of them, up to the `limit` asked for."""
    recommendations: list[RecommendationRef]
    """Intervention points that address it."""
    map_id: str
    """The stored map it comes from."""
    map_uri: str
    """The resource with the whole map as JSON."""


class QuoteHit(Evidence):
    """A participant's verbatim words found by meaning."""

    score: float
    """Similarity to the query, 0..1."""


class QuoteSearch(BaseModel):
    """Verbatim participant quotes nearest in meaning to a query."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    query: str
    """The query."""
    quotes: list[QuoteHit]
    """Best first; one per participant turn of each passage found."""


def _refs(items: list[Finding], n: int) -> list[FindingRef]:
    return [FindingRef(id=f.id, title=f.title, participants=f.participants) for f in items[:n]]


def _ideal_brief(journey_map: JourneyMap, stage: str) -> str | None:
    gap = (
        next((g for g in journey_map.ideal.stages if g.stage == stage), None)
        if (journey_map.ideal)
        else None
    )
    if gap is None:
        return None
    said = Counter(c.status for c in gap.expectations)
    target = "no target" if gap.target_valence is None else f"target {gap.target_valence:+.2f}"
    return (
        f"{gap.valence_status} ({target}); expectations: {said['contradicted']} contradicted, "
        f"{said['supported']} supported, {said['no evidence']} without evidence"
    )


def map_summary(journey_map: JourneyMap, current: bool) -> MapSummary:
    """A map in brief: counts and top titles per stage, and where the whole map is."""
    return MapSummary(
        id=journey_map.id,
        project=journey_map.project,
        title=journey_map.title,
        language=journey_map.language,
        generated_at=journey_map.generated_at,
        current=current,
        sources=journey_map.sources.count,
        participants=journey_map.sources.participants,
        stages=[
            StageBrief(
                name=s.name,
                pain_points=len(s.pain_points),
                delights=len(s.delights),
                mentioned_once=len(s.pain_points_once) + len(s.delights_once),
                mean_valence=s.emotion.mean_valence,
                top_pain_points=_refs(list(s.pain_points), 3),
                top_delights=_refs(list(s.delights), 2),
                ideal=_ideal_brief(journey_map, s.name),
            )
            for s in journey_map.stages
        ],
        recommendations=len(journey_map.recommendations),
        quotes_used=journey_map.stats.quotes_used,
        quotes_rejected=journey_map.stats.quotes_rejected,
        warnings=journey_map.warnings,
        map_uri=map_uri(journey_map.project),
    )


class IdealDraft(BaseModel):
    """A draft of the intended journey, to edit and then build the map with (`ideal`)."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    ideal: IdealJourney
    """The draft: the map's stages with what should happen and how each should feel (the
    LLM's draft from the interview guide; offline, the stages alone to fill in)."""
    yaml: str
    """The same as a YAML file to edit, with the guide's questions as comments."""


class EditOut(BaseModel):
    """What an edit did."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    edit_id: str
    """Its id (pass it to `undo_edit` to take it back)."""
    op: str
    """What it did."""
    applied: bool
    """False when the map could not apply it (see `warnings`)."""
    warnings: list[str]
    """Why it was not (fully) applied."""
    finding: FindingBrief | None = None
    """The finding it leaves: renamed, moved, pinned, merged into, split off or added (None
    after a delete)."""
    map_id: str
    """The map it was applied to."""


class PersonaBrief(BaseModel):
    """A persona in brief: who, how many, what sets them apart, in whose words."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    name: str
    """Its defining themes, in a few words (or the segment value it was given by)."""
    origin: str
    """`clustered` from the evidence, or `segment KEY`."""
    size: int
    """Members."""
    defining_themes: list[DefiningTheme]
    """Themes raised by more of its members than of the rest: counts and shares."""
    quote: Evidence | None = None
    """A member's words on its most defining theme."""
    feeling: dict[str, float]
    """Per stage, its members' mean valence (-2..+2)."""
    pain_points: list[str]
    """Ids of the pain points most of its members raised."""


class Personas(BaseModel):
    """A map's personas (or personas given by a segment attribute), largest first."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    project: str
    map_id: str
    by: str | None = None
    """The segment attribute they were given by; None when found in the evidence."""
    personas: list[PersonaBrief]
    note: str = ""
    """Why there are none, when there are none."""


def personas_out(project: str, map_id: str, by: str | None, found: list[Persona]) -> Personas:
    """The personas in brief."""
    return Personas(
        project=project,
        map_id=map_id,
        by=by,
        personas=[
            PersonaBrief(
                id=p.id,
                name=p.name,
                origin=p.origin,
                size=p.size,
                defining_themes=p.defining_themes,
                quote=p.quote,
                feeling={stage: point.mean_valence for stage, point in p.stages.items()},
                pain_points=p.pain_points,
            )
            for p in found
        ],
        note=""
        if found
        else (
            f"no participants carry the segment attribute {by!r}"
            if by
            else "no personas: too few participants, or no groups of 3 or more that stand "
            "apart from each other more than chance would (give them with a segment: by=KEY)"
        ),
    )
