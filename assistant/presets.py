"""Journey presets for review studies: a small library of stage sets (presets.toml), and the
choice of the one whose stages best absorb a study's review sentences.

A review study has no interview guide to take stages from, and a purchase funnel (awareness,
consideration ...) does not fit airline tweets or restaurant reviews. Each preset is the
journey of a kind of business, described in English and Chinese. The choice embeds a sample
of the study's review sentences and the presets' stages with the map's own embedder; every
sentence votes for the preset with the stage nearest to it; the preset with the most votes
wins if it clearly beats the next one, else the generic review journey.
"""

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files

import numpy as np

from assistant.extractor import without_handles
from assistant.stages import DEFAULT_STAGES, DEFAULT_STAGES_ZH, StageSpec, bilingual_spec
from ingest.embeddings import Embedder, Vectors, library_vectors
from ingest.sentences import sentence_spans
from journey.errors import InputError
from journey.labels import EN, Labels
from journey.source import Role, Source, SourceKind
from journey.text import han_count

GENERIC = "generic"
SAMPLE = 200
"""Review sentences the choice reads at most (evenly spread over the study)."""
MIN_RATIO, MIN_LEAD = 1.5, 0.08
"""The winner needs 1.5x the next preset's votes and 8 points more of the sentences."""
MIN_SHARE = 0.3
"""The least share of the sentences a preset must be nearest for to fit at all: a gym study's
reviews were mapped into the hotel journey (its "breakfast and facilities" names a gym) on
26% of them against 15% for the next, leaving the waitlist in Check-out and price rises in
Verdict. The presets that fit their sets were nearest for 34-48% (a Chinese hotel trial 34%,
airline tweets 46%, restaurant and bank reviews 44-48%)."""


@dataclass(frozen=True)
class PresetStage:
    """A stage of a preset, in English and Chinese."""

    name: str
    description: str
    name_zh: str
    zh: str


@dataclass(frozen=True)
class Preset:
    """A journey for a kind of business: an id, a label and stages in journey order."""

    id: str
    label: str
    label_zh: str
    stages: tuple[PresetStage, ...]
    family: str = ""
    """Presets of one kind of business (a hotel's and a restaurant's journeys): they win or
    lose a study together, and the one of them nearer more sentences is chosen."""
    auto: bool = True
    """Whether a study's sentences may choose it; else only named (`--preset delivery`): a
    food-delivery journey drew Chinese restaurant reviews' dishes from the restaurant one."""

    def name(self, chinese: bool = False) -> str:
        """Its label in the study's language."""
        return self.label_zh if chinese else self.label

    def specs(self, chinese: bool = False) -> list[StageSpec]:
        """The stages to map into, named in the study's language; the other language's
        words join as cues, so sentences in either language find their stage."""
        return [
            bilingual_spec(s.name, s.description, s.name_zh, s.zh, chinese) for s in self.stages
        ]


@functools.cache
def presets() -> tuple[Preset, ...]:
    """The bundled presets (assistant/presets.toml), the generic review journey first."""
    data = tomllib.loads(files("assistant").joinpath("presets.toml").read_text(encoding="utf-8"))
    return tuple(
        Preset(
            id=p["id"],
            label=p["label"],
            label_zh=p["label_zh"],
            stages=tuple(
                PresetStage(s["name"], s["description"], s["name_zh"], s["zh"]) for s in p["stage"]
            ),
            family=p.get("family", p["id"]),
            auto=p.get("auto", True),
        )
        for p in data["preset"]
    )


def find_preset(name: str) -> Preset:
    """The preset a user names, by id or label, loosely (`travel`, `Travel / airline`,
    `airline`, `bank`); an InputError listing the choices otherwise."""
    key = _key(name)
    for p in presets():
        if key in (_key(p.id), _key(p.label), _key(p.label_zh)):
            return p
    for p in presets():  # a word of its label, or its start: `airline`, `bank`, `saas`
        if len(key) >= 3 and any(w.startswith(key) for w in _key(p.label).split()):
            return p
    choices = ", ".join(p.id for p in presets())
    raise InputError(f"unknown journey preset {name!r}; choose one of: {choices}")


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def preset_ids() -> list[str]:
    """Ids of the bundled presets, for help texts and option choices."""
    return [p.id for p in presets()]


