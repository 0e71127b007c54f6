"""The journey map schema: what `journeymap map` produces and the JSON Schema publishes.

Attribute docstrings become field descriptions, which people and LLMs read.
"""

import re
from collections.abc import Iterator
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.0"
RECOMMENDATION_SCORING = (
    "One recommendation per headline pain point (theme). impact = the theme's severity (1-5) x "
    "its share of participants; effort 1-5 from the kind of problem (unclear wording 1; no "
    "updates, hard to find, too many steps, price rise, hidden cost, missing capability, "
    "intrusive selling 2; "
    "failure or bug, performance (slow, drains, runs hot), billing error, no human reachable, "
    "staff attitude, no-show, waste (packaging, plastic) 3; waiting, crowding, fulfilment 4; "
    "other 3); "
    "priority = impact / effort, highest first."
)
"""How the offline path scores recommendations: stated once in the map (`scoring`)."""

Language = Literal["en", "zh"]
"""The languages a map's own words can be in (see journey/labels.py)."""


class _Model(BaseModel):
    model_config = ConfigDict(use_attribute_docstrings=True)


@cache
def every_field(model: type[BaseModel]) -> set[str]:
    """The names of all of a model's fields, one set per model, to hand `model_construct` when
    code builds an instance from every field's value, already of its type: the instances share
    the set instead of each holding its own (about 700 bytes, most of a small model; a map of
    100,000 reviews holds a few hundred thousand observations and quotes). Never mutated:
    assigning a field adds a name the set already has."""
    return set(model.model_fields)


class ObservationKind(StrEnum):
    """What a participant's sentence tells about their journey."""

    pain_point = "pain_point"
    delight = "delight"
    need = "need"
    action = "action"
    neutral = "neutral"


class TouchpointType(StrEnum):
    """The kind of contact between the customer and the brand."""

    digital = "digital"
    physical = "physical"
    social = "social"
    human = "human"


class Evidence(_Model):
    """A verbatim quote from a participant, pointing at where it is in its source."""

    quote: str
    """The participant's words, verbatim (with PII redacted)."""
    source_id: str
    """Id of the source the quote comes from."""
    source_path: str
    """Path of that source (file, or `file.csv#ID` for a review)."""
    char_start: int
    """Start offset of the quote in the decoded source text."""
    char_end: int
    """End offset (exclusive) of the quote in the decoded source text."""
    speaker: str | None = None
    """Who said it (a placeholder for real names)."""
    participant_id: str | None = None
    """The participant the source speaks for."""
    timestamp: float | None = None
    """Seconds from the start of the recording, when known."""
    verified: bool = False
    """True once the grounding check found the quote at its offsets."""


_VIA = re.compile(
    r"(?i)^(?:interpreter|translator|(?:bsl |sign language )?interpreter|翻译|口译|手语翻译)"
)


def who_said(evidence: Evidence) -> str | None:
    """Who a quote is cited by: its speaker, or the participant an interpreter spoke for
    ("P2 (via interpreter)": a recheck found interpreted words cited as "— Interpreter")."""
    speaker = evidence.speaker
    if speaker and evidence.participant_id and _VIA.match(speaker):
        return f"{evidence.participant_id} (via {speaker.lower()})"
    return speaker or evidence.participant_id


def participant_key(evidence: Evidence) -> str:
    """Who a quote speaks for: the source's participant (or the speaker when it has none)."""
    return evidence.participant_id or evidence.speaker or evidence.source_id


class Observation(_Model):
    """One thing a participant said, classified: the unit extractors produce."""

    kind: ObservationKind
    """pain_point, delight, need, action or neutral."""
    stage: str
    """Name of the journey stage it belongs to."""
    touchpoint: str | None
    """The touchpoint it is about (website, app, delivery, support chat ...), if any."""
    channel: TouchpointType | None
    """The touchpoint's type, if any."""
    emotion: str
    """Emotion label: frustrated, confused, anxious, disappointed, satisfied, delighted ..."""
    valence: float
    """Feeling from -2 (very negative) to +2 (very positive)."""
    severity: int
    """For pain points: 1 (minor) to 5 (blocks the journey); 1 otherwise."""
    evidence: Evidence
    """The quote it rests on."""
    segment: dict[str, str] = Field(default_factory=dict)
    """Segment attributes of the source."""


