"""Arguments that fail an MCP tool's input schema, reported as journeymap's own errors are:
one line that says what to change, not pydantic's multi-line report."""

import re
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.types import CallToolResult, InputRequiredResult
from pydantic import ValidationError
from pydantic_core import ErrorDetails

_SUBJECT = re.compile(r"^\w+ should ")
_SHOWN_INPUT = 40


def argument_errors(error: ValidationError) -> str:
    """One line naming each argument that failed and what it should be, e.g. "argument
    'kind' should be 'pain_point' or 'delight', not 'delights'"."""
    said: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    for detail in error.errors(include_url=False):
        name = _argument(detail)
        said.setdefault(name, [])
        if (wanted := _wanted(detail)) not in said[name]:
            said[name].append(wanted)
        if detail["type"] != "missing":
            shown[name] = _shown(detail["input"])
    parts = []
    for name, wants in said.items():
        if all(w.startswith("should be ") for w in wants):  # a union: "should be A or B"
            wants = ["should be " + " or ".join(w.removeprefix("should be ") for w in wants)]
        got = f", not {shown[name]}" if name in shown else ""
        parts.append(f"argument {name!r} {' or '.join(wants)}{got}")
    return "; ".join(parts)


def _argument(detail: ErrorDetails) -> str:
    """The argument an error is about, with list positions (`stages[2]`); the type names
    pydantic adds for each member of a union are left out."""
    loc = detail["loc"]
    return str(loc[0]) + "".join(f"[{part}]" for part in loc[1:] if isinstance(part, int))


def _wanted(detail: ErrorDetails) -> str:
    if detail["type"] == "missing":
        return "is required"
    message = detail["msg"]
    if detail["type"].endswith("_parsing"):  # "…a valid integer, unable to parse string as…"
        message = message.split(", ", 1)[0]
    if _SUBJECT.match(message):  # "Input should be ...", "String should have at most ..."
        return _SUBJECT.sub("should ", message)
    return message[:1].lower() + message[1:]


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_INPUT else text[: _SHOWN_INPUT - 1] + "…"


class ToolServer(MCPServer):
    """The SDK's server, with arguments that fail a tool's input schema reported as one line
    naming the argument and what it should be, like every other error of the tools (the SDK
    reports pydantic's multi-line text with a link to its documentation)."""

    async def call_tool(
        self, name: str, arguments: dict[str, Any], context: Context[Any, Any] | None = None
    ) -> CallToolResult | InputRequiredResult:
        """Call a tool by name with arguments (see MCPServer.call_tool); an argument the tool
        does not take is refused, naming the ones it does (an MCP trial's `stagez` was
        ignored silently, unlike the REST API's 422)."""
        tool = self._tool_manager.get_tool(name)
        if tool is not None and arguments:
            taken = set((tool.parameters or {}).get("properties", {}))
            if unknown := sorted(set(arguments) - taken):
                raise ToolError(
                    f"{name} takes no argument {', '.join(map(repr, unknown))}; it takes "
                    + (", ".join(sorted(taken)) or "none")
                )
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as exc:
            cause = exc.__cause__
            if isinstance(exc, UnexpectedToolError) or not isinstance(cause, ValidationError):
                raise
            # Chained to the ValidationError, so the SDK still logs only the fields' names.
            raise ToolError(argument_errors(cause)) from cause
