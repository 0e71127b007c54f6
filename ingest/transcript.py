"""Plain-text transcripts in the shapes real tools and researchers produce -> raw turns.

Handles `Name: text`, `NAME: text`, `[00:01:23] Name: text`, Otter/Rev speaker-and-time header
lines, numbered-line exports, Markdown headings, think-aloud task scripts (numbered tasks at
column 0, indented utterances, `MODERATOR:` lines, `(observer notes)`) and plain prose.
"""

import re
from collections import Counter
from dataclasses import dataclass, replace

from ingest.document import RawTurn, parse_timestamp
from ingest.speakers import LABEL, accepted_labels, split_prefix
from journey.source import Section

_TS = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_HEADER = re.compile(rf"^(?P<label>{LABEL})\s*(?:[:：]\s*)?[\(\[]?(?P<ts>{_TS})[\)\]]?\s*[:：]?$")
_TS_PREFIX = re.compile(rf"^[\[\(]?(?P<ts>{_TS})[\]\)]?\s*[-–]?\s*")
_LABEL_TS = re.compile(rf"^(?P<label>{LABEL})\s*[\[\(](?P<ts>{_TS})[\]\)]\s*[:：]\s*")
_LINENO = re.compile(r"^\d{1,5}$")
# Greedy title, trailing `  ##` trimmed in code: a lazy `.+?\s*#*$` rescans every run of
# spaces once per position, quadratic on a long line.
_MD_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+)$")
_TASK = re.compile(r"^(?P<num>\d{1,2})(?P<sub>\.[a-z0-9]{1,2})?[.)]?\s+(?P<title>\S.*)$")
# Lettered or roman sub-items of a task script: "c.iii Full metadata", "a.i Which event ...".
_SUBTASK = re.compile(r"^(?:[a-z]{1,2}\.[ivx]{1,4}|[ivx]{1,4}\.|[a-h]\.)\s+(?P<title>\S.*)$")
_NOTE = re.compile(r"^[\(\[].*[\)\]]$")


_FENCES = {"---": ("---", "..."), "+++": ("+++",)}
"""A Markdown file's front matter opens with one of these lines (YAML, TOML) and closes with
one of its closing lines."""
_FRONT_LINE = re.compile(
    r"^(?:\s*#.*|(?P<key>[\w\"'][\w \"'.-]{0,63}?)\s*[:=](?:\s.*)?|\s+\S.*|-\s.*|\s*)$"
)
"""A line a front matter block is made of: `key: value` (YAML) or `key = value` (TOML), a list
item, an indented continuation, a comment or a blank."""
_FRONT_MAX_LINES = 200


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """A Markdown file's leading metadata block: `text[:end]`, from its opening fence to its
    closing one."""

    end: int
    lines: int
    keys: list[str]
    """Its top-level field names, in order."""


def front_matter(text: str) -> FrontMatter | None:
    """The front matter a Markdown file begins with (a `---` ... `---` YAML block, as Jekyll,
    Hugo, Obsidian and Pandoc write, or `+++` TOML), if it has one. It is about the interview,
    not said in it: read as turns, a trial's `participant:`, `email:` and `location:` lines
    became speakers, and one a quote cited in chat and the map. A block whose lines are not
    fields (a transcript opening with a horizontal rule, say) is not front matter."""
    lines = text.split("\n", _FRONT_MAX_LINES + 2)
    opening = lines[0].lstrip("\ufeff").rstrip()
    closers = _FENCES.get(opening)
    if closers is None:
        return None
    keys: list[str] = []
    end = len(lines[0]) + 1
    for n, line in enumerate(lines[1 : _FRONT_MAX_LINES + 1], start=2):
        if line.rstrip() in closers:
            return FrontMatter(end + len(line), n, keys)
        m = _FRONT_LINE.match(line)
        if m is None:
            return None
        if m["key"] and not line[:1].isspace():
            keys.append(m["key"].strip("\"' "))
        end += len(line) + 1
    return None


@dataclass(slots=True)
class _Line:
    kind: str  # blank, lineno, heading, header, speaker, note, task, content
    start: int  # offset of the content (after indentation)
    end: int  # offset after the content (before trailing spaces)
    indent: str
    label: str | None = None
    text_start: int | None = None  # where a speaker line's text begins
    ts: float | None = None
    level: int = 1
    title: str | None = None


