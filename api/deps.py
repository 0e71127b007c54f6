"""FastAPI dependencies: the caller's key scope and the study (project) they may reach."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.errors import ApiError
from api.jobs import Jobs
from assistant.settings import Settings
from assistant.study import Studies, Study, check_project_name
from assistant.workspace import Workspace


@dataclass
class AppState:
    """What the app keeps between requests."""

    settings: Settings
    workspace: Workspace
    jobs: Jobs = field(default_factory=Jobs)
    studies: Studies = field(init=False)

    def __post_init__(self) -> None:
        self.studies = Studies(self.workspace)

    @cached_property
    def scopes(self) -> dict[str, set[str]]:
        """API key -> the projects it reaches, read once; {} when the API is open."""
        return self.settings.key_scopes()


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.journeymap
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_studies(state: StateDep) -> Studies:
    return state.studies


StudiesDep = Annotated[Studies, Depends(get_studies)]


_BEARER = HTTPBearer(
    auto_error=False,
    description="A key from JOURNEYMAP_API_KEYS, as `Authorization: Bearer <key>` (none is "
    "needed when the server has no keys)",
)
"""Declared in the OpenAPI document as its security scheme, so generated clients and Swagger's
Authorize button send the key (it was an optional `authorization` header parameter)."""


def get_scope(
    state: StateDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)] = None,
) -> set[str]:
    """The projects the caller may reach: all when no keys are configured."""
    authorization = f"Bearer {credentials.credentials}" if credentials else None
    scope = scope_of(state.scopes, authorization)
    if scope is None:
        raise ApiError(
            401,
            "unauthorized",
            "send `Authorization: Bearer <key>` with a key from JOURNEYMAP_API_KEYS",
        )
    return scope


def scope_of(scopes: dict[str, set[str]], authorization: str | None) -> set[str] | None:
    """The projects an `Authorization` header reaches: all when the API is open, None when its
    key is missing or unknown."""
    if not scopes:
        return {"*"}
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return scopes.get(token.strip())


ScopeDep = Annotated[set[str], Depends(get_scope)]


def allowed(scope: set[str], project: str) -> bool:
    """True if a key with this scope may reach the project."""
    return "*" in scope or project in scope


def get_study(
    project: Annotated[str, Path(description="Project name.")],
    studies: StudiesDep,
    scope: ScopeDep,
) -> Study:
    """A project the caller may reach; another key's project looks like no project at all."""
    check_project_name(project)
    if not allowed(scope, project):
        raise ApiError(404, "not_found", f"no project {project!r}")
    return studies(project)


StudyDep = Annotated[Study, Depends(get_study)]
