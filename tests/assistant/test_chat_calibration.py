"""Calibrated chat: abstain when the study is not about the question, never pad, follow up."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.chat import Chat
from assistant.settings import Settings, get_settings
from assistant.workspace import Workspace, open_workspace
from ingest.pipeline import IngestOptions, IngestReport, find_files
from journey.source import SourceKind

SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"
TRANSCRIPTS = Path(__file__).parents[1] / "fixtures" / "transcripts"


CHINESE_REVIEWS = (
    "这家店的味道很好，红烧肉特别入味，就是停车不太方便，周末很难找到车位。",
    "服务员态度热情，上菜速度也快，价格有点贵但是分量足。",
    "环境干净，装修很有特色，适合朋友聚餐。排队等了半个小时。",
    "停车场就在旁边，停车很方便，菜品新鲜，推荐他们家的酸菜鱼。",
    "味道一般，服务员不太理人，性价比不高，不会再来了。",
    "离地铁站很近，交通方便，午餐套餐很划算。",
)


MIXED_REVIEWS = (
    "The video call dropped twice and the doctor never called back.",
    "Booking was easy but the waiting room gave no idea how long it would be.",
    "The doctor was lovely and listened to everything.",
    "Slots are gone by five past eight every morning.",
    "视频问诊的时候画面一直卡，通话还断了两次。",
    "在线候诊室等了四十分钟，没有任何提示还要等多久。",
)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Workspace]:
    ws = open_workspace(Settings(home=tmp_path_factory.mktemp("calibrated")), embedder)
    files, _ = find_files([SAMPLES / "interviews", SAMPLES / "reviews"])
    ws.ingestor("freshbox", IngestOptions()).ingest(files, IngestReport())
    ws.ingestor("one", IngestOptions()).ingest(
        [SAMPLES / "interviews" / "p01_maria.txt"], IngestReport()
    )
    reviews = tmp_path_factory.mktemp("zh") / "reviews.csv"
    reviews.write_text(
        "review_id,text\n" + "".join(f"r{i},{text}\n" for i, text in enumerate(CHINESE_REVIEWS)),
        encoding="utf-8",
    )
    options = IngestOptions(kind=SourceKind.review, text_column="text", id_column="review_id")
    ws.ingestor("zh", options).ingest([reviews], IngestReport())
    # a mostly English study with a few Chinese reviews (a trial's GP study: every Chinese
    # question abstained, the Chinese probes setting a bar no passage across languages clears)
    mixed = tmp_path_factory.mktemp("mixed") / "reviews.csv"
    mixed.write_text(
        "review_id,text\n" + "".join(f"r{i},{text}\n" for i, text in enumerate(MIXED_REVIEWS)),
        encoding="utf-8",
    )
    ws.ingestor("mixed", IngestOptions(kind=SourceKind.review)).ingest(
        [SAMPLES / "interviews" / "p01_maria.txt", mixed], IngestReport()
    )
    chinese = [TRANSCRIPTS / "chinese.txt", TRANSCRIPTS / "chinese_gbk.txt"]
    ws.ingestor("zh-interviews", IngestOptions()).ingest(chinese, IngestReport())
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def chat(workspace: Workspace) -> Chat:
    return Chat(workspace, "freshbox")


def test_a_question_on_a_subject_the_study_never_mentions_abstains(chat: Chat):
    for question in (
        "What do users think about the mortgage calculator?",
        "Did anyone mention the smartwatch integration?",
        "用户如何评价房贷计算器？",
        # a Chinese question over English sources is held to the Chinese probes' bar
        "大家对健身房会员卡有什么看法？",
        # a researcher's trial: answered because the study writes "freshbox" and "app"; a name
        # the study never writes is not its subject
        "How does Freshbox compare to HelloFresh?",
        "Is there an Apple Watch app?",
        "What's the weather like in Singapore?",
        # two words no participant uses (churn, rate) need clearer evidence than one: a SaaS
        # trial's "What percentage of customers churned after the first month?" quoted lines
        # on the first month
        "What was the churn rate after the first month?",
    ):
        answer = chat.ask(question)
        assert answer.abstained and not answer.citations, question


def test_misspelt_and_compound_words_find_what_the_study_writes(chat: Chat):
    """The same trial: "chatbot" (participants write "chat bot"), "pakaging" and a request's
    own words ("give me a quote") abstained."""
    for question, word in (
        ("Give me a quote about the support chatbot.", "bot"),
        ("waht do peple think about the pakaging?", "packaging"),
    ):
        answer = chat.ask(question)
        assert not answer.abstained, question
        assert any(word in c.quote.lower() for c in answer.citations), question
    # "users" names no Use stage: the recipe cards' delight answers
    cards = chat.ask("What do users say about the recipe cards?")
    assert "recipe" in cards.answer.lower().split("what participants said")[0]
    # what to fix first is a question about the widest pains, not the widest themes
    first = chat.ask("What should we fix first?")
    assert not first.abstained and "(delight" not in first.answer


def test_a_cited_quote_names_something(chat: Chat):
    """ "Subscription...", "I cancelled." and "The app, mainly." were cited as evidence, and a
    think-aloud's reading of a menu ('"Change plan," "Payment method," "Pause or cancel."')
    as why people cancel."""
    for question in ("Why do people cancel?", "Does the app crash?"):
        for c in chat.ask(question).citations:
            assert c.quote.strip() not in ("I cancelled.", "Subscription...", "The app, mainly.")
            assert "Payment method" not in c.quote


def test_a_bare_follow_up_leans_on_the_question_before(chat: Chat):
    chat.ask("What happened in the Support stage?", conversation="support")
    positive = chat.ask("any positive ones?", conversation="support")
    assert not positive.abstained
    # the Support stage's delights, not its pain points
    delights = {f.id: s.name for s in chat.map.stages for f in s.delights}
    assert positive.findings and {delights.get(i) for i in positive.findings} == {"Support"}


def test_chinese_reviews_answer_by_their_own_words_and_abstain_on_others(workspace: Workspace):
    chat = Chat(workspace, "zh")
    parking = chat.ask("停车方便吗？")
    assert not parking.abstained
    # only what speaks of parking: a hotel trial's answer led with "I've stayed here often"
    assert parking.citations and all("停车" in c.quote for c in parking.citations)
    # the business itself is no subject: the study's headlines answer
    least = chat.ask("大家对餐厅最不满意的是什么？")
    assert not least.abstained and least.citations
    # and praise does not pad it
    assert not any("划算" in c.quote or "推荐" in c.quote for c in least.citations)
    gym = chat.ask("健身房会员卡好办吗？")
    assert gym.abstained and not gym.citations


def test_an_english_question_over_a_chinese_study_answers_from_its_chinese_quotes(
    workspace: Workspace,
):
    # two interviews, in Chinese only: no English word of the question is in them, and one
    # passage each leaves too few for chance similarity to be measured well
    chat = Chat(workspace, "zh-interviews")
    face = chat.ask("Was the face recognition hard?")
    assert not face.abstained
    assert any("人脸识别" in c.quote for c in face.citations)
    for question in (
        "How is the weather at the beach?",
        "What do users think about the mortgage calculator?",
        "Did anyone mention the smartwatch integration?",
    ):
        answer = chat.ask(question)
        assert answer.abstained and not answer.citations, question
    reviews = Chat(workspace, "zh")
    parking = reviews.ask("Is parking convenient?")
    assert not parking.abstained
    assert any("停车" in c.quote for c in parking.citations)
    assert reviews.ask("What do users think about the mortgage calculator?").abstained


def test_a_question_on_a_subject_the_study_holds_answers_with_quotes(chat: Chat):
    answer = chat.ask("Does the app crash?")
    assert not answer.abstained
    assert any("crash" in c.quote.lower() for c in answer.citations)


def test_a_broad_question_on_a_one_interview_project_is_answered(workspace: Workspace):
    answer = Chat(workspace, "one").ask("what went wrong?")
    assert not answer.abstained and answer.citations
    assert "nothing on this" not in answer.answer


def test_quotes_below_the_relevance_bar_are_not_cited(chat: Chat):
    answer = chat.ask("Were any ingredients missing from the box?")
    said = answer.answer.split("What participants said:")[-1]
    assert "missing" in said.lower()
    # the extra quotes each use the subject's words or were found by meaning above chance:
    # none is about the (unrelated) courier's friendliness alone
    assert "carries the box up three flights" not in said


def test_a_follow_up_searches_its_own_subject_and_does_not_repeat_the_last_answer(chat: Chat):
    first = chat.ask("What frustrates people about delivery?", conversation="c-follow")
    second = chat.ask("and what about cancelling?", conversation="c-follow")
    assert not second.abstained
    assert second.answer != first.answer
    assert any("cancel" in c.quote.lower() for c in second.citations)
    turns = chat.workspace.repository.conversation("freshbox", "c-follow")
    assert len(turns) == 2 and "delivery" in turns[1].asked  # the turn keeps its context


def test_and_during_sign_up_answers_about_sign_up_not_the_last_subject_again(chat: Chat):
    first = chat.ask("What frustrates people about delivery?", conversation="c-signup")
    second = chat.ask("and during sign-up?", conversation="c-signup")
    assert not second.abstained and second.answer != first.answer
    assert any("sign-up" in c.quote.lower() for c in second.citations)


def test_a_follow_up_naming_only_a_participant_reasks_the_last_question_for_them(chat: Chat):
    chat.ask("What do people say about the support chat bot?", conversation="c-who")
    answer = chat.ask("and P3?", conversation="c-who")
    assert answer.citations and {c.participant_id for c in answer.citations} == {"P3"}


def test_cli_ask_json_returns_a_conversation_id_that_continues_the_conversation(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
):
    from api.cli import app

    monkeypatch.setenv("JOURNEYMAP_HOME", str(workspace.settings.home))
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        first = runner.invoke(app, ["ask", "Is the packaging a problem?", "-p", "one", "--json"])
        assert first.exit_code == 0, first.output
        conversation = json.loads(first.stdout)["conversation_id"]
        assert conversation
        more = ["ask", "and the recipes?", "-p", "one", "--json", "--conversation", conversation]
        again = runner.invoke(app, more)
        assert json.loads(again.stdout)["conversation_id"] == conversation
    finally:
        get_settings.cache_clear()


def test_an_answer_is_found_by_the_words_of_the_question_it_answers(
    workspace: Workspace, tmp_path: Path
):
    """A trial's gym study: 'What frustrates people about cancelling?' abstained, because
    'cancel' was only in the interviewer's question ("How would you cancel?")."""
    gym = tmp_path / "g01.txt"
    gym.write_text(
        "Interviewer: How did you find the classes?\n"
        "Anna: The spin classes are great, the instructors are lovely.\n"
        "Interviewer: Thank you, that's really helpful. Let's move on to the end of the "
        "membership now, the last part of the journey we want to understand from you today. "
        "Say you had to stop going: how would you cancel your membership?\n"
        "Anna: You have to give thirty days notice in writing, by post. That felt like a trap.\n"
        "Interviewer: And the changing rooms?\n"
        "Anna: Clean enough, the lockers work.\n",
        encoding="utf-8",
    )
    workspace.ingestor("gym", IngestOptions()).ingest([gym], IngestReport())
    answer = Chat(workspace, "gym").ask("What frustrates people about cancelling?")
    assert not answer.abstained
    answered = ("in writing, by post", "That felt like a trap.")  # the answer to that question
    assert any(a in c.quote for c in answer.citations for a in answered)
    assert all("Interviewer" not in (c.speaker or "") for c in answer.citations)


