"""The intended journey held against a map: expectations matched to the stage's coded quotes
with the real embedding model, the valence gap, the file's errors, and the LLM's draft
through the real OpenAI client over httpx.MockTransport."""

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np
import pytest

from assistant.ideal import compare_with_ideal, draft_ideal, relevance_fraction
from assistant.ideal_files import ideal_yaml, read_ideal
from assistant.llm import LLM
from assistant.llm_types import LLMError
from assistant.repository import Repository
from assistant.settings import Settings
from assistant.stages import StageSpec
from ingest.embeddings import UsemEmbedder
from journey.errors import InvalidRequestError, TooLargeError
from journey.schema import (
    CodedObservation,
    Emotion,
    Evidence,
    Generator,
    IdealJourney,
    IdealStage,
    JourneyMap,
    MapStats,
    ObservationKind,
    SourcesSummary,
    Stage,
)

# (stage, kind, participant, theme, valence, emotion, quote)
SAID = [
    ("Delivery", "pain_point", "p1", "pp-late", -1.6, "frustrated",
     "The courier came three hours after the delivery window closed."),
    ("Delivery", "pain_point", "p2", "pp-late", -1.2, "anxious",
     "There was no tracking, I had no idea where my box was."),
    ("Delivery", "pain_point", "p3", "pp-late", -1.6, "frustrated",
     "It arrived at midnight, long after the promised delivery slot."),
    ("Delivery", "delight", "p4", "dl-recipes", 1.2, "delighted",
     "The recipes in this box looked tasty and easy to cook."),
    ("Cooking", "delight", "p1", "dl-recipes", 1.6, "delighted",
     "The recipes are easy to follow and ready in thirty minutes."),
    ("Cooking", "delight", "p2", "dl-recipes", 2.0, "delighted",
     "The recipe cards are clear, even my kids can cook from them."),
    ("Cooking", "pain_point", "p3", "pp-crash", -1.2, "frustrated",
     "The app crashed when I tried to swap a meal."),
    ("Cooking", "pain_point", "p4", "pp-crash", -1.2, "frustrated",
     "Swapping a meal froze the app twice."),
    ("Support", "pain_point", "p1", "pp-bot", -1.6, "frustrated",
     "When my box went wrong, nobody answered for an hour, the bot just looped."),
    ("Support", "pain_point", "p2", "pp-bot", -1.2, "frustrated",
     "Something went wrong and I waited forty minutes for a person to answer."),
    ("Support", "delight", "p3", None, 1.2, "relieved",
     "Once a person answered, my problem was fixed in two minutes."),
]  # fmt: skip


def _observations() -> list[CodedObservation]:
    out = []
    for n, (stage, kind, who, theme, valence, emotion, quote) in enumerate(SAID):
        out.append(
            CodedObservation(
                kind=ObservationKind(kind),
                stage=stage,
                touchpoint=None,
                channel=None,
                emotion=emotion,
                valence=valence,
                severity=3 if kind == "pain_point" else 1,
                evidence=Evidence(
                    quote=quote,
                    source_id=f"src-{who}",
                    source_path=f"{who}.txt",
                    char_start=100 * n,
                    char_end=100 * n + len(quote),
                    participant_id=who,
                    verified=True,
                ),
                theme=theme,
            )
        )
    return out


def _stage(name: str, order: int, mean: float, low: float | None, high: float | None) -> Stage:
    emotion = Emotion(mean_valence=mean, n=4, ci_low=low, ci_high=high, labels=[])
    return Stage(name=name, order=order, description="", emotion=emotion)


def _map() -> JourneyMap:
    return JourneyMap(
        id="map-test",
        title="Meal kit",
        project="kit",
        generated_at=datetime(2026, 1, 1, tzinfo=UTC),
        generator=Generator(mode="local", model="test"),
        sources=SourcesSummary(count=4, participants=4, kinds={"interview": 4}, languages={}),
        stages=[
            _stage("Delivery", 1, -1.1, -1.6, -0.6),
            _stage("Cooking", 2, 0.3, -0.5, 1.1),
            _stage("Support", 3, -0.5, None, None),
        ],
        stats=MapStats(sentences=11, observations=11, quotes_used=11, quotes_rejected=0),
        observations=_observations(),
    )


