"""The LLM path of the map: extraction per chunk of participant sentences, theme naming and
recommendations. Clustering, counting and grounding stay the local, deterministic ones.

Requests are built so that tokens go to what the model must read: participant sentences only
(numbered, the interviewer's question as one line of context), short turns and short reviews
batched into one request, a compact reply schema that names sentences by number, and neutral
sentences left out of the reply.
"""

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, Field

import prompts
from assistant.extractor import Unit
from assistant.llm_types import Usage
from assistant.local_extractor import assign_stages, touchpoint_of
from assistant.sentiment import sentiment
from assistant.stages import StageSpec
from ingest.embeddings import Embedder, Vectors
from journey.schema import (
    Delight,
    Evidence,
    Observation,
    ObservationKind,
    PainPoint,
    Recommendation,
    Stage,
    TouchpointType,
    by_priority,
)

if TYPE_CHECKING:
    from assistant.llm import LLM

log = logging.getLogger(__name__)
F = TypeVar("F", PainPoint, Delight)

Progress = Callable[[int, int], None]


class CodedSentence(BaseModel):
    """One observation the model codes from a numbered sentence."""

    s: int = Field(description="sentence number")
    quote: str = Field(description="words copied exactly from that sentence")
    kind: Literal["pain_point", "delight", "need", "action"]
    stage: str
    touchpoint: str | None = None
    channel: Literal["digital", "physical", "social", "human"] | None = None
    emotion: str = "neutral"
    valence: int = Field(0, description="-2..2")
    severity: int = Field(1, description="1..5")


class Coding(BaseModel):
    """The model's coding of one chunk of participant sentences."""

    observations: list[CodedSentence]


class ThemeName(BaseModel):
    """A readable name for one theme (a cluster of quotes)."""

    id: str
    title: str
    description: str


class ThemeNames(BaseModel):
    """Names for the themes given."""

    themes: list[ThemeName]


class Suggestion(BaseModel):
    """One recommended intervention."""

    title: str
    rationale: str
    addresses: list[str] = Field(description="ids of the pain points it fixes")
    effort: int = Field(3, description="1..5")


class Suggestions(BaseModel):
    """Recommended interventions for the top pain points."""

    recommendations: list[Suggestion]


@dataclass
class LLMRun:
    """What the LLM path of one map cost and where it fell short."""

    usage: Usage = field(default_factory=Usage)
    failures: list[str] = field(default_factory=list)
    """One line per request that failed for good (what, and why)."""
    prompts: list[str] = field(default_factory=list)

    def note(self, tag: str) -> None:
        """Record that a prompt (name@version) was used."""
        if tag not in self.prompts:
            self.prompts.append(tag)


@dataclass
class _Chunk:
    units: list[Unit]
    text: str


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, round(value))))


def _boundary(source_id: str) -> bool:
    """Content-defined chunk boundary among small sources (about one in eight), so adding a
    review re-chunks only its neighbourhood and the rest stays cached."""
    return int(hashlib.sha256(source_id.encode()).hexdigest()[:8], 16) % 8 == 0


def chunk_units(units: Sequence[Unit], limit: int) -> list[_Chunk]:
    """Group sentences into requests of about `limit` characters. A long source (an interview)
    gets chunks of its own; short sources (reviews) share chunks in ingest order."""
    by_source: dict[str, list[Unit]] = {}
    for unit in units:
        by_source.setdefault(unit.source.id, []).append(unit)
    chunks: list[list[Unit]] = []
    packing: list[Unit] = []
    for source_id, group in by_source.items():
        size = sum(len(u.text) for u in group)
        if size >= limit // 3:
            current: list[Unit] = []
            for unit in group:
                if current and sum(len(u.text) for u in current) + len(unit.text) > limit:
                    chunks.append(current)
                    current = []
                current.append(unit)
            chunks.append(current)
            continue
        packed = sum(len(u.text) for u in packing)
        if packing and (packed + size > limit or _boundary(source_id)):
            chunks.append(packing)
            packing = []
        packing.extend(group)
    if packing:
        chunks.append(packing)
    return [_Chunk(c, _render(c)) for c in chunks]


def _render(units: Sequence[Unit]) -> str:
    lines: list[str] = []
    source = question = None
    for n, unit in enumerate(units, 1):
        if unit.source.id != source:
            source, question = unit.source.id, None
            who = unit.source.participant_id
            lines.append(f"# {unit.source.kind.value} {who}")
        if unit.question and unit.question != question:
            question = unit.question
            lines.append("Q: " + " ".join(question.split())[:300])
        lines.append(f"[{n}] {' '.join(unit.text.split())}")
    return prompts.fence("\n".join(lines))


