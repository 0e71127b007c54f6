from journey.edits import Edit, anchor, apply_edits, find, findings
from journey.schema import CodedObservation, Evidence, JourneyMap, ObservationKind


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


def test_split_moves_the_chosen_quotes_into_a_new_finding_beside_the_old(
    sample_map: JourneyMap,
):
    target = next(p for p in _pains(sample_map) if len(p.evidence) >= 2)
    moved = target.evidence[-1]
    edit = Edit(
        id="e2", op="split", anchor=anchor(target), title="The part that differs", quotes=[moved]
    )
    out = apply_edits(sample_map, [edit])
    new = next(p for p in _pains(out) if p.id.endswith("-e2"))
    old = find(out, target.id)
    assert old is not None
    assert new.title == "The part that differs" and new.evidence == [moved]
    assert moved not in old[1].evidence and len(old[1].evidence) == len(target.evidence) - 1
    assert new.participants == 1 and old[1].participants >= 1
    # A rebuild applies it again the same way; a split of quotes no longer there is reported.
    assert apply_edits(sample_map, [edit]) == out
    gone = edit.model_copy(update={"quotes": [moved.model_copy(update={"char_start": 10**6})]})
    assert any("e2" in w for w in apply_edits(sample_map, [gone]).warnings)


def test_unpin_drops_one_quote_but_never_the_last(sample_map: JourneyMap):
    target = next(p for p in _pains(sample_map) if len(p.evidence) >= 2)
    first = target.evidence[0]
    edit = Edit(
        id="e3", op="unpin", anchor=anchor(target), unpinned=(first.source_id, first.char_start)
    )
    found = find(apply_edits(sample_map, [edit]), target.id)
    assert found is not None and first not in found[1].evidence
    single = next((p for p in _pains(sample_map) if len(p.evidence) == 1), None)
    if single is not None:
        only = single.evidence[0]
        last = Edit(
            id="e4", op="unpin", anchor=anchor(single), unpinned=(only.source_id, only.char_start)
        )
        out = apply_edits(sample_map, [last])
        assert any("e4" in w and "without a quote" in w for w in out.warnings)


def test_add_puts_a_new_finding_with_its_quotes_in_its_stage(
    sample_map: JourneyMap,
):
    stage = sample_map.stages[-1]
    quote = _pains(sample_map)[0].evidence[0]
    add = Edit(
        id="e5", op="add", anchor=[], stage=stage.name, title="Box left in the rain",
        quotes=[quote], kind="delight", severity=2, author="mcp",
    )  # fmt: skip
    out = apply_edits(sample_map, [add])
    added = next(d for d in out.stages[-1].delights if d.id == "dl-e5")
    assert added.evidence == [quote] and added.severity == 2 and added.participants == 1
    nowhere = add.model_copy(update={"stage": "No such stage"})
    assert any("e5" in w for w in apply_edits(sample_map, [nowhere]).warnings)


def _coded(theme: str, stage: str, who: str, at: int) -> CodedObservation:
    quote = f"member {who} {at}"
    return CodedObservation(
        kind=ObservationKind.pain_point,
        stage=stage,
        touchpoint=None,
        channel=None,
        emotion="frustrated",
        valence=-1.0,
        severity=3,
        evidence=Evidence(
            source_id=f"s-{who}",
            source_path=f"{who}.txt",
            quote=quote,
            char_start=at,
            char_end=at + len(quote),
            participant_id=who,
        ),
        theme=theme,
    )


def test_merge_and_split_count_members_again_from_the_coded_segments(sample_map: JourneyMap):
    """The map shows a few quotes per theme; who is in a merged theme is counted from every
    coded segment (a new-user trial merged themes of 7 and 11 people, 14 together, and the
    map kept saying 11)."""
    a, b = _pains(sample_map)[:2]
    home = a.home_stage or next(s.name for s in sample_map.stages if a in s.pain_points)
    other = next(s.name for s in sample_map.stages if s.name != home)
    m = sample_map.model_copy(deep=True)
    role = lambda i: {"role": "admin" if i % 2 else "approver"}  # noqa: E731
    m.observations = [
        *(
            _coded(a.id, home, f"p{i}", 10 * i).model_copy(update={"segment": role(i)})
            for i in range(1, 8)
        ),  # 7 people
        *(
            _coded(b.id, other, f"p{i}", 500 + 10 * i).model_copy(update={"segment": role(i)})
            for i in range(5, 12)
        ),  # 7, 3 shared
    ]
    merged = apply_edits(m, [Edit(id="e1", op="merge", anchor=anchor(b), into_anchor=anchor(a))])
    kept = find(merged, a.id)
    assert kept is not None
    assert kept[1].participants == 11
    # and who they are: a trial's merge kept the kept theme's segment counts (1 + 1 of 4)
    assert kept[1].segments == {"role": {"admin": 6, "approver": 5}}
    assert kept[1].also_in == {other: 7}
    assert "11 of" in kept[1].description and other in kept[1].description
    assert {o.theme for o in merged.observations} == {a.id}
    # splitting the shown quotes of one half out again moves their segments along
    shown = kept[1].evidence[len(a.evidence) :]
    merged.observations += [
        CodedObservation(**_coded(a.id, other, "x", 0).model_dump() | {"evidence": e})
        for e in shown
    ]
    split = apply_edits(
        merged, [Edit(id="e2", op="split", anchor=anchor(kept[1]), quotes=shown, title="x")]
    )
    new = find(split, f"{a.id.split('-', 1)[0]}-e2")
    assert new is not None
    assert new[1].participants == len({e.participant_id or e.source_id for e in shown})
    assert find(split, a.id)[1].participants == 11


