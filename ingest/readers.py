"""Files -> Documents: one reader per format, chosen by file extension."""

import json
import logging
import zipfile
from pathlib import Path
from typing import Any

from ingest.decoding import decode_bytes
from ingest.document import Document, RawTurn, parse_timestamp
from ingest.errors import UnreadableFileError
from ingest.reviews import read_reviews
from ingest.subtitles import parse_captions
from ingest.transcript import parse_transcript

logger = logging.getLogger(__name__)

TRANSCRIPT_EXTENSIONS = {".txt", ".md", ".vtt", ".srt", ".docx", ".pdf", ".json"}
REVIEW_EXTENSIONS = {".csv", ".jsonl"}
SUPPORTED_EXTENSIONS = TRANSCRIPT_EXTENSIONS | REVIEW_EXTENSIONS
_TURN_LISTS = ("turns", "transcript", "utterances", "segments", "messages", "results", "items")
_SPEAKER_KEYS = ("speaker", "speaker_name", "name", "role", "author")
_TEXT_KEYS = ("text", "content", "utterance", "transcript", "message")


def read_file(
    path: Path,
    *,
    max_bytes: int,
    text_column: str | None = None,
    id_column: str | None = None,
) -> list[Document]:
    """Read one file into Documents; raise UnreadableFileError with a one-line reason."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        raise UnreadableFileError(
            f"{path.name}: unsupported file type {suffix or '(none)'}; "
            f"use one of {', '.join(sorted(SUPPORTED_EXTENSIONS))}"
        )
    size = path.stat().st_size
    if size > max_bytes:
        raise UnreadableFileError(
            f"{path.name}: {_size(size)} is over the {_size(max_bytes)} limit; "
            "split it or raise JOURNEYMAP_MAX_FILE_MB"
        )
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFileError(f"{path.name}: the file is empty")
    if suffix == ".docx":
        text, encoding = _docx_text(path, data), "docx"
    elif suffix == ".pdf":
        text, encoding = _pdf_text(path, data), "pdf"
    else:
        decoded = decode_bytes(data, path.name)
        text, encoding = decoded.text, decoded.encoding
    if not text.strip():
        raise UnreadableFileError(f"{path.name}: no text in the file")
    if suffix in REVIEW_EXTENSIONS:
        return read_reviews(path, text, encoding, text_column, id_column)
    if suffix == ".json":
        return [_json_document(path, text, encoding)]
    if suffix in (".vtt", ".srt"):
        turns = parse_captions(text)
        if not turns:
            raise UnreadableFileError(
                f"{path.name}: no captions found; is it a valid {suffix} file?"
            )
        return [Document(text=text, turns=turns, locator=str(path), encoding=encoding)]
    turns, sections = parse_transcript(text)
    return [
        Document(text=text, turns=turns, locator=str(path), encoding=encoding, sections=sections)
    ]


def _size(n: int) -> str:
    """A byte count for messages; sizes under 1 MB in bytes, so they never read as `0 MB`."""
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n:,} bytes"


def _docx_text(path: Path, data: bytes) -> str:
    import docx  # python-docx; imported here so other formats do not pay for it
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise UnreadableFileError(
            f"{path.name}: not a readable .docx ({type(exc).__name__}); re-save it from Word"
        ) from None
    # Word headings become Markdown headings, so a title is a section, not a speakerless turn.
    lines = [_heading_marks(p.style.name if p.style else "") + p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            cells = [c.text.strip() for c in row.cells]
            lines.append("\t".join(dict.fromkeys(c for c in cells if c)))
    return "\n".join(lines).replace("\r\n", "\n").replace("\r", "\n")


def _heading_marks(style: str) -> str:
    """`# ` for a Word Title or Heading 1, `## ` for Heading 2, ...; empty for body text."""
    if style == "Title":
        return "# "
    level = style.removeprefix("Heading ")
    return "#" * int(level) + " " if level.isdigit() and 1 <= int(level) <= 6 else ""


def _pdf_text(path: Path, data: bytes) -> str:
    import pypdf
    from pypdf.errors import PdfReadError

    try:
        reader = pypdf.PdfReader(path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise UnreadableFileError(
            f"{path.name}: not a readable PDF ({type(exc).__name__}); re-export it"
        ) from None
    text = "\n".join(pages)
    if not text.strip():
        raise UnreadableFileError(
            f"{path.name}: the PDF has no text layer (scanned?); run OCR on it first"
        )
    return text


def _first(item: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((item[k] for k in keys if item.get(k) not in (None, "")), None)


def _seconds(value: Any) -> float | None:
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.strip():
        try:
            return parse_timestamp(value.strip())
        except ValueError:
            return None
    return None


def _json_document(path: Path, text: str, encoding: str) -> Document:
    """A JSON list of turns, or an object holding one; the source text is `Speaker: text` lines."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFileError(
            f"{path.name}: invalid JSON at line {exc.lineno} ({exc.msg}); fix the file"
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
    parts: list[str] = []
    turns: list[RawTurn] = []
    offset = 0
    for item in data:
        body = _first(item, _TEXT_KEYS)
        if not isinstance(body, str) or not body.strip():
            continue
        body = body.strip()
        speaker = _first(item, _SPEAKER_KEYS)
        speaker = " ".join(str(speaker).split()) if speaker is not None else None
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
    hint = _first(meta, ("participant", "participant_id", "respondent")) if meta else None
    metadata: dict[str, str | int | float] = {
        k: v for k, v in meta.items() if k in ("title", "date") and isinstance(v, str)
    }
    return Document(
        text="\n".join(parts),
        turns=turns,
        locator=str(path),
        encoding=encoding,
        metadata=metadata,
        participant_hint=str(hint) if hint else None,
    )
