"""The LLM client: the only module that imports langchain_openai (and openai).

One `LLM` per workspace: structured calls against a pydantic schema with one re-ask on a
malformed reply, replies cached in the workspace by (model, prompt version, request hash),
bounded concurrency, a client-side rate limit, retries with backoff (the OpenAI client's, on
429/5xx/timeouts), and token accounting from the provider's usage fields. Nothing here counts
tokens itself, so tiktoken is never asked for its (downloaded) encodings.

With `mcp-sampling` the model is the MCP host's (assistant/sampling.py): the same prompts,
re-ask and cache, the schema in the prompt (json_mode), replies cached per host application.
"""

import contextvars
import hashlib
import json
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from typing import Any, TypeVar

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage
from langchain_core.rate_limiters import InMemoryRateLimiter
from langchain_openai import AzureChatOpenAI, ChatOpenAI
from pydantic import BaseModel, ValidationError

from assistant.llm_types import LLMError, LLMOutputError, LLMRefusal, Outcome, Usage
from assistant.repository import Repository
from assistant.sampling import SamplingChatModel, current_sampler
from assistant.settings import Settings
from prompts import Prompt, fence

__all__ = ["LLM", "LLMError", "LLMOutputError", "LLMRefusal", "Outcome", "Usage", "chat_model"]

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)


def chat_model(settings: Settings, http_client: httpx.Client | None = None) -> BaseChatModel:
    """The LangChain chat model the settings describe (the key is checked here)."""
    if settings.llm_provider == "mcp-sampling":
        return SamplingChatModel(
            max_tokens=settings.llm_max_tokens,
            temperature=settings.llm_temperature,
            # The default model name is OpenAI's: only a name the user chose is a useful hint.
            model_hint=settings.llm_model if "llm_model" in settings.model_fields_set else None,
        )
    key = settings.llm_key()
    limiter = (
        InMemoryRateLimiter(requests_per_second=settings.llm_requests_per_minute / 60)
        if settings.llm_requests_per_minute
        else None
    )
    common: dict[str, Any] = {
        "api_key": key,
        "temperature": settings.llm_temperature,
        "timeout": settings.llm_timeout,
        "max_retries": settings.llm_max_retries,
        "rate_limiter": limiter,
        "http_client": http_client,
    }
    if settings.llm_provider == "azure":
        return AzureChatOpenAI(
            azure_endpoint=settings.llm_azure_endpoint,
            azure_deployment=settings.llm_model,
            api_version=settings.llm_api_version,
            max_completion_tokens=settings.llm_max_tokens,
            **common,
        )
    if settings.llm_base_url:
        # Local servers (llama.cpp, Ollama, vLLM) read `max_tokens`, not OpenAI's newer name.
        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            organization=None,
            extra_body={"max_tokens": settings.llm_max_tokens},
            stream_usage=True,
            **common,
        )
    return ChatOpenAI(
        model=settings.llm_model,
        max_completion_tokens=settings.llm_max_tokens,
        stream_usage=True,
        **common,
    )


def _render(prompt: Prompt, fields: dict[str, str]) -> tuple[str, str]:
    """The system and user messages of a prompt filled in. Every value is fenced here, whatever
    its caller did: none can close the prompt's <data> block, so none escapes it."""
    safe = {name: fence(value) for name, value in fields.items()}
    return prompt.system.safe_substitute(safe), prompt.user.substitute(safe)


def _raw_text(message: BaseMessage | None) -> str | None:
    """What the model said: its tool call's arguments (even malformed ones), or its text."""
    if not isinstance(message, AIMessage):
        return None
    if message.invalid_tool_calls:
        return message.invalid_tool_calls[0].get("args") or ""
    if message.tool_calls:
        return json.dumps(message.tool_calls[0]["args"], ensure_ascii=False)
    return message.text or None


def _problem(message: BaseMessage | None, error: object) -> str:
    if error is not None:
        return str(error)
    if isinstance(message, AIMessage) and message.invalid_tool_calls:
        return (
            message.invalid_tool_calls[0].get("error") or "the tool call's arguments are not JSON"
        )
    return "no structured reply"


