"""Themes by codebook on the LLM path (TopicGPT-style), through the real OpenAI client with
httpx.MockTransport as the server. The fake model answers with the human labels: the map
must then show each label as exactly one theme, holding exactly that label's quotes, which
measures what the pipeline itself loses between the model's coding and the map."""

import csv
import json
import re
from pathlib import Path

import httpx

from assistant.mapping import build_map
from assistant.settings import Settings
from assistant.workspace import open_workspace
from bench.label_model import reply
from ingest.pipeline import IngestOptions, IngestReport
from journey.schema import JourneyMap

LABELS = {
    "Late delivery": [
        "The parcel arrived {n} days after the promised date.",
        "My order came {n} days late and nobody said why.",
        "Delivery slipped by {n} days without a message.",
        "Still waiting for a delivery that is {n} days overdue.",
    ],
    "Refund takes weeks": [
        "The refund took {n} weeks to reach my card.",
        "I returned the item and waited {n} weeks for my money.",
        "{n} weeks later the refund still has not arrived.",
        "Getting my money back took {n} weeks of emails.",
    ],
    "App logs me out": [
        "The app logs me out every {n} minutes.",
        "I get signed out of the app after {n} minutes, every time.",
        "Every {n} minutes the app throws me back to the login screen.",
        "The app forgets my login after {n} minutes.",
    ],
}
WORDS = ["two", "three", "four", "five", "six"]


def _reviews() -> dict[str, str]:
    """Quote -> human label: 3 labels x 4 templates x 3 fillers = 36 reviews."""
    return {
        template.format(n=word): label
        for label, templates in LABELS.items()
        for template in templates
        for word in WORDS[:3]
    }


class LabelModel:
    """Codes every sentence as a pain point, proposes the human labels as the codebook and
    assigns every quote its human label."""

    def __init__(
        self,
        truth: dict[str, str],
        first: list[str] | None = None,
        more: bool = True,
        junk: bool = False,
        reword: bool = False,
        repeats: list[list[str]] | None = None,
    ) -> None:
        self.truth = truth
        self.first = first
        """The labels of the first codebook (default: all); later rounds propose the rest
        (with `more`), or nothing new."""
        self.more = more
        self.junk = junk
        """Later rounds propose a theme it then assigns nothing to."""
        self.reword = reword
        """The first round's assignment leaves half the late deliveries as "other", and a later
        round proposes them as REWORDED (the first theme in other words)."""
        self.repeats = repeats or []
        """The sets of labels it answers as repeating one another."""
        self.tools: list[str] = []
        self.rounds: list[list[str]] = []
        self.merge_request = ""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        name = str(body["tool_choice"]["function"]["name"])
        self.tools.append(name)
        text = str(body["messages"][1]["content"])
        numbered = re.findall(r"^\[(\d+)\] (.*)$", text, re.M)
        if name == "Coding":
            return reply(
                name,
                {
                    "observations": [
                        {"s": int(n), "quote": t, "kind": "pain_point", "stage": "Experience",
                         "emotion": "frustrated", "valence": -2, "severity": 4}
                        for n, t in numbered
                    ]
                },
            )  # fmt: skip
        if name == "Codebook":
            later = "Existing themes:" in text
            labels = list(LABELS) if self.first is None or later else self.first
            if later:  # only the labels of quotes it is shown
                shown = {self.truth.get(line[2:].strip()) for line in text.splitlines()}
                labels = [label for label in labels if label in shown and self.more]
                labels = ["Something else entirely"] if self.junk else labels
                if self.reword and any(
                    line[2:].strip() in self._overdue for line in text.splitlines()
                ):
                    labels = [*labels, REWORDED]
            self.rounds.append(labels)
            themes = [{"label": label, "description": f"About: {label}."} for label in labels]
            return reply(name, {"themes": themes})
        if name == "Assignments":
            found = [{"n": int(n), "label": self._label(t.strip(), text)} for n, t in numbered]
            return reply(name, {"assignments": found})
        if name == "Repeats":
            self.merge_request = text
            number = {label: int(n) for n, label in re.findall(r"^\((\d+)\) ([^:]+):", text, re.M)}
            sets = [[number.get(label, 99) for label in labels] for labels in self.repeats]
            return reply(name, {"repeats": [{"themes": s} for s in sets]})
        if name == "ThemeNames":
            return reply(name, {"themes": []})
        return reply(name, {"recommendations": []})

    @property
    def _overdue(self) -> set[str]:
        return {q for q in self.truth if q.startswith(("Delivery slipped", "Still waiting"))}

    def _label(self, quote: str, text: str) -> str:
        if self.reword and quote in self._overdue:
            return REWORDED if REWORDED in text else "other"
        return self.truth.get(quote, "other")


