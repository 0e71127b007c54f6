"""Ingest end to end into a real persistent Chroma: dedup, replacement, interruption, PII."""

import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from assistant.workspace import Workspace
from ingest.chunking import Chunk
from ingest.embeddings import Vectors
from ingest.pipeline import IngestOptions, IngestReport, find_files
from ingest.store import ChunkStore, Scalar
from journey.source import Role, SourceKind

TRANSCRIPTS = Path(__file__).parents[1] / "fixtures" / "transcripts"

MARIA = """\
Interviewer: How did you first hear about the service?
Maria Lopez: A friend sent me a referral code. They emailed me at maria.lopez@example.com
and later called me on 0412 555 019 about the first box.
Interviewer: And how was the delivery?
Maria Lopez: Honestly the delivery was late twice and nobody told me where the box was.
I was furious, the ice packs had melted.
Interviewer: Anything you liked?
Maria Lopez: The recipes were easy and my kids loved them, Maria's happy place is the kitchen.
"""


def _ingest(
    ws: Workspace, paths: list[Path], project: str = "study", **options: object
) -> IngestReport:
    files, report = find_files(paths)
    return ws.ingestor(project, IngestOptions(**options)).ingest(files, report)  # type: ignore[arg-type]


def _all_documents(ws: Workspace, project: str) -> list[str]:
    return [h.text for h in ws.store.query(project, "anything", n=ws.store.count(project))]


def test_ingest_stores_redacted_turns_with_roles_and_offsets(workspace: Workspace, tmp_path: Path):
    path = tmp_path / "p04_interview.txt"
    path.write_text(MARIA, encoding="utf-8")
    report = _ingest(workspace, [path], segment={"plan": "trial"})
    assert report.ok and len(report.added) == 1
    source = report.added[0]
    assert source.participant_id == "P4"
    assert source.language == "en"
    assert source.segment == {"plan": "trial"}
    assert source.redactions["email"] == 1 and source.redactions["phone"] == 1
    # "Maria Lopez:" is shown as "Participant 4", as the file's participant id P4 says
    assert source.redactions["speaker"] == 1
    participant_turns = [t for t in source.turns if t.role is Role.participant]
    assert {t.speaker for t in participant_turns} == {"Participant 4"}
    assert {t.speaker for t in source.turns if t.role is Role.interviewer} == {"Interviewer"}
    stored = workspace.catalog.sources("study")[0]
    for turn in source.turns:
        original = stored.original[turn.char_start : turn.char_end]
        assert "Maria" not in turn.text and "@" not in turn.text
        if turn.role is Role.interviewer:
            assert original == turn.text
    documents = _all_documents(workspace, "study")
    assert documents, "chunks were stored"
    joined = "\n".join(documents)
    for secret in ("maria.lopez@example.com", "0412 555 019", "Maria", "Lopez"):
        assert secret not in joined
    assert "[EMAIL]" in joined and "Participant 4" in joined


def test_a_one_line_labelled_note_has_its_name_redacted(workspace: Workspace, tmp_path: Path):
    path = tmp_path / "note.txt"
    path.write_text("Lee: I gave up at the payment step, Lee never got the code.\n")
    source = _ingest(workspace, [path]).added[0]
    assert [t.speaker for t in source.turns] == ["Participant 1"]
    assert "Lee" not in source.turns[0].text
    assert "Lee" not in "\n".join(_all_documents(workspace, "study"))


def test_a_file_of_only_interviewer_turns_is_ingested_with_a_warning(
    workspace: Workspace, tmp_path: Path
):
    path = tmp_path / "questions.txt"
    path.write_text("Interviewer: hi\nInterviewer: How did you hear about us?\n")
    report = _ingest(workspace, [path], project="asked")
    assert any(
        "questions.txt" in w and "interviewer's" in w and "speaker labels" in w
        for w in report.warnings
    ), report.warnings


def test_a_files_participant_is_named_by_its_participant_id(workspace: Workspace, tmp_path: Path):
    """A trial's p09_lena.txt, ingested after others, quoted "Participant 7" beside P9."""
    first, later = tmp_path / "p01_sam.txt", tmp_path / "p09_lena.txt"
    first.write_text("Interviewer: Hi.\nSam: The app is fine.\nDana: Me too.\n")
    later.write_text("Interviewer: Hi.\nLena: The app logged me out.\n")
    _ingest(workspace, [first], project="numbered")
    (source,) = _ingest(workspace, [later], project="numbered").added
    assert source.participant_id == "P9"
    assert [t.speaker for t in source.turns if t.role is Role.participant] == ["Participant 9"]
    again = tmp_path / "notes.txt"  # a name after the numbered one takes the next free number
    again.write_text("Interviewer: Hi.\nKim: Slow.\nAlex: Fast.\n")
    (other,) = _ingest(workspace, [again], project="numbered").added
    speakers = {t.speaker for t in other.turns if t.role is Role.participant}
    assert len(speakers) == 2 and "Participant 9" not in speakers


