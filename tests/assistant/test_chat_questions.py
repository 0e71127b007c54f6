"""What a question asks, read against the study: the product a study names throughout frames
it, broad questions for what pleases are answered by the delights, variant characters read as
the study writes them, who the users are is no subject; and an answer says when none of its
quotes says what was asked."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.chat import Chat
from assistant.chat.question import zh_respelled
from assistant.settings import Settings
from assistant.study import Studies
from assistant.workspace import Workspace, open_workspace
from ingest.pipeline import IngestOptions, IngestReport, find_files
from journey.schema import Delight, Finding, PainPoint
from journey.source import SourceKind

LEDGER_INTERVIEWS = {
    "p1_anna.txt": (
        "Interviewer: Thanks for joining. How did your team start with Tallybook?\n"
        "Anna: Thanks for having me. We moved to Tallybook from spreadsheets in March.\n"
        "Interviewer: What do you like about it?\n"
        "Anna: The spend controls on the cards are brilliant, I love setting limits per person.\n"
        "Anna: Reimbursements are fast too, people get paid back in two days, which is great.\n"
        "Interviewer: And what has been hard?\n"
        "Anna: The bank feed in Tallybook stops syncing and nobody tells us.\n"
        "Anna: Tallybook only supports one approver, so I approve everything myself.\n"
        "Anna: The CSV export also breaks our accounting import.\n"
    ),
    "p2_ben.txt": (
        "Interviewer: Thanks for your time. What was the first week with Tallybook like?\n"
        "Ben: Setup was quick, the onboarding call was genuinely helpful and friendly.\n"
        "Ben: I love the spend controls, setting card limits for the field team is so easy.\n"
        "Interviewer: Anything that annoyed you?\n"
        "Ben: The bank feed in Tallybook failed silently three times in the first month.\n"
        "Ben: Receipt scanning in Tallybook reads the wrong amounts on long receipts.\n"
        "Ben: And support took days to answer, so we had to ask Tallybook twice.\n"
    ),
    "p3_chen.txt": (
        "Interviewer: Thanks. Tell me how you use Tallybook day to day.\n"
        "Chen: Thanks. Mostly receipts and approvals, the mobile app is where I live.\n"
        "Chen: Reimbursements are really fast, my staff love getting paid back quickly.\n"
        "Interviewer: What frustrates you?\n"
        "Chen: The mobile app of Tallybook logs me out constantly, every single day.\n"
        "Chen: The bank feed stopped syncing again and Tallybook never warned us.\n"
    ),
    "p4_dara.txt": (
        "Interviewer: Thanks for coming. Why did you choose Tallybook?\n"
        "Dara: Thanks. The QuickBooks integration works well and the card controls are great.\n"
        "Dara: I really like how fast reimbursements are, it is a big win for the team.\n"
        "Interviewer: What would you change?\n"
        "Dara: Approval chains in Tallybook cannot be customised, which is a real pain.\n"
        "Dara: The receipt scanning in Tallybook gets totals wrong, we fix them by hand.\n"
        "Dara: Our support tickets sat for days, support is slow.\n"
    ),
}

BANK_REVIEWS = (
    "转账到账太慢，一直显示处理中，也不告诉你什么时候到。",
    "跨行转账要等好几个小时才到账，急用钱的时候很麻烦。",
    "转账有点慢，其他还行。",
    "一进转账页面就闪退，重装了也没用。",
    "更新以后经常闪退，根本用不了。",
    "客服电话根本打不通，等了半个小时也没人接。",
    "在线客服是机器人，问什么都答非所问。",
    "挺好的，没什么问题。",
    "指纹登录很方便，一秒就进去了，很喜欢。",
    "指纹登录又快又安全，这点特别满意。",
    "月度账单做得很清楚，每笔钱花在哪里一目了然，很喜欢。",
    "账单分类清楚，每个月看账单很方便，满意。",
)

CLINIC_REVIEWS = (
    "No appointment slots available all week. The calendar is always empty.",
    "Never any appointments available when I need one. Checked at 8am, noon and 6pm.",
    "Impossible to find an available appointment. The calendar shows no slots for days.",
    "Slots are gone within minutes every morning, I could never get an appointment.",
    "Tried for a week to get an appointment, no availability at all.",
    "You can't message your doctor after the visit, so follow-ups mean booking a new "
    "appointment with someone who doesn't know you.",
    "There is no way to message the doctor after the appointment.",
    "Follow-up appointments cost the same as a first visit and you can't message the doctor.",
    "Sat in the waiting room for 35 minutes with no idea how long it would take.",
    "Waited in the waiting room 45 minutes, then the appointment was cancelled.",
    "The waiting room needs a timer, I waited 20 minutes not knowing if anyone was coming.",
    "The doctor was lovely, she listened to everything and did not rush me.",
    "Caring doctors, mine explained everything clearly. Really happy with the care.",
)


RIDER_REVIEWS = (
    "骑手打电话第一句就吼，你在哪啊快点下来！",
    "骑手把外卖送到了隔壁单元，还让我自己去拿。",
    "骑手一次接了五六单，在小区门口绕来绕去，饭都凉了。",
    "骑手态度很差，问他在哪就挂电话。",
    "骑手每次都找不到我们小区的门。",
    "骑手送错楼了，打电话也不接。",
    "骑手把汤洒了一半，也不道歉。",
    "骑手小哥很有礼貌，提前打电话，还提醒我汤很烫。",
    "骑手大姐特别热情，还帮我把东西拎进门，太暖心了。",
    "配送费太贵了，比饭还贵。",
)


def _table(folder: Path, rows: tuple[str, ...]) -> Path:
    table = folder / "reviews.csv"
    table.write_text(
        "review_id,text\n" + "".join(f'r{i},"{text}"\n' for i, text in enumerate(rows)),
        encoding="utf-8",
    )
    return table


def _segmented(column: str) -> IngestOptions:
    """A review table's options with one column as each row's segment."""
    return IngestOptions(
        kind=SourceKind.review,
        text_column="text",
        id_column="review_id",
        segment_columns=(column,),
    )


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, embedder) -> Iterator[Workspace]:
    ws = open_workspace(Settings(home=tmp_path_factory.mktemp("questions")), embedder)
    folder = tmp_path_factory.mktemp("ledger")
    for name, text in LEDGER_INTERVIEWS.items():
        (folder / name).write_text(text, encoding="utf-8")
    ws.ingestor("expenses", IngestOptions()).ingest(sorted(folder.glob("*.txt")), IngestReport())
    options = IngestOptions(kind=SourceKind.review, text_column="text", id_column="review_id")
    bank = _table(tmp_path_factory.mktemp("bank"), BANK_REVIEWS)
    ws.ingestor("bank", options).ingest([bank], IngestReport())
    clinic = _table(tmp_path_factory.mktemp("clinic"), CLINIC_REVIEWS)
    ws.ingestor("clinic", options).ingest([clinic], IngestReport())
    copies = _table(tmp_path_factory.mktemp("copies"), CLINIC_REVIEWS + (CLINIC_REVIEWS[1],) * 2)
    ws.ingestor("copies", options).ingest([copies], IngestReport())
    riders = _table(tmp_path_factory.mktemp("riders"), RIDER_REVIEWS)
    ws.ingestor("riders", options).ingest([riders], IngestReport())
    plans = tmp_path_factory.mktemp("plans") / "reviews.csv"
    plans.write_text(
        "review_id,plan,text\n"
        + "".join(
            f'r{i},{"basic" if i % 3 else "premium"},"{text}"\n'
            for i, text in enumerate(CLINIC_REVIEWS)
        ),
        encoding="utf-8",
    )
    ws.ingestor("plans", _segmented("plan")).ingest([plans], IngestReport())
    waves = tmp_path_factory.mktemp("waves") / "reviews.csv"
    # wave 1: no appointment slots; wave 2 (after a redesign): the slots are fine, but no way
    # to message the doctor; the waiting room in both
    rows = [(1, t) for t in CLINIC_REVIEWS[:5]] + [(2, t) for t in CLINIC_REVIEWS[5:8]]
    rows += [(1, CLINIC_REVIEWS[8]), (2, CLINIC_REVIEWS[9]), (2, CLINIC_REVIEWS[10])]
    rows += [(2, "Booking is easy now, plenty of slots since the new calendar.")] * 1
    waves.write_text(
        "review_id,wave,text\n" + "".join(f'w{i},{w},"{t}"\n' for i, (w, t) in enumerate(rows)),
        encoding="utf-8",
    )
    ws.ingestor("waves", _segmented("wave")).ingest([waves], IngestReport())
    spanish = (
        "No hay citas disponibles en toda la semana, el calendario siempre está vacío.",
        "Nunca hay citas libres cuando las necesito, es un desastre.",
        "La sala de espera es horrible, esperé cuarenta minutos sin saber nada.",
    )
    mixed = _table(tmp_path_factory.mktemp("mixed"), CLINIC_REVIEWS + spanish)
    ws.ingestor("mixed", options).ingest([mixed], IngestReport())
    releases = tmp_path_factory.mktemp("releases") / "reviews.csv"
    before = [("1.0.0", t) for t in CLINIC_REVIEWS[8:13]] + [("1.1.0", CLINIC_REVIEWS[11])]
    crashes = (
        "The app crashes every time I open the calendar since the update.",
        "Crashes on launch now, could not book anything.",
        "Since updating it crashes when I try to pay.",
        "Keeps crashing at the booking step after the new version.",
    )
    after = [("2.0.0", t) for t in crashes[:2]] + [("2.0.1", t) for t in crashes[2:]]
    after += [("2.0.1", CLINIC_REVIEWS[9])]
    releases.write_text(
        "review_id,version,text\n"
        + "".join(f'v{i},{v},"{t}"\n' for i, (v, t) in enumerate(before + after)),
        encoding="utf-8",
    )
    ws.ingestor("releases", _segmented("version")).ingest([releases], IngestReport())
    yield ws
    ws.close()


def test_a_name_the_study_writes_throughout_frames_a_question(workspace: Workspace):
    """A trial's expense study (project "saas") named Ledgerly everywhere: "What do people like
    most about Ledgerly?" quoted complaints that name it, where "What do people like most?"
    named the delights."""
    chat = Chat(workspace, "expenses")
    # not an acronym (CSV), a word also written in lower case (support) nor one only ever at
    # the start of a sentence (Thanks)
    assert chat._retriever.names == {"tallybook"}
    answer = chat.ask("What do people like most about Tallybook?")
    assert not answer.abstained and answer.findings
    found = {f.id: f for s in chat.map.stages for f in (*s.pain_points, *s.delights)}
    assert all(isinstance(found[i], Delight) for i in answer.findings), answer.answer
    assert not any("bank feed" in c.quote or "logs me out" in c.quote for c in answer.citations)
    # and the name leaves the rest of the subject as it was
    scanning = chat.ask("What do people say about Tallybook's receipt scanning?")
    assert not scanning.abstained and scanning.findings
    assert "receipt" in found[scanning.findings[0]].title.lower()


def test_broad_questions_for_what_pleases_are_answered_by_the_delights(workspace: Workspace):
    """A Chinese banking trial: "what are the highlights" (有什么亮点) and "what satisfies or
    surprises users" found "nothing on this", though "what do people like" named the map's
    delights."""
    chat = Chat(workspace, "bank")
    for question in ("有什么亮点？", "有哪些让用户满意或惊喜的地方？", "What are the highlights?"):
        answer = chat.ask(question)
        assert not answer.abstained, question
        assert chat.filters_for(question).sentiment == "delight", question
        found = {f.id: f for s in chat.map.stages for f in (*s.pain_points, *s.delights)}
        assert answer.findings and all(isinstance(found[i], Delight) for i in answer.findings)


def test_a_variant_character_reads_as_the_study_writes_it(workspace: Workspace):
    """转帐 (a common spelling of 转账) abstained where a search for 转帐慢 found the passages."""
    chat = Chat(workspace, "bank")
    for question in ("转帐慢吗？", "转帐到帐太慢的问题"):
        answer = chat.ask(question)
        assert not answer.abstained, question
        assert any("转账" in c.quote for c in answer.citations), question
    # only where the study writes the variant and never the character as typed
    written = {"转账", "到账"}.__contains__
    assert zh_respelled("转帐到帐慢吗", written) == "转账到账慢吗"
    assert zh_respelled("帐篷好吗", written) == "帐篷好吗"


def test_no_problem_is_not_quoted_among_the_problems(workspace: Workspace):
    """A line saying there is no problem (没什么问题) was quoted under "what are the three biggest
    problems" beside the map's three problems."""
    chat = Chat(workspace, "bank")
    answer = chat.ask("最大的三个问题是什么？")
    assert not answer.abstained and answer.findings
    assert not any("没什么问题" in c.quote for c in answer.citations)


