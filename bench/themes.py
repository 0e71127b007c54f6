"""Theme quality, scored from the coded-segments export (`journeymap map --format observations`).

(a) Harmonic purity (TopicGPT's metric: the harmonic mean of purity and inverse purity) of the
    map's pain themes against human labels on the development data in ../shared/eval_data:
    airline tweets (9 negative reasons) and CFPB complaints (consumer-chosen issue). Each coded
    segment takes the label of the review it quotes. Airline also: how many of the 9 reasons are
    the majority (> 50%) of a distinct top-15 pain theme, and top-15 themes per covered reason.
(c) Stages and touchpoints (issue 15 parts 4-5): which stages the map chose and why (the
    preset for a review study); how the pain segments of each human label spread over the
    stages (normalised mutual information of stage and label: 0 when the stage says nothing of
    the label, 1 when each label has a stage of its own);
    the share of findings with a touchpoint and the most named touchpoints. Also on SemEval
    2014 restaurant sentences (aspect categories) and the Chinese ASAP restaurant reviews.
(b) --only studies: the written studies (the Freshbox sample, a gym study in English and a
    banking study in Chinese, `STUDIES`) against the themes their authors planted
    (bench/freshbox_planted.md, bench/studies/*/planted.md): which come out as one theme with
    the right participant count, whether the top 5 pain themes are the 5 most widespread
    planted pains, and whether any small talk became a finding.

(d) --labels: airline, CFPB and SERDIF on the LLM path, served by a fake model that answers with the
    human labels (`bench.label_model`): what the pipeline itself loses.

Targets (issue 15): harmonic purity >= 0.5 on airline and CFPB (>= 0.9 with --labels); >= 7
of 9 reasons; <= 1.3 themes per covered reason. Nothing here is fitted to the data: it only
scores the map.

    .venv/bin/python -m bench.themes [--n 2000] [--seed 0]
        [--only airline|cfpb|serdif|sample|gym|banking|studies|restaurants|asap|laptops] [--labels]
"""

import argparse
import csv
import functools
import json
import re
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from assistant.mapping import build_map, extract_observations
from assistant.synthesis import theme_groups
from assistant.workspace import Workspace
from bench._eval import (
    EVAL_DATA,
    LAPTOPS,
    PAIN_CODES,
    absa_reviews,
    embedder,
    ingest,
    negative_tweets,
    serdif_highlights,
    serdif_transcripts,
    workspace,
)
from bench.label_model import LabelModel
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, find_files
from journey.grounding import normalize_ws
from journey.render import render
from journey.schema import Finding, JourneyMap, Observation, ObservationKind
from journey.source import SourceKind

CFPB = EVAL_DATA / "cfpb_complaints_sample/complaints_with_narratives.csv"
RESTAURANTS = EVAL_DATA / "semeval2014_task4_absa/Restaurants_Train_v2.xml"
ASAP = EVAL_DATA / "asap_chinese_reviews_sample/dev_sample.csv"
SAMPLE = Path(__file__).resolve().parents[1] / "samples/freshbox"
TOP = 15
TARGET_PURITY, TARGET_REASONS, TARGET_SPREAD = 0.5, 7, 1.3
TARGET_LABELLED = 0.9
"""Harmonic purity with the fake model that answers with the human labels (`--labels`)."""
TARGETED = ("airline", "cfpb")
"""The sets issue 15 sets a purity target for; SERDIF and ASAP are scored without one."""

Segment = dict[str, object]
"""One row of the coded-segments export (JSON Lines)."""


