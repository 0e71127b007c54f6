"""The embedded default extractor: lexicons, cue phrases and sentence embeddings, no LLM."""

import re
from collections.abc import Sequence

import numpy as np

from assistant import cues
from assistant.extractor import Reading, Unit, without_handles
from assistant.keyphrases import names_something
from assistant.seeds import SeedClassifier, seed_margins
from assistant.sentiment import sentiment, spoken_neutral
from assistant.stages import StageSpec, heading_key
from assistant.touchpoints import learn_vocabulary
from ingest.embeddings import Embedder, Vectors, library_vectors
from ingest.sentences import sentence_spans
from journey.schema import Observation, ObservationKind, TouchpointType, every_field
from journey.source import CLOSING_SECTION, FIELD_LEANS, FRAME_SECTION, Role, Source, SourceKind
from journey.text import TRANSCRIPT_NOTE


def _positive_cue(text: str) -> bool:
    """A word of praise that is not negated, not one of VADER's spoken false friends ("a good
    twenty minutes", a quoted label) and not conceded before a "but" that takes it back
    ("which is fine, but then every ingredient is in plastic")."""
    text = spoken_neutral(text)
    turn = cues.CONTRAST.search(text)
    return _praise_word(text[turn.end() :] if turn else text)


def _praise_word(text: str) -> bool:
    return any(not cues.negated(text, m.start()) for m in cues.POSITIVE.finditer(text))


def _difficulty_cue(text: str) -> bool:
    """A difficulty word that is not negated ("not a problem" is no problem)."""
    return any(not cues.negated(text, m.start()) for m in cues.DIFFICULTY.finditer(text))


def _pain_emotion(text: str) -> str:
    for label, pattern in cues.EMOTIONS:
        if label not in ("relieved", "surprised") and pattern.search(text):
            return label
    return "confused" if cues.CONFUSION.search(text) else "frustrated"


# Weights of the cues in a sentence's score (polarity -1..+1 plus cues): written by hand from
# how researchers code usability and interview data; see bench/quality.py for how they fare.
W_POSITIVE = 0.45
W_DIFFICULTY = 0.55
W_CONFUSION = 0.5
W_HESITATION = 0.25
W_QUESTION = 0.3
W_CONTEXT = 0.5
W_SEED = 0.5
PAIN_BELOW, DELIGHT_ABOVE = -0.15, 0.25


