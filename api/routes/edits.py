"""Edits by people: rename, merge, delete, re-stage a pain point or touchpoint, pin a quote.
Stored per project and re-applied to every rebuild of the map."""

import uuid

from fastapi import APIRouter, status

from api.deps import ProjectDep, StateDep, WorkspaceDep
from api.errors import ApiError
from assistant.mapping import current_map
from journey.edits import Edit, EditRequest, anchor, find
from journey.errors import NotFoundError
from journey.grounding import ground
from journey.schema import Evidence, JourneyMap
from journey.source import Role

router = APIRouter(prefix="/v1/projects/{project}/edits", tags=["edits"])


def _pinned(workspace: WorkspaceDep, project: str, quote: dict[str, str | int]) -> Evidence:
    """A grounded participant quote from (source_id, char_start, char_end)."""
    try:
        source_id = str(quote["source_id"])
        start, end = int(quote["char_start"]), int(quote["char_end"])
    except (KeyError, ValueError):
        raise ApiError(
            422, "invalid_request", "quote needs source_id, char_start and char_end"
        ) from None
    stored = next((s for s in workspace.catalog.sources(project) if s.source.id == source_id), None)
    if stored is None:
        raise NotFoundError(f"no source {source_id!r} in project {project!r}")
    redactor = workspace.redactor(project)
    turn = next((t for t in stored.source.turns if t.char_start <= start < t.char_end), None)
    evidence = Evidence(
        quote=redactor.redact(stored.original[start:end])[0],
        source_id=source_id,
        source_path=stored.source.path,
        char_start=start,
        char_end=end,
        speaker=turn.speaker if turn else None,
        participant_id=stored.source.participant_id,
        timestamp=turn.start if turn else None,
    )
    spans = [(t.char_start, t.char_end) for t in stored.source.turns if t.role is Role.participant]
    checked = ground(
        [evidence],
        {source_id: stored.original},
        lambda text: redactor.redact(text)[0],
        allowed={source_id: spans},
    )
    if not checked.kept:
        raise ApiError(
            422,
            "not_a_participant_quote",
            "that span is not inside one participant turn of the source; pin a "
            "participant's own words",
        )
    return checked.kept[0]


def _edit(workspace: WorkspaceDep, project: str, m: JourneyMap, body: EditRequest) -> Edit:
    edit = Edit(
        id=f"edit-{uuid.uuid4().hex[:10]}",
        op=body.op,
        anchor=[],
        title=body.title,
        stage=body.stage,
    )
    if body.op == "rename" and not body.title:
        raise ApiError(422, "invalid_request", "rename needs a title")
    if body.op == "restage" and body.stage not in {s.name for s in m.stages}:
        raise ApiError(
            422,
            "invalid_request",
            f"restage needs a stage of the map: {', '.join(s.name for s in m.stages)}",
        )
    if body.target.startswith("touchpoint:"):
        _, stage, name = [*body.target.split(":", 2), "", ""][:3]
        stage_ = next((s for s in m.stages if s.name == stage), None)
        if stage_ is None or name not in {t.name for t in stage_.touchpoints}:
            raise NotFoundError(f"no touchpoint {name!r} in stage {stage!r}")
        if body.op == "merge":
            raise ApiError(422, "invalid_request", "touchpoints cannot be merged; rename one")
        edit.touchpoint = (stage, name)
    else:
        found = find(m, body.target)
        if found is None:
            raise NotFoundError(f"no pain point or delight {body.target!r} in the current map")
        edit.anchor = anchor(found[1])
    if body.op == "merge":
        into = find(m, body.into or "")
        if into is None or body.into == body.target:
            raise ApiError(422, "invalid_request", "merge needs `into`: another finding's id")
        edit.into_anchor = anchor(into[1])
    if body.op == "pin":
        if body.quote is None:
            raise ApiError(422, "invalid_request", "pin needs a quote")
        edit.pinned = _pinned(workspace, project, body.quote)
    return edit


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Edit the map; the edit is kept and re-applied to every rebuild",
)
def add_edit(project: ProjectDep, body: EditRequest, state: StateDep) -> JourneyMap:
    """Returns the map with all edits applied."""
    with state.lock(project):
        m = current_map(state.workspace, project)
        edit = _edit(state.workspace, project, m, body)
        state.workspace.catalog.add_edit(project, edit.id, edit.model_dump_json())
        state.changed(project)
    return current_map(state.workspace, project)


@router.get("", summary="List the project's edits, oldest first")
def list_edits(project: ProjectDep, workspace: WorkspaceDep) -> list[Edit]:
    return [Edit.model_validate_json(e) for e in workspace.catalog.edits(project)]


@router.delete("/{edit_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Undo an edit")
def delete_edit(project: ProjectDep, edit_id: str, state: StateDep) -> None:
    if not state.workspace.catalog.delete_edit(project, edit_id):
        raise NotFoundError(f"no edit {edit_id!r} in project {project!r}")
    state.changed(project)
