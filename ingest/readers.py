"""Files -> Documents: one reader per format, chosen by file extension.

Every failure on a malformed or hostile file is an UnreadableFileError with a one-line reason;
archives and compressed streams are checked before they are inflated, and every reader's
output is capped (MAX_TURNS, MAX_SECTIONS) so one file cannot exhaust memory downstream.
"""

import io
import json
import logging
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ingest.decoding import decode_bytes
from ingest.document import (
    MAX_LINES,
    MAX_SECTIONS,
    MAX_TURNS,
    Document,
    RawTurn,
    checked_seconds,
    parse_timestamp,
)
from ingest.errors import UnreadableFileError
from ingest.reviews import read_reviews, review_items
from ingest.subtitles import parse_captions
from ingest.transcript import FrontMatter, front_matter, parse_transcript
from journey.errors import MEGABYTE, size_text

logger = logging.getLogger(__name__)

__all__ = ["MAX_LINES", "MAX_SECTIONS", "MAX_TURNS", "SUPPORTED_EXTENSIONS", "read_file"]

TRANSCRIPT_EXTENSIONS = {".txt", ".md", ".vtt", ".srt", ".docx", ".pdf", ".json"}
REVIEW_EXTENSIONS = {".csv", ".jsonl"}
SUPPORTED_EXTENSIONS = TRANSCRIPT_EXTENSIONS | REVIEW_EXTENSIONS
_TURN_LISTS = ("turns", "transcript", "utterances", "segments", "messages", "results", "items")
_SPEAKER_KEYS = ("speaker", "speaker_name", "name", "role", "author")
_TEXT_KEYS = ("text", "content", "utterance", "transcript", "message")

INFLATE_FACTOR = 4
"""A .docx may inflate, and a .pdf may extract, to this many times the file size limit..."""
INFLATE_FLOOR = 64 * MEGABYTE
"""...or to this many bytes, whichever is more."""
DOCX_XML_FLOOR = 32 * MEGABYTE
"""The XML parts of a .docx (parsed into memory whole) may total max(max_bytes, this)."""
DOCX_MAX_RATIO = 100
"""A .docx member inflating more than this many times over its compressed size is a bomb..."""
DOCX_RATIO_FLOOR = 10 * MEGABYTE
"""...once it inflates past this many bytes (small, very repetitive parts are harmless)."""
DOCX_MAX_MEMBERS = 10_000
DOCX_MAX_GRID_SPAN = 64  # Word tables have at most 63 columns
PDF_MAX_PAGES = 20_000
_XML_DANGER = (b"<!DOCTYPE", b"<!ENTITY")


_SHEETS = (".xlsx", ".xls", ".xlsm", ".ods", ".numbers")


def unsupported(suffix: str) -> str:
    """Why a file of this type is not read, and what to do: a spreadsheet is saved as .csv (an
    upload's .xlsx was told only the list of types)."""
    if suffix.lower() in _SHEETS:
        return f"unsupported file type {suffix}; save it as .csv (one row per review)"
    return (
        f"unsupported file type {suffix or '(none)'}; "
        f"use one of {', '.join(sorted(SUPPORTED_EXTENSIONS))}"
    )


