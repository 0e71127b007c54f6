"""The intended (to-be) journey held against the actual one: where the study's quotes meet or
break each expectation, and how far each stage's feeling is from its target; and drafting an
intended journey from the interview guide. (Reading and writing its file: ideal_files.py.)

A quote speaks to an expectation when two things hold. It is nearer in meaning to that
expectation than to any other of the intended journey (so a quote about recipes is evidence
for "recipes are clear", not for "every ingredient arrives fresh" too). And their similarity
clears a bar set from the study itself, as themes.py sets its bars: the expectation's mean
similarity to all the study's quotes (its background), plus half the share of the way to
identical by which two quotes of one of the study's themes are, on average, more alike than
two random quotes of the study. Half, as a lone quote joins a theme when it fits halfway to
the joining bar (themes.FIT): an expectation is written as a goal, not as something a
participant said, so it is never as close to a quote as two quotes of one theme are. A study
whose quotes read alike gets a higher bar, a varied one a lower one; no number is tuned to a
file or a language.
"""

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, ConfigDict

import prompts
from assistant.extractor import meaning_text
from assistant.llm_pipeline import LLMRun
from assistant.stages import StageSpec
from assistant.themes import FIT, LINKAGE, background
from ingest.catalog import StoredSource
from ingest.embeddings import Vectors
from journey.errors import InvalidRequestError
from journey.labels import EN, Labels, labels_for
from journey.schema import (
    CodedObservation,
    Evidence,
    ExpectationCheck,
    IdealComparison,
    IdealJourney,
    IdealStage,
    JourneyMap,
    ObservationKind,
    Stage,
    StageGap,
    ValenceStatus,
    participant_key,
)
from journey.source import Role

if TYPE_CHECKING:
    from assistant.llm import LLM

Embed = Callable[[list[str]], Vectors]
"""Texts -> one unit vector per text (the workspace's embedder)."""

QUOTES = 5
"""Quotes kept per expectation and side (the nearest; the counts cover all of them)."""


def _key(name: str) -> str:
    """A stage name as compared: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def relevance_fraction(
    vectors: Vectors, themes: Sequence[str | None], labels: Labels = EN
) -> tuple[float, str]:
    """How far above background (towards identical) a quote must be to speak to an
    expectation, from the study: FIT x (W - B) / (1 - B) for B the mean similarity of two of
    its quotes and W that of two quotes of one theme; FIT x the themes' own joining bar when
    the study has no theme of two quotes yet. Returns it with a sentence that says so, in the
    language of `labels`."""
    base = background(vectors)
    sums: dict[str, np.ndarray] = {}
    sizes: Counter[str] = Counter()
    for row, theme in enumerate(themes):
        if theme:
            if theme not in sums:
                sums[theme] = np.zeros(vectors.shape[1], dtype=np.float64)
            sums[theme] += vectors[row]
            sizes[theme] += 1
    pairs = sum(k * (k - 1) for k in sizes.values())
    words = labels.ideal
    if pairs and base < 1:
        within = sum(float(s @ s) - sizes[t] for t, s in sums.items()) / pairs
        if within > base:
            fraction = FIT * (within - base) / (1 - base)
            return fraction, words.relevance_themes.format(
                fraction=fraction, within=within, base=base
            )
    return FIT * LINKAGE, words.relevance_no_themes.format(fraction=FIT * LINKAGE)


def _supports(o: CodedObservation) -> bool:
    if o.kind is ObservationKind.delight:
        return True
    return o.kind is not ObservationKind.pain_point and o.valence > 0


def _target(
    stage: IdealStage, observations: Sequence[CodedObservation], labels: Labels
) -> tuple[float | None, str]:
    """The target valence and where it came from: the code `given`, or a sentence in the
    map's language."""
    if stage.target_valence is not None:
        return stage.target_valence, "given"
    if not stage.target_feeling:
        return None, ""
    label = stage.target_feeling.strip().casefold()
    felt = [o.valence for o in observations if o.emotion.casefold() == label]
    if not felt:
        feeling = labels.emotion(stage.target_feeling)
        return None, labels.ideal.target_unlabelled.format(feeling=feeling)
    return round(float(np.mean(felt)), 2), labels.ideal.target_labelled.format(
        n=len(felt), feeling=labels.emotion(stage.target_feeling)
    )


def _valence_status(target: float | None, stage: Stage) -> ValenceStatus:
    e = stage.emotion
    if target is None:
        return "no target"
    if e.mean_valence is None:
        return "no quotes"
    if e.ci_low is None or e.ci_high is None:
        return "too few quotes"
    if e.ci_high < target:
        return "below target"
    if e.ci_low > target:
        return "above target"
    return "on target"