def test_who_the_users_are_is_no_subject_and_the_finding_quoted_is_named(workspace: Workspace):
    """A telehealth trial: "What frustrates patients most about booking an appointment?" named no
    finding ("patients" was read as its subject, and the themes its quotes came from were
    further from the question by meaning than the bar)."""
    chat = Chat(workspace, "clinic")
    question = "What frustrates patients most about booking an appointment?"
    assert "patient" not in chat._reader.subject(question, chat.filters_for(question))
    answer = chat.ask(question)
    assert not answer.abstained
    found = {f.id: f for s in chat.map.stages for f in (*s.pain_points, *s.delights)}
    named = [found[i] for i in answer.findings]
    assert named and all(isinstance(f, PainPoint) for f in named)
    assert any(_about_slots(f) for f in named), answer.answer
    # a finding whose own quotes are the ones cited is named, though its title and first
    # quotes are not close enough to the question by meaning alone
    availability = chat.ask("What do people say about availability?")
    named = [found[i] for i in availability.findings]
    assert named and _about_slots(named[0]), availability.answer


def _about_slots(finding: Finding) -> bool:
    return any("slot" in e.quote or "availab" in e.quote for e in finding.evidence)


def test_an_answer_says_when_no_quote_says_what_was_asked(workspace: Workspace):
    """A telehealth trial: "any positive ones?" after the waiting room listed five complaints
    without saying that none was positive."""
    chat = Chat(workspace, "clinic")
    chat.ask("What do people think of the waiting room?", conversation="waiting")
    positive = chat.ask("any positive ones?", conversation="waiting")
    assert not positive.abstained and not positive.findings
    assert positive.answer.splitlines()[1] == "No quote found is positive about this."
    assert positive.citations and all("waiting" in c.quote for c in positive.citations)
    # and where none says either, it says nothing of the kind
    plain = chat.ask("What do people say about the calendar?")
    assert "No quote found" not in plain.answer


