"""LLM cost of a map of the bundled sample study: ours against the obvious baseline.

Ours: `build_map` with the LLM (numbered participant sentences batched into chunks, the
question as one line of context, a compact reply schema, neutral sentences left out; naming
and recommendation requests included), on an empty cache.
Baseline: one structured extraction call per RecursiveCharacterTextSplitter chunk
(1000/200) of every source's full text, with the journey schema's full Observation model
(Evidence included) as the output schema; no cache, no batching of short turns (a review is
its own request).
Both run in one process against the same server: by default the real local llama.cpp server
with SmolLM2-135M (`make llm-server`); `--base-url/--model` point both at another server
(the key comes from JOURNEYMAP_LLM_API_KEY). Target: ours <= 0.6x the baseline's tokens.

    .venv/bin/python -m bench.llm_cost [--max-tokens 512]
"""

import argparse
import time
from contextlib import nullcontext
from pathlib import Path

from langchain_core.messages import HumanMessage, SystemMessage
from langchain_text_splitters import RecursiveCharacterTextSplitter
from pydantic import BaseModel

from assistant.llm import chat_model
from assistant.mapping import build_map
from assistant.settings import get_settings
from bench._eval import embedder, ingest, workspace
from ingest.pipeline import IngestOptions, find_files
from journey.schema import Observation
from tests.support import local_llm

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "freshbox"
TARGET = 0.6
BASELINE_PROMPT = (
    "You are a user-research analyst. Extract every customer-journey observation (pain "
    "point, delight, need, action) from the transcript excerpt below, with a verbatim quote "
    "and its evidence, into the schema."
)


class BaselineExtraction(BaseModel):
    """Observations extracted from one chunk, in the journey schema's full model."""

    observations: list[Observation]


def _per_k(value: int, words: int) -> float:
    return 1000 * value / words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="an OpenAI-compatible server (default: local)")
    parser.add_argument("--model", default=local_llm.MODEL_ALIAS)
    parser.add_argument("--max-tokens", type=int, default=512)
    args = parser.parse_args()
    model = embedder()
    server = nullcontext(args.base_url) if args.base_url else local_llm.serve()
    with server as base_url:
        llm_settings = {
            "llm_provider": "openai-compatible",
            "llm_base_url": base_url,
            "llm_model": args.model,
            "llm_api_key": get_settings().llm_api_key,
            "llm_max_tokens": args.max_tokens,
            "llm_max_concurrency": 1,
        }
        with workspace(model, **llm_settings) as ws:
            files, _ = find_files([SAMPLES / "interviews", SAMPLES / "reviews"])
            ingest(ws, "bench", files, IngestOptions())
            stored = ws.catalog.sources("bench")
            words = sum(len(s.original.split()) for s in stored)
            start = time.perf_counter()
            ours_map = build_map(ws, "bench")
            ours_seconds = time.perf_counter() - start
            ours = ours_map.stats.llm
            assert ours is not None
            rebuilt = build_map(ws, "bench").stats.llm
            assert rebuilt is not None

            splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
            chunks = [c for s in stored for c in splitter.split_text(s.original)]
            baseline_model = chat_model(ws.settings).with_structured_output(
                BaselineExtraction, method="function_calling", include_raw=True
            )
            calls = prompt_tokens = completion_tokens = failed = 0
            start = time.perf_counter()
            for i, chunk in enumerate(chunks, 1):
                print(f"\rbaseline request {i}/{len(chunks)}", end="", flush=True)
                result = baseline_model.invoke(
                    [SystemMessage(BASELINE_PROMPT), HumanMessage(chunk)]
                )
                assert isinstance(result, dict)
                calls += 1
                usage = result["raw"].usage_metadata or {}
                prompt_tokens += usage.get("input_tokens", 0)
                completion_tokens += usage.get("output_tokens", 0)
                failed += result["parsed"] is None
            baseline_seconds = time.perf_counter() - start
            print()

    print(f"sample study: {len(stored)} sources, {words} words; server {base_url} ({args.model})")
    header = f"{'':34}{'calls':>7}{'prompt':>9}{'compl.':>9}{'total':>9}   per 1,000 words"
    print(header)
    rows = [
        ("ours (extract + name + recommend)", ours.calls, ours.prompt_tokens,
         ours.completion_tokens),
        ("baseline (splitter 1000/200)", calls, prompt_tokens, completion_tokens),
    ]  # fmt: skip
    for label, c, p, q in rows:
        print(
            f"{label:34}{c:>7}{p:>9}{q:>9}{p + q:>9}   "
            f"{_per_k(c, words):.2f} calls, {_per_k(p, words):.0f} + {_per_k(q, words):.0f} tokens"
        )
    ratio = (ours.prompt_tokens + ours.completion_tokens) / max(
        1, prompt_tokens + completion_tokens
    )
    prompt_ratio = ours.prompt_tokens / max(1, prompt_tokens)
    print(
        f"ours / baseline tokens: {ratio:.2f} (prompt only {prompt_ratio:.2f}); target <= {TARGET}"
    )
    print(
        f"ours: {ours.failed_requests} failed requests, {ours_seconds:.0f} s; "
        f"baseline: {failed} replies without a valid structure, {baseline_seconds:.0f} s"
    )
    print(f"rebuild with nothing new: {rebuilt.calls} calls, {rebuilt.cached_calls} from the cache")


if __name__ == "__main__":
    main()