IDEAL = IdealJourney(
    stages=[
        IdealStage(
            name="delivery",  # case and spacing are ignored
            expectations=["The box arrives within the chosen delivery window, with tracking"],
            target_valence=1,
        ),
        IdealStage(
            name="Cooking",
            expectations=[
                "Recipes are clear and quick to cook",
                "Unused loyalty points turn into free desserts",
            ],
            target_feeling="delighted",
        ),
        IdealStage(
            name="Support",
            expectations=["A person answers quickly when something goes wrong"],
            target_valence=0.5,
        ),
        IdealStage(name="Renewal", expectations=["Pausing takes one click"], target_valence=1),
    ]
)


@pytest.fixture(scope="module")
def held(embedder: UsemEmbedder) -> JourneyMap:
    return compare_with_ideal(_map(), IDEAL, embedder.embed)


def _check(m: JourneyMap, stage: str, expectation: str):  # type: ignore[no-untyped-def]
    assert m.ideal is not None
    gap = next(g for g in m.ideal.stages if g.stage == stage)
    return next(c for c in gap.expectations if c.expectation == expectation)


def test_late_deliveries_contradict_the_delivery_expectation_with_their_own_quotes(held):
    check = _check(held, "Delivery", IDEAL.stages[0].expectations[0])
    assert check.status == "contradicted"
    assert check.contradicting_participants == 3
    said = [o.evidence for o in held.observations if o.theme == "pp-late"]
    # The map's own Evidence objects, verbatim with their offsets: none invented.
    assert sorted(check.contradicting, key=said.index) == said
    assert check.themes == ["pp-late"]


def test_a_quote_counts_for_the_expectation_it_is_nearest_to_not_every_one_it_resembles(held):
    delivery = _check(held, "Delivery", IDEAL.stages[0].expectations[0])
    recipes = _check(held, "Cooking", "Recipes are clear and quick to cook")
    tasty = "The recipes in this box looked tasty and easy to cook."
    assert tasty not in {e.quote for e in delivery.supporting}
    assert recipes.status == "supported" and recipes.supporting_participants == 2
    assert recipes.elsewhere == {"Delivery": 1}  # said in another stage: reported there
    assert all("crash" not in e.quote and "froze" not in e.quote for e in recipes.contradicting)


def test_an_expectation_nobody_speaks_to_has_no_evidence(held):
    points = _check(held, "Cooking", "Unused loyalty points turn into free desserts")
    assert points.status == "no evidence"
    assert not points.supporting and not points.contradicting and not points.elsewhere


def test_an_expectation_said_only_in_another_stage_is_judged_by_those_quotes(embedder):
    """Themes are study-wide: a topic the map placed in a neighbouring stage still decides."""
    elsewhere = IdealJourney(
        stages=[
            IdealStage(
                name="Cooking",
                expectations=["The box arrives within the chosen delivery window, with tracking"],
            )
        ]
    )
    m = compare_with_ideal(_map(), elsewhere, embedder.embed)
    check = _check(m, "Cooking", elsewhere.stages[0].expectations[0])
    assert check.status == "contradicted" and check.contradicting_participants == 3
    assert check.elsewhere == {"Delivery": 3}


def test_pain_from_more_people_than_relief_contradicts(held):
    person = _check(held, "Support", "A person answers quickly when something goes wrong")
    assert person.status == "contradicted"
    assert (person.contradicting_participants, person.supporting_participants) == (2, 1)