def test_a_chinese_question_over_a_mostly_english_study_answers_from_its_chinese_words(
    workspace: Workspace,
):
    chat = Chat(workspace, "mixed")
    answer = chat.ask("视频问诊有什么问题？")
    assert not answer.abstained, answer.answer
    assert any("视频问诊" in c.quote for c in answer.citations)
    assert chat.ask("停车方便吗？").abstained


def test_small_talk_is_never_quoted_as_evidence(chat: Chat):
    answer = chat.ask("冰袋化了吗？")
    assert not answer.abstained
    assert all("cup of tea" not in c.quote for c in answer.citations), answer.answer


def test_a_follow_up_is_answered_in_the_language_it_is_typed_in(chat: Chat):
    chat.ask("配送有什么问题？", conversation="c-lang")
    english = chat.ask("and the pricing?", conversation="c-lang")
    assert not english.abstained
    assert not re.search(r"[\u4e00-\u9fff]", english.answer.split("\n", 1)[0]), english.answer
    chinese = chat.ask("那价格呢？", conversation="c-lang")
    assert re.search(r"[\u4e00-\u9fff]", chinese.answer.split("\n", 1)[0]), chinese.answer


def test_broad_chinese_questions_are_answered_by_the_headlines_and_a_poem_is_refused(chat: Chat):
    """A Chinese trial: 最严重的问题是什么 abstained (重的, 题是 were read as its subject) while
    "What is the worst problem?" answered; a poem asked for in Chinese was answered with quotes."""
    for question in (
        "最严重的问题是什么？",
        "用户最不满意的是什么？",
        "用户喜欢什么？",
        "最大的三个问题是什么？",
    ):
        answer = chat.ask(question)
        assert not answer.abstained, question
        assert answer.citations, question
    poem = chat.ask("给我写一首关于猫的诗")
    assert poem.abstained and "只能回答" in poem.answer


