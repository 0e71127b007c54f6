"""End to end against a real local OpenAI-compatible server (llama.cpp + SmolLM2-135M).

The model is tiny, so this checks the path, not extraction quality: requests over real HTTP,
replies parsed, every quote in the map grounded, the map valid against the published JSON
Schema, and tokens accounted from the server's usage fields.
"""

import json
from pathlib import Path

import jsonschema

from assistant.llm_pipeline import LLMRun, name_themes, recommend_llm
from assistant.local_extractor import LocalExtractor
from assistant.mapping import build_map
from assistant.settings import Settings
from assistant.workspace import open_workspace
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport
from ingest.redact import Redactor
from journey.grounding import normalize_ws

ROOT = Path(__file__).parents[2]
TRANSCRIPTS = {
    "ana.txt": (
        "Interviewer: How was your first order?\n"
        "Ana: The checkout page crashed twice and I had to type my card number again.\n"
        "Ana: Delivery was fast though, the driver was friendly.\n"
    ),
    "ben.txt": (
        "Interviewer: What happened when you needed help?\n"
        "Ben: I waited forty minutes on the support chat before anyone answered.\n"
        "Ben: The refund itself was quick once a person looked at it.\n"
    ),
}


def test_a_map_from_a_real_local_llm_server(
    llm_server: str, tmp_path: Path, embedder: UsemEmbedder
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
    paths = []
    for name, text in TRANSCRIPTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    workspace.ingestor("study", IngestOptions()).ingest(paths, IngestReport())

    m = build_map(workspace, "study")

    schema = json.loads((ROOT / "journey-map.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(m.model_dump_json()), schema)
    assert m.generator.mode == "llm" and m.generator.model == "openai-compatible:smollm2"
    # Grounding: whatever the model said, only verbatim participant text is in the map.
    stored = {s.source.id: s for s in workspace.catalog.sources("study")}
    redactor = Redactor(workspace.catalog.aliases("study"))
    for e in m.evidence():
        original = stored[e.source_id].original[e.char_start : e.char_end]
        assert normalize_ws(redactor.redact(original)[0]) == normalize_ws(e.quote)
    # Token accounting from the server's usage fields.
    llm = m.stats.llm
    assert llm is not None and llm.calls >= 1 and llm.cached_calls == 0
    assert llm.prompt_tokens > 100 * llm.calls // 2 and llm.completion_tokens > 0
    cached = workspace.catalog.cache_totals()
    if llm.failed_requests == 0:
        assert llm.prompt_tokens == cached[1] and llm.completion_tokens == cached[2]
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
