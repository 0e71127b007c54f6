"""What ingest produces: a source (one transcript or one review) and its turns."""

import re
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class SourceKind(StrEnum):
    """What a source is: an interview transcript, a review, or a survey answer."""

    interview = "interview"
    review = "review"
    survey = "survey"


class Role(StrEnum):
    """Who is speaking in a turn."""

    interviewer = "interviewer"
    participant = "participant"
    unknown = "unknown"


LIKED = "Liked"
DISLIKED = "Disliked"
FIELD_LEANS = {LIKED: 1.0, DISLIKED: -1.0}
"""The section of a review's turn read from a liked / disliked field of its table (Booking's
Positive and Negative, Glassdoor's Pros and Cons): how the reviewer meant it, whatever its
words (a terse "Location" in the liked field is praise)."""


class Turn(BaseModel):
    """One speaker turn (or one review) inside a source."""

    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True)

    index: int
    """Position of the turn in its source, from 0."""
    speaker: str | None
    """Speaker label as shown to users: a placeholder such as `Participant 3` where the file
    used a real name; None when the format names no speaker."""
    role: Role
    """interviewer, participant or unknown."""
    text: str
    """The turn's text with PII redacted; before redaction it equals the source text between
    char_start and char_end."""
    char_start: int
    """Start offset of the turn in the decoded source text."""
    char_end: int
    """End offset (exclusive) of the turn in the decoded source text."""
    start: float | None = None
    """Start time in seconds, when the format has timestamps."""
    end: float | None = None
    """End time in seconds, when the format has them."""
    section: str | None = None
    """Title of the interview-guide section (task, heading) the turn falls under, if any."""


FRAME_SECTION = re.compile(
    r"^\W*(?:\d+[.)]?\s*)?(?:intro(?:duction)?s?|warm[- ]?up|ice[- ]?breaker|welcome|opening|"
    r"about (?:you|yourself|the participant)|participant background|background|wrap[- ]?up|"
    r"closing|close|conclusion|outro|debrief|thank you|thanks|开场|暖场|破冰|自我介绍|介绍|"
    r"背景(?:信息)?|结束语?|收尾|结语|致谢|感谢)\W*$",
    re.I,
)
"""Interview-guide sections around the journey (Introduction, Wrap-up, 开场): no stage of it."""
CLOSING_SECTION = re.compile(r"wrap|clos|conclu|outro|debrief|thank|结束|收尾|结语|致谢|感谢", re.I)
"""Of those, the ones that end an interview: what is said there may still be a finding ("If you
could change one thing…"); what is said in an introduction is background."""


_NUMBERING = re.compile(
    r"^\s*(?:(?:section|part|stage|step|topic)\s+)?\d{1,2}(?:\.\d{1,2})*[.):：、]?\s+(?=\S)", re.I
)


def section_name(title: str) -> str:
    """A heading without its numbering: "2. Starting the application" -> "Starting the
    application" (a title that is only a number stays)."""
    return _NUMBERING.sub("", title, count=1).strip() or title.strip()


class Section(BaseModel):
    """A heading in a transcript: an interview-guide section or a task of a task script."""

    model_config = ConfigDict(use_attribute_docstrings=True, frozen=True)

    title: str
    """The heading text, without its numbering or Markdown marks."""
    level: int
    """1 for a top-level section or task, 2 for a sub-question under it, 0 for the document's
    title (a lone heading above the sections)."""
    char_start: int
    """Start offset of the heading line in the decoded source text."""
    char_end: int
    """End offset of the heading line."""


class Source(BaseModel):
    """One ingested transcript or review, with its turns."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Stable id: a hash of the content (and of the row key, for a review)."""
    path: str
    """Where it came from: a file path, or `file.csv#ID` for one review of a table."""
    kind: SourceKind
    """interview, review or survey."""
    language: str
    """Detected language code of the text, such as `en` or `zh`; `und` if unknown."""
    participant_id: str
    """Who the source speaks for: a participant code (`P3`), a placeholder, or a review id."""
    segment: dict[str, str] = Field(default_factory=dict)
    """Segment attributes given at ingest (e.g. plan=trial), for comparing segments."""
    metadata: dict[str, str | int | float] = Field(default_factory=dict)
    """Other facts the file carried: rating, date, title, author placeholder, encoding."""
    turns: list[Turn]
    """The turns, in order."""
    sections: list[Section] = Field(default_factory=list)
    """Headings found in the transcript, in order."""
    redactions: dict[str, int] = Field(default_factory=dict)
    """How many PII items of each kind were redacted."""