def _stage_lookup(stages: Sequence[StageSpec]) -> dict[str, str]:
    return {s.name.casefold(): s.name for s in stages}


class LLMExtractor:
    """Extraction by the configured LLM; every quote still goes through grounding after."""

    def __init__(
        self, llm: "LLM", embedder: Embedder, run: LLMRun, progress: Progress | None
    ) -> None:
        self.llm = llm
        self.embedder = embedder
        self.run = run
        self.progress = progress
        self.name = f"llm:{llm.describe()}"

    def extract(
        self, units: Sequence[Unit], vectors: Vectors, stages: Sequence[StageSpec]
    ) -> list[Observation]:
        """Observations the model codes, plus a neutral one for every sentence it passes over
        (they carry the emotion curve, as in the local extractor)."""
        prompt = prompts.load("extract")
        self.run.note(prompt.tag)
        local_stage = assign_stages(units, vectors, stages, self.embedder)
        stage_of = {id(u): s for u, s in zip(units, local_stage, strict=True)}
        names = _stage_lookup(stages)
        chunks = chunk_units(units, self.llm.settings.llm_chunk_chars)
        stage_list = "; ".join(
            f"{s.name} ({s.description})" if s.description else s.name for s in stages
        )
        outcomes = self.llm.structured_many(
            prompt,
            Coding,
            [{"stages": stage_list, "sentences": c.text} for c in chunks],
            self.progress,
        )
        coded: dict[int, list[CodedSentence]] = {}
        for chunk, outcome in zip(chunks, outcomes, strict=True):
            self.run.usage.add(outcome.usage)
            if outcome.reply is None:
                first = chunk.units[0]
                self.run.failures.append(
                    f"extraction of {len(chunk.units)} sentences from {first.source.path} "
                    f"failed: {outcome.error}"
                )
                continue
            seen: set[tuple[int, str]] = set()
            for item in outcome.reply.observations:
                if not 1 <= item.s <= len(chunk.units) or (item.s, item.kind) in seen:
                    continue
                seen.add((item.s, item.kind))
                coded.setdefault(id(chunk.units[item.s - 1]), []).append(item)
        observations = []
        for unit in units:
            items = coded.get(id(unit))
            if not items:
                observations.append(_neutral(unit, stage_of[id(unit)]))
                continue
            for item in items:
                observations.append(_observation(unit, item, names, stage_of[id(unit)]))
        return observations


def _neutral(unit: Unit, stage: str) -> Observation:
    found = touchpoint_of(unit.text)
    return Observation(
        kind=ObservationKind.neutral,
        stage=stage,
        touchpoint=found[0] if found else None,
        channel=found[2] if found else None,
        emotion="neutral",
        valence=round(sentiment(unit.text), 3),
        severity=1,
        evidence=unit.evidence(),
        segment=dict(unit.source.segment),
    )


def _observation(unit: Unit, item: CodedSentence, names: dict[str, str], stage: str) -> Observation:
    kind = ObservationKind(item.kind)
    evidence = unit.evidence()
    quote = item.quote.strip()
    if quote and quote != evidence.quote:
        # A part of the sentence: grounding re-locates it near the sentence, or drops it.
        evidence = evidence.model_copy(update={"quote": quote})
    found = touchpoint_of(unit.text)
    touchpoint = (item.touchpoint or "").strip().lower()[:60] or (found[0] if found else None)
    channel = TouchpointType(item.channel) if item.channel else (found[2] if found else None)
    if touchpoint and channel is None:
        channel = TouchpointType.digital
    return Observation(
        kind=kind,
        stage=names.get(item.stage.strip().casefold(), stage),
        touchpoint=touchpoint,
        channel=channel,
        emotion=(item.emotion.strip().lower() or "neutral")[:30],
        valence=float(_clamp(item.valence, -2, 2)),
        severity=_clamp(item.severity, 1, 5) if kind is ObservationKind.pain_point else 1,
        evidence=evidence,
        segment=dict(unit.source.segment),
    )


def _quoted(quotes: Sequence[str], limit: int = 3) -> str:
    return " / ".join(f'"{" ".join(q.split())[:200]}"' for q in quotes[:limit])