def _check(
    expectation: str,
    rows: Sequence[int],
    stage: str,
    observations: Sequence[CodedObservation],
) -> ExpectationCheck:
    """One expectation's status from the quotes of its stage that speak to it (`rows`, nearest
    first). When none of the stage's quotes does but quotes of other stages do, those decide:
    themes are study-wide and quotes are placed in stages by meaning, so a topic can land in
    a neighbouring stage ("Packaging is minimal" in Onboarding, its complaints in Purchase);
    the report names those stages (`elsewhere`)."""
    here = [observations[i] for i in rows if observations[i].stage == stage]
    if not here:
        here = [observations[i] for i in rows]
    against = [o for o in here if o.kind is ObservationKind.pain_point]
    backing = [o for o in here if _supports(o)]
    people_against = {participant_key(o.evidence) for o in against}
    people_for = {participant_key(o.evidence) for o in backing}
    if people_against and len(people_against) >= len(people_for):
        status = "contradicted"
    elif people_for:
        status = "supported"
    else:
        status = "no evidence"
    elsewhere = Counter(observations[i].stage for i in rows if observations[i].stage != stage)

    def quotes(items: list[CodedObservation]) -> list[Evidence]:
        return [o.evidence for o in items[:QUOTES]]

    themes = [o.theme for o in (*against, *backing) if o.theme]
    return ExpectationCheck(
        expectation=expectation,
        status=status,
        contradicting=quotes(against),
        supporting=quotes(backing),
        contradicting_participants=len(people_against),
        supporting_participants=len(people_for),
        themes=list(dict.fromkeys(themes)),
        elsewhere=dict(elsewhere.most_common()),
    )


def compare_with_ideal(
    m: JourneyMap,
    ideal: IdealJourney,
    embed: Embed,
    vectors: Vectors | None = None,
    strict: bool = True,
) -> JourneyMap:
    """The map with the intended journey held against it (`ideal` set, missing stages in its
    warnings). `vectors`: the observations' embeddings, row for row, if already at hand.

    With `strict`, an intended journey none of whose stages the map has is refused
    (InvalidRequestError); otherwise it is kept with every stage reported missing."""
    by_key = {_key(s.name): s for s in m.stages}
    matched = [(s, by_key[_key(s.name)]) for s in ideal.stages if _key(s.name) in by_key]
    missing = [s.name for s in ideal.stages if _key(s.name) not in by_key]
    stage_names = [s.name for s in m.stages]
    names = ", ".join(stage_names)
    labels = labels_for(m.language)
    if strict and not matched:
        raise InvalidRequestError(
            f"none of the ideal journey's stages ({', '.join(missing)}) is a stage of this map "
            f"({names}): name them as the map does, or build the map with those stages "
            "(`--stages`)",
            code="ideal_stages_unknown",
        )
    observations = m.observations
    if vectors is None or len(vectors) != len(observations):
        vectors = embed([meaning_text(o.evidence.quote) for o in observations])
    expectations = [(s.name, e) for s in ideal.stages for e in s.expectations]
    fraction, how = relevance_fraction(vectors, [o.theme for o in observations], labels)
    rows: dict[tuple[str, str], list[int]] = {}
    if expectations and len(observations):
        targets = embed([e for _, e in expectations])
        similarity = targets @ vectors.T
        nearest = similarity.argmax(axis=0)
        for j, (stage_name, expectation) in enumerate(expectations):
            base = float(similarity[j].mean())
            bar = base + fraction * (1 - base)
            order = np.argsort(-similarity[j], kind="stable")
            rows[(stage_name, expectation)] = [
                int(i) for i in order if similarity[j, i] >= bar and nearest[i] == j
            ]
    gaps = []
    for wanted, stage in sorted(matched, key=lambda pair: pair[1].order):
        target, target_from = _target(wanted, observations, labels)
        e = stage.emotion
        gap = (
            round(e.mean_valence - target, 2)
            if target is not None and e.mean_valence is not None
            else None
        )
        gaps.append(
            StageGap(
                stage=stage.name,
                target_valence=target,
                target_feeling=wanted.target_feeling,
                target_from=target_from,
                actual_valence=e.mean_valence,
                ci_low=e.ci_low,
                ci_high=e.ci_high,
                valence_gap=gap,
                valence_status=_valence_status(target, stage),
                expectations=[
                    _check(x, rows.get((wanted.name, x), []), stage.name, observations)
                    for x in wanted.expectations
                ],
                kpis=wanted.kpis,
            )
        )
    planned = {_key(s.name) for s in ideal.stages}
    warnings = [
        labels.ideal.missing_warning.format(name=name, names=labels.join(stage_names))
        for name in missing
    ]
    comparison = IdealComparison(
        journey=ideal,
        stages=gaps,
        missing_stages=missing,
        unplanned_stages=[s.name for s in m.stages if _key(s.name) not in planned],
        relevance=how,
    )
    return m.model_copy(update={"ideal": comparison, "warnings": [*m.warnings, *warnings]})


