"""Hostile files (bombs, deep nesting, absurd numbers, merged rows, huge lines) fail cleanly.

Each file is built here in tmp_path. A hostile file either reads correctly or raises one
UnreadableFileError whose one-line message names the file and says what to do.
"""

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path

import pytest

from ingest.document import Document
from ingest.errors import UnreadableFileError
from ingest.readers import MAX_LINES, MAX_SECTIONS, MAX_TURNS, PDF_MAX_PAGES, read_file
from ingest.speakers import assign_roles
from journey.errors import MEGABYTE
from journey.source import Role

MAX_BYTES = 5_000_000
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def unreadable(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """The error message reading `path` raises; fails the test if it reads."""
    with pytest.raises(UnreadableFileError) as error:
        read_file(path, max_bytes=max_bytes)
    message = str(error.value)
    assert message.startswith(f"{path.name}: ")
    assert "\n" not in message
    return message


def read_one(path: Path, max_bytes: int = MAX_BYTES) -> Document:
    [doc] = read_file(path, max_bytes=max_bytes)
    return doc


# --- .docx ------------------------------------------------------------------------------------


def word_template() -> bytes:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def docx_with(path: Path, document_xml: bytes | None = None, *, chunks: int = 0) -> Path:
    """A real .docx whose word/document.xml is replaced (or is `chunks` MB of one byte)."""
    with (
        zipfile.ZipFile(io.BytesIO(word_template())) as template,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in template.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, template.read(item))
            elif chunks:
                with out.open(item.filename, "w", force_zip64=True) as stream:
                    for _ in range(chunks):
                        stream.write(b"A" * MEGABYTE)
            else:
                out.writestr(item.filename, document_xml or b"")
    return path


def body_xml(inner: str) -> bytes:
    return f'<w:document xmlns:w="{W}"><w:body>{inner}</w:body></w:document>'.encode()


def paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"


def test_docx_with_malformed_xml_is_reported_as_unreadable_docx(tmp_path: Path) -> None:
    path = docx_with(tmp_path / "broken.docx", body_xml("<w:p><w:r><w:t>Hi</w:r>")[:-20])
    message = unreadable(path)
    assert "not a readable .docx" in message
    assert "re-save it from Word" in message


def test_docx_with_an_entity_expansion_bomb_is_refused(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>'.encode() + body_xml(
        paragraph("&lol9;")
    )
    message = unreadable(docx_with(tmp_path / "laughs.docx", xml))
    assert "word/document.xml declares a DTD or entities" in message


def test_docx_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = docx_with(tmp_path / "bomb.docx", chunks=200)
    assert path.stat().st_size < 1_000_000
    message = unreadable(path)
    assert "zip bomb" in message
    assert "unzips to 200" in message and "MB, over the 64 MB limit" in message


def test_docx_part_inflating_a_thousand_times_over_is_refused(tmp_path: Path) -> None:
    path = docx_with(tmp_path / "ratio.docx", chunks=20)
    message = unreadable(path, max_bytes=50_000_000)
    assert "word/document.xml unzips to" in message
    assert "zip bomb" in message


def test_docx_part_lying_about_its_size_is_refused(tmp_path: Path) -> None:
    path = docx_with(tmp_path / "liar.docx", b"A" * 30_000_000)
    data = bytearray(path.read_bytes())
    name = b"word/document.xml"
    # Declare 1,000 bytes in the central directory (size at 24) and the local header (at 22).
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        at = data.find(signature)
        while data[at + name_at : at + name_at + len(name)] != name:
            at = data.find(signature, at + 1)
        struct.pack_into("<I", data, at + size_at, 1_000)
    path.write_bytes(bytes(data))
    assert "not a readable .docx (BadZipFile)" in unreadable(path)


def test_docx_table_cell_spanning_a_billion_columns_is_refused(tmp_path: Path) -> None:
    cell = '<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr><w:p/></w:tc>'
    xml = body_xml(paragraph("Interviewer: hello") + f"<w:tbl><w:tr>{cell}</w:tr></w:tbl>")
    message = unreadable(docx_with(tmp_path / "span.docx", xml))
    assert "spans 1,000,000,000 columns" in message


def test_docx_tables_read_as_python_docx_sees_them_merged_cells_once(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("Interviewer: What did you use?")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Dana"
    table.cell(0, 2).text = "The app"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Lee"
    table.cell(1, 1).text = "Card"
    table.cell(2, 2).text = "Phone"
    path = tmp_path / "table.docx"
    document.save(str(path))
    expected = [
        "\t".join(dict.fromkeys(c.text.strip() for c in row.cells if c.text.strip()))
        for row in docx.Document(str(path)).tables[0].rows
    ]

    doc = read_one(path)
    assert doc.text.split("\n")[1:] == expected == ["Dana\tThe app", "Lee\tCard", "Lee\tPhone"]


def test_docx_long_vertical_merge_is_read_without_recursion(tmp_path: Path) -> None:
    continued = "<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"
    first = "<w:tr><w:tc><w:tcPr><w:vMerge w:val='restart'/></w:tcPr>"
    first += paragraph("Dana") + "</w:tc><w:tc>" + paragraph("hi") + "</w:tc></w:tr>"
    xml = body_xml(f"<w:tbl>{first}{continued * 5000}</w:tbl>")
    doc = read_one(docx_with(tmp_path / "merge.docx", xml))
    assert doc.text.split("\n")[:2] == ["Dana\thi", "Dana"]
    assert doc.text.count("Dana") == 5001


def test_docx_style_named_like_a_heading_with_an_odd_digit_stays_body_text(
    tmp_path: Path,
) -> None:
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    document.styles.add_style("Heading ²", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("Interviewer: Hello there.", style="Heading ²")
    document.add_paragraph("Dana: Hi.")
    path = tmp_path / "odd.docx"
    document.save(str(path))
    doc = read_one(path)
    assert doc.sections == []
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Dana"]


# --- .json ------------------------------------------------------------------------------------


def test_json_nested_a_hundred_thousand_deep_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert "nested too deeply" in unreadable(path)


def test_json_number_of_five_thousand_digits_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "digits.json"
    path.write_text('[{"speaker": "A", "text": "hi", "start": 1' + "0" * 5000 + "}]")
    assert "number with more than 4300 digits" in unreadable(path)


def test_json_infinite_or_absurd_timestamps_keep_the_turn_without_a_time(tmp_path: Path) -> None:
    turns = [
        {"speaker": "Interviewer", "text": "How was it?", "start": 1e400},
        {"speaker": "Dana", "text": "Slow.", "start": "99999999999999999999999:00"},
        {"speaker": "Interviewer", "text": "Why?", "start": -3, "end": 1e300},
        {"speaker": "Dana", "text": "The selfie.", "start": 12.5, "end": "00:00:14"},
    ]
    path = tmp_path / "times.json"
    path.write_text(json.dumps(turns).replace("Infinity", "1e400"), encoding="utf-8")
    doc = read_one(path)
    assert [doc.turn_text(t) for t in doc.turns] == ["How was it?", "Slow.", "Why?", "The selfie."]
    assert [(t.start, t.end) for t in doc.turns] == [
        (None, None),
        (None, None),
        (None, None),
        (12.5, 14.0),
    ]


def test_json_with_more_turns_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.json"
    path.write_text(json.dumps([{"text": "ok"}] * (MAX_TURNS + 1)), encoding="utf-8")
    assert f"{MAX_TURNS + 1:,} turns is over the {MAX_TURNS:,} limit" in unreadable(path)


def test_jsonl_line_nested_too_deeply_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "reviews.jsonl"
    path.write_text('{"content": "Fine app."}\n' + "[" * 100_000 + "]" * 100_000 + "\n")
    assert "line 2" in unreadable(path)


# --- .pdf -------------------------------------------------------------------------------------


def pdf(objects: list[bytes]) -> bytes:
    """A PDF with a correct cross-reference table; object 1 is the catalog."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def test_pdf_decompression_bomb_is_refused(tmp_path: Path) -> None:
    compressor = zlib.compressobj(9)
    stream = b"".join(compressor.compress(b" " * 1_000_000) for _ in range(100))
    stream += compressor.flush()
    path = tmp_path / "bomb.pdf"
    path.write_bytes(
        pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
                b" /Resources << /Font << /F1 5 0 R >> >> >>",
                b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
                + stream
                + b"\nendstream",
                b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
            ]
        )
    )
    assert path.stat().st_size < 1_000_000
    message = unreadable(path)
    assert "not a readable PDF (LimitReachedError)" in message


def test_pdf_with_more_pages_than_the_limit_is_refused(tmp_path: Path) -> None:
    n = PDF_MAX_PAGES + 1
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(n))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"
    path = tmp_path / "pages.pdf"
    path.write_bytes(
        pdf(
            [
                b"<< /Type /Catalog /Pages 2 0 R >>",
                b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
            ]
            + [page] * n
        )
    )
    assert f"{n:,} pages is over the {PDF_MAX_PAGES:,} limit" in unreadable(path)


def test_pdf_truncated_mid_object_is_reported_as_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "cut.pdf"
    path.write_bytes(
        pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"])[
            :60
        ]
    )
    message = unreadable(path)
    assert "PDF" in message


# --- .srt / .vtt ------------------------------------------------------------------------------


def test_srt_cue_with_a_bad_timestamp_is_kept_without_time_and_warned(tmp_path: Path) -> None:
    path = tmp_path / "interview.srt"
    path.write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nInterviewer: How did it start?\n\n"
        "2\n00:00:xx,000 --> 00:00:05,000\nDana: A friend sent me a link.\n\n"
        "3\n00:00:06,000 --> 00:00:08,000\nInterviewer: And then?\n",
        encoding="utf-8",
    )
    doc = read_one(path)
    assert [(t.speaker, doc.turn_text(t)) for t in doc.turns] == [
        ("Interviewer", "How did it start?"),
        ("Dana", "A friend sent me a link."),
        ("Interviewer", "And then?"),
    ]
    assert [(t.start, t.end) for t in doc.turns] == [(1.0, 3.0), (None, None), (6.0, 8.0)]
    assert doc.warnings == ["interview.srt: 1 cue with an unreadable timestamp kept without time"]


def test_vtt_cue_with_an_absurd_hour_is_kept_without_time(tmp_path: Path) -> None:
    path = tmp_path / "call.vtt"
    path.write_text(
        "WEBVTT\n\n99999999999999999999:00:01.000 --> 99999999999999999999:00:02.000\n"
        "<v Dana>It crashed.\n",
        encoding="utf-8",
    )
    doc = read_one(path)
    assert [(t.speaker, t.start) for t in doc.turns] == [("Dana", None)]
    assert len(doc.warnings) == 1


def test_good_captions_carry_no_warnings(tmp_path: Path) -> None:
    path = tmp_path / "ok.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nDana: Fine.\n", encoding="utf-8")
    assert read_one(path).warnings == []


# --- .csv reviews -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rows",
    [
        '1,"Great app,5\n2,Bad app,1\n3,Fine,4\n',  # never closed: runs to the end of the file
        '1,"Great app,5\n2,Bad app,1\n3,"Fine",4\n',  # closed by a later row's quote
        '1,"Great app,5\n2,Bad app",1\n3,Fine,4\n',  # closed cleanly inside a later row
    ],
)
def test_csv_unclosed_quote_merging_rows_is_refused_naming_its_line(
    tmp_path: Path, rows: str
) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text("id,review,rating\n" + rows, encoding="utf-8")
    message = unreadable(path)
    assert "line 2 has an unclosed quote" in message


def test_csv_quoted_review_spanning_lines_is_still_one_review(tmp_path: Path) -> None:
    path = tmp_path / "reviews.csv"
    path.write_text(
        'id,review,rating\n1,"Slow to load.\nThe card arrived, 2 weeks late.",2\n'
        '2,"Transfers are ""instant"", nice",5\n3,Support never replied,1\n',
        encoding="utf-8",
    )
    docs = read_file(path, max_bytes=MAX_BYTES)
    assert [d.text for d in docs] == [
        "Slow to load.\nThe card arrived, 2 weeks late.",
        'Transfers are "instant", nice',
        "Support never replied",
    ]


def test_csv_field_over_the_csv_field_limit_is_refused(tmp_path: Path) -> None:
    """Said as a long cell, not as quoting (a hostile-input trial's correctly quoted 30 MB
    cell was refused with "check its quoting", which was not the problem)."""
    path = tmp_path / "huge.csv"
    path.write_text("id,review\n1," + "x" * 200_000 + "\n", encoding="utf-8")
    message = unreadable(path)
    assert "line 2 has a cell over 131,072 characters" in message
    assert "quoting" not in message


def test_csv_rating_too_large_for_a_float_is_kept_as_written(tmp_path: Path) -> None:
    path = tmp_path / "ratings.csv"
    path.write_text("id,review,rating\n1,Great app,1e400\n2,Bad app,nan\n3,Fine,4\n")
    assert [d.metadata["rating"] for d in read_file(path, max_bytes=MAX_BYTES)] == [
        "1e400",
        "nan",
        4,
    ]


def test_csv_with_more_rows_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("id,review\n" + "".join(f"{n},ok\n" for n in range(MAX_TURNS + 1)))
    assert f"more than {MAX_TURNS:,} reviews" in unreadable(path)


# --- Japanese transcripts ---------------------------------------------------------------------

JAPANESE = (
    "司会：本日はありがとうございます。アプリを知ったきっかけを教えてください。\n"
    "田中：友人に勧められました。登録は簡単でしたが、本人確認で三回も失敗しました。\n"
    "司会：それはどのくらい時間がかかりましたか？\n"
    "田中：二十分くらいです。正直、途中でやめようかと思いました。\n"
)


def test_shift_jis_transcript_splits_turns_at_full_width_colon_labels(tmp_path: Path) -> None:
    path = tmp_path / "interview.txt"
    path.write_bytes(JAPANESE.encode("cp932"))
    doc = read_one(path)
    assert doc.encoding in ("cp932", "shift_jis")
    assert [t.speaker for t in doc.turns] == ["司会", "田中", "司会", "田中"]
    assert doc.turn_text(doc.turns[1]).startswith("友人に勧められました")
    roles = assign_roles([(t.speaker, doc.turn_text(t)) for t in doc.turns])
    assert roles["司会"] is Role.interviewer
    assert roles["田中"] is Role.participant


def test_kana_names_and_full_width_role_letters_are_speakers(tmp_path: Path) -> None:
    path = tmp_path / "qa.txt"
    path.write_bytes(
        "Ｑ：使ってみてどうでしたか。\nさくら：送金が速くて便利でした。\n"
        "Ｑ：困ったことは？\nさくら：カードが届くまで二週間かかりました。\n".encode("shift_jis")
    )
    doc = read_one(path)
    assert [t.speaker for t in doc.turns] == ["Ｑ", "さくら", "Ｑ", "さくら"]
    roles = assign_roles([(t.speaker, doc.turn_text(t)) for t in doc.turns])
    assert roles["Ｑ"] is Role.interviewer
    assert roles["さくら"] is Role.participant


# --- encodings -------------------------------------------------------------------------------


def test_utf16_file_cut_mid_character_is_reported_as_undecodable(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_bytes("Interviewer: Hello\nDana: Hi\n".encode("utf-16")[:-1])
    assert "cannot be decoded as utf-16" in unreadable(path)


# --- caps and long lines ----------------------------------------------------------------------


def test_transcript_with_more_turns_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.txt"
    path.write_text("Interviewer: ok\nDana: yes\n" * (MAX_TURNS // 2 + 1), encoding="utf-8")
    message = unreadable(path)
    assert f"{MAX_TURNS + 2:,} turns is over the {MAX_TURNS:,} limit for one file; split it" in (
        message
    )


def test_transcript_with_more_lines_than_the_limit_is_refused_before_parsing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "lines.txt"
    path.write_text("Dana: ok\n" * (MAX_LINES + 1), encoding="utf-8")
    message = unreadable(path)
    assert f"{MAX_LINES + 1:,} lines is over the {MAX_LINES:,} limit for one file; split it" in (
        message
    )


def test_transcript_with_more_headings_than_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "headings.md"
    path.write_text("".join(f"# Part {n}\nDana: ok\n" for n in range(MAX_SECTIONS + 1)))
    assert f"{MAX_SECTIONS + 1:,} section headings is over the" in unreadable(path)


def test_a_two_megabyte_line_is_one_turn(tmp_path: Path) -> None:
    body = "the transfer failed again and " * 70_000
    path = tmp_path / "long.txt"
    path.write_text(f"Interviewer: What happened?\nDana: {body}\n", encoding="utf-8")
    doc = read_one(path)
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Dana"]
    assert doc.turn_text(doc.turns[1]) == body.strip()


@pytest.mark.parametrize(
    "line",
    [
        "a" * 300_000,  # one token, no colon
        "A" + " b" * 150_000,  # words that never reach a colon
        "(" + "note " * 60_000,  # a note that never closes
        "Dana" + " " * 300_000 + "[1:00 and on",  # a label whose timestamp never closes
        "Dana Lee Chen Park Moreno" * 10_000 + ": hi",  # a "label" far too long to be one
    ],
)
def test_a_long_line_without_the_expected_delimiter_is_read_whole(
    tmp_path: Path, line: str
) -> None:
    path = tmp_path / "token.txt"
    path.write_text(f"Interviewer: Go on.\n{line}\n", encoding="utf-8")
    doc = read_one(path)
    assert [t.speaker for t in doc.turns] == ["Interviewer"]
    assert "".join(doc.turn_text(doc.turns[0]).split()) == "".join(("Go on." + line).split())


def test_a_heading_with_a_long_run_of_spaces_is_one_section(tmp_path: Path) -> None:
    path = tmp_path / "heading.md"
    path.write_text(
        "# Onboarding" + " " * 300_000 + "step ##\nInterviewer: How was it?\nDana: ok\n",
        encoding="utf-8",
    )
    doc = read_one(path)
    assert [s.title for s in doc.sections] == ["Onboarding" + " " * 300_000 + "step"]
    assert [doc.turn_text(t) for t in doc.turns] == ["How was it?", "ok"]


def test_a_long_caption_of_unclosed_tags_is_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "tags.vtt"
    payload = "<v " + " " * 100_000 + "<" * 100_000 + "x"
    path.write_text(f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n{payload}\n", encoding="utf-8")
    doc = read_one(path)
    assert "".join(doc.turn_text(t) for t in doc.turns).endswith("<" * 100_000 + "x")


def test_hidden_text_in_a_docx_is_not_read(tmp_path: Path) -> None:
    """A hostile-input trial: a hidden run "HIDDEN: ..." became a speaker, and another
    person's "The fee was HIDDEN" was then redacted as them."""
    import docx
    from docx.oxml import OxmlElement

    document = docx.Document()
    document.add_paragraph("Interviewer: How was it?")
    paragraph = document.add_paragraph()
    paragraph.add_run("Maria: The fee was hidden. ")
    hidden = paragraph.add_run("HIDDEN: a note no reader sees.")
    hidden._r.get_or_add_rPr().append(OxmlElement("w:vanish"))
    paragraph.add_run(" It was bad.")
    path = tmp_path / "hidden.docx"
    document.save(str(path))
    (doc,) = read_file(path, max_bytes=MAX_BYTES)
    assert "no reader sees" not in doc.text and "It was bad." in doc.text
    assert [t.speaker for t in doc.turns] == ["Interviewer", "Maria"]