def read_sentence(
    text: str,
    is_question: bool = False,
    context: float = 0.0,
    seed: float = 0.0,
    long_review: bool = False,
) -> Reading:
    """Classify one participant sentence from its sentiment and cue phrases.

    `context` is the polarity of the whole review it comes from (-1..+1, 0 for interviews):
    in a one-star review a plain statement of fact is usually the complaint itself (a
    five-star review lifts only sentences that lean positive themselves).
    `seed` is how the nearest labelled example sentences lean (-1 pain .. +1 positive).
    In a `long_review` (a story of several sentences) a low rating sinks only sentences that
    lean negative or name a difficulty themselves, nor, in any review, what the reviewer did
    ("We arrived on a Friday evening by train." in 26 one- and two-star reviews was a hotel
    trial's fourth pain theme).
    """
    if cues.IF_TROUBLE.search(text):
        # Trouble supposed, not had ("I like that it pings me when there's an issue in my
        # area"): praise of how it is met is praise, whatever the trouble's words and the
        # seeds (which read its topic) say. Anything else is read whole: "If there's an issue
        # they don't tell you" complains in words no lexicon reads.
        rest = cues.IF_TROUBLE.sub(lambda m: " " * len(m.group()), text)
        met = read_sentence(rest, is_question, context, max(seed, 0.0), long_review)
        if met.kind is ObservationKind.delight and _positive_cue(rest):
            return met
    polarity = sentiment(text)
    turned = bool(cues.TURNED.search(text))
    if turned:  # its praise words are the complaint's: "Was great until the update."
        text = cues.TURNED.sub(lambda m: " " * len(m.group()), text)
        polarity = min(polarity, -0.3)
    relief = bool(cues.RELIEF.search(text))
    if relief:  # the burden's own words are what was lifted, not a complaint
        polarity = max(polarity, 0.0)
    denied = bool(cues.NO_PROBLEM.search(text))  # only a problem denied: faint praise
    idiom = bool(cues.PRAISE_IDIOM.search(text))
    if idiom:  # "Can't fault them": praise, and its "can't" is no difficulty
        text = cues.PRAISE_IDIOM.sub(lambda m: " " * len(m.group()), text)
        polarity = max(polarity, 0.3)
    confusion = bool(cues.CONFUSION.search(text))
    # a problem put right names the problem before it (闪退问题已经修复了): only what follows
    # the relief can still be a difficulty ("They fixed the crash but now it logs me out")
    after = text[max(m.end() for m in cues.RELIEF.finditer(text)) :] if relief else text
    difficulty = turned or _difficulty_cue(after)
    positive = relief or idiom or _positive_cue(text)
    need = bool(cues.NEED.search(text))
    hedged = bool(cues.HEDGE.search(text))
    hesitant = bool(cues.HESITATION.search(text))
    # A one-star review's plain facts are its complaint; a five-star review's plain facts
    # ("Two working parents, three kids.") are background, praised only if they lean so.
    if context > 0 and polarity <= 0 and not positive:
        context = 0.0
        # nor are they its complaint by the seeds' lean alone, which reads topic as much as
        # tone: "Our driver … carries the box up three flights of stairs" (five stars for
        # him) was a pain point
        if polarity == 0 and not (difficulty or confusion):
            seed = max(seed, 0.0)
    told = context < 0 and polarity >= 0 and not (difficulty or confusion)
    if told and (long_review or cues.ACTION.search(text.strip())):
        context = 0.0
    # Nor do the seeds argue a clearly negative sentence out of its complaint ("客服态度不好。"
    # leans +0.52 by them: they read topic as much as tone).
    if polarity <= -0.3 and seed > 0:
        seed = 0.0
    score = (
        polarity
        + W_POSITIVE * positive
        - W_DIFFICULTY * difficulty
        - W_CONFUSION * confusion
        - W_HESITATION * hesitant
        - W_QUESTION * is_question
        + W_CONTEXT * context
        + W_SEED * seed
    )
    # The seeds lift praise the lexicons under-read; they do not make praise of a sentence with
    # no word of it: their nearest examples read topic as much as tone ("The app in general,
    # though, it's a bit cluttered." leans 0.72 positive by them).
    # Nor of one whose only praise is conceded before a "but" ("which is fine, but then...").
    conceded = not positive and bool(cues.CONTRAST.search(text)) and _praise_word(text)
    if (
        score >= DELIGHT_ABOVE
        and seed > 0
        and (polarity <= 0 or conceded)
        and not positive
        and context <= 0
    ):
        score -= W_SEED * seed
    if need and not difficulty and score > -0.5:
        return Reading(ObservationKind.need, round(polarity, 2), 1, "hopeful")
    if score <= PAIN_BELOW or ((difficulty or confusion) and score < DELIGHT_ABOVE):
        severity = 1 + (score <= -0.4) + (score <= -0.8) + bool(cues.STRONG.search(text))
        severity += bool(cues.BLOCKER.search(text)) + (difficulty or confusion) - hedged
        severity = max(1, min(5, severity))
        return Reading(
            ObservationKind.pain_point,
            -round(min(2.0, 0.4 * severity), 2),
            severity,
            _pain_emotion(text),
        )
    if score >= DELIGHT_ABOVE and not cues.UNDERCUT.search(text):
        strength = 1 + (score >= 0.5) + (score >= 0.9) + positive - hedged
        strength = max(1, min(5, strength + bool(cues.EMOTIONS[3][1].search(text))))
        if denied:  # "付款本身没问题": fine, no highlight, unless it praises beside that
            rest = cues.NO_PROBLEM.sub(" ", text)
            if sentiment(rest) <= 0 and not _positive_cue(rest):
                strength = 1
        emotion = "delighted" if polarity >= 0.6 else "relieved" if relief else "satisfied"
        for label in ("relieved", "surprised"):
            if dict(cues.EMOTIONS)[label].search(text):
                emotion = label
        return Reading(
            ObservationKind.delight, round(min(2.0, 0.4 * strength), 2), strength, emotion
        )
    if cues.ACTION.search(text.strip()):
        return Reading(ObservationKind.action, round(polarity, 2), 1, "neutral")
    return Reading(ObservationKind.neutral, round(polarity, 2), 1, "neutral")