def reviews_dominate(sources: Sequence[Source]) -> bool:
    """Whether most of what participants said comes from reviews (or surveys), not
    interviews: then a review journey fits better than an interview's stages."""
    said = {True: 0, False: 0}
    for source in sources:
        words = sum(
            len(t.text) for t in source.turns if t.role is Role.participant
        )  # characters: fair to Chinese, which has no spaces
        said[source.kind is not SourceKind.interview] += words
    return said[True] > said[False]


MIN_REVIEW_SENTENCES = 30
"""Review sentences a mixed study needs before its reviews may choose its journey."""


def reviewers_dominate(sources: Sequence[Source]) -> bool:
    """Whether most participants are reviewers or survey respondents (each source is one),
    even if the interviews say more."""
    return 2 * sum(s.kind is not SourceKind.interview for s in sources) > len(sources)


def review_sentences(
    sources: Sequence[Source], limit: int = SAMPLE, interviews: bool = False
) -> list[str]:
    """Up to `limit` review sentences (redacted, handles and links dropped), evenly spread
    over the study's reviews in an order that does not depend on ingest order; with
    `interviews`, the participants' sentences of its interviews instead."""
    sentences: list[str] = []
    for source in sorted(sources, key=lambda s: s.id):
        if (source.kind is SourceKind.interview) != interviews:
            continue
        for turn in source.turns:
            if turn.role is not Role.participant:
                continue
            for start, end in sentence_spans(turn.text):
                text = without_handles(turn.text[start:end])
                if han_count(text) >= 4 or len(text.split()) >= 3:
                    sentences.append(text)
    if len(sentences) <= limit:
        return sentences
    picks = np.linspace(0, len(sentences) - 1, limit).round().astype(int)
    return [sentences[i] for i in picks]


def _unit(rows: Vectors) -> Vectors:
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return np.asarray(rows / np.maximum(norms, 1e-12), dtype=np.float32)


_VECTORS: dict[tuple[str, int], tuple[Vectors, tuple[int, ...]]] = {}


def _preset_vectors(embedder: Embedder) -> tuple[Vectors, tuple[int, ...]]:
    """One vector per stage of every preset (its English and Chinese descriptions, averaged),
    with the preset index of each row. Kept per embedder model: the library does not change."""
    key = (embedder.name, embedder.dimensions)
    if key in _VECTORS:
        return _VECTORS[key]
    english, chinese, owner = [], [], []
    for i, p in enumerate(presets()):
        for s in p.stages:
            english.append(f"{s.name}: {s.description}")
            chinese.append(f"{s.name_zh}: {s.zh}")
            owner.append(i)
    vectors = _unit(
        _unit(library_vectors(embedder, english)) + _unit(library_vectors(embedder, chinese))
    )
    _VECTORS[key] = (vectors, tuple(owner))
    return _VECTORS[key]


@dataclass(frozen=True)
class Choice:
    """The preset chosen for a study, with the share of sentences each preset won."""

    preset: Preset
    shares: dict[str, float]
    """Preset id -> share of the sampled sentences nearest to one of its stages (a family's
    presets together: see `Preset.family`)."""
    sentences: int
    fits: bool
    """False when no preset clearly won and the generic journey stands in."""

    def reason(self, labels: Labels = EN) -> str:
        """Which preset and why, for the map's record (`settings.stages`), in the map's
        language."""
        chinese = labels.code == "zh"
        by_id = {p.id: p for p in presets()}
        ranked = sorted(self.shares, key=lambda i: -self.shares[i])
        best = self.preset.id if self.fits else ranked[0]
        second = next(i for i in ranked if by_id[i].family != by_id[best].family)
        top, runner = self.shares[best], self.shares[second]
        against = labels.preset_share.format(label=by_id[second].name(chinese), share=runner)
        label = self.preset.name(chinese)
        if self.fits:
            return labels.preset_fits.format(
                label=label, share=top, sentences=self.sentences, next=against
            )
        return labels.preset_unclear.format(
            label=label,
            best=labels.preset_share.format(label=by_id[best].name(chinese), share=top),
            next=against,
            sentences=self.sentences,
        )