def read_file(
    path: Path,
    *,
    max_bytes: int,
    text_column: str | None = None,
    id_column: str | None = None,
    segment_columns: Sequence[str] = (),
    survey: bool = False,
) -> list[Document]:
    """Read one file into Documents; raise UnreadableFileError with a one-line reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnreadableFileError(f"{path.name}: {unsupported(suffix)}")
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFileError(
            f"{path.name}: {size_text(size)} is over the {size_text(max_bytes)} limit; "
            "split it or raise JOURNEYMAP_MAX_FILE_MB"
        )
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFileError(f"{path.name}: the file is empty")
    budget = max(INFLATE_FACTOR * max_bytes, INFLATE_FLOOR)
    if suffix == ".docx":
        text, encoding = _docx_text(path, data, max_bytes), "docx"
    elif suffix == ".pdf":
        text, encoding = _pdf_text(path, data, budget), "pdf"
    else:
        decoded = decode_bytes(data, path.name)
        text, encoding = decoded.text, decoded.encoding
    del data
    if not text.strip():
        raise UnreadableFileError(f"{path.name}: no text in the file")
    if suffix in REVIEW_EXTENSIONS:
        return read_reviews(
            path, text, encoding, text_column, id_column, segment_columns, survey=survey
        )
    if suffix == ".json":
        if _is_review_export(text):
            return read_reviews(
                path, text, encoding, text_column, id_column, segment_columns, survey=survey
            )
        return [_capped(path, _json_document(path, text, encoding))]
    if (lines := text.count("\n") + (not text.endswith("\n"))) > MAX_LINES:
        raise UnreadableFileError(
            f"{path.name}: {lines:,} lines is over the {MAX_LINES:,} limit for one file; split it"
        )
    if suffix in (".vtt", ".srt"):
        turns, untimed = parse_captions(text)
        if not turns:
            raise UnreadableFileError(
                f"{path.name}: no captions found; is it a valid {suffix} file?"
            )
        document = Document(text=text, turns=turns, locator=str(path), encoding=encoding)
        if untimed:
            document.warnings.append(
                f"{path.name}: {untimed:,} cue{'s' if untimed > 1 else ''} with an unreadable "
                "timestamp kept without time"
            )
        return [_capped(path, document)]
    front = front_matter(text) if suffix == ".md" else None
    turns, sections = parse_transcript(_blanked(text, front.end) if front else text)
    turns, hint, fields = _header(text, turns)
    document = Document(
        text=text,
        turns=turns,
        locator=str(path),
        encoding=encoding,
        sections=sections,
        participant_hint=hint,
    )
    if front:
        document.warnings.append(_front_matter_note(path, front))
    if fields:
        document.warnings.append(
            f"{path.name}: its header ({', '.join(fields)}) is kept as the file's details, "
            "not as anyone's words"
        )
    return [_capped(path, document)]


_HEADER_PERSON = re.compile(
    r"(?i)(?:interviewee|participant(?:[ _]name)?|respondent(?:[ _]name)?|customer(?:[ _]name)?|"
    r"访谈对象|受访者(?:姓名)?|被访者(?:姓名)?|受访人|参与者|用户姓名|姓名)"
)
_HEADER_DETAIL = re.compile(
    r"(?i)(?:date|time|location|place|duration|length|session|interview date|recorded|"
    r"focus group|topic|title|project|study|round|"
    r"日期|时间|访谈时间|访谈日期|地点|访谈地点|时长|场次|访谈方式|方式|焦点小组|座谈会|主题|访谈主题|"
    r"标题|项目|课题|轮次)"
)
_NAME_HEAD = re.compile(r"^(?:[\u4e00-\u9fff]{2,4}|[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,3})$")


def _header_lines(value: str) -> bool:
    """A header field's value: a short line, maybe followed by a few more `key: value` lines
    no speaker label starts (a date line under the interviewee's)."""
    first, *rest = value.splitlines() or [""]
    return (
        len(first) <= 80
        and len(rest) <= 3
        and all(len(line) <= 80 and re.search(r"[:：]", line) for line in rest)
    )


def _header(text: str, turns: list[RawTurn]) -> tuple[list[RawTurn], str | None, list[str]]:
    """A transcript's header lines (`访谈对象: 张伟`, `Interviewee: Jane Doe (traveller)`,
    `Date: 3 March`) read as speaker turns: they open the file, are one short line each and
    their label never speaks again. Returns the turns without them, the participant they name
    (a hint, so the name is an alias and redacted everywhere), and their labels. A travel
    trial's header line was a participant turn, the top hit for its segment, name shown."""
    labels = [t.speaker for t in turns]
    head = 0
    hint: str | None = None
    while head < len(turns) - 1:
        turn, label = turns[head], labels[head]
        value = text[turn.char_start : turn.char_end].strip()
        if (
            label is None
            or not (_HEADER_PERSON.fullmatch(label) or _HEADER_DETAIL.fullmatch(label))
            or label in labels[head + 1 :]
            or not _header_lines(value)
        ):
            break
        if _HEADER_PERSON.fullmatch(label) and hint is None:
            name = re.split(r"[（(,，;；|/–—\n]| - ", value, maxsplit=1)[0].strip()
            hint = name if _NAME_HEAD.match(name) else None
        head += 1
    return turns[head:], hint, [str(label) for label in labels[:head]]


def _blanked(text: str, end: int) -> str:
    """The text with its first `end` characters blank (line breaks kept): read as nothing,
    while every offset still points into the text as it is."""
    return re.sub(r"[^\n]", " ", text[:end]) + text[end:]


def _front_matter_note(path: Path, front: FrontMatter) -> str:
    """The warning that a file's front matter was left out, naming its fields (never their
    values, which are often the participant's name and contact details)."""
    shown = [k for k in front.keys if re.fullmatch(r"[\w-]{1,32}", k)][:8]
    fields = f": {', '.join(shown)}{', ...' if len(front.keys) > len(shown) else ''}"
    return (
        f"{path.name}: its front matter (lines 1-{front.lines}{fields if shown else ''}) is "
        "metadata, not speech: left out of the turns"
    )


def _capped(path: Path, document: Document) -> Document:
    """The document, if its turns and sections are within the per-file limits."""
    for count, limit, what in (
        (len(document.turns), MAX_TURNS, "turns"),
        (len(document.sections), MAX_SECTIONS, "section headings"),
    ):
        if count > limit:
            raise UnreadableFileError(
                f"{path.name}: {count:,} {what} is over the {limit:,} limit for one file; split it"
            )
    return document


# --- .docx ------------------------------------------------------------------------------------


def _docx_text(path: Path, data: bytes, max_bytes: int) -> str:
    import docx  # python-docx; imported here so other formats do not pay for it
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree  # type: ignore[import-untyped]

    _check_docx_archive(path, data, max_bytes)
    try:
        document = docx.Document(io.BytesIO(data))
        lines = _docx_lines(path, document)
    except (
        PackageNotFoundError,
        PythonDocxError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        etree.LxmlError,
        KeyError,
        ValueError,
        RecursionError,
    ) as exc:
        raise UnreadableFileError(
            f"{path.name}: not a readable .docx ({type(exc).__name__}); re-save it from Word"
        ) from None
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")


def _check_docx_archive(path: Path, data: bytes, max_bytes: int) -> None:
    """Refuse zip bombs, encrypted or exotic members and XML with a DTD, inflating nothing whole.

    Declared sizes and ratios are checked first; then each member is streamed once with a
    running count, so a member that lies about its size is caught after at most the budget.
    """

    def refuse(reason: str, action: str = "re-save it from Word") -> UnreadableFileError:
        return UnreadableFileError(f"{path.name}: {reason}; {action}")

    total_budget = max(INFLATE_FACTOR * max_bytes, INFLATE_FLOOR)
    xml_budget = max(max_bytes, DOCX_XML_FLOOR)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > DOCX_MAX_MEMBERS:
                raise refuse(f"{len(members):,} parts in the archive, not a Word document")
            declared = sum(m.file_size for m in members)
            if declared > total_budget:
                raise refuse(
                    f"unzips to {size_text(declared)}, over the {size_text(total_budget)} limit "
                    "(a zip bomb?)",
                    "split the document or remove large images",
                )
            for member in members:
                if member.flag_bits & 0x1:
                    raise refuse(f"{member.filename} is encrypted")
                if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                    raise refuse(f"{member.filename} uses an unsupported compression")
                ratio = member.file_size / max(1, member.compress_size)
                if member.file_size > DOCX_RATIO_FLOOR and ratio > DOCX_MAX_RATIO:
                    raise refuse(
                        f"{member.filename} unzips to {ratio:,.0f} times its size (a zip bomb?)",
                    )
            inflated = xml = 0
            for member in members:
                is_xml = member.filename.endswith((".xml", ".rels"))
                seen = _stream_member(archive, member, scan=is_xml)
                inflated += seen
                xml += seen if is_xml else 0
                if seen > member.file_size or inflated > total_budget:
                    raise refuse(f"{member.filename} unzips past its declared size (a zip bomb?)")
                if xml > xml_budget:
                    past = f"its text unzips past {size_text(xml_budget)}"
                    raise refuse(past, "split the document")
    except _DtdFound as found:
        raise refuse(f"{found} declares a DTD or entities, which Word never writes") from None
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, ValueError) as exc:
        raise UnreadableFileError(
            f"{path.name}: not a readable .docx ({type(exc).__name__}); re-save it from Word"
        ) from None


