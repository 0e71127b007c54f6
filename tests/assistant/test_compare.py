"""Comparing segments: participants are the unit, and small samples never make a difference."""

import pytest

from assistant.compare import benjamini_hochberg, compare, fisher, valence_point, welch_interval
from assistant.personas import with_personas
from tests.assistant.synthetic import Said, synthetic_map


def _study(n_a: int, n_b: int, raised_a: int, raised_b: int) -> dict[str, list[Said]]:
    """n_a people on the family plan, n_b single; raised_x of each hit the late box."""
    people: dict[str, list[Said]] = {}
    for i in range(n_a):
        said: list[Said] = [("Buy", "dl-price", 1.0 + 0.1 * (i % 3))]
        people[f"f{i}"] = [*said, ("Use", "pp-late", -1.5)] if i < raised_a else said
    for i in range(n_b):
        said = [("Buy", "dl-price", 1.2 - 0.1 * (i % 3))]
        people[f"s{i}"] = [*said, ("Use", "pp-late", -1.5)] if i < raised_b else said
    return people


def _plans(people: dict[str, list[Said]]) -> dict[str, dict[str, str]]:
    return {who: {"plan": "family" if who[0] == "f" else "single"} for who in people}


def test_one_participant_against_none_is_never_a_difference():
    people = _study(1, 1, 1, 0)
    c = compare(synthetic_map(people, segments=_plans(people)), "plan")
    late = next(t for t in c.themes if t.theme == "pp-late")
    assert late.participants == {"family": 1, "single": 0}
    assert late.verdict == "not enough participants" and late.p_value is None
    assert all(s.verdict == "not enough participants" for s in c.stages)
    assert any("not enough participants" in n for n in c.notes)


def test_three_of_three_against_none_of_three_is_not_yet_a_difference():
    people = _study(3, 3, 3, 0)
    c = compare(synthetic_map(people, segments=_plans(people)), "plan")
    late = next(t for t in c.themes if t.theme == "pp-late")
    assert late.gap == 1.0 and late.p_value == pytest.approx(0.1)
    assert late.verdict == "no clear difference"


def test_a_theme_most_of_one_group_raises_and_none_of_the_other_differs():
    people = _study(8, 8, 8, 0)
    c = compare(synthetic_map(people, segments=_plans(people)), "plan")
    assert [(g.value, g.participants) for g in c.groups] == [("family", 8), ("single", 8)]
    late = c.themes[0]
    assert late.theme == "pp-late" and late.verdict == "differs"
    assert late.shares == {"family": 1.0, "single": 0.0} and late.q_value < 0.01
    use = next(s for s in c.stages if s.stage == "Use")
    family = next(p for p in use.groups if p.group == "family")
    assert family.participants == 8 and family.mean_valence == -1.5
    assert next(p for p in use.groups if p.group == "single").participants == 0
    assert use.verdict == "not enough participants"  # the single plan felt nothing in Use
    buy = next(s for s in c.stages if s.stage == "Buy")
    assert buy.p_value is not None and buy.verdict == "no clear difference"
    assert all(p.ci_low <= p.mean_valence <= p.ci_high for p in buy.groups)


def test_an_unknown_segment_compares_nothing_and_says_so():
    people = _study(4, 4, 2, 2)
    c = compare(synthetic_map(people, segments=_plans(people)), "wave")
    assert c.groups == [] and "nothing to compare" in c.notes[0]


def test_the_statistics_match_their_textbook_values():
    assert fisher(8, 8, 0, 8) == pytest.approx(0.000155, abs=1e-6)
    assert fisher(1, 1, 0, 1) == 1.0
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.2]) == pytest.approx(
        [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2]
    )
    point = valence_point([1.0, 2.0, 3.0], quotes=5)
    assert point.mean_valence == 2.0 and point.ci_high == 2.0
    assert point.ci_low == pytest.approx(2 - 4.303 / 3**0.5, abs=1e-3)
    assert valence_point([1.0], quotes=1).ci_low is None
    assert welch_interval([1.0], [1.0, 2.0]) is None
    low, high = welch_interval([0.0, 1.0, 2.0], [2.0, 3.0, 4.0]) or (0.0, 0.0)
    assert low < 2.0 < high


def test_personas_compared_on_what_grouped_them_are_flagged_as_descriptive():
    people = _study(8, 8, 8, 0)
    m = with_personas(synthetic_map(people))
    assert m.personas
    c = compare(m, "persona")
    assert any("overstate" in n for n in c.notes)


def test_a_theme_whose_own_test_passes_but_not_the_correction_is_suggestive():
    """A fitness trial's one real platform difference (Android crashes, 7 of 44 against 0 of
    45: p 0.012) read "no clear difference" once corrected across every theme."""
    people: dict[str, list[Said]] = {}
    for group, raised in (("f", 5), ("s", 0)):
        for i in range(6):
            said: list[Said] = [("Buy", f"pp-common-{k}", -1.0) for k in range(4)]
            people[f"{group}{i}"] = [*said, ("Use", "pp-late", -1.5)] if i < raised else said
    c = compare(synthetic_map(people, segments=_plans(people)), "plan")
    late = next(t for t in c.themes if t.theme == "pp-late")
    assert late.p_value is not None and late.p_value < 0.05 <= (late.q_value or 0)
    assert late.verdict == "suggestive" and c.themes[0].theme == "pp-late"


def test_versions_and_dates_keep_their_own_order():
    """A fitness-app trial's versions came largest group first: 5.2, 5.2.1, 5.1.2, 5.1, 5.0."""
    from assistant.compare import _ordered

    versions = {"5.2": 40, "5.2.1": 12, "5.1.2": 9, "5.1": 30, "5.0": 20, "5.10": 3}
    assert _ordered(versions) == ["5.0", "5.1", "5.1.2", "5.2", "5.2.1", "5.10"]
    assert _ordered({"2024-02": 5, "2024-01": 9}) == ["2024-01", "2024-02"]
    assert _ordered({"family": 3, "solo": 9}) == ["solo", "family"]