def test_a_review_posted_word_for_word_again_is_cited_once(workspace: Workspace):
    """A banking trial's answer quoted one duplicated review three times."""
    answer = Chat(workspace, "copies").ask("What do people say about appointment availability?")
    quotes = [" ".join(c.quote.lower().split()) for c in answer.citations]
    assert quotes and len(quotes) == len(set(quotes))


def test_a_question_comparing_groups_gives_each_groups_reach(workspace: Workspace):
    """A claims trial asked "Do landlords struggle more than homeowners with the payout?": a
    question naming two values of one segment is answered with each finding's reach in each
    group (of the group's own size) and how to test the gap, in its follow-ups too."""
    chat = Chat(workspace, "plans")
    sizes = chat.map.sources.segments["plan"]
    answer = chat.ask(
        "Do basic members struggle more than premium members with appointments?",
        conversation="plans-compared",
    )
    assert not answer.abstained and answer.findings, answer.answer
    assert f"of {sizes['basic']}, premium" in answer.answer, answer.answer
    assert "journeymap compare --by plan" in answer.answer
    follow = chat.ask("and the waiting room?", conversation="plans-compared")
    assert f"of {sizes['premium']}" in follow.answer and "compare --by plan" in follow.answer
    # one group named is a filter, not a comparison
    one = chat.ask("What do premium members complain about?")
    assert "compare --by" not in one.answer