class _DtdFound(Exception):
    """An XML part of a .docx declares a DTD; the message is the part's name."""


def _stream_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, *, scan: bool) -> int:
    """Inflate one member in chunks, never holding more than one; return its true size."""
    seen, tail = 0, b""
    with archive.open(member) as stream:
        # zipfile stops at the declared size; one extra byte is read to see a lie anyway.
        while chunk := stream.read(1 << 16):
            seen += len(chunk)
            if scan:
                window = tail + chunk
                if any(mark in window for mark in _XML_DANGER):
                    raise _DtdFound(member.filename)
                tail = window[-16:]
            if seen > member.file_size:
                break
    return seen


def _docx_lines(path: Path, document: Any) -> list[str]:
    """Body paragraphs (Word headings as Markdown headings), then table rows, as lines of text.

    Read from the XML rather than python-docx's `row.cells`, which repeats a cell once per
    spanned column and follows vertical merges by recursion, both unbounded on hostile input.
    """
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn

    names = {s.style_id: s.name or "" for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH}
    body = document.element.body
    lines = [
        _heading_marks(names.get(p.style, "")) + _visible(p) for p in body.iterchildren(qn("w:p"))
    ]
    for table in body.iterchildren(qn("w:tbl")):
        above: dict[int, str] = {}  # grid column -> text of the cell a vertical merge continues
        for row in table.iterchildren(qn("w:tr")):
            offset, cells = row.grid_before, []
            for cell in row.iterchildren(qn("w:tc")):
                span = cell.grid_span
                if not 1 <= span <= DOCX_MAX_GRID_SPAN:
                    raise UnreadableFileError(
                        f"{path.name}: a table cell spans {span:,} columns; re-save it from Word"
                    )
                if cell.vMerge == "continue":
                    text = above.get(offset, "")
                else:
                    text = "\n".join(_visible(p) for p in cell.iterchildren(qn("w:p")))
                    above[offset] = text
                cells.append(text.strip())
                offset += span
            lines.append("\t".join(dict.fromkeys(c for c in cells if c)))
    return lines