def test_a_markdown_files_front_matter_is_neither_a_speaker_nor_a_quote(
    workspace: Workspace, tmp_path: Path
):
    """A trial's interview_01.md opened with participant, email, phone and location lines:
    chat and map.csv cited "Participant 1 O'Connell email: [EMAIL] phone: [PHONE] location:
    ..." as the participant's words."""
    path = tmp_path / "interview_01.md"
    path.write_text(
        "---\nparticipant: Siobhan O'Connell\nemail: siobhan@example.org\n"
        "phone: +353 85 123 4567\nlocation: Ballyvaughan, Co. Clare\n---\n\n"
        "# Onboarding\n\nInterviewer: How was setting up the account?\n\n"
        "Participant: Slow. The verification code expired before it arrived.\n",
        encoding="utf-8",
    )
    report = _ingest(workspace, [path], project="front")
    (source,) = report.added
    assert [(t.role, t.text) for t in source.turns] == [
        (Role.interviewer, "How was setting up the account?"),
        (Role.participant, "Slow. The verification code expired before it arrived."),
    ]
    assert source.participant_id == "P1"
    assert any("front matter" in w for w in report.warnings), report.warnings
    stored = " ".join(_all_documents(workspace, "front"))
    assert "Ballyvaughan" not in stored and "O'Connell" not in stored and "email" not in stored


def test_a_table_column_gives_each_row_its_segment(workspace: Workspace, tmp_path: Path):
    """A fitness trial split its table in two to compare iOS and Android reviews."""
    table = tmp_path / "reviews.csv"
    table.write_text(
        "id,platform,coach,review\n"
        "1,ios,Maya,Syncs fine with my watch.\n"
        "2,android,,Crashes since the update.\n",
        encoding="utf-8",
    )
    added = _ingest(workspace, [table], project="seg", segment_columns=("platform", "coach"))
    by_row = {s.path: s.segment for s in added.added}
    assert by_row["reviews.csv#1"]["platform"] == "ios"
    assert by_row["reviews.csv#2"] == {"platform": "android"}  # an empty cell sets nothing
    wrong = _ingest(workspace, [table], project="seg2", segment_columns=("device",))
    assert not wrong.added and "no segment column 'device'" in wrong.skipped[0][1]


def test_a_review_too_short_to_tell_takes_its_tables_language(workspace: Workspace, tmp_path: Path):
    """A fitness trial's header read "en: 86, und: 4"."""
    table = tmp_path / "reviews.csv"
    rows = [f"{i},The app is great and I use it every day for my workouts.\n" for i in range(4)]
    table.write_text("id,review\n" + "".join(rows) + "9,Great app!!\n", encoding="utf-8")
    added = _ingest(workspace, [table], project="short").added
    assert {s.language for s in added} == {"en"}


def test_a_short_row_of_a_bilingual_table_takes_its_scripts_language(
    workspace: Workspace, tmp_path: Path
):
    """A bilingual shopping trial: 43 Chinese and 40 English rows, with 3 short English rows
    und, gave a Chinese map though English was as common."""
    table = tmp_path / "reviews.csv"
    zh = "退货上门取件一直没人来，客服也不回复，太失望了。"
    en = "The courier never came for my return pickup and nobody replied."
    rows = [f"{i},{zh}{i}\n" for i in range(3)] + [f"{i + 3},{en} {i}\n" for i in range(3)]
    table.write_text("id,review\n" + "".join(rows) + "8,Great app!!\n", encoding="utf-8")
    added = {s.path: s.language for s in _ingest(workspace, [table], project="bi").added}
    assert added["reviews.csv#8"] == "en"


def test_chinese_file_names_give_the_participant_number_and_lose_the_name(
    workspace: Workspace, tmp_path: Path
):
    """An online clinic trial: 受访者02_王丽.txt was "Participant 3" beside p03.txt's P3, and
    访谈-老陈.txt showed 老陈 in every export."""
    named = tmp_path / "受访者02_王丽.txt"
    named.write_text("主持人：您好。\n王丽：挂号很方便。\n", encoding="utf-8")
    elder = tmp_path / "访谈-老陈.txt"
    elder.write_text("主持人：陈叔叔好。\n受访者：候诊太久了。\n", encoding="utf-8")
    added = {s.path: s for s in _ingest(workspace, [named, elder], project="zh").added}
    assert added["受访者02_[NAME].txt"].participant_id == "P2"
    assert "访谈-[NAME].txt" in added and "陈" not in added["访谈-[NAME].txt"].model_dump_json()


def test_an_unnumbered_role_label_is_a_different_participant_in_every_file(
    workspace: Workspace, tmp_path: Path
):
    """A hotel trial's two interviews, both labelled 受访者, counted as one participant."""
    files = []
    for n, said in ((1, "入住等了很久。"), (2, "早餐很好吃。")):
        path = tmp_path / f"interview_0{n}.txt"
        path.write_text(f"访谈者：您好。\n受访者：{said}\n", encoding="utf-8")
        files.append(path)
    zoom = tmp_path / "session.txt"
    zoom.write_text("Speaker 1: How was it?\nSpeaker 2: The app crashed twice.\n")
    numbered = tmp_path / "notes.txt"
    numbered.write_text("Interviewer: Hi.\nParticipant 4: Too slow.\n")
    added = _ingest(workspace, [*files, zoom, numbered], project="roles").added
    by_path = {Path(s.path).name: s.participant_id for s in added}
    assert by_path["interview_01.txt"] == "P1" and by_path["interview_02.txt"] == "P2"
    # not "Speaker 2" of every recording: a pseudonym of its own
    assert by_path["session.txt"].startswith("Participant ")
    assert by_path["notes.txt"] == "Participant 4"  # a numbered label is one person


