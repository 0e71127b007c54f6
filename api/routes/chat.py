"""Chat: questions about a study, answered with grounded citations (JSON or SSE)."""

import json
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Header
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.deps import StudyDep
from api.errors import error_body, status_of
from assistant.study import MAX_QUERY_CHARS
from journey.errors import JourneymapError
from journey.schema import ChatAnswer

router = APIRouter(prefix="/v1/projects/{project}", tags=["chat"])


class Question(BaseModel):
    """A question about the study."""

    model_config = ConfigDict(
        extra="forbid",  # a misspelt field ("stagez") is an error, not ignored
        use_attribute_docstrings=True,
        json_schema_extra={"examples": [{"question": "What frustrates people during onboarding?"}]},
    )

    question: str = Field(min_length=1, max_length=MAX_QUERY_CHARS)
    """The question, in any language."""
    conversation_id: str | None = Field(
        None, min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$"
    )
    """Continue this conversation (from an earlier answer's `conversation_id`); omit to start
    a new one. Follow-ups ("and in onboarding?") build on the conversation."""


def _events(pieces: Iterator[str | ChatAnswer]) -> Iterator[ServerSentEvent]:
    try:
        for piece in pieces:
            if isinstance(piece, ChatAnswer):
                yield ServerSentEvent(data=piece.model_dump_json(), event="answer")
            else:
                yield ServerSentEvent(
                    data=json.dumps({"text": piece}, ensure_ascii=False), event="token"
                )
    except JourneymapError as exc:  # headers are sent: the failure travels as an event
        status, code = status_of(exc)
        body = {**error_body(code, str(exc)), "status": status}
        yield ServerSentEvent(data=json.dumps(body, ensure_ascii=False), event="error")
    yield ServerSentEvent(data="{}", event="done")


@router.post(
    "/chat",
    response_model=ChatAnswer,
    summary="Ask the study a question",
    responses={200: {"content": {"text/event-stream": {}}}},
)
def ask_study(
    study: StudyDep,
    body: Question,
    accept: Annotated[str | None, Header()] = None,
) -> ChatAnswer | EventSourceResponse:
    """The answer rests only on the study's quotes. With `Accept: text/event-stream` it is
    streamed: `token` events with text as it is written, then one `answer` event with the
    whole object (citation markers checked, counts from the map), then `done`; a failure
    midway (e.g. the LLM) arrives as an `error` event before `done`."""
    if accept and "text/event-stream" in accept:
        return EventSourceResponse(_events(study.stream(body.question, body.conversation_id)))
    return study.ask(body.question, body.conversation_id)