def _usage(message: BaseMessage | None) -> Usage:
    if not isinstance(message, AIMessage):
        return Usage(calls=1)
    meta = message.usage_metadata
    if meta:
        return Usage(1, 0, meta["input_tokens"], meta["output_tokens"])
    token_usage = message.response_metadata.get("token_usage") or {}
    return Usage(
        1, 0, int(token_usage.get("prompt_tokens", 0)), int(token_usage.get("completion_tokens", 0))
    )


def _refusal(message: BaseMessage | None, error: object) -> str | None:
    if isinstance(message, AIMessage) and message.additional_kwargs.get("refusal"):
        return str(message.additional_kwargs["refusal"])
    if error is not None and "refus" in type(error).__name__.lower():
        return str(error)
    return None


def _transport_error(exc: openai.APIError) -> LLMError:
    if isinstance(exc, openai.AuthenticationError):
        return LLMError(
            "the LLM server rejected the key: check JOURNEYMAP_LLM_API_KEY (status 401)"
        )
    if isinstance(exc, openai.NotFoundError):
        return LLMError(f"the LLM server does not know this model or path: {exc.message}")
    if isinstance(exc, openai.APITimeoutError):
        return LLMError("the LLM request timed out after retries (raise JOURNEYMAP_LLM_TIMEOUT)")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(f"cannot reach the LLM server: {exc.message} (is it running?)")
    status = getattr(exc, "status_code", None)
    return LLMError(f"the LLM request failed after retries (status {status}): {exc.message}")


