"""The journey map: build, get, export, its recommendations and its JSON Schema."""

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict

from api.deps import ProjectDep, ScopeDep, StateDep, WorkspaceDep
from assistant.mapping import build_map, current_map, save_map
from assistant.stages import parse_stages
from journey import exports
from journey.errors import NotFoundError
from journey.html import to_html
from journey.schema import JourneyMap, Recommendation

router = APIRouter(prefix="/v1", tags=["map"])
Format = Literal["json", "md", "csv", "mermaid", "html"]
_MEDIA = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "mermaid": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


class MapRequest(BaseModel):
    """How to build a map; everything is optional."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [{"stages": ["Discover: hearing about us", "Buy", "Use", "Support"]}]
        },
    )

    stages: list[str] | None = None
    """Stages in order, `Name` or `Name: description`; default: guide headings or the
    default taxonomy."""
    title: str | None = None
    """Title of the map."""


@router.post("/projects/{project}/map", summary="Build (or rebuild) the project's map")
def build_project_map(
    project: ProjectDep, state: StateDep, body: MapRequest | None = None
) -> JourneyMap:
    body = body or MapRequest()
    specs = parse_stages(body.stages or []) or None
    with state.lock(project):
        journey_map = build_map(state.workspace, project, specs, title=body.title)
        save_map(state.workspace, journey_map)
        state.changed(project)
    return journey_map


def _latest(workspace: WorkspaceDep, project: str) -> JourneyMap:
    latest = workspace.catalog.latest_map(project)
    if latest is None:
        raise NotFoundError(f"project {project!r} has no map yet; POST /v1/projects/{project}/map")
    return JourneyMap.model_validate_json(latest)


@router.get("/projects/{project}/map", summary="Get the project's newest map")
def get_project_map(
    project: ProjectDep,
    workspace: WorkspaceDep,
    fresh: Annotated[
        bool, Query(description="Rebuild first if the sources changed since.")
    ] = False,
) -> JourneyMap:
    return current_map(workspace, project) if fresh else _latest(workspace, project)


@router.get(
    "/projects/{project}/map/export",
    summary="Export the newest map",
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {} for m in _MEDIA.values()}}},
)
def export_project_map(
    project: ProjectDep, workspace: WorkspaceDep, format: Format = "json"
) -> Response:
    m = _latest(workspace, project)
    renderers = {
        "json": exports.to_json,
        "md": exports.to_markdown,
        "csv": exports.to_csv,
        "mermaid": exports.to_mermaid,
        "html": to_html,
    }
    return Response(renderers[format](m), media_type=_MEDIA[format])


@router.get(
    "/projects/{project}/recommendations",
    summary="Intervention points of the newest map, highest priority first",
)
def list_recommendations(project: ProjectDep, workspace: WorkspaceDep) -> list[Recommendation]:
    return _latest(workspace, project).recommendations


@router.get("/schema/journey-map", summary="The JSON Schema of a journey map")
def journey_map_schema(_: ScopeDep) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(exports.json_schema())
    return schema
