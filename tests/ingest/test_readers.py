"""Readers on every fixture in tests/fixtures: speakers, turns, offsets, times, roles, encodings.

Expected values come from tests/fixtures/EXPECTED.md, not from the code's output.
"""

import json
import re
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.errors import UnreadableFileError
from ingest.readers import read_file
from ingest.speakers import assign_roles
from journey.source import Role, SourceKind

FIXTURES = Path(__file__).parents[1] / "fixtures"
TRANSCRIPTS = FIXTURES / "transcripts"
REVIEWS = FIXTURES / "reviews"
LATIN1 = FIXTURES / "bad" / "latin1.txt"
MAX_BYTES = 5_000_000
CAPTIONS = (".vtt", ".srt")

# Per fixture, each turn (after merging consecutive same-speaker cues for captions) as
# (speaker as written, how its text starts, how it ends). An empty end means the start is the
# whole text. Texts are compared with runs of whitespace collapsed to one space.
TURNS: dict[str, list[tuple[str | None, str, str]]] = {
    "name_colon.txt": [
        ("Interviewer", "Thanks for joining, Dana. Can you tell", "heard about Nimbank?"),
        ("Dana", "A friend sent me a referral link. She", "took her ten minutes."),
        ("Interviewer", "And was that your experience too?", ""),
        ("Dana", "Mostly, yes. The form itself was quick,", "before it accepted one."),
        ("Interviewer", "What do you think went wrong with the selfie?", ""),
        ("Dana", "Honestly, I think the lighting in my", "without telling me why."),
        ("Interviewer", "How long did the card take to arrive?", ""),
        ("Dana", "About a week. The tracking in the app", "I checked it every day."),
    ],
    "upper_colon.txt": [
        ("MODERATOR", "Let's start with the app itself. What", "Nimbank for most often?"),
        ("JORDAN", "Checking my balance, mostly. And splitting bills with my flatmates.", ""),
        ("MODERATOR", "How does the bill splitting work for you?", ""),
        ("JORDAN", "It's good when everyone has Nimbank.", "the time they ignore it."),
        ("MODERATOR", "Have you ever contacted support?", ""),
        ("JORDAN", "Once, when a card payment was declined", "to reach a person."),
        ("MODERATOR", "What would have made that better?", ""),
        ("JORDAN", 'A button that says "talk to a human"', "what my problem was."),
    ],
    "bracket_timestamps.txt": [
        (
            "Interviewer",
            "Could you walk me through the moment you decided to open the account?",
            "",
        ),
        ("Lee Chen", "Sure. I was at the bus stop, and I", "me a fee for everything."),
        ("Interviewer", "What happened after you installed it?", ""),
        ("Lee Chen", "It asked for my phone number, then my", "scan was the slow part."),
        ("Interviewer", "Slow in what way?", ""),
        ("Lee Chen", "The camera kept focusing on my thumb", "times before it worked."),
        ("Interviewer", "Did you think about giving up at that point?", ""),
        ("Lee Chen", "A little. But the progress bar said I", "of six, so I kept going."),
    ],
    "otter.txt": [
        ("Interviewer", "Thanks for making time today, Ravi. To", "your Nimbank account?"),
        ("Ravi Patel", "Back in January. I needed a second", "had no monthly fee."),
        ("Interviewer", "How did the identity verification go?", ""),
        ("Ravi Patel", "Pretty smooth. I scanned my driving", "approved within an hour."),
        ("Interviewer", "And the card?", ""),
        ("Ravi Patel", "It came in four days. The packaging was", "find my reading glasses."),
        ("Interviewer", "Is there anything in the app you wish worked differently?", ""),
        ("Ravi Patel", "I'd like to tag transactions as", "month and do it by hand."),
    ],
    "rev.txt": [
        ("Interviewer", "Alex, thanks for joining. You told us", "What was that about?"),
        ("Alex Moreno", "My card got stuck in an ATM abroad. I", "sent to my hotel."),
        ("Interviewer", "How did you get in touch with them?", ""),
        ("Alex Moreno", "Through the in-app chat. The first", "person called Marta."),
        ("Interviewer", "And could they send the card to the hotel?", ""),
        ("Alex Moreno", "No, only to my home address. So my", "day before I flew home."),
    ],
    "numbered_lines.txt": [
        ("Interviewer", "Kim, what made you choose Nimbank over other banks?", ""),
        ("Kim", "The savings pots. You can make a pot", "and give it a picture."),
        ("Interviewer", "How many pots do you have right now?", ""),
        ("Kim", "Three. Holiday, new laptop, and an", "that I try not to touch."),
        ("Interviewer", "Was setting them up easy?", ""),
        ("Kim", "Yes, but I couldn't find how to rename", "it and making a new one."),
        ("Interviewer", "Did you lose any money when you deleted it?", ""),
        ("Kim", "No, it moved back to my main balance,", "I panicked for a second."),
    ],
    "think_aloud.txt": [
        ("MODERATOR", "Please start from the welcome screen", "Remember to think aloud."),
        (None, 'Okay, so I tap "Get started". It wants my email and a password.', ""),
        ("MODERATOR", "Did you know what documents you would need before you started?", ""),
        (None, "Not really. I only found out when it", "to know at the start."),
        (None, "I thought five minutes. It's been longer than that already.", ""),
        ("MODERATOR", "Imagine your card was stolen. Please order a new one.", ""),
        (None, "I'd go to the card tab, I think. Hmm,", "PIN... no replacement."),
        (None, "Oh, it's under \"Help\" at the bottom. That's a weird place for it.", ""),
        ("MODERATOR", "What would you have called it?", ""),
        (None, 'Just "Replace card", right next to "Freeze".', ""),
    ],
    "prose.txt": [
        (None, "I opened my Nimbank account on a Sunday", "it the wrong way twice."),
        (None, "The card arrived five days later in a", "understand my questions."),
    ],
    "qa.txt": [
        ("Q", "When you first opened the Nimbank app, what did you expect to see?", ""),
        ("A", "My balance, and maybe a button to send", "really need day to day."),
        ("Q", "And what did you actually see?", ""),
        ("A", "A big banner about their crypto", "It felt like an advert."),
        ("Q", "Did you ever use the crypto feature?", ""),
        ("A", "No. I closed the banner three times and it kept coming back.", ""),
        ("Q", "How did that make you feel about the app?", ""),
        ("A", "A bit like the app cares more about", "Otherwise it's fine."),
    ],
    "chinese.txt": [
        ("采访者", "您好，李娜。请先说说您是怎么开通Nimbank账户的？", ""),
        ("李娜", "我是在手机上下载的应用，填了手机号和身份证号，大概十分钟就弄好了。", ""),
        ("采访者", "身份验证的时候有没有遇到什么问题？", ""),
        ("李娜", "人脸识别做了两次。第一次光线太暗，系统提示我换个亮一点的地方再试。", ""),
        ("采访者", "银行卡寄到的速度您满意吗？", ""),
        (
            "李娜",
            "挺满意的，三天就到了。不过快递员要求本人签收，我那天正好在上班，只好改约第二天。",
            "",
        ),
    ],
    "chinese_gbk.txt": [
        ("主持人", "张伟，您平时主要用Nimbank的应用做什么？", ""),
        (
            "张伟",
            "主要是转账和查看每个月的消费记录。我很喜欢它的分类功能，餐饮、交通、购物都会自动分开，"
            "月底一看就知道钱花在哪里了。",
            "",
        ),
        ("主持人", "有没有哪些地方让您觉得不方便？", ""),
        (
            "张伟",
            "有的。上个月我的卡被冻结了，我打客服电话等了将近半个小时才有人接听。后来在应用里",
            "帮我解冻的。我希望以后能直接转人工，不要浪费时间。",
        ),
    ],
    "utf16.txt": [
        ("Interviewer", "What was the first thing you did after your Nimbank card arrived?", ""),
        ("Priya", "I added it to my phone wallet so I", "was the whole point."),
        ("Interviewer", "Good to know. And have you used the", "or only your phone?"),
    ],
    "zoom_voice.vtt": [
        ("Interviewer", "Sam, how did you find the account opening process?", ""),
        ("Sam Ortiz", "It was mostly fine. The form was short", "I really appreciated."),
        ("Interviewer", "What about verifying your identity?", ""),
        ("Sam Ortiz", "That part was slow. It said it could", "it took almost two days."),
        ("Interviewer", "Were you able to use the account while you waited?", ""),
        ("Sam Ortiz", "Only to look around. I couldn't add", "kept checking my email."),
    ],
    "teams_prefix.vtt": [
        ("Interviewer", "Robin, can you tell me about the last", "Nimbank support?"),
        ("Robin Park", "Yes, it was about a payment that showed", "it within two days."),
        ("Interviewer", "How did you feel about how long that took?", ""),
        ("Robin Park", "Two days was okay. What bothered me is", "my balance changed."),
        ("Interviewer", "What would you have liked instead?", ""),
        ("Robin Park", "Just a notification saying the refund had arrived.", ""),
    ],
    "subtitles.srt": [
        ("INTERVIEWER", "What made you download Nimbank in the first place?", ""),
        ("CASEY", "My landlord banks there too, so paying", "every transfer to clear."),
        ("INTERVIEWER", "Did the card arrive on time?", ""),
        ("CASEY", "It did, but it went to my old address", "app was easy, though."),
        ("INTERVIEWER", "What would you change about the app?", ""),
        ("CASEY", "I'd like to see upcoming bills on the", "not hidden in a menu."),
    ],
    "turns.json": [
        (
            "Interviewer",
            "To start, could you describe the day you opened your Nimbank account?",
            "",
        ),
        ("Mei Tan", "It was the week I started my new job.", "during my lunch break."),
        ("Interviewer", "Did it really happen the same day?", ""),
        ("Mei Tan", "The account did, yes. But the", "missed the deadline."),
        (
            "Interviewer",
            "That sounds stressful. What would have helped you in that moment?",
            "",
        ),
    ],
    "turns_object.json": [
        ("Moderator", "How do you usually keep track of your spending in Nimbank?", ""),
        ("P7", "I look at the monthly summary on", "too much on takeaways."),
        ("Moderator", "Have you set a budget in the app?", ""),
        ("P7", "I tried once, but the budget reset on", "never made sense."),
        ("Moderator", "What about the card controls, like freezing the card?", ""),
        ("P7", "Those are brilliant. I freeze my card", "it when I find it again."),
    ],
    "latin1.txt": [
        ("Zoë", "José, thanks for meeting me at the", "your Nimbank account?"),
        ("José", "Quick, mostly. But the app rejected my", 'the accent on the "é".'),
        ("Zoë", "Really? What did you do then?", ""),
        ("José", 'I typed "Jose" without it. Maybe that', "needed a manual review."),
    ],
}