def test_split_takes_any_member_of_the_theme_not_only_the_quotes_shown(sample_map: JourneyMap):
    """A trial split six prescription quotes out of a theme: three were among the quotes the
    finding showed, three only among its coded segments, and only three moved."""
    target = next(p for p in _pains(sample_map) if len(p.evidence) >= 2)
    home = target.home_stage or next(s.name for s in sample_map.stages if target in s.pain_points)
    m = sample_map.model_copy(deep=True)
    hidden = [_coded(target.id, home, f"q{i}", 900 + 10 * i) for i in range(3)]
    shown = [
        CodedObservation(**_coded(target.id, home, "x", 0).model_dump() | {"evidence": e})
        for e in target.evidence
    ]
    m.observations = [*shown, *hidden]
    quotes = [target.evidence[-1], *(o.evidence for o in hidden)]
    out = apply_edits(m, [Edit(id="e5", op="split", anchor=anchor(target), quotes=quotes)])
    new = find(out, f"{target.id.split('-', 1)[0]}-e5")
    assert new is not None
    assert {(e.source_id, e.char_start) for e in new[1].evidence} == {
        (e.source_id, e.char_start) for e in quotes
    }
    assert new[1].participants == len({e.participant_id or e.source_id for e in quotes})
    assert {o.theme for o in out.observations if o.evidence in quotes} == {new[1].id}


def test_rename_renames_the_recommendation_and_a_merge_leaves_one_per_finding(
    sample_map: JourneyMap,
):
    """A trial renamed a theme and its recommendation kept the old title; merging two themes
    left two recommendations addressing the one kept."""
    a, b = _pains(sample_map)[:2]
    m = sample_map.model_copy(deep=True)
    rec = m.recommendations[0]
    m.recommendations = [  # as the local pipeline words them: the play, then the title
        rec.model_copy(
            update={
                "id": f"rec-{n}",
                "title": f"Show the full cost before people commit: {p.title}",
                "rationale": f"{p.title}: 3 of 5 participants",
                "addresses": [p.id],
                "kind": "hidden cost",
            }
        )
        for n, p in enumerate((a, b), 1)
    ]
    out = apply_edits(
        m,
        [
            Edit(id="e6", op="rename", anchor=anchor(a), title="Slots gone minutes after 8am"),
            Edit(id="e7", op="merge", anchor=anchor(b), into_anchor=anchor(a)),
        ],
    )
    recs = [r for r in out.recommendations if a.id in r.addresses]
    assert [r.id for r in out.recommendations] == ["rec-1"]
    assert recs[0].title == "Show the full cost before people commit: slots gone minutes after 8am"
    assert "Slots gone minutes after 8am" in recs[0].rationale


def test_a_merge_rescores_the_recommendation_and_the_top_list(sample_map: JourneyMap):
    """The MCP trial merged themes of 7 and 3 people: the recommendation kept saying 7 people
    and its old priority, and the top list its old order."""
    a, b = _pains(sample_map)[:2]
    home = a.home_stage or next(s.name for s in sample_map.stages if a in s.pain_points)
    m = sample_map.model_copy(deep=True)
    m.observations = [
        *(_coded(a.id, home, f"p{i}", 10 * i) for i in range(1, 3)),
        *(_coded(b.id, home, f"p{i}", 500 + 10 * i) for i in range(3, 8)),
    ]
    rec = m.recommendations[0].model_copy(
        update={"addresses": [a.id], "kind": "hidden cost", "impact": 0.0, "priority": 0.0}
    )
    m.recommendations = [rec]
    m.top_pain_points = [b.id, a.id]
    out = apply_edits(m, [Edit(id="e8", op="merge", anchor=anchor(b), into_anchor=anchor(a))])
    kept = find(out, a.id)
    assert kept is not None and kept[1].participants == 7
    (again,) = out.recommendations
    assert again.impact == round(kept[1].severity * kept[1].share, 3) > 0
    assert again.priority == round(again.impact / again.effort, 3)
    assert "7 participants" in again.rationale
    assert a.id in out.top_pain_points and b.id not in out.top_pain_points


