"""Every export format of a map, by name: what the CLI, the API and the MCP tools offer."""

from collections.abc import Callable
from typing import Literal, get_args

from journey import exports
from journey.html import to_html
from journey.schema import JourneyMap

Format = Literal["json", "md", "csv", "mermaid", "html"]
FORMATS: tuple[str, ...] = get_args(Format)

_RENDERERS: dict[str, Callable[[JourneyMap], str]] = {
    "json": exports.to_json,
    "md": exports.to_markdown,
    "csv": exports.to_csv,
    "mermaid": exports.to_mermaid,
    "html": to_html,
}


def render(journey_map: JourneyMap, fmt: str) -> str:
    """The map in one export format (one of FORMATS)."""
    return _RENDERERS[fmt](journey_map)