def touchpoint_of(text: str) -> tuple[str, str, TouchpointType] | None:
    """The first touchpoint of the generic lexicon the sentence names: (name, channel, type).
    (A study's own touchpoints come from `assistant.touchpoints.learn_vocabulary`.)"""
    text = TRANSCRIPT_NOTE.sub(" ", text)
    for pattern, name, channel, kind in cues.TOUCHPOINTS:
        if pattern.search(text):
            return name, channel, kind
    return cues.ui_element(text)


def _stage_vectors(stages: Sequence[StageSpec], embedder: Embedder) -> Vectors:
    phrases: list[str] = []
    owner: list[int] = []
    for n, spec in enumerate(stages):
        said = [f"{spec.name}: {spec.description}"]
        said += [p.strip() for p in spec.description.split(",") if p.strip()]
        said += spec.cues
        phrases += said
        owner += [n] * len(said)
    vectors = library_vectors(embedder, phrases)
    rows = []
    for n in range(len(stages)):
        mean = vectors[np.asarray(owner) == n].mean(axis=0)
        rows.append(mean / max(1e-12, float(np.linalg.norm(mean))))
    return np.vstack(rows).astype(np.float32)


_TASK = re.compile(
    r"(?:^|(?<=[.!?。！？]))\s*((?:task|scenario|activity|任务|场景)\s*(?:\d+|[一二三四五六七八九十]+)"
    r"\s*[:：.]\s*[^\n]{0,200})",
    re.IGNORECASE,
)
"""A moderator setting a usability test's task ("…no wrong answer. Task 2: please create an
account."): what the participant says until the next task is about this one."""


TASK_MARGIN = 0.03
"""How much closer a task's words must be to one stage than to any other to place what is
said during it there outright."""


_TASK_NUMBER = re.compile(r"(?:task|scenario|activity|任务|场景)\s*(\d+)", re.IGNORECASE)


def _task_number(text: str, anywhere: bool = False) -> int | None:
    """The number of the task a text sets (at its start) or names (`anywhere`)."""
    found = (_TASK_NUMBER.search if anywhere else _TASK_NUMBER.match)(text)
    return int(found.group(1)) if found else None


def _clearly(scores: np.ndarray) -> int | None:
    """The stage a task's words are clearly closest to, if one is (see TASK_MARGIN)."""
    if len(scores) < 2:
        return 0 if len(scores) else None
    first, second = np.sort(scores)[::-1][:2]
    return int(np.argmax(scores)) if first - second >= TASK_MARGIN else None


class _TaskMarkers:
    """The task a moderator last set before each participant sentence, per source."""

    def __init__(self) -> None:
        self._by_source: dict[str, list[tuple[int, str]]] = {}

    def at(self, unit: Unit) -> str | None:
        source = unit.source
        if source.id not in self._by_source:
            self._by_source[source.id] = [
                (t.char_start, m.group(1).strip())
                for t in source.turns
                if t.role is Role.interviewer and (m := _TASK.search(t.text))
            ]
        before = [task for start, task in self._by_source[source.id] if start < unit.char_start]
        return before[-1] if before else None


def _guide_section(unit: Unit) -> str | None:
    """The guide section a unit's turn falls under; not a review's liked or disliked field."""
    section = unit.turn.section if unit.turn is not None else None
    return None if section in FIELD_LEANS else section


CENTRE_AT_LEAST = 30
"""Review sentences a study needs before their stages are read against its background
(`_against_background`): fewer give too noisy a mean."""
BACKGROUND_PRIOR = 10
"""Pseudo-count of sentences at no pull that a stage's background starts from: with few
sentences placed elsewhere, its background stays near zero."""