def name_themes(
    llm: "LLM",
    stages: list[Stage],
    run: LLMRun,
    batch: int = 25,
    skip: frozenset[str] | set[str] = frozenset(),
) -> list[Stage]:
    """Stages whose pain points and delights the model has named (local names where it fails;
    those in `skip`, already named, are left as they are)."""
    findings = [f for st in stages for f in (*st.pain_points, *st.delights) if f.id not in skip]
    if not findings:
        return stages
    prompt = prompts.load("name")
    run.note(prompt.tag)
    requests = []
    for start in range(0, len(findings), batch):
        lines = [
            f"{f.id} ({'pain point' if isinstance(f, PainPoint) else 'delight'}): "
            + _quoted([e.quote for e in f.evidence])
            for f in findings[start : start + batch]
        ]
        requests.append({"themes": prompts.fence("\n".join(lines))})
    names: dict[str, ThemeName] = {}
    for outcome in llm.structured_many(prompt, ThemeNames, requests):
        run.usage.add(outcome.usage)
        if outcome.reply is None:
            run.failures.append(f"naming themes failed: {outcome.error}")
            continue
        for theme in outcome.reply.themes:
            if theme.title.strip():
                names.setdefault(theme.id.strip(), theme)
    renamed = []
    for st in stages:
        pains = [_renamed(p, names) for p in st.pain_points]
        delights = [_renamed(d, names) for d in st.delights]
        renamed.append(st.model_copy(update={"pain_points": pains, "delights": delights}))
    return renamed


def _renamed(finding: F, names: dict[str, ThemeName]) -> F:
    theme = names.get(finding.id)
    if theme is None:
        return finding
    title = " ".join(theme.title.split())[:80].rstrip(" .")
    description = " ".join(theme.description.split())[:300] or finding.description
    return finding.model_copy(update={"title": title, "description": description})


SCORING = (
    "impact = the highest severity (1-5) x share of participants among the pain points it "
    "addresses (counted from the map); effort 1-5 as the model judged the kind of fix; "
    "priority = impact / effort"
)


def recommend_llm(
    llm: "LLM", stages: Sequence[Stage], run: LLMRun, limit: int = 10
) -> list[Recommendation] | None:
    """Recommendations the model writes for the top pain points; None if it gave none usable.

    The model chooses what to do and how hard it is; impact comes from the map's own counts,
    and a recommendation survives only with pain-point ids that exist.
    """
    prompt = prompts.load("recommend")
    run.note(prompt.tag)
    ranked = sorted(
        ((st, p) for st in stages for p in st.pain_points),
        key=lambda sp: (-sp[1].severity * sp[1].share, sp[1].id),
    )[:limit]
    if not ranked:
        return None
    pains = {p.id: (st, p) for st, p in ranked}
    lines = [
        f"{p.id} | stage: {st.name} | severity {p.severity} | {p.share:.0%} of participants | "
        f"{p.title} | " + _quoted([e.quote for e in p.evidence])
        for st, p in ranked
    ]
    outcome = llm.structured(
        prompt, Suggestions, {"pains": prompts.fence("\n".join(lines)), "limit": str(limit)}
    )
    run.usage.add(outcome.usage)
    if outcome.reply is None:
        run.failures.append(f"writing recommendations failed: {outcome.error}")
        return None
    out = []
    for item in outcome.reply.recommendations[:limit]:
        ids = [i.strip() for i in item.addresses if i.strip() in pains]
        ids = list(dict.fromkeys(ids))
        if not ids or not item.title.strip():
            continue
        addressed = [pains[i][1] for i in ids]
        impact = round(max(p.severity * p.share for p in addressed), 3)
        effort = _clamp(item.effort, 1, 5)
        evidence: list[Evidence] = []
        for p in addressed:
            evidence.extend(e for e in p.evidence[:2] if e not in evidence)
        out.append(
            Recommendation(
                id="",
                title=" ".join(item.title.split())[:120],
                rationale=" ".join(item.rationale.split())[:600],
                stage=pains[ids[0]][0].name,
                addresses=ids,
                impact=impact,
                effort=effort,
                priority=round(impact / effort, 3),
                scoring=SCORING,
                evidence=evidence[:3],
            )
        )
    if not out:
        run.failures.append("the model's recommendations cited no pain point of the map")
        return None
    out.sort(key=by_priority)
    return [r.model_copy(update={"id": f"rec-{i}"}) for i, r in enumerate(out, 1)]