_HIDDEN = "w:rPr/w:vanish[not(@w:val) or (@w:val != '0' and @w:val != 'false')]"
"""A run formatted as hidden text."""


def _visible(paragraph: Any) -> str:
    """A paragraph's text as Word shows it: hidden runs left out (a hostile-input trial's hidden
    "HIDDEN: ..." run became a speaker, and every "hidden" in the study was redacted as them)."""
    if not paragraph.xpath(f".//w:r[{_HIDDEN}]"):
        return str(paragraph.text)
    return "".join(run.text for run in paragraph.xpath(f".//w:r[not({_HIDDEN})]"))


def _heading_marks(style: str) -> str:
    """`# ` for a Word Title or Heading 1, `## ` for Heading 2, ...; empty for body text."""
    if style == "Title":
        return "# "
    level = style.removeprefix("Heading ")
    return "#" * int(level) + " " if level in ("1", "2", "3", "4", "5", "6") else ""


# --- .pdf -------------------------------------------------------------------------------------


def _pdf_text(path: Path, data: bytes, budget: int) -> str:
    import pypdf
    from pypdf.errors import PyPdfError

    # pypdf's own per-stream limits, lowered to this file's budget; a bomb raises
    # LimitReachedError (a PyPdfError) before it is inflated.
    limits = {
        name: min(getattr(pypdf.get_configuration(), name), budget)
        for name in (
            "zlib_maximum_output_length",
            "lzw_maximum_output_length",
            "run_length_maximum_output_length",
            "array_based_stream_maximum_output_length",
            "brotli_maximum_output_length",
            "jbig2_maximum_output_length",
        )
    }
    pages: list[str] = []
    extracted = 0
    try:
        with pypdf.apply_configuration(**limits):
            reader = pypdf.PdfReader(io.BytesIO(data))
            if (count := len(reader.pages)) > PDF_MAX_PAGES:
                raise UnreadableFileError(
                    f"{path.name}: {count:,} pages is over the {PDF_MAX_PAGES:,} limit "
                    "for one file; split it"
                )
            for page in reader.pages:
                pages.append(page.extract_text() or "")
                extracted += len(pages[-1])
                if extracted > budget:
                    raise UnreadableFileError(
                        f"{path.name}: the PDF holds more than {size_text(budget)} of text; "
                        "split it"
                    )
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        OverflowError,
        ZeroDivisionError,
        zlib.error,
    ) as exc:
        raise UnreadableFileError(
            f"{path.name}: not a readable PDF ({type(exc).__name__}); re-export it"
        ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise UnreadableFileError(
            f"{path.name}: the PDF has no text layer (scanned?); run OCR on it first"
        )
    return text


# --- .json ------------------------------------------------------------------------------------


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[k] for k in keys if item.get(k) not in (None, "")), None)


