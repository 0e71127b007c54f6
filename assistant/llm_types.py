"""What LLM work returns and costs, and how it fails: light types, importable without
langchain (the offline path never loads the LLM client)."""

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel

from journey.errors import JourneymapError

T = TypeVar("T", bound=BaseModel)


class LLMError(JourneymapError):
    """An LLM request failed for good (after retries, or after the re-ask)."""

    def __init__(self, message: str, raw: str | None = None, usage: "Usage | None" = None) -> None:
        super().__init__(message)
        self.raw = raw
        """The model's raw reply, when there was one."""
        self.usage = usage
        """What the failed attempts cost."""


class LLMOutputError(LLMError):
    """The reply did not match the schema, even after one re-ask with the validation error."""


class LLMRefusal(LLMError):
    """The model refused the request."""


@dataclass
class Usage:
    """What a piece of LLM work cost, from the provider's usage fields."""

    calls: int = 0
    """Requests sent (re-asks included)."""
    cached: int = 0
    """Requests answered from the workspace cache (nothing sent, nothing paid)."""
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def add(self, other: "Usage") -> None:
        """Add another piece of work's cost to this one."""
        self.calls += other.calls
        self.cached += other.cached
        self.prompt_tokens += other.prompt_tokens
        self.completion_tokens += other.completion_tokens


@dataclass
class Outcome(Generic[T]):
    """One request of a batch: its reply, or why it failed."""

    reply: T | None
    error: LLMError | None = None
    usage: Usage = field(default_factory=Usage)
