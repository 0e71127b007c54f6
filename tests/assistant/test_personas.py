"""Personas grouped from the evidence: only as many groups as the data supports."""

from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest

from assistant.mapping import build_map
from assistant.personas import find_personas, personas_by_segment, with_personas
from assistant.settings import Settings
from assistant.synthesis import participant_key
from assistant.workspace import Workspace, open_workspace
from ingest.pipeline import IngestOptions, IngestReport, find_files
from journey.lanes import segment_views
from journey.render import render
from journey.schema import DefiningTheme, JourneyMap, Persona
from tests.assistant.synthetic import Said, synthetic_map

SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"


def _two_kinds_of_people(n: int = 6) -> dict[str, list[Said]]:
    """n people who fight fees and late boxes; n who love the recipes and find it easy."""
    people: dict[str, list[Said]] = {}
    for i in range(n):
        people[f"a{i}"] = [
            ("Buy", "pp-fee", -1.5),
            ("Buy", "pp-late", -1.0),
            ("Use", "pp-late" if i % 2 else "dl-easy", -0.5 if i % 2 else 1.0),
        ]
        people[f"b{i}"] = [
            ("Use", "dl-recipes", 1.5),
            ("Use", "dl-easy", 1.0),
            ("Buy", "pp-fee" if i == 0 else "dl-price", -1.0 if i == 0 else 1.0),
        ]
    return people


def test_two_groups_that_experience_the_journey_differently_become_two_named_personas():
    m = synthetic_map(
        _two_kinds_of_people(), titles={"pp-fee": "Hidden fee", "dl-recipes": "Tasty"}
    )
    personas = find_personas(m)
    assert len(personas) == 2
    members = [set(p.participants) for p in personas]
    assert {f"a{i}" for i in range(6)} in members and {f"b{i}" for i in range(6)} in members
    fee = next(p for p in personas if "a0" in p.participants)
    assert fee.size == 6 and "Hidden fee" in fee.name
    top = fee.defining_themes[0]
    assert top.share > top.rest_share and top.participants >= 5
    assert fee.quote is not None and participant_key(fee.quote) in fee.participants
    assert (
        fee.stages["Buy"].mean_valence
        < 0
        < next(p for p in personas if p is not fee).stages["Use"].mean_valence
    )
    assert fee.stages["Buy"].participants == 6 and "pp-fee" in fee.pain_points


def test_a_study_of_three_participants_has_no_personas():
    people = {k: v for k, v in _two_kinds_of_people(2).items() if k != "b1"}
    assert len(people) == 3
    assert find_personas(synthetic_map(people)) == []


def test_people_who_all_say_the_same_are_one_group_not_several():
    same: list[Said] = [("Buy", "pp-fee", -1.0), ("Use", "dl-recipes", 1.0)]
    assert find_personas(synthetic_map({f"p{i}": same for i in range(12)})) == []


def test_themes_only_one_person_raised_group_nobody():
    people: dict[str, list[Said]] = {f"p{i}": [("Buy", f"pp-own-{i}", -1.0)] for i in range(12)}
    assert find_personas(synthetic_map(people)) == []


def test_each_members_persona_becomes_a_segment_the_map_can_switch_to():
    m = with_personas(synthetic_map(_two_kinds_of_people()))
    names = {p.name for p in m.personas}
    assert set(m.sources.segments["persona"]) == names
    assert all(o.segment["persona"] in names for o in m.observations)
    fee = next(f for s in m.stages for f in s.pain_points if f.id == "pp-fee")
    assert sum(fee.segments["persona"].values()) == fee.participants
    views = [v for v in segment_views(m) if v.key == "persona"]
    assert {v.value for v in views} == names and all(v.curve for v in views)
    assert JourneyMap.model_validate_json(m.model_dump_json()) == m


def test_a_study_with_its_own_persona_segment_keeps_it():
    people = _two_kinds_of_people()
    own = {who: {"persona": "planner" if who[0] == "a" else "cook"} for who in people}
    m = with_personas(synthetic_map(people, segments=own))
    assert m.personas and set(m.sources.segments["persona"]) == {"planner", "cook"}


def test_personas_can_be_given_by_a_segment_key():
    people = _two_kinds_of_people()
    plan = {who: {"plan": "family" if who[0] == "a" else "single"} for who in people}
    personas = personas_by_segment(synthetic_map(people, segments=plan), "plan")
    assert [(p.name, p.size, p.origin) for p in personas] == [
        ("family", 6, "segment plan"),
        ("single", 6, "segment plan"),
    ]
    assert personas[0].defining_themes[0].theme == "pp-late"


