"""Recorded real responses of the local llama.cpp server (SmolLM2-135M), replayed with no server.

The request body is part of the match, so a changed prompt, schema or chunking no longer finds
its recording and the test fails (no network in replay) until the cassette is re-recorded:
`make record-llm` (starts the local server). Against OpenAI instead:
`JOURNEYMAP_TEST_LLM_URL=https://api.openai.com/v1 JOURNEYMAP_TEST_LLM_MODEL=gpt-4.1-mini
JOURNEYMAP_LLM_API_KEY=sk-... pytest tests/assistant/test_llm_replay.py --record-mode=rewrite`
(the Authorization header is filtered out of cassettes).
"""

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from assistant.mapping import build_map
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import UsemEmbedder
from journey.schema import JourneyMap

CASSETTE = Path(__file__).parent / "cassettes" / "test_llm_replay" / "test_replayed_map.yaml"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {
        "match_on": ["method", "path", "body"],
        "filter_headers": ["authorization", "api-key", "openai-organization", "cookie"],
        "decode_compressed_response": True,
    }


def _recorded() -> list[dict[str, Any]]:
    return [
        item
        for item in yaml.safe_load(CASSETTE.read_text(encoding="utf-8"))["interactions"]
        if item["request"]["uri"].endswith("/chat/completions")
    ]


def _recorded_model() -> str:
    """The model the cassette was recorded with (the request bodies name it)."""
    return str(json.loads(_recorded()[0]["request"]["body"])["model"])


def _recorded_usage() -> tuple[int, int, int]:
    interactions = _recorded()
    prompt = completion = 0
    for item in interactions:
        body = yaml.safe_load(item["response"]["body"]["string"])
        prompt += body["usage"]["prompt_tokens"]
        completion += body["usage"]["completion_tokens"]
    return len(interactions), prompt, completion


@pytest.mark.vcr
def test_replayed_map(
    request: pytest.FixtureRequest,
    record_mode: str,
    tmp_path: Path,
    embedder: UsemEmbedder,
    small_study: Callable[[Workspace], None],
    grounded: Callable[[Workspace, JourneyMap], None],
):
    if record_mode == "none":
        base_url, model = "http://127.0.0.1:9/v1", _recorded_model()  # nothing listens
    else:
        base_url = os.environ.get("JOURNEYMAP_TEST_LLM_URL") or request.getfixturevalue(
            "llm_server"
        )
        model = os.environ.get("JOURNEYMAP_TEST_LLM_MODEL", "smollm2")
    settings = Settings(
        home=tmp_path / "home",
        llm_provider="openai-compatible",
        llm_base_url=base_url,
        llm_model=model,
        llm_max_tokens=384,
        llm_max_concurrency=1,
        llm_max_retries=0,
    )
    workspace = open_workspace(settings, embedder)
    small_study(workspace)

    m = build_map(workspace, "study")

    assert m.generator.mode == "llm"
    grounded(workspace, m)
    assert m.stats.llm is not None and m.stats.llm.failed_requests == 0
    if record_mode == "none":
        calls, prompt, completion = _recorded_usage()
        assert (m.stats.llm.calls, m.stats.llm.prompt_tokens, m.stats.llm.completion_tokens) == (
            calls,
            prompt,
            completion,
        )
    workspace.close()
