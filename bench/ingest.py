"""Ingest speed on the SERDIF development transcripts (../shared/eval_data), with two ratios.

(a) our ingest time / the time to only embed the same chunk texts      (target <= 1.25)
(b) our ingest time / the obvious LangChain baseline: RecursiveCharacterTextSplitter(1000, 200)
    + langchain_chroma.Chroma.from_documents with the same embedding model  (target <= 1.0)
All three are measured in this one run, each the best of --repeat runs on a fresh store.

    .venv/bin/python -m bench.ingest [--data DIR] [--repeat 2]
"""

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

from langchain_chroma import Chroma
from langchain_core.documents import Document as LCDocument
from langchain_text_splitters import RecursiveCharacterTextSplitter

from assistant.settings import Settings
from assistant.workspace import open_workspace
from bench._eval import LangChainEmbeddings
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport, find_files
from ingest.sentences import sentence_spans

DEFAULT_DATA = (
    Path(__file__).resolve().parents[2] / "shared/eval_data/serdif_usability_interviews/transcripts"
)


def _ours(files: list[Path], embedder: UsemEmbedder) -> tuple[float, IngestReport]:
    with tempfile.TemporaryDirectory() as home:
        workspace = open_workspace(Settings(home=Path(home)), embedder)
        start = time.perf_counter()
        report = workspace.ingestor("bench", IngestOptions()).ingest(files, IngestReport())
        elapsed = time.perf_counter() - start
        workspace.close()
    return elapsed, report


def _embed_only(texts: list[str], embedder: UsemEmbedder) -> float:
    start = time.perf_counter()
    embedder.embed(texts)
    return time.perf_counter() - start


def _baseline(files: list[Path], embedder: UsemEmbedder) -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as home:
        start = time.perf_counter()
        docs = [
            LCDocument(page_content=f.read_text(encoding="utf-8"), metadata={"path": str(f)})
            for f in files
        ]
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.split_documents(docs)
        Chroma.from_documents(
            chunks,
            LangChainEmbeddings(embedder),
            persist_directory=home,
            collection_name="baseline",
        )
        return time.perf_counter() - start, len(chunks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    files, _ = find_files([args.data])
    if not files:
        sys.exit(f"no transcripts in {args.data}; pass --data")
    embedder = UsemEmbedder(threads=2)
    embedder.embed(["warm up the model"])  # weights load once, outside every timing

    ours = [_ours(files, embedder) for _ in range(args.repeat)]
    ours_time = min(t for t, _ in ours)
    report = ours[0][1]
    texts = []
    for source in report.added:
        texts.extend(t.text for t in source.turns)
    sentences = sum(len(sentence_spans(t)) for t in texts)
    chunk_texts = []
    with tempfile.TemporaryDirectory() as home:  # the exact chunk texts our ingest embedded
        workspace = open_workspace(Settings(home=Path(home)), embedder)
        workspace.ingestor("bench", IngestOptions()).ingest(files, IngestReport())
        got = workspace.store.query("bench", "x", n=workspace.store.count("bench"))
        chunk_texts = [h.text for h in got]
        workspace.close()
    embed_time = min(_embed_only(chunk_texts, embedder) for _ in range(args.repeat))
    baseline = [_baseline(files, embedder) for _ in range(args.repeat)]
    baseline_time = min(t for t, _ in baseline)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    words = sum(len(f.read_text(encoding="utf-8").split()) for f in files)
    print(
        f"corpus: {len(files)} transcripts, {words} words, {sentences} sentences, "
        f"{report.chunks} chunks (baseline: {baseline[0][1]} chunks)"
    )
    print(f"our ingest:      {ours_time:6.2f} s  ({sentences / ours_time:.0f} sentences/s)")
    print(f"embed only:      {embed_time:6.2f} s")
    print(f"langchain:       {baseline_time:6.2f} s")
    print(f"peak RSS:        {peak_mb:6.0f} MB")
    print(f"(a) ingest / embed-only = {ours_time / embed_time:.2f}  (target <= 1.25)")
    print(f"(b) ingest / langchain  = {ours_time / baseline_time:.2f}  (target <= 1.0)")


if __name__ == "__main__":
    main()
