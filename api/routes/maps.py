"""The journey map: build, get, export, its recommendations and its JSON Schema."""

import json
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ScopeDep, StateDep, StudyDep
from api.jobs import Job, Work, job_accepted, job_response, wait_or_hand_back
from api.models import IdealDraft
from assistant.study import Studies, Study, parse_stages, read_ideal
from journey import exports
from journey.edits import MAX_TITLE
from journey.errors import GoneError, NotFoundError
from journey.labels import LanguageChoice
from journey.render import MEDIA_TYPES, Format
from journey.schema import JourneyMap, Recommendation

router = APIRouter(prefix="/v1", tags=["map"])


class MapRequest(BaseModel):
    """How to build a map; everything is optional."""

    model_config = ConfigDict(
        extra="forbid",  # a misspelt field ("stagez") is an error, not ignored
        use_attribute_docstrings=True,
        json_schema_extra={
            "examples": [
                {"stages": ["Discover: hearing about us", "Buy", "Use", "Support"]},
                {
                    "ideal": {
                        "stages": [
                            {
                                "name": "Buy",
                                "expectations": ["The full price is clear before paying"],
                                "target_valence": 1,
                            }
                        ]
                    }
                },
            ]
        },
    )

    stages: list[str] | None = None
    """Stages in order, `Name` or `Name: description`; default: guide headings or the
    default taxonomy."""
    title: str | None = Field(None, max_length=MAX_TITLE)
    """Title of the map."""
    preset: str | None = None
    """A journey preset to map into (travel, finance, subscription, ecommerce, hospitality, hotel,
    healthcare, telecom, products, delivery, insurance, generic), or `auto` to choose afresh;
    default: the stages chosen for the last map, else the guide's headings, or for a study of
    reviews the preset that fits it best."""
    language: LanguageChoice = "auto"
    """Language of the map's own words (stage names it chooses, labels, descriptions,
    recommendations, report headings): en, zh, or auto (the language most sources are in).
    Quotes stay as spoken."""
    ideal: dict[str, Any] | str | None = None
    """The intended journey to hold the map against: an object `{title?, stages: [{name,
    expectations: [..], target_valence? (-2..+2), target_feeling?, kpis?: [{name, target?}]}]}`
    (stage names as the map's), or the text of such a YAML or JSON file. The map's `ideal`
    then says per stage where the actual experience falls short; 422 if it is malformed."""


@router.post(
    "/projects/{project}/map",
    summary="Build (or rebuild) the project's map",
    response_model=JourneyMap,
    responses={202: {"model": Job, "description": "still building: poll the job"}},
)
def build_project_map(
    study: StudyDep,
    state: StateDep,
    body: MapRequest | None = None,
    wait: Annotated[
        bool,
        Query(
            description="Wait (up to JOURNEYMAP_JOB_WAIT_SECONDS) for the "
            "map; false answers 202 with a job at once."
        ),
    ] = True,
) -> JSONResponse:
    """Builds offline (or with the configured LLM); a long build answers 202 with a job to
    poll at /v1/jobs/{id}, whose progress follows the LLM's requests."""
    body = body or MapRequest()
    job = wait_or_hand_back(
        state.jobs,
        "map",
        study.project,
        map_work(study, body),
        state.settings.job_wait_seconds if wait else 0.0,
        request=body.model_dump(mode="json"),
    )
    # wait=false promises a job to poll, even if a small build already ended.
    return job_response(job) if wait else job_accepted(job)


def map_work(study: Study, body: MapRequest) -> Work:
    """The work of a map build's job (a malformed `ideal` or stages are refused here, before
    it runs: 200,000 stage names held a map worker for over 13 minutes)."""
    ideal = read_ideal(body.ideal, "ideal") if body.ideal is not None else None
    parse_stages(body.stages or [])

    def work(progress: Callable[[float, str], None]) -> JourneyMap:
        progress(0.1, "reading sentences and extracting observations")

        def requests(done: int, total: int) -> None:  # the LLM path's extraction requests
            # within the build's reading step (see `phase` below: 0.1 to about 0.7)
            share = 0.85 * 0.7 * done / max(1, total)
            progress(0.1 + share, f"LLM extraction: {done}/{total} requests")

        return study.build_map(
            body.stages or [],
            title=body.title,
            progress=requests,
            preset=body.preset,
            language=body.language,
            ideal=ideal,
            phase=lambda fraction, message: progress(0.1 + 0.85 * fraction, message),
        )

    return work


def map_again(studies: Studies, project: str, body: MapRequest) -> Work:
    """The work of a map build's job run again; GoneError if its project was deleted since."""
    try:
        study = studies(project)
    except NotFoundError as exc:
        raise GoneError(f"{exc}: this map build cannot run again", code="job_input_gone") from None
    return map_work(study, body)


class IdealDraftRequest(BaseModel):
    """Which stages to draft the intended journey over; by default the map's."""

    model_config = ConfigDict(
        extra="forbid",  # a misspelt field ("stagez") is an error, not ignored
        use_attribute_docstrings=True,
    )

    stages: list[str] | None = None
    """Stages in order, as for a map build."""
    preset: str | None = None
    """A journey preset's stages, as for a map build."""
    language: LanguageChoice = "auto"
    """Language of the stage names it chooses, as for a map build."""


@router.post("/projects/{project}/ideal/draft", summary="Draft the intended journey")
def draft_ideal_journey(study: StudyDep, body: IdealDraftRequest | None = None) -> IdealDraft:
    """The intended journey over the map's stages, drafted by the configured LLM from the
    interview guide (offline: the stages alone, to fill in); nothing is stored. Edit it and
    send it as `ideal` with a map build."""
    body = body or IdealDraftRequest()
    journey, text = study.draft_ideal(body.stages or [], body.preset, body.language)
    return IdealDraft(ideal=journey, yaml=text)


class MapVersion(BaseModel):
    """One stored version of a project's map."""

    id: str
    created_at: str


@router.get("/projects/{project}/maps", summary="List the stored versions of the map")
def list_map_versions(study: StudyDep) -> list[MapVersion]:
    return [MapVersion(id=i, created_at=t) for i, t in study.map_versions()]


@router.get("/projects/{project}/maps/{map_id}", summary="Get one stored version of the map")
def get_map_version(study: StudyDep, map_id: str) -> JourneyMap:
    return study.map_version(map_id)


@router.get("/projects/{project}/map", summary="Get the project's newest map")
def get_project_map(
    study: StudyDep,
    fresh: Annotated[
        bool, Query(description="Rebuild first if the sources changed since.")
    ] = False,
) -> JourneyMap:
    return study.fresh_map() if fresh else study.stored_map()


@router.get(
    "/projects/{project}/map/export",
    summary="Export the newest map",
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {} for m in MEDIA_TYPES.values()}}},
)
def export_project_map(study: StudyDep, format: Format = "json") -> Response:
    return Response(study.export(format), media_type=MEDIA_TYPES[format])


@router.get(
    "/projects/{project}/recommendations",
    summary="Intervention points of the newest map, highest priority first",
)
def list_recommendations(study: StudyDep) -> list[Recommendation]:
    return study.stored_map().recommendations


@router.get("/schema/journey-map", summary="The JSON Schema of a journey map")
def journey_map_schema(_: ScopeDep) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(exports.json_schema())
    return schema