def test_a_number_glued_to_letters_or_in_a_date_numbers_no_participant(
    workspace: Workspace, tmp_path: Path
):
    """A hostile-input trial: g1.txt became the same P1 as p01_marta.txt (23 participants for
    28 sources), call_2024-06-12.txt P12 and utf16_nobom.txt P16."""
    names = ("p01_marta.txt", "g1.txt", "call_2024-06-12.txt", "utf16_nobom.txt", "notes_07.txt")
    for n, name in enumerate(names):
        (tmp_path / name).write_text(f"Interviewer: Hi.\nSpeaker: Delivery {n} was late.\n")
    added = _ingest(workspace, [tmp_path / n for n in names], project="numbers").added
    by_path = {Path(s.path).name: s.participant_id for s in added}
    # (the name in a file's name is redacted there: Marta is a listed given name)
    assert by_path["p01_[NAME].txt"] == "P1" and by_path["notes_07.txt"] == "P7"
    others = [by_path[n] for n in ("g1.txt", "call_2024-06-12.txt", "utf16_nobom.txt")]
    assert len(set(others)) == 3 and not {"P1", "P12", "P16", "P7"} & set(others), by_path


def test_a_pinyin_name_in_a_chinese_interviews_file_name_is_redacted(
    workspace: Workspace, tmp_path: Path
):
    """A rental-flat trial: p01_wanglei.txt was shown as it is while its speaker 王磊 was
    受访者1; an English study's file words stay (a pinyin reading is only asked of files
    in Chinese)."""
    zh = tmp_path / "p01_wanglei.txt"
    zh.write_text("访谈者：能听清吗？\n王磊：能。押金退得太慢了。\n", encoding="utf-8")
    en = tmp_path / "p02_change_notes.txt"
    en.write_text("Interviewer: Hi.\nSpeaker: The deposit took weeks.\n", encoding="utf-8")
    added = _ingest(workspace, [zh, en], project="pinyin").added
    shown = sorted(Path(s.path).name for s in added)
    assert shown == ["p01_[NAME].txt", "p02_change_notes.txt"], shown
    # a review table's name names the app (a bike-share trial's qibei_reviews.csv)
    table = tmp_path / "qibei_reviews.csv"
    table.write_text("id,text\nr01,扫码开锁老是失败，很烦。\n", encoding="utf-8")
    rows = _ingest(workspace, [table], project="pinyin-reviews").added
    assert [Path(s.path).name for s in rows] == ["qibei_reviews.csv#r01"]


def test_a_parent_or_patient_label_is_a_role_and_a_file_header_no_speaker(
    workspace: Workspace, tmp_path: Path
):
    """An online-tutoring trial: "家长:" in four files was read as a name, so four parents were
    one participant and every 家长 in the study was rewritten; "日期" made a second speaker;
    interview_06's named parent was 受访者1, not 受访者6."""
    files = []
    for n in (3, 4):
        path = tmp_path / f"interview_0{n}.md"
        path.write_text(
            f"日期：2024年6月1{n}日\n\n访谈员：您好。\n家长：让家长自己约课就好了。\n",
            encoding="utf-8",
        )
        files.append(path)
    named = tmp_path / "interview_06.txt"
    named.write_text("周敏：您好。\n孙丽：回放很方便。\n", encoding="utf-8")
    added = {Path(s.path).name: s for s in _ingest(workspace, [*files, named], project="edu").added}
    three = added["interview_03.md"]
    assert three.participant_id == "P3" and added["interview_04.md"].participant_id == "P4"
    said = [t for t in three.turns if t.role is Role.participant]
    assert [t.speaker for t in said] == ["P3"]  # quotes are cited by the file's participant
    assert said[0].text == "让家长自己约课就好了。"
    assert added["interview_06.txt"].participant_id.endswith("6")


def test_a_relative_who_came_along_is_a_role_and_not_a_name(workspace: Workspace, tmp_path: Path):
    """A hospital trial's P5 brought her son: the label 儿子 was redacted as a person, so every 儿子
    in the study became 受访者6 ("家里有个受访者6"), a label read as participant 6."""
    five = tmp_path / "interview_05.txt"
    five.write_text(
        "访谈者：您好。\n受访者：挂号太难了。\n儿子：我妈不会用手机，都是我帮她挂。\n",
        encoding="utf-8",
    )
    four = tmp_path / "interview_04.txt"
    four.write_text("访谈者：您好。\n受访者：家里有个儿子，平时他帮我挂号。\n", encoding="utf-8")
    added = {Path(s.path).name: s for s in _ingest(workspace, [five, four], project="h").added}
    said = [t.text for t in added["interview_04.txt"].turns if t.role is Role.participant]
    assert said == ["家里有个儿子，平时他帮我挂号。"]
    son = [t for t in added["interview_05.txt"].turns if "帮她挂" in t.text]
    assert son and son[0].role is Role.participant and son[0].text.startswith("我妈")
    assert added["interview_05.txt"].participant_id == "P5"
    # the interviewee beside them is cited by the file's participant, not a bare 受访者; so
    # is a lettered label (用户A had been redacted as a name, 受访者3)
    assert [t.speaker for t in added["interview_05.txt"].turns if t.role is Role.participant] == [
        "P5",
        "儿子",
    ]
    three = tmp_path / "interview_03.txt"
    three.write_text("主持人：您好。\n用户A：挂号跟抢票一样。\n", encoding="utf-8")
    (lettered,) = _ingest(workspace, [three], project="h").added
    assert [t.speaker for t in lettered.turns if t.role is Role.participant] == ["P3"]


