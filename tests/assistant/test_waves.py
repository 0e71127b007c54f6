"""Waves of research: new, grown, shrunk and resolved themes, and the curve's change."""

import re

import numpy as np

from assistant.compare import METHOD, compare
from assistant.waves import diff_maps, diff_slices
from journey.diff import diff_markdown
from tests.assistant.synthetic import Said, synthetic_map

HAN = re.compile(r"[\u4e00-\u9fff]")


def _waves(n: int = 8) -> tuple[dict[str, list[Said]], dict[str, dict[str, str]]]:
    """Wave 1: everyone hits a hidden fee and feels bad buying; wave 2: the fee is gone, the
    app crashes for everyone, buying feels fine. A delight stays; one person's gripe vanishes."""
    people: dict[str, list[Said]] = {}
    waves: dict[str, dict[str, str]] = {}
    for i in range(n):
        people[f"w1-{i}"] = [("Buy", "pp-fee", -1.5 + 0.1 * (i % 3)), ("Use", "dl-taste", 1.0)]
        people[f"w2-{i}"] = [("Buy", "pp-app", 0.5 + 0.1 * (i % 3)), ("Use", "dl-taste", 1.0)]
        waves[f"w1-{i}"], waves[f"w2-{i}"] = {"wave": "1"}, {"wave": "2"}
    people["w1-0"].append(("Use", "pp-once", -1.0))
    return people, waves


def test_slices_of_one_study_show_new_resolved_and_steady_themes_and_the_curve_change():
    people, waves = _waves()
    d = diff_slices(synthetic_map(people, segments=waves), "wave", "1", "2")
    status = {t.title: t.status for t in d.themes}
    assert status == {"pp app": "new", "pp fee": "resolved", "dl taste": "steady"}
    assert d.themes[0].status == "new" and d.themes[0].b_participants == 8
    assert d.themes[0].p_value is not None and d.themes[0].p_value < 0.001
    assert (d.a, d.b, d.a_participants, d.b_participants) == ("wave=1", "wave=2", 8, 8)
    buy = next(c for c in d.curve if c.stage == "Buy")
    assert buy.change is not None and buy.change > 1.5
    assert buy.ci_low is not None and buy.ci_high is not None and buy.ci_low > 0
    assert buy.a.participants == 8 and not buy.note


def test_a_change_from_a_handful_of_people_is_not_claimed():
    people, waves = _waves(2)
    d = diff_slices(synthetic_map(people, segments=waves), "wave", "1", "2")
    assert all(c.note == "not enough participants" and c.ci_low is None for c in d.curve)
    assert {t.title: t.status for t in d.themes}["dl taste"] == "steady"
    assert all(t.status != "grown" and t.status != "shrunk" for t in d.themes)


def test_map_versions_match_themes_by_their_shared_quotes_and_see_one_grow():
    before = {f"p{i}": [("Use", "pp-x" if i < 2 else None, -1.0)] for i in range(10)}
    after = {f"p{i}": [("Use", "pp-y", -1.0)] for i in range(10)}
    a = synthetic_map(before, map_id="map-a", titles={"pp-x": "App freezes"})
    b = synthetic_map(after, map_id="map-b", titles={"pp-y": "The app freezes at checkout"})
    d = diff_maps(a, b)
    (t,) = d.themes
    assert (t.status, t.a_id, t.b_id, t.matched_by) == ("grown", "pp-x", "pp-y", "shared quotes")
    assert (t.a_participants, t.b_participants) == (2, 10) and t.p_value < 0.01


def _fake_embed(texts: list[str]) -> np.ndarray:
    """Words about fees point one way, about lateness another (a stand-in for the model)."""
    rows = []
    for text in texts:
        v = np.array([1.0 if "fee" in text.lower() else 0.0, 1.0 if "late" in text else 0.0, 0.1])
        rows.append(v / np.linalg.norm(v))
    return np.vstack(rows)