_CHOICES: dict[tuple[str, int, tuple[str, ...]], Choice] = {}
"""Recent choices: the freshness check of a stored map and the build after it ask alike."""


def choose_preset(sentences: Sequence[str], embedder: Embedder) -> Choice:
    """The preset whose stages best absorb the sentences: each sentence votes for the preset
    that owns its nearest stage; the winner needs a clear lead, else the generic journey."""
    key = (embedder.name, embedder.dimensions, tuple(sentences))
    if key not in _CHOICES:
        if len(_CHOICES) >= 16:
            _CHOICES.pop(next(iter(_CHOICES)))
        _CHOICES[key] = _choose(sentences, embedder)
    return _CHOICES[key]


def _choose(sentences: Sequence[str], embedder: Embedder) -> Choice:
    library = presets()
    generic = next(p for p in library if p.id == GENERIC)
    if not sentences:
        return Choice(generic, {p.id: 0.0 for p in library}, 0, False)
    stage_vectors, owner = _preset_vectors(embedder)
    similarity = embedder.embed(list(sentences)) @ stage_vectors.T
    # presets used only when named take no votes
    similarity[:, ~np.array([library[o].auto for o in owner])] = -np.inf
    nearest = similarity.argmax(axis=1)
    votes = np.bincount(np.asarray(owner)[nearest], minlength=len(library))
    # A family's presets vote together: a hotel's breakfast and a restaurant's dishes are one
    # kind of business, and splitting its votes must not hand the study to the generic journey.
    family = {
        f: sum(int(v) for p, v in zip(library, votes, strict=True) if p.family == f)
        for f in dict.fromkeys(p.family for p in library)
    }
    ranked = sorted(family, key=lambda f: -family[f])
    best, runner = family[ranked[0]], family[ranked[1]]
    # In whole votes: 24 against 16 is the 1.5x it needs (0.289 >= 1.5 * 0.193 was not, in
    # floating point).
    fits = (
        2 * best >= 3 * runner
        and best - runner >= MIN_LEAD * len(sentences)
        and best >= MIN_SHARE * len(sentences)
    )
    # Within the family, the member whose stages are nearer the sentences overall: a hotel's
    # room and a restaurant's dining room split the votes, its check-in and refunds decide.
    members = [i for i, p in enumerate(library) if p.family == ranked[0]]
    rows = np.asarray(owner)
    top = max(members, key=lambda i: (float(similarity[:, rows == i].max(axis=1).sum()), -i))
    chosen = library[top] if fits else generic
    shares = {p.id: round(family[p.family] / len(sentences), 4) for p in library}
    return Choice(chosen, shares, len(sentences), fits and chosen.id != GENERIC)


@functools.cache
def _translations() -> dict[str, tuple[str, ...]]:
    """Each bundled stage's name -> its names in the other language, the default taxonomy's
    first (then every preset's)."""
    out: dict[str, list[str]] = {}
    pairs = [(en, zh) for (en, _), (zh, _) in zip(DEFAULT_STAGES, DEFAULT_STAGES_ZH, strict=True)]
    pairs += [(s.name, s.name_zh) for preset in presets() for s in preset.stages]
    for en, zh in pairs:
        for name, other in ((en, zh), (zh, en)):
            if other not in out.setdefault(name, []):
                out[name].append(other)
    return {name: tuple(others) for name, others in out.items()}


def other_names(stage: str) -> tuple[str, ...]:
    """A bundled stage's names in the other language ("Onboarding" -> "开始使用", … and back),
    the default taxonomy's first; none for a stage of the study's own guide. One study's maps
    written in two languages pair their stages by them, and a question may name either."""
    return _translations().get(stage, ())
