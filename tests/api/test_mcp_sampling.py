"""The host's model, no key: JOURNEYMAP_LLM_PROVIDER=mcp-sampling through the SDK's in-process
client, whose sampling callback answers as a model would. Only the model is fake: requests go
through the real MCP session, and replies through the same parsing, re-ask, grounding and
cache as the OpenAI-compatible path."""

import json
import re
from pathlib import Path
from typing import Any

import mcp_types as types
import pytest
from mcp import Client

from api.deps import AppState
from api.mcp_server import create_mcp
from assistant.settings import Settings
from assistant.workspace import open_workspace
from journey.grounding import normalize_ws
from journey.schema import ChatAnswer, Evidence, JourneyMap

INTERVIEW_A = """\
Interviewer: How did signing up go?
Dana: The form was quick, but the identity check held me up for an hour.
Dana: The app just said try again without telling me why.
Interviewer: And the card?
Dana: The tracking in the app was nice, I checked it every day.
"""
INTERVIEW_B = """\
Interviewer: Tell me about your first delivery.
Sam: The courier came two hours late and the box was soaking wet.
Sam: I love that the recipes are short and clear.
Sam: We mostly cook on Sundays.
"""
NEGATIVE = re.compile(r"held me up|without telling|late|wet", re.I)
POSITIVE = re.compile(r"nice|love", re.I)
INVENTED = "This is the worst bank I have ever used."
SCHEMA = "Reply with one JSON object matching this JSON Schema:\n"
HOST_MODEL = "host-model-7"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _state(tmp_path: Path, embedder: Any, provider: str) -> AppState:
    settings = Settings(home=tmp_path / "home", llm_provider=provider)
    return AppState(settings=settings, workspace=open_workspace(settings, embedder))


@pytest.fixture
def state(tmp_path: Path, embedder):
    state = _state(tmp_path, embedder, "mcp-sampling")
    yield state
    state.workspace.close()


class Host:
    """A chat assistant's host whose model codes sentences, names themes, recommends and
    answers. Its first extraction reply is not JSON (to be re-asked), and it codes a sentence
    that carries nothing with a quote that is in no source (for grounding to drop)."""

    def __init__(self) -> None:
        self.requests: list[types.CreateMessageRequestParams] = []

    def schema(self, params: types.CreateMessageRequestParams) -> dict[str, Any] | None:
        system = params.system_prompt or ""
        return json.loads(system.split(SCHEMA, 1)[1]) if SCHEMA in system else None

    def text(self, params: types.CreateMessageRequestParams) -> str:
        return "\n".join(
            m.content.text for m in params.messages if isinstance(m.content, types.TextContent)
        )

    def titles(self) -> list[str]:
        return [s["title"] for p in self.requests if (s := self.schema(p)) is not None]

    async def __call__(
        self, context: Any, params: types.CreateMessageRequestParams
    ) -> types.CreateMessageResult:
        self.requests.append(params)
        return types.CreateMessageResult(
            role="assistant",
            content=types.TextContent(type="text", text=self.reply(params)),
            model=HOST_MODEL,
        )

    def reply(self, params: types.CreateMessageRequestParams) -> str:
        schema, text = self.schema(params), self.text(params)
        if schema is None:  # the chat prompt: free text citing the quotes by number
            return "The identity check held people up for an hour [1]."
        if schema["title"] == "Coding":
            if self.titles().count("Coding") == 1:
                return "Sure! Here are the observations: [s=2, pain_point]"
            return "```json\n" + json.dumps({"observations": self.coding(text)}) + "\n```"
        ids = re.findall(r"^((?:pp|dl)-[\w-]+)", text, re.M)
        if schema["title"] == "ThemeNames":
            names = [
                {"id": i, "title": f"Host named {i}", "description": "From quotes."} for i in ids
            ]
            return json.dumps({"themes": names})
        if schema["title"] == "Suggestions":
            fix = {"title": "Explain the identity check", "rationale": "People retried blindly."}
            return json.dumps({"recommendations": [{**fix, "addresses": ids[:1], "effort": 1}]})
        # Any other schema (a codebook): nothing, so themes are grouped by meaning.
        return json.dumps({name: [] for name in schema.get("required", [])})

    def coding(self, text: str) -> list[dict[str, Any]]:
        coded: list[dict[str, Any]] = []
        invented = {"quote": INVENTED, "kind": "pain_point", "stage": "Onboarding", "valence": -2}
        for n, sentence in re.findall(r"^\[(\d+)\] (.*)$", text, re.M):
            kind = (
                "pain_point"
                if NEGATIVE.search(sentence)
                else "delight"
                if POSITIVE.search(sentence)
                else None
            )
            if kind is None and invented:
                coded.append({"s": int(n), **invented, "severity": 5})
                invented = {}
            elif kind:
                coded.append(
                    {
                        "s": int(n),
                        "quote": sentence,
                        "kind": kind,
                        "stage": "Onboarding",
                        "touchpoint": "mobile app",
                        "channel": "digital",
                        "emotion": "frustrated" if kind == "pain_point" else "pleased",
                        "valence": -2 if kind == "pain_point" else 2,
                        "severity": 4,
                    }
                )
        return coded