# Start (s) of every turn, after merging captions; formats without times are absent.
STARTS: dict[str, list[float]] = {
    "bracket_timestamps.txt": [83, 91, 105, 109, 130, 133, 151, 155],
    "otter.txt": [2, 9, 18, 22, 41, 44, 65, 69],
    "rev.txt": [5, 21, 38, 42, 55, 61],
    "zoom_voice.vtt": [1.0, 4.9, 14.6, 17.8, 24.1, 28.0],
    "teams_prefix.vtt": [1.0, 5.0, 15.0, 18.9, 25.2, 28.5],
    "subtitles.srt": [1.0, 4.5, 12.3, 15.6, 24.1, 27.6],
    "turns.json": [1.5, 6.8, 20.0, 24.1, 39.5],
}

# Cues per caption file, before merging.
CUES = {"zoom_voice.vtt": 7, "teams_prefix.vtt": 7, "subtitles.srt": 8}

ROLES: dict[str, dict[str | None, Role]] = {
    "name_colon.txt": {"Interviewer": Role.interviewer, "Dana": Role.participant},
    "upper_colon.txt": {"MODERATOR": Role.interviewer, "JORDAN": Role.participant},
    "bracket_timestamps.txt": {"Interviewer": Role.interviewer, "Lee Chen": Role.participant},
    "otter.txt": {"Interviewer": Role.interviewer, "Ravi Patel": Role.participant},
    "rev.txt": {"Interviewer": Role.interviewer, "Alex Moreno": Role.participant},
    "numbered_lines.txt": {"Interviewer": Role.interviewer, "Kim": Role.participant},
    "think_aloud.txt": {"MODERATOR": Role.interviewer, None: Role.participant},
    "prose.txt": {None: Role.participant},
    "qa.txt": {"Q": Role.interviewer, "A": Role.participant},
    "chinese.txt": {"采访者": Role.interviewer, "李娜": Role.participant},
    "chinese_gbk.txt": {"主持人": Role.interviewer, "张伟": Role.participant},
    "utf16.txt": {"Interviewer": Role.interviewer, "Priya": Role.participant},
    "zoom_voice.vtt": {"Interviewer": Role.interviewer, "Sam Ortiz": Role.participant},
    "teams_prefix.vtt": {"Interviewer": Role.interviewer, "Robin Park": Role.participant},
    "subtitles.srt": {"INTERVIEWER": Role.interviewer, "CASEY": Role.participant},
    "turns.json": {"Interviewer": Role.interviewer, "Mei Tan": Role.participant},
    "turns_object.json": {"Moderator": Role.interviewer, "P7": Role.participant},
    # Neither is a role word: Zoë asks the questions and talks less, so she interviews.
    "latin1.txt": {"Zoë": Role.interviewer, "José": Role.participant},
}