def test_the_valence_gap_says_below_only_when_the_whole_interval_is(held):
    gaps = {g.stage: g for g in held.ideal.stages}
    assert [g.stage for g in held.ideal.stages] == ["Delivery", "Cooking", "Support"]
    assert gaps["Delivery"].valence_status == "below target"
    assert gaps["Delivery"].valence_gap == pytest.approx(-2.1)
    # No valence given: the study's quotes labelled "delighted" set it (1.2, 1.6, 2.0).
    assert gaps["Cooking"].target_valence == pytest.approx(1.6)
    assert "3 quotes labelled 'delighted'" in gaps["Cooking"].target_from
    assert gaps["Cooking"].valence_status == "below target"
    assert gaps["Support"].valence_status == "too few quotes"  # no interval, no claim


def test_a_stage_the_map_lacks_is_reported_not_dropped(held):
    assert held.ideal.missing_stages == ["Renewal"]
    assert any("'Renewal' is not a stage of this map" in w for w in held.warnings)
    assert held.ideal.unplanned_stages == []


def test_an_ideal_sharing_no_stage_with_the_map_is_refused_unless_carried_over(embedder):
    other = IdealJourney(stages=[IdealStage(name="Boarding", expectations=["On time"])])
    with pytest.raises(InvalidRequestError, match=r"Boarding.*Delivery, Cooking, Support"):
        compare_with_ideal(_map(), other, embedder.embed)
    kept = compare_with_ideal(_map(), other, embedder.embed, strict=False)
    assert kept.ideal is not None and kept.ideal.missing_stages == ["Boarding"]


def test_the_relevance_bar_follows_how_alike_the_studys_themes_are():
    rng = np.random.default_rng(7)

    def study(spread: float) -> tuple[np.ndarray, list[str | None]]:
        centres = rng.normal(size=(6, 64))
        rows = [c + spread * rng.normal(size=64) for c in centres for _ in range(5)]
        vectors = np.array(rows, dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors, [f"t{i // 5}" for i in range(len(rows))]

    tight, _ = relevance_fraction(*study(0.3))
    loose, how = relevance_fraction(*study(1.5))
    assert 0 < loose < tight < 1 and "two quotes of one theme" in how
    fallback, why = relevance_fraction(study(0.3)[0], [None] * 30)
    assert fallback == pytest.approx(0.05) and "no theme" in why


# --- the file ---------------------------------------------------------------------------------

GOOD = """\
title: Meal kit, as intended
stages:
  - name: Delivery
    expectations:
      - "The box arrives on time: within the window"
    target_valence: 1.5
    kpis:
      - name: on time
        target: ">= 95%"
  - name: 售后服务
    expectations: 有人很快回复
    target_feeling: relieved
"""


def test_a_yaml_file_reads_with_a_single_expectation_as_a_list_and_writes_back_the_same():
    journey = read_ideal(GOOD, "ideal.yaml")
    assert [s.name for s in journey.stages] == ["Delivery", "售后服务"]
    assert journey.stages[1].expectations == ["有人很快回复"]
    assert journey.stages[0].kpis[0].target == ">= 95%"
    assert read_ideal(ideal_yaml(journey, ["a header"], {"Delivery": ["a note"]})) == journey
    as_json = json.dumps(journey.model_dump(mode="json"), ensure_ascii=False)
    assert read_ideal(as_json, "ideal.json") == journey


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (GOOD.replace("target_valence: 1.5", "target_valence: 3"), "ideal.yaml line 6: "
         "stages[0].target_valence: Input should be less than or equal to 2 (the emotion"),
        (GOOD.replace("    kpis:", "    expectation: late\n    kpis:"), "ideal.yaml line 7: "
         "stages[0]: unknown field 'expectation' (known here: name, expectations,"),
        (GOOD.replace("  - name: 售后服务", "  - nme: 售后服务"), "line 10: stages[1]: 'name' is "
         "missing"),
        (GOOD.replace("售后服务", "DELIVERY"), "line 10: stages[1]: the stage 'DELIVERY' is "
         "listed twice"),
        (GOOD.replace("    target_valence: 1.5", "  target_valence: 1.5"), "ideal.yaml line 6:"
         " not valid YAML"),
        ("stages: &s [{name: A}]\nmore: *s\n", "line 2: not valid YAML: anchors and aliases"),
        ('{"stages": [{"name": "A",}]}', "ideal.yaml line 1: not valid JSON"),
        ("just a sentence", "expected a mapping with `stages:`"),
        ("stages: []", "stages: List should have at least 1 item"),
    ],
)  # fmt: skip
def test_a_malformed_file_says_which_line_and_field_and_what_to_write(text: str, says: str):
    with pytest.raises(InvalidRequestError) as raised:
        read_ideal(text, "ideal.yaml")
    assert says in str(raised.value)
    assert "see samples/freshbox/ideal.yaml" in str(raised.value)