class CodedObservation(Observation):
    """An observation as a coded segment: the quote with its codes and the theme it joined."""

    theme: str | None = None
    """Id of the pain point or delight it was grouped into; None when it joined none the map
    keeps (needs, actions, and themes below the map's limits)."""


class Touchpoint(_Model):
    """A place where customers meet the brand within a stage."""

    name: str
    """Short name: `mobile app`, `delivery courier`, `pricing page`."""
    channel: str
    """Channel family: web, app, email, phone, chat, store, delivery, social, print ..."""
    type: TouchpointType
    """digital, physical, social or human."""
    participants: int
    """Distinct participants who mention it in this stage."""
    evidence: list[Evidence]
    """Quotes that mention it."""


class Finding(_Model):
    """A cluster of similar observations: a pain point or a delight."""

    id: str
    """Stable id, used by recommendations: kind, home stage and rank there (`pp-onboarding-1`)."""
    title: str
    """A short readable title."""
    description: str
    """One or two sentences: what participants said, in their most typical words."""
    severity: int
    """1 (minor) to 5 (blocks the journey); for delights, the strength of the feeling."""
    participants: int
    """Distinct participants mentioning it."""
    share: float
    """participants / all participants of the map."""
    segments: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Per segment attribute and value, the distinct participants mentioning it."""
    touchpoints: list[str] = Field(default_factory=list)
    """Touchpoints the quotes are about."""
    emotion: str
    """The most common emotion label in its quotes."""
    evidence: list[Evidence]
    """Supporting quotes, most typical first."""
    home_stage: str | None = None
    """The stage most of its quotes come from: the stage that lists it."""
    also_in: dict[str, int] = Field(default_factory=dict)
    """Other stages its quotes come from, with the distinct participants there (most first):
    a theme is grouped study-wide, so one problem met in several stages stays one theme."""


class PainPoint(Finding):
    """Something that goes wrong for participants."""


class Delight(Finding):
    """Something participants enjoy."""


class Emotion(_Model):
    """The emotion curve's point for one stage."""

    mean_valence: float | None
    """Mean valence of the stage, -2..+2: each participant's quotes with feeling averaged, then
    the participants' means (one talkative source counts once); None without quotes."""
    n: int
    """Number of participants it is computed from."""
    ci_low: float | None
    """Lower end of the 95% confidence interval of the mean (t-based; None for one person)."""
    ci_high: float | None
    """Upper end of the 95% confidence interval of the mean."""
    labels: list[str]
    """Dominant emotion labels, most frequent first."""


class Stage(_Model):
    """One stage of the journey."""

    name: str
    """Stage name."""
    order: int
    """Position in the journey, from 1."""
    description: str
    """What happens in this stage."""
    needs: list[Evidence] = Field(default_factory=list)
    """Participants' goals and needs in this stage, as quotes."""
    actions: list[Evidence] = Field(default_factory=list)
    """What participants do in this stage, as quotes."""
    touchpoints: list[Touchpoint] = Field(default_factory=list)
    """Touchpoints of this stage, most mentioned first."""
    pain_points: list[PainPoint] = Field(default_factory=list)
    """The study-wide pain point themes whose home is this stage, by severity x reach."""
    delights: list[Delight] = Field(default_factory=list)
    """The study-wide delight themes whose home is this stage, by strength x reach."""
    pain_points_once: list[PainPoint] = Field(default_factory=list)
    """Pain points fewer participants raised than a headline needs (by default: one person
    mentioned it): kept for the record, left out of the ranking and recommendations."""
    delights_once: list[Delight] = Field(default_factory=list)
    """Delights fewer participants raised than a headline needs (by default: one person)."""
    emotion: Emotion
    """The emotion curve at this stage."""
    moments_of_truth: list[str] = Field(default_factory=list)
    """Ids of the pain points or delights that make or break the journey here."""

    def evidence(self) -> Iterator[Evidence]:
        """Every quote the stage shows: needs, actions, touchpoints, pain points, delights."""
        yield from self.needs
        yield from self.actions
        for touchpoint in self.touchpoints:
            yield from touchpoint.evidence
        for finding in (
            *self.pain_points,
            *self.delights,
            *self.pain_points_once,
            *self.delights_once,
        ):
            yield from finding.evidence


class DefiningTheme(_Model):
    """A theme that sets a persona apart: raised by more of its members than of the rest."""

    theme: str
    """Id of the pain point or delight."""
    title: str
    """The theme's title."""
    participants: int
    """Members of the persona who raised it."""
    share: float
    """participants / the persona's size."""
    rest_share: float
    """Share of the other participants (in a persona) who raised it."""


