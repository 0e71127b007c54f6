"""Personas, segments compared, and what changed between waves of research."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from api.deps import StudyDep
from api.models import Personas, personas_out
from assistant.study import Comparison, MapDiff
from journey.diff import diff_markdown

router = APIRouter(prefix="/v1", tags=["compare"])

ByQuery = Annotated[
    str,
    Query(
        min_length=1,
        max_length=200,
        description="A segment attribute (e.g. `plan`, `wave`), or `persona` for the personas "
        "the map found.",
    ),
]


@router.get("/projects/{project}/personas", summary="The map's personas")
def list_personas(
    study: StudyDep,
    by: Annotated[
        str | None,
        Query(max_length=200, description="Give personas by a segment attribute instead."),
    ] = None,
) -> Personas:
    """The personas found in the evidence (groups of participants who raise the same themes
    and feel alike per stage), or one per value of the segment attribute `by`."""
    journey_map, found = study.personas(by)
    return personas_out(study.project, journey_map.id, by, found)


@router.get("/projects/{project}/compare", summary="Compare segments or personas")
def compare_segments(
    study: StudyDep,
    by: ByQuery,
    limit: Annotated[int, Query(ge=1, le=100, description="Themes to list.")] = 10,
) -> Comparison:
    """Per stage, each group's mean valence with a 95% interval and n (participants), and the
    themes whose share differs most between groups, with Fisher's exact test; groups under 3
    participants are shown but never called different. An attribute with one value among the
    participants is refused (400 `one_group`), naming its value and the attributes that have
    two."""
    return study.compare(by, limit)


@router.get(
    "/projects/{project}/diff",
    summary="What changed between two maps or two slices",
    response_model=MapDiff,
    responses={200: {"content": {"text/markdown": {}}}},
)
def diff_maps(
    study: StudyDep,
    a: Annotated[str, Query(min_length=1, max_length=200, description="Map id, or a value.")],
    b: Annotated[str, Query(min_length=1, max_length=200, description="Map id, or a value.")],
    by: Annotated[
        str | None,
        Query(
            max_length=200,
            description="A segment attribute (e.g. `wave`): a and b are two of its values.",
        ),
    ] = None,
    format: Literal["json", "md"] = "json",
) -> MapDiff | Response:
    """Themes new, grown, shrunk and resolved (Fisher's exact test), and each stage's change
    of feeling with an interval: between two stored map versions (ids from GET
    /v1/projects/{project}/maps, or their first characters), or two slices of the study by a
    segment attribute read with one codebook. `format=md` answers a Markdown section."""
    found = study.diff(a, b, by)
    if format == "md":
        return Response(diff_markdown(found), media_type="text/markdown; charset=utf-8")
    return found
