"""What extractors read (participant sentences with context) and the protocol they share."""

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from assistant.stages import StageSpec
from ingest.catalog import StoredSource
from ingest.embeddings import Vectors
from ingest.sentences import clause_spans, sentence_spans
from ingest.speakers import speaks_for
from journey.schema import Evidence, Observation, ObservationKind, every_field
from journey.source import Role, Source, SourceKind, Turn
from journey.text import han_count


@dataclass(frozen=True, slots=True)
class Reading:
    """How one sentence reads: kind, valence -2..+2, severity 1..5 and emotion."""

    kind: ObservationKind
    valence: float
    severity: int
    emotion: str


@dataclass(frozen=True, slots=True)  # slots: a map of 100,000 reviews holds ~190,000 units
class Unit:
    """One participant sentence, with the question it answers and where it stands."""

    source: Source
    turn: Turn
    char_start: int
    char_end: int
    text: str
    """Redacted sentence text, as quoted."""
    question: str | None
    """The interviewer's last turn before this one (redacted), if any."""
    reading: Reading | None = None
    """How a `SentenceReader` read it, when that was kept from an earlier build."""

    def evidence(self) -> Evidence:
        """The quote this unit would be cited by (not verified yet)."""
        return Evidence.model_construct(
            every_field(Evidence),
            quote=self.text,
            source_id=self.source.id,
            source_path=self.source.path,
            char_start=self.char_start,
            char_end=self.char_end,
            speaker=self.turn.speaker,
            participant_id=speaks_for(self.source, self.turn),
            timestamp=self.turn.start,
            verified=False,
        )


_HANDLES = re.compile(r"(?<!\w)@\w+|https?://\S+|\[URL\]")


def without_handles(text: str) -> str:
    """The text with @handles and links dropped (possibly empty)."""
    return " ".join(_HANDLES.sub(" ", text).split()).lstrip("#")


SHOUTED_WORDS = 15
"""Words up to which a sentence in capitals is a shout (longer ones are whole complaints
typed in capitals, which the embeddings already read: CFPB's fell 0.355 -> 0.331 lowered)."""


def meaning_text(text: str) -> str:
    """The words that carry meaning: @handles and links dropped (they name the brand, not the
    experience, and would pull every tweet to the same brand into one cluster), and a sentence
    shouted in capitals read in lower case (a hotel trial's "BATHROOM WAS DISGUSTING." and "AIR
    CON CNOTROL PANEL WAS BROKEN" made one theme by their letters, not their topic)."""
    text = without_handles(text) or text
    letters = [c for c in text if c.isalpha() and c.lower() != c.upper()]
    shouted = len(letters) >= 12 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)
    if shouted and len(text.split()) <= SHOUTED_WORDS:
        lowered = text.lower()
        return lowered[:1].upper() + lowered[1:]
    return text


def _substantial(text: str) -> bool:
    return han_count(text) >= 4 or len(text.split()) >= 3


def participant_units(stored: Sequence[StoredSource], redact: Callable[[str], str]) -> list[Unit]:
    """Every substantial participant sentence of the given sources, in source order."""
    units = []
    for item in stored:
        # a review's run-on sentence lists points; an interview's tells one story
        listed = item.source.kind is not SourceKind.interview
        for turn, question in participant_turns(item.source):
            body = item.original[turn.char_start : turn.char_end]
            for sentence in sentence_spans(body, turn.char_start):
                pieces = clause_spans(item.original, *sentence) if listed else [sentence]
                for start, end in pieces:
                    text = redact(item.original[start:end])
                    if _substantial(text):
                        units.append(Unit(item.source, turn, start, end, text, question))
    return units


def participant_turns(source: Source) -> Iterator[tuple[Turn, str | None]]:
    """A source's participant turns, each with the interviewer's last turn before it."""
    question: str | None = None
    for turn in source.turns:
        if turn.role is Role.interviewer:
            question = turn.text
        elif turn.role is Role.participant:
            yield turn, question


class Extractor(Protocol):
    """Turns participant sentences into observations; local and LLM extractors share it."""

    name: str

    def extract(
        self, units: Sequence[Unit], vectors: Vectors, stages: Sequence[StageSpec]
    ) -> list[Observation]:
        """Classify units into observations (evidence offsets as in the units)."""
        ...


@runtime_checkable
class SentenceReader(Protocol):
    """An extractor that reads each sentence within its own source only (nothing study-wide):
    what it reads is kept with the source and reused while the source is unchanged, and
    handed back on `Unit.reading`."""

    reads: str
    """Names what `read` does; a new value makes every source be read again."""

    def read(self, units: Sequence[Unit], vectors: Vectors) -> list[Reading]:
        """How each unit reads (units come whole sources at a time, in source order)."""
        ...