def test_follow_ups_that_name_no_subject_build_on_the_last_question(workspace: Workspace):
    """A claims trial's "why?", "which of those is most common?" and "how many people said
    that?" answered the study's generic top three; a food-delivery trial's 为什么这么慢 after a
    question on refunds abstained (its 慢 replaced the subject instead of adding to it)."""
    chat = Chat(workspace, "bank")
    first = chat.ask("转账有什么问题？", conversation="zh-why")
    assert not first.abstained
    why = chat.ask("为什么这么慢？", conversation="zh-why")
    assert not why.abstained, why.answer
    assert any("转账" in c.quote for c in why.citations), why.answer
    clinic = Chat(workspace, "clinic")
    clinic.ask("What frustrates people about appointments?", conversation="en-most")
    most = clinic.ask("which of those is most common?", conversation="en-most")
    assert not most.abstained and most.findings, most.answer
    found = {f.id: f for s in clinic.map.stages for f in s.pain_points}
    reach = [found[i].participants for i in most.findings if i in found]
    assert reach == sorted(reach, reverse=True)
    said = clinic.ask("how many people said that?", conversation="en-most")
    assert not said.abstained and set(said.findings) & set(most.findings), said.answer


def test_chinese_follow_ups_and_a_turn_after_an_abstention_lean_on_the_last_answer(
    workspace: Workspace,
):
    """A hospital trial: 其中哪个最常见 and 哪些人提到了 abstained (their words were taken for
    a subject), and after one abstained turn every later follow-up abstained too."""
    chat = Chat(workspace, "bank")
    first = chat.ask("转账有什么问题？", conversation="zh-most")
    assert not first.abstained
    for question in ("其中哪个最常见？", "哪些人提到了？"):
        answer = chat.ask(question, conversation="zh-most")
        assert not answer.abstained, (question, answer.answer)
    assert chat.ask("健身房会员卡好办吗？", conversation="zh-most").abstained
    why = chat.ask("为什么？", conversation="zh-most")
    assert not why.abstained, why.answer
    assert any("转账" in c.quote for c in why.citations), why.answer