def test_a_merge_keeps_the_target_themes_own_recommendation(sample_map: JourneyMap):
    """A clinic trial merged a theme into another: the merged theme's advice was the absorbed
    one's, worded by its title and kind."""
    a, b = _pains(sample_map)[:2]
    m = sample_map.model_copy(deep=True)
    base = m.recommendations[0]
    mine = base.model_copy(update={"id": "rec-a", "addresses": [a.id], "kind": "waiting"})
    theirs = base.model_copy(update={"id": "rec-b", "addresses": [b.id], "kind": "unclear"})
    m.recommendations = [theirs, mine]
    out = apply_edits(m, [Edit(id="e9", op="merge", anchor=anchor(b), into_anchor=anchor(a))])
    (kept,) = out.recommendations
    assert kept.id == "rec-a" and kept.addresses == [a.id]
    # with no advice of its own, the target takes the absorbed theme's, in its own words
    m.recommendations = [theirs]
    out = apply_edits(m, [Edit(id="e9", op="merge", anchor=anchor(b), into_anchor=anchor(a))])
    (moved,) = out.recommendations
    assert moved.addresses == [a.id] and a.title.lower() in moved.title.lower()
    assert b.title.lower() not in moved.title.lower()


def test_a_split_theme_joins_the_studys_top_list(sample_map: JourneyMap):
    a = _pains(sample_map)[0]
    quote = a.evidence[0]
    out = apply_edits(
        sample_map,
        [Edit(id="e10", op="split", anchor=anchor(a), title="Split off", quotes=[quote])],
    )
    new = next(f for s in out.stages for f in s.pain_points if f.title == "Split off")
    assert new.id in out.top_pain_points


def test_an_edit_follows_most_of_its_quotes_or_goes_nowhere(sample_map: JourneyMap):
    """After new sources regroup the themes an edit lands on the theme holding most of the
    quotes it was made on, never on one that merely shares a quote."""
    pains = _pains(sample_map)
    a, b = pains[:2]
    home = a.home_stage or next(s.name for s in sample_map.stages if a in s.pain_points)
    m = sample_map.model_copy(deep=True)
    # the edit was made on four quotes; now b holds three of them (as members), a one
    made_on = [
        ("s-q1", 10),
        ("s-q2", 20),
        ("s-q3", 30),
        (a.evidence[0].source_id, a.evidence[0].char_start),
    ]
    m.observations = [_coded(b.id, home, f"q{i}", 10 * i) for i in range(1, 4)]
    rename = Edit(id="e9", op="rename", anchor=made_on, title="Moved with its quotes")
    out = apply_edits(m, [rename])
    assert find(out, b.id)[1].title == "Moved with its quotes"  # type: ignore[index]
    assert find(out, a.id)[1].title == a.title  # type: ignore[index]
    # spread over the themes, one quote each: applied nowhere, and said so
    m.observations = [_coded(p.id, home, f"q{i}", 10 * i) for i, p in enumerate(pains[1:4], 1)]
    spread = apply_edits(m, [rename])
    assert all(p.title != "Moved with its quotes" for p in _pains(spread))
    assert any("e9" in w and "not applied" in w for w in spread.warnings)


def test_a_finding_mentioned_once_can_be_renamed_moved_and_dismissed(sample_map: JourneyMap):
    """The MCP trial: top_pain_points listed pp-…-once-1 and get_theme read it, but every edit
    of it said it was not in the map."""
    m = sample_map.model_copy(deep=True)
    stage = next(s for s in m.stages if s.pain_points)
    once = stage.pain_points.pop()  # as a map lists a pain point one person raised
    stage.pain_points_once.append(once)
    other = next(s for s in m.stages if s.name != stage.name)
    assert find(m, once.id) is not None
    out = apply_edits(
        m,
        [
            Edit(id="e1", op="rename", anchor=anchor(once), title="Said once, named by us"),
            Edit(id="e2", op="restage", anchor=anchor(once), stage=other.name),
        ],
    )
    moved = find(out, once.id)
    assert moved is not None and moved[0].name == other.name
    assert moved[1].title == "Said once, named by us"
    assert moved[1] in (*moved[0].pain_points_once, *moved[0].delights_once)  # still "once"
    gone = apply_edits(m, [Edit(id="e3", op="delete", anchor=anchor(once))])
    assert find(gone, once.id) is None
    assert not [w for w in gone.warnings if "e3" in w]