@pytest.fixture(scope="module")
def freshbox_map(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[JourneyMap]:
    workspace: Workspace = open_workspace(
        Settings(home=tmp_path_factory.mktemp("personas")), embedder
    )
    files, _ = find_files([SAMPLES / "interviews", SAMPLES / "reviews"])
    workspace.ingestor("freshbox", IngestOptions()).ingest(files, IngestReport())
    yield build_map(workspace, "freshbox")
    workspace.close()


def test_the_sample_study_has_personas_grounded_in_its_participants(freshbox_map: JourneyMap):
    m = freshbox_map
    assert 2 <= len(m.personas) <= 5
    everyone = {participant_key(o.evidence) for o in m.observations}
    seen: set[str] = set()
    for p in m.personas:
        assert p.size == len(p.participants) >= 3
        assert set(p.participants) <= everyone and not seen & set(p.participants)
        seen |= set(p.participants)
        titles = [d.title for d in p.defining_themes]
        # named by what most of its members raise, else "Group N" (a read-out trial's persona
        # of 32 was named by a theme 4 of them raised)
        naming = [d.title for d in p.defining_themes if d.share >= 0.5]
        assert titles and (naming[0] in p.name if naming else p.name.startswith("Group "))
        assert all(d.share > d.rest_share for d in p.defining_themes)
        assert p.quote is not None and participant_key(p.quote) in p.participants
        assert p.stages and p.pain_points
    # Someone who loves the recipes and someone who fights the fees are not one persona.
    assert len({p.name for p in m.personas}) == len(m.personas)
    assert "persona" in {v.key for v in segment_views(m)}
    html = render(m, "html")  # the map's segment switcher offers each persona
    assert all(f"persona: {escape(p.name)}" in html for p in m.personas)


def test_a_map_saved_before_personas_existed_still_loads():
    old = synthetic_map(_two_kinds_of_people()).model_dump(mode="json")
    del old["personas"]
    assert JourneyMap.model_validate(old).personas == []


def test_personas_follow_the_edits_of_their_themes():
    """A curation trial renamed a persona's defining theme and dismissed another: the personas
    kept the old title (in the HTML's segment switcher) and the dismissed theme's id."""
    from assistant.personas import after_edits
    from journey.edits import Edit, anchor, apply_edits, find

    m = with_personas(
        synthetic_map(
            _two_kinds_of_people(), titles={"pp-fee": "Hidden fee", "dl-recipes": "Tasty"}
        )
    )
    fee, late = find(m, "pp-fee"), find(m, "pp-late")
    assert fee is not None and late is not None
    edits = [
        Edit(id="e1", op="rename", anchor=anchor(fee[1]), title="Fee shown only at checkout"),
        Edit(id="e2", op="delete", anchor=anchor(late[1])),
    ]
    edited = after_edits(apply_edits(m, edits))
    names = {p.name for p in edited.personas}
    assert any("Fee shown only at checkout" in n for n in names), names
    assert not any("Hidden fee" in n for n in names)
    assert all(t.theme != "pp-late" for p in edited.personas for t in p.defining_themes)
    assert all("pp-late" not in p.pain_points for p in edited.personas)
    assert set(edited.sources.segments["persona"]) == names
    assert all(
        o.segment.get("persona") in names for o in edited.observations if "persona" in o.segment
    )


def test_two_personas_are_never_named_by_one_theme_nor_by_what_everyone_says():
    """A laptop-review trial's segment switcher offered "Macbook is a fantastic laptop" twice;
    the second was a theme 100% of its members and 54% of everyone else raised."""
    from assistant.personas import _distinct_names

    def persona(n: int, *themes: tuple[str, float, float]) -> Persona:
        return _persona(n, *((f"t-{t}", t, s, r) for t, s, r in themes))

    m = synthetic_map({"P1": [("Buy", "pp-x", -1.0)]})
    named = _distinct_names(
        m,
        [
            persona(1, ("Great laptop", 0.9, 0.3)),
            persona(2, ("Great laptop", 1.0, 0.54), ("Battery lasts all day", 0.8, 0.1)),
            persona(3, ("Great laptop", 1.0, 0.5)),
            persona(4, ("Everyone says this", 0.9, 0.85)),
        ],
    )
    assert [p.name for p in named] == [
        "Great laptop",
        "Battery lasts all day",
        "Group 3: no theme most share",
        "Group 4: no theme most share",
    ]


def test_a_persona_name_says_whether_its_themes_frustrate_or_please_its_members():
    """The sample's segment list read "No tracking link: 6, Recipe cards are really clear: 13",
    persona names that looked like one more finding."""
    from assistant.personas import _distinct_names

    def persona(n: int, *themes: str) -> Persona:
        return _persona(n, *((t, t[3:], 0.8, 0.1) for t in themes))

    m = synthetic_map({"P1": [("Buy", "pp-x", -1.0)]})
    named = _distinct_names(
        m,
        [
            persona(1, "pp-No tracking link", "pp-Late again"),
            persona(2, "dl-Recipes are clear", "pp-Too much plastic"),
        ],
    )
    assert [p.name for p in named] == [
        "Frustrated: No tracking link · Late again",
        "Pleased: Recipes are clear · frustrated: Too much plastic",
    ]
    zh = synthetic_map({"P1": [("Buy", "pp-x", -1.0)]}).model_copy(update={"language": "zh"})
    (one,) = _distinct_names(zh, [persona(1, "dl-复诊开药方便")])
    assert one.name == "满意：复诊开药方便"


def _persona(n: int, *themes: tuple[str, str, float, float]) -> Persona:
    """An unnamed persona of 10 with defining themes (id, title, share, share of the rest)."""
    return Persona(
        id=f"persona-{n}",
        name="",
        participants=[f"P{n}"],
        size=10,
        defining_themes=[
            DefiningTheme(theme=t, title=title, participants=round(10 * s), share=s, rest_share=r)
            for t, title, s, r in themes
        ],
    )