def test_map_versions_without_shared_quotes_match_themes_by_their_words():
    a = synthetic_map(
        {f"a{i}": [("Buy", "pp-fee-a", -1.0), ("Use", "pp-late-a", -1.0)] for i in range(4)},
        map_id="map-a",
    )
    b = synthetic_map(
        {f"b{i}": [("Buy", "pp-fee-b", -1.0), ("Use", "pp-late-b", -1.0)] for i in range(4)},
        map_id="map-b",
    )
    d = diff_maps(a, b, embed=_fake_embed)
    pairs = {(t.a_id, t.b_id, t.matched_by, t.status) for t in d.themes}
    assert pairs == {
        ("pp-fee-a", "pp-fee-b", "similar words", "steady"),
        ("pp-late-a", "pp-late-b", "similar words", "steady"),
    }
    unmatched = diff_maps(a, b)  # no model: titles differ, so nothing is matched
    assert {t.status for t in unmatched.themes} == {"new", "resolved"}


def test_the_diff_reads_as_a_markdown_section():
    people, waves = _waves()
    md = diff_markdown(diff_slices(synthetic_map(people, segments=waves), "wave", "1", "2"))
    assert md.startswith("## What changed: wave=1 → wave=2 (by wave)")
    assert "| new | pp app (pain point) | Buy | 0 (0%) | 8 (100%) |" in md
    assert "| resolved | pp fee (pain point)" in md and "1 themes held steady" in md
    assert "| Buy | -1.41 (" in md and "n=8) |" in md


def test_the_diff_of_a_chinese_study_reads_in_chinese_around_its_titles_and_stages():
    everyone, their_waves = _waves()
    chinese = synthetic_map(everyone, segments=their_waves).model_copy(update={"language": "zh"})
    d = diff_slices(chinese, "wave", "1", "2")
    assert d.language == "zh" and all(HAN.search(n) for n in d.notes)
    assert [t.status for t in d.themes][:2] == ["new", "resolved"]  # codes stay codes
    md = diff_markdown(d)
    assert md.startswith("## 变化：wave=1 → wave=2（按 wave）")
    assert "| 新出现 | pp app（痛点） | Buy | 0 (0%) | 8 (100%) |" in md
    for english in ("What changed", "participants", "held steady", "pain point", "Stage", " to "):
        assert english not in md, english
    people, waves = _waves(2)
    small = diff_markdown(diff_slices(synthetic_map(people, segments=waves), "wave", "1", "2"))
    assert "not enough participants" in small  # an English study's diff as it was
    zh_small = synthetic_map(people, segments=waves).model_copy(update={"language": "zh"})
    assert "参与者不足" in diff_markdown(diff_slices(zh_small, "wave", "1", "2"))


def test_a_comparison_of_a_chinese_studys_groups_says_its_method_and_notes_in_chinese():
    people, waves = _waves(2)
    chinese = synthetic_map(people, segments=waves).model_copy(update={"language": "zh"})
    found = compare(chinese, "wave")
    assert found.language == "zh" and HAN.search(found.method) and "Fisher" in found.method
    assert found.notes and all(HAN.search(n) and "not enough" not in n for n in found.notes)
    assert {s.verdict for s in found.stages} == {"not enough participants"}  # a code
    english = compare(synthetic_map(people, segments=waves), "wave")
    assert english.method == METHOD and english.notes[0].startswith("not enough participants")


def test_one_studys_maps_in_two_languages_pair_their_stages():
    """`map --lang zh` beside the English map: the same stages, so the curve is steady."""
    people = {
        f"p{i}": [("Purchase", "pp-fee", -1.0), ("Onboarding", "dl-taste", 1.0)] for i in range(6)
    }
    english = synthetic_map(people, stages=("Purchase", "Onboarding"))
    chinese_people = {
        who: [({"Purchase": "购买决策", "Onboarding": "开始使用"}[s], t, v) for s, t, v in said]
        for who, said in people.items()
    }
    chinese = synthetic_map(chinese_people, stages=("购买决策", "开始使用"), map_id="map-zh")
    chinese = chinese.model_copy(update={"language": "zh"})
    d = diff_maps(english, chinese)
    assert [c.stage for c in d.curve] == ["购买决策", "开始使用"]
    assert all(c.change == 0 and not c.note for c in d.curve)