def _against_background(units: Sequence[Unit], scores: np.ndarray) -> np.ndarray:
    """Review sentences' similarity to each stage less that stage's background pull in the
    study: how much the review sentences nearest some other stage still read like it.

    A review has no question or guide section to place it, and every sentence of a corpus can
    read somewhat like one stage: every airline tweet mentions a flight, so "Delays and
    cancellations" was nearest for 52% of them, and the booking, crew and check-in complaints
    had their themes there. The pull is measured on the sentences placed elsewhere, not on all
    of them, so a study whose reviews really are all about one stage keeps them there."""
    rows = [i for i, u in enumerate(units) if u.source.kind is SourceKind.review]
    if len(rows) < CENTRE_AT_LEAST:
        return scores
    mine = scores[rows]
    nearest = np.argmax(mine, axis=1)
    elsewhere = nearest[:, None] != np.arange(mine.shape[1])[None, :]
    pull = (mine * elsewhere).sum(axis=0) / (elsewhere.sum(axis=0) + BACKGROUND_PRIOR)
    out = scores.copy()
    out[rows] -= pull
    return out


def assign_stages(
    units: Sequence[Unit], vectors: Vectors, stages: Sequence[StageSpec], embedder: Embedder
) -> list[str]:
    """Each unit's stage: its guide section if that maps to one (or is named as a stage is),
    else nearest in meaning."""
    names = [s.name for s in stages]
    # a section named as a stage is that stage, though too few transcripts have a guide to
    # give the stages (a banking trial's "## 开户" section went to 销户或留存)
    by_heading = {heading_key(s.name): s.name for s in stages}
    by_heading.update({h: s.name for s in stages for h in s.headings})
    stage_vectors = _stage_vectors(stages, embedder)
    questions = sorted({u.question for u in units if u.question})
    tasks = _TaskMarkers()
    numbered = {
        n: i
        for i, spec in enumerate(stages)
        for n in (_task_number(f"{spec.name} {spec.description}", anywhere=True),)
        if n is not None
    }
    sections = sorted({s for u in units if (s := _guide_section(u) or tasks.at(u))})
    question_scores = (
        dict(zip(questions, embedder.embed(questions) @ stage_vectors.T, strict=True))
        if questions
        else {}
    )
    section_scores = (
        dict(zip(sections, embedder.embed(sections) @ stage_vectors.T, strict=True))
        if sections
        else {}
    )
    scores = vectors @ stage_vectors.T if len(units) else np.zeros((0, len(stages)))
    scores = _against_background(units, scores)
    out: list[str] = []
    previous: tuple[str, int] | None = None
    for unit, row in zip(units, scores, strict=True):
        task = None if _guide_section(unit) else tasks.at(unit)
        section = _guide_section(unit) or task
        if section and heading_key(section) in by_heading:
            out.append(by_heading[heading_key(section)])
            continue
        # a task the moderator set is the stage the study says is that task ("…: Task 2, …"),
        # else the stage its words clearly name, as a heading is
        fits = None
        if task is not None:
            fits = numbered.get(_task_number(task) or -1)
            fits = _clearly(section_scores[task]) if fits is None else fits
        if fits is not None:
            out.append(names[fits])
            previous = (unit.source.id, fits)
            continue
        total = row.copy()
        if unit.question:
            total += 0.6 * question_scores[unit.question]
        if section:
            total += 0.8 * section_scores[section]
        best = int(np.argmax(total))
        # Conversations move on slowly: keep the stage unless another clearly fits better.
        if previous and previous[0] == unit.source.id and total[best] - total[previous[1]] < 0.04:
            best = previous[1]
        previous = (unit.source.id, best)
        out.append(names[best])
    return out


