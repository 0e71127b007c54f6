import pytest

from assistant.stages import default_stages, parse_stages, stages_from_headings
from journey.errors import InputError
from journey.source import Role, Section, Source, SourceKind, Turn


def _source(i: int, headings: list[str]) -> Source:
    sections = [
        Section(title=h, level=1, char_start=k * 10, char_end=k * 10 + 5)
        for k, h in enumerate(headings)
    ]
    turn = Turn(index=0, speaker=None, role=Role.participant, text="x", char_start=0, char_end=1)
    return Source(
        id=f"s{i}",
        path=f"p{i}.txt",
        kind=SourceKind.interview,
        language="en",
        participant_id=f"P{i}",
        turns=[turn],
        sections=sections,
    )


def test_stages_come_from_the_headings_most_transcripts_share_in_guide_order():
    guide = ["Read the Home tab.", "Log in.", "Submit a query.", "Export the data."]
    sources = [_source(i, guide) for i in range(4)]
    sources.append(_source(9, ["Log in.", "An extra probe only one session had."]))
    names = [s.name for s in stages_from_headings(sources) or []]
    assert names == ["Read the Home tab", "Log in", "Submit a query", "Export the data"]


def test_the_guides_introduction_and_wrap_up_are_no_stages():
    """An insurance trial's map had Introduction and Wrap-up columns (reviews in the first,
    sign-offs lifting the curve to +0.86 in the last)."""
    guide = ["Introduction", "Reporting the accident", "Getting paid", "Wrap-up"]
    sources = [_source(i, guide) for i in range(3)]
    names = [s.name for s in stages_from_headings(sources) or []]
    assert names == ["Reporting the accident", "Getting paid"]
    zh = [_source(i, ["开场", "了解与试听", "退费", "结束语"]) for i in range(3)]
    assert [s.name for s in stages_from_headings(zh) or []] == ["了解与试听", "退费"]


def test_no_heading_stages_when_most_transcripts_have_no_headings():
    sources = [_source(0, ["A", "B"]), _source(1, []), _source(2, [])]
    assert stages_from_headings(sources) is None
    assert default_stages()[0].name == "Awareness"


def test_stage_options_take_names_with_optional_descriptions():
    specs = parse_stages(["Discover: hears about us", "Buy"])
    assert [(s.name, s.description) for s in specs] == [
        ("Discover", "hears about us"),
        ("Buy", "Buy"),
    ]
    assert [s.name for s in parse_stages(["Discover, Buy, Use"])] == ["Discover", "Buy", "Use"]
    # two stages of one name gave two findings one id (the MCP trial)
    with pytest.raises(InputError, match="'Sign up' is given twice"):
        parse_stages(["Sign up: creating an account", "Sign up"])


def test_the_default_stages_place_sentences_alike_in_either_language(embedder):
    """A map asked for in Chinese is the same analysis as the English one, named in Chinese."""
    import numpy as np

    from assistant.local_extractor import _stage_vectors

    english = _stage_vectors(default_stages(chinese=False), embedder)
    chinese = _stage_vectors(default_stages(chinese=True), embedder)
    assert np.allclose(english, chinese, atol=1e-5)
