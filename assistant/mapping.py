"""Build a project's journey map: sentences -> observations -> grounding -> stages."""

import functools
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise
from typing import NamedTuple, ParamSpec

import numpy as np

from assistant.analysts import Analyst, FunctionAnalyst, analyst_for
from assistant.cues import KIND_QUOTES
from assistant.extractor import Extractor, Unit, meaning_text
from assistant.ideal import compare_with_ideal
from assistant.llm_pipeline import Progress
from assistant.local_extractor import LocalExtractor
from assistant.personas import after_edits, with_personas
from assistant.presets import (
    MIN_REVIEW_SENTENCES,
    choose_preset,
    find_preset,
    preset_ids,
    review_sentences,
    reviewers_dominate,
    reviews_dominate,
)
from assistant.readings import project_sentences
from assistant.stages import StageSpec, default_stages, has_guide_headings, stages_from_headings
from assistant.synthesis import (
    MIN_PARTICIPANTS,
    build_stages,
    harmonise_stages,
    ranked,
    theme_groups,
)
from assistant.themes import LINKAGE
from assistant.workspace import Workspace
from ingest.catalog import StoredSource
from ingest.embeddings import Embedder, Vectors
from ingest.speakers import people_of
from journey.edits import apply_edits
from journey.errors import InputError
from journey.grounding import Grounded, ground, normalize_ws
from journey.labels import Labels, LanguageChoice, choose_language, labels_for
from journey.schema import (
    CodedObservation,
    Evidence,
    Generator,
    IdealJourney,
    JourneyMap,
    Language,
    MapStats,
    Observation,
    ObservationKind,
    SourcesSummary,
    Stage,
    every_field,
    participant_key,
)
from journey.source import Role, SourceKind


def no_sources(project: str) -> str:
    """What to do about a project with no sources, said to any of the faces (CLI, API, MCP)."""
    return (
        f"project {project!r} has no sources yet: add some (`journeymap ingest`, "
        f"POST /v1/projects/{project}/sources or the ingest_source tool)"
    )


