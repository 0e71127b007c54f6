"""FastAPI dependencies: the workspace, the caller's key scope, a project they may reach."""

import threading
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Header, Path, Request

from api.errors import ApiError
from api.jobs import Jobs
from assistant.chat import Chat
from assistant.settings import Settings
from assistant.workspace import Workspace
from ingest.store import check_project_name


@dataclass
class AppState:
    """What the app keeps between requests."""

    settings: Settings
    workspace: Workspace
    locks: dict[str, threading.Lock] = field(default_factory=dict)
    chats: dict[str, Chat] = field(default_factory=dict)
    guard: threading.Lock = field(default_factory=threading.Lock)
    jobs: Jobs = field(default_factory=Jobs)

    @cached_property
    def scopes(self) -> dict[str, set[str]]:
        """API key -> the projects it reaches, read once; {} when the API is open."""
        return self.settings.key_scopes()

    def lock(self, project: str) -> threading.Lock:
        """One writer per project: ingests and deletes of a project run one at a time."""
        with self.guard:
            return self.locks.setdefault(project, threading.Lock())

    def chat(self, project: str) -> Chat:
        """A Chat for the project, reused until the project's sources or map change."""
        with self.guard:
            chat = self.chats.get(project)
        if chat is None:
            chat = Chat(self.workspace, project)
            with self.guard:
                self.chats[project] = chat
        return chat

    def changed(self, project: str) -> None:
        """Forget what was cached for a project after its data changed."""
        with self.guard:
            self.chats.pop(project, None)


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.journeymap
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_workspace(state: StateDep) -> Workspace:
    return state.workspace


WorkspaceDep = Annotated[Workspace, Depends(get_workspace)]


def get_scope(state: StateDep, authorization: Annotated[str | None, Header()] = None) -> set[str]:
    """The projects the caller may reach: all when no keys are configured."""
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


def get_project(
    project: Annotated[str, Path(description="Project name.")],
    workspace: WorkspaceDep,
    scope: ScopeDep,
) -> str:
    """A project the caller may reach; another key's project looks like no project at all."""
    check_project_name(project)
    if not allowed(scope, project):
        raise ApiError(404, "not_found", f"no project {project!r}")
    workspace.catalog.require_project(project)
    return project


ProjectDep = Annotated[str, Depends(get_project)]
