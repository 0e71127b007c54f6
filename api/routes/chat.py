"""Chat: questions about a study, answered with grounded citations (JSON or SSE)."""

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import ProjectDep, StateDep
from journey.schema import ChatAnswer

router = APIRouter(prefix="/v1/projects/{project}", tags=["chat"])


class Question(BaseModel):
    """A question about the study."""

    model_config = ConfigDict(
        use_attribute_docstrings=True,
        json_schema_extra={"examples": [{"question": "What frustrates people during onboarding?"}]},
    )

    question: str = Field(min_length=1, max_length=2000)
    """The question, in any language."""


def _events(answer: ChatAnswer) -> Iterator[ServerSentEvent]:
    for line in answer.answer.split("\n"):
        yield ServerSentEvent(
            data=json.dumps({"text": line + "\n"}, ensure_ascii=False), event="token"
        )
    yield ServerSentEvent(data=answer.model_dump_json(), event="answer")
    yield ServerSentEvent(data="{}", event="done")


@router.post(
    "/chat",
    response_model=ChatAnswer,
    summary="Ask the study a question",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def ask_study(
    project: ProjectDep,
    body: Question,
    state: StateDep,
    accept: Annotated[str | None, Header()] = None,
) -> ChatAnswer | EventSourceResponse:
    """The answer rests only on the study's quotes. With `Accept: text/event-stream` it is
    streamed: `token` events with text, then one `answer` event with the whole object."""
    answer = state.chat(project).ask(body.question)
    if accept and "text/event-stream" in accept:
        return EventSourceResponse(_events(answer))
    return answer