def test_a_question_for_praise_quotes_the_praise_on_its_subject_first(workspace: Workspace):
    """A food-delivery trial: 有没有人夸骑手 quoted the complaints about riders nearest the
    question and said no quote was positive, over five reviews praising them."""
    chat = Chat(workspace, "riders")
    answer = chat.ask("有没有人夸骑手？")
    assert not answer.abstained, answer.answer
    quoted = [c.quote for c in answer.citations]
    assert any("有礼貌" in q for q in quoted[:2]) and any("暖心" in q for q in quoted[:2]), quoted
    assert "没有正面评价" not in answer.answer


def test_latin_segment_values_are_named_beside_chinese_words():
    """A hospital trial: "iOS用户和Android用户在闪退上有区别吗" compared nothing (a Chinese
    character after "iOS" was taken for part of the word)."""
    from assistant.chat.question import _names_value

    question = "iOS用户和Android用户在闪退上有区别吗？"
    assert _names_value(question, "iOS") and _names_value(question, "Android")
    assert not _names_value("iOSX users", "iOS")


def test_when_a_question_is_asked_of_is_no_subject():
    """A SaaS trial: "What are the biggest problems people had in their first month?" cited
    every line that says "month" instead of the study's headlines."""
    from assistant.chat.question import topic

    assert topic("What are the biggest problems people had in their first month?") == []
    assert topic("用户在头几个月里遇到了哪些问题？") == []
    assert topic("What do people think of the monthly plan?") == ["monthly", "plan"]


def test_which_is_worst_names_one_finding_and_who_said_it_lists_the_people(workspace: Workspace):
    """A PM trial: "which of those is worst?" and "who said that?" printed the last answer
    again, word for word; no answer ever said who."""
    clinic = Chat(workspace, "clinic")
    first = clinic.ask("What frustrates people about appointments?", conversation="worst")
    assert not first.abstained and len(first.findings) >= 1
    worst = clinic.ask("which of those is worst?", conversation="worst")
    assert not worst.abstained and len(worst.findings) == 1, worst.answer
    who = clinic.ask("who said that?", conversation="worst")
    assert not who.abstained and "raised by" in who.answer, who.answer
    # about the one finding the turn before named, not the list before it
    assert who.findings == worst.findings, (who.findings, worst.findings)
    zh = Chat(workspace, "bank")
    zh.ask("转账有什么问题？", conversation="zh-who")
    named = zh.ask("哪些人提到了？", conversation="zh-who")
    assert "提到的人" in named.answer, named.answer


def test_a_count_asked_of_reviews_or_interviewees_says_how_many_of_that_kind():
    """A PM trial: "How many interviewees mentioned the delivery fee?" said 14 of 47
    participants, reviewers included; "interviewees" was no filter."""
    from assistant.chat.question import QuestionReader

    reader = QuestionReader([], set(), lambda text: text)
    assert reader.filters("How many interviewees mentioned the fee?").kind is SourceKind.interview
    assert reader.filters("What do reviewers say about the fee?").kind is SourceKind.review


def test_a_follow_up_on_a_new_subject_leaves_the_last_stage_behind():
    """A PM trial: "what about sign-up?" after "and in support?" searched "... in support
    sign-up" and answered about Support."""
    from assistant.chat.question import QuestionReader

    reader = QuestionReader(["Purchase", "Support"], set(), lambda text: text)
    history = [("and in support?", "What frustrates people about delivery? and in Support?", "")]
    turn = reader.resolve("what about sign-up?", history, None)
    assert "support" not in turn.query.lower() and "sign-up" in turn.query
    assert turn.filters.stage is None


def test_a_question_for_recommendations_lists_the_maps_recommendations(workspace: Workspace):
    """A PM trial: "What are the recommendations?" abstained (no participant says the word)."""
    clinic = Chat(workspace, "clinic")
    assert clinic.map.recommendations
    answer = clinic.ask("What are the recommendations?")
    assert not answer.abstained, answer.answer
    assert "The map's recommendations, highest priority first:" in answer.answer
    assert clinic.map.recommendations[0].title in answer.answer


def test_a_which_question_over_a_segment_attribute_gives_each_values_reach(workspace: Workspace):
    """A hotel trial: "Which hotel has the noise problem?" never named a hotel, though every
    review had one and the map held each theme's counts per hotel."""
    chat = Chat(workspace, "plans")
    answer = chat.ask("Which plan has problems with appointments?")
    assert not answer.abstained and answer.findings, answer.answer
    assert "by plan: " in answer.answer
    split = answer.answer.split("by plan: ")[1]
    assert " of " in split and {"basic", "premium"} <= set(split.replace(",", " ").split())


