"""The offline extractor reads sentences as a researcher would: kind, severity, emotion."""

import pytest

from assistant.local_extractor import read_sentence, touchpoint_of
from assistant.sentiment import sentiment
from journey.schema import ObservationKind, TouchpointType


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I was furious, the ice packs had melted and nobody answered.", "pain_point"),
        ("I am not sure what the time window lag means.", "pain_point"),
        ("It took me ages to find the cancel button, it is buried in settings.", "pain_point"),
        ("The recipes were easy and my kids loved them.", "delight"),
        ("Honestly it saves me so much time planning meals, I love it.", "delight"),
        ("It would be nice to have a tooltip next to each option.", "need"),
        ("Okay, let me click on the export tab now.", "action"),
        ("We usually cook on Sunday evenings.", "neutral"),
        ("配送总是迟到，真的很生气。", "pain_point"),
        ("取消的过程很麻烦，找不到取消按钮。", "pain_point"),
        ("菜谱很简单，做出来很好吃。", "delight"),
        ("希望以后可以选择配送时间。", "need"),
    ],
)
def test_sentences_are_read_as_the_kind_a_researcher_would_code(text: str, kind: str):
    assert read_sentence(text).kind == ObservationKind(kind)


def test_severity_grows_with_intensity_and_blockers():
    mild = read_sentence("The labels are a bit confusing.")
    severe = read_sentence("I gave up, I just couldn't cancel and I was furious.")
    assert mild.kind is severe.kind is ObservationKind.pain_point
    assert 1 <= mild.severity < severe.severity <= 5
    assert severe.valence < mild.valence < 0


def test_emotions_are_labelled():
    assert read_sentence("I was furious about the fee.").emotion == "angry"
    assert read_sentence("I don't know what this button does.").emotion == "confused"
    assert read_sentence("Honestly it was a relief when the refund came, great.").emotion == (
        "relieved"
    )


def test_a_participant_question_in_an_interview_counts_as_confusion():
    assert read_sentence("Where do I go to export this?", is_question=True).kind is (
        ObservationKind.pain_point
    )


def test_touchpoints_are_recognised_with_channel_and_type():
    assert touchpoint_of("The courier left it at the wrong door.") == (
        "delivery courier",
        "delivery",
        TouchpointType.human,
    )
    assert touchpoint_of("The chatbot kept looping.")[0] == "support chat"  # type: ignore[index]
    assert touchpoint_of("客服电话一直打不通")[0] in ("customer support", "phone support")  # type: ignore[index]
    assert touchpoint_of("I clicked the export button twice.") == (
        "export button",
        "ui",
        TouchpointType.digital,
    )
    assert touchpoint_of("We talked about the weather.") is None


def test_handles_and_links_carry_no_sentiment():
    # VADER alone reads "@united" as +0.42: every complaint to that airline looked like praise.
    assert sentiment("@united https://t.co/x") == 0.0
    assert sentiment("@united Not fast enough.") == sentiment("Not fast enough.")
    assert read_sentence("@SouthwestAir this is really unhelpful.").kind is (
        ObservationKind.pain_point
    )