def _classify(line: str, offset: int) -> _Line:
    stripped = line.strip()
    lead = len(line) - len(line.lstrip())
    start, end = offset + lead, offset + lead + len(stripped)
    info = _Line("content", start, end, line[:lead])
    if not stripped:
        info.kind = "blank"
    elif _LINENO.match(stripped):
        info.kind = "lineno"
    elif m := _MD_HEADING.match(stripped):
        title = m["title"].rstrip("#").rstrip().strip("*# ")
        info.kind, info.level, info.title = "heading", len(m["hashes"]), title
    elif m := _HEADER.match(stripped):
        info.kind, info.label, info.ts = (
            "header",
            " ".join(m["label"].split()),
            parse_timestamp(m["ts"]),
        )
    elif _NOTE.match(stripped):
        info.kind = "note"
    else:
        ts = None
        rest = stripped
        if m := _TS_PREFIX.match(rest):
            ts, rest = parse_timestamp(m["ts"]), rest[m.end() :]
        elif m := _LABEL_TS.match(rest):
            info.kind, info.label, info.ts = (
                "speaker",
                " ".join(m["label"].split()),
                parse_timestamp(m["ts"]),
            )
            info.text_start = start + m.end()
            return info
        prefix = split_prefix(rest)
        if prefix:
            info.kind, info.label, info.ts = "speaker", prefix[0], ts
            info.text_start = start + (len(stripped) - len(rest)) + prefix[1]
        elif m := _TASK.match(stripped):
            info.kind, info.title = "task", m["title"].strip()
            info.level = 2 if m["sub"] else 1
        elif (m := _SUBTASK.match(stripped)) and info.indent:
            info.kind, info.title, info.level = "task", m["title"].strip(), 2
    return info


def _lines(text: str) -> list[_Line]:
    out, offset = [], 0
    for line in text.split("\n"):
        out.append(_classify(line, offset))
        out[-1].end = min(out[-1].end, offset + len(line.rstrip()))
        offset += len(line) + 1
    return out


def _is_think_aloud(lines: list[_Line]) -> bool:
    """Task scripts: numbered tasks at column 0 and utterances indented under them."""
    tasks = [ln for ln in lines if ln.kind == "task" and ln.level == 1 and not ln.indent]
    content = [ln for ln in lines if ln.kind in ("content", "note")]
    indented = [ln for ln in content if ln.indent]
    return len(tasks) >= 2 and bool(content) and len(indented) >= 0.6 * len(content)


def parse_transcript(text: str) -> tuple[list[RawTurn], list[Section]]:
    """Split transcript text into raw turns (offsets into `text`) and section headings."""
    lines = _lines(text)
    first = next((ln for ln in lines if ln.kind not in ("blank", "lineno")), None)
    labels = accepted_labels(
        Counter(ln.label for ln in lines if ln.label and ln.kind == "speaker"),
        first.label if first is not None and first.kind == "speaker" else None,
    )
    headers = {ln.label for ln in lines if ln.kind == "header"}
    for ln in lines:
        if ln.kind == "speaker" and ln.label not in labels:
            ln.kind, ln.label = "content", None
    think_aloud = _is_think_aloud(lines)
    prose = not labels and not headers and not think_aloud
    depth_count = Counter(ln.level for ln in lines if ln.kind == "heading")
    heading_depths = sorted(depth_count)
    # A lone heading above the others is the document's title ("# Interview P03", then
    # "## Awareness", "## First delivery"...): the sections are the level below it.
    title_depth = (
        heading_depths.pop(0)
        if len(heading_depths) > 1 and depth_count[heading_depths[0]] == 1
        else None
    )

    turns: list[RawTurn] = []
    sections: list[Section] = []
    current: RawTurn | None = None
    pending: tuple[str, float | None] | None = None
    section_title: str | None = None

    def close() -> None:
        nonlocal current
        if current is not None and current.char_end > current.char_start:
            turns.append(current)
        current = None

    def open_turn(speaker: str | None, start: int, end: int, ts: float | None) -> None:
        nonlocal current
        close()
        current = RawTurn(speaker, start, end, start=ts, section=section_title)

    for ln in lines:
        kind = ln.kind
        if kind == "task" and not think_aloud:
            kind = "content"
        if kind == "blank":
            if prose:
                close()
        elif kind == "lineno":
            close()
        elif think_aloud and not sections and kind not in ("heading", "task"):
            # a think-aloud script's preamble ("Usability session, participant P07 (new
            # user...)") is the researcher's note, not the participant's words
            close()
        elif kind in ("heading", "task"):
            close()
            pending = None
            level = 1 if kind == "task" and ln.level == 1 else 2
            if kind == "heading":
                level = (
                    0
                    if ln.level == title_depth
                    else 1
                    if heading_depths.index(ln.level) == 0
                    else 2
                )
            title = ln.title or ""
            sections.append(Section(title=title, level=level, char_start=ln.start, char_end=ln.end))
            if level == 1:
                section_title = title
        elif kind == "header":
            close()
            pending = (ln.label or "", ln.ts)
        elif kind == "speaker":
            assert ln.text_start is not None
            pending = None
            if ln.text_start < ln.end:
                open_turn(ln.label, ln.text_start, ln.end, ln.ts)
            else:
                close()
                pending = (ln.label or "", ln.ts)
        elif kind == "note":
            if think_aloud:
                close()
        elif pending is not None:
            open_turn(pending[0], ln.start, ln.end, pending[1])
            pending = None
        elif current is not None and not think_aloud:
            current = replace(current, char_end=ln.end)
        else:
            open_turn(None, ln.start, ln.end, None)
    close()
    return turns, sections
