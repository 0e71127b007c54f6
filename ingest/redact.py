"""PII redaction: emails, phones, card and ID numbers, secret-bearing URLs, and speakers' names.

Every pattern runs in linear time on any input (a pasted 300 KB base64 blob, a 5 MB line of
dots): quantifiers are bounded, and a pattern may only start where a token starts (a
lookbehind), so a failed attempt never rescans a long run. Edges are ASCII edges, not `\\b`,
because Chinese and Japanese write numbers and addresses directly against words.
"""

import bisect
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

# RFC 5321 bounds: a local part of at most 64 characters, labels of at most 63.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9_.%+-])[A-Za-z0-9_.%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,8}"
)
# A URL with a query string or a long opaque path segment may carry a token; plain ones stay.
# Punctuation that ends the sentence is not part of the URL, nor is CJK text written against it.
_URL_CJK = r"\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_URL = re.compile(
    rf"(?<![A-Za-z0-9])https?://[^\s<>\"')\]{_URL_CJK}]{{0,2047}}[^\s<>\"')\].,;:!?{_URL_CJK}]",
    re.I,
)
_SECRET_KEY = re.compile(
    r"token|key|sig|signature|auth|session|code|secret|password|pwd|access", re.I
)
_QUERY_NAME = re.compile(r"[?&#]([^=&\s?#]{0,256})=")
_OPAQUE_SEGMENT = re.compile(r"/[A-Za-z0-9_\-]{24}")
_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
# National-ID-like: US SSN, Chinese resident ID (18 chars), UK National Insurance number.
_NATIONAL_ID = re.compile(
    rf"{_NOT_ALNUM_BEFORE}(?:\d{{3}}-\d{{2}}-\d{{4}}|\d{{17}}[\dXx]"
    rf"|[A-CEGHJ-PR-TW-Z]{{2}}\s?\d{{2}}\s?\d{{2}}\s?\d{{2}}\s?[A-D]){_NOT_ALNUM_AFTER}"
)
# Not after "+": an international phone number can pass the Luhn check by chance.
_CARD = re.compile(rf"(?<![+0-9A-Za-z])(?:\d[ -]?){{12,18}}\d{_NOT_ALNUM_AFTER}")
# After a country code the area code may be one digit (+33 6 ...); subscriber blocks run to
# 8 digits (+49 30 12345678). A phone may end a sentence, but not be part of a decimal number
# or a time (2021-11-18 14:30).
_PHONE = re.compile(
    r"(?<![0-9A-Za-z_.+])(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?\d{1,4}"
    r"|(?:\(\d{1,4}\)[\s.-]?)?\d{2,4})"
    r"(?:[\s.-]\d{2,8}){1,4}(?![0-9A-Za-z_:]|\.\d)"
    r"|(?<!\d)1[3-9]\d{9}(?!\d)"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
PLACEHOLDERS = {
    "email": "[EMAIL]",
    "url": "[URL]",
    "id": "[ID]",
    "card": "[CARD]",
    "phone": "[PHONE]",
}


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _is_phone(match: str) -> bool:
    digits = re.sub(r"\D", "", match)
    if not 9 <= len(digits) <= 15:
        return False
    # Dates (2021-11-18), times and decimal numbers are not phone numbers.
    return not re.fullmatch(r"(?:19|20)\d{2}[-./]\d{1,2}[-./]\d{1,2}", match.strip())


def _is_secret_url(url: str) -> bool:
    """A URL whose query names a token-like parameter, or with a long opaque path segment."""
    return _OPAQUE_SEGMENT.search(url) is not None or any(
        _SECRET_KEY.search(m.group(1)) for m in _QUERY_NAME.finditer(url)
    )


class _Spans:
    """Non-overlapping spans, kept sorted, with an O(log n) test for a free place."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.items: list[tuple[int, int, str]] = []

    def add_if_free(self, start: int, end: int, kind: str) -> None:
        i = bisect.bisect_right(self.starts, start)
        if i and self.items[i - 1][1] > start:
            return
        if i < len(self.items) and self.items[i][0] < end:
            return
        self.starts.insert(i, start)
        self.items.insert(i, (start, end, kind))


def find_pii(text: str) -> list[tuple[int, int, str]]:
    """Spans of PII in text as (start, end, kind), non-overlapping, in order."""
    spans = _Spans()
    for m in _EMAIL.finditer(text):
        spans.add_if_free(m.start(), m.end(), "email")
    for m in _URL.finditer(text):
        if _is_secret_url(m.group()):
            spans.add_if_free(m.start(), m.end(), "url")
    for m in _NATIONAL_ID.finditer(text):
        spans.add_if_free(m.start(), m.end(), "id")
    for m in _CARD.finditer(text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn(digits):
            spans.add_if_free(m.start(), m.end(), "card")
    for m in _PHONE.finditer(text):
        if _is_phone(m.group()):
            spans.add_if_free(m.start(), m.end(), "phone")
    return spans.items


@dataclass(frozen=True)
class Redactor:
    """Replaces PII and known personal names in text with placeholders."""

    names: Mapping[str, str]
    """Real name (as used in speaker labels) -> placeholder, e.g. 'Maria' -> 'Participant 1'."""

    @cached_property
    def _lookup(self) -> dict[str, str]:
        """Each name, and each first or last name long enough to be one, -> its placeholder."""
        lookup = dict(self.names)
        for name, placeholder in self.names.items():
            for part in name.split():
                if len(part) >= 3 and part[0].isupper() and part.lower() != part.upper():
                    lookup.setdefault(part, placeholder)
        return lookup

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self._lookup:
            return None
        alternatives = sorted(self._lookup, key=len, reverse=True)
        # Chinese and Japanese write names against neighbouring words, so there is no word edge.
        return re.compile(
            "|".join(
                re.escape(name) if _CJK.search(name) else rf"(?<!\w){re.escape(name)}(?!\w)"
                for name in alternatives
            )
        )

    def redact(self, text: str) -> tuple[str, Counter[str]]:
        """Return text with PII replaced and the count of each kind replaced."""
        counts: Counter[str] = Counter()
        parts: list[str] = []
        cursor = 0
        for start, end, kind in find_pii(text):
            parts.append(text[cursor:start])
            parts.append(PLACEHOLDERS[kind])
            counts[kind] += 1
            cursor = end
        parts.append(text[cursor:])
        out = "".join(parts)
        if self._pattern is not None:

            def swap(m: re.Match[str]) -> str:
                counts["name"] += 1
                return self._lookup[m.group()]

            out = self._pattern.sub(swap, out)
        return out, counts
