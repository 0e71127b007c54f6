"""Projects: create, list, get, delete."""

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict

from api.deps import ScopeDep, StateDep, StudiesDep, StudyDep, allowed
from api.errors import ApiError
from api.models import ProjectOut, project_out
from assistant.study import check_project_name

router = APIRouter(prefix="/v1/projects", tags=["projects"])


class ProjectIn(BaseModel):
    """A project to create."""

    model_config = ConfigDict(
        extra="forbid",  # a misspelt field ("stagez") is an error, not ignored
        use_attribute_docstrings=True,
        json_schema_extra={"examples": [{"name": "freshbox"}]},
    )

    name: str
    """1-63 letters, digits, '.', '_' or '-', starting and ending with a letter or digit."""


@router.get("", summary="List the projects you can reach")
def list_projects(studies: StudiesDep, scope: ScopeDep) -> list[ProjectOut]:
    return [project_out(studies(name).info()) for name in studies.names() if allowed(scope, name)]


@router.post("", status_code=status.HTTP_201_CREATED, summary="Create a project")
def create_project(body: ProjectIn, studies: StudiesDep, scope: ScopeDep) -> ProjectOut:
    name = check_project_name(body.name)
    if not allowed(scope, name):
        raise ApiError(403, "forbidden", f"your key may not create project {name!r}")
    return project_out(studies.create(name).info())


@router.get("/{project}", summary="Get a project")
def get_project(study: StudyDep) -> ProjectOut:
    return project_out(study.info())


@router.delete(
    "/{project}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a project with its sources, store and maps",
)
def delete_project(study: StudyDep, state: StateDep) -> None:
    """Its sources, store, maps, edits, conversations and ended jobs (their results quote
    it) go; nothing of it is left on disk."""
    study.delete()
    state.jobs.forget_project(study.project)