def _summary(stored: Sequence[StoredSource]) -> SourcesSummary:
    sources = [s.source for s in stored]
    segments: defaultdict[str, defaultdict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for s in sources:
        for key, value in s.segment.items():
            segments[key][value].update(people_of(s))
    return SourcesSummary(
        count=len(sources),
        participants=len({p for s in sources for p in people_of(s)}),
        kinds=dict(Counter(s.kind.value for s in sources).most_common()),
        languages=dict(Counter(s.language for s in sources).most_common()),
        segments={
            k: {v: len(p) for v, p in sorted(vals.items())} for k, vals in sorted(segments.items())
        },
    )


def _participant_spans(stored: Sequence[StoredSource]) -> dict[str, list[tuple[int, int]]]:
    return {
        s.source.id: [
            (t.char_start, t.char_end) for t in s.source.turns if t.role is Role.participant
        ]
        for s in stored
    }


def _headed(stored: Sequence[StoredSource]) -> tuple[int, int]:
    """(interviews with guide headings, interviews), when some have headings."""
    interviews = [s.source for s in stored if s.source.kind is SourceKind.interview]
    headed = sum(has_guide_headings(s) for s in interviews)
    return (headed, len(interviews)) if headed else (0, 0)


def map_language(stored: Sequence[StoredSource], choice: str | None = "auto") -> Language:
    """The language of a map of these sources: the one chosen, or (`auto`) the sources'
    majority (see journey.labels.majority_language)."""
    return choose_language(choice, Counter(s.source.language for s in stored))


class StageChoice(NamedTuple):
    """The stages to map into, where they came from, and the preset chosen for the study
    (not by a person) if one was: kept for the next build (see `stage_specs`' `kept`)."""

    specs: list[StageSpec]
    origin: str
    auto_preset: str | None = None


def stage_specs(
    stored: Sequence[StoredSource],
    stages: Sequence[StageSpec] | None = None,
    preset: str | None = None,
    embedder: Embedder | None = None,
    language: Language | None = None,
    kept: str | None = None,
) -> StageChoice:
    """The stages to map into and where they came from: given, a named preset, the interview
    guide's headings, the preset that fits a study of mostly reviews (chosen with `embedder`),
    or the default taxonomy. A preset's or the default stages are named in the map's
    `language` (by default the sources' majority). Where they came from is a code (`given`,
    `interview guide headings`, `default taxonomy`: the exports say it in the map's language)
    or, for a preset, a sentence written in that language.

    `kept` is the preset chosen for the study's last map (not by a person). It stays while
    the study is still mostly reviews and no other kind of journey now fits clearly: a mixed
    study flipped between the subscription journey and the default stages as it crossed 30
    review sentences, and a map's edits naming a stage were dropped with every flip."""
    sources = [s.source for s in stored]
    labels = labels_for(language or map_language(stored))
    chinese = labels.code == "zh"
    if stages:
        return StageChoice(list(stages), "given")
    if preset:
        chosen = find_preset(preset)
        return StageChoice(
            chosen.specs(chinese), labels.preset_chosen.format(label=chosen.name(chinese))
        )
    if found := stages_from_headings(sources):
        return StageChoice(found, "interview guide headings")
    choice = None
    if embedder is not None and reviews_dominate(sources):
        choice = choose_preset(review_sentences(sources), embedder)
    elif embedder is not None and reviewers_dominate(sources):
        # most people are reviewers, though interviews say more: a journey that clearly fits
        # the reviews (a broadband study's telecom one) beats the purchase funnel
        sentences = review_sentences(sources)
        if len(sentences) >= MIN_REVIEW_SENTENCES or kept:
            choice = choose_preset(sentences, embedder)
            choice = choice if choice.fits or kept else None
    if choice is not None and kept and kept in preset_ids():
        previous = find_preset(kept)
        if previous.id != choice.preset.id and not (
            choice.fits and choice.preset.family != previous.family
        ):
            name = previous.name(chinese)
            return StageChoice(
                previous.specs(chinese), labels.preset_kept.format(label=name), previous.id
            )
    if choice is not None:
        return StageChoice(choice.preset.specs(chinese), choice.reason(labels), choice.preset.id)
    return StageChoice(default_stages(chinese), "default taxonomy")


def map_id(
    project: str,
    stored: Sequence[StoredSource],
    specs: Sequence[StageSpec],
    extractor: str,
    language: Language | None = None,
) -> str:
    """A map's id: a hash of what it is built from, so equal inputs give equal ids. A
    `language` other than the sources' majority is an input too (a map of the same stages in
    another language is another map); the majority's adds nothing, so ids made before maps
    had a language stay the same."""
    key = [project, *sorted(s.source.id for s in stored), *(s.name for s in specs), extractor]
    if language is not None and language != map_language(stored):
        key.append(f"language={language}")
    # segments set after ingest (`ingest --segment` again) change the map's segment views;
    # a study without segments keeps the ids it had
    segments = sorted((s.source.id, sorted(s.source.segment.items())) for s in stored)
    if any(seg for _, seg in segments):
        key.append("segments=" + hashlib.sha256(repr(segments).encode()).hexdigest()[:16])
    return "map-" + hashlib.sha256("|".join(key).encode()).hexdigest()[:16]


def chosen_stages(journey_map: JourneyMap | None) -> tuple[list[StageSpec] | None, str | None]:
    """The stages a person chose for a map: given ones (with their descriptions) or a preset's
    name; (None, None) when the map's stages were chosen for them."""
    if journey_map is None:
        return None, None
    settings = journey_map.generator.settings
    given = (
        [StageSpec(s.name, s.description) for s in journey_map.stages]
        if settings.get("stages") == "given"
        else None
    )
    preset = settings.get("preset")
    return given, preset if isinstance(preset, str) else None


def auto_preset(journey_map: JourneyMap | None) -> str | None:
    """The preset chosen for the study (not by a person) of a map, if one was."""
    found = journey_map.generator.settings.get("auto_preset") if journey_map else None
    return found if isinstance(found, str) else None


def current_map(workspace: Workspace, project: str) -> JourneyMap:
    """The project's map for its sources as they are now: the stored one if still current
    (same sources, stages, local extractor), else built afresh and stored. What the user chose
    for the stored map (its stages or preset, title and language) is kept."""
    workspace.catalog.require_project(project)
    stored = workspace.catalog.sources(project)
    journey_map = workspace.repository.latest_map(project)
    choice: LanguageChoice = "auto"
    given: list[StageSpec] | None = None
    preset: str | None = None
    title: str | None = None
    kept = auto_preset(journey_map)
    if journey_map is not None:
        settings = journey_map.generator.settings
        chosen = settings.get("language")
        choice = "en" if chosen == "en" else "zh" if chosen == "zh" else "auto"
        language = map_language(stored, choice)
        given, preset = chosen_stages(journey_map)
        title = journey_map.title
        extractor = workspace.extractor_name()
        specs = stage_specs(stored, given, preset, workspace.embedder, language, kept).specs
        if journey_map.id == map_id(project, stored, specs, extractor, language):
            return with_edits(workspace, journey_map)
    # The intended journey the last map was held against is held against the new one too.
    ideal = journey_map.ideal.journey if journey_map and journey_map.ideal else None
    journey_map = build_map(
        workspace,
        project,
        stages=given,
        title=title,
        preset=preset,
        language=choice,
        ideal=ideal,
        ideal_strict=False,
        kept_preset=kept,
    )
    save_map(workspace, journey_map)
    return with_edits(workspace, journey_map)


def with_edits(workspace: Workspace, journey_map: JourneyMap) -> JourneyMap:
    """The map with the people's edits of its project applied (they survive rebuilds)."""
    stored = workspace.repository.edits(journey_map.project)
    return after_edits(apply_edits(journey_map, stored)) if stored else journey_map


def save_map(workspace: Workspace, journey_map: JourneyMap) -> None:
    """Keep a built map in the workspace, as the project's newest version."""
    workspace.repository.save_map(journey_map)


@dataclass
class Extraction:
    """Grounded observations of a project, with what they were extracted from (the sources
    themselves are not kept: at 100,000 reviews they weigh hundreds of MB)."""

    map_id: str
    """The id of a map of these sources, stages and extractor."""
    sources: SourcesSummary
    kinds: dict[str, SourceKind]
    """Each source's kind, by id."""
    specs: list[StageSpec]
    stage_origin: str
    auto_preset: str | None
    """The preset chosen for the study, not by a person (recorded so the next build keeps it)."""
    preset_hint: str | None
    """A journey preset that clearly fits the interviews mapped into the default stages."""
    headed: tuple[int, int]
    """(interviews with guide headings, interviews) when some but too few have them to give
    the stages: the map says so."""
    language: Language
    """The map's language: stage names it chose are in it."""
    observations: list[Observation]
    """Observations whose quotes passed grounding (neutral ones included)."""
    vectors: Vectors
    """Embedding of each observation's quote, row for row."""
    sentences: int
    rejected: int
    relocated: int
    extractor: str


GROUND_BLOCK = 4096
"""Observations grounded at a time: each block's verified quotes replace the extractor's before
the next block's are made, so two sets of every quote never exist at once."""


def _ground(
    observations: Sequence[Observation],
    stored: Sequence[StoredSource],
    redact: Callable[[str], str],
) -> tuple[list[Observation], list[int], Grounded]:
    """Keep the observations whose quotes grounding finds (each now carrying its verified
    evidence); return them with their rows in `observations`."""
    by_id = {s.source.id: s for s in stored}
    kept, rows = [], []
    verified: list[Evidence] = []
    rejected: list[Evidence] = []
    relocated = 0
    for start in range(0, len(observations), GROUND_BLOCK):
        block = observations[start : start + GROUND_BLOCK]
        sources = [by_id[i] for i in {o.evidence.source_id for o in block} if i in by_id]
        grounded = ground(
            [o.evidence for o in block],
            {s.source.id: s.original for s in sources},
            redact,
            allowed=_participant_spans(sources),
        )
        verified += grounded.kept
        rejected += grounded.rejected
        relocated += grounded.relocated
        exact = {(e.source_id, e.char_start, e.char_end): e for e in grounded.kept}
        loose: dict[tuple[str, str], Evidence] | None = None  # made only when offsets moved
        for row, obs in enumerate(block, start):
            e = obs.evidence
            found = exact.get((e.source_id, e.char_start, e.char_end))
            if found is None:
                if loose is None:
                    loose = {(k.source_id, normalize_ws(k.quote)): k for k in grounded.kept}
                found = loose.get((e.source_id, normalize_ws(e.quote)))
            if found is not None:
                # The extractor's observations are this build's own: set, not copied (at
                # 100,000 reviews a copy of each is hundreds of MB).
                obs.evidence = found
                kept.append(obs)
                rows.append(row)
    return kept, rows, Grounded(kept=verified, rejected=rejected, relocated=relocated)


def extract_observations(
    workspace: Workspace,
    project: str,
    stages: Sequence[StageSpec] | None = None,
    extractor: Extractor | None = None,
    preset: str | None = None,
    language: LanguageChoice = "auto",
    kept_preset: str | None = None,
) -> Extraction:
    """Read a project's participant sentences, extract observations and ground their quotes.
    `language` (en, zh, or auto: the sources' majority) names the stages it chooses."""
    catalog = workspace.catalog
    catalog.require_project(project)
    stored = catalog.sources(project)
    if not stored:
        raise InputError(no_sources(project))
    redactor = workspace.redactor(project)

    def redact(text: str) -> str:
        return redactor.redact(text)[0]

    chosen = map_language(stored, language)
    extractor = extractor or LocalExtractor(workspace.embedder)
    sentences = project_sentences(workspace, project, stored, redact, extractor)
    units, vectors = sentences.units, sentences.vectors
    specs, origin, auto = stage_specs(
        stored, stages, preset, workspace.embedder, chosen, kept_preset
    )
    hint = None
    if origin == "default taxonomy":
        # an interview study without a guide gets the purchase funnel; a journey that clearly
        # fits what its participants talk about is worth saying (a hospital trial's 号源 sat
        # in 售后服务, an expense tool's bank feed in Purchase)
        fit = choose_preset(
            review_sentences([s.source for s in stored], interviews=True), workspace.embedder
        )
        if fit.fits:
            hint = labels_for(chosen).preset_hint.format(
                label=fit.preset.name(chosen == "zh"), id=fit.preset.id
            )
    observations = extractor.extract(units, vectors, specs)
    del sentences
    obs_vectors = _observation_vectors(workspace, units, vectors, observations)
    count = len(units)
    del units, vectors
    kept, kept_rows, grounded = _ground(observations, stored, redact)
    del observations
    return Extraction(
        map_id=map_id(project, stored, specs, extractor.name, chosen),
        sources=_summary(stored),
        kinds={s.source.id: s.source.kind for s in stored},
        specs=specs,
        stage_origin=origin,
        auto_preset=auto,
        preset_hint=hint,
        headed=_headed(stored) if origin != "interview guide headings" and not stages else (0, 0),
        language=chosen,
        observations=kept,
        vectors=_compact(obs_vectors, kept_rows),
        sentences=count,
        rejected=len(grounded.rejected),
        relocated=grounded.relocated,
        extractor=extractor.name,
    )


def _observation_vectors(
    workspace: Workspace,
    units: Sequence[Unit],
    vectors: Vectors,
    observations: Sequence[Observation],
) -> Vectors:
    """Each observation's vector: its unit's where it quotes a whole unit, else its quote
    embedded (extractors may quote part of a sentence; the LLM does). `vectors` (the units')
    may be reused in place: it is not to be read after."""
    by_span = {(u.source.id, u.char_start, u.char_end): i for i, u in enumerate(units)}
    rows = [
        by_span.get((o.evidence.source_id, o.evidence.char_start, o.evidence.char_end))
        for o in observations
    ]
    whole = [r for r in rows if r is not None]
    if len(whole) == len(rows) and all(a < b for a, b in pairwise(whole)):
        # whole units, in order (the local extractor): their rows are moved up in place
        # (at 100,000 reviews a copy is ~290 MB)
        return _compact(vectors, whole)
    missing = [i for i, r in enumerate(rows) if r is None]
    extra = workspace.embedder.embed(
        [meaning_text(observations[i].evidence.quote) for i in missing]
    )
    out = np.empty((len(observations), workspace.embedder.dimensions), dtype=np.float32)
    for i, r in enumerate(rows):
        if r is not None:
            out[i] = vectors[r]
    for j, i in enumerate(missing):
        out[i] = extra[j]
    return out


def _compact(vectors: Vectors, rows: Sequence[int]) -> Vectors:
    """vectors[rows] for increasing rows, moved up in place a block at a time (no second
    array of every vector; a few rejected quotes leave a few rows unused at the end)."""
    if len(rows) == len(vectors):
        return vectors
    for start in range(0, len(rows), 4096):
        picked = rows[start : start + 4096]
        vectors[start : start + len(picked)] = vectors[picked]  # rows[j] >= j: read before write
    return vectors[: len(rows)]


P = ParamSpec("P")


def _on_one_blas_thread(build: Callable[P, JourneyMap]) -> Callable[P, JourneyMap]:
    """One BLAS thread: matrix products summed in another order round differently in the last
    bits, and near-ties in grouping then fall the other way (35 of a laptop study's 68 themes
    changed between one thread and two): the same inputs give the same map on every machine,
    and one thread is no slower on 2 busy cores (6.7 s against 10.8 s for 250 reviews)."""

    @functools.wraps(build)
    def built(*args: P.args, **kwargs: P.kwargs) -> JourneyMap:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

        with threadpool_limits(limits=1):
            return build(*args, **kwargs)

    return built


@_on_one_blas_thread
def build_map(
    workspace: Workspace,
    project: str,
    stages: Sequence[StageSpec] | None = None,
    extractor: Extractor | None = None,
    title: str | None = None,
    members: dict[str, list[Observation]] | None = None,
    progress: Progress | None = None,
    min_participants: int = MIN_PARTICIPANTS,
    preset: str | None = None,
    analyst: Analyst | None = None,
    language: LanguageChoice = "auto",
    ideal: IdealJourney | None = None,
    ideal_strict: bool = True,
    kept_preset: str | None = None,
    phase: Callable[[float, str], None] | None = None,
) -> JourneyMap:
    """The draft journey map of a project's sources. Deterministic but for generated_at (and,
    on the LLM path, as deterministic as the model: its replies are cached).

    The analyst (by default the workspace's: the LLM's when one is configured, else local;
    with `extractor` given, that extractor and local naming) extracts, names themes and writes
    recommendations; clustering, counts and grounding are the same whichever it is.
    `members`, if given, receives each pain point's and delight's observations (for benchmarks).
    `progress(done, total)` is told how extraction requests advance on the LLM path, and
    `phase(fraction, message)` each step of the build (a build job's progress had stayed at
    "reading sentences" for the whole of a 70 s build).
    A pain point or delight headlines its stage when `min_participants` people raise it.
    `preset` names a journey preset to map into (see assistant/presets.toml) instead of the
    stages chosen for the study (given `stages` still come first).
    `language` (en, zh, or auto: the sources' majority) is the language of the map's own
    words: stage names it chooses, descriptions, recommendations, and the exports' labels.
    `ideal`, the intended journey, is held against the map (its `ideal`): with `ideal_strict`
    one that shares no stage with the map is refused (InvalidRequestError) before anything
    is stored; otherwise its stages are reported missing. `kept_preset` is the preset chosen
    for the study's last map, kept while it still fits (see `stage_specs`).
    """
    if analyst is None:
        analyst = (
            analyst_for(workspace, progress)
            if extractor is None
            else FunctionAnalyst(extractor, model=workspace.embedder.name)
        )
    said = phase or (lambda fraction, message: None)
    said(0.0, "reading sentences and extracting observations")
    ex = extract_observations(
        workspace, project, stages, analyst.extractor, preset, language, kept_preset
    )
    said(0.7, f"grouping {len(ex.observations):,} observations into themes")
    labels = labels_for(ex.language)
    summary = ex.sources
    total = max(summary.participants, len({participant_key(o.evidence) for o in ex.observations}))
    loose = [ex.kinds[o.evidence.source_id] is SourceKind.review for o in ex.observations]
    groups = analyst.group(ex.observations, ex.vectors) or theme_groups(ex.observations, ex.vectors)
    order = [spec.name for spec in ex.specs]
    observations = harmonise_stages(ex.observations, groups, loose, order)
    grouped: dict[str, list[Observation]] = {}
    map_stages = build_stages(
        ex.specs, observations, ex.vectors, total, grouped, min_participants, groups, ex.language
    )
    map_stages = _described(map_stages, total, labels)
    if members is not None:
        members.update(grouped)
    said(0.85, "naming themes")
    map_stages = analyst.name(map_stages)
    said(0.92, "writing recommendations and checking every quote")
    recommendations = analyst.recommend(
        map_stages,
        labels,
        {f: [o.evidence.quote for o in obs[:KIND_QUOTES]] for f, obs in grouped.items()},
    )
    llm_stats, failures, prompts_used = analyst.report()
    model, analyst_settings = analyst.describe()
    used = {(e.source_id, e.char_start, e.char_end) for st in map_stages for e in st.evidence()}
    warnings: list[str] = []
    if ex.rejected:
        warnings.append(labels.dropped_warning.format(n=ex.rejected))
    warnings.extend(failures)
    if ex.headed[0]:
        warnings.append(labels.headings_warning.format(n=ex.headed[0], total=ex.headed[1]))
    if ex.preset_hint:
        warnings.append(ex.preset_hint)
    thin = [st.name for st in map_stages if st.emotion.n < 3]
    if thin:
        warnings.append(labels.thin_warning.format(stages=labels.join(thin)))
    journey_map = JourneyMap(
        id=ex.map_id,
        title=title or labels.default_title.format(project=project),
        language=ex.language,
        project=project,
        generated_at=datetime.now(UTC).replace(microsecond=0),
        generator=Generator(
            mode=analyst.mode,
            model=model,
            prompt_version=" ".join(prompts_used) or None,
            settings={
                "stages": ex.stage_origin,
                "themes": "study-wide, average linkage",
                "theme_linkage": LINKAGE,
                "min_participants": min_participants,
                "extractor": ex.extractor,
                "embeddings": workspace.embedder.name,
                "language": language,
                **({"preset": preset} if preset and not stages else {}),
                **({"auto_preset": ex.auto_preset} if ex.auto_preset else {}),
                **analyst_settings,
            },
        ),
        sources=summary,
        stages=map_stages,
        top_pain_points=ranked(map_stages, ObservationKind.pain_point),
        top_delights=ranked(map_stages, ObservationKind.delight),
        recommendations=recommendations,
        scoring=labels.scoring_text,
        stats=MapStats(
            sentences=ex.sentences,
            observations=sum(o.kind is not ObservationKind.neutral for o in ex.observations),
            quotes_used=len(used),
            quotes_rejected=ex.rejected,
            quotes_relocated=ex.relocated,
            llm=llm_stats,
        ),
        warnings=warnings,
        observations=coded_observations(observations, grouped),
    )
    journey_map = with_personas(journey_map)  # who experiences it alike, from the coded quotes
    if ideal is None:
        return journey_map
    coded = [i for i, o in enumerate(observations) if o.kind is not ObservationKind.neutral]
    return compare_with_ideal(
        journey_map, ideal, workspace.embedder.embed, ex.vectors[coded], ideal_strict
    )


def _described(stages: list[Stage], total: int, labels: Labels) -> list[Stage]:
    """The stages with each finding's description (who, how many, where) in the map's
    language: written from the finding's own counts, as synthesis writes them in English."""
    for stage in stages:
        for f in (
            *stage.pain_points,
            *stage.delights,
            *stage.pain_points_once,
            *stage.delights_once,
        ):
            f.description = labels.spread(
                f.participants, total, f.home_stage or stage.name, f.also_in
            )
    return stages


def coded_observations(
    observations: Sequence[Observation], grouped: dict[str, list[Observation]]
) -> list[CodedObservation]:
    """The observations that are not neutral, each with the id of the theme it joined."""
    theme = {
        (o.evidence.source_id, o.evidence.char_start, o.evidence.char_end, o.kind): finding
        for finding, items in grouped.items()
        for o in items
    }
    return [
        CodedObservation.model_construct(  # the observation's fields are checked already
            every_field(CodedObservation),
            **o.__dict__,
            theme=theme.get(
                (o.evidence.source_id, o.evidence.char_start, o.evidence.char_end, o.kind)
            ),
        )
        for o in observations
        if o.kind is not ObservationKind.neutral
    ]