def fixture_path(name: str) -> Path:
    return LATIN1 if name == "latin1.txt" else TRANSCRIPTS / name


def read_one(path: Path) -> Document:
    docs = read_file(path, max_bytes=MAX_BYTES)
    assert len(docs) == 1
    return docs[0]


def squash(text: str) -> str:
    return " ".join(text.split())


def cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


def merged_turns(doc: Document) -> list[tuple[str | None, float | None, float | None, str]]:
    """(speaker, start, end, text) with consecutive turns of one speaker joined, as users see."""
    out: list[tuple[str | None, float | None, float | None, str]] = []
    for turn in doc.turns:
        text = doc.turn_text(turn)
        if out and out[-1][0] == turn.speaker:
            speaker, start, _, joined = out[-1]
            out[-1] = (speaker, start, turn.end, f"{joined} {text}")
        else:
            out.append((turn.speaker, turn.start, turn.end, text))
    return out


def user_turns(name: str, doc: Document) -> list[tuple[str | None, float | None, str]]:
    """(speaker, start, text) per turn; caption cues merged as EXPECTED.md counts them."""
    if name.endswith(CAPTIONS):
        return [(s, start, text) for s, start, _, text in merged_turns(doc)]
    return [(t.speaker, t.start, doc.turn_text(t)) for t in doc.turns]


def test_every_transcript_fixture_has_expectations() -> None:
    on_disk = {p.name for p in TRANSCRIPTS.iterdir()}
    assert on_disk == set(TURNS) - {"latin1.txt"}


@pytest.mark.parametrize("name", sorted(TURNS))
def test_reader_finds_the_expected_speakers_and_turn_texts(name: str) -> None:
    doc = read_one(fixture_path(name))
    turns = user_turns(name, doc)
    expected = TURNS[name]
    assert [speaker for speaker, _, _ in turns] == [speaker for speaker, _, _ in expected]
    for (_, _, text), (_, head, tail) in zip(turns, expected, strict=True):
        text = squash(text)
        if tail:
            assert text.startswith(head), text
            assert text.endswith(tail), text
        else:
            assert text == head


@pytest.mark.parametrize("name", sorted(TURNS))
def test_turn_offsets_point_at_trimmed_text_without_the_speaker_label(name: str) -> None:
    doc = read_one(fixture_path(name))
    previous_end = 0
    for turn in doc.turns:
        text = doc.text[turn.char_start : turn.char_end]
        assert text == doc.turn_text(turn)
        assert text, turn
        assert text == text.strip(), repr(text)
        assert turn.char_start >= previous_end, "turns overlap or are out of order"
        previous_end = turn.char_end
        if turn.speaker:
            assert not text.startswith(f"{turn.speaker}:")
            assert not text.startswith(f"{turn.speaker}：")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [
        ("name_colon.txt", "utf-8"),
        ("bracket_timestamps.txt", "utf-8"),
        ("chinese.txt", "utf-8"),
        ("chinese_gbk.txt", "gb18030"),
        ("utf16.txt", "utf-16"),
        ("latin1.txt", "cp1252"),
        ("zoom_voice.vtt", "utf-8"),
        ("subtitles.srt", "utf-8"),
    ],
)
def test_plain_text_offsets_index_the_decoded_file(name: str, encoding: str) -> None:
    path = fixture_path(name)
    doc = read_one(path)
    assert doc.text == path.read_bytes().decode(encoding).replace("\r\n", "\n")


@pytest.mark.parametrize("name", sorted(STARTS))
def test_reader_keeps_turn_start_times(name: str) -> None:
    doc = read_one(fixture_path(name))
    starts = [start for _, start, _ in user_turns(name, doc)]
    assert starts == pytest.approx(STARTS[name])


@pytest.mark.parametrize("name", sorted(set(TURNS) - set(STARTS)))
def test_formats_without_timestamps_give_no_times(name: str) -> None:
    doc = read_one(fixture_path(name))
    assert all(t.start is None and t.end is None for t in doc.turns)


@pytest.mark.parametrize("name", sorted(ROLES))
def test_roles_come_from_labels_or_who_asks_the_questions(name: str) -> None:
    doc = read_one(fixture_path(name))
    roles = assign_roles([(t.speaker, doc.turn_text(t)) for t in doc.turns])
    speakers = {t.speaker for t in doc.turns}
    assert {s: roles[s] for s in speakers} == ROLES[name]


# --- captions -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CUES))
def test_caption_reader_gives_one_turn_per_cue_with_its_speaker(name: str) -> None:
    doc = read_one(TRANSCRIPTS / name)
    assert len(doc.turns) == CUES[name]
    assert all(t.speaker for t in doc.turns)
    assert all(t.start is not None and t.end is not None for t in doc.turns)


def test_vtt_voice_tags_name_the_speaker_and_never_reach_the_text() -> None:
    doc = read_one(TRANSCRIPTS / "zoom_voice.vtt")
    texts = [doc.turn_text(t) for t in doc.turns]
    assert not any("<v" in text or "</v>" in text or "<" in text for text in texts)
    assert [t.start for t in doc.turns] == pytest.approx([1.0, 4.9, 9.5, 14.6, 17.8, 24.1, 28.0])
    assert [t.end for t in doc.turns] == pytest.approx([4.2, 9.5, 13.8, 17.0, 23.4, 27.3, 33.6])
    _, start, end, _ = merged_turns(doc)[1]
    assert (start, end) == pytest.approx((4.9, 13.8))


def test_vtt_skips_notes_and_cue_ids_and_reads_timings_with_settings() -> None:
    doc = read_one(TRANSCRIPTS / "teams_prefix.vtt")
    texts = [doc.turn_text(t) for t in doc.turns]
    assert not any("a1b2c3d4" in text for text in texts)
    assert not any("Recorded in Microsoft Teams" in text for text in texts)
    assert (doc.turns[1].start, doc.turns[1].end) == pytest.approx((5.0, 9.0))
    _, start, end, _ = merged_turns(doc)[1]
    assert (start, end) == pytest.approx((5.0, 14.2))


def test_srt_cues_without_a_prefix_continue_the_previous_speaker() -> None:
    doc = read_one(TRANSCRIPTS / "subtitles.srt")
    assert doc.turns[2].speaker == "CASEY"
    assert doc.turns[5].speaker == "CASEY"
    assert doc.turn_text(doc.turns[2]).startswith("Before that I waited")
    merged = merged_turns(doc)
    assert (merged[1][1], merged[1][2]) == pytest.approx((4.5, 11.6))
    assert (merged[3][1], merged[3][2]) == pytest.approx((15.6, 23.5))


