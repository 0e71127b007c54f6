"""The draft map of the bundled sample study, built offline on a real store."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.cues import bare_feeling
from assistant.mapping import build_map
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace
from ingest.pipeline import IngestOptions, IngestReport, find_files
from ingest.redact import Redactor
from journey.grounding import normalize_ws
from journey.schema import JourneyMap
from journey.source import Role

SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"


@pytest.fixture(scope="module")
def freshbox(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Workspace]:
    """The sample study, ingested once for this module (the tests only read it)."""
    home = tmp_path_factory.mktemp("freshbox")
    workspace = open_workspace(Settings(home=home), embedder)
    files, _ = find_files([SAMPLES / "interviews", SAMPLES / "reviews"])
    workspace.ingestor("freshbox", IngestOptions()).ingest(files, IngestReport())
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def freshbox_map(freshbox: Workspace) -> JourneyMap:
    return build_map(freshbox, "freshbox")


def test_every_quote_in_the_map_is_verbatim_from_a_participant(
    freshbox: Workspace, freshbox_map: JourneyMap
):
    m = freshbox_map
    stored = {s.source.id: s for s in freshbox.catalog.sources("freshbox")}
    redactor = Redactor(freshbox.catalog.aliases("freshbox"))
    evidence = list(m.evidence())
    assert len(evidence) > 50
    for e in evidence:
        item = stored[e.source_id]
        original = item.original[e.char_start : e.char_end]
        assert normalize_ws(redactor.redact(original)[0]) == normalize_ws(e.quote)
        assert e.verified
        turn = next(t for t in item.source.turns if t.char_start <= e.char_start < t.char_end)
        assert turn.role is Role.participant, e.quote
        assert "Maria" not in e.quote and "@" not in e.quote


def test_the_sample_map_finds_the_recurring_pain_points(freshbox_map: JourneyMap):
    m = freshbox_map
    assert [s.name for s in m.stages][:2] == ["Awareness", "Consideration"]
    assert m.sources.count == 47 and m.sources.languages["zh"] >= 1
    pains = [p for s in m.stages for p in s.pain_points]
    assert pains and all(1 <= p.severity <= 5 and 0 < p.share <= 1 for p in pains)
    text = " ".join((p.title + " " + " ".join(e.quote for e in p.evidence)).lower() for p in pains)
    for theme in ("deliver", "fee", "cancel"):
        assert theme in text
    assert any(p.participants >= 3 for p in pains)
    assert any(s.emotion.mean_valence is not None and s.emotion.mean_valence < 0 for s in m.stages)
    assert any(any("\u4e00" <= ch <= "\u9fff" for ch in e.quote) for e in m.evidence()), (
        "the Chinese interview contributes quotes"
    )


def test_recommendations_cite_existing_pain_points_and_rank_by_priority(
    freshbox_map: JourneyMap,
):
    m = freshbox_map
    ids = {p.id for s in m.stages for p in s.pain_points}
    assert m.recommendations
    priorities = [r.priority for r in m.recommendations]
    assert priorities == sorted(priorities, reverse=True)
    for r in m.recommendations:
        assert set(r.addresses) <= ids and r.evidence
        assert r.priority == pytest.approx(r.impact / r.effort, abs=1e-3)


def test_sample_titles_are_short_clauses_never_fillers_lone_words_digits_or_placeholders(
    freshbox_map: JourneyMap,
):
    import re

    filler = re.compile(r"^(?:and|but|so|yeah|well|oh|um|honestly|actually|just|i|the)\b", re.I)
    findings = [
        f
        for s in freshbox_map.stages
        for f in (*s.pain_points, *s.delights, *s.pain_points_once, *s.delights_once)
    ]
    assert findings
    for f in findings:
        chinese = any("\u4e00" <= ch <= "\u9fff" for ch in f.title)
        assert (len(f.title) >= 4) if chinese else (2 <= len(f.title.split()) <= 9), f.title
        assert not filler.match(f.title), f.title
        assert not re.search(r"\d|\[[A-Z ]+\]|Participant|…", f.title), f.title
        assert f.description.startswith(f"{f.participants} of {freshbox_map.sources.participants}")
        assert f.home_stage and f.home_stage in f.description


def test_the_sample_gets_one_recommendation_per_theme_and_the_scoring_once(
    freshbox_map: JourneyMap,
):
    import re

    recs = freshbox_map.recommendations
    themes = [r.addresses[0] for r in recs]
    assert all(len(r.addresses) == 1 for r in recs) and len(set(themes)) == len(themes)
    assert len({r.title for r in recs}) == len(recs)
    assert all(not r.scoring and r.kind for r in recs) and "impact / effort" in freshbox_map.scoring
    assert not any(re.search(r"\b1 participants", r.rationale) for r in recs)


def test_the_same_inputs_give_the_same_map(freshbox: Workspace, freshbox_map: JourneyMap):
    first = freshbox_map.model_dump(mode="json", exclude={"generated_at"})
    # and the build says each step it takes (a job's progress had stayed at its first step)
    steps: list[tuple[float, str]] = []
    second = build_map(
        freshbox, "freshbox", phase=lambda fraction, message: steps.append((fraction, message))
    ).model_dump(mode="json", exclude={"generated_at"})
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert [f for f, _ in steps] == sorted(f for f, _ in steps) and len(steps) == 4
    assert steps[1][1].startswith("grouping ") and "observations into themes" in steps[1][1]


def test_a_map_is_built_on_one_blas_thread_whatever_the_machine_has(
    freshbox: Workspace, monkeypatch: pytest.MonkeyPatch
):
    """A laptop study's map changed in 35 of 68 themes between one BLAS thread and two
    (products summed in another order round differently, and near-ties fall the other way):
    the same inputs must give the same map on a 2-core CI box and an 8-core laptop."""
    from threadpoolctl import threadpool_info, threadpool_limits

    import assistant.analysts as analysts

    seen: list[int] = []
    grouped = analysts.theme_groups

    def counting(*args: object, **kwargs: object) -> object:
        seen.extend(p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas")
        return grouped(*args, **kwargs)

    monkeypatch.setattr(analysts, "theme_groups", counting)
    with threadpool_limits(limits=2):
        build_map(freshbox, "freshbox")
    assert seen and set(seen) == {1}


def test_stages_given_by_the_user_are_used_in_their_order(freshbox: Workspace):
    from assistant.stages import parse_stages

    specs = parse_stages(
        [
            "Discover: hearing about it, ads, friends",
            "Delivery: the box arriving, courier, packaging",
            "Leaving: cancelling or renewing",
        ]
    )
    m = build_map(freshbox, "freshbox", specs)
    assert [s.name for s in m.stages] == ["Discover", "Delivery", "Leaving"]
    delivery = m.stages[1]
    assert any(
        "deliver" in e.quote.lower() or "courier" in e.quote.lower()
        for p in delivery.pain_points
        for e in p.evidence
    )


def test_no_theme_is_made_of_feelings_alone(freshbox_map: JourneyMap):
    from assistant.keyphrases import names_something

    findings = [f for s in freshbox_map.stages for f in (*s.pain_points, *s.delights)]
    for f in findings:
        assert any(names_something(e.quote) for e in f.evidence), f.title
    assert not names_something("I was annoyed.") and names_something("The box came late.")


def test_the_map_keeps_every_observation_with_the_theme_it_joined(freshbox_map: JourneyMap):
    m = freshbox_map
    assert len(m.observations) == m.stats.observations
    findings = {
        f.id: f
        for s in m.stages
        for f in (*s.pain_points, *s.delights, *s.pain_points_once, *s.delights_once)
    }
    themed = [o for o in m.observations if o.theme]
    assert themed and {o.theme for o in themed} == set(findings)
    for o in themed:  # a theme's observations are of its kind, from its home or other stages
        finding = findings[o.theme or ""]
        assert o.kind.value == ("pain_point" if finding.id.startswith("pp-") else "delight")
        assert o.stage == finding.home_stage or o.stage in finding.also_in
        assert any(
            s.name == finding.home_stage
            and finding in (*s.pain_points, *s.delights, *s.pain_points_once, *s.delights_once)
            for s in m.stages
        )
    for f in findings.values():  # every quote a theme shows is one of its coded segments
        coded = {(o.evidence.source_id, o.evidence.char_start) for o in themed if o.theme == f.id}
        assert {(e.source_id, e.char_start) for e in f.evidence} <= coded


def test_small_talk_and_bare_feelings_are_not_findings(freshbox_map: JourneyMap):
    findings = [o for o in freshbox_map.observations if o.kind.value in ("pain_point", "delight")]
    quotes = {o.evidence.quote.strip() for o in findings}
    for line in ("Yep, all good.", "No, I think that's it.", "没有了，就这些。"):
        assert not any(line in q for q in quotes), line
    # "I was quite cross." lends its feeling to what it was about, and is no finding itself.
    assert not any(bare_feeling(q) for q in quotes)


def test_a_headline_needs_two_people_and_single_mentions_stay_in_the_map(
    freshbox_map: JourneyMap,
):
    stages = freshbox_map.stages
    assert all(f.participants >= 2 for s in stages for f in (*s.pain_points, *s.delights))
    once = [f for s in stages for f in (*s.pain_points_once, *s.delights_once)]
    assert once and all(f.participants == 1 for f in once)
    assert freshbox_map.generator.settings["min_participants"] == 2


def test_a_map_says_when_too_few_interviews_have_guide_headings(freshbox_map: JourneyMap):
    """A transit trial's headings in 2 of 6 transcripts were passed over without a word."""
    assert any("2 of 7 interviews have guide headings" in w for w in freshbox_map.warnings)