def test_a_participant_named_against_chinese_text_is_that_participant(chat: Chat):
    """P4说了什么 (no space) answered with the study's headlines: no word edge after P4."""
    answer = chat.ask("P4说了什么？")
    assert answer.citations and {c.participant_id for c in answer.citations} == {"P4"}


def test_an_answer_names_the_findings_it_states(chat: Chat):
    """An assistant could not go from an answer to get_theme or an edit: no ids in it."""
    answer = chat.ask("What frustrates people about delivery?")
    assert answer.findings
    known = {f.id for s in chat.map.stages for f in (*s.pain_points, *s.delights)}
    assert set(answer.findings) <= known
    assert chat.ask("What do users think about the mortgage calculator?").findings == []


def test_under_a_question_about_frustrations_the_complaints_lead(chat: Chat):
    """'Came back after cancelling' led 'Cancelling is a nightmare'; 'I was annoyed.' (how, not
    about what) was quoted as evidence."""
    answer = chat.ask("What frustrates people about cancelling?")
    said = [c.quote for c in answer.citations]
    assert "I was annoyed." not in said
    assert "Cancelling is a nightmare" in said, said
    later = [q for q in said if q.startswith("Came back")]
    assert all(said.index("Cancelling is a nightmare") < said.index(q) for q in later)