def test_srt_two_line_subtitle_stays_one_utterance() -> None:
    doc = read_one(TRANSCRIPTS / "subtitles.srt")
    first = doc.turns[0]
    assert squash(doc.turn_text(first)) == "What made you download Nimbank in the first place?"
    assert (first.start, first.end) == pytest.approx((1.0, 4.0))


# --- plain-text shapes ----------------------------------------------------------------------


def test_continuation_line_belongs_to_the_previous_turn() -> None:
    doc = read_one(TRANSCRIPTS / "name_colon.txt")
    fourth = doc.turn_text(doc.turns[3])
    assert "identity check held me up." in fourth
    assert fourth.endswith("It asked for a selfie three times before it accepted one.")


def test_line_numbers_are_neither_turns_nor_turn_text() -> None:
    doc = read_one(TRANSCRIPTS / "numbered_lines.txt")
    assert len(doc.turns) == 8
    for turn in doc.turns:
        assert not re.search(r"^\s*\d+\s*$", doc.turn_text(turn), re.MULTILINE)
        assert not doc.turn_text(turn)[0].isdigit()


def test_only_the_first_full_width_colon_separates_the_speaker() -> None:
    doc = read_one(TRANSCRIPTS / "chinese.txt")
    assert {t.speaker for t in doc.turns} == {"采访者", "李娜"}
    assert not any("：" in doc.turn_text(t)[:1] or "：" in (t.speaker or "") for t in doc.turns)
    # EXPECTED.md counts 140 CJK characters of speech: none lost to or taken from the labels.
    assert sum(cjk_count(doc.turn_text(t)) for t in doc.turns) == 140


def test_unlabelled_prose_is_split_into_one_turn_per_paragraph() -> None:
    doc = read_one(TRANSCRIPTS / "prose.txt")
    assert len(doc.turns) == 2
    assert all(t.speaker is None for t in doc.turns)
    words = sum(len(doc.turn_text(t).split()) for t in doc.turns)
    assert words == 175


def test_a_lone_title_heading_leaves_the_guide_sections_below_it_as_sections(
    tmp_path: Path,
) -> None:
    """'# Interview P03' over '## Awareness', '## First delivery': every turn fell under the
    title, so the guide's sections never placed a quote in its stage."""
    path = tmp_path / "p03.md"
    path.write_text(
        "# Freshbox study: interview P03\n\n_Remote session._\n\n## Awareness\n\n"
        "Interviewer: How did you hear about it?\n\nPriya: A friend told me.\n\n"
        "## First delivery\n\nInterviewer: And the box?\n\nPriya: The packaging is a lot.\n",
        encoding="utf-8",
    )
    doc = read_one(path)
    assert [(s.title, s.level) for s in doc.sections] == [
        ("Freshbox study: interview P03", 0),
        ("Awareness", 1),
        ("First delivery", 1),
    ]
    sections = {doc.turn_text(t): t.section for t in doc.turns}
    assert sections["A friend told me."] == "Awareness"
    assert sections["The packaging is a lot."] == "First delivery"


FRONT_MATTER_BODY = (
    "# Interview P01\n\n## Sign-up\n\nInterviewer: How did you sign up?\n\n"
    "P1: On my phone, it took two tries.\n"
)


@pytest.mark.parametrize(
    "front",
    [
        "---\nparticipant: Siobhan O'Connell\nemail: siobhan@example.org\nphone: 07700 900123\n"
        "location: Galway\ntags:\n  - onboarding\n  - mobile\n---\n",
        '---\r\ntitle: "Interview: sign-up"\r\nparticipant: Siobhan O\'Connell\r\n...\r\n',
        '+++\nparticipant = "Siobhan O\'Connell"\nlocation = "Galway"\n+++\n',
        "\ufeff---\n# recorded remotely\nparticipant: Siobhan O'Connell\n---\n",
    ],
)
def test_markdown_front_matter_is_metadata_not_turns(tmp_path: Path, front: str) -> None:
    """A trial: a `---` block of `participant:`, `email:` and `location:` lines was read as
    turns; its lines became speakers, and one a quote cited in chat and map.csv."""
    path = tmp_path / "p01.md"
    path.write_bytes((front + FRONT_MATTER_BODY).encode())
    doc = read_one(path)
    assert [(t.speaker, doc.turn_text(t)) for t in doc.turns] == [
        ("Interviewer", "How did you sign up?"),
        ("P1", "On my phone, it took two tries."),
    ]
    assert [s.title for s in doc.sections] == ["Interview P01", "Sign-up"]
    [warning] = doc.warnings
    assert "front matter" in warning and "participant" in warning
    assert "Siobhan" not in warning and "Galway" not in warning


@pytest.mark.parametrize(
    "text",
    [
        # a horizontal rule over prose, then another: no fields between them
        "---\nI signed up on my phone and it took two tries, honestly.\n---\nThen it worked.\n",
        # no closing fence: a rule, then the transcript
        "---\nInterviewer: How did you sign up?\nP1: On my phone.\n",
    ],
)
def test_a_leading_rule_that_fences_no_fields_is_no_front_matter(tmp_path: Path, text: str) -> None:
    path = tmp_path / "p01.md"
    path.write_text(text, encoding="utf-8")
    doc = read_one(path)
    assert not doc.warnings
    said = " ".join(doc.turn_text(t) for t in doc.turns)
    assert "on my phone" in said.lower()


# --- think-aloud task script ----------------------------------------------------------------

TASK_1 = "Open an account from the welcome screen."
TASK_2 = "Order a replacement card."


def test_think_aloud_tasks_and_sub_questions_become_sections() -> None:
    doc = read_one(TRANSCRIPTS / "think_aloud.txt")
    assert [(s.title, s.level) for s in doc.sections] == [
        (TASK_1, 1),
        ("Was it clear what documents you need?", 2),
        ("How long did you expect this to take?", 2),
        (TASK_2, 1),
        ("Where would you look first?", 2),
    ]
    for section in doc.sections:
        assert section.title in doc.text[section.char_start : section.char_end]


def test_think_aloud_turns_fall_under_their_task_and_sub_question() -> None:
    doc = read_one(TRANSCRIPTS / "think_aloud.txt")
    assert [t.section for t in doc.turns] == [TASK_1] * 5 + [TASK_2] * 5
    sub_1a, sub_1b, sub_2a = (s for s in doc.sections if s.level == 2)
    starts = [t.char_start for t in doc.turns]
    assert all(sub_1a.char_end < s < sub_1b.char_start for s in starts[:4])
    assert sub_1b.char_end < starts[4] < sub_2a.char_start
    assert all(s > sub_2a.char_end for s in starts[5:])


