"""What a reader returns: decoded text and raw turns whose offsets point into it."""

from dataclasses import dataclass, field

from journey.source import Section, SourceKind


@dataclass(frozen=True)
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

    def turn_text(self, turn: RawTurn) -> str:
        """The verbatim text of a turn."""
        return self.text[turn.char_start : turn.char_end]


def parse_timestamp(value: str) -> float:
    """`01:02:03.5`, `1:02`, `00:00:05,120` -> seconds."""
    parts = value.replace(",", ".").split(":")
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + float(part)
    return seconds
