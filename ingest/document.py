"""What a reader returns: decoded text and raw turns whose offsets point into it."""

import math
from dataclasses import dataclass, field

from journey.source import Section, SourceKind

MAX_TURNS = 100_000
"""Turns (or review rows) one file may give; more would exhaust memory downstream."""
MAX_SECTIONS = 10_000
"""Section headings one file may give."""
MAX_LINES = 500_000
"""Lines of a transcript or captions file; checked before parsing, which costs time per line."""
MAX_SECONDS = 10_000_000.0
"""A timestamp past this (about 115 days) is not a position in a recording."""


@dataclass(frozen=True, slots=True)
class RawTurn:
    """A turn before roles and redaction: `text[char_start:char_end]` of its document."""

    speaker: str | None
    char_start: int
    char_end: int
    start: float | None = None
    end: float | None = None
    section: str | None = None


@dataclass
class Document:
    """One source as read from a file (a transcript, or one row of a review table)."""

    text: str
    turns: list[RawTurn]
    locator: str
    """The file path, or `file.csv#ID` for one row."""
    encoding: str = "utf-8"
    kind: SourceKind | None = None
    """Set by readers that know (review tables); else the ingest option decides."""
    sections: list[Section] = field(default_factory=list)
    metadata: dict[str, str | int | float] = field(default_factory=dict)
    participant_hint: str | None = None
    """A participant id the file itself states (a JSON field, a review author)."""
    segment: dict[str, str] = field(default_factory=dict)
    """Segment attributes the file states for this source (a table's segment columns)."""
    warnings: list[str] = field(default_factory=list)
    """One-line notes for the user about data kept imperfectly (a cue without its time)."""

    def turn_text(self, turn: RawTurn) -> str:
        """The verbatim text of a turn."""
        return self.text[turn.char_start : turn.char_end]


def parse_timestamp(value: str) -> float:
    """`01:02:03.5`, `1:02`, `00:00:05,120` -> seconds; ValueError if not a time in a recording."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return checked_seconds(seconds)


def checked_seconds(seconds: float) -> float:
    """`seconds` if it is a finite, non-negative time up to MAX_SECONDS; else ValueError."""
    if not (math.isfinite(seconds) and 0 <= seconds <= MAX_SECONDS):
        raise ValueError(f"{seconds!r} is not a time in a recording")
    return seconds