def test_ingesting_again_with_a_segment_sets_it_on_the_stored_sources(
    workspace: Workspace, tmp_path: Path
):
    """A Chinese trial tagged its files with 城市=北京 by ingesting them again: "Nothing new",
    and compare --by 城市 then found no such attribute."""
    path = tmp_path / "p02.txt"
    path.write_text("Interviewer: Hi.\nAnna: The booking was slow.\n")
    (source,) = _ingest(workspace, [path], project="segmented").added
    assert source.segment == {}
    again = _ingest(workspace, [path], project="segmented", segment={"城市": "北京"})
    assert again.unchanged == 1 and again.resegmented == 1 and not again.added
    (stored,) = workspace.catalog.sources("segmented")
    assert stored.source.segment == {"城市": "北京"}
    same = _ingest(workspace, [path], project="segmented", segment={"城市": "北京"})
    assert same.resegmented == 0


def test_ingesting_a_stored_table_again_with_a_segment_column_sets_each_rows_value(
    workspace: Workspace, tmp_path: Path
):
    """A SaaS trial ingested reviews.csv, then again with --segment-column "Company Size":
    "Nothing new", no segment set, and compare --by "Company Size" found no such attribute."""
    table = tmp_path / "reviews.csv"
    table.write_text(
        "id,Company Size,Account manager,review\n"
        "1,1-10,,Setup took an afternoon.\n"
        "2,500+,my rep Priya,Billing exports are missing columns.\n"
        "3,,,The API docs are thin.\n",
        encoding="utf-8",
    )
    assert len(_ingest(workspace, [table], project="saas").added) == 3
    again = _ingest(
        workspace, [table], project="saas", segment_columns=("Company Size", "Account manager")
    )
    assert again.unchanged == 3 and again.resegmented == 2 and not again.added
    by_row = {s.source.path: s.source.segment for s in workspace.catalog.sources("saas")}
    assert by_row["reviews.csv#1"] == {"Company Size": "1-10"}
    # a column's values are redacted like the text
    assert by_row["reviews.csv#2"] == {"Company Size": "500+", "Account manager": "my rep [NAME]"}
    assert by_row["reviews.csv#3"] == {}  # empty cells set nothing
    same = _ingest(workspace, [table], project="saas", segment_columns=("Company Size",))
    assert same.resegmented == 0
    plain = _ingest(workspace, [table], project="saas")  # without the column: kept as set
    assert plain.resegmented == 0
    assert workspace.catalog.sources("saas")[0].source.segment == {"Company Size": "1-10"}


def test_reingesting_the_same_files_adds_nothing(workspace: Workspace):
    first = _ingest(workspace, [TRANSCRIPTS])
    count = workspace.store.count("study")
    again = _ingest(workspace, [TRANSCRIPTS])
    assert first.added and not again.added
    assert again.unchanged == len(first.added)
    assert workspace.store.count("study") == count


def test_a_changed_file_replaces_its_old_version(workspace: Workspace, tmp_path: Path):
    path = tmp_path / "interview.txt"
    path.write_text(MARIA, encoding="utf-8")
    old = _ingest(workspace, [path]).added[0]
    path.write_text(MARIA.replace("late twice", "late three times"), encoding="utf-8")
    report = _ingest(workspace, [path])
    assert report.replaced == 1 and len(report.added) == 1
    new = report.added[0]
    assert [s.source.id for s in workspace.catalog.sources("study")] == [new.id]
    assert workspace.store.source_ids("study") == {new.id}
    assert old.id != new.id


def test_bad_files_are_skipped_with_reasons_and_the_rest_is_ingested(
    workspace: Workspace, tmp_path: Path
):
    bad = Path(__file__).parents[1] / "fixtures" / "bad"
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("empty.txt", "binary.txt", "corrupt.docx", "corrupt.pdf"):
        shutil.copy(bad / name, folder / name)
    shutil.copy(TRANSCRIPTS / "name_colon.txt", folder / "good.txt")
    report = _ingest(workspace, [folder, tmp_path / "missing.txt"])
    assert not report.ok
    assert len(report.added) == 1
    reasons = dict(report.skipped)
    assert len(reasons) == 5
    assert "no such file" in reasons[str(tmp_path / "missing.txt")]
    assert all(Path(path).name in reason or "no such" in reason for path, reason in reasons.items())


def test_reviews_become_one_source_per_row(workspace: Workspace):
    report = _ingest(
        workspace, [Path(__file__).parents[1] / "fixtures" / "reviews" / "reviews.csv"]
    )
    assert len(report.added) == 8
    assert {s.kind for s in report.added} == {SourceKind.review}
    assert all("#" in s.path for s in report.added)
    assert all(t.role is Role.participant for s in report.added for t in s.turns)


def test_kind_survey_makes_a_table_of_answers_one_survey_source_per_respondent(
    workspace: Workspace, tmp_path: Path
):
    answers = tmp_path / "survey.csv"
    answers.write_text(
        "respondent,answer\n"
        "1,The delivery was late and the box was damaged.\n"
        "2,The delivery was late and the box was damaged.\n"
        "3,Loved the recipes but the app kept crashing at checkout.\n",
        encoding="utf-8",
    )
    report = _ingest(workspace, [answers], kind=SourceKind.survey)
    assert report.ok, report.skipped
    added = sorted(report.added, key=lambda s: s.path)
    assert [(s.kind, s.path, s.participant_id) for s in added] == [
        (SourceKind.survey, f"survey.csv#{n}", f"respondent {n}") for n in (1, 2, 3)
    ]
    assert all(t.role is Role.participant for s in added for t in s.turns)


