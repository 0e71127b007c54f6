"""Each source's sentences as a map reads them are kept in the workspace and reused while the
source is unchanged: a rebuild after adding reviews reads only the new ones."""

import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.extractor import Reading, Unit
from assistant.local_extractor import LocalExtractor
from assistant.mapping import build_map
from assistant.readings import Sentences, code_version, project_sentences, reading_modules
from assistant.settings import Settings
from assistant.study import Studies
from assistant.workspace import Workspace, open_workspace
from ingest.embeddings import Embedder, Vectors
from ingest.pipeline import IngestOptions, IngestReport
from journey.schema import JourneyMap, Observation, ObservationKind
from journey.source import SourceKind

PROJECT = "reviews"
REVIEWS = [
    "The app crashed at checkout and I had to enter my card twice.",
    "Delivery was two days late and nobody told me why.",
    "Support answered within minutes and fixed my order, lovely people.",
    "I could not find the cancel button anywhere in the settings.",
    "The driver left the box in the rain, everything was soaked.",
    "Great prices this month. The new menu is really tasty.",
    "Refund took three weeks, I called support four times.",
    "The login code never arrived by text message.",
    "Packaging is wasteful, so much plastic for two meals.",
    "Easy to pause my plan before the holidays, thank you.",
    "The recipe cards are clear and the portions are generous.",
    "I was charged twice for the same week and the chat bot was useless.",
    "Checkout keeps failing with an error about my address.",
    "My box arrived warm and the meat smelled off, really worried.",
    "Skipping a week is simple and the reminder email helps.",
    "Customer service hung up on me after an hour on hold.",
    "The website is slow and the images never load on my phone.",
    "Fresh vegetables every time, I love the seasonal choices.",
    "Promo code did not work at checkout even though it was valid.",
    "The courier could not find my building and took the box back.",
]


def _table(path: Path, rows: Sequence[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "text"])
        writer.writerows(rows)
    return path


class CountingEmbedder:
    """The real model, counting the texts it is asked to embed."""

    def __init__(self, real: Embedder) -> None:
        self.real, self.name, self.dimensions = real, real.name, real.dimensions
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.texts.extend(texts)
        return self.real.embed(texts)


@pytest.fixture
def counting(embedder: Embedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)


@pytest.fixture
def ws(settings: Settings, counting: CountingEmbedder) -> Iterator[Workspace]:
    workspace = open_workspace(settings, counting)
    yield workspace
    workspace.close()


def _ingest(workspace: Workspace, table: Path) -> None:
    options = workspace.settings.ingest_options(
        kind=SourceKind.review, text_column="text", id_column="id"
    )
    report = workspace.ingestor(PROJECT, options).ingest([table], IngestReport())
    assert not report.skipped


def _read(workspace: Workspace, extractor: object | None = None) -> Sentences:
    redactor = workspace.redactor(PROJECT)
    return project_sentences(
        workspace,
        PROJECT,
        workspace.catalog.sources(PROJECT),
        lambda text: redactor.redact(text)[0],
        extractor or LocalExtractor(workspace.embedder),  # type: ignore[arg-type]
    )


def _spans(units: Sequence[Unit]) -> list[tuple[str, int, int, str, str | None]]:
    return [(u.source.id, u.char_start, u.char_end, u.text, u.question) for u in units]


def _same_reading(a: Sentences, b: Sentences) -> None:
    """Two reads of a project agree: sentences, readings and (to float noise) vectors."""
    assert _spans(a.units) == _spans(b.units)
    assert [u.reading for u in a.units] == [u.reading for u in b.units]
    assert np.allclose(a.vectors, b.vectors, atol=1e-5)


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return _table(tmp_path / "reviews.csv", [(f"r{i}", t) for i, t in enumerate(REVIEWS)])


def test_a_rebuild_after_adding_a_review_reads_only_the_new_review(
    ws: Workspace, counting: CountingEmbedder, table: Path, tmp_path: Path
) -> None:
    _ingest(ws, table)
    first = _read(ws)
    assert (first.read, first.reused) == (len(REVIEWS), 0)
    assert all(u.reading is not None for u in first.units)
    added = "The freezer bag leaked all over my kitchen floor."
    rows = [*((f"r{i}", t) for i, t in enumerate(REVIEWS)), ("r-new", added)]
    _ingest(ws, _table(table, rows))
    counting.texts.clear()
    again = _read(ws)
    assert (again.read, again.reused) == (1, len(REVIEWS))
    assert counting.texts == [added]  # only the new review's sentence was embedded
    assert added in [u.text for u in again.units]
    assert set(_spans(again.units)) - set(_spans(first.units)) == {
        (u.source.id, 0, len(added), added, None) for u in again.units if u.text == added
    }
    assert all(u.reading is not None for u in again.units)
    # As read from scratch: the kept readings stand for reading the sources again.
    ws.repository.forget_source_readings(
        PROJECT, [s.source.id for s in ws.catalog.sources(PROJECT)]
    )
    fresh = _read(ws)
    assert (fresh.read, fresh.reused) == (len(REVIEWS) + 1, 0)
    _same_reading(again, fresh)


