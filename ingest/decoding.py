"""Bytes -> text: UTF-8 first, then a detected legacy encoding (GBK, Big5, UTF-16, cp1252)."""

import codecs
import logging
from dataclasses import dataclass

from charset_normalizer import from_bytes

from ingest.errors import UnreadableFileError

logger = logging.getLogger(__name__)

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

_SINGLE_BYTE_WESTERN = {
    "cp1252",
    "cp1250",
    "latin_1",
    "iso8859_15",
    "iso8859_2",
    "mac_roman",
    "cp1254",
    "cp1257",
}


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


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


def decode_bytes(data: bytes, name: str = "file") -> Decoded:
    """Decode a text file's bytes; raise UnreadableFileError for binary or undecodable data."""
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
            best = from_bytes(data[:200_000]).best()
            if best is None or best.encoding not in _ACCEPTED:
                raise UnreadableFileError(
                    f"{name}: not text in a known encoding (binary file?); "
                    "save it as UTF-8 text and ingest it again"
                ) from None
            encoding = best.encoding
            if encoding in _SINGLE_BYTE_WESTERN and _decodes(data, "cp1252"):
                # Detection cannot tell cp1250 from cp1252 on short texts; Windows exports
                # of English and Western European transcripts are cp1252 far more often.
                encoding = "cp1252"
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
    if warning:
        logger.warning(warning)
    return Decoded(text=text, encoding=encoding, warning=warning)
