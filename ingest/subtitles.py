"""WebVTT (Zoom, Teams) and SRT captions -> raw turns, one per cue (or per tag-free piece)."""

import re
from collections import Counter
from dataclasses import dataclass

from ingest.document import RawTurn, parse_timestamp
from ingest.speakers import accepted_labels, split_prefix

_TIMING = re.compile(
    r"^(?P<start>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})\s*-->\s*(?P<end>(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3})"
)
# Bounded, and a tag cannot hold `<`: each search stops at the next `<`, so a long cue of
# unclosed `<` is scanned once, not once per `<`.
_VOICE = re.compile(r"^<v(?:\.[\w.-]{1,100})?\s+(?P<label>[^<>\s][^<>]{0,200})>")
_TAG = re.compile(r"</?[^<>]{0,1000}>")


@dataclass
class _Cue:
    start: float | None  # None when the timing line cannot be read
    end: float | None
    text_start: int  # offset of the payload in the document
    text_end: int
    voice: str | None


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks as (offset of first line, lines)."""
    blocks: list[tuple[int, list[str]]] = []
    offset, current_start = 0, 0
    current: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            if not current:
                current_start = offset
            current.append(line)
        elif current:
            blocks.append((current_start, current))
            current = []
        offset += len(line) + 1
    if current:
        blocks.append((current_start, current))
    return blocks


def _cues(text: str) -> list[_Cue]:
    cues = []
    for offset, lines in _blocks(text):
        head = lines[0].strip()
        if head.startswith(("WEBVTT", "NOTE", "STYLE", "REGION")) and "-->" not in head:
            continue
        timing_at = next((i for i, ln in enumerate(lines) if _TIMING.match(ln.strip())), None)
        if timing_at is None:
            # A cue whose timing line is garbled (`00:00:xx,000 --> ...`) still holds words.
            timing_at = next((i for i, ln in enumerate(lines[:2]) if "-->" in ln), None)
        if timing_at is None or timing_at == len(lines) - 1:
            continue
        match = _TIMING.match(lines[timing_at].strip())
        start_s, end_s = _times(match)
        start = offset + sum(len(ln) + 1 for ln in lines[: timing_at + 1])
        payload = "\n".join(lines[timing_at + 1 :])
        lead = len(payload) - len(payload.lstrip())
        text_start, text_end = start + lead, start + len(payload.rstrip())
        voice = None
        if m := _VOICE.match(text[text_start:text_end]):
            voice = " ".join(m["label"].split())
            text_start += m.end()
        cues.append(_Cue(start_s, end_s, text_start, text_end, voice))
    return cues


def _times(match: re.Match[str] | None) -> tuple[float | None, float | None]:
    """A cue's start and end in seconds, or (None, None) if either is unreadable."""
    if match is None:
        return None, None
    try:
        return parse_timestamp(match["start"]), parse_timestamp(match["end"])
    except ValueError:
        return None, None


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Spans of `text[start:end]` between markup tags, trimmed, non-empty."""
    spans, cursor = [], start
    for tag in _TAG.finditer(text, start, end):
        spans.append((cursor, tag.start()))
        cursor = tag.end()
    spans.append((cursor, end))
    out = []
    for s, e in spans:
        chunk = text[s:e]
        s2 = s + len(chunk) - len(chunk.lstrip(" \t\n-"))
        e2 = e - (len(chunk) - len(chunk.rstrip()))
        if e2 > s2:
            out.append((s2, e2))
    return out


def parse_captions(text: str) -> tuple[list[RawTurn], int]:
    """Read VTT or SRT text: speakers from voice tags or `Name:` prefixes, carried to later cues.

    Returns the turns and how many cues were kept without a time (unreadable timing line).
    """
    cues = _cues(text)
    prefixes = {i: split_prefix(text[c.text_start : c.text_end]) for i, c in enumerate(cues)}
    labels = accepted_labels(Counter(p[0] for p in prefixes.values() if p))
    turns: list[RawTurn] = []
    speaker: str | None = None
    for i, cue in enumerate(cues):
        start = cue.text_start
        prefix = prefixes[i]
        if cue.voice:
            speaker = cue.voice
        elif prefix and prefix[0] in labels:
            speaker, start = prefix[0], start + prefix[1]
        for s, e in _pieces(text, start, cue.text_end):
            turns.append(RawTurn(speaker, s, e, start=cue.start, end=cue.end))
    return turns, sum(1 for cue in cues if cue.start is None)