def test_kind_review_reads_a_text_file_as_one_review(workspace: Workspace, tmp_path: Path):
    complaint = tmp_path / "complaint.txt"
    complaint.write_text("The courier left the box in the rain. Never again.\n", encoding="utf-8")
    report = _ingest(workspace, [complaint], kind=SourceKind.review)
    assert report.ok, report.skipped  # was skipped: "could not be ingested (IndexError: …)"
    (source,) = report.added
    assert (source.kind, source.path) == (SourceKind.review, "complaint.txt")
    assert all(t.role is Role.participant for t in source.turns)


class _InterruptingStore(ChunkStore):
    """Our own seam: writes the chunks of the second batch, then is interrupted (Ctrl-C)."""

    calls = 0

    def upsert(
        self, project: str, chunks: list[Chunk], vectors: Vectors, extra: list[dict[str, Scalar]]
    ) -> None:
        super().upsert(project, chunks, vectors, extra)
        type(self).calls += 1
        if type(self).calls == 2:
            raise KeyboardInterrupt


def test_an_interrupted_ingest_loses_and_duplicates_nothing_when_rerun(
    workspace: Workspace, embedder, settings
):
    options = IngestOptions()
    files, _ = find_files([TRANSCRIPTS])
    broken = _InterruptingStore(settings.home / "chroma", embedder)
    ingestor = workspace.ingestor("study", options)
    ingestor.store = broken
    ingestor.batch_chunks = 3
    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest(files, IngestReport())
    pending, _ = workspace.catalog.unfinished("study")
    assert pending, "the interrupted batch was left pending"
    stored_before = {s.source.id for s in workspace.catalog.sources("study")}
    assert stored_before, "the first batch was stored before the interruption"

    report = workspace.ingestor("study", options).ingest(files, IngestReport())
    sources = workspace.catalog.sources("study")
    ids = [s.source.id for s in sources]
    assert len(ids) == len(set(ids)) == len(files)
    assert stored_before <= set(ids)
    assert report.unchanged == len(stored_before)
    assert workspace.catalog.unfinished("study") == ([], [])
    assert workspace.store.source_ids("study") == set(ids)
    got = workspace.store.query("study", "x", n=1000)
    assert len({h.id for h in got}) == len(got) == workspace.store.count("study")


def test_the_store_persists_and_answers_queries_from_a_new_process(
    workspace: Workspace, settings, tmp_path: Path
):
    path = tmp_path / "interview.txt"
    path.write_text(MARIA, encoding="utf-8")
    _ingest(workspace, [path])
    count = workspace.store.count("study")
    workspace.close()
    script = textwrap.dedent(f"""
        from pathlib import Path
        from ingest.embeddings import UsemEmbedder
        from ingest.store import ChunkStore
        store = ChunkStore(Path({str(settings.home / "chroma")!r}), UsemEmbedder())
        hits = store.query("study", "the box arrived late", n=1, where={{"role": "participant"}})
        print(store.count("study"))
        print(hits[0].text.replace(chr(10), " "))
    """)
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    lines = out.stdout.strip().splitlines()
    assert int(lines[0]) == count
    assert "delivery was late" in lines[1]


