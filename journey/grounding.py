"""The grounding check: a quote reaches a user only if it is found, redacted, in its source.

Every extractor (local or LLM) passes its evidence through `ground`. A quote is compared with
the redacted source text at its offsets; when that fails it is searched for in the original
text (placeholders such as `[EMAIL]` or `Participant 1` stand for whatever the redactor hid)
and its offsets are repaired; otherwise it is rejected.

Matching ignores two things and nothing else:
- whitespace: runs collapse to one space, and a run between two CJK characters disappears
  (line wraps inside Chinese or Japanese sentences are not spaces);
- curly versus straight quote marks and apostrophes (U+2019 and `'`, U+201C and `"`):
  extractors, LLMs especially, swap them freely. A kept quote shows the source's own marks.
"""

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from journey.schema import Evidence, every_field
from journey.text import CJK_TEXT

MIN_QUOTE_CHARS = 3
"""A found quote shorter than this (after whitespace normalisation) tells a user nothing."""

_WS = re.compile(r"\s+")
_WS_BETWEEN_CJK = re.compile(rf"(?<=[{CJK_TEXT}])\s+(?=[{CJK_TEXT}])")
# Whitespace the normalised copy of a source changes: runs, non-space characters, and any
# run between CJK characters. A lone space elsewhere stays as it is, which keeps indexing fast.
_WS_TO_CHANGE = re.compile(rf"\s{{2,}}|[^\S ]|(?<=[{CJK_TEXT}]) (?=[{CJK_TEXT}])")
_IS_CJK = re.compile(rf"[{CJK_TEXT}]")
_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
# Redaction placeholders: `[EMAIL]`-style tokens, and the names that stand for real people.
_PLACEHOLDER = re.compile(
    r"\[[A-Z][A-Z_]*\]"
    r"|(?<![A-Za-z])(?:(?:Participant|Speaker|Reviewer|Respondent) \d+|Interviewer(?: \d+)?)"
    r"(?![\dA-Za-z])|(?:受访者|说话人|评价者|答卷人)\d+|访谈者\d*"
)
# Redaction calls allowed per quote while relocating: bounds the work a degenerate quote costs.
_REDACT_BUDGET = 2000


def normalize_ws(text: str) -> str:
    """Collapse whitespace runs to one space (none between CJK characters) and strip the ends.

    Quote marks are left as they are: this is also how kept quotes are shown.
    """
    return _WS.sub(" ", _WS_BETWEEN_CJK.sub("", text)).strip(" ")


def _key(text: str) -> str:
    """The form quotes are compared in: normalised whitespace, straight quote marks."""
    return normalize_ws(text.translate(_FOLD))


@dataclass(frozen=True)
class Grounded:
    """The outcome of grounding a batch of evidence."""

    kept: list[Evidence]
    """Verified evidence: the quote is the redacted source text at its (possibly repaired)
    offsets, with whitespace normalised."""
    rejected: list[Evidence]
    """Evidence whose quote could not be found where it may come from."""
    relocated: int
    """How many of `kept` had their offsets repaired."""


@dataclass(frozen=True)
class _Wildcard:
    """What a placeholder may hide in the original text."""

    shape: re.Pattern[str]
    """The hidden text's shape; it always also accepts the placeholder itself, for sources
    that arrived already redacted."""
    max_len: int
    spaces: bool
    """Whether the hidden text may contain spaces."""


_NAME = _Wildcard(re.compile(r"\S(?:.{0,58}\S)?"), 60, spaces=True)
_UNKNOWN = _Wildcard(re.compile(r"\S(?:.{0,98}\S)?"), 100, spaces=True)
_WILDCARDS = {
    "[EMAIL]": _Wildcard(re.compile(r"\[EMAIL\]|\S+@\S+"), 254, spaces=False),
    "[URL]": _Wildcard(re.compile(r"\[URL\]|\S+://\S+"), 2048, spaces=False),
    "[PHONE]": _Wildcard(re.compile(r"\[PHONE\]|[\d(+][\d ().+-]*\d"), 32, spaces=True),
    "[CARD]": _Wildcard(re.compile(r"\[CARD\]|\d[\d -]*\d"), 32, spaces=True),
    "[ID]": _Wildcard(re.compile(r"\[ID\]|\w(?:[\w -]*\w)?"), 32, spaces=True),
}