class LLM:
    """Structured and streamed calls to the configured model, cached in the workspace."""

    def __init__(
        self,
        settings: Settings,
        repository: Repository,
        http_client: httpx.Client | None = None,
    ) -> None:
        self.settings = settings
        self.repository = repository
        self.model = chat_model(settings, http_client)
        self.sampling = settings.llm_provider == "mcp-sampling"
        # A host's model answers in text only: the schema goes in the prompt, JSON comes back.
        self.method = "json_mode" if self.sampling else settings.llm_structured_output
        self._answered: dict[str, str] = {}
        """Host -> the model it last said answered (sampling only)."""

    def describe(self) -> str:
        """`provider:model` as a map's id records it (`mcp-sampling` alone: see answered_by)."""
        return self.settings.llm_label()

    def answered_by(self) -> str:
        """The model as a map's generator records it: `provider:model`; with sampling
        `mcp-sampling:<the model the host last reported>` (the host's name when every reply
        came from the cache since journeymap started)."""
        if not self.sampling:
            return self.describe()
        host = current_sampler().host
        return f"{self.describe()}:{self._answered.get(host, host)}"

    def _identity(self) -> str:
        """Whose replies a cached one stands for: the configured model, or the host (which
        picks its model itself and names it only with each reply)."""
        if self.sampling:
            return f"{self.describe()}:{current_sampler().host}"
        return self.describe()

    def _noted(self, message: BaseMessage | None) -> None:
        model = message.response_metadata.get("model_name") if message is not None else None
        if self.sampling and model:
            self._answered[current_sampler().host] = str(model)

    def _key(self, prompt: Prompt, schema: type[BaseModel], messages: Sequence[str]) -> str:
        blob = json.dumps(
            [self._identity(), prompt.tag, self.method, schema.__name__, *messages],
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode()).hexdigest()

    def _messages(
        self, prompt: Prompt, schema: type[BaseModel], fields: dict[str, str]
    ) -> list[str]:
        system, user = _render(prompt, fields)
        if self.method == "json_mode":
            # json_mode constrains the reply to JSON only: the schema must be in the prompt.
            system += "\n\nReply with one JSON object matching this JSON Schema:\n" + json.dumps(
                schema.model_json_schema(), separators=(",", ":")
            )
        return [system, user]

    def _ask(self, schema: type[T], system: str, user: str) -> tuple[T, Usage]:
        """One structured request, re-asked once with the validation error if malformed."""
        runnable = self.model.with_structured_output(schema, method=self.method, include_raw=True)
        messages: list[BaseMessage] = [SystemMessage(system), HumanMessage(user)]
        usage = Usage()
        raw: str | None = None
        for attempt in (1, 2):
            try:
                result = runnable.invoke(messages)
            except openai.APIError as exc:
                raise _transport_error(exc) from exc
            assert isinstance(result, dict)  # include_raw=True: {raw, parsed, parsing_error}
            message = result.get("raw")
            self._noted(message)
            usage.add(_usage(message))
            raw = _raw_text(message)
            parsed, error = result.get("parsed"), result.get("parsing_error")
            if (refusal := _refusal(message, error)) is not None:
                raise LLMRefusal(f"the model refused: {refusal}", raw, usage)
            if isinstance(parsed, schema):
                return parsed, usage
            if parsed is not None:  # a dict, from json_mode
                try:
                    return schema.model_validate(parsed), usage
                except ValidationError as exc:
                    error = exc
            problem = _problem(message, error)
            log.info("malformed LLM reply (attempt %d): %s", attempt, problem[:300])
            if attempt == 1:
                messages = [
                    SystemMessage(system),
                    HumanMessage(user),
                    HumanMessage(
                        f"Your previous reply was:\n{(raw or '')[:2000]}\n\nIt did not match the "
                        f"schema: {problem[:1000]}\nReply again, with output that matches it."
                    ),
                ]
        raise LLMOutputError(
            f"the model's reply did not match the {schema.__name__} schema", raw, usage
        )

    def structured(self, prompt: Prompt, schema: type[T], fields: dict[str, str]) -> Outcome[T]:
        """One cached structured request (errors are returned, not raised)."""
        return self.structured_many(prompt, schema, [fields])[0]

    def structured_many(
        self,
        prompt: Prompt,
        schema: type[T],
        requests: Sequence[dict[str, str]],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Outcome[T]]:
        """Many structured requests: cached ones answered at once, the rest sent with at most
        `llm_max_concurrency` in flight. A failed request fails alone."""
        outcomes: list[Outcome[T] | None] = [None] * len(requests)
        todo: list[tuple[int, str, list[str]]] = []
        for i, fields in enumerate(requests):
            messages = self._messages(prompt, schema, fields)
            key = self._key(prompt, schema, messages)
            hit = self.repository.cached_reply(key, schema)
            if hit is not None:
                outcomes[i] = Outcome(hit, usage=Usage(cached=1))
            else:
                todo.append((i, key, messages))
        done = len(requests) - len(todo)
        if progress:
            progress(done, len(requests))
        if todo:
            workers = min(self.settings.llm_max_concurrency, len(todo))

            def ask(messages: list[str]) -> tuple[T, Usage]:
                return self._ask(schema, messages[0], messages[1])

            with ThreadPoolExecutor(max_workers=workers) as pool:
                # Each request runs in a copy of this context: the host sampler bound here.
                futures = {
                    pool.submit(contextvars.copy_context().run, ask, messages): (i, key)
                    for i, key, messages in todo
                }
                for future in as_completed(futures):
                    i, key = futures[future]
                    try:
                        reply, usage = future.result()
                    except LLMError as exc:
                        outcomes[i] = Outcome(None, exc, exc.usage or Usage(calls=1))
                    else:
                        # Written from this thread only: the repository's connection is shared.
                        self.repository.cache_reply(
                            key, reply, usage.prompt_tokens, usage.completion_tokens
                        )
                        outcomes[i] = Outcome(reply, usage=usage)
                    done += 1
                    if progress:
                        progress(done, len(requests))
        return [o for o in outcomes if o is not None]

    def stream(self, prompt: Prompt, fields: dict[str, str], usage: Usage) -> Iterator[str]:
        """The model's free-text reply, token by token; `usage` is filled in as it ends."""
        system, user = _render(prompt, fields)
        messages = [SystemMessage(system), HumanMessage(user)]
        usage.calls += 1
        try:
            for chunk in self.model.stream(messages):
                self._noted(chunk)
                if chunk.usage_metadata:
                    usage.prompt_tokens += chunk.usage_metadata["input_tokens"]
                    usage.completion_tokens += chunk.usage_metadata["output_tokens"]
                if chunk.text:
                    yield chunk.text
        except openai.APIError as exc:
            raise _transport_error(exc) from exc
