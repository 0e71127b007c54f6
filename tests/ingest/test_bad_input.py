"""Files that cannot be ingested fail with one clean, one-line UnreadableFileError naming them."""

from pathlib import Path

import pytest

from ingest.errors import UnreadableFileError
from ingest.readers import read_file

BAD = Path(__file__).parents[1] / "fixtures" / "bad"
MAX_BYTES = 5_000_000


def unreadable(path: Path, max_bytes: int = MAX_BYTES, **options: str) -> str:
    """The error message reading `path` raises; fails the test if it reads."""
    with pytest.raises(UnreadableFileError) as error:
        read_file(path, max_bytes=max_bytes, **options)
    message = str(error.value)
    assert path.name in message
    assert "\n" not in message
    return message


def test_empty_file_is_reported_as_empty() -> None:
    assert "empty" in unreadable(BAD / "empty.txt")


def test_whitespace_only_file_is_reported_as_empty() -> None:
    assert "empty" in unreadable(BAD / "whitespace.txt")


def test_binary_file_is_rejected_instead_of_giving_garbage_turns() -> None:
    assert "binary" in unreadable(BAD / "binary.txt")


def test_nul_bytes_in_a_text_file_mean_binary(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(b"Interviewer: hello\n" + b"\x00\x01\x02\x03" * 50 + b"Dana: hi\n")
    assert "binary" in unreadable(path)


def test_corrupt_docx_is_reported_as_unreadable_docx() -> None:
    message = unreadable(BAD / "corrupt.docx")
    assert "not a readable .docx" in message


def test_corrupt_pdf_is_reported_as_unreadable_pdf() -> None:
    message = unreadable(BAD / "corrupt.pdf")
    assert "not a readable PDF" in message


def test_unsupported_extension_is_rejected_even_if_it_looks_like_text() -> None:
    message = unreadable(BAD / "unsupported.xyz")
    assert ".xyz" in message
    assert ".txt" in message


def test_file_over_the_size_limit_is_rejected_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text("Interviewer: Tell me more.\nDana: Sure.\n" * 20, encoding="utf-8")
    message = unreadable(path, max_bytes=100)
    assert "limit" in message
    assert "780 bytes" in message
    assert "100 bytes" in message


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text("Interviewer: Tell me more.\nDana: Sure.\n", encoding="utf-8")
    [doc] = read_file(path, max_bytes=path.stat().st_size)
    assert len(doc.turns) == 2


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "turns.json"
    path.write_text('[\n  {"speaker": "Interviewer", "text": "Hi"},\n  {"speaker": ]\n')
    message = unreadable(path)
    assert "invalid JSON" in message
    assert "line 3" in message


def test_json_without_a_list_of_turns_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "meta.json"
    path.write_text('{"title": "Interview 9", "participant": "P9"}', encoding="utf-8")
    assert "list of turns" in unreadable(path)


def test_json_turns_without_text_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "silent.json"
    path.write_text('[{"speaker": "Interviewer", "text": "  "}]', encoding="utf-8")
    assert "no turns" in unreadable(path)


def test_vtt_without_cues_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing was said\n", encoding="utf-8")
    assert "no captions" in unreadable(path)


def test_jsonl_with_a_broken_line_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "reviews.jsonl"
    path.write_text(
        '{"id": 1, "content": "Great app, fast transfers."}\n{"id": 2, "content": \n',
        encoding="utf-8",
    )
    assert "line 2" in unreadable(path)


def test_review_table_with_an_empty_text_column_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_text("id,review,rating\n1,,5\n2,  ,3\n", encoding="utf-8")
    assert "empty in every row" in unreadable(path)
