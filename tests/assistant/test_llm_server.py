"""End to end against a real local OpenAI-compatible server (llama.cpp + SmolLM2-135M).

The model is tiny, so this checks the path, not extraction quality: requests over real HTTP,
replies parsed, every quote in the map grounded, the map valid against the published JSON
Schema, and tokens accounted from the server's usage fields.
"""

import json
from collections.abc import Callable
from pathlib import Path

import jsonschema

from assistant.llm_pipeline import LLMRun, name_themes, recommend_llm
from assistant.local_extractor import LocalExtractor
from assistant.mapping import build_map
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import UsemEmbedder
from journey.schema import JourneyMap

ROOT = Path(__file__).parents[2]


def test_a_map_from_a_real_local_llm_server(
    llm_server: str,
    tmp_path: Path,
    embedder: UsemEmbedder,
    small_study: Callable[[Workspace], None],
    grounded: Callable[[Workspace, JourneyMap], None],
):
    settings = Settings(
        home=tmp_path / "home",
        llm_provider="openai-compatible",
        llm_base_url=llm_server,
        llm_model="smollm2",
        llm_max_tokens=384,
        llm_max_concurrency=1,
        llm_timeout=120,
    )
    workspace = open_workspace(settings, embedder)
    small_study(workspace)

    m = build_map(workspace, "study")

    schema = json.loads((ROOT / "journey-map.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(m.model_dump_json()), schema)
    assert m.generator.mode == "llm" and m.generator.model == "openai-compatible:smollm2"
    # Grounding: whatever the model said, only verbatim participant text is in the map.
    grounded(workspace, m)
    # Token accounting from the server's usage fields.
    llm = m.stats.llm
    assert llm is not None and llm.calls >= 1 and llm.cached_calls == 0
    assert llm.prompt_tokens > 100 * llm.calls // 2 and llm.completion_tokens > 0
    cached = workspace.repository.cache_totals()
    if llm.failed_requests == 0:
        assert (
            llm.prompt_tokens == cached.prompt_tokens
            and llm.completion_tokens == cached.completion_tokens
        )
    # A rebuild is answered from the cache: nothing sent, nothing paid.
    again = build_map(workspace, "study")
    assert again.stats.llm is not None and again.stats.llm.prompt_tokens == 0
    assert again.stats.llm.cached_calls == cached[0]

    # Naming and recommending over real HTTP, on the themes of the local extractor's map
    # (the tiny model's own quotes rarely survive grounding, so its map may have none).
    local = build_map(workspace, "study", extractor=LocalExtractor(embedder))
    llm = workspace.llm()
    assert llm is not None and [p for st in local.stages for p in st.pain_points]
    run = LLMRun()
    named = name_themes(llm, local.stages, run)
    ids = {f.id for st in named for f in (*st.pain_points, *st.delights)}
    assert ids == {f.id for st in local.stages for f in (*st.pain_points, *st.delights)}
    recommendations = recommend_llm(llm, named, run) or []
    for rec in recommendations:
        assert rec.addresses and set(rec.addresses) <= ids
        assert rec.evidence and all(e in list(local.evidence()) for e in rec.evidence)
    assert run.usage.calls >= 2 and run.usage.prompt_tokens > 0
    workspace.close()