def test_nps_words_frame_a_question_rather_than_name_its_subject():
    """An NPS trial: "Why do detractors give low scores?" and "What do promoters love?" said
    the study has nothing on this (no respondent writes "detractor")."""
    from assistant.chat.question import QuestionReader, topic

    reader = QuestionReader([], set(), lambda text: text)
    assert topic("Why do detractors give low scores?") == []
    assert reader.filters("Why do detractors give low scores?").sentiment == "pain"
    assert reader.filters("What do promoters love?").sentiment == "delight"


def test_a_segment_attribute_with_a_space_is_quoted_in_the_command_an_answer_suggests():
    """A hotel trial: the answer suggested `journeymap compare --by Trip type`, which failed
    when pasted."""
    from assistant.chat.answer import Gatherer
    from assistant.chat.question import Lang
    from assistant.chat.retrieval import Filters

    compared = Filters(None, None, None, None, None, ("Trip type", ("Couple", "Family")))
    note = Gatherer._compared_note(None, Lang(zh=False), compared)  # type: ignore[arg-type]
    assert note is not None and "`journeymap compare --by 'Trip type'`" in note


def test_a_question_about_change_compares_the_projects_periods(workspace: Workspace):
    """A redesign trial's project had waves, and "What got better after the redesign?", "What
    changed between wave 1 and wave 2?" and 重新设计以后有什么变化 were each told to tag the
    sources by period, or abstained."""
    chat = Chat(workspace, "waves")
    changed = chat.ask("What changed between wave 1 and wave 2?")
    assert not changed.abstained and changed.findings, changed.answer
    assert "journeymap diff --by wave 1 2" in changed.answer
    assert "new: wave 1 0 of" in changed.answer and "gone: wave 1" in changed.answer
    better = chat.ask("What got better after the redesign?")
    found = {f.id: f for s in chat.map.stages for f in s.pain_points}
    first = found[better.findings[0]]
    assert "gone" in better.answer.split("\n")[1] or "shrank" in better.answer.split("\n")[1], (
        better.answer
    )
    assert "slot" in first.title.lower() or "appointment" in first.title.lower(), first.title
    zh = chat.ask("重新设计以后有什么变化？")
    assert not zh.abstained and "按分组 wave 比较" in zh.answer, zh.answer
    # a project with no periods still says how to compare them
    plain = chat_without_periods = Chat(workspace, "clinic")
    assert (
        "tag the sources by period"
        in plain.ask("Are complaints about appointments increasing?").answer
    )
    del chat_without_periods


def test_a_question_about_a_languages_speakers_is_answered_from_their_words(
    workspace: Workspace,
):
    """A Play Store trial: "What do Spanish-speaking users complain about?" said the study had
    nothing on it, though seven reviews were in Spanish."""
    chat = Chat(workspace, "mixed")
    answer = chat.ask("What do Spanish-speaking users complain about?")
    assert not answer.abstained and answer.citations, answer.answer
    spanish = {"citas", "sala", "espera", "calendario"}
    assert all(spanish & set(c.quote.lower().replace(",", " ").split()) for c in answer.citations)
    assert "in Spanish" in answer.answer
    everyone = chat.ask("What do people complain about?")
    assert any("appointment" in c.quote.lower() for c in everyone.citations)


def test_a_comparison_with_no_subject_leads_with_what_differs_most(workspace: Workspace):
    """A travel trial: "商务出行的人和亲子出行的人抱怨有什么不同" answered with one theme, searched
    for 出行 (of the attribute 出行类型), 抱怨 and 不同; it lists what differs most between the
    groups."""
    chat = Chat(workspace, "plans")
    answer = chat.ask("How do basic members and premium members differ in their complaints?")
    assert not answer.abstained and len(answer.findings) >= 2, answer.answer
    sizes = chat.map.sources.segments["plan"]
    found = {f.id: f for s in chat.map.stages for f in (*s.pain_points, *s.delights)}

    def gap(i: str) -> float:
        reach = found[i].segments.get("plan", {})
        shares = [reach.get(v, 0) / sizes[v] for v in ("basic", "premium")]
        return max(shares) - min(shares)

    gaps = [gap(i) for i in answer.findings]
    assert gaps == sorted(gaps, reverse=True), gaps