@dataclass(frozen=True)
class _Hole:
    """A placeholder in a quote: its token and what it may hide."""

    token: str
    wildcard: _Wildcard


_Segment = str | _Hole


class _Normalised:
    """A source's text in matching form, with a map from its offsets back to the original."""

    def __init__(self, text: str) -> None:
        folded = text.translate(_FOLD)
        parts: list[str] = []
        # Breakpoints: from norm_at[i] on, normalised offsets run 1:1 from orig_at[i].
        self._norm_at = [0]
        self._orig_at = [0]
        cursor = 0
        size = 0
        for m in _WS_TO_CHANGE.finditer(folded):
            start, end = m.span()
            between_cjk = (
                start > 0
                and end < len(folded)
                and _IS_CJK.match(folded, start - 1) is not None
                and _IS_CJK.match(folded, end) is not None
            )
            replacement = "" if between_cjk else " "
            parts.append(folded[cursor:start])
            parts.append(replacement)
            size += start - cursor + len(replacement)
            cursor = end
            self._norm_at.append(size)
            self._orig_at.append(cursor)
        parts.append(folded[cursor:])
        self.text = "".join(parts)

    def to_orig(self, pos: int) -> int:
        """Original offset of the character at normalised offset pos."""
        i = bisect_right(self._norm_at, pos) - 1
        return self._orig_at[i] + pos - self._norm_at[i]


