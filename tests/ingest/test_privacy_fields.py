"""Every field of a source is redacted, not only the turns: headings (which become stage
names), review titles, and the file name shown in citations and exports."""

from pathlib import Path

from assistant.workspace import Workspace
from ingest.pipeline import IngestOptions, IngestReport

PHONE = "+44 20 7946 0321"
EMAIL = "sarah.jones@example.com"


def _ingest(workspace: Workspace, *paths: Path) -> IngestReport:
    return workspace.ingestor("study", IngestOptions()).ingest(list(paths), IngestReport())


def test_a_speakers_name_in_the_file_name_is_not_shown_and_no_folder_is(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "p01_sarah.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>How was delivery?\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v Sarah>It came late and the ice had melted.\n",
        encoding="utf-8",
    )
    [source] = _ingest(workspace, path).added
    assert source.path == "p01_[NAME].vtt"
    stored = workspace.store.query("study", "late delivery", n=5)
    assert all(str(tmp_path) not in str(h.metadata) for h in stored)
    assert all("sarah" not in str(h.metadata).lower() for h in stored)


def test_pii_in_a_markdown_heading_never_reaches_sections_or_turns(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "p02.md"
    path.write_text(
        f"# Call back on {PHONE} or {EMAIL}\n\n"
        "Interviewer: How did sign-up go?\n\n"
        "Lee: The form kept rejecting my postcode.\n",
        encoding="utf-8",
    )
    [source] = _ingest(workspace, path).added
    dumped = source.model_dump_json()
    assert PHONE not in dumped and EMAIL not in dumped
    assert source.sections[0].title == "Call back on [PHONE] or [EMAIL]"
    assert {t.section for t in source.turns} == {"Call back on [PHONE] or [EMAIL]"}


def test_a_phone_number_in_a_review_title_is_redacted_in_the_source(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(
        f"id,title,review,rating\n1,Call me on {PHONE},The app crashed at checkout,1\n",
        encoding="utf-8",
    )
    [source] = _ingest(workspace, path).added
    assert source.metadata["title"] == "Call me on [PHONE]"
    assert PHONE not in source.model_dump_json()
    assert source.path == "reviews.csv#1"


def test_a_name_mentioned_before_it_is_a_speaker_label_is_redacted_everywhere(
    workspace: Workspace, tmp_path: Path
) -> None:
    earlier = tmp_path / "p01.txt"
    earlier.write_text(
        "Interviewer: Who helped you?\nP1: Then Zarvina Quispe showed me the app.\n",
        encoding="utf-8",
    )
    later = tmp_path / "p02.txt"
    later.write_text(
        "Interviewer: How was checkout?\nZarvina Quispe: Slow, the card page froze twice.\n",
        encoding="utf-8",
    )
    _ingest(workspace, earlier)
    report = _ingest(workspace, later)
    assert report.reredacted == 1
    for stored in workspace.catalog.sources("study"):
        assert "Zarvina" not in stored.source.model_dump_json()
        assert "Quispe" not in stored.source.model_dump_json()
    chunks = workspace.store.query("study", "then she showed me the app", n=10)
    assert chunks and not any("Zarvina" in h.text or "Quispe" in h.text for h in chunks)
    assert len({h.id for h in chunks}) == workspace.store.count("study")


def test_names_in_free_text_are_redacted_unless_the_user_turns_detection_off(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "p03.txt"
    path.write_text(
        "Interviewer: Who cooks?\nP3: My wife Sarah does, and Dr Okafor told us to eat better.\n",
        encoding="utf-8",
    )
    [on] = _ingest(workspace, path).added
    assert "My wife [NAME] does" in on.turns[1].text and "Dr [NAME]" in on.turns[1].text
    off = workspace.ingestor("plain", IngestOptions(detect_names=False)).ingest(
        [path], IngestReport()
    )
    assert "My wife Sarah does" in off.added[0].turns[1].text


def test_a_given_name_in_a_file_name_is_hidden_even_when_the_speaker_is_labelled_p1(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "p05_jessica.txt"
    path.write_text("Interviewer: How was it?\nP5: The app kept logging me out.\n", "utf-8")
    [source] = _ingest(workspace, path).added
    assert source.path == "p05_[NAME].txt"


def test_a_name_the_context_reveals_once_is_redacted_everywhere_in_that_source(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "p03.txt"
    path.write_text(
        "Interviewer: Who signed up?\n"
        "P3: I went through the menu with my partner, Dev, on the website.\n"
        "Interviewer: And paying?\n"
        "P3: We paid with Dev's card. Dev was quite cross about the fee.\n",
        encoding="utf-8",
    )
    [source] = _ingest(workspace, path).added
    said = " ".join(t.text for t in source.turns)
    assert "Dev" not in said
    assert "paid with [NAME]'s card" in said and "[NAME] was quite cross" in said
    # the chunks the chat retrieves from are redacted the same way
    chunks = workspace.store.documents("study")
    assert chunks and all("Dev" not in c for c in chunks)
    # quotes cut from the original for maps and chat are redacted the same way
    original = workspace.catalog.sources("study")[0].original
    assert "Dev" not in workspace.redactor("study").redact(original)[0]


def test_a_name_revealed_in_one_source_is_redacted_in_sources_stored_before(
    workspace: Workspace, tmp_path: Path
) -> None:
    first, second = tmp_path / "p01.txt", tmp_path / "p02.txt"
    first.write_text("Interviewer: Who pays?\nP1: Dev pays, usually.\n", encoding="utf-8")
    second.write_text("Interviewer: Who cooks?\nP2: My partner, Dev, does.\n", encoding="utf-8")
    _ingest(workspace, first)
    assert "Dev pays" in workspace.catalog.sources("study")[0].source.turns[1].text
    _ingest(workspace, second)
    said = [t.text for s in workspace.catalog.sources("study") for t in s.source.turns]
    assert not any("Dev" in t for t in said)


def test_a_file_names_surname_after_a_given_name_is_redacted_too() -> None:
    """A privacy audit: a reviews export named export_jess.miller.csv showed its exporter's
    name on every review quote."""
    from ingest.pipeline import display_name
    from ingest.redact import Redactor
    from journey.source import SourceKind

    redactor = Redactor({})
    shown = display_name("reviews_export_jess.miller.csv#R1", SourceKind.review, redactor)
    assert shown == "reviews_export_[NAME].[NAME].csv#R1"
    assert display_name("p01_sarah_notes.txt", SourceKind.interview, redactor) == (
        "p01_[NAME]_notes.txt"
    )