def test_an_oversized_file_is_refused_before_it_is_parsed():
    with pytest.raises(TooLargeError):
        read_ideal("stages:\n" + "  - name: x\n" * 30_000)


def test_the_sample_studys_ideal_journey_reads():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "samples" / "freshbox" / "ideal.yaml").read_text("utf-8")
    journey = read_ideal(text, "ideal.yaml")
    assert [s.name for s in journey.stages] == [
        "Awareness", "Consideration", "Purchase", "Onboarding", "Use", "Support", "Loyalty",
    ]  # fmt: skip
    assert all(s.expectations and s.target_valence is not None for s in journey.stages)


# --- the LLM's draft ----------------------------------------------------------------------------


def _tool_reply(arguments: dict[str, Any]) -> httpx.Response:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "IdealDraft", "arguments": json.dumps(arguments)},
    }
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 0,
            "model": "test-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 200, "completion_tokens": 80, "total_tokens": 280},
        },
    )


def _llm(tmp_path, reply) -> LLM:  # type: ignore[no-untyped-def]
    settings = Settings(
        home=tmp_path,
        llm_provider="openai-compatible",
        llm_base_url="http://llm.test/v1",
        llm_model="test-model",
        llm_max_retries=0,
    )
    client = httpx.Client(transport=httpx.MockTransport(reply))
    return LLM(settings, Repository(tmp_path / "journeymap.sqlite"), client)


SPECS = [
    StageSpec("Sign-up", "creating an account"),
    StageSpec("Delivery", "the first box"),
]


def test_the_llm_drafts_from_the_guide_and_the_stages_keep_their_names(tmp_path):
    asked: list[dict[str, Any]] = []

    def reply(request: httpx.Request) -> httpx.Response:
        asked.append(json.loads(request.content))
        return _tool_reply(
            {
                "stages": [
                    {
                        "name": "sign-up",
                        "expectations": ["Signing up takes two minutes", " "],
                        "target_valence": 5,
                        "target_feeling": "confident",
                    },
                    {
                        "name": "Loyalty",  # not a stage given: dropped
                        "expectations": ["People come back"],
                        "target_valence": 1,
                        "target_feeling": "loyal",
                    },
                ]
            }
        )

    journey = draft_ideal(
        _llm(tmp_path, reply),
        SPECS,
        {"Sign-up": ["How did signing up go?"]},
        ["Anything else?"],
        "Kit: intended journey (draft)",
    )
    prompt = asked[0]["messages"][1]["content"]
    assert "How did signing up go?" in prompt and "Anything else?" in prompt
    assert "<data>" in prompt
    assert [s.name for s in journey.stages] == ["Sign-up", "Delivery"]
    signup, delivery = journey.stages
    assert signup.expectations == ["Signing up takes two minutes"]
    assert signup.target_valence == 2  # clamped to the curve's scale
    assert delivery.expectations == [] and delivery.target_valence is None  # left to the team
    assert "drafted by openai-compatible:test-model" in journey.origin
    assert read_ideal(ideal_yaml(journey)) == journey  # the file it writes reads back


