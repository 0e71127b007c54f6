"""Shared loading code for the quality and map benchmarks (eval data stays in ../shared)."""

import csv
import random
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from langchain_core.embeddings import Embeddings

from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport

EVAL_DATA = Path(__file__).resolve().parents[2] / "shared/eval_data"
SERDIF = EVAL_DATA / "serdif_usability_interviews"
TWEETS = EVAL_DATA / "twitter_us_airline_sentiment/Tweets.csv"

# The code split of SERDIF's SOURCE.md (the source's codes, our reading of their names).
POSITIVE_CODES = (
    "Query inputs and elements useful",
    "Export (meta)data useful",
    "Visualization useful",
    "Metadata content clear and useful",
    "Data table features useful",
    "Simple export",
    "Query process clear",
    "Search feature simple",
    "Home tab elements useful",
    "Overall positive experience",
)
PAIN_CODES = (
    "Moderator assist",
    "Task sequence complex",
    "Navigation complex",
    "Wording not clear",
    "Metadata content not useful or confusing",
    "Plot design complex",
    "Additional explanation",
    "Query process complex",
    "System issue",
    "Event concept and approach not clear",
    "Search information process complex",
)
SUGGESTION_CODES = ("Additional feature suggestion",)
ALL_CODES = POSITIVE_CODES + PAIN_CODES + SUGGESTION_CODES

# The 9 concrete negative reasons of the airline tweets ("Can't Tell" is left out).
REASONS = (
    "Customer Service Issue",
    "Late Flight",
    "Cancelled Flight",
    "Lost Luggage",
    "Bad Flight",
    "Flight Booking Problems",
    "Flight Attendant Complaints",
    "longlines",
    "Damaged Luggage",
)


def embedder() -> UsemEmbedder:
    """The default local model, warmed up so weights load outside every timing."""
    model = UsemEmbedder(threads=2)
    model.embed(["warm up the model"])
    return model


@contextmanager
def workspace(
    model: UsemEmbedder, llm_http_client: httpx.Client | None = None, **settings: object
) -> Iterator[Workspace]:
    """A fresh workspace in a temporary folder (settings as given; the LLM's requests go to
    `llm_http_client` when given), removed afterwards."""
    with tempfile.TemporaryDirectory() as home:
        config = Settings(home=Path(home), **settings)  # type: ignore[arg-type]
        ws = open_workspace(config, model, llm_http_client)
        try:
            yield ws
        finally:
            ws.close()


def ingest(
    ws: Workspace, project: str, files: Sequence[Path], options: IngestOptions
) -> tuple[IngestReport, float]:
    """Ingest files into a project; return the report and the seconds it took."""
    start = time.perf_counter()
    report = ws.ingestor(project, options).ingest(files, IngestReport())
    elapsed = time.perf_counter() - start
    if report.skipped:
        raise SystemExit(f"ingest skipped files: {report.skipped}")
    return report, elapsed


def serdif_transcripts() -> list[Path]:
    """The development transcripts (the ones in transcripts/), sorted by name."""
    return sorted((SERDIF / "transcripts").glob("*.txt"))


def read_text(path: Path) -> str:
    """A UTF-8 text file as ingest decodes it (newlines normalised to \\n)."""
    return path.read_text(encoding="utf-8")


@dataclass
class Highlight:
    """One human-highlighted quote, with all the tags put on it."""

    id: str
    file: str
    """Transcript file name (no folder)."""
    start: int
    end: int
    content: str
    tags: set[str] = field(default_factory=set)

    @property
    def pain(self) -> bool:
        return any(t in PAIN_CODES for t in self.tags)

    @property
    def positive(self) -> bool:
        return any(t in POSITIVE_CODES for t in self.tags)


@dataclass
class OffsetCheck:
    rows: int
    exact: int
    normalised: int
    unknown_tags: Counter[str]


def _ws(text: str) -> str:
    return " ".join(text.split())


