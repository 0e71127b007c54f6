"""Bytes -> text: UTF-8 first, then Western European cp1252 / Latin-1 when the text reads as
such, else a detected legacy encoding (GBK, Big5, UTF-16, Shift JIS, cp1251 ...)."""

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ingest.errors import UnreadableFileError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Encodings real transcripts arrive in; a detection outside these is more likely binary junk.
_ACCEPTED = {
    "gb18030",
    "gbk",
    "gb2312",
    "big5",
    "big5hkscs",
    "cp950",
    "cp936",
    "utf_16",
    "utf_16_le",
    "utf_16_be",
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "shift_jis",
    "cp932",
    "euc_jp",
    "euc_kr",
    "cp949",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "mac_roman",
}

# Non-ASCII marks that sit inside Western words: apostrophes and the Catalan middle dot.
_WORD_INNER = frozenset("\u2019\u2018\u00b7")
_IMPLAUSIBLE_SHARE = 0.1
_SAMPLE_BYTES = 200_000


def _reads_as_western(data: bytes) -> bool:
    """Whether the bytes read as Western European text in cp1252 (a superset of Latin-1's
    printable characters).

    Detection cannot tell the single-byte code pages apart on short texts (a French review
    table comes back as iso8859_10, a German interview as cp775), so the text itself is
    judged: in French, German, Spanish or English, non-ASCII characters are accented letters
    standing among ASCII ones and typographic punctuation. Text in another script read
    through cp1252 (Cyrillic, Greek, GBK) gives runs of non-ASCII letters, and a Central
    European text gives symbols inside words ("mo¿e" for "może"); binary data gives both.
    """
    try:
        text = data[:_SAMPLE_BYTES].decode("cp1252")
    except UnicodeDecodeError:  # 0x81, 0x8D, 0x8F, 0x90, 0x9D: C1 controls, not text
        return False
    foreign = implausible = 0
    for run in re.finditer(r"[^\x00-\x7f]+", text):
        chars = run.group()
        foreign += len(chars)
        letters = sum(ch.isalpha() for ch in chars)
        if letters >= 3:
            implausible += letters
        before = text[run.start() - 1] if run.start() else " "
        after = text[run.end()] if run.end() < len(text) else " "
        if (
            len(chars) == 1
            and not chars.isalpha()
            and chars not in _WORD_INNER
            and before.isalpha()
            and after.isalpha()
        ):
            implausible += 1
    return implausible <= _IMPLAUSIBLE_SHARE * foreign


@dataclass(frozen=True)
class Decoded:
    """Decoded text (newlines normalised to \\n) and how it was decoded."""

    text: str
    encoding: str
    warning: str | None = None


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return "\x00" in text or controls / len(text) > 0.01


def _utf16_without_bom(data: bytes) -> str | None:
    """Return the encoding if the bytes look like BOM-less UTF-16 text (every other byte 0)."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zero = sample[0::2].count(0) / len(sample[0::2])
    odd_zero = sample[1::2].count(0) / len(sample[1::2])
    if odd_zero > 0.3 and even_zero < 0.05:
        return "utf-16-le"
    if even_zero > 0.3 and odd_zero < 0.05:
        return "utf-16-be"
    return None


def _detected(data: bytes) -> str | None:
    """The legacy encoding of bytes that are not UTF-8, or None when they are not text."""
    if _reads_as_western(data):
        return "cp1252"
    best = from_bytes(data[:_SAMPLE_BYTES]).best()
    if best is not None and best.encoding in _ACCEPTED:
        return str(best.encoding)
    return None


_KNOWN_BINARY = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF (give it a .pdf name to ingest it)"),
    (b"PK\x03\x04", "a zip archive (a .docx or .xlsx? give it its own extension)"),
    (b"\x1f\x8b", "a gzip archive"),
)
"""What a file sent under a text name is, by its first bytes: a PNG renamed .csv had been told
to save itself as UTF-8 text."""


def decode_bytes(data: bytes, name: str = "file") -> Decoded:
    """Decode a text file's bytes; raise UnreadableFileError for binary or undecodable data."""
    for magic, what in _KNOWN_BINARY:
        if data.startswith(magic):
            raise UnreadableFileError(f"{name}: this is {what}, not text; nothing ingested")
    encoding: str | None = None
    for bom, enc in _BOMS:
        if data.startswith(bom):
            encoding = enc
            break
    encoding = encoding or _utf16_without_bom(data)
    warning = None
    if encoding is None:
        try:
            text = data.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = _detected(data)
            if encoding is None:
                raise UnreadableFileError(
                    f"{name}: not text in a known encoding (binary file?); "
                    "save it as UTF-8 text and ingest it again"
                ) from None
            warning = f"{name}: not UTF-8; decoded as {encoding}"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        raise UnreadableFileError(
            f"{name}: cannot be decoded as {encoding}; save it as UTF-8 and ingest it again"
        ) from None
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if _looks_binary(text):
        raise UnreadableFileError(f"{name}: looks like a binary file, not text; nothing ingested")
    return Decoded(text=text, encoding=encoding, warning=warning)
