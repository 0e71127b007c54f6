"""Wire models of the API and the MCP server (beyond the journey schema itself)."""

from pydantic import BaseModel, ConfigDict

from journey.source import Source, SourceKind


class ProjectOut(BaseModel):
    """A project and how much it holds."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    name: str
    """The project's name."""
    sources: int
    """Sources ingested."""
    participants: int
    """Distinct participants across its sources."""
    chunks: int
    """Chunks in the vector store."""
    latest_map_id: str | None
    """Id of the newest map built, if any."""


class SourceSummary(BaseModel):
    """A source without its turns."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    id: str
    """Stable content-hash id."""
    path: str
    """Where it came from (`file.csv#ID` for a review)."""
    kind: SourceKind
    """interview, review or survey."""
    language: str
    """Detected language."""
    participant_id: str
    """Who it speaks for."""
    turns: int
    """Number of turns."""
    redactions: int
    """PII items redacted."""
    segment: dict[str, str]
    """Segment attributes."""


class Skipped(BaseModel):
    """A file that was not ingested, and why."""

    file: str
    reason: str


class IngestResult(BaseModel):
    """What an upload did."""

    model_config = ConfigDict(use_attribute_docstrings=True)

    added: list[SourceSummary]
    """Sources stored by this upload."""
    unchanged: int
    """Sources that were already stored (identical content)."""
    replaced: int
    """Older versions of the uploaded files that were replaced."""
    skipped: list[Skipped]
    """Files not ingested, each with a reason that says what to do."""
    chunks: int
    """Chunks embedded."""


def source_summary(source: Source) -> SourceSummary:
    """A source's summary."""
    return SourceSummary(
        id=source.id,
        path=source.path,
        kind=source.kind,
        language=source.language,
        participant_id=source.participant_id,
        turns=len(source.turns),
        redactions=sum(source.redactions.values()),
        segment=source.segment,
    )