class LocalExtractor:
    """Lexicons + cue phrases for what is said, embeddings for where in the journey."""

    name = "local"
    reads = "local"
    """Its code is part of every kept reading's fingerprint, so a new version reads again."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.seeds = SeedClassifier(embedder)

    def read(self, units: Sequence[Unit], vectors: Vectors) -> list[Reading]:
        """How each sentence reads, from itself and its own source (whole sources at a time)."""
        contexts: dict[str, float] = {}
        long: dict[str, bool] = {}
        margins = seed_margins(self.seeds.votes(vectors))
        readings = []
        for unit, margin in zip(units, margins, strict=True):
            if unit.source.id not in contexts:
                contexts[unit.source.id] = review_context(unit.source)
                long[unit.source.id] = _told_at_length(unit.source)
            # a liked or disliked field says how it was meant, whatever the rating
            lean = FIELD_LEANS.get(unit.turn.section or "", 0.0) if unit.turn else 0.0
            reading = read_sentence(
                unit.text,
                is_question=_asks(unit),
                context=lean or contexts[unit.source.id],
                seed=margin,
                long_review=long[unit.source.id] and not lean,
            )
            if lean > 0 and reading.kind in _PLAIN and sentiment(unit.text) >= 0:
                reading = _LIKED  # "Location", "Staff were helpful" in the liked field
            elif lean < 0 and reading.kind is ObservationKind.delight:
                reading = _WISHED  # "Cheaper enterprise plan" asked for as what to improve
            elif _asked_for_change(unit) and (
                reading.kind is ObservationKind.delight
                or (reading.kind in _SAYS_WHAT_TO_DO and cues.DIRECTIVE.search(unit.text))
            ):
                reading = _WISHED  # "Show the real price up front", asked what to change
            readings.append(reading)
        return what_counts(units, readings)

    def extract(
        self, units: Sequence[Unit], vectors: Vectors, stages: Sequence[StageSpec]
    ) -> list[Observation]:
        """An observation for every unit (neutral ones included, for the emotion curve)."""
        stage_names = assign_stages(units, vectors, stages, self.embedder)
        kept = [unit.reading for unit in units]
        readings = (
            self.read(units, vectors)
            if any(r is None for r in kept)
            else [r for r in kept if r is not None]
        )
        vocabulary = learn_vocabulary(
            [
                (unit.source.participant_id, without_handles(unit.text))
                for unit, reading in zip(units, readings, strict=True)
                if reading.kind in _EVALUATIONS
            ],
            self.embedder,
            len({unit.source.participant_id for unit in units}),
        )
        observations = []
        for unit, stage, reading in zip(units, stage_names, readings, strict=True):
            touchpoint = vocabulary.find(without_handles(unit.text))
            observations.append(
                Observation.model_construct(  # every value below is already of its type
                    every_field(Observation),
                    kind=reading.kind,
                    stage=stage,
                    touchpoint=touchpoint[0] if touchpoint else None,
                    channel=touchpoint[2] if touchpoint else None,
                    emotion=reading.emotion,
                    valence=reading.valence,
                    severity=reading.severity,
                    evidence=unit.evidence(),
                    segment=dict(unit.source.segment),
                )
            )
        return observations


_NOTHING = Reading(ObservationKind.neutral, 0.0, 1, "neutral")
_LIKED = Reading(ObservationKind.delight, 0.8, 2, "satisfied")
_WISHED = Reading(ObservationKind.need, 0.0, 1, "hopeful")
_PLAIN = (ObservationKind.neutral, ObservationKind.action)
_SAYS_WHAT_TO_DO = (*_PLAIN, ObservationKind.pain_point)


def _asked_for_change(unit: Unit) -> bool:
    """Whether the sentence answers an interviewer's question asking what to change."""
    return bool(unit.question and cues.ASKS_FOR_CHANGE.search(unit.question))


_EVALUATIONS = (ObservationKind.pain_point, ObservationKind.delight, ObservationKind.need)
_FINDINGS = (ObservationKind.pain_point, ObservationKind.delight)


def what_counts(units: Sequence[Unit], readings: Sequence[Reading]) -> list[Reading]:
    """Readings with what is not a finding on its own taken out: small talk, answers to
    checks of the call, spam and sentences that only quote someone else become neutral; a bare
    feeling ("I was annoyed.") or verdict ("I like it.") becomes neutral and lends its feeling
    to the sentence before it, which names what it was about."""
    out = list(readings)
    opening: dict[str, tuple[dict[int, int], tuple[int, int]]] = {}
    for i, (unit, read) in enumerate(zip(units, readings, strict=True)):
        text = without_handles(unit.text)  # "@airline so disappointed." is a bare feeling
        if (
            cues.small_talk(text, unit.question)
            or cues.solicits(text)
            or cues.NOT_TRIED.search(text) is not None
            or cues.only_quoted(text)
            or _background(unit, opening)
        ):
            out[i] = _NOTHING
        elif cues.bare_feeling(text):
            out[i] = _NOTHING
            reading = _feeling(text, read)
            if reading.kind not in _FINDINGS:
                continue
            if i and _about_the_sentence_before(units[i - 1], unit):
                before, previous = out[i - 1], units[i - 1]
                said = without_handles(previous.text)
                lends = (
                    before.kind in (ObservationKind.neutral, ObservationKind.action)
                    and not cues.small_talk(said, previous.question)
                    and not cues.bare_feeling(said)
                )
                if lends or (before.kind is reading.kind and reading.severity > before.severity):
                    out[i - 1] = reading
    return _before_and_now(units, out)