REWORDED = "Deliveries are overdue"


def _mapped(tmp_path: Path, embedder, model: LabelModel) -> JourneyMap:
    table = tmp_path / "reviews.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "text"])
        writer.writerows([f"r{i}", quote] for i, quote in enumerate(model.truth))
    settings = Settings(
        home=tmp_path / "home",
        llm_provider="openai-compatible",
        llm_base_url="http://llm.test/v1",
        llm_model="test-model",
        llm_max_retries=1,
    )
    client = httpx.Client(transport=httpx.MockTransport(model))
    workspace = open_workspace(settings, embedder, client)
    try:
        workspace.ingestor("shop", IngestOptions()).ingest([table], IngestReport())
        m = build_map(workspace, "shop")
    finally:
        workspace.close()
    return m


def _one_theme_per_label(m: JourneyMap, truth: dict[str, str]) -> None:
    pains = [p for s in m.stages for p in (*s.pain_points, *s.pain_points_once)]
    titles = [p.title for p in pains]
    for label in LABELS:
        assert titles.count(label) == 1, (label, titles)
    for pain in pains:
        if pain.title in LABELS:
            assert {truth[e.quote] for e in pain.evidence} == {pain.title}
            assert pain.participants == len(LABELS[pain.title]) * 3
    assert _purity(m, truth) >= 0.9


def test_each_label_of_the_codebook_is_exactly_one_theme(tmp_path: Path, embedder):
    truth = _reviews()
    model = LabelModel(truth)
    m = _mapped(tmp_path, embedder, model)
    assert "Codebook" in model.tools and "Assignments" in model.tools
    assert len(model.rounds) == 1  # nothing was left as "other": no second round
    _one_theme_per_label(m, truth)


def test_quotes_no_theme_fits_get_themes_of_their_own_in_a_later_round(tmp_path: Path, embedder):
    """The first codebook misses a problem (a sample shows a study's large problems and may
    miss its smaller ones): its quotes come back as "other", are shown to the model again
    beside the existing themes, and get a theme of their own, not one grouped by meaning."""
    truth = _reviews()
    model = LabelModel(truth, first=["Late delivery", "Refund takes weeks"])
    m = _mapped(tmp_path, embedder, model)
    assert model.rounds == [["Late delivery", "Refund takes weeks"], ["App logs me out"]]
    _one_theme_per_label(m, truth)


def test_rounds_stop_when_the_model_has_no_new_theme(tmp_path: Path, embedder):
    truth = _reviews()
    model = LabelModel(truth, first=["Late delivery", "Refund takes weeks"], more=False)
    m = _mapped(tmp_path, embedder, model)
    assert model.rounds == [["Late delivery", "Refund takes weeks"], []]
    # what fits no theme is grouped by meaning, as before: every quote is still in the map
    logged_out = {q for q, label in truth.items() if label == "App logs me out"}
    assert logged_out <= {o.evidence.quote for o in m.observations if o.kind == "pain_point"}
    titles = [p.title for s in m.stages for p in (*s.pain_points, *s.pain_points_once)]
    assert titles.count("Late delivery") == titles.count("Refund takes weeks") == 1


