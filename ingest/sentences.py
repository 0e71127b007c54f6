"""Sentence boundaries as character spans, for English-like and Chinese text."""

import re

from journey.text import han_count

# A sentence ends at . ! ? … (and their full-width forms) followed by space/end, or at 。！？ alone.
# A run of marks is tried from its first mark only (the lookbehinds), so a 5 MB line of dots
# is one attempt, not one per dot.
_END = re.compile(
    r"""(?:(?<![.!?…])[.!?…]+["'”’)\]]*(?=\s|$))|(?:(?<![。！？；])[。！？；]+[”’」』）]*)""",
)
# The longest abbreviation above is 7 characters; looking further back is never needed.
_LOOKBACK = 16
_NEXT_VISIBLE = re.compile(r"\s*(\S)")
_ABBREVIATIONS = {
    "e.g.",
    "i.e.",
    "etc.",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof.",
    "vs.",
    "approx.",
    "no.",
    "st.",
    "jr.",
    "sr.",
    "inc.",
    "ltd.",
    "co.",
    "u.s.",
    "u.k.",
    "a.m.",
    "p.m.",
    "fig.",
    "cf.",
}


def _ends_with_abbreviation(text: str, end: int) -> bool:
    window = text[max(0, end - _LOOKBACK) : end]
    words = window.split()
    if not words or (len(words) == 1 and end > _LOOKBACK and not window[0].isspace()):
        return False  # the last word is longer than any abbreviation
    word = words[-1].lower()
    return word in _ABBREVIATIONS or bool(re.fullmatch(r"(?:[a-z]\.){1,3}", word))


def _is_trailing_off(text: str, match: re.Match[str]) -> bool:
    """An ellipsis followed by a lower-case word pauses a sentence; it does not end it."""
    if not match.group().startswith(("..", "…")):
        return False
    following = _NEXT_VISIBLE.match(text, match.end())
    return following is not None and following.group(1).islower()


MAX_SENTENCE_CHARS = 1000
"""A run of text with no sentence end past this is cut, at a space where there is one: an
unpunctuated transcript or a hostile one-line file is read (and quoted) a piece at a time, and
nothing downstream (VADER, the cue phrases, titles) sees a sentence of megabytes."""


def windows(
    text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS
) -> list[tuple[int, int]]:
    """(start, end) pieces of text[start:end] of at most `limit` characters, each cut at the
    last space in its second half (anywhere, for text without spaces)."""
    out = []
    while end - start > limit:
        space = text.rfind(" ", start + limit // 2, start + limit)
        cut = space if space > start else start + limit
        out.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        out.append((start, end))
    return out


def sentence_spans(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Split text into sentences; return (start, end) spans (plus offset), trimmed of spaces.
    A sentence longer than MAX_SENTENCE_CHARS comes back in pieces (see `windows`)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match.group().startswith(".") and _ends_with_abbreviation(text, end):
            continue
        if _is_trailing_off(text, match):
            continue
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    out: list[tuple[int, int]] = []
    for s, e in spans:
        segment = text[s:e]
        stripped_left = len(segment) - len(segment.lstrip())
        stripped_right = len(segment) - len(segment.rstrip())
        s2, e2 = s + stripped_left, e - stripped_right
        out.extend((a + offset, b + offset) for a, b in windows(text, s2, e2))
    return out


LONG_CHINESE = 50
"""A Chinese sentence longer than this (in characters) is read a clause group at a time: Chinese
writing runs several points on with commas (一逗到底), and a restaurant review's "位于香莲里那边的
别墅区里，还没进去看到外面的摆设就喜爱的不得了，外面露台摆了几张咖啡桌，里面的装修有古典之美。"
is a location, a delight and the decor in one sentence."""
CHINESE_PIECE = 15
"""The least characters of a clause group (shorter clauses join their neighbour)."""
_CLAUSE_END = re.compile(r"[，,；;]")


def clause_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] as one span, or, for a long Chinese sentence, as groups of its clauses
    (cut after a comma, each at least CHINESE_PIECE characters), trimmed of spaces."""
    said = text[start:end]
    if end - start <= LONG_CHINESE or han_count(said) * 2 < len(said):
        return [(start, end)]
    cuts = [start + m.end() for m in _CLAUSE_END.finditer(said)]
    pieces: list[tuple[int, int]] = []
    begin = start
    for cut in cuts:
        if cut - begin >= CHINESE_PIECE and end - cut >= CHINESE_PIECE:
            pieces.append((begin, cut))
            begin = cut
    pieces.append((begin, end))
    out = []
    for a, b in pieces:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out