def test_rebuilding_unchanged_sources_gives_the_same_map(
    ws: Workspace, counting: CountingEmbedder, table: Path, grounded
) -> None:
    _ingest(ws, table)
    first = build_map(ws, PROJECT, min_participants=1)
    counting.texts.clear()
    second = build_map(ws, PROJECT, min_participants=1)
    assert not set(counting.texts) & set(REVIEWS)  # no review sentence was embedded again
    grounded(ws, second)
    assert second.model_dump(exclude={"generated_at"}) == first.model_dump(exclude={"generated_at"})


def test_a_changed_review_is_read_again_and_the_old_one_forgotten(
    ws: Workspace, table: Path
) -> None:
    _ingest(ws, table)
    before = {s.source.id for s in ws.catalog.sources(PROJECT)}
    _read(ws)
    changed = "Delivery was a week late and nobody answered my emails."
    rows = [(f"r{i}", changed if i == 1 else t) for i, t in enumerate(REVIEWS)]
    _ingest(ws, _table(table, rows))
    after = {s.source.id for s in ws.catalog.sources(PROJECT)}
    assert len(after - before) == 1 and len(before - after) == 1
    again = _read(ws)
    assert (again.read, again.reused) == (1, len(REVIEWS) - 1)
    assert changed in [u.text for u in again.units]
    assert REVIEWS[1] not in [u.text for u in again.units]
    assert set(ws.repository.source_fingerprints(PROJECT)) == after


def test_deleting_a_source_or_the_project_deletes_its_kept_sentences(
    ws: Workspace, table: Path
) -> None:
    _ingest(ws, table)
    _read(ws)
    study = Studies(ws)(PROJECT)
    gone = next(s.id for s in study.sources() if s.turns[0].text == REVIEWS[3])
    study.delete_source(gone)
    kept = ws.repository.source_fingerprints(PROJECT)
    assert gone not in kept and len(kept) == len(REVIEWS) - 1  # at once, not at the next build
    again = _read(ws)
    assert (again.read, again.reused) == (0, len(REVIEWS) - 1)
    assert REVIEWS[3] not in [u.text for u in again.units]
    study.delete()
    assert ws.repository.source_fingerprints(PROJECT) == {}


class Gloomy(LocalExtractor):
    """The local extractor at another version: it reads every sentence as a pain point."""

    reads = "gloomy"

    def read(self, units: Sequence[Unit], vectors: Vectors) -> list[Reading]:
        return [Reading(ObservationKind.pain_point, -1.2, 3, "frustrated") for _ in units]


class Plain:
    """An extractor that reads nothing ahead (as the LLM's): every sentence is neutral."""

    name = "plain"

    def extract(self, units: Sequence[Unit], vectors: Vectors, stages: object) -> list[Observation]:
        return []


def test_another_reader_reads_the_kept_sentences_again_without_embedding_them(
    ws: Workspace, counting: CountingEmbedder, table: Path
) -> None:
    _ingest(ws, table)
    local = _read(ws)
    counting.texts.clear()
    gloomy = _read(ws, Gloomy(ws.embedder))
    assert counting.texts == []  # split and embedded once; only the reading is new
    assert {u.reading for u in gloomy.units} == {
        Reading(ObservationKind.pain_point, -1.2, 3, "frustrated")
    }
    m = build_map(ws, PROJECT, extractor=Gloomy(ws.embedder), min_participants=1)
    assert {o.kind for o in m.observations} == {ObservationKind.pain_point}
    # Back to the local extractor: its own readings again, as it first read them.
    back = _read(ws)
    assert [u.reading for u in back.units] == [u.reading for u in local.units]
    # An extractor that reads nothing ahead takes the kept sentences and vectors as they are.
    counting.texts.clear()
    plain = _read(ws, Plain())
    assert counting.texts == [] and plain.read == 0
    assert _spans(plain.units) == _spans(local.units)
    assert all(u.reading is None for u in plain.units)