def test_a_failing_model_is_a_typed_error(tmp_path):
    def down(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, json={"error": {"message": "down"}})

    with pytest.raises(LLMError):
        draft_ideal(_llm(tmp_path, down), SPECS, {}, [], "t")


# --- through the use-case layer ----------------------------------------------------------------


def test_a_rebuild_for_new_sources_holds_the_same_ideal_against_the_new_map(
    workspace, small_study, tmp_path
):
    from assistant.study import Studies
    from ingest.pipeline import IngestOptions, IngestReport

    small_study(workspace)
    study = Studies(workspace)("study")
    ideal = IdealJourney(
        stages=[
            IdealStage(
                name="Support",
                expectations=["Someone answers the support chat within minutes"],
                target_valence=1,
            )
        ]
    )
    built = study.build_map(ideal=ideal)
    assert built.ideal is not None and built.ideal.journey == ideal
    assert study.stored_map().ideal == built.ideal  # stored with the map

    cy = tmp_path / "cy.txt"
    cy.write_text(
        "Interviewer: And support?\nCy: The support chat answered in two minutes and fixed it.\n",
        encoding="utf-8",
    )
    workspace.ingestor("study", IngestOptions()).ingest([cy], IngestReport())
    fresh = study.fresh_map()
    assert fresh.id != built.id
    assert fresh.ideal is not None and fresh.ideal.journey == ideal


def test_the_study_drafts_with_the_configured_llm_from_the_interviewers_questions(
    tmp_path, embedder, small_study
):
    from assistant.study import Studies
    from assistant.workspace import open_workspace

    asked: list[str] = []

    def reply(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        asked.append(body["messages"][1]["content"])
        stages = [
            {
                "name": name,
                "expectations": [f"{name} goes smoothly"],
                "target_valence": 1,
                "target_feeling": "confident",
            }
            for name in ("Awareness", "Purchase", "Support")
        ]
        return _tool_reply({"stages": stages})

    settings = Settings(
        home=tmp_path / "home",
        llm_provider="openai-compatible",
        llm_base_url="http://llm.test/v1",
        llm_model="test-model",
        llm_max_retries=0,
    )
    client = httpx.Client(transport=httpx.MockTransport(reply))
    workspace = open_workspace(settings, embedder, client)
    try:
        small_study(workspace)
        journey, text = Studies(workspace)("study").draft_ideal()
    finally:
        workspace.close()
    assert "How was your first order?" in asked[0]  # the guide's questions, as data
    assert "What happened when you needed help?" in asked[0]
    named = {s.name: s for s in journey.stages}
    assert list(named)[:2] == ["Awareness", "Consideration"]  # the map's stages, all of them
    assert named["Support"].expectations == ["Support goes smoothly"]
    assert named["Consideration"].expectations == []  # not drafted: left to fill in
    assert read_ideal(text, "draft.yaml") == journey


def test_an_intended_journey_is_held_to_its_size_as_an_object_too():
    """A hostile-input trial: a 3 MB ideal sent as a JSON object grew the stored map from 24 KB
    to 6.5 MB, and a 100,000-character stage name was echoed whole in an error."""
    from assistant.ideal_files import read_ideal
    from journey.errors import InvalidRequestError, TooLargeError

    with pytest.raises(TooLargeError, match="at most"):
        read_ideal({"stages": [{"name": "Buy", "expectations": ["x" * 300_000]}]})
    with pytest.raises(InvalidRequestError, match="at most 200 characters") as refused:
        read_ideal({"stages": [{"name": "x" * 100_000}]})
    assert len(str(refused.value)) < 2_000
    with pytest.raises(InvalidRequestError, match="at most 50 items"):
        read_ideal({"stages": [{"name": "Buy", "expectations": ["e"] * 80}]})
    assert read_ideal({"stages": [{"name": "Buy", "expectations": ["Fees are clear"]}]})