def test_think_aloud_observer_notes_and_task_lines_are_not_turn_text() -> None:
    doc = read_one(TRANSCRIPTS / "think_aloud.txt")
    texts = [doc.turn_text(t) for t in doc.turns]
    not_spoken = [
        "(The participant types the email slowly and checks it twice)",
        "(The participant scrolls down to the footer)",
        "The participant",
        "1.a",
        "2.a",
        *(s.title for s in doc.sections),
    ]
    for fragment in not_spoken:
        assert not any(fragment in text for text in texts), fragment


def test_a_think_aloud_scripts_preamble_is_not_a_participants_turn(tmp_path: Path) -> None:
    """The sample's p07 opened with "Freshbox think-aloud usability session, participant P07
    (new user...)", which chat then quoted as P7's words."""
    path = tmp_path / "p07.txt"
    path.write_text(
        "Usability session, participant P07 (new user, laptop)\n\n"
        "1 Find the price of a plan.\n"
        "\tMODERATOR: Start on the home page.\n"
        "\tOkay, I'm looking for a pricing link.\n"
        "2 Sign up.\n"
        "\tThe form wants my phone number twice.\n",
        encoding="utf-8",
    )
    doc = read_one(path)
    texts = [doc.turn_text(t) for t in doc.turns]
    assert not any("Usability session" in t for t in texts)
    assert "Okay, I'm looking for a pricing link." in texts


def test_think_aloud_moderator_lines_are_turns() -> None:
    doc = read_one(TRANSCRIPTS / "think_aloud.txt")
    moderator = [i for i, t in enumerate(doc.turns) if t.speaker == "MODERATOR"]
    assert moderator == [0, 2, 5, 8]


# --- encodings ------------------------------------------------------------------------------


def test_gbk_transcript_decodes_to_the_right_chinese_text() -> None:
    doc = read_one(TRANSCRIPTS / "chinese_gbk.txt")
    assert doc.encoding.lower().replace("-", "") in {"gbk", "gb18030", "gb2312", "cp936"}
    assert "餐饮、交通、购物都会自动分开" in doc.text
    assert sum(cjk_count(doc.turn_text(t)) for t in doc.turns) == 168


def test_utf16_with_bom_and_crlf_decodes_without_bom_or_carriage_returns() -> None:
    doc = read_one(TRANSCRIPTS / "utf16.txt")
    assert doc.encoding.lower().replace("_", "-").startswith("utf-16")
    assert "\ufeff" not in doc.text
    assert "\r" not in doc.text
    assert doc.turns[0].speaker == "Interviewer"


def test_latin1_transcript_falls_back_to_a_western_encoding_not_cp1250() -> None:
    doc = read_one(LATIN1)
    assert doc.encoding in {"cp1252", "latin_1", "latin-1", "iso8859_15"}
    for word in ("café", "naïve", "José", "Zoë", "JOSÉ"):
        assert word in doc.text
    assert "ď" not in doc.text


# --- JSON -----------------------------------------------------------------------------------