def test_a_question_about_a_release_compares_the_versions_before_it_with_those_after(
    workspace: Workspace,
):
    """A Play Store trial: sync complaints were 0 of 19 before 4.2 and 11 of 45 from it on, and
    "Did the 4.2 update make sync worse?" had no answer (compare tested each version against
    the rest)."""
    chat = Chat(workspace, "releases")
    answer = chat.ask("Did the 2.0 update make crashes worse?")
    assert not answer.abstained and answer.findings, answer.answer
    first = answer.answer.split("\n")[1]
    assert "new: version 1.0.0…1.1.0 0 of" in first and "→ version 2.0.0…2.0.1 4 of" in first
    assert "journeymap compare --by version" in answer.answer


def test_a_price_increase_is_a_subject_not_a_question_about_periods(workspace: Workspace):
    """A recheck: "Are people complaining about the price increase?" in a project with app
    versions was answered as a change across versions (sync, ads, crashes)."""
    chat = Chat(workspace, "releases")
    answer = chat.ask("Are people complaining about the price increase?")
    assert "journeymap compare --by version" not in answer.answer, answer.answer
    better = chat.ask("What got better after the 2.0 update?")
    # nothing did (crashes are new): said so, not listed as improvements
    assert "None of these got better" in better.answer, better.answer


def test_who_said_it_re_asks_the_last_question_whatever_its_words():
    """A course trial: 哪些人提到了 after 那退款方面呢 listed the study's top three, not the
    refund findings' people ("who mentioned it?" alike)."""
    from assistant.chat.question import QuestionReader

    reader = QuestionReader([], set(), lambda text: text)
    history = [("那退款方面呢？", "学员遇到了哪些问题？ 那退款方面呢？", "")]
    for question in (
        "哪些人提到了？",
        "都有哪些人提过？",
        "who mentioned it?",
        "which users said that?",
    ):
        turn = reader.resolve(question, history, None)
        assert turn.query == history[-1][1], (question, turn.query)


def test_a_chinese_name_the_study_writes_throughout_is_one_too():
    """A course trial: "学员最喜欢学途的哪些地方" quoted self-introductions that name 学途 (Chinese
    has no capitals to tell a name by); a complaint the study writes throughout (卡顿) stays a
    subject."""
    from assistant.chat.retrieval import study_names
    from journey.source import Role, Source, SourceKind, Turn

    said = [
        "我在学途上报了一门课，视频老是卡顿。栖木的房子续租。",
        "学途的课挺好，就是卡顿。住栖木要续租。",
        "朋友推荐的学途，看视频经常卡顿。栖木续租涨价。",
        "我用学途快一年了。",
    ]
    sources = [
        Source(
            id=f"s{n}",
            path=f"p{n}.txt",
            kind=SourceKind.interview,
            language="zh",
            participant_id=f"P{n}",
            turns=[
                Turn(
                    index=0,
                    speaker=f"P{n}",
                    role=Role.participant,
                    text=text,
                    char_start=0,
                    char_end=len(text),
                )
            ],
        )
        for n, text in enumerate(said, 1)
    ]
    names = study_names(sources)
    assert "学途" in names and "卡顿" not in names
    # a rental-flat trial's brand is a rare place name in jieba's dictionary; 续租, as rare,
    # is a word
    assert "栖木" in names and "续租" not in names


def test_a_count_of_reviews_in_a_study_of_reviews_only_is_said_once(workspace: Workspace):
    """A laptop trial: "31 of 250 reviewers (12%) …; 31 of them in reviews"."""
    chat = Chat(workspace, "bank")
    answer = chat.ask("How many reviews complain about transfers?")
    assert not answer.abstained, answer.answer
    assert "of them in reviews" not in answer.answer and "reviewers" in answer.answer


LEAVING_REVIEWS = (
    "Came back after cancelling",
    "Cancelled in January because of the price, came back in May with a discount.",
    "I'm not going to cancel over a small fee, but it annoys me every week.",
    "I cancelled after the third late delivery in a row.",
    "The recipes are lovely and easy to follow.",
    "Delivery was late again and there is no tracking.",
    "The support chat is a bot that loops forever.",
    "我都想把这个App卸了，转账老是晚到。",
    "柜员帮我取消了那个附加服务，还算快。",
    "之后跨行我就用别的App转了，因为手续费太高。",
    "扫码付款很快，很方便。",
    "等了快两个小时，饭都凉了，再也不想点了。",
    "上个月商家缺货取消了，说会退款。",
    "药直接送到家，再也不用请假跑医院了。",
    "I'm switching to the laptop mic, sorry, my headset died.",
    # a car-hire trial: a charge cancelled for them is no leaving; "Never again." says why
    # with the sentence before it
    "She looked into it herself and had the charge cancelled within a day.",
    "Stood in line for an hour at the desk. Our kids were melting down. Never again.",
)