# --- drafting one ----------------------------------------------------------------------------


class DraftStage(BaseModel):
    """One stage of the intended journey, as the model drafts it."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """The stage's name, exactly as given."""
    expectations: list[str]
    """Two to four short sentences: what should happen for the customer in this stage."""
    target_valence: float
    """How the stage should feel, from -2 (very negative) to +2 (very positive)."""
    target_feeling: str
    """That feeling as one word (confident, relieved, delighted ...)."""


class IdealDraft(BaseModel):
    """An intended customer journey, drafted from an interview guide."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    stages: list[DraftStage]
    """One entry per stage given, in the same order."""


def guide_questions(
    stored: Sequence[StoredSource], specs: Sequence[StageSpec], limit: int = 8
) -> tuple[dict[str, list[str]], list[str]]:
    """What the interview guide asks: per stage name, the interviewers' questions in the
    sections that map to it; and the questions of no known stage (redacted text, first
    seen first, each once)."""
    of_heading = {h: s.name for s in specs for h in s.headings}
    per_stage: dict[str, list[str]] = {s.name: [] for s in specs}
    loose: list[str] = []
    for item in stored:
        for turn in item.source.turns:
            text = " ".join(turn.text.split())
            if turn.role is not Role.interviewer or not text.endswith(("?", "？")):
                continue
            into = per_stage.get(of_heading.get(turn.section or "", ""), loose)
            if text not in into and len(into) < (limit if into is not loose else 4 * limit):
                into.append(text)
    return per_stage, loose


def skeleton(specs: Sequence[StageSpec], title: str) -> IdealJourney:
    """An intended journey with the map's stages and nothing else, to fill in by hand."""
    return IdealJourney(
        title=title,
        origin="skeleton of the map's stages (no LLM configured): write what should happen "
        "and how it should feel",
        stages=[IdealStage(name=s.name) for s in specs],
    )


def draft_ideal(
    llm: "LLM",
    specs: Sequence[StageSpec],
    questions: Mapping[str, Sequence[str]],
    loose: Sequence[str],
    title: str,
    run: LLMRun | None = None,
) -> IdealJourney:
    """The model's draft of the intended journey from the guide: the stages (names kept as
    given, none added or dropped) with what should happen and how it should feel.
    Raises the LLMError when the model fails for good."""
    prompt = prompts.load("ideal")
    lines = []
    for spec in specs:
        lines.append(f"- {spec.name}: {spec.description}".rstrip(": "))
        lines += [f"    asks: {q}" for q in questions.get(spec.name, [])]
    outcome = llm.structured(
        prompt,
        IdealDraft,
        {
            "stages": prompts.fence("\n".join(lines)),
            "questions": prompts.fence("\n".join(f"- {q}" for q in loose) or "(none)"),
        },
    )
    if run is not None:
        run.note(prompt.tag)
        run.usage.add(outcome.usage)
    if outcome.reply is None:
        assert outcome.error is not None
        raise outcome.error
    drafted = {_key(s.name): s for s in outcome.reply.stages}
    stages = []
    for spec in specs:
        got = drafted.get(_key(spec.name))
        if got is None:
            stages.append(IdealStage(name=spec.name))
            continue
        said = [" ".join(x.split()) for x in got.expectations if x.strip()]
        feeling = " ".join(got.target_feeling.split())[:40] or None
        stages.append(
            IdealStage(
                name=spec.name,
                expectations=list(dict.fromkeys(said))[:6],
                target_valence=round(min(2.0, max(-2.0, got.target_valence)), 1),
                target_feeling=re.sub(r"[\r\n]", " ", feeling) if feeling else None,
            )
        )
    return IdealJourney(
        title=title,
        origin=f"drafted by {llm.answered_by()} from the interview guide ({prompt.tag}): "
        "check and edit it",
        stages=stages,
    )