class PersonaStage(_Model):
    """A persona's point on the emotion curve of one stage."""

    mean_valence: float
    """Mean over the persona's members of each member's mean valence in the stage, -2..+2."""
    participants: int
    """Members with feeling quotes in the stage."""
    quotes: int
    """The quotes it is computed from."""


class Persona(_Model):
    """A group of participants who experience the journey alike, found in the evidence (or
    given by a segment)."""

    id: str
    """Stable within the map: `persona-1` (largest first)."""
    name: str
    """Its defining themes, in a few words."""
    origin: str = "clustered"
    """`clustered` (grouped by the themes members raise and how they feel per stage) or
    `segment KEY` (one value of a segment attribute)."""
    participants: list[str]
    """Ids of its members."""
    size: int
    """Number of members."""
    defining_themes: list[DefiningTheme] = Field(default_factory=list)
    """The themes whose share among members most exceeds the rest's, most distinctive first."""
    quote: Evidence | None = None
    """A member's words on its most defining theme."""
    stages: dict[str, PersonaStage] = Field(default_factory=dict)
    """Per stage name, the persona's emotion curve point (stages without its feelings absent)."""
    pain_points: list[str] = Field(default_factory=list)
    """Ids of the pain points most of its members raised, most first."""


class Recommendation(_Model):
    """An intervention point: what to change, why, and on what evidence."""

    id: str
    """Stable id, e.g. `rec-1`."""
    title: str
    """What to do, in a few words."""
    rationale: str
    """Why: the pain point, its reach and severity."""
    stage: str
    """The stage it acts on."""
    addresses: list[str]
    """Ids of the pain points it addresses."""
    impact: float
    """Expected impact 0..5: severity x share of participants."""
    effort: int
    """Estimated effort 1 (copy change) .. 5 (new system or operations change)."""
    priority: float
    """impact / effort: higher first."""
    scoring: str = ""
    """How impact, effort and priority were computed, when it differs from the map's
    `scoring` (empty otherwise)."""
    kind: str | None = None
    """The kind of problem it answers (failure, performance, hard to find, too many steps,
    price rise, billing error, hidden cost, no updates, waiting, no-show, crowding, staff
    attitude, no human, unclear, missing capability, intrusive, fulfilment, waste, other), from
    the theme's words."""
    evidence: list[Evidence]
    """The quotes it rests on."""


def by_reach(finding: Finding) -> tuple[int, int, str]:
    """How the map ranks findings study-wide: participants x severity, then participants."""
    return (-finding.participants * finding.severity, -finding.participants, finding.id)


def by_priority(rec: Recommendation) -> tuple[float, float, str]:
    """How the map ranks recommendations: priority (impact / effort), then impact."""
    return (-rec.priority, -rec.impact, rec.addresses[0] if rec.addresses else "")


IDEAL_TEXT = 200
"""Characters of an intended journey's name, title, feeling or KPI (a 100,000-character stage
name was echoed whole in an error)."""
IDEAL_SENTENCE = 1000
"""Characters of one expectation."""
IDEAL_ITEMS = 50
"""Stages, and expectations or KPIs of one stage, an intended journey holds."""


class KPI(_Model):
    """A measure the team tracks for a stage of the intended journey (carried, not computed)."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    name: str = Field(max_length=IDEAL_TEXT)
    """What is measured: `trial-to-paid conversion`, `first-contact resolution`."""
    target: str | float | None = None
    """The value aimed at, as the team writes it (`>= 60%`, 4.5)."""


class IdealStage(_Model):
    """One stage of the intended (to-be) journey: what should happen and how it should feel."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    name: str = Field(max_length=IDEAL_TEXT)
    """The stage, named as the map names it (compared ignoring case and spacing)."""
    expectations: list[Annotated[str, Field(max_length=IDEAL_SENTENCE)]] = Field(
        default_factory=list, max_length=IDEAL_ITEMS
    )
    """What should happen in this stage, one plain sentence each."""
    target_valence: float | None = Field(None, ge=-2, le=2)
    """The feeling aimed at on the emotion curve's scale, -2 (very negative) .. +2."""
    target_feeling: str | None = Field(None, max_length=IDEAL_TEXT)
    """The feeling aimed at as a word (`confident`, `delighted`); without target_valence, the
    study's quotes that carry this emotion label set the target valence."""
    kpis: list[KPI] = Field(default_factory=list, max_length=IDEAL_ITEMS)
    """Measures the team tracks for the stage."""


