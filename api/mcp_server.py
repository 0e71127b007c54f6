"""The MCP server: the same jobs as the HTTP API, as tools a chat assistant can call."""

from typing import Literal

from mcp.server.mcpserver import MCPServer
from mcp.types import ToolAnnotations

from api.deps import AppState
from api.errors import ApiError
from api.models import IngestResult, ProjectOut
from api.operations import Upload, describe_project, ingest_uploads
from assistant.mapping import build_map, current_map, save_map, with_edits
from assistant.stages import parse_stages
from journey import exports
from journey.render import Format, render
from journey.schema import ChatAnswer, JourneyMap, Recommendation
from journey.source import SourceKind

READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)
INSTRUCTIONS = (
    "journeymap turns interview transcripts and customer reviews into an evidence-backed "
    "customer journey map. Ingest sources into a project, build its map, then ask about pain "
    "points: every quote it returns is verbatim from a participant, with its source and "
    "character offsets. Cite those quotes; do not invent others."
)


def create_mcp(state: AppState) -> MCPServer:
    """An MCP server over the app's workspace."""
    server = MCPServer(name="journeymap", instructions=INSTRUCTIONS)
    workspace = state.workspace

    def project_exists(project: str) -> None:
        workspace.catalog.require_project(project)

    @server.tool(annotations=READ_ONLY)
    def list_projects() -> list[ProjectOut]:
        """The projects in the workspace, with their source, participant and chunk counts."""
        return [describe_project(workspace, name) for name in workspace.catalog.projects()]

    @server.tool()
    def ingest_source(
        project: str,
        filename: str,
        content: str | None = None,
        path: str | None = None,
        kind: Literal["interview", "review"] | None = None,
    ) -> IngestResult:
        """Add a transcript or review table to a project (created if new): either its text
        `content` with a `filename` whose extension gives the format (.txt .md .vtt .srt .json
        .csv .jsonl), or a `path` to a file inside the workspace folder."""
        if (content is None) == (path is None):
            raise ApiError(422, "invalid_request", "give exactly one of content or path")
        if path is not None:
            home = state.settings.home.resolve()
            file = (home / path).resolve()
            if not file.is_relative_to(home) or not file.is_file():
                raise ApiError(
                    404, "not_found", f"{path!r} is not a file inside the workspace {home}"
                )
            data, filename = file.read_bytes(), filename or file.name
        else:
            data = (content or "").encode("utf-8")
        options = state.settings.ingest_options(kind=SourceKind(kind) if kind else None)
        return ingest_uploads(state, project, [Upload(filename, data)], options)

    @server.tool()
    def build_journey_map(project: str, stages: list[str] | None = None) -> JourneyMap:
        """Build (or rebuild) the project's draft journey map; optional stages in order, as
        `Name` or `Name: description`."""
        project_exists(project)
        with state.lock(project):
            journey_map = build_map(workspace, project, parse_stages(stages or []) or None)
            save_map(workspace, journey_map)
            state.changed(project)
        return with_edits(workspace, journey_map)

    @server.tool(annotations=READ_ONLY)
    def get_journey_map(project: str) -> JourneyMap:
        """The project's current map (built first if its sources changed since the last)."""
        project_exists(project)
        return current_map(workspace, project)

    @server.tool(annotations=READ_ONLY)
    def ask_pain_points(project: str, question: str) -> ChatAnswer:
        """Ask the study a question; the answer cites verbatim participant quotes, or abstains
        when the study holds nothing relevant."""
        project_exists(project)
        return state.chat(project).ask(question)

    @server.tool(annotations=READ_ONLY)
    def list_recommendations(project: str) -> list[Recommendation]:
        """Intervention points of the current map, highest priority (impact / effort) first."""
        project_exists(project)
        return current_map(workspace, project).recommendations

    @server.tool(annotations=READ_ONLY)
    def export_journey_map(project: str, format: Format = "md") -> str:
        """The current map as JSON, a Markdown report, CSV, a Mermaid journey diagram or a
        self-contained HTML page."""
        project_exists(project)
        return render(current_map(workspace, project), format)

    @server.resource("journeymap://projects/{project}/map", mime_type="application/json")
    def journey_map_resource(project: str) -> str:
        """The project's current journey map as JSON."""
        project_exists(project)
        return exports.to_json(current_map(workspace, project))

    return server


def run_stdio(state: AppState) -> None:
    """Serve MCP over stdin/stdout (for desktop assistants)."""
    create_mcp(state).run("stdio")