async def _ingest(client: Client) -> None:
    for name, text in {"dana.txt": INTERVIEW_A, "sam.txt": INTERVIEW_B}.items():
        result = await client.call_tool(
            "ingest_source", {"project": "study", "content": text, "filename": name}
        )
        assert not result.is_error, result.content


def _map(read: Any) -> JourneyMap:
    return JourneyMap.model_validate_json(read.contents[0].text)


def _verbatim(state: AppState, e: Evidence) -> bool:
    """The quote is the participant's (redacted) words at its offsets in its source."""
    stored = {s.source.id: s for s in state.workspace.catalog.sources("study")}
    original = stored[e.source_id].original[e.char_start : e.char_end]
    redacted = state.workspace.redactor("study").redact(original)[0]
    return normalize_ws(redacted) == normalize_ws(e.quote)


@pytest.mark.anyio
async def test_a_map_is_built_with_the_hosts_model_every_quote_grounded_and_cached(state):
    host = Host()
    async with Client(create_mcp(state), sampling_callback=host, mode="legacy") as client:
        await _ingest(client)
        built = await client.call_tool("build_journey_map", {"project": "study"})
        assert not built.is_error, built.content
        asked = len(host.requests)
        again = await client.call_tool("build_journey_map", {"project": "study"})
        assert not again.is_error, again.content
        read = await client.read_resource("journeymap://projects/study/map")

    # Extraction was re-asked once after the reply that was not JSON, then named, recommended.
    assert host.titles()[:2] == ["Coding", "Coding"]
    assert "did not match the schema" in host.text(host.requests[1])
    assert {"ThemeNames", "Suggestions"} <= set(host.titles())
    assert "[1] The form was quick" in host.text(host.requests[0])
    assert "Dana" not in host.text(host.requests[0])  # names redacted before they leave
    assert host.requests[0].max_tokens == 2048 and host.requests[0].temperature == 0
    # The rebuild asked the host nothing: every reply came from the cache.
    assert len(host.requests) == asked

    journey_map = _map(read)
    assert journey_map.generator.mode == "llm"
    assert journey_map.generator.model == f"mcp-sampling:{HOST_MODEL}"
    assert journey_map.stats.llm is not None
    assert journey_map.stats.llm.cached_calls == asked - 1  # every request but the re-ask
    pains = [p for st in journey_map.stages for p in st.pain_points]
    assert pains and all(p.title.startswith("Host named ") for p in pains)
    assert journey_map.recommendations[0].title == "Explain the identity check"
    # The invented quote was dropped by grounding; every quote left is verbatim in its source.
    assert journey_map.stats.quotes_rejected == 1
    quotes = list(journey_map.evidence())
    assert quotes and all(INVENTED not in e.quote for e in quotes)
    assert all(_verbatim(state, e) for e in quotes)


@pytest.mark.anyio
async def test_ask_is_answered_by_the_hosts_model_citing_a_grounded_quote(state):
    host = Host()
    async with Client(create_mcp(state), sampling_callback=host, mode="legacy") as client:
        await _ingest(client)
        result = await client.call_tool(
            "ask", {"project": "study", "question": "What went wrong with the identity check?"}
        )
    assert not result.is_error, result.content
    answer = ChatAnswer.model_validate(result.structured_content)
    assert answer.answer == "The identity check held people up for an hour [1]."
    assert answer.mode == "llm" and not answer.abstained
    assert len(answer.citations) == 1 and _verbatim(state, answer.citations[0])
    # ask built the map through the host first; the last request was the chat prompt.
    assert "Coding" in host.titles() and host.schema(host.requests[-1]) is None


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_a_client_that_cannot_sample_gets_an_error_saying_what_to_do(state, mode):
    # "auto" speaks the 2026-07-28 draft, where a tool cannot send requests mid-call.
    callback = Host() if mode == "auto" else None
    async with Client(create_mcp(state), sampling_callback=callback, mode=mode) as client:
        await _ingest(client)
        for tool, arguments in [
            ("build_journey_map", {"project": "study"}),
            ("ask", {"project": "study", "question": "What went wrong with the identity check?"}),
        ]:
            result = await client.call_tool(tool, arguments)
            assert result.is_error, tool
            message = result.content[0].text
            assert "JOURNEYMAP_LLM_PROVIDER=mcp-sampling" in message
            assert "configure an LLM" in message and "Traceback" not in message
            if mode == "auto":  # it can sample, only not mid-call: said so (an MCP trial)
                assert 'mode="legacy"' in message and "2025-11-25" in message, message
            else:
                assert "support sampling" in message


@pytest.mark.anyio
async def test_the_hosts_model_is_used_only_when_chosen(tmp_path: Path, embedder):
    state = _state(tmp_path, embedder, "local")
    host = Host()
    try:
        async with Client(create_mcp(state), sampling_callback=host, mode="legacy") as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            await _ingest(client)
            built = await client.call_tool("build_journey_map", {"project": "study"})
            read = await client.read_resource("journeymap://projects/study/map")
    finally:
        state.workspace.close()
    # The call's context is the SDK's to give: no tool asks the assistant for it.
    for name in ("build_journey_map", "ask", "edit_map"):
        assert "ctx" not in tools[name].input_schema["properties"], name
    assert not built.is_error
    assert _map(read).generator.mode == "local"
    assert host.requests == []