def test_a_split_that_leaves_one_person_makes_the_rest_a_single_mention(sample_map: JourneyMap):
    """A transit trial's 1-person remnant kept its place in the top list and its advice."""
    pain = next(p for p in _pains(sample_map) if len({e.participant_id for e in p.evidence}) >= 2)
    stay = pain.evidence[0].participant_id
    moving = [e for e in pain.evidence if e.participant_id != stay]
    m = sample_map.model_copy(deep=True)
    m.observations = []  # the quotes shown are the members
    out = apply_edits(
        m, [Edit(id="e11", op="split", anchor=anchor(pain), title="Moved", quotes=moving)]
    )
    assert out.sources.participants > 3
    assert pain.id not in out.top_pain_points
    assert any(p.id == pain.id for s in out.stages for p in s.pain_points_once)
    assert not any(pain.id in r.addresses for r in out.recommendations)


def test_an_unpinned_quote_that_was_its_persons_only_one_counts_them_out(sample_map: JourneyMap):
    """An MCP trial dropped one person's only quote from a theme of 8: it kept saying 8."""
    a = _pains(sample_map)[0]
    home = a.home_stage or next(s.name for s in sample_map.stages if a in s.pain_points)
    m = sample_map.model_copy(deep=True)
    members = [_coded(a.id, home, f"p{i}", 10 * i) for i in range(1, 4)]
    members.append(_coded(a.id, home, "p1", 500))
    m.observations = members
    found = find(m, a.id)
    assert found is not None
    found[1].evidence = [o.evidence for o in members]
    gone = members[2].evidence  # p3's only quote
    unpin = Edit(
        id="u1", op="unpin", anchor=anchor(found[1]), unpinned=(gone.source_id, gone.char_start)
    )
    out = apply_edits(m, [unpin])
    kept = find(out, a.id)
    assert kept is not None and kept[1].participants == 2


def test_a_pinned_quote_counts_its_speaker_and_leaves_the_theme_it_was_in(
    sample_map: JourneyMap,
):
    """An API trial pinned another person's quote: six people's quotes showed under "5 of 36
    participants", and the theme the quote came from still counted them."""
    a, b = _pains(sample_map)[:2]
    home = a.home_stage or next(s.name for s in sample_map.stages if a in s.pain_points)
    there = b.home_stage or next(s.name for s in sample_map.stages if b in s.pain_points)
    m = sample_map.model_copy(deep=True)
    mine = [_coded(a.id, home, f"p{i}", 10 * i) for i in range(1, 3)]
    theirs = [_coded(b.id, there, f"p{i}", 10 * i) for i in range(7, 10)]
    m.observations = mine + theirs
    for finding, members in ((a, mine), (b, theirs)):
        found = find(m, finding.id)
        assert found is not None
        found[1].evidence = [o.evidence for o in members]
    moved = theirs[0].evidence  # p7's quote, pinned to a
    found = find(m, a.id)
    assert found is not None
    pin = Edit(id="p1", op="pin", anchor=anchor(found[1]), pinned=moved)
    out = apply_edits(m, [pin])
    kept, left = find(out, a.id), find(out, b.id)
    assert kept is not None and kept[1].participants == 3
    assert kept[1].evidence[0] == moved
    assert left is not None and left[1].participants == 2 and moved not in left[1].evidence


def test_a_pinned_passage_no_segment_held_stays_counted_after_a_restage(sample_map: JourneyMap):
    """An MCP trial pinned two whole-turn passages (no coded segment holds a whole turn) onto a
    theme of one person, then moved it: the move counted it 1 again and dropped it to
    "mentioned once"."""
    a = _pains(sample_map)[0]
    home = a.home_stage or next(s.name for s in sample_map.stages if a in s.pain_points)
    other = next(s.name for s in sample_map.stages if s.name != home)
    m = sample_map.model_copy(deep=True)
    mine = [_coded(a.id, home, "p1", 10), _coded(a.id, home, "p2", 20)]
    m.observations = mine
    found = find(m, a.id)
    assert found is not None
    found[1].evidence = [o.evidence for o in mine]
    passages = [
        _coded(a.id, home, who, 500).evidence.model_copy(update={"quote": f"whole turn of {who}"})
        for who in ("p3", "p4")
    ]
    edits = [
        Edit(id=f"pin{i}", op="pin", anchor=anchor(found[1]), pinned=p)
        for i, p in enumerate(passages)
    ]
    pinned = apply_edits(m, edits)
    again = find(pinned, a.id)
    assert again is not None and again[1].participants == 4
    moved = apply_edits(
        m, [*edits, Edit(id="r", op="restage", anchor=anchor(again[1]), stage=other)]
    )
    after = next(f for _, f in findings(moved) if "whole turn of p3" in str(f.evidence))
    assert after.participants == 4 and after.description.startswith("4 of")
    assert {o.evidence.participant_id for o in moved.observations if o.theme == after.id} >= {
        "p3",
        "p4",
    }
