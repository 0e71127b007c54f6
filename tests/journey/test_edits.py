from journey.edits import Edit, anchor, apply_edits, find
from journey.schema import JourneyMap


def _pains(m: JourneyMap):
    return [p for s in m.stages for p in s.pain_points]


def test_merge_joins_quotes_and_points_recommendations_at_the_kept_finding(
    sample_map: JourneyMap,
):
    a, b = _pains(sample_map)[:2]
    edit = Edit(id="e1", op="merge", anchor=anchor(b), into_anchor=anchor(a))
    merged = apply_edits(sample_map, [edit])
    ids = {p.id for p in _pains(merged)}
    assert b.id not in ids and a.id in ids
    kept = find(merged, a.id)
    assert kept is not None
    keys = set(anchor(kept[1]))
    assert set(anchor(a)) | set(anchor(b)) <= keys
    assert all(b.id not in r.addresses for r in merged.recommendations)
    assert sample_map == sample_map.model_copy(deep=True)  # the input is untouched
    assert find(sample_map, b.id) is not None


def test_an_edit_whose_finding_is_gone_is_reported_not_dropped_silently(
    sample_map: JourneyMap,
):
    ghost = Edit(id="e9", op="rename", anchor=[("no-such-source", 0)], title="x")
    out = apply_edits(sample_map, [ghost])
    assert any("e9" in w and "not applied" in w for w in out.warnings)
    assert [p.title for p in _pains(out)] == [p.title for p in _pains(sample_map)]