def test_why_people_leave_is_answered_by_those_who_left_and_why(
    workspace: Workspace, tmp_path: Path
):
    """Asked "Why do people cancel?", the sample quoted "I'm not going to cancel over eleven
    dollars" and left out "Cancelled in January because of the price"; a banking trial's
    为什么有人不想用了? was answered by a face-scan theme and a bare "挺丢人的。", never
    quoting 我都想把这个App卸了."""
    table = _table(tmp_path, LEAVING_REVIEWS)
    options = IngestOptions(kind=SourceKind.review, text_column="text", id_column="review_id")
    workspace.ingestor("leaving", options).ingest([table], IngestReport())
    chat = Chat(workspace, "leaving")
    quoted = [c.quote for c in chat.ask("Why do people cancel?").citations]
    assert any(q.startswith("Cancelled in January because of the price") for q in quoted)
    assert any(q.startswith("I cancelled after the third late delivery") for q in quoted)
    assert not any("not going to cancel" in q for q in quoted)
    assert not any("laptop mic" in q for q in quoted)  # an invoicing trial's answer
    assert not any("charge cancelled" in q for q in quoted)
    assert any(q.endswith("Our kids were melting down. Never again.") for q in quoted)
    # asked as what makes them stop (which the reader spells "what make people stop")
    quoted = [c.quote for c in chat.ask("What makes people stop using it?").citations]
    assert any(q.startswith("I cancelled after the third late delivery") for q in quoted)
    quoted = [c.quote for c in chat.ask("为什么有人不想用了？").citations]
    assert any("卸了" in q for q in quoted) and any("用别的App" in q for q in quoted)
    assert not any("帮我取消了" in q for q in quoted)
    assert not any("再也不用请假" in q for q in quoted)  # an online-clinic trial's: relief
    # a food-delivery trial's 为什么有人不点了？ had abstained; a merchant cancelling is no leaving
    quoted = [c.quote for c in chat.ask("为什么有人不点了？").citations]
    assert any("再也不想点了" in q for q in quoted)
    assert not any("商家缺货取消了" in q for q in quoted)


def test_a_verdict_too_short_to_say_why_is_quoted_with_the_sentence_before():
    """A car-hire trial's "Never again." and "Avoid." were dropped from "Why do people leave?"
    as naming nothing; with the sentence before they say why."""
    from assistant.chat.retrieval import with_reason

    text = "Three weeks later I got a bill for a dent. I didn't do it. Avoid."
    spans = [(0, 42), (43, 58), (59, 65)]
    assert text[slice(*with_reason(text, spans, [0, 0, 0], 2))] == "I didn't do it. Avoid."
    assert with_reason(text, spans, [0, 0, 0], 0) == (0, 42)


STAYING_REVIEWS = (
    "The delivery was late again and there is no tracking.",
    "Late delivery twice this month, no tracking at all.",
    "Delivery came three hours late and nobody could say where it was.",
    "The queue alerts are really useful, I can leave the waiting room.",
    "Lovely recipes, easy to follow.",
)


def test_why_people_leave_when_nobody_left_is_answered_by_the_widest_problems_said_so(
    workspace: Workspace, tmp_path: Path
):
    """An online clinic trial's 为什么有人不想再用了 (why do people stop using it), where nobody
    had left, quoted praise of its queue alerts as the passage nearest the question."""
    table = _table(tmp_path, STAYING_REVIEWS)
    options = IngestOptions(kind=SourceKind.review, text_column="text", id_column="review_id")
    workspace.ingestor("staying", options).ingest([table], IngestReport())
    answer = Chat(workspace, "staying").ask("Why do people cancel?")
    assert "No participant says they left" in answer.answer
    quoted = [c.quote for c in answer.citations]
    assert quoted and not any("useful" in q or "Lovely" in q for q in quoted)


CLAIMS_STUDY = Path(__file__).parents[2] / "bench" / "studies" / "claims"


def test_a_stage_named_by_a_word_no_participant_uses_answers_with_its_findings(
    workspace: Workspace,
):
    """An insurance-claims trial's "What frustrates people about the payout?" found "nothing
    on this": its people say "paid out" and "deductions", the map's stage is "Decision and
    payout" (the study's own files, bench/studies/claims)."""
    files, _ = find_files([CLAIMS_STUDY / "interviews", CLAIMS_STUDY / "reviews"])
    workspace.ingestor("claims", IngestOptions()).ingest(files, IngestReport())
    Studies(workspace)("claims").build_map(preset="insurance")
    answer = Chat(workspace, "claims").ask("What frustrates people about the payout?")
    assert not answer.abstained, answer.answer
    assert "the stage Decision and payout, which the question names" in answer.answer
    assert "eduction" in answer.answer