def _about_the_sentence_before(previous: Unit, unit: Unit) -> bool:
    """Whether a bare feeling is about the sentence before it: in the same turn (or review),
    or opening the next turn after a question that names nothing new ("How did that feel?").
    After a question that does ("How was the cooking itself?"), "Honestly, surprisingly good."
    is about the cooking, not about the last thing said before it ("I only noticed halfway
    through cooking.", a missing item, had read as a 4/5 delight)."""
    if previous.source.id != unit.source.id:
        return False
    if previous.turn.index == unit.turn.index or not unit.question:
        return True
    return not names_something(unit.question)


_RELIEVED = Reading(ObservationKind.delight, 0.8, 2, "relieved")


def _before_and_now(units: Sequence[Unit], readings: list[Reading]) -> list[Reading]:
    """A complaint about how things were before, followed by how they are now ("Before, with
    the old system, I'd wait five or six weeks for a check. Now the money's in my account on
    Wednesday."): the pair is praise of the change, said by the second sentence; the first is
    no pain point of the journey mapped."""
    out = list(readings)
    for i, unit in enumerate(units):  # both in one sentence: 以前…排一个多小时，现在点几下就挂上了
        turn = cues.NOW_CLAUSE.search(unit.text)
        if (
            turn is not None
            and out[i].kind is not ObservationKind.delight
            and cues.PAST_STATE.search(unit.text[: turn.start()])
            and read_sentence(unit.text[: turn.start()]).kind is ObservationKind.pain_point
            and read_sentence(unit.text[turn.end() :]).kind is not ObservationKind.pain_point
        ):
            out[i] = _RELIEVED
    for i in range(1, len(units)):  # or said after the praise: "Reimbursements land within
        # 48 hours. My old company made us wait over a month."
        past, praise = units[i], units[i - 1]
        if (
            out[i].kind is ObservationKind.pain_point
            and out[i - 1].kind is ObservationKind.delight
            and past.source.id == praise.source.id
            and cues.PAST_STATE.search(past.text)
            and not cues.NOW_WORD.search(past.text)
        ):
            out[i] = _NOTHING
    for i in range(len(units) - 1):
        past, now = units[i], units[i + 1]
        if (
            out[i].kind is ObservationKind.pain_point
            and past.source.id == now.source.id
            and cues.PAST_STATE.search(past.text)
            and not cues.NOW_WORD.search(past.text)
            and cues.NOW_STATE.search(now.text)
            and out[i + 1].kind is not ObservationKind.pain_point
        ):
            out[i] = _NOTHING
            if out[i + 1].kind is not ObservationKind.delight:
                out[i + 1] = _RELIEVED
    return out