def test_a_question_naming_a_segment_answers_from_that_segment(workspace: Workspace, tmp_path):
    """A food trial's "北京的用户抱怨什么" abstained, though 城市=北京 was a stored segment."""
    rows = [
        ("android", "The app crashes every time I open a workout since the Android update."),
        ("android", "Crashes on launch after the update, unusable on my phone."),
        ("android", "The watch sync drops my runs and the app crashes at the end."),
        ("ios", "Billing after I cancelled, I was charged again this month."),
        ("ios", "Charged twice after cancelling, support never answered."),
        ("ios", "The live class video freezes and buffers all the time."),
    ]
    table = tmp_path / "reviews.csv"
    table.write_text(
        "id,platform,review\n" + "".join(f"r{i},{p},{t}\n" for i, (p, t) in enumerate(rows)),
        encoding="utf-8",
    )
    options = IngestOptions(kind=SourceKind.review, segment_columns=("platform",))
    workspace.ingestor("seg", options).ingest([table], IngestReport())
    chat = Chat(workspace, "seg")
    answer = chat.ask("What do Android users complain about?")
    assert not answer.abstained and answer.citations
    android = {f"reviews.csv#r{i}" for i, (p, _) in enumerate(rows) if p == "android"}
    assert {c.source_path for c in answer.citations} <= android


def test_a_stage_with_no_headline_theme_is_answered_from_what_was_coded_there(
    workspace: Workspace,
):
    """A SaaS trial's Support stage held nine coded quotes but no theme of two people, and
    "What happened in the Support stage?" said the study had nothing on it."""
    chat = Chat(workspace, "freshbox")
    stage = "Support"
    chat._gatherer._findings = [(s, f) for s, f in chat._gatherer._findings if s != stage]
    answer = chat.ask("What happened in the Support stage?")
    assert not answer.abstained, answer.answer
    coded = {
        (o.evidence.source_id, o.evidence.char_start)
        for o in chat.map.observations
        if o.stage == stage
    }
    assert answer.citations
    assert all((c.source_id, c.char_start) in coded for c in answer.citations)
    assert len({c.source_id for c in answer.citations}) == len(answer.citations)


def test_a_question_about_change_over_time_is_told_the_counts_compare_no_periods(chat: Chat):
    """A fitness-app trial: "Are complaints about the trial charge increasing over time?"
    listed the theme and its quotes as if that said it was growing."""
    trend = chat.ask("Are complaints about the delivery fee increasing over time?")
    assert not trend.abstained and "do not compare periods" in trend.answer
    assert "journeymap diff" in trend.answer
    plain = chat.ask("What do people say about the delivery fee?")
    assert "do not compare periods" not in plain.answer
    zh = chat.ask("关于运费的抱怨是不是越来越多？")
    assert zh.abstained or "并未比较不同时期" in zh.answer


def test_how_many_after_an_answer_without_findings_counts_the_people_quoted(chat: Chat):
    """A SaaS trial's "how many people said that?" repeated the last answer with no count."""
    first = chat.ask("Does the phone screen go to sleep while cooking?", conversation="many")
    assert not first.abstained
    many = chat.ask("how many people said that?", conversation="many")
    assert not many.abstained
    assert many.findings or "quoted above" in many.answer, many.answer
    assert "1 participants" not in many.answer


def test_a_question_about_support_names_the_wide_support_themes(chat: Chat):
    """A curation trial: "What frustrates people about customer support?" answered from a
    3-person theme titled "Support…" and left out the 10-person hold-time theme of the Support
    stage, whose quotes never say "support"."""
    answer = chat.ask("What frustrates people about customer support?")
    assert not answer.abstained
    found = {f.id: (s.name, f) for s in chat.map.stages for f in s.pain_points}
    named = [found[i] for i in answer.findings if i in found]
    assert len(named) >= 2, answer.answer
    assert any(f.participants >= 6 and stage == "Support" for stage, f in named), answer.answer