class _Spans:
    """Allowed (start, end) spans of one source, overlapping ones merged."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if self._ends and start < self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def contain(self, start: int, end: int) -> bool:
        """Whether [start, end) lies inside one span."""
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and end <= self._ends[i]


class _Source:
    """One source text, its allowed spans, and its normalised copy built on first need."""

    def __init__(self, text: str, spans: _Spans | None) -> None:
        self.text = text
        self.spans = spans
        self._normalised: _Normalised | None = None

    @property
    def normalised(self) -> _Normalised:
        if self._normalised is None:
            self._normalised = _Normalised(self.text)
        return self._normalised

    def allows(self, start: int, end: int) -> bool:
        return self.spans is None or self.spans.contain(start, end)


def ground(
    evidence: Sequence[Evidence],
    texts: Mapping[str, str],
    redact: Callable[[str], str],
    allowed: Mapping[str, Sequence[tuple[int, int]]] | None = None,
) -> Grounded:
    """Keep the evidence whose quote is found, redacted, in its source; repair wrong offsets.

    texts maps source id to the original decoded text; redact turns original text into what
    users may see. With allowed (source id to participant-turn spans) a quote must lie inside
    one span of its source; a source missing from allowed allows nothing.
    """
    kept: list[Evidence] = []
    rejected: list[Evidence] = []
    relocated = 0
    sources: dict[str, _Source] = {}
    for ev in evidence:
        source = sources.get(ev.source_id)
        if source is None:
            text = texts.get(ev.source_id)
            if text is None:
                rejected.append(ev.model_copy(update={"verified": False}))
                continue
            spans = None if allowed is None else _Spans(allowed.get(ev.source_id, ()))
            source = sources[ev.source_id] = _Source(text, spans)
        found = _ground_one(ev, source, redact)
        if found is None:
            rejected.append(ev.model_copy(update={"verified": False}))
            continue
        start, end, quote = found
        if (start, end) != (ev.char_start, ev.char_end):
            relocated += 1
        values = dict(ev.__dict__, quote=quote, char_start=start, char_end=end, verified=True)
        kept.append(Evidence.model_construct(every_field(Evidence), **values))
    return Grounded(kept=kept, rejected=rejected, relocated=relocated)


def _ground_one(
    ev: Evidence, source: _Source, redact: Callable[[str], str]
) -> tuple[int, int, str] | None:
    """(start, end, shown quote) where the quote is, or None."""
    # Redacting the quote too lets an extractor hand over original text: what is kept is
    # always the redacted source, so no PII reaches a user either way.
    text = source.text
    start, end = ev.char_start, ev.char_end
    shown = None
    if 0 <= start < end <= len(text) and source.allows(start, end):
        shown = normalize_ws(redact(text[start:end]))
        # A quote that is already the redacted source at its offsets (what the local reader
        # hands over) needs no second redaction: what is kept is `shown` either way.
        if shown.translate(_FOLD) == _key(ev.quote) and _meaningful(shown):
            return (start, end, shown) if len(shown) >= MIN_QUOTE_CHARS else None
    wanted = _key(redact(ev.quote))
    if not _meaningful(wanted):
        return None
    if shown is not None and shown.translate(_FOLD) == wanted:
        return (start, end, shown) if len(shown) >= MIN_QUOTE_CHARS else None
    for variant in _variants(wanted):
        found = _relocate(variant, ev.char_start, source, redact)
        if found is not None:
            return found
    return None


def _meaningful(quote: str) -> bool:
    """Some letter or digit besides placeholders: a quote of only "[NAME]." says nothing."""
    return any(ch.isalnum() for ch in _PLACEHOLDER.sub("", quote))


def _variants(wanted: str) -> Iterator[str]:
    """The quote, then the quote without the punctuation and spaces around it."""
    yield wanted
    placeholders = [m.span() for m in _PLACEHOLDER.finditer(wanted)]
    left_limit = placeholders[0][0] if placeholders else len(wanted)
    right_limit = placeholders[-1][1] if placeholders else 0
    i = 0
    while i < left_limit and _is_loose(wanted[i]):
        i += 1
    j = len(wanted)
    while j > max(i, right_limit) and _is_loose(wanted[j - 1]):
        j -= 1
    if (i, j) != (0, len(wanted)) and i < j:
        yield wanted[i:j]


def _is_loose(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def _segments(wanted: str) -> list[_Segment]:
    """The quote as literal text and holes for its placeholders."""
    segments: list[_Segment] = []
    cursor = 0
    for m in _PLACEHOLDER.finditer(wanted):
        if m.start() > cursor:
            segments.append(wanted[cursor : m.start()])
        token = m.group()
        wildcard = _WILDCARDS.get(token, _UNKNOWN if token.startswith("[") else _NAME)
        segments.append(_Hole(token, wildcard))
        cursor = m.end()
    if cursor < len(wanted):
        segments.append(wanted[cursor:])
    return segments


class _OutOfBudget(Exception):
    """Relocating one quote needed more redactions than it may spend."""


def _relocate(
    wanted: str, claimed_start: int, source: _Source, redact: Callable[[str], str]
) -> tuple[int, int, str] | None:
    """The occurrence of wanted nearest claimed_start that redacts back to it, or None."""
    try:
        return _Search(wanted, source, redact).nearest(claimed_start)
    except _OutOfBudget:
        return None


class _Search:
    """Finds where one quote, its placeholders standing for hidden text, is in one source.

    Works on the source's normalised text; every candidate is confirmed by redacting the
    original text under it, so the wildcards only need to be loose, never exact.
    """

    def __init__(self, wanted: str, source: _Source, redact: Callable[[str], str]) -> None:
        self.wanted = wanted
        self.segments = _segments(wanted)
        self.source = source
        self.norm = source.normalised
        self.t = self.norm.text
        self.redact = redact
        self.budget = _REDACT_BUDGET

    def nearest(self, claimed_start: int) -> tuple[int, int, str] | None:
        """(start, end, shown quote) of the occurrence nearest claimed_start, or None."""
        literals = [(i, s) for i, s in enumerate(self.segments) if isinstance(s, str)]
        if not literals:
            return None
        # Search for the longest literal part: it has the fewest occurrences to try.
        anchor, literal = max(literals, key=lambda item: (len(item[1]), -item[0]))
        offset = sum(len(s) if isinstance(s, str) else len(s.token) for s in self.segments[:anchor])
        hits: list[int] = []
        pos = self.t.find(literal)
        while pos != -1:
            hits.append(pos)
            pos = self.t.find(literal, pos + 1)
        expected = claimed_start + offset
        hits.sort(key=lambda p: (abs(self.norm.to_orig(p) - expected), p))

        for hit in hits:
            # Longest first: a placeholder stands for all of the text the redactor hid.
            starts = list(self._backward(anchor, hit))
            for end in self._forward(anchor + 1, hit + len(literal)):
                for begin in starts:
                    orig_start, orig_end = self._orig_span(begin, end)
                    if not self.source.allows(orig_start, orig_end):
                        continue
                    shown = self._shown(orig_start, orig_end)
                    if shown.translate(_FOLD) == self.wanted:
                        if len(shown) < MIN_QUOTE_CHARS:
                            return None
                        return orig_start, orig_end, shown
        return None

    def _orig_span(self, begin: int, end: int) -> tuple[int, int]:
        return self.norm.to_orig(begin), self.norm.to_orig(end - 1) + 1

    def _shown(self, orig_start: int, orig_end: int) -> str:
        if self.budget == 0:
            raise _OutOfBudget
        self.budget -= 1
        return normalize_ws(self.redact(self.source.text[orig_start:orig_end]))

    def _hides(self, hole: _Hole, begin: int, end: int) -> bool:
        """Whether t[begin:end] may be what the redactor replaced by the hole's token."""
        if not hole.wildcard.shape.fullmatch(self.t, begin, end):
            return False
        return self._shown(*self._orig_span(begin, end)).translate(_FOLD) == hole.token

    def _forward(self, i: int, pos: int) -> Iterator[int]:
        """End offsets where segments[i:] match from pos, longest first."""
        if i == len(self.segments):
            yield pos
            return
        t = self.t
        segment = self.segments[i]
        if isinstance(segment, str):
            if t.startswith(segment, pos):
                yield from self._forward(i + 1, pos + len(segment))
            return
        following = self.segments[i + 1] if i + 1 < len(self.segments) else None
        limit = min(segment.wildcard.max_len, len(t) - pos)
        if not segment.wildcard.spaces:
            space = t.find(" ", pos, pos + limit)
            if space != -1:
                limit = space - pos
        for n in range(limit, 0, -1):
            if isinstance(following, str) and not t.startswith(following, pos + n):
                continue
            if self._hides(segment, pos, pos + n):
                yield from self._forward(i + 1, pos + n)

    def _backward(self, i: int, pos: int) -> Iterator[int]:
        """Start offsets where segments[:i] match up to pos, longest first."""
        if i == 0:
            yield pos
            return
        t = self.t
        segment = self.segments[i - 1]
        if isinstance(segment, str):
            if t.endswith(segment, 0, pos):
                yield from self._backward(i - 1, pos - len(segment))
            return
        preceding = self.segments[i - 2] if i >= 2 else None
        limit = min(segment.wildcard.max_len, pos)
        if not segment.wildcard.spaces:
            space = t.rfind(" ", pos - limit, pos)
            if space != -1:
                limit = pos - space - 1
        for n in range(limit, 0, -1):
            if isinstance(preceding, str) and not t.endswith(preceding, 0, pos - n):
                continue
            if self._hides(segment, pos - n, pos):
                yield from self._backward(i - 1, pos - n)
