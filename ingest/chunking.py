"""Chunks follow turns: long turns split at sentences, short turns of one speaker joined."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from ingest.sentences import sentence_spans, windows
from journey.source import Role, Source, Turn

MAX_CHARS = 800
SHORT_CHARS = 120


@dataclass(frozen=True)
class Chunk:
    """A piece of one source to embed and store: whole turns, or sentences of one long turn."""

    id: str
    source_id: str
    text: str
    """Redacted text, as embedded and shown."""
    turn_start: int
    """Index of the first turn in the chunk."""
    turn_end: int
    """Index of the last turn in the chunk (inclusive)."""
    char_start: int
    char_end: int
    speaker: str | None
    role: Role
    start: float | None
    end: float | None
    section: str | None


def _split_long(turn: Turn, original: str, redact: Callable[[str], str]) -> list[Turn]:
    """Split a long turn at sentence boundaries into pieces of at most MAX_CHARS."""
    pieces: list[tuple[int, int]] = []
    spans = sentence_spans(original[turn.char_start : turn.char_end], turn.char_start)
    for s, e in (part for span in spans for part in windows(original, *span, MAX_CHARS)):
        if pieces and e - pieces[-1][0] <= MAX_CHARS:
            pieces[-1] = (pieces[-1][0], e)
        else:
            pieces.append((s, e))
    return [
        turn.model_copy(update={"char_start": s, "char_end": e, "text": redact(original[s:e])})
        for s, e in pieces
    ]


def chunk_source(source: Source, original: str, redact: Callable[[str], str]) -> list[Chunk]:
    """Group a source's turns into chunks; `original` is the unredacted source text."""
    units: list[Turn] = []
    for turn in source.turns:
        if turn.char_end - turn.char_start > MAX_CHARS:
            units.extend(_split_long(turn, original, redact))
        else:
            units.append(turn)
    groups: list[list[Turn]] = []
    length = 0  # characters in the last group
    for unit in units:
        last = groups[-1] if groups else None
        if (
            last is not None
            and last[-1].speaker == unit.speaker
            and last[-1].role == unit.role
            and last[-1].section == unit.section
            and length + len(unit.text) <= MAX_CHARS
            and (len(unit.text) < SHORT_CHARS or len(last[-1].text) < SHORT_CHARS)
        ):
            last.append(unit)
            length += len(unit.text)
        else:
            groups.append([unit])
            length = len(unit.text)
    chunks = []
    for n, group in enumerate(groups):
        first, last_unit = group[0], group[-1]
        text = "\n".join(u.text for u in group)
        digest = hashlib.sha1(f"{source.id}:{n}:{first.char_start}".encode()).hexdigest()[:8]
        chunks.append(
            Chunk(
                id=f"{source.id}:{n}:{digest}",
                source_id=source.id,
                text=text,
                turn_start=first.index,
                turn_end=last_unit.index,
                char_start=first.char_start,
                char_end=last_unit.char_end,
                speaker=first.speaker,
                role=first.role,
                start=first.start,
                end=last_unit.end,
                section=first.section,
            )
        )
    return chunks