def test_json_list_turns_keep_their_text_and_times() -> None:
    path = TRANSCRIPTS / "turns.json"
    doc = read_one(path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert [doc.turn_text(t) for t in doc.turns] == [item["text"].strip() for item in raw]
    assert [(t.start, t.end) for t in doc.turns] == [
        (1.5, 6.0),
        (6.8, 19.2),
        (20.0, 23.4),
        (24.1, 38.7),
        (39.5, 43.0),
    ]
    assert doc.participant_hint is None


def test_json_object_participant_becomes_the_participant_hint() -> None:
    doc = read_one(TRANSCRIPTS / "turns_object.json")
    assert doc.participant_hint == "P7"
    assert doc.metadata["title"] == "Nimbank usability interview - budgeting and card controls"
    assert len(doc.turns) == 6


# --- docx and pdf, generated here ------------------------------------------------------------

DOCX_LINES = [
    "Interviewer: How did you open your Nimbank account?",
    "Noor Haddad: On my phone, it took about ten minutes.",
    "Interviewer: Was anything confusing?",
    "Noor Haddad: The selfie step. It failed twice before it worked.",
]


def test_docx_paragraphs_become_speaker_turns(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Interview 4: onboarding", level=1)
    for line in DOCX_LINES:
        document.add_paragraph(line)
    path = tmp_path / "interview.docx"
    document.save(str(path))

    doc = read_one(path)
    assert doc.encoding == "docx"
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Noor Haddad"] * 2
    assert [doc.turn_text(t) for t in doc.turns] == [line.split(": ", 1)[1] for line in DOCX_LINES]
    assert [s.title for s in doc.sections] == ["Interview 4: onboarding"]
    roles = assign_roles([(t.speaker, doc.turn_text(t)) for t in doc.turns])
    assert roles["Noor Haddad"] is Role.participant


def test_pdf_text_layer_becomes_speaker_turns(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in DOCX_LINES:
        pdf.multi_cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "interview.pdf"
    pdf.output(str(path))

    doc = read_one(path)
    assert doc.encoding == "pdf"
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Noor Haddad"] * 2
    texts = [squash(doc.turn_text(t)) for t in doc.turns]
    assert texts == [line.split(": ", 1)[1] for line in DOCX_LINES]


# --- review tables --------------------------------------------------------------------------


def test_review_csv_gives_one_review_source_per_row() -> None:
    docs = read_file(REVIEWS / "reviews.csv", max_bytes=MAX_BYTES)
    assert len(docs) == 8
    assert all(d.kind is SourceKind.review for d in docs)
    assert [d.locator.rsplit("#", 1)[1] for d in docs] == [str(n) for n in range(1, 9)]
    assert all(d.locator.startswith(str(REVIEWS / "reviews.csv")) for d in docs)
    assert [d.metadata["rating"] for d in docs] == [5, 2, 4, 1, 3, 5, 2, 4]
    assert docs[0].metadata["date"] == "2026-02-14"
    assert docs[-1].metadata["date"] == "2026-03-01"
    assert all(len(d.turns) == 1 and d.turns[0].speaker is None for d in docs)


def test_review_author_becomes_the_participant_hint_and_not_metadata() -> None:
    docs = read_file(REVIEWS / "reviews.csv", max_bytes=MAX_BYTES)
    assert docs[3].participant_hint == "J. Novak"
    assert docs[5].participant_hint == "Chen, Wei"
    assert all("author" not in d.metadata for d in docs)


def test_review_csv_keeps_quoted_fields_intact() -> None:
    docs = read_file(REVIEWS / "reviews.csv", max_bytes=MAX_BYTES)
    texts = [d.turn_text(d.turns[0]) for d in docs]
    assert texts[2] == (
        "Great app, but savings pots can't be renamed.\nPlease fix this in the next update."
    )
    assert '"try again"' in texts[1]
    assert '"understands"' in texts[6]
    assert "j.novak@example.com" in texts[3]
    assert "+44 20 7946 0321" in texts[3]


def test_review_text_column_is_found_by_content_or_named_explicitly() -> None:
    path = REVIEWS / "reviews_custom.csv"
    detected = read_file(path, max_bytes=MAX_BYTES)
    explicit = read_file(path, max_bytes=MAX_BYTES, text_column="customer_feedback")
    for docs in (detected, explicit):
        assert [d.locator.rsplit("#", 1)[1] for d in docs] == [f"T-104{n}" for n in range(1, 6)]
        assert [d.metadata["rating"] for d in docs] == [5, 2, 2, 4, 4]
        assert docs[0].turn_text(docs[0].turns[0]) == "Card arrived quickly, activation was easy."


@pytest.mark.parametrize(
    "header", ["Ticket #", "Review ID", "ReviewId", "id", "No.", "Case number", "编号", "评论ID"]
)
def test_common_id_headers_give_each_review_its_id(header: str, tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        f'"{header}",Feedback,Stars\n'
        "T-88,The courier left the box in the rain again.,1\n"
        "T-91,Recipes are great but portions are small.,3\n",
        encoding="utf-8",
    )
    docs = read_file(path, max_bytes=MAX_BYTES)
    assert [d.locator.rsplit("#", 1)[1] for d in docs] == ["T-88", "T-91"]  # was odd.csv#1, #2


@pytest.mark.parametrize(
    ("header", "values"),
    [("Phone number", ("0412 555 019", "0412 555 020")), ("Ticket #", ("T-88", "T-88"))],
    ids=["a phone number", "a repeated value"],
)
def test_a_column_that_cannot_name_rows_leaves_them_numbered(
    header: str, values: tuple[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text(
        f"{header},Feedback\n{values[0]},The courier was late.\n{values[1]},Great recipes.\n",
        encoding="utf-8",
    )
    docs = read_file(path, max_bytes=MAX_BYTES)
    assert [d.locator.rsplit("#", 1)[1] for d in docs] == ["1", "2"]


def test_explicit_text_column_chooses_that_column() -> None:
    docs = read_file(REVIEWS / "reviews.csv", max_bytes=MAX_BYTES, text_column="author")
    assert docs[0].turn_text(docs[0].turns[0]) == "Maria G."


def test_jsonl_reviews_keep_ids_scores_dates_and_chinese_text() -> None:
    docs = read_file(REVIEWS / "reviews.jsonl", max_bytes=MAX_BYTES)
    assert [d.locator.rsplit("#", 1)[1] for d in docs] == ["101", "102", "103", "104", "105"]
    assert [d.metadata["rating"] for d in docs] == [5, 1, 3, 3, 4]
    assert [d.metadata["date"] for d in docs] == [
        "2026-03-01",
        "2026-03-01",
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
    ]
    chinese = docs[2]
    assert (
        chinese.turn_text(chinese.turns[0])
        == "开户很快，但是人脸识别失败了两次，客服回复也比较慢。"
    )


def test_semicolon_csv_is_sniffed_and_keeps_commas_in_text() -> None:
    docs = read_file(REVIEWS / "reviews_semicolon.csv", max_bytes=MAX_BYTES)
    texts = [d.turn_text(d.turns[0]) for d in docs]
    assert texts == [
        "Easy sign-up, but the card fee of €4,50 was a surprise.",
        "Die App ist super, nur der Kundenservice ist langsam.",
        "Transfers are fast; the design is clear, and no hidden fees.",
    ]
    assert [d.metadata["rating"] for d in docs] == [3, 4, 5]


def test_table_without_a_text_column_asks_for_text_column() -> None:
    with pytest.raises(UnreadableFileError) as error:
        read_file(REVIEWS / "no_text_column.csv", max_bytes=MAX_BYTES)
    message = str(error.value)
    assert "no_text_column.csv" in message
    assert "--text-column" in message


def test_unknown_text_column_lists_the_columns() -> None:
    with pytest.raises(UnreadableFileError) as error:
        read_file(REVIEWS / "reviews.csv", max_bytes=MAX_BYTES, text_column="body")
    message = str(error.value)
    assert "'body'" in message
    assert "id, author, rating, date, review" in message


# --- which prefixes are speakers ----------------------------------------------------------


def test_name_used_once_beside_a_role_label_is_a_speaker(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Interviewer: How was the sign-up?\nDana: Quick and painless.\n")
    doc = read_one(path)
    assert [(t.speaker, doc.turn_text(t)) for t in doc.turns] == [
        ("Interviewer", "How was the sign-up?"),
        ("Dana", "Quick and painless."),
    ]


def test_capitalised_word_before_a_colon_in_prose_is_not_a_speaker(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("I tried the app for a week.\nVerdict: it works, but support is slow.\n")
    doc = read_one(path)
    assert all(t.speaker is None for t in doc.turns)
    assert any("Verdict: it works" in doc.turn_text(t) for t in doc.turns)


def test_chinese_headers_for_stars_date_title_and_author_are_understood(tmp_path: Path):
    """A food-delivery trial's 星级 column was dropped: its one-star complaints read as nothing."""
    table = tmp_path / "外卖.csv"
    table.write_text(
        "评论ID,星级,标题,内容,日期,昵称\nR1,1,又超时,连续三次了,2025-03-01,吃货小王\n",
        encoding="utf-8",
    )
    (doc,) = read_file(table, max_bytes=1_000_000)
    assert doc.metadata["rating"] == 1 and doc.metadata["date"] == "2025-03-01"
    assert doc.metadata["title"] == "又超时" and doc.participant_hint == "吃货小王"


def test_single_quoted_words_do_not_make_the_single_quote_the_tables_quote(tmp_path: Path):
    """A food-delivery trial's reviews said 'arriving in 5 min' in single quotes: the sniffer
    took ' for the quote character and every double-quoted review with a comma was cut at its
    first comma ("Super fast delivery), silently; a header 用户昵称 named no author, so one
    person's reposts counted as two people."""
    table = tmp_path / "reviews.csv"
    rows = [
        "评论ID,用户昵称,评分,内容",
        "R1,吃货小王,1,App said 'arriving in 5 min' for an hour.",
        'R2,阿杰,5,"Super fast delivery, arrived 10 minutes early and the food was still hot."',
        "R3,小李,2,骑手说'马上到'，结果又等了四十分钟。",
        'R4,Mia,4,"Clean and simple interface, easy to reorder."',
    ]
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    docs = read_file(table, max_bytes=1_000_000)
    texts = [d.turn_text(d.turns[0]) for d in docs]
    assert texts[1] == "Super fast delivery, arrived 10 minutes early and the food was still hot."
    assert texts[0] == "App said 'arriving in 5 min' for an hour."
    assert texts[3] == "Clean and simple interface, easy to reorder."
    assert [d.participant_hint for d in docs] == ["吃货小王", "阿杰", "小李", "Mia"]
    assert not any(w for d in docs for w in d.warnings)


def test_cells_past_the_headers_columns_are_said(tmp_path: Path) -> None:
    table = tmp_path / "reviews.csv"
    table.write_text("id,text\nr1,Fine.\nr2,Slow, and the driver was rude.\n", encoding="utf-8")
    docs = read_file(table, max_bytes=1_000_000)
    assert [d.turn_text(d.turns[0]) for d in docs] == ["Fine.", "Slow"]
    (warning,) = [w for d in docs for w in d.warnings]
    assert "1 row(s) have more cells than the header" in warning and "line 3" in warning


def test_rows_that_repeat_another_rows_text_are_kept_and_said(tmp_path: Path) -> None:
    """A banking trial's duplicated review was quoted three times in one answer."""
    text = "Transfers take a whole day to arrive and nobody tells you why."
    table = tmp_path / "reviews.csv"
    table.write_text(
        f'id,text\nr1,"{text}"\nr2,"Great app."\nr3,"{text.upper()}"\nr4,"{text}"\n',
        encoding="utf-8",
    )
    docs = read_file(table, max_bytes=10**6)
    assert len(docs) == 4
    [warning] = [w for d in docs for w in d.warnings]
    # the file's rows, and the ids the table gives them (a laptop trial's "row 4 repeats row
    # 77" named review ids: the rows were 78 and 7)
    assert (
        "2 row(s) repeat another row's text word for word (row 3 (id r3) repeats row 1 (id r1))"
        in warning
    )


def test_line_breaks_a_platform_wrote_as_escapes_are_breaks(tmp_path: Path) -> None:
    """A Chinese restaurant set wrote its reviews' breaks as `\\n` (and `\\\\n`): its titles
    read "\\n真的便宜". A path's backslash before a lower-case letter stays."""
    path = tmp_path / "reviews.csv"
    path.write_text(
        "id,text\n"
        '1,"环境不错，干净温馨！\\\\n        老公很爱吃生鱼片"\n'
        '2,"Great food!\\nService was slow."\n'
        '3,"Saved it to C:\\new folder, fine."\n',
        encoding="utf-8",
    )
    texts = [d.turn_text(d.turns[0]) for d in read_file(path, max_bytes=MAX_BYTES)]
    assert texts[0].startswith("环境不错，干净温馨！\n") and "\\" not in texts[0]
    assert texts[1] == "Great food!\nService was slow."
    assert texts[2] == "Saved it to C:\\new folder, fine."


def test_a_google_play_export_is_read_by_its_own_headers() -> None:
    """Play Console's "Review Text", "Star Rating" and "Review Title" were not found: the
    developer's replies were read as the reviews, rows without a reply vanished, and "Reviewer
    Language" made every review one of two people (en, es)."""
    path = REVIEWS / "google_play_export.csv"
    docs = read_file(path, max_bytes=MAX_BYTES)
    assert [d.metadata["rating"] for d in docs] == [1, 5, 2]
    assert [d.metadata["title"] for d in docs] == ["Crashes", "Genial", "Sync"]
    assert docs[0].metadata["date"] == "2026-03-01T10:00:00Z"
    assert all("thanks for your feedback" not in d.text for d in docs)
    assert docs[1].text.endswith("Los entrenadores son increíbles y muy motivadores.")
    assert all(d.participant_hint is None for d in docs)
    assert any("1 of 4 row(s) have no text in column 'Review Text'" in w for w in docs[0].warnings)


def test_a_follow_up_review_is_the_reviewers_own_later_words_and_a_mask_is_no_author(
    tmp_path: Path,
) -> None:
    """A Chinese e-commerce trial: 追评内容 (praise, then "broke after a month") was dropped,
    and eleven 匿名用户 and two "t***1" were counted as one reviewer each."""
    path = tmp_path / "reviews.jsonl"
    rows = [
        {
            "评价ID": "1306061712255",
            "用户名": "t***1",
            "评价内容": "性价比高，推荐购买",
            "追评内容": "一个多月屏幕就不亮了",
            "追评时间": "2024-05-01",
        },
        {"评价ID": "1306061712256", "用户名": "匿名用户", "评价内容": "声音大", "追评内容": ""},
        {
            "评价ID": "1306061712257",
            "用户名": "小王爱吃鱼",
            "评价内容": "安装简单",
            "追评内容": "追评：用了两个月还不错",
        },
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    docs = read_file(path, max_bytes=MAX_BYTES)
    texts = [[d.turn_text(t) for t in d.turns] for d in docs]
    assert texts[0] == ["性价比高，推荐购买", "一个多月屏幕就不亮了"]
    assert docs[0].text == "性价比高，推荐购买\n追评：一个多月屏幕就不亮了"
    assert texts[1] == ["声音大"]
    assert texts[2] == ["安装简单", "追评：用了两个月还不错"]
    assert [d.participant_hint for d in docs] == [None, None, "小王爱吃鱼"]


def test_a_booking_style_table_reads_its_liked_and_disliked_fields_and_its_scale(
    tmp_path: Path,
) -> None:
    """A hotel trial: only the Negative column was read (the longer one), so every delight
    was a complaint; "Nothing" was a pain point; scores out of 10 were read as stars out of 5
    (5/10 as a five-star stay)."""
    path = tmp_path / "booking.csv"
    path.write_text(
        "Review ID,Hotel,Rating x/10,Title,Positive,Negative,Response from property\n"
        "R1,Ribera,4.0,Noisy,Location,Street noise until 3am. No sleep.,We are sorry.\n"
        "R2,Chiado,9.5,Lovely,Marta at reception was a star.,Nothing,\n"
        "R3,Chiado,8,Fine,,N/A,\n",
        encoding="utf-8",
    )
    docs = read_file(path, max_bytes=MAX_BYTES)
    assert len(docs) == 2  # R3 said nothing in either field
    first = docs[0]
    assert [first.turn_text(t) for t in first.turns] == [
        "Noisy",
        "Location",
        "Street noise until 3am. No sleep.",
    ]
    assert [t.section for t in first.turns] == [None, "Liked", "Disliked"]
    assert first.text == "Noisy\nPositive: Location\nNegative: Street noise until 3am. No sleep."
    assert [docs[1].turn_text(t) for t in docs[1].turns] == [
        "Lovely",
        "Marta at reception was a star.",
    ]
    assert all("sorry" not in d.text for d in docs)
    assert {d.metadata["rating_scale"] for d in docs} == {10}
    assert any("2 row" in w or "1 of 3 row" in w for w in docs[0].warnings)


def test_a_survey_table_has_every_open_question_read_and_its_nps_score_kept(
    tmp_path: Path,
) -> None:
    """An NPS trial: only "What is the main reason for your score?" was read and "What is one
    thing we could improve?" dropped without a word; the 0-10 score was never used; "Nothing
    really, keep doing what you're doing" was a pain theme."""
    path = tmp_path / "nps.csv"
    path.write_text(
        "Response ID,Submitted at,How likely are you to recommend Planly to a friend or "
        "colleague?,What is the main reason for your score?,What is one thing we could "
        "improve?,Plan,Email\n"
        "R1,2024-09-12,2,The price jumped when we grew past ten seats.,Cheaper enterprise "
        "plan,Team,a@example.com\n"
        "R2,2024-09-13,10,So easy to use for the whole team.,"
        '"Nothing really, keep doing what you\'re doing",Free,\n'
        "R3,2024-09-14,7,Solid for day to day tasks and boards.,A timeline view,Team,\n",
        encoding="utf-8",
    )
    docs = read_file(path, max_bytes=MAX_BYTES, survey=True)
    said = [[(d.turn_text(t), t.section) for t in d.turns] for d in docs]
    assert said[0] == [
        ("The price jumped when we grew past ten seats.", None),
        ("Cheaper enterprise plan", "Disliked"),
    ]
    assert said[1] == [("So easy to use for the whole team.", None)]
    assert docs[0].metadata["rating"] == 2 and docs[0].metadata["rating_kind"] == "nps"
    assert all("example.com" not in d.text for d in docs)
    # a review table is read as before: one text column
    reviews = read_file(path, max_bytes=MAX_BYTES)
    assert all(len(d.turns) == 1 for d in reviews)


def test_a_json_review_export_is_a_table_of_reviews(tmp_path: Path) -> None:
    """A Play Store trial: an App Store export (a JSON list of review objects) was read as
    one interview, 24 reviews one person's turns, titles and ratings dropped."""
    path = tmp_path / "appstore.json"
    reviews = [
        {
            "id": "109",
            "title": "更新后同步不了",
            "content": "升级到4.2之后就再也没同步过。",
            "rating": 2,
            "version": "4.2.0",
            "nickname": "小鱼",
        },
        {
            "id": "110",
            "title": "Great",
            "content": "Love the charts.",
            "rating": 5,
            "version": "4.1.0",
            "nickname": "bob",
        },
    ]
    path.write_text(json.dumps(reviews, ensure_ascii=False), encoding="utf-8")
    documents = read_file(path, max_bytes=10_000_000, segment_columns=["version"])
    assert [d.kind for d in documents] == [SourceKind.review, SourceKind.review]
    assert [d.locator.rsplit("#", 1)[1] for d in documents] == ["109", "110"]
    assert documents[0].segment == {"version": "4.2.0"}
    assert "Love the charts." in documents[1].text and "bob" not in documents[1].text
    turns = tmp_path / "turns.json"
    turns.write_text(json.dumps([{"speaker": "P1", "text": "Hi"}]), encoding="utf-8")
    assert read_file(turns, max_bytes=10_000_000)[0].kind is None  # turns stay a transcript


def test_a_transcripts_header_lines_are_its_details_not_turns(tmp_path: Path) -> None:
    """A travel trial: a header line naming the interviewee was a participant's turn, the top
    search hit for business travel, with the name shown."""
    path = tmp_path / "a.txt"
    path.write_text(
        "访谈对象：张伟（商务出行，常旅客）\n日期：3月1日\n访谈者：最近一次订票怎么样？\n"
        "受访者：退票手续费太贵了。\n",
        encoding="utf-8",
    )
    (document,) = read_file(path, max_bytes=10_000_000)
    assert [t.speaker for t in document.turns] == ["访谈者", "受访者"]
    assert document.participant_hint == "张伟"
    assert any("访谈对象" in w for w in document.warnings)
    spoken = tmp_path / "b.txt"  # a label that speaks again is a speaker, not a header
    spoken.write_text(
        "Interviewee: Hi there.\nInterviewer: How was it?\nInterviewee: Slow.\n", encoding="utf-8"
    )
    (again,) = read_file(spoken, max_bytes=10_000_000)
    assert [t.speaker for t in again.turns] == ["Interviewee", "Interviewer", "Interviewee"]


def test_of_several_segment_columns_a_table_needs_only_its_own(tmp_path: Path) -> None:
    """A Play Store trial named each store's version column in one ingest; the Play file,
    lacking the App Store's column, was skipped whole."""
    path = tmp_path / "play.csv"
    path.write_text("content,score,reviewCreatedVersion\nSync broke.,1,4.2.0\n", encoding="utf-8")
    (document,) = read_file(
        path, max_bytes=10_000_000, segment_columns=["version", "reviewCreatedVersion"]
    )
    assert document.segment == {"reviewCreatedVersion": "4.2.0"}
    assert any("no segment column 'version'" in w for w in document.warnings)
    with pytest.raises(UnreadableFileError, match="no segment column 'version'"):
        read_file(path, max_bytes=10_000_000, segment_columns=["version"])  # a typo still says


def test_a_focus_groups_title_line_is_no_speaker(tmp_path: Path) -> None:
    """An online-pharmacy trial: a focus group's title line became a participant."""
    path = tmp_path / "fg.txt"
    path.write_text(
        "焦点小组：线上问诊与购药体验\n主持人：大家好。\n张阿姨：排队太久了。\n李叔：医保不能用。\n",
        encoding="utf-8",
    )
    (document,) = read_file(path, max_bytes=10_000_000)
    assert [t.speaker for t in document.turns] == ["主持人", "张阿姨", "李叔"]


def test_an_image_or_archive_under_a_text_name_is_called_what_it_is(tmp_path: Path) -> None:
    """A laptop trial's PNG renamed .csv was told to save itself as UTF-8 text."""
    image = tmp_path / "reviews.csv"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(UnreadableFileError, match="this is a PNG image, not text"):
        read_file(image, max_bytes=10**6)
    pdf = tmp_path / "notes.txt"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    with pytest.raises(UnreadableFileError, match=r"a PDF \(give it a \.pdf name"):
        read_file(pdf, max_bytes=10**6)
