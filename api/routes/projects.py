"""Projects: create, list, get, delete."""

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from api.deps import ProjectDep, ScopeDep, StateDep, WorkspaceDep, allowed
from api.errors import ApiError
from api.models import ProjectOut
from api.operations import describe_project
from ingest.store import check_project_name

router = APIRouter(prefix="/v1/projects", tags=["projects"])


class ProjectIn(BaseModel):
    """A project to create."""

    model_config = ConfigDict(
        use_attribute_docstrings=True, json_schema_extra={"examples": [{"name": "freshbox"}]}
    )

    name: str
    """1-63 letters, digits, '.', '_' or '-', starting and ending with a letter or digit."""


@router.get("", summary="List the projects you can reach")
def list_projects(workspace: WorkspaceDep, scope: ScopeDep) -> list[ProjectOut]:
    return [
        describe_project(workspace, name)
        for name in workspace.catalog.projects()
        if allowed(scope, name)
    ]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a project")
def create_project(body: ProjectIn, workspace: WorkspaceDep, scope: ScopeDep) -> ProjectOut:
    name = check_project_name(body.name)
    if not allowed(scope, name):
        raise ApiError(403, "forbidden", f"your key may not create project {name!r}")
    if name in workspace.catalog.projects():
        raise ApiError(409, "conflict", f"project {name!r} exists; ingest into it instead")
    workspace.catalog.ensure_project(name)
    return describe_project(workspace, name)


@router.get("/{project}", summary="Get a project")
def get_project(project: ProjectDep, workspace: WorkspaceDep) -> ProjectOut:
    return describe_project(workspace, project)


@router.delete(
    "/{project}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a project with its sources, store and maps",
)
def delete_project(project: ProjectDep, state: StateDep) -> None:
    with state.lock(project):
        state.workspace.store.drop_project(project)
        state.workspace.catalog.delete_project(project)
        state.changed(project)
