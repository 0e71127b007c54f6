"""The LLM path with the host's model (mcp-sampling), through a sampler made of a function: the
same prompts, schema in the prompt, re-ask, cache and errors as the OpenAI-compatible path."""

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import prompts
from assistant.llm import LLM, LLMOutputError
from assistant.llm_pipeline import Coding
from assistant.mapping import build_map
from assistant.sampling import Role, Sampled, SamplingError, sampling_with
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport
from journey.errors import ConfigError

CODED = {
    "observations": [
        {"s": 1, "quote": "The form was quick", "kind": "delight", "stage": "Onboarding"}
    ]
}


def fields(sentence: str = "The form was quick.") -> dict[str, str]:
    return {"stages": "Onboarding", "context": "", "sentences": f"[1] {sentence}"}


@dataclass
class Request:
    system: str
    turns: list[tuple[Role, str]]
    hint: str | None
    max_tokens: int


@dataclass
class FunctionSampler:
    """A host whose model is a function of the request's system prompt and turns."""

    reply: Callable[[str, Sequence[tuple[Role, str]]], str]
    host: str = "test-host"
    model: str = "host-model-1"
    requests: list[Request] = field(default_factory=list)

    def sample(
        self,
        system: str,
        turns: Sequence[tuple[Role, str]],
        max_tokens: int,
        temperature: float | None,
        model_hint: str | None,
        stop: Sequence[str] | None,
    ) -> Sampled:
        self.requests.append(Request(system, list(turns), model_hint, max_tokens))
        return Sampled(self.reply(system, turns), self.model)


@pytest.fixture
def workspace(tmp_path: Path, embedder: UsemEmbedder) -> Iterator[Workspace]:
    # No key anywhere: the host's model needs none.
    ws = open_workspace(Settings(home=tmp_path / "home", llm_provider="mcp-sampling"), embedder)
    yield ws
    ws.close()


def the_llm(workspace: Workspace) -> LLM:
    llm = workspace.llm()
    assert llm is not None
    return llm


def test_the_schema_goes_in_the_prompt_and_fenced_json_comes_back(workspace: Workspace):
    sampler = FunctionSampler(lambda system, turns: f"```json\n{json.dumps(CODED)}\n```")
    with sampling_with(sampler):
        outcome = the_llm(workspace).structured(prompts.load("extract"), Coding, fields())
    assert outcome.reply is not None
    assert outcome.reply.observations[0].quote == "The form was quick"
    request = sampler.requests[0]
    assert "JSON Schema" in request.system and '"title":"Coding"' in request.system
    assert request.turns[0][0] == "user" and "[1] The form was quick." in request.turns[0][1]
    assert request.hint is None  # the default model name is OpenAI's: no hint to a host
    assert request.max_tokens == 2048
    assert outcome.usage.calls == 1 and outcome.usage.prompt_tokens == 0  # hosts report none


def test_a_reply_that_is_not_json_is_re_asked_once_then_fails_with_the_raw_reply(
    workspace: Workspace,
):
    replies = iter(["Sure, here it is!", json.dumps(CODED)])
    sampler = FunctionSampler(lambda system, turns: next(replies))
    with sampling_with(sampler):
        outcome = the_llm(workspace).structured(prompts.load("extract"), Coding, fields())
    assert outcome.reply is not None and len(sampler.requests) == 2
    reask = sampler.requests[1].turns
    assert len(reask) == 1  # one user turn: the request and the re-ask joined, as hosts expect
    assert "Sure, here it is!" in reask[0][1] and "did not match the schema" in reask[0][1]

    stubborn = FunctionSampler(lambda system, turns: '{"observations": "none"}')
    with sampling_with(stubborn):
        failed = the_llm(workspace).structured(prompts.load("extract"), Coding, fields("Other."))
    assert isinstance(failed.error, LLMOutputError) and len(stubborn.requests) == 2
    assert failed.error.raw == '{"observations": "none"}'


def test_replies_are_cached_per_host_and_requests_from_worker_threads_reach_it(
    workspace: Workspace,
):
    llm = the_llm(workspace)
    requests = [fields(f"Sentence {n}.") for n in range(6)]  # more than one worker's worth
    first = FunctionSampler(lambda system, turns: json.dumps(CODED))
    with sampling_with(first):
        outcomes = llm.structured_many(prompts.load("extract"), Coding, requests)
        again = llm.structured_many(prompts.load("extract"), Coding, requests)
    assert all(o.reply is not None for o in outcomes) and len(first.requests) == 6
    assert all(o.usage.cached == 1 for o in again) and len(first.requests) == 6
    other = FunctionSampler(lambda system, turns: json.dumps(CODED), host="other-host")
    with sampling_with(other):
        llm.structured_many(prompts.load("extract"), Coding, requests[:1])
    assert len(other.requests) == 1  # another host's model is asked afresh


def test_a_request_the_host_declines_fails_alone(workspace: Workspace):
    def reply(system: str, turns: Sequence[tuple[Role, str]]) -> str:
        if "Declined" in turns[0][1]:
            raise SamplingError("the host's model did not answer: User rejected the request")
        return json.dumps(CODED)

    with sampling_with(FunctionSampler(reply)):
        ok, declined = the_llm(workspace).structured_many(
            prompts.load("extract"), Coding, [fields(), fields("Declined.")]
        )
    assert ok.reply is not None
    assert isinstance(declined.error, SamplingError) and "rejected" in str(declined.error)


def test_a_model_name_the_user_chose_is_a_hint_to_the_host(tmp_path: Path, embedder):
    settings = Settings(home=tmp_path / "h", llm_provider="mcp-sampling", llm_model="claude-x")
    ws = open_workspace(settings, embedder)
    sampler = FunctionSampler(lambda system, turns: json.dumps(CODED))
    try:
        with sampling_with(sampler):
            the_llm(ws).structured(prompts.load("extract"), Coding, fields())
    finally:
        ws.close()
    assert sampler.requests[0].hint == "claude-x"


def test_without_a_host_the_map_fails_before_any_request_saying_what_to_do(
    workspace: Workspace, tmp_path: Path
):
    path = tmp_path / "dana.txt"
    path.write_text("Interviewer: How was it?\nDana: The identity check held me up.\n")
    workspace.ingestor("study", IngestOptions()).ingest([path], IngestReport())
    assert workspace.extractor_name() == "llm:mcp-sampling"  # a map's id: not the host's model
    with pytest.raises(ConfigError) as error:
        build_map(workspace, "study")  # the CLI or the HTTP API: no client, no host model
    assert "support sampling" in str(error.value) and "configure an LLM" in str(error.value)