def serdif_highlights() -> tuple[list[Highlight], OffsetCheck]:
    """Tagged quotes deduplicated by highlight id, and how well their offsets match the text."""
    texts: dict[str, str] = {}
    by_id: dict[str, Highlight] = {}
    exact = normalised = rows = 0
    unknown: Counter[str] = Counter()
    with (SERDIF / "tagged_quotes_with_offsets.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows += 1
            name = Path(row["transcript_file"]).name
            if name not in texts:
                texts[name] = read_text(SERDIF / "transcripts" / name)
            start, end = int(row["char_start"]), int(row["char_end"])
            span = texts[name][start:end]
            if span == row["content"]:
                exact += 1
            elif _ws(span) == _ws(row["content"]):
                normalised += 1
            if row["tag"] not in ALL_CODES:
                unknown[row["tag"]] += 1
            item = by_id.setdefault(
                row["highlight_id"],
                Highlight(row["highlight_id"], name, start, end, row["content"]),
            )
            item.tags.add(row["tag"])
    return list(by_id.values()), OffsetCheck(rows, exact, normalised, unknown)


@dataclass(frozen=True)
class Tweet:
    id: str
    text: str
    reason: str


def negative_tweets(n: int, seed: int = 0) -> tuple[list[Tweet], int]:
    """Negative tweets with a concrete reason, `text_deartifacted` (never `text`).

    n > 0: a sample stratified by reason (largest remainder), random.Random(seed); n = 0: all.
    Returns the tweets (sorted by id) and how many were eligible.
    """
    by_reason: defaultdict[str, list[Tweet]] = defaultdict(list)
    with TWEETS.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            reason = row["negativereason"]
            if row["airline_sentiment"] != "negative" or reason not in REASONS:
                continue
            text = row["text_deartifacted"].strip()
            if text:
                by_reason[reason].append(Tweet(row["tweet_id"], text, reason))
    eligible = sum(len(v) for v in by_reason.values())
    if n <= 0 or n >= eligible:
        picked = [t for v in by_reason.values() for t in v]
    else:
        quotas = {r: n * len(v) / eligible for r, v in by_reason.items()}
        counts = {r: int(q) for r, q in quotas.items()}
        rest = sorted(quotas, key=lambda r: (-(quotas[r] - counts[r]), r))
        for r in rest[: n - sum(counts.values())]:
            counts[r] += 1
        rng = random.Random(seed)
        picked = []
        for reason in sorted(by_reason):
            picked += rng.sample(by_reason[reason], counts[reason])
    return sorted(picked, key=lambda t: int(t.id)), eligible


def write_tweets(tweets: Sequence[Tweet], path: Path) -> None:
    """A review table (tweet_id, text) for ingest."""
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["tweet_id", "text"])
        writer.writerows((t.id, t.text) for t in tweets)


class LangChainEmbeddings(Embeddings):
    """The same local model behind LangChain's interface, for the LangChain baselines."""

    def __init__(self, model: UsemEmbedder) -> None:
        self.model = model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.model.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.model.embed([text])[0].tolist()


LAPTOPS = EVAL_DATA / "semeval2015_task12_absa/ABSA-15_Laptops_Train_Data.xml"
RESTAURANTS_2015 = EVAL_DATA / "semeval2015_task12_absa/ABSA-15_Restaurants_Train_Final.xml"


@dataclass
class AbsaReviews:
    """SemEval ABSA reviews kept whole, and the human opinions on each of their sentences."""

    rows: list[tuple[str, str]]
    """(review id, text): the review's sentences joined by a space."""
    opinions: dict[str, list[tuple[str, str]]]
    """`rid@start` of a sentence -> its (category, polarity) opinions."""
    _starts: dict[str, list[int]] = field(default_factory=dict)

    def sentence_of(self, review: str, at: int) -> str:
        """The `rid@start` key of the sentence a quote starting at `at` in `review` is in."""
        begun = [s for s in self._starts.get(review, []) if s <= at]
        return f"{review}@{max(begun)}" if begun else ""


def absa_reviews(path: Path) -> AbsaReviews:
    """Read a SemEval 2015/2016 ABSA file (`<Review rid><sentence><text><Opinion ...>`)."""
    import xml.etree.ElementTree as ET

    out = AbsaReviews([], {})
    for review in ET.parse(path).iter("Review"):
        rid, text = str(review.get("rid")), ""
        for sentence in review.iter("sentence"):
            said = str(sentence.findtext("text") or "").strip()
            if not said:
                continue
            text += (" " if text else "") + said
            at = len(text) - len(said)
            out._starts.setdefault(rid, []).append(at)
            out.opinions[f"{rid}@{at}"] = [
                (str(o.get("category")), str(o.get("polarity"))) for o in sentence.iter("Opinion")
            ]
        out.rows.append((rid, text))
    return out