def test_a_name_seen_later_reads_the_source_that_mentions_it_again(
    settings: Settings, counting: CountingEmbedder, tmp_path: Path
) -> None:
    ws = open_workspace(settings, counting)
    try:
        first = tmp_path / "ana.txt"
        first.write_text(
            "Interviewer: How was checkout?\n"
            "Ana: I asked Zorbek about the checkout page because it crashed twice.\n",
            encoding="utf-8",
        )
        ws.ingestor(PROJECT, IngestOptions()).ingest([first], IngestReport())
        before = _read(ws)
        assert any("Zorbek" in u.text for u in before.units)  # not known as a name yet
        second = tmp_path / "zorbek.txt"
        second.write_text(
            "Interviewer: And support?\nZorbek: The support chat never answered me at all.\n",
            encoding="utf-8",
        )
        ws.ingestor(PROJECT, IngestOptions()).ingest([second], IngestReport())
        after = _read(ws)
        assert (after.read, after.reused) == (2, 0)  # the new file, and the one naming him
        assert not any("Zorbek" in u.text for u in after.units)
        redactor = ws.redactor(PROJECT)
        originals = {s.source.id: s.original for s in ws.catalog.sources(PROJECT)}
        for u in after.units:
            assert u.text == redactor.redact(originals[u.source.id][u.char_start : u.char_end])[0]
    finally:
        ws.close()


def test_turning_name_detection_off_reads_every_source_again(
    settings: Settings, counting: CountingEmbedder, table: Path
) -> None:
    ws = open_workspace(settings, counting)
    try:
        _ingest(ws, table)
        assert _read(ws).read == len(REVIEWS)
    finally:
        ws.close()
    ws = open_workspace(settings.model_copy(update={"detect_names": False}), counting)
    try:
        assert _read(ws).read == len(REVIEWS)
        assert _read(ws).read == 0
    finally:
        ws.close()


def test_a_map_built_from_kept_sentences_is_grounded(ws: Workspace, table: Path, grounded) -> None:
    _ingest(ws, table)
    kept = _read(ws)
    m: JourneyMap = build_map(ws, PROJECT, min_participants=1)
    grounded(ws, m)
    assert m.stats.sentences == len(kept.units) > len(REVIEWS)  # one review has two sentences


def test_kept_readings_depend_on_the_code_that_reads_sentences_and_nothing_else():
    modules = set(reading_modules())
    reading = {"assistant.local_extractor", "assistant.sentiment", "assistant.cues"}
    reading |= {"assistant.seeds", "assistant.extractor", "ingest.sentences", "ingest.redact"}
    assert reading <= modules
    # a release that changes synthesis, titles' use, exports or chat keeps every reading
    later = {"assistant.themes", "assistant.mapping", "assistant.recommend", "journey.html"}
    later |= {"assistant.personas", "assistant.chat.answer", "api.app", "journey.exports"}
    assert not later & modules
    assert len(code_version()) == 16


def test_deleting_a_source_drops_the_chat_session_turns_that_quote_it(
    ws: Workspace, table: Path
) -> None:
    """A privacy trial: a withdrawn participant's quotes stayed in the saved chat sessions of
    `journeymap chat` (conversations/) after every stored answer quoting them was dropped."""
    import json

    _ingest(ws, table)
    study = Studies(ws)(PROJECT)
    gone, kept = (s.id for s in study.sources()[:2])
    log = study.chat_log()
    log.parent.mkdir(parents=True)

    def turn(source: str) -> str:
        return json.dumps({"question": "q", "answer": {"citations": [{"source_id": source}]}})

    log.write_text(f"{turn(gone)}\n{turn(kept)}\n", encoding="utf-8")
    only = log.with_name(f"{PROJECT}-20260101T000000.jsonl")
    only.write_text(turn(gone) + "\n", encoding="utf-8")
    other = log.with_name(f"{PROJECT}x-20260101T000000.jsonl")  # another project's session
    other.write_text(turn(gone) + "\n", encoding="utf-8")
    study.delete_source(gone)
    assert log.read_text(encoding="utf-8") == turn(kept) + "\n"
    assert not only.exists()  # a session left with no turn is gone
    assert other.exists()


def test_deleting_a_source_drops_the_chat_answers_that_quote_it_by_its_words(
    ws: Workspace, table: Path
) -> None:
    """A privacy audit: a stored chat answer cites a quote by its words and speaker ("— Reviewer
    4"), not its source id, so a withdrawn participant stayed quoted in the conversations."""
    _ingest(ws, table)
    study = Studies(ws)(PROJECT)
    gone = next(s for s in study.sources() if s.turns[0].text == REVIEWS[3])
    quoted = f'People struggle to cancel: "{REVIEWS[3]}" — Reviewer 4'
    ws.repository.add_turn(PROJECT, "c1", "What about cancelling?", "cancel", quoted)
    ws.repository.add_turn(PROJECT, "c1", "And delivery?", "delivery", f'"{REVIEWS[1]}"')
    study.delete_source(gone.id)
    assert [t.answer for t in ws.repository.conversation(PROJECT, "c1")] == [f'"{REVIEWS[1]}"']