def _scalar(value: Any) -> str | None:
    """A speaker or participant id as one line of text; None for missing, lists and objects."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return " ".join(str(value).split()) or None
    return None


def _seconds(value: Any) -> float | None:
    """A timestamp in seconds, or None when missing, unreadable, infinite or absurd."""
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return checked_seconds(float(value))
        if isinstance(value, str) and value.strip():
            return parse_timestamp(value.strip())
    except (ValueError, OverflowError):
        return None
    return None


_DIGITS_LIMIT = re.compile(r"Exceeds the limit \((\d+) digits\)")


def _is_review_export(text: str) -> bool:
    """Whether a .json file is a review export (`reviews.review_items`), not turns."""
    try:
        return review_items(json.loads(text)) is not None
    except (ValueError, RecursionError):
        return False  # said by the transcript reader, with the line


def _json_document(path: Path, text: str, encoding: str) -> Document:
    """A JSON list of turns, or an object holding one; the source text is `Speaker: text` lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(
            f"{path.name}: invalid JSON at line {exc.lineno} ({exc.msg}); fix the file"
        ) from None
    except RecursionError:
        raise UnreadableFileError(
            f"{path.name}: the JSON is nested too deeply to be a list of turns; fix the file"
        ) from None
    except ValueError as exc:  # an integer over Python's digit limit
        digits = m[1] if (m := _DIGITS_LIMIT.search(str(exc))) else "thousands of"
        raise UnreadableFileError(
            f"{path.name}: the JSON holds a number with more than {digits} digits; fix the file"
        ) from None
    meta: dict[str, Any] = {}
    if isinstance(data, dict):
        meta = data
        data = next((data[k] for k in _TURN_LISTS if isinstance(data.get(k), list)), None)
    if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
        raise UnreadableFileError(
            f"{path.name}: expected a list of turns {{speaker, text, start?, end?}} "
            f"or an object with one under {' / '.join(_TURN_LISTS)}"
        )
    if len(data) > MAX_TURNS:
        raise UnreadableFileError(
            f"{path.name}: {len(data):,} turns is over the {MAX_TURNS:,} limit for one file; "
            "split it"
        )
    parts: list[str] = []
    turns: list[RawTurn] = []
    offset = 0
    for item in data:
        body = _first(item, _TEXT_KEYS)
        if not isinstance(body, str) or not body.strip():
            continue
        body = body.strip()
        speaker = _scalar(_first(item, _SPEAKER_KEYS))
        head = f"{speaker}: " if speaker else ""
        turns.append(
            RawTurn(
                speaker,
                offset + len(head),
                offset + len(head) + len(body),
                start=_seconds(item.get("start")),
                end=_seconds(item.get("end")),
            )
        )
        parts.append(head + body)
        offset += len(head) + len(body) + 1
    if not turns:
        raise UnreadableFileError(f"{path.name}: the JSON holds no turns with text")
    hint = _scalar(_first(meta, ("participant", "participant_id", "respondent")))
    metadata: dict[str, str | int | float] = {
        k: v for k, v in meta.items() if k in ("title", "date") and isinstance(v, str)
    }
    return Document(
        text="\n".join(parts),
        turns=turns,
        locator=str(path),
        encoding=encoding,
        metadata=metadata,
        participant_hint=hint,
    )