def _cut(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def segments(m: JourneyMap) -> list[Segment]:
    """The map's coded segments, read back from its JSON Lines export."""
    return [json.loads(line) for line in render(m, "observations-jsonl").splitlines()]


def review_id(segment: Segment) -> str:
    """The review a segment quotes (`table.csv#ID` -> `ID`)."""
    return str(segment["source_path"]).rsplit("#", 1)[-1]


def harmonic_purity(pairs: Sequence[tuple[str, str]]) -> tuple[float, float, float]:
    """(purity, inverse purity, harmonic mean) of (theme, label) pairs."""
    if not pairs:
        return 0.0, 0.0, 0.0
    table = Counter(pairs)
    by_theme: defaultdict[str, int] = defaultdict(int)
    by_label: defaultdict[str, int] = defaultdict(int)
    for (theme, label), n in table.items():
        by_theme[theme] = max(by_theme[theme], n)
        by_label[label] = max(by_label[label], n)
    purity = sum(by_theme.values()) / len(pairs)
    inverse = sum(by_label.values()) / len(pairs)
    return purity, inverse, 2 * purity * inverse / (purity + inverse)


def chance_corrected(pairs: Sequence[tuple[str, str]]) -> tuple[float, float]:
    """(adjusted mutual information of themes and labels, harmonic purity of one theme holding
    every segment). Harmonic purity rewards few large themes when the labels are skewed: one
    theme of every airline complaint scores 0.52, above the 0.5 target, and says nothing. AMI
    is 0 for one theme (or for themes drawn at random) and 1 for the labels themselves, at any
    number of themes, so it tells whether themes found more than their count."""
    if not pairs:
        return 0.0, 0.0
    from sklearn.metrics import adjusted_mutual_info_score

    themes, labels = zip(*pairs, strict=True)
    one = harmonic_purity([("one theme", label) for label in labels])[2]
    return float(adjusted_mutual_info_score(labels, themes)), one


def pain_themes(m: JourneyMap) -> list[tuple[str, Finding]]:
    """Headline pain points study-wide, by participants x severity (stage name with each)."""
    found = [(s.name, p) for s in m.stages for p in s.pain_points]
    return sorted(found, key=lambda sp: (-sp[1].participants * sp[1].severity, sp[1].id))


@dataclass
class Scores:
    purity: float
    inverse: float
    harmonic: float
    themed: int
    pains: int
    themes: int
    covered: int = 0
    spread: float = 0.0
    themed_harmonic: float = 0.0
    stage_harmonic: float = 0.0
    touchpoints: float = 0.0
    ami: float = 0.0
    one_theme: float = 0.0


def score_labels(
    m: JourneyMap, label_of: dict[str, str], name: str, key: Callable[[Segment], str] = review_id
) -> Scores:
    """Harmonic purity of the pain themes' segments against the reviews' labels (or, with
    `key`, the labels of whatever part of a review a segment quotes)."""
    rows = [s for s in segments(m) if s["kind"] == "pain_point" and key(s) in label_of]
    # Every pain segment counts; one in no theme is a theme of its own (as in clustering
    # metrics), so a map cannot look purer by leaving its hard segments out.
    pairs = [(str(s["theme"] or f"(none {i})"), label_of[key(s)]) for i, s in enumerate(rows)]
    themed = [pair for pair in pairs if not pair[0].startswith("(none")]
    headline = {p.id for _, p in pain_themes(m)}
    top = [pair for pair in pairs if pair[0] in headline]
    print(f"{name}: {len(rows)} pain segments")
    for what, chosen in (
        ("all pain segments (unthemed: singletons)", pairs),
        ("segments in any theme", themed),
        ("segments in headline themes", top),
    ):
        purity, inverse, harmonic = harmonic_purity(chosen)
        print(
            f"  {what:44s} {len(chosen):5d} in {len({p[0] for p in chosen}):4d} themes: "
            f"purity {purity:.3f}, inverse {inverse:.3f}, harmonic {harmonic:.3f}"
        )
    purity, inverse, harmonic = harmonic_purity(pairs)
    scores = Scores(purity, inverse, harmonic, len(themed), len(rows), len({p[0] for p in themed}))
    scores.themed_harmonic = harmonic_purity(themed)[2]
    scores.ami, scores.one_theme = chance_corrected(pairs)
    print(
        f"  chance-corrected: AMI {scores.ami:.3f} (0 = no better than chance); one theme of "
        f"every segment would score harmonic {scores.one_theme:.3f}"
    )
    return scores


def top_table(
    m: JourneyMap, label_of: dict[str, str], key: Callable[[Segment], str] = review_id
) -> tuple[int, float]:
    """The top pain themes with their majority label; (labels covered, themes per label)."""
    labels: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for s in segments(m):
        if s["theme"] and key(s) in label_of:
            labels[str(s["theme"])][label_of[key(s)]] += 1
    print(f"\n  {'#':>2s} {'title':40s} {'stage':16s} {'ppl':>4s} {'n':>4s} {'majority':28s} share")
    covering: Counter[str] = Counter()
    for rank, (stage, p) in enumerate(pain_themes(m)[:TOP], start=1):
        counts = labels[p.id]
        n = sum(counts.values())
        major, hits = counts.most_common(1)[0] if counts else ("-", 0)
        share = hits / n if n else 0.0
        if share > 0.5:
            covering[major] += 1
        print(
            f"  {rank:2d} {_cut(p.title, 40):40s} {_cut(stage, 16):16s} {p.participants:4d} "
            f"{n:4d} {_cut(major, 28):28s} {share:.2f}"
        )
    spread = sum(covering.values()) / len(covering) if covering else 0.0
    return len(covering), spread


def stage_table(
    m: JourneyMap, label_of: dict[str, str], kinds: Sequence[str] = ("pain_point",)
) -> float:
    """How the labelled segments spread over the map's stages: per stage its count and
    majority label; returns the normalised mutual information of stage and label."""
    rows = [s for s in segments(m) if s["kind"] in kinds and review_id(s) in label_of]
    print(f"\n  stages: {m.generator.settings.get('stages')}")
    by_stage: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for s in rows:
        by_stage[str(s["stage"])][label_of[review_id(s)]] += 1
    for stage in m.stages:
        counts = by_stage.get(stage.name, Counter())
        n = sum(counts.values())
        major, hits = counts.most_common(1)[0] if counts else ("-", 0)
        print(
            f"    {_cut(stage.name, 26):26s} {n:5d} segments  majority {_cut(major, 28):28s} "
            f"{hits / n if n else 0:.2f}"
        )
    pairs = [(str(s["stage"]), label_of[review_id(s)]) for s in rows]
    purity, inverse, harmonic = harmonic_purity(pairs)
    # Mutual information says whether the stage tells anything of the label (0: nothing, as
    # when every segment sits in one stage, which harmonic purity still scores ~0.5).
    nmi = normalized_mutual_info_score([p[1] for p in pairs], [p[0] for p in pairs]) if pairs else 0
    biggest = max(Counter(p[0] for p in pairs).values(), default=0) / max(1, len(pairs))
    print(
        f"  stage vs label over {len(rows)} segments: purity {purity:.3f}, inverse "
        f"{inverse:.3f}, harmonic {harmonic:.3f}, NMI {nmi:.3f}; largest stage {biggest:.0%}"
    )
    return float(nmi)


def touchpoint_table(m: JourneyMap) -> float:
    """The share of pain and delight segments with a touchpoint, and the most named ones."""
    rows = [s for s in segments(m) if s["kind"] in ("pain_point", "delight")]
    named = Counter(str(s["touchpoint"]) for s in rows if s["touchpoint"])
    share = sum(named.values()) / max(1, len(rows))
    top = ", ".join(f"{name} {n}" for name, n in named.most_common(12))
    print(f"  touchpoints: {share:.0%} of {len(rows)} findings name one; {len(named)} names: {top}")
    return share


LABEL_LLM = {
    "llm_provider": "openai-compatible",
    "llm_base_url": "http://label-model.invalid/v1",
    "llm_model": "label-model",
    "llm_max_retries": 1,
}
"""Settings of the LLM path when the label-answering fake model (`bench.label_model`) serves
it: no request leaves the process (httpx.MockTransport)."""


def study_workspace(
    model: UsemEmbedder, llm: LabelModel | None = None
) -> AbstractContextManager[Workspace]:
    """A fresh workspace; with `llm`, its maps are made on the LLM path with that fake model."""
    return workspace(model, llm.client(), **LABEL_LLM) if llm else workspace(model)


@contextmanager
def reviews_workspace(
    model: UsemEmbedder,
    rows: Sequence[tuple[str, str]],
    project: str,
    llm: LabelModel | None = None,
) -> Iterator[Workspace]:
    """A fresh workspace whose `project` holds `rows` (review id, text) ingested as reviews;
    with `llm`, its map is made on the LLM path with that fake model."""
    with tempfile.TemporaryDirectory() as tmp, study_workspace(model, llm) as ws:
        table = Path(tmp) / f"{project}.csv"
        with table.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(["id", "text"])
            writer.writerows(rows)
        options = IngestOptions(kind=SourceKind.review, text_column="text", id_column="id")
        ingest(ws, project, [table], options)
        yield ws


def map_of_reviews(
    model: UsemEmbedder,
    rows: Sequence[tuple[str, str]],
    project: str,
    llm: LabelModel | None = None,
) -> tuple[JourneyMap, float]:
    with reviews_workspace(model, rows, project, llm) as ws:
        start = time.perf_counter()
        m = build_map(ws, project)
        return m, time.perf_counter() - start


def cfpb_complaints() -> list[tuple[str, str, str]]:
    """The CFPB development complaints with a narrative: (complaint id, narrative, issue)."""
    with CFPB.open(encoding="utf-8", newline="") as f:
        return [
            (r["Complaint ID"], r["Consumer complaint narrative"].strip(), r["Issue"])
            for r in csv.DictReader(f)
            if r["Consumer complaint narrative"].strip()
        ]


def _labelled(label_of: dict[str, str], labels: bool) -> LabelModel | None:
    """The label-answering fake model for a run with `--labels`."""
    if not labels:
        return None
    print(f"  on the LLM path, the fake model answering with the {len(set(label_of.values()))} "
          "human labels")  # fmt: skip
    return LabelModel(label_of)


def _calls(llm: LabelModel | None) -> None:
    if llm is not None:
        print(
            "  requests to the fake model: " + ", ".join(f"{k} {v}" for k, v in llm.calls.items())
        )


def run_airline(model: UsemEmbedder, n: int, seed: int, labels: bool = False) -> Scores:
    tweets, eligible = negative_tweets(n, seed)
    print(f"== airline: {len(tweets)} of {eligible} negative tweets with a reason (seed {seed}) ==")
    label_of = {t.id: t.reason for t in tweets}
    llm = _labelled(label_of, labels)
    m, seconds = map_of_reviews(model, [(t.id, t.text) for t in tweets], "airline", llm)
    _calls(llm)
    scores = score_labels(m, label_of, "airline")
    scores.covered, scores.spread = top_table(m, label_of)
    scores.stage_harmonic = stage_table(m, label_of)
    scores.touchpoints = touchpoint_table(m)
    print(
        f"reasons that are the majority of a top-{TOP} theme: {scores.covered} of 9; "
        f"top-{TOP} themes per covered reason {scores.spread:.2f}; build_map {seconds:.1f} s\n"
    )
    return scores


def run_cfpb(model: UsemEmbedder, labels: bool = False) -> Scores:
    complaints = cfpb_complaints()
    issues = Counter(c[2] for c in complaints)
    print(f"== CFPB: {len(complaints)} complaints, {len(issues)} issues ==")
    llm = _labelled({c[0]: c[2] for c in complaints}, labels)
    m, seconds = map_of_reviews(model, [(c[0], c[1]) for c in complaints], "cfpb", llm)
    _calls(llm)
    scores = score_labels(m, {c[0]: c[2] for c in complaints}, "cfpb")
    top_table(m, {c[0]: c[2] for c in complaints})
    scores.stage_harmonic = stage_table(m, {c[0]: c[2] for c in complaints})
    scores.touchpoints = touchpoint_table(m)
    print(f"build_map {seconds:.1f} s\n")
    return scores


def run_restaurants(model: UsemEmbedder, n: int = 600) -> dict[str, object]:
    """SemEval 2014 restaurant sentences (one source each) with a single aspect category:
    which preset is chosen and how sentences of each category spread over its stages."""
    rows = []
    for sentence in ET.parse(RESTAURANTS).iter("sentence"):
        categories = {c.get("category") for c in sentence.iter("aspectCategory")}
        categories.discard("anecdotes/miscellaneous")
        if len(categories) == 1:
            rows.append((str(sentence.get("id")), str(sentence.findtext("text")), categories.pop()))
    rows = rows[:n]
    print(f"== restaurants (SemEval 2014): {len(rows)} single-category sentences ==")
    m, seconds = map_of_reviews(model, [(r[0], r[1]) for r in rows], "restaurants")
    label_of = {r[0]: str(r[2]) for r in rows}
    kinds = ("pain_point", "delight", "need", "action")
    harmonic = stage_table(m, label_of, kinds)
    share = touchpoint_table(m)
    print(f"build_map {seconds:.1f} s\n")
    return {"stages": m.generator.settings.get("stages"), "harmonic": harmonic, "tp": share}


def asap_labels() -> tuple[list[tuple[str, str]], dict[str, str], dict[str, str]]:
    """The ASAP development reviews (id, text) and two labellings of their pain segments: the
    review's negative aspect (of 18: "dish_taste") where it has exactly one, and its negative
    category (of 5: "dish") where all its negative aspects are of one. A review's labels are
    the review's, not a sentence's, so a review with complaints of several kinds is left out."""
    with ASAP.open(encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    aspects = [c for c in table[0] if c not in ("index", "reviewbody", "star")]
    rows, fine, coarse = [], {}, {}
    for r in table:
        rows.append((r["index"], r["reviewbody"]))
        negative = [a for a in aspects if r[a].strip() == "-1"]
        if len(negative) == 1:
            fine[r["index"]] = negative[0]
        if len({a.split("_", 1)[0] for a in negative}) == 1:
            coarse[r["index"]] = negative[0].split("_", 1)[0]
    return rows, fine, coarse


def run_asap(model: UsemEmbedder) -> dict[str, object]:
    """The Chinese ASAP restaurant reviews: harmonic purity of the pain themes against the
    reviews' negative aspects (`asap_labels`), the preset chosen, how the findings spread over
    its stages, and the touchpoints."""
    rows, fine, coarse = asap_labels()
    print(
        f"== ASAP (Chinese restaurant reviews): {len(rows)} reviews; {len(fine)} with one "
        f"negative aspect, {len(coarse)} with negative aspects of one category =="
    )
    m, seconds = map_of_reviews(model, rows, "asap")
    aspect = score_labels(m, fine, "asap, one negative aspect (of 18)")
    category = score_labels(m, coarse, "asap, one negative category (of 5)")
    top_table(m, coarse)
    print(f"\n  stages: {m.generator.settings.get('stages')}")
    spread = Counter(str(s["stage"]) for s in segments(m))
    for stage in m.stages:
        print(f"    {stage.name:12s} {spread.get(stage.name, 0):5d} findings")
    share = touchpoint_table(m)
    print(f"build_map {seconds:.1f} s\n")
    return {
        "stages": m.generator.settings.get("stages"),
        "tp": share,
        "aspect": aspect,
        "category": category,
    }


def serdif_labels(m: JourneyMap) -> dict[str, str]:
    """Each pain segment's SERDIF pain code (key: `segment_key`): the one pain code of the human
    highlights its span overlaps in its transcript, where there is exactly one. Moderator
    assists are left out: the reader codes the participants' turns."""
    by_file: defaultdict[str, list[tuple[int, int, set[str]]]] = defaultdict(list)
    for h in serdif_highlights()[0]:
        codes = {t for t in h.tags if t in PAIN_CODES and t != "Moderator assist"}
        if codes:
            by_file[h.file].append((h.start, h.end, codes))
    out: dict[str, str] = {}
    for s in segments(m):
        if s["kind"] != "pain_point":
            continue
        start, end = int(str(s["char_start"])), int(str(s["char_end"]))
        codes = set().union(
            *(c for a, b, c in by_file[Path(str(s["source_path"])).name] if a < end and start < b)
        )
        if len(codes) == 1:
            out[segment_key(s)] = codes.pop()
    return out


def segment_key(segment: Segment) -> str:
    """A segment's place: `file:start` (a transcript has many segments, a tweet few)."""
    return f"{Path(str(segment['source_path'])).name}:{segment['char_start']}"


def serdif_coder() -> Callable[[str], str | None]:
    """For the label-answering fake model: a sentence's pain code, when it lies within human
    highlights that give it exactly one (moderator assists left out, as in `serdif_labels`)."""
    coded = [
        (normalize_ws(h.content), codes)
        for h in serdif_highlights()[0]
        if (codes := {t for t in h.tags if t in PAIN_CODES and t != "Moderator assist"})
    ]

    def code(sentence: str) -> str | None:
        said = normalize_ws(sentence)
        found = set().union(*(codes for content, codes in coded if said in content))
        return found.pop() if len(found) == 1 else None

    return code


def run_serdif(model: UsemEmbedder, labels: bool = False) -> Scores:
    """The 11 SERDIF development think-aloud transcripts: harmonic purity of the pain themes
    against the pain codes of the human highlights the segments overlap."""
    files = serdif_transcripts()
    print(f"== SERDIF usability interviews: {len(files)} transcripts ==")
    llm = LabelModel(sentence=serdif_coder()) if labels else None
    if llm is not None:
        print("  on the LLM path, the fake model coding the sentences within highlights of one "
              "pain code with it")  # fmt: skip
    with study_workspace(model, llm) as ws:
        ingest(ws, "serdif", files, IngestOptions(kind=SourceKind.interview))
        start = time.perf_counter()
        m = build_map(ws, "serdif")
        seconds = time.perf_counter() - start
    _calls(llm)
    label_of = serdif_labels(m)
    scores = score_labels(m, label_of, "serdif", key=segment_key)
    top_table(m, label_of, key=segment_key)
    print(f"build_map {seconds:.1f} s\n")
    return scores


def run_laptops(model: UsemEmbedder) -> dict[str, object]:
    """SemEval 2015 laptop reviews, whole (277, the trial that found the catch-all theme):
    each pain segment takes the aspect of the sentence it quotes when that sentence has one
    negative aspect (LAPTOP#GENERAL, SUPPORT#QUALITY, BATTERY#OPERATION_PERFORMANCE...).
    Harmonic purity against the aspect entity (LAPTOP, SUPPORT, BATTERY...) and the share of
    labelled pain segments the largest theme holds: a catch-all gathers every complaint."""
    reviews = absa_reviews(LAPTOPS)
    rows = reviews.rows
    aspect_of = {
        at: negative[0]
        for at, opinions in reviews.opinions.items()
        if len(negative := sorted({c for c, p in opinions if p == "negative"})) == 1
    }
    label_of = {at: aspect.split("#")[0] for at, aspect in aspect_of.items()}

    def sentence_of(segment: Segment) -> str:
        return reviews.sentence_of(review_id(segment), int(str(segment["char_start"])))

    print(f"== laptops (SemEval 2015): {len(rows)} reviews, {len(label_of)} one-aspect sentences")
    m, seconds = map_of_reviews(model, rows, "laptops")
    scores = score_labels(m, label_of, "laptops", sentence_of)
    top_table(m, label_of, sentence_of)
    labelled = [s for s in segments(m) if s["kind"] == "pain_point" and sentence_of(s) in label_of]
    sizes = Counter(str(s["theme"]) for s in labelled if s["theme"])
    largest = max(sizes.values(), default=0) / max(1, len(labelled))
    # the full aspect (LAPTOP#QUALITY: defects, LAPTOP#OPERATION_PERFORMANCE: slow,
    # LAPTOP#GENERAL: the verdict) is nearer the problems a researcher would code
    pairs = [
        (str(s["theme"] or f"(none {i})"), aspect_of[sentence_of(s)])
        for i, s in enumerate(labelled)
    ]
    aspect = harmonic_purity(pairs)[2]
    print(
        f"  against the full aspect (entity#attribute): harmonic {aspect:.3f}; largest theme "
        f"holds {largest:.0%} of {len(labelled)} labelled pain segments"
    )
    print(f"build_map {seconds:.1f} s\n")
    return {"harmonic": scores.harmonic, "aspect": aspect, "largest": largest}


# ---------------------------------------------------------------- the sample study


PLANTED = Path(__file__).with_name("freshbox_planted.md")
"""The themes the sample's authors planted: the answer key, kept out of the sample folder."""
STUDIES_DIR = Path(__file__).with_name("studies")


@dataclass(frozen=True)
class Study:
    """A written study with its planted themes: `folder` holds interviews/ and reviews/."""

    name: str
    folder: Path
    planted: Path


STUDIES = {
    "sample": Study("freshbox", SAMPLE, PLANTED),
    "gym": Study("gym", STUDIES_DIR / "gym", STUDIES_DIR / "gym/planted.md"),
    "banking": Study("banking", STUDIES_DIR / "banking", STUDIES_DIR / "banking/planted.md"),
    "broadband": Study(
        "broadband", STUDIES_DIR / "broadband", STUDIES_DIR / "broadband/planted.md"
    ),
    "delivery": Study("delivery", STUDIES_DIR / "delivery", STUDIES_DIR / "delivery/planted.md"),
    "invoicing": Study(
        "invoicing", STUDIES_DIR / "invoicing", STUDIES_DIR / "invoicing/planted.md"
    ),
    "clinic": Study("clinic", STUDIES_DIR / "clinic", STUDIES_DIR / "clinic/planted.md"),
    "claims": Study("claims", STUDIES_DIR / "claims", STUDIES_DIR / "claims/planted.md"),
    "charging": Study("charging", STUDIES_DIR / "charging", STUDIES_DIR / "charging/planted.md"),
    "carhire": Study("carhire", STUDIES_DIR / "carhire", STUDIES_DIR / "carhire/planted.md"),
    "rental": Study("rental", STUDIES_DIR / "rental", STUDIES_DIR / "rental/planted.md"),
    "vets": Study("vets", STUDIES_DIR / "vets", STUDIES_DIR / "vets/planted.md"),
    "bikeshare": Study(
        "bikeshare", STUDIES_DIR / "bikeshare", STUDIES_DIR / "bikeshare/planted.md"
    ),
}
"""Studies scored against the themes their authors planted before any run: the Freshbox
sample; gym, home-broadband, invoicing, home-insurance-claims, car-hire and vet-clinic
studies (English interviews and reviews); mobile-banking, food-delivery, online-clinic,
EV-charging, rental-flat and bike-share studies (Chinese);
each written for this bench by someone who had not seen the synthesis code, in the format of
bench/freshbox_planted.md.
Problem-level themes are what a researcher signs; the human labels of the review sets are
coarser than that."""


@dataclass
class Planted:
    id: str
    kind: str
    title: str
    voices: set[str]
    also: set[str]
    keywords: list[str]


def planted_themes(path: Path = PLANTED) -> tuple[list[Planted], list[str]]:
    """The planted themes and the small-talk lines, parsed from freshbox_planted.md's tables."""
    themes: list[Planted] = []
    small_talk: list[str] = []
    kind = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            kind = {"## Pain points": "pain_point", "## Delights": "delight"}.get(line, "")
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if kind and line.startswith("|") and len(cells) == 5 and cells[0] not in ("id", "---"):
            themes.append(
                Planted(
                    id=cells[0],
                    kind=kind,
                    title=cells[1],
                    voices=set(cells[2].split()),
                    also=set(cells[3].split()),
                    keywords=[k.strip() for k in cells[4].split(";") if k.strip()],
                )
            )
        if m := re.match(r"- `(.+?)`", line):
            small_talk.append(m.group(1))
    return themes, small_talk


def voice(segment: Segment) -> str:
    """`p01` for an interview file, `R001` for a review row."""
    path = str(segment["source_path"])
    if "#" in path:
        return path.rsplit("#", 1)[1]
    found = re.match(r"(p\d+)", Path(path).name)
    return found.group(1) if found else Path(path).name


def planted_label(segment: Segment, themes: Sequence[Planted]) -> str | None:
    """The planted theme (of the segment's kind) whose keywords the quote hits most, if its
    source voices that theme."""
    quote = str(segment["quote"]).lower()
    who = voice(segment)
    best, hits = None, 0
    for t in themes:
        if t.kind != segment["kind"] or who not in t.voices | t.also:
            continue
        n = sum(quote.count(k) for k in t.keywords)
        if n > hits:
            best, hits = t.id, n
    return best


DRAWS = 30


def drop_one_stability(
    observations: Sequence[Observation], vectors: np.ndarray, draws: int = DRAWS
) -> dict[str, float]:
    """How far the pain themes move when one pain quote is left out: the adjusted Rand index
    of the other quotes' themes against the full study's (1 = unmoved), over `draws` quotes
    drawn at random (seeded). A researcher adding one interview should not see themes jump."""

    # only the pain quotes: theme_groups groups each kind on its own
    pain_rows = [i for i, o in enumerate(observations) if o.kind is ObservationKind.pain_point]

    def themes(keep: list[int]) -> dict[int, int]:
        grouped = theme_groups([observations[i] for i in keep], vectors[keep])
        return {keep[j]: t for t, group in enumerate(grouped) for j in group}

    full = themes(pain_rows)
    rng = np.random.default_rng(0)
    scores = []
    for r in rng.choice(pain_rows, size=min(draws, len(pain_rows)), replace=False).tolist():
        rows = [i for i in pain_rows if i != r]
        moved = themes(rows)
        scores.append(
            adjusted_rand_score(
                [full.get(i, -1 - i) for i in rows], [moved.get(i, -1 - i) for i in rows]
            )
        )
    out = {
        "mean": float(np.mean(scores)),
        "min": float(np.min(scores)),
        "moved": float(np.mean(np.array(scores) < 0.95)),
    }
    print(
        f"drop-one stability of the pain themes ({len(scores)} quotes left out one at a time): "
        f"mean ARI {out['mean']:.3f}, min {out['min']:.3f}, share of draws moving the themes "
        f"(ARI < 0.95) {out['moved']:.2f}"
    )
    return out


def title_check(
    by_theme: dict[str, list[Segment]], findings: dict[str, Finding], themes: Sequence[Planted]
) -> tuple[int, list[str]]:
    """Whether each headline theme's title is taken from a quote of the planted theme most of
    its quotes speak to (the unit a researcher reads first): the count that are, and the
    others as "title (title's planted theme) for the theme's"."""
    said, misses = 0, []
    for fid, items in by_theme.items():
        labels = Counter(planted_label(s, themes) for s in items)
        labels.pop(None, None)
        if fid not in findings or not labels:
            continue
        main = labels.most_common(1)[0][0]
        title = findings[fid].title.casefold()
        lead = next((s for s in items if title in str(s["quote"]).casefold()), None)
        own = planted_label(lead, themes) if lead is not None else None
        if own == main:
            said += 1
        else:
            misses.append(f"“{_cut(findings[fid].title, 50)}” ({own or '-'}) for {main}")
    return said, misses


def run_study(model: UsemEmbedder, study: Study) -> dict[str, object]:
    themes, small_talk = planted_themes(study.planted)
    print(f"== {study.name} study ({study.folder.name}): {len(themes)} planted themes ==")
    with workspace(model) as ws:
        files, _ = find_files([study.folder / "interviews", study.folder / "reviews"])
        ingest(ws, study.name, files, IngestOptions())
        start = time.perf_counter()
        m = build_map(ws, study.name)
        seconds = time.perf_counter() - start
        ex = extract_observations(ws, study.name)
        stability = drop_one_stability(ex.observations, ex.vectors)
    rows = segments(m)
    touchpoint_table(m)
    by_theme: defaultdict[str, list[Segment]] = defaultdict(list)
    for s in rows:
        if s["theme"]:
            by_theme[str(s["theme"])].append(s)
    findings = {
        f.id: f for s in m.stages for f in (*s.pain_points, *s.delights)
    }  # headline themes only
    matched: defaultdict[str, list[Finding]] = defaultdict(list)
    major_of: dict[str, str] = {}
    for fid, items in by_theme.items():
        if fid not in findings:
            continue
        labels = Counter(planted_label(s, themes) for s in items)
        labels.pop(None, None)
        if labels:
            label, n = labels.most_common(1)[0]
            if n * 2 > len(items):
                matched[label].append(findings[fid])
                major_of[fid] = str(label)
    said, misses = title_check(by_theme, findings, themes)
    print(f"\n  {'planted':11s} {'kind':10s} {'want':>7s} {'themes':>6s} {'ppl':>10s}  verdict")
    right = 0
    for t in themes:
        low, high = len(t.voices) - 1, len(t.voices) + len(t.also) + 1
        got = matched.get(t.id, [])
        counts = sorted((f.participants for f in got), reverse=True)
        ok = len(got) == 1 and low <= counts[0] <= high
        right += ok
        verdict = (
            "ok"
            if ok
            else ("missing" if not got else f"{len(got)} themes" if len(got) > 1 else "count off")
        )
        want = f"{low + 1}" + (f"+{len(t.also)}" if t.also else "")
        shown = ",".join(map(str, counts)) or "-"
        print(f"  {t.id:11s} {t.kind:10s} {want:>7s} {len(got):6d} {shown:>10s}  {verdict}")
    widest = sorted(
        (t for t in themes if t.kind == "pain_point"), key=lambda t: (-len(t.voices), t.id)
    )[:5]
    top = pain_themes(m)[:5]
    top_ids = [major_of.get(p.id, "?") for _, p in top]
    print(
        "\ntop 5 pain themes: "
        + "; ".join(
            f"{_cut(p.title, 30)} ({p.participants}) -> {major_of.get(p.id, '?')}" for _, p in top
        )
    )
    # ties at the fifth place: any of the tied themes may stand there
    cutoff = len(widest[-1].voices) if widest else 0
    voices = {t.id: len(t.voices) for t in themes if t.kind == "pain_point"}
    top5 = (
        len(set(top_ids)) == len(widest)
        and all(voices.get(i, -1) >= cutoff for i in top_ids)
        and {t.id for t in widest if len(t.voices) > cutoff} <= set(top_ids)
    )
    print(
        f"5 most widespread planted pains: {', '.join(t.id for t in widest)} -> "
        f"{'same set' if top5 else 'different'}"
    )
    talk = [
        s
        for s in rows
        if s["kind"] in ("pain_point", "delight")
        and any(line.lower() in str(s["quote"]).lower() for line in small_talk)
    ]
    headline = [s for s in talk if s["theme"] in findings]
    print(
        f"small-talk lines coded pain/delight: {len(talk)} ({len(headline)} in a headline "
        f"theme)"
        + "".join(f"\n    “{_cut(str(s['quote']), 70)}” {s['kind']} {s['theme']}" for s in talk)
    )
    pains = sum(len(s.pain_points) for s in m.stages)
    once = sum(len(s.pain_points_once) for s in m.stages)
    print(
        f"headline pain points {pains}, pain points mentioned once {once}; "
        f"build_map {seconds:.1f} s\n"
    )
    print(
        f"titles saying their theme's main planted theme: {said} of {said + len(misses)}"
        + "".join(f"\n    {miss}" for miss in misses)
    )
    return {
        "right": right,
        "of": len(themes),
        "titled": said,
        "titles": said + len(misses),
        "top5": top5,
        "small_talk": len(talk),
        "stability": stability["mean"],
    }


def _verdict(ok: bool) -> str:
    return "ok" if ok else "BELOW TARGET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="airline tweets; 0 = all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--only",
        choices=(
            "airline",
            "cfpb",
            "serdif",
            *STUDIES,
            "studies",
            "restaurants",
            "asap",
            "laptops",
        ),
        help="one set; 'studies' = the written studies with planted themes",
    )
    parser.add_argument("--sample", action="store_true", help="the sample study only")
    parser.add_argument(
        "--labels",
        action="store_true",
        help="airline, CFPB and SERDIF on the LLM path, with a fake model that answers with the "
        "human labels (what the pipeline itself loses; target >= 0.9)",
    )
    args = parser.parse_args()
    if args.labels and args.only not in (None, "airline", "cfpb", "serdif"):
        parser.error("--labels scores airline, CFPB and SERDIF only")
    only = "sample" if args.sample else args.only
    began = time.perf_counter()
    model = embedder()
    runs: dict[str, Callable[[], object]] = {
        "airline": lambda: run_airline(model, args.n, args.seed, args.labels),
        "cfpb": lambda: run_cfpb(model, args.labels),
        "serdif": lambda: run_serdif(model, args.labels),
        **{key: functools.partial(run_study, model, study) for key, study in STUDIES.items()},
        "restaurants": lambda: run_restaurants(model),
        "asap": lambda: run_asap(model),
        "laptops": lambda: run_laptops(model),
    }
    wanted = ("airline", "cfpb", "serdif") if args.labels else tuple(runs)
    results = {
        name: run()
        for name, run in runs.items()
        if (only in (None, name) or (only == "studies" and name in STUDIES)) and name in wanted
    }
    target = TARGET_LABELLED if args.labels else TARGET_PURITY
    print("== summary ==")
    print(
        f"  {'set':8s} {'purity':>7s} {'inverse':>7s} {'harmonic':>8s} {'themed':>7s} "
        f"{'h.themed':>8s}  verdict (harmonic over all pain segments)"
    )
    asap = results.get("asap")
    scored = {**results}
    if isinstance(asap, dict):
        scored["asap"] = asap["aspect"]
        scored["asap (5)"] = asap["category"]
    for name in ("airline", "cfpb", "serdif", "asap", "asap (5)"):
        s = scored.get(name)
        if isinstance(s, Scores):
            extra = (
                f"reasons {s.covered}/9 ({_verdict(s.covered >= TARGET_REASONS)}), "
                f"themes/reason {s.spread:.2f} ({_verdict(s.spread <= TARGET_SPREAD)})"
                if name == "airline"
                else ""
            )
            print(
                f"  {_cut(name, 8):8s} {s.purity:7.3f} {s.inverse:7.3f} {s.harmonic:8.3f} "
                f"{s.themed / max(1, s.pains):7.0%} {s.themed_harmonic:8.3f}  "
                + (
                    f"{_verdict(s.harmonic >= target)}; "
                    if name in TARGETED or args.labels
                    else "no target; "
                )
                + extra
            )
            stage = (
                f"; stage vs label NMI {s.stage_harmonic:.3f}; findings with a touchpoint "
                f"{s.touchpoints:.0%}"
                if name in TARGETED
                else ""
            )
            print(
                f"  {'':8s} AMI {s.ami:.3f}; one theme of every segment: harmonic "
                f"{s.one_theme:.3f}; {s.pains} labelled pain segments" + stage
            )
    for name in ("restaurants", "asap"):
        r = results.get(name)
        if isinstance(r, dict):
            harmonic = f"stage vs category NMI {r['harmonic']:.3f}; " if "harmonic" in r else ""
            print(f"  {name:8s} {r['stages']}; {harmonic}findings with a touchpoint {r['tp']:.0%}")
    laptops = results.get("laptops")
    if isinstance(laptops, dict):
        print(
            f"  laptops  harmonic {laptops['harmonic']:.3f} against the aspect entity, "
            f"{laptops['aspect']:.3f} against the full aspect; largest theme "
            f"{laptops['largest']:.0%} of the labelled pain segments"
        )
    right = of = 0
    for key in STUDIES:
        study = results.get(key)
        if isinstance(study, dict):
            right, of = right + int(study["right"]), of + int(study["of"])
            print(
                f"  {key:8s} planted themes right {study['right']}/{study['of']}; titles saying "
                f"their theme {study['titled']}/{study['titles']}; top 5 = the 5 "
                f"widest planted pains: {study['top5']}; small-talk findings "
                f"{study['small_talk']}; drop-one stability (mean ARI) {study['stability']:.3f}"
            )
    if of:
        print(f"  planted themes right over the studies: {right}/{of}")
    print(f"elapsed {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()
