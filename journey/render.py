"""Every export format of a map, by name: what the CLI, the API and the MCP tools offer."""

from collections.abc import Callable
from typing import Literal, get_args

from journey import exports
from journey.html import to_html
from journey.schema import JourneyMap

Format = Literal["json", "md", "csv", "mermaid", "html", "observations", "observations-jsonl"]
FORMATS: tuple[str, ...] = get_args(Format)

_RENDERERS: dict[str, Callable[[JourneyMap], str]] = {
    "json": exports.to_json,
    "md": exports.to_markdown,
    "csv": exports.to_csv,
    "mermaid": exports.to_mermaid,
    "html": to_html,
    "observations": exports.to_observations_csv,
    "observations-jsonl": exports.to_observations_jsonl,
}

MEDIA_TYPES: dict[str, str] = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "mermaid": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "observations": "text/csv; charset=utf-8",
    "observations-jsonl": "application/jsonl; charset=utf-8",
}
"""The media type of each format, for HTTP answers."""

# Longest suffix first: `x.observations.csv` is coded segments, `x.csv` the findings table.
_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".observations.csv", "observations"),
    (".observations.jsonl", "observations-jsonl"),
    (".jsonl", "observations-jsonl"),
    (".json", "json"),
    (".md", "md"),
    (".csv", "csv"),
    (".mmd", "mermaid"),
    (".mermaid", "mermaid"),
    (".html", "html"),
    (".htm", "html"),
)

# Excel needs the BOM to show non-ASCII (e.g. Chinese) quotes in a CSV correctly.
_BOM_FORMATS = frozenset({"csv", "observations"})


def render(journey_map: JourneyMap, fmt: str) -> str:
    """The map in one export format (one of FORMATS)."""
    return _RENDERERS[fmt](journey_map)


def format_for(file_name: str, default: str = "json") -> str:
    """The export format a file name asks for by its extension, else `default`."""
    name = file_name.lower()
    return next((fmt for suffix, fmt in _SUFFIXES if name.endswith(suffix)), default)


def encoding_for(fmt: str) -> str:
    """How to encode a format's text in a file: CSVs with a BOM (for Excel), else UTF-8."""
    return "utf-8-sig" if fmt in _BOM_FORMATS else "utf-8"