def _background(unit: Unit, opening: dict[str, tuple[dict[int, int], tuple[int, int]]]) -> bool:
    """Whether an interview sentence is the warm-up before the interviewer turns to the
    interview ("Okay, let's get into it."), or the answer to who the participant is ("Tell me
    about your role."): background, not a finding. `opening` caches each source's turn
    positions and the turn that ends its warm-up."""
    if unit.source.kind is not SourceKind.interview:
        return False
    if unit.question and cues.INTRODUCTION.search(unit.question):
        return True
    section = unit.turn.section if unit.turn is not None else None
    if section and FRAME_SECTION.match(section) and not CLOSING_SECTION.search(section):
        return True  # the guide's Introduction or Background section
    if unit.source.id not in opening:
        turns = unit.source.turns
        opens = next(
            (
                n
                for n, t in enumerate(turns[: cues.OPENING_TURNS])
                if t.role is Role.interviewer
                and (cues.INTERVIEW_OPENS.search(t.text) or cues.INTRODUCTION.search(t.text))
            ),
            -1,
        )
        # the close is in the interview's second half, after its opening ("Thank you for doing
        # this" also greets)
        last = max(opens + 1, len(turns) // 2, len(turns) - cues.CLOSING_TURNS)
        closes = next(
            (
                n
                for n, t in enumerate(turns[last:], last)
                if t.role is Role.interviewer
                and cues.INTERVIEW_CLOSES.search(t.text)
                and not t.text.rstrip().endswith(("?", "？"))
            ),
            len(turns),
        )
        opening[unit.source.id] = ({id(t): n for n, t in enumerate(turns)}, (opens, closes))
    where, (opens, closes) = opening[unit.source.id]
    at = where.get(id(unit.turn), opens)
    if at < opens or at > closes:
        return True
    return _tells_the_incident(unit, at, opens)


def _tells_the_incident(unit: Unit, at: int, opens: int) -> bool:
    """Whether an interview sentence answers the interview's opening "What happened?": the
    incident that started the journey (a claims study's "The bedroom ceiling came down"), told
    before anything the service did, is context, not a pain point (it was a claims map's
    widest one, 6 of 7). Only the turns answering it, and only when it is among the first
    INCIDENT_QUESTIONS questions: "And then what happened when the promo ended?" is none."""
    if not (unit.question and cues.INCIDENT_QUESTION.search(unit.question)):
        return False
    turns = unit.source.turns
    asked = [
        n
        for n, t in enumerate(turns[max(0, opens) : at], max(0, opens))
        if t.role is Role.interviewer and t.text.rstrip().endswith(("?", "？"))
    ]
    return (
        bool(asked)
        and len(asked) <= cues.INCIDENT_QUESTIONS
        and all(t.role is not Role.interviewer for t in turns[asked[-1] + 1 : at])
    )


_NEGATIVE_FEELINGS = ("angry", "anxious", "disappointed")


def _feeling(text: str, reading: Reading) -> Reading:
    """How a bare feeling reads: by its feeling words first (sentiment lexicons miss "anxious"
    or "cross"), else as read."""
    for label, pattern in cues.EMOTIONS:
        if label in _NEGATIVE_FEELINGS and pattern.search(text):
            severity = max(2, reading.severity if reading.kind is ObservationKind.pain_point else 2)
            return Reading(ObservationKind.pain_point, round(-0.4 * severity, 2), severity, label)
    if reading.kind is ObservationKind.delight and _difficulty_cue(text):
        return Reading(ObservationKind.pain_point, -0.8, 2, _pain_emotion(text))
    return reading


def review_context(source: Source) -> float:
    """How a review (or a survey's answers) feels as a whole (-1..+1): its star rating, or an
    NPS score (0-6 a detractor's, 9-10 a promoter's: a survey's score was never used), if it
    has one, else its text.

    0 for interviews, whose sentences are read on their own.
    """
    if source.kind not in (SourceKind.review, SourceKind.survey):
        return 0.0
    rating = source.metadata.get("rating")
    if source.metadata.get("rating_kind") == "nps" and isinstance(rating, int | float):
        # likelihood to recommend, 0-10: detractors 0-6, passives 7-8, promoters 9-10
        return max(-1.0, min(1.0, (float(rating) - 7.5) / 2.5))
    scale = source.metadata.get("rating_scale")
    if not isinstance(scale, int | float):  # stored before scales were: above 5 is out of 10
        scale = 10 if isinstance(rating, int | float) and 5 < rating <= 10 else 5
    if isinstance(rating, int | float) and 0 <= rating <= scale and (rating >= 1 or scale > 5):
        # the middle of the scale is no verdict; a 4 of 10 is a poor stay, not four stars
        low = 1.0 if scale == 5 else 0.0 if scale == 100 else 1.0
        middle = (low + scale) / 2
        return max(-1.0, min(1.0, (float(rating) - middle) / (scale - middle)))
    return sentiment(" ".join(t.text for t in source.turns))


LONG_REVIEW = 6
"""Sentences from which a review tells a story, not only its verdict."""


def _told_at_length(source: Source) -> bool:
    """Whether a review runs to LONG_REVIEW sentences or more (tweets and one-line verdicts
    do not: there every plain sentence is the complaint)."""
    if source.kind is not SourceKind.review:
        return False
    said = sum(len(sentence_spans(t.text)) for t in source.turns if t.role is Role.participant)
    return said >= LONG_REVIEW


def _asks(unit: Unit) -> bool:
    """A participant asking a question in an interview is usually lost or unsure."""
    return unit.source.kind.value == "interview" and unit.text.rstrip().endswith(("?", "？"))