class IdealJourney(_Model):
    """The intended (to-be) journey a team holds the actual one against."""

    model_config = ConfigDict(use_attribute_docstrings=True, extra="forbid")

    title: str | None = Field(None, max_length=IDEAL_TEXT)
    """What this intended journey is (e.g. `Freshbox: the journey we promise`)."""
    origin: str = "given"
    """`given` (a file or request from the user) or how it was drafted."""
    stages: list[IdealStage] = Field(min_length=1, max_length=IDEAL_ITEMS)
    """Its stages, in order."""


ExpectationStatus = Literal["supported", "contradicted", "no evidence"]
ValenceStatus = Literal[
    "below target", "on target", "above target", "no target", "no quotes", "too few quotes"
]


class ExpectationCheck(_Model):
    """One expectation of the intended journey held against the stage's coded quotes."""

    expectation: str
    """The expectation, as written in the intended journey."""
    status: ExpectationStatus
    """`contradicted` when pain points speak to it (from at least as many participants as
    support it), `supported` when more participants' delights or positive quotes do, `no
    evidence` when no quote of the study is near enough in meaning (see `relevance`). The
    stage's own quotes decide; when none of them speaks to it, the quotes of other stages
    that do (`elsewhere`)."""
    contradicting: list[Evidence] = Field(default_factory=list)
    """Verbatim pain-point quotes that speak to it (of the stage, else of `elsewhere`),
    nearest first."""
    supporting: list[Evidence] = Field(default_factory=list)
    """Verbatim delight or positive quotes that speak to it (of the stage, else of
    `elsewhere`), nearest first."""
    contradicting_participants: int = 0
    """Distinct participants among all contradicting quotes (the lists show the nearest)."""
    supporting_participants: int = 0
    """Distinct participants among all supporting quotes."""
    themes: list[str] = Field(default_factory=list)
    """Ids of the pain points and delights those quotes belong to."""
    elsewhere: dict[str, int] = Field(default_factory=dict)
    """Other stages with quotes that speak to it, and how many: the study may say it there."""


class StageGap(_Model):
    """Where the actual experience of one stage falls short of the intended one."""

    stage: str
    """The map's stage."""
    target_valence: float | None = None
    """The feeling aimed at, -2..+2 (given, or from the study's quotes of target_feeling)."""
    target_feeling: str | None = None
    """The feeling aimed at, as a word."""
    target_from: str = ""
    """Where target_valence comes from: `given`, or the study's quotes labelled with
    target_feeling (how many); empty without a target."""
    actual_valence: float | None = None
    """The stage's mean valence (its point on the emotion curve)."""
    ci_low: float | None = None
    """Lower end of the 95% interval of the actual mean."""
    ci_high: float | None = None
    """Upper end of that interval."""
    valence_gap: float | None = None
    """actual - target: negative when the stage feels worse than intended."""
    valence_status: ValenceStatus = "no target"
    """`below target` or `above target` when the 95% interval of the actual mean lies wholly
    on one side of the target, `on target` when it holds the target; `no quotes` or `too few
    quotes` (no interval) when the stage cannot say; `no target` when none was given."""
    expectations: list[ExpectationCheck] = Field(default_factory=list)
    """Each expectation with its status and the quotes it rests on."""
    kpis: list[KPI] = Field(default_factory=list)
    """The stage's measures, as given (the map does not measure them)."""


class IdealComparison(_Model):
    """The intended journey held against the actual one, stage by stage."""

    journey: IdealJourney
    """The intended journey as given."""
    stages: list[StageGap] = Field(default_factory=list)
    """One gap report per stage the intended journey and the map share, in the map's order."""
    missing_stages: list[str] = Field(default_factory=list)
    """Stages of the intended journey the map does not have (reported, not dropped)."""
    unplanned_stages: list[str] = Field(default_factory=list)
    """Stages of the map the intended journey says nothing about."""
    relevance: str = ""
    """How a quote was judged to speak to an expectation (the bar, set from the study)."""


class Generator(_Model):
    """What made the map."""

    mode: Literal["local", "llm"]
    """local (embedded, offline) or llm."""
    model: str
    """The embedding or language model used."""
    prompt_version: str | None = None
    """Version of the prompts (llm mode)."""
    settings: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    """Settings that shaped the map."""