def _purity(m: JourneyMap, truth: dict[str, str]) -> float:
    """Harmonic mean of purity and inverse purity of the pain themes against the labels."""
    themes: dict[str, list[str]] = {}
    for o in m.observations:
        if o.theme and o.evidence.quote in truth:
            themes.setdefault(o.theme, []).append(truth[o.evidence.quote])
    n = sum(len(v) for v in themes.values())
    purity = sum(max(v.count(x) for x in set(v)) for v in themes.values()) / n
    by_label: dict[str, list[str]] = {}
    for theme, labels in themes.items():
        for label in labels:
            by_label.setdefault(label, []).append(theme)
    inverse = sum(max(v.count(x) for x in set(v)) for v in by_label.values()) / n
    return 2 * purity * inverse / (purity + inverse)


def test_rounds_stop_when_a_round_places_almost_nothing(tmp_path: Path, embedder):
    """A model that answers every later round with a theme it then assigns nothing to would
    have every round re-assign the same quotes: the first such round is the last."""
    truth = _reviews()
    model = LabelModel(truth, first=["Late delivery", "Refund takes weeks"], junk=True)
    _mapped(tmp_path, embedder, model)
    assert model.rounds == [["Late delivery", "Refund takes weeks"], ["Something else entirely"]]
    assert model.tools.count("Codebook") == 2


def _titles(m: JourneyMap) -> list[str]:
    return [p.title for s in m.stages for p in (*s.pain_points, *s.pain_points_once)]


def _quotes_of(m: JourneyMap, title: str) -> set[str]:
    (pain,) = [
        p for s in m.stages for p in (*s.pain_points, *s.pain_points_once) if p.title == title
    ]
    theme = pain.id
    return {o.evidence.quote for o in m.observations if o.theme == theme}


def test_a_later_theme_that_rewords_an_earlier_one_is_merged_into_it(tmp_path: Path, embedder):
    """TopicGPT's refinement: a later round proposes an existing theme in other words (the
    prompt forbids it; models do it): the model is asked which themes repeat one another and
    their quotes become one theme, under the label holding the most quotes."""
    truth = _reviews()
    model = LabelModel(
        truth,
        first=["Late delivery", "Refund takes weeks"],
        reword=True,
        repeats=[["Late delivery", REWORDED]],
    )
    m = _mapped(tmp_path, embedder, model)
    assert REWORDED in model.rounds[1]
    assert model.tools.count("Repeats") == 1
    assert f") {REWORDED}: About: {REWORDED}. (6 quotes)" in model.merge_request
    assert REWORDED not in _titles(m)
    _one_theme_per_label(m, truth)  # "Late delivery" holds all 12 late-delivery quotes


def test_without_a_repeat_named_the_reworded_theme_stays_apart(tmp_path: Path, embedder):
    truth = _reviews()
    model = LabelModel(truth, first=["Late delivery", "Refund takes weeks"], reword=True)
    m = _mapped(tmp_path, embedder, model)
    assert model.tools.count("Repeats") == 1
    late = {q for q, label in truth.items() if label == "Late delivery"}
    assert _quotes_of(m, REWORDED) == late & model._overdue
    assert _quotes_of(m, "Late delivery") == late - model._overdue


def test_a_repeat_naming_every_theme_or_one_theme_is_not_taken(tmp_path: Path, embedder):
    """A weak model answering "all of them" would leave no codebook; one number is no set."""
    truth = _reviews()
    every = ["Late delivery", "Refund takes weeks", "App logs me out", REWORDED]
    model = LabelModel(
        truth,
        first=["Late delivery", "Refund takes weeks"],
        reword=True,
        repeats=[every[:2], every[1:3], every[2:]],  # chained into one set of everything
    )
    m = _mapped(tmp_path, embedder, model)
    assert {"Late delivery", "Refund takes weeks", "App logs me out", REWORDED} <= set(_titles(m))
    model = LabelModel(
        truth, first=["Late delivery", "Refund takes weeks"], reword=True, repeats=[[REWORDED]]
    )
    (tmp_path / "again").mkdir()
    m = _mapped(tmp_path / "again", embedder, model)
    assert REWORDED in _titles(m)


def test_a_one_round_codebook_asks_for_no_merge(tmp_path: Path, embedder):
    truth = _reviews()
    model = LabelModel(truth)
    _mapped(tmp_path, embedder, model)
    assert "Repeats" not in model.tools  # one codebook is proposed whole, merged as it is made