def _lock_holder(home: Path) -> subprocess.Popen[str]:
    """Another process holding the project's ingest lock (as a running ingest does) until
    it reads a line or is killed."""
    script = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from ingest.catalog import Catalog
        with Catalog(Path({str(home / "journeymap.sqlite")!r})).ingest_lock("study"):
            print("held", flush=True)
            sys.stdin.readline()
    """)
    holder = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


@pytest.mark.parametrize("ends", ["finishes", "is killed"])
def test_an_ingest_waits_for_another_process_ingesting_into_the_project(
    workspace: Workspace, settings, tmp_path: Path, ends: str
):
    path = tmp_path / "p04_interview.txt"
    path.write_text(MARIA, encoding="utf-8")
    reports: list[IngestReport] = []
    worker = threading.Thread(target=lambda: reports.append(_ingest(workspace, [path])))
    with _lock_holder(settings.home) as holder:
        worker.start()
        worker.join(timeout=2)
        try:
            assert worker.is_alive(), "the ingest went ahead while another one held the project"
            assert workspace.store.count("study") == 0
        finally:
            if ends == "finishes":
                assert holder.stdin is not None
                holder.stdin.write("done\n")
                holder.stdin.flush()
            else:
                holder.kill()  # a crashed ingest: the OS drops its lock
            holder.wait(timeout=30)
            worker.join(timeout=120)
    assert not worker.is_alive() and reports[0].ok and len(reports[0].added) == 1
    assert workspace.store.source_ids("study") == {reports[0].added[0].id}


@pytest.mark.parametrize("name", ["../etc", "a-", "-a", "", "x" * 64, "a b", "a/b"])
def test_project_names_that_cannot_name_a_collection_are_refused(name: str):
    from ingest.store import check_project_name
    from journey.errors import InputError

    with pytest.raises(InputError, match="not allowed"):
        check_project_name(name)


@pytest.mark.parametrize("name", ["a", "Study_2026", "cx.onboarding-v2"])
def test_ordinary_project_names_are_accepted(name: str, workspace: Workspace, tmp_path: Path):
    path = tmp_path / "p.txt"
    path.write_text(MARIA, encoding="utf-8")
    assert _ingest(workspace, [path], project=name).ok
    assert workspace.store.count(name) > 0


def test_embedding_a_long_table_batch_by_batch_does_not_spend_its_reading_budget(
    workspace: Workspace, tmp_path: Path
):
    """The per-file time budget is for reading and redacting: a table embedded and stored in
    many batches, each slower than the whole budget here, still gets every row in."""
    import time

    from ingest.pipeline import Ingestor

    real = workspace.embedder

    class Slow:
        name, dimensions = real.name, real.dimensions

        def embed(self, texts: list[str]) -> Vectors:
            time.sleep(1.0)  # longer than the budget, every batch
            return real.embed(texts)

    table = tmp_path / "reviews.csv"
    rows = [f"r{i},The courier number {i} was late again and nobody called." for i in range(12)]
    table.write_text("id,text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    ingestor = Ingestor(
        workspace.catalog,
        ChunkStore(tmp_path / "slow-chroma", Slow()),  # type: ignore[arg-type]
        Slow(),  # type: ignore[arg-type]
        "slow",
        IngestOptions(max_seconds=0.8),
        batch_chunks=2,
    )
    report = ingestor.ingest([table], IngestReport())
    assert not report.skipped, report.skipped
    assert len(report.added) == 12


def test_a_new_project_whose_every_file_was_skipped_is_not_left_behind(
    workspace: Workspace, tmp_path: Path
):
    report = _ingest(workspace, [tmp_path / "nonexistent.txt"])
    assert report.skipped and not report.added
    assert "study" not in workspace.catalog.projects()
    # an existing project stays, even when a later run skips everything
    _ingest(workspace, [TRANSCRIPTS])
    _ingest(workspace, [tmp_path / "nonexistent.txt"])
    assert "study" in workspace.catalog.projects()


def test_a_mistyped_project_is_named_with_the_one_meant(workspace: Workspace):
    from journey.errors import NotFoundError

    _ingest(workspace, [TRANSCRIPTS])
    with pytest.raises(NotFoundError, match="did you mean 'study'"):
        workspace.catalog.require_project("stuyd")


def test_ingests_into_different_projects_at_once_lose_nothing(workspace: Workspace, tmp_path: Path):
    """An integrator's trial: three uploads at once into three projects failed ("cannot start
    a transaction within a transaction"), and a big ingest lost rows, while the server's threads
    shared one catalog connection."""
    from concurrent.futures import ThreadPoolExecutor

    def ingest(project: str) -> IngestReport:
        folder = tmp_path / project
        folder.mkdir()
        paths = []
        for n in range(8):
            path = folder / f"p{n}.txt"
            path.write_text(f"Interviewer: Hi.\nParticipant: The {project} app froze {n} times.\n")
            paths.append(path)
        return _ingest(workspace, paths, project=project)

    projects = ["conc_a", "conc_b", "conc_c", "conc_d"]
    with ThreadPoolExecutor(len(projects)) as pool:
        reports = list(pool.map(ingest, projects))
    assert all(not r.skipped and len(r.added) == 8 for r in reports), [r.skipped for r in reports]
    assert all(len(workspace.catalog.sources(p)) == 8 for p in projects)


def test_speakers_are_numbered_as_their_files_are_even_with_a_second_voice_on_a_call(
    workspace: Workspace, tmp_path: Path
):
    """A B2B trial: P2's colleague joined the call, so P2 spoke as "Participant 3", P3 as
    "Participant 4" and interview_04 as "Participant 9"; a reader credited P3's words to P2.
    A home-care trial's 04_siobhan.md was P4 but spoke as "Participant 1"."""
    talk = "The bank feed broke again last week and nobody told us about it at all."
    files = {
        "P1_megan.txt": f"Interviewer: Hi.\nMegan: {talk}\n",
        "P2_call.txt": f"Interviewer: Hi.\nTom: {talk} {talk}\nRaj: Sorry, I just joined.\n",
        "P3_priya.txt": f"Interviewer: Hi.\nPriya: {talk}\n",
        "04_dana.txt": f"Interviewer: Hi.\nDana: {talk}\n",
        "notes_from_sam.txt": f"Interviewer: Hi.\nSam: {talk}\n",
        # a telehealth trial: the partner spoke first and took the file's number (Jo, who
        # said most, was "Participant 6")
        "05_jo_and_greg.txt": f"Interviewer: Hi.\nGreg: Hello!\nJo: {talk} {talk}\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    _ingest(workspace, [tmp_path])
    spoke = {
        s.source.path: sorted(
            {t.speaker for t in s.source.turns if t.role is Role.participant and t.speaker}
        )
        for s in workspace.catalog.sources("study")
    }
    assert spoke["P1_[NAME].txt"] == ["Participant 1"]
    assert spoke["P2_call.txt"][0] == "Participant 2" and len(spoke["P2_call.txt"]) == 2
    assert spoke["P3_[NAME].txt"] == ["Participant 3"]
    assert spoke["04_[NAME].txt"] == ["Participant 4"]
    jo = next(s.source for s in workspace.catalog.sources("study") if "05_" in s.source.path)
    said = {t.speaker: t.text for t in jo.turns if t.role is Role.participant}
    assert len(said) == 2, said
    assert said["Participant 5"].startswith("The bank feed"), said
    # a file without a number gets one no file of the study claims
    others = spoke["notes_from_[NAME].txt"] + spoke["P2_call.txt"][1:]
    assert not {"Participant 1", "Participant 2", "Participant 3", "Participant 4"} & set(others)
    assert "Participant 5" not in others


def test_a_business_reply_pasted_into_a_review_is_not_the_reviewers_words(
    workspace: Workspace, tmp_path: Path
):
    """A hotel trial: six management replies in the review text were quoted as guests' words,
    one ("Owner response") a delight theme of its own."""
    table = tmp_path / "reviews.csv"
    table.write_text(
        "id,rating,text\n"
        'r1,2,"The air conditioning was broken all night. Hotel response: We regret the '
        'inconvenience and have fixed the unit."\n'
        'r2,5,"Lovely staff.\nManagement response: Thank you, we are delighted you enjoyed it."\n'
        'r3,4,"好吃。商家回复：感谢您的支持"\n'
        'r4,3,"We asked for a response from the hotel: nothing came."\n',
        encoding="utf-8",
    )
    _ingest(workspace, [table])
    said = {
        s.source.path.rsplit("#", 1)[-1]: (
            " ".join(t.text for t in s.source.turns if t.role is Role.participant),
            [t.text for t in s.source.turns if t.role is not Role.participant],
        )
        for s in workspace.catalog.sources("study")
    }
    assert said["r1"][0] == "The air conditioning was broken all night."
    assert said["r1"][1][0].strip().startswith("Hotel response: We regret")
    assert said["r2"][0] == "Lovely staff." and "delighted" in said["r2"][1][0]
    assert said["r3"][0] == "好吃。" and said["r3"][1] == ["商家回复：感谢您的支持"]
    assert said["r4"][0].endswith("nothing came.") and not said["r4"][1]


def test_a_search_puts_the_passages_that_hold_its_words_first(workspace: Workspace, tmp_path: Path):
    """A hospital trial: `search 闺女` returned goodbyes (谢谢你啊姑娘, 拜拜), nearest in meaning,
    while three passages held the word."""
    text = (
        "访谈员：您好，今天聊聊挂号。\n"
        "受访者：好好，谢谢你啊姑娘。\n"
        "访谈员：平时谁帮您挂号？\n"
        "受访者：都是我闺女帮我弄，那个小程序我是真不会用，字太小了。\n"
        "访谈员：好的，今天就到这里。\n"
        "受访者：没事，拜拜。\n"
    )
    (tmp_path / "p01.txt").write_text(text, encoding="utf-8")
    _ingest(workspace, [tmp_path / "p01.txt"])
    hits = workspace.store.search("study", "闺女", n=2, where={"role": "participant"})
    assert "闺女" in hits[0].text and len(hits) == 2


def test_a_projects_counts_come_without_reading_its_sources(workspace: Workspace, tmp_path: Path):
    """A hostile-input trial: describing a project of 60,000 reviews took 11 s (every source
    was loaded to be counted)."""
    table = tmp_path / "reviews.csv"
    table.write_text(
        "id,author,text\n"
        + "".join(
            f"r{i},{'Sam' if i % 2 else f'User {i}'},The app froze again {i}.\n" for i in range(9)
        ),
        encoding="utf-8",
    )
    _ingest(workspace, [table], project="counted")
    stored = workspace.catalog.sources("counted")
    assert workspace.catalog.counts("counted") == (
        len(stored),
        len({s.source.participant_id for s in stored}),
    )
    assert workspace.catalog.counts("counted")[1] < len(stored)  # Sam's rows are one person


def test_a_tables_numeric_row_key_is_shown_as_it_is():
    """A Chinese e-commerce trial's 13-digit review ids passed the card check: 18 of 131
    citations read reviews.jsonl#[CARD] and could not be traced to their row."""
    from ingest.pipeline import display_name
    from ingest.redact import Redactor
    from journey.source import SourceKind

    shown = display_name("/data/reviews.jsonl#4111111111111111", SourceKind.review, Redactor({}))
    assert shown == "reviews.jsonl#4111111111111111"
    mail = display_name("/data/r.csv#ann@example.com", SourceKind.review, Redactor({}))
    assert "example.com" not in mail


def test_a_family_role_as_a_speaker_label_is_no_name(workspace: Workspace, tmp_path: Path):
    """An education trial: the label 妈妈 was read as a name, aliased 受访者3 and rewritten in every
    file ("她受访者3出差比较多", "受访者3这个老师")."""
    (tmp_path / "p03_family.txt").write_text(
        "访谈员：孩子平时怎么上课？\n"
        "妈妈：她妈妈出差比较多，孩子回来跟我说直播课老是卡。\n"
        "孩子：老师讲得很清楚，就是卡。\n",
        encoding="utf-8",
    )
    _ingest(workspace, [tmp_path])
    (stored,) = workspace.catalog.sources("study")
    said = " ".join(t.text for t in stored.source.turns)
    assert "她妈妈出差比较多" in said and "受访者" not in said
    assert "妈妈" in said and stored.source.participant_id == "P3"


def test_files_numbered_within_roles_are_different_people(workspace: Workspace, tmp_path: Path):
    """An education trial: parent_01_wang.txt and student_01_liu.txt were both P1 (numbered by
    the last number in the name), so 6 interviews counted 5 people."""
    talk = "The live class keeps freezing and the homework scan misreads everything."
    (tmp_path / "parent_01_wang.txt").write_text(f"访谈员：好。\n家长：{talk}\n", encoding="utf-8")
    (tmp_path / "student_01_liu.txt").write_text(
        f"访谈员：好。\n学生：{talk} Again.\n", encoding="utf-8"
    )
    (tmp_path / "interview_02.txt").write_text(
        f"Interviewer: Hi.\nParticipant: {talk}\n", encoding="utf-8"
    )
    _ingest(workspace, [tmp_path])
    ids = sorted(s.source.participant_id for s in workspace.catalog.sources("study"))
    assert ids == ["P2", "Parent 1", "Student 1"]


def test_each_member_of_a_focus_group_is_a_participant(workspace: Workspace, tmp_path: Path):
    """A gov trial: the five named speakers of focus_group.txt shared one participant id, so
    the study counted 7 people for 10 and every theme's count was short."""
    from ingest.speakers import speaks_for

    (tmp_path / "p01.txt").write_text(
        "Interviewer: How was it?\nP1: The form logged me out and lost my answers.\n",
        encoding="utf-8",
    )
    (tmp_path / "focus_group.txt").write_text(
        "Moderator: Let's start. How did applying go?\n"
        "Margaret: It logged me out twice and everything was gone.\n"
        "Dave: Same, it threw me out halfway through the form.\n"
        "Priya: The identity check failed on my passport photo.\n"
        "Moderator: And the letters?\n"
        "Dave: Full of jargon, I needed help to read them.\n",
        encoding="utf-8",
    )
    report = _ingest(workspace, [tmp_path])
    assert report.participants == 4
    assert workspace.catalog.counts("study") == (2, 4)
    group = next(s.source for s in workspace.catalog.sources("study") if "focus" in s.source.path)
    people = {speaks_for(group, t) for t in group.turns if t.role.value == "participant"}
    assert len(people) == 3 and "P1" not in people


def test_a_discussion_guide_is_not_ingested_as_an_interview(workspace: Workspace, tmp_path: Path):
    """A gov trial: the guide beside the transcripts was ingested as a participant whose
    questions were quoted as findings. It is left out, with its sections as stages to give."""
    study = tmp_path / "study"
    study.mkdir()
    (study / "guide.md").write_text(
        "# Discussion guide\n\nResearcher: Hannah. Sessions 60 minutes.\n\n"
        "## 1. Finding out\n\n- How did you first hear about it?\n- Who helped you decide?\n\n"
        "## 2. Applying\n\n- Talk me through starting the application.\n"
        "- How did the identity check go?\n\n## 3. Wrap-up\n\n- Anything else?\n",
        encoding="utf-8",
    )
    (study / "p01.txt").write_text(
        "Interviewer: How did you hear about it?\nP1: From my GP. Did I like it? Not really.\n",
        encoding="utf-8",
    )
    report = _ingest(workspace, [study])
    assert [s.path for s in report.added] == ["p01.txt"]
    (where, why), *_ = report.ignored
    assert where.endswith("guide.md") and "discussion guide (5 questions" in why
    assert "--stages 'Finding out' --stages Applying" in why and "Wrap" not in why


def test_deleting_a_source_forgets_the_names_only_it_gave(workspace: Workspace, tmp_path: Path):
    """A privacy audit: a withdrawn participant's real name and their family's stayed in the
    project's name mapping after their source was deleted."""
    from assistant.study import Studies

    study_dir = tmp_path / "study"
    study_dir.mkdir()
    (study_dir / "p01.txt").write_text(
        "Interviewer: Hi.\nSarah Okafor: Kofi Mensah said the app kept crashing.\n",
        encoding="utf-8",
    )
    (study_dir / "p02.txt").write_text(
        "Interviewer: Hi.\nKofi Mensah: The app kept crashing.\n",
        encoding="utf-8",
    )
    _ingest(workspace, [study_dir])
    before = set(workspace.catalog.aliases("study"))
    assert {"Sarah Okafor", "Kofi Mensah"} <= before
    studies = Studies(workspace)
    gone = next(s.source.id for s in workspace.catalog.sources("study") if "p01" in s.locator)
    studies("study").delete_source(gone)
    after = set(workspace.catalog.aliases("study"))
    assert not {a for a in after if "sarah" in a.casefold() or "okafor" in a.casefold()}
    assert "Kofi Mensah" in after  # p02 still says his name


def test_a_search_never_fills_its_list_with_small_talk(workspace: Workspace, tmp_path: Path):
    """A course trial: `search 卡顿` returned three "再见。" nearest in meaning, above quotes that
    said 卡 and left out; the CLI's search and MCP's search_quotes leave such passages out."""
    from assistant.briefs import search_passages, search_quotes

    for n, said in enumerate(["视频老是转圈，看两分钟卡一下。", "网不好的时候就缓冲个没完。"], 1):
        (tmp_path / f"p0{n}.txt").write_text(
            f"访谈员：听得到吗？\n受访者：听得到。\n访谈员：看视频顺利吗？\n受访者：{said}\n"
            "访谈员：今天就到这里。\n受访者：好的，再见。\n",
            encoding="utf-8",
        )
    _ingest(workspace, [tmp_path / "p01.txt", tmp_path / "p02.txt"])
    where = {"role": "participant"}
    hits = search_passages(workspace, "study", "卡顿", 3, where)
    assert hits and not any("再见" in h.text or "听得到" in h.text for h in hits)
    quotes = [e.quote for _, e in search_quotes(workspace, "study", "卡顿", 3)]
    assert quotes and not any("再见" in q for q in quotes)