class SourcesSummary(_Model):
    """What the map was built from."""

    count: int
    """Number of sources."""
    participants: int
    """Distinct participants."""
    kinds: dict[str, int]
    """Sources per kind."""
    languages: dict[str, int]
    """Sources per language."""
    segments: dict[str, dict[str, int]] = Field(default_factory=dict)
    """Per segment attribute and value, the number of participants."""


class LLMStats(_Model):
    """What the LLM path cost for one map, from the provider's usage fields."""

    calls: int
    """Requests sent to the model (re-asks included)."""
    cached_calls: int
    """Requests answered from the workspace cache (not sent, not paid)."""
    prompt_tokens: int
    completion_tokens: int
    failed_requests: int = 0
    """Requests that failed for good; the map keeps everything else (see warnings)."""


class MapStats(_Model):
    """Counts that say how much the map rests on."""

    sentences: int
    """Participant sentences read."""
    observations: int
    """Observations extracted (not neutral)."""
    quotes_used: int
    """Quotes shown in the map."""
    quotes_rejected: int
    """Quotes dropped because grounding could not find them in their source."""
    quotes_relocated: int = 0
    """Quotes whose offsets were repaired by grounding."""
    llm: LLMStats | None = None
    """Calls and tokens, on the LLM path."""


class JourneyMap(_Model):
    """A draft customer journey map with its evidence."""

    id: str
    """Id of this map version."""
    title: str
    """Title, by default the project's name."""
    language: Language = "en"
    """The language the map's own words are in (stage names it chose, lane labels,
    descriptions, recommendations, report headings): the sources' majority unless the user
    chose one. Quotes stay in the language they were said in."""
    schema_version: str = SCHEMA_VERSION
    """Version of this schema."""
    project: str
    """The project it was built from."""
    generated_at: datetime
    """When it was built (UTC)."""
    generator: Generator
    """What built it."""
    sources: SourcesSummary
    """What it was built from."""
    stages: list[Stage]
    """The journey's stages, in order."""
    top_pain_points: list[str] = Field(default_factory=list)
    """Ids of the study's headline pain points, study-wide, by distinct participants x
    severity (each is listed under its home stage)."""
    top_delights: list[str] = Field(default_factory=list)
    """Ids of the study's headline delights, study-wide, by distinct participants x strength."""
    recommendations: list[Recommendation] = Field(default_factory=list)
    """Intervention points, highest priority first."""
    scoring: str = RECOMMENDATION_SCORING
    """How the recommendations are scored, once for all of them."""
    stats: MapStats
    """How much evidence the map rests on."""
    warnings: list[str] = Field(default_factory=list)
    """Things the reader should know (thin evidence, dropped quotes ...)."""
    personas: list[Persona] = Field(default_factory=list)
    """Groups of participants who experience the journey alike, largest first; empty when the
    study has too few participants or no groups stand apart. Each member's persona is also a
    segment (`persona`) of the observations and findings, so views per segment show it."""
    observations: list[CodedObservation] = Field(default_factory=list)
    """Every grounded observation that is not neutral, with the theme it joined: the coded
    segments a researcher exports to check or re-code the themes."""
    ideal: IdealComparison | None = None
    """The intended (to-be) journey held against this one, when one was given: per stage the
    valence gap and each expectation supported, contradicted or without evidence."""

    def evidence(self) -> Iterator[Evidence]:
        """Every quote the map shows, recommendations' included (repeats possible)."""
        for stage in self.stages:
            yield from stage.evidence()
        for rec in self.recommendations:
            yield from rec.evidence
        if self.ideal is not None:
            for gap in self.ideal.stages:
                for check in gap.expectations:
                    yield from check.contradicting
                    yield from check.supporting


class ChatAnswer(_Model):
    """An answer to a question about a study, resting only on cited quotes."""

    answer: str
    """The answer text; numbered markers like [1] point at citations."""
    citations: list[Evidence]
    """Verbatim quotes the answer rests on, each checked against its source."""
    abstained: bool
    """True when the study holds nothing relevant and the answer says so instead."""
    follow_ups: list[str] = Field(default_factory=list)
    """Questions the researcher might ask next."""
    mode: Literal["local", "llm"] = "local"
    """local: an extractive answer built from the map and the quotes; llm: written by a model."""
    conversation_id: str | None = None
    """The conversation this answer belongs to; send it with a follow-up question."""
    findings: list[str] = Field(default_factory=list)
    """Ids of the map's pain points and delights the answer states (for `get_theme`, edits)."""
