"""The host's model through MCP sampling: a LangChain chat model with no key and no server of
ours, whose transport is the sampler the current tool call bound.

When journeymap runs as an MCP server and its client (the chat assistant's host) supports
sampling, the MCP face binds a `Sampler` for the length of one tool call (`sampling_with`).
`SamplingChatModel` sends each request through whatever sampler is bound where it runs, so
one `LLM` serves every session with the same prompts, re-ask, grounding and cache as the
OpenAI-compatible path. Nothing here knows MCP: the face supplies the transport.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, Literal, Protocol

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage
from langchain_core.output_parsers import JsonOutputParser
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable, RunnableMap, RunnablePassthrough

from assistant.llm_types import LLMError
from journey.errors import ConfigError

Role = Literal["user", "assistant"]

NO_HOST = (
    "JOURNEYMAP_LLM_PROVIDER=mcp-sampling uses the model of the MCP client that calls "
    "journeymap, and none is offered here: the client must support sampling (MCP 2025-11-25 "
    "sampling/createMessage; the CLI and the HTTP API have no host model). Use such a client, "
    "or configure an LLM (JOURNEYMAP_LLM_PROVIDER=openai, azure or openai-compatible), or set "
    "JOURNEYMAP_LLM_PROVIDER=local for the embedded default"
)


class SamplingError(LLMError):
    """The host declined or failed one sampling request (that request fails alone)."""


@dataclass(frozen=True)
class Sampled:
    """The host model's reply: its text, and the model the host says wrote it."""

    text: str
    model: str


class Sampler(Protocol):
    """One client's model, reachable for the length of a tool call."""

    host: str
    """The client application's name (the reply cache is kept per host)."""

    def sample(
        self,
        system: str,
        turns: Sequence[tuple[Role, str]],
        max_tokens: int,
        temperature: float | None,
        model_hint: str | None,
        stop: Sequence[str] | None,
    ) -> Sampled:
        """The host model's reply to a conversation; raises SamplingError if it fails."""
        ...


_bound: ContextVar[Sampler | None] = ContextVar("journeymap_sampler", default=None)


@contextmanager
def sampling_with(sampler: Sampler) -> Iterator[None]:
    """Send the host-model requests made inside this block (and in threads started with a
    copy of its context) through `sampler`."""
    token = _bound.set(sampler)
    try:
        yield
    finally:
        _bound.reset(token)


def current_sampler() -> Sampler:
    """The sampler bound where this runs; ConfigError, saying what to do, if there is none."""
    sampler = _bound.get()
    if sampler is None:
        raise ConfigError(NO_HOST)
    return sampler


def _turns(messages: Sequence[BaseMessage]) -> tuple[str, list[tuple[Role, str]]]:
    """LangChain messages as a system prompt and alternating turns: sampling carries the
    system prompt apart, and consecutive user messages (a re-ask) are joined into one."""
    system: list[str] = []
    turns: list[tuple[Role, str]] = []
    for message in messages:
        if isinstance(message, SystemMessage):
            system.append(message.text)
            continue
        role: Role = "assistant" if isinstance(message, AIMessage) else "user"
        if turns and turns[-1][0] == role:
            turns[-1] = (role, turns[-1][1] + "\n\n" + message.text)
        else:
            turns.append((role, message.text))
    return "\n\n".join(system), turns


class SamplingChatModel(BaseChatModel):
    """A chat model whose replies are the MCP host's, through the bound sampler."""

    max_tokens: int = 2048
    temperature: float | None = None
    model_hint: str | None = None
    """A model name the host may prefer (MCP modelPreferences hint); the host decides."""

    @property
    def _llm_type(self) -> str:
        return "mcp-sampling"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        system, turns = _turns(messages)
        reply = current_sampler().sample(
            system, turns, self.max_tokens, self.temperature, self.model_hint, stop
        )
        message = AIMessage(reply.text, response_metadata={"model_name": reply.model})
        return ChatResult(generations=[ChatGeneration(message=message)])

    def with_structured_output(
        self,
        schema: dict[str, Any] | type,
        *,
        include_raw: bool = False,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, Any]:
        """JSON parsed from the reply's text (a host's model has no tools or response formats:
        the caller puts the schema in the prompt, as for `json_mode`); with include_raw, the
        {raw, parsed, parsing_error} that LangChain's own models return."""
        if kwargs.get("method", "json_mode") != "json_mode":
            raise ValueError("a host's model answers in text: only method='json_mode' works")
        parser = JsonOutputParser()  # also reads JSON inside a ```json fence
        if not include_raw:
            return self | parser
        parsed = RunnablePassthrough.assign(
            parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
        )
        unparsed = RunnablePassthrough.assign(parsed=lambda _: None)
        return RunnableMap(raw=self) | parsed.with_fallbacks(
            [unparsed], exception_key="parsing_error"
        )
