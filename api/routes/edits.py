"""Edits by people: rename, merge, delete, re-stage a pain point or touchpoint, pin a quote.
Stored per project and re-applied to every rebuild of the map."""

from fastapi import APIRouter, status

from api.deps import StudyDep
from api.models import EditEntry, edit_entries
from journey.edits import EditRequest
from journey.schema import JourneyMap

router = APIRouter(prefix="/v1/projects/{project}/edits", tags=["edits"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Edit the map; the edit is kept and re-applied to every rebuild",
)
def add_edit(study: StudyDep, body: EditRequest) -> JourneyMap:
    """Returns the map with all edits applied. Ops: rename, merge, split, delete (dismiss),
    restage (move), pin, unpin, add; every quote an edit brings is checked against its
    source, and the edit records that it came over HTTP."""
    return study.edit(body, author="http").map


@router.get("", summary="List the project's edits, oldest first")
def list_edits(study: StudyDep) -> list[EditEntry]:
    """Each with who made it, what it was made on (`made_on`, `merged_into`: ids and titles
    then) and the finding it leaves in the map now (`now`)."""
    return edit_entries(study.edit_log())


@router.delete("/{edit_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Undo an edit")
def delete_edit(study: StudyDep, edit_id: str) -> None:
    study.undo_edit(edit_id)