def test_a_usability_test_files_what_is_said_under_the_task_the_moderator_set(
    tmp_path: Path, embedder
):
    """A think-aloud trial's moderator said "Task 2: …" mid-turn: 45 of 134 quotes went to
    another task's stage, a password complaint under eligibility."""
    from assistant.stages import parse_stages

    session = (
        "Moderator: Thanks for joining. Task 1: find out whether you qualify for help.\n"
        "Ana: The page is a wall of text, I have no idea what countable income means.\n"
        "Moderator: Thanks. Task 2: please create an account.\n"
        "Ana: Okay, typing. It keeps saying the thing I typed is not good enough.\n"
        "Moderator: What's going through your mind?\n"
        "Ana: That it never tells me the rules, so I just keep guessing.\n"
        "Moderator: Task 3: check on your application.\n"
        "Ana: It just says pending, with a code I don't understand.\n"
    )
    for i in (1, 2):
        (tmp_path / f"p{i}.txt").write_text(session.replace("Ana", f"Ana{i}"), encoding="utf-8")
    workspace = open_workspace(Settings(home=tmp_path / "home"), embedder)
    try:
        files, _ = find_files([tmp_path])
        workspace.ingestor("ux", IngestOptions()).ingest(files, IngestReport())
        specs = parse_stages(
            [
                "Eligibility: Task 1, finding out whether you qualify",
                "Account: Task 2, registering",
                "Status: Task 3, checking the application",
            ]
        )
        m = build_map(workspace, "ux", specs, min_participants=1)
    finally:
        workspace.close()
    stage_of = {o.evidence.quote: o.stage for o in m.observations}
    assert stage_of["That it never tells me the rules, so I just keep guessing."] == "Account"
    assert stage_of["It just says pending, with a code I don't understand."] == "Status"
    assert any(
        q.startswith("The page is a wall of text") and s == "Eligibility"
        for q, s in stage_of.items()
    )
