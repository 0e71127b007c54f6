"""Ingest files into a project: read, assign roles, redact, chunk, embed, store.

Writes go in batches: catalog rows as `pending`, then chunks into the store, then the rows
marked `stored` (replacing older versions of the same file). A rerun after an interruption
first removes what the interrupted run left half-done.
"""

import hashlib
import logging
import os
import re
import shlex
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from ingest.catalog import Catalog
from ingest.chunking import Chunk, chunk_source
from ingest.document import Document
from ingest.embeddings import Embedder
from ingest.errors import UnreadableFileError
from ingest.language import detect_language
from ingest.readers import SUPPORTED_EXTENSIONS, read_file, unsupported
from ingest.redact import Redactor, names_in, pinyin_name_piece, zh_name_piece
from ingest.speakers import (
    REPLY_LABEL,
    assign_roles,
    group_id,
    is_companion_label,
    is_generic_label,
    is_role_label,
    names_one_person,
    people_of,
)
from ingest.store import ChunkStore, Scalar, check_project_name
from journey.errors import InvalidRequestError
from journey.source import FRAME_SECTION, Role, Source, SourceKind, Turn, section_name
from journey.text import HAN_CHAR

logger = logging.getLogger(__name__)

BATCH_CHUNKS = 256
# Chunks embedded and written at once: bounds the vectors in memory for one long source (and
# stays under Chroma's largest batch, 5,461 here).
STORE_SLICE = 1024
_PARTICIPANT_CODE = re.compile(
    r"(?i)(?:(?:^|[^a-z])(?:p|participant|respondent|interviewee|interview|session|r)"
    r"|受访者|被访者|参与者|访谈|用户|患者)[ _-]?0*(\d{1,4})(?!\d)"
)


def _file_number(document: Document) -> int | None:
    """The participant number a file's name gives (p09_lena.txt: 9), if any."""
    return _code(document.locator)


def _code(locator: str) -> int | None:
    m = _PARTICIPANT_CODE.search(Path(locator.split("#", 1)[0]).stem)
    return int(m.group(1)) if m else None


def _languages(documents: list[Document]) -> list[str]:
    """Each document's language; a row of a table too short to tell ("und": "Great app,
    love it" has no function word) takes the table's own language when most rows share one."""
    found = [detect_language(d.text) for d in documents]
    known = Counter(x for x in found if x != "und")
    if known:
        common, n = known.most_common(1)[0]
        if 2 * n > len(found):
            return [common if x == "und" else x for x in found]
        # a table in Chinese and one other language (a bilingual shopping study: 43 zh, 40 en,
        # 3 short English rows und made the map Chinese): a short row takes the language of
        # its script
        latin = [x for x in known if x != "zh"]
        if "zh" in known and len(latin) == 1:
            return [
                ("zh" if HAN_CHAR.search(d.text) else latin[0]) if x == "und" else x
                for x, d in zip(found, documents, strict=True)
            ]
    return found


_DATE_IN_NAME = re.compile(
    r"(?<!\d)(?:19|20)\d{2}[-_.]?[01]?\d[-_.]?[0-3]?\d(?!\d)"
    r"|(?<!\d)[0-3]?\d[-_.][01]?\d[-_.](?:19|20)?\d{2}(?!\d)"
)
_NUMBER_IN_NAME = re.compile(r"(?<![^\W_])(?!(?:19|20)\d\d(?![^\W_]))\d{1,4}(?![^\W_])")
"""A number standing as its own part of a file's name (interview_02, 03-anna), not one glued to
letters (utf16, g1, mp3), a year or part of a date."""


_ROLE_PREFIX = re.compile(r"^([^\W\d_]+)[ _-]*0*\d")
"""The word a file's name opens with before its number (parent_01_wang: parent)."""
_PLAIN_ROLES = frozenset(
    {"p", "participant", "respondent", "interviewee", "interview", "user", "customer", "r", "a"}
    | {"answer", "受访者", "被访者", "参与者", "访谈对象", "用户", "客户"}
)
"""Words that number a study's participants as one series (interview_02 is P2)."""


def _last_number(document: Document) -> int | None:
    """The last number in a file's name that numbers it (interview_02.txt: 2), if any: a
    hostile-input trial's call_2024-06-12.txt became P12, utf16_nobom.txt P16, and g1.txt the
    same person as p01_marta.txt."""
    stem = _DATE_IN_NAME.sub(" ", Path(document.locator).stem)
    found = _NUMBER_IN_NAME.findall(stem)
    return int(found[-1]) if found else None


@dataclass(frozen=True)
class IngestOptions:
    """What the user asked for on top of the files themselves."""

    kind: SourceKind | None = None
    """Force a kind (`survey` for a table of survey answers); by default review tables are
    reviews and everything else interviews."""
    text_column: str | None = None
    id_column: str | None = None
    segment: dict[str, str] = field(default_factory=dict)
    segment_columns: tuple[str, ...] = ()
    """Columns of a review or survey table whose value in each row is that source's segment
    attribute of the column's name (`platform`: ios, android)."""
    max_bytes: int = 50 * 1024 * 1024
    detect_names: bool = True
    """Redact names found in free text too (speakers' names always are)."""
    max_seconds: float = 300.0
    """Time one file may take to be read, redacted and chunked (embedding not counted); a file
    over it is skipped with its reason. A backstop: every step is linear in the file's size."""
    same_name: Literal["path", "keep", "replace"] = "path"
    """What a file sent by a client does to a stored source of the same shown name (its path
    is a staging folder, never the same twice): `keep` both and say so, or `replace` it (a
    corrected transcript sent again had become a second P2). `path`, for files read where they
    are: only a source read from the same path is replaced."""

    def __post_init__(self) -> None:
        # every segment attribute is metadata on every chunk of the vector store: 20,000 of
        # them broke a project's collection for good (a hostile-input trial)
        named = len(self.segment) + len(self.segment_columns)
        if named > MAX_SEGMENT_ATTRIBUTES:
            raise InvalidRequestError(
                f"{named} segment attributes: at most {MAX_SEGMENT_ATTRIBUTES} (e.g. plan, "
                "platform, wave); tag sources with the few that tell groups apart"
            )
        if long := [k for k in [*self.segment, *self.segment_columns] if len(k) > MAX_SEGMENT_KEY]:
            raise InvalidRequestError(
                f"segment attribute {long[0][:40]!r}…: a name has at most {MAX_SEGMENT_KEY} "
                "characters"
            )


MAX_SEGMENT_ATTRIBUTES = 20
"""Segment attributes one ingest may tag its sources with (given and from columns)."""
MAX_SEGMENT_KEY = 64
"""Characters of a segment attribute's name."""


@dataclass
class IngestReport:
    """What an ingest did, for the summary table and the exit code."""

    added: list[Source] = field(default_factory=list)
    replaced: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(file, reason) for every file that could not be ingested."""
    ignored: list[tuple[str, str]] = field(default_factory=list)
    """(path, reason) for what a folder walk passed over on purpose (unsupported types, links,
    special files, READMEs, empty folders): said, but not a failure."""
    warnings: list[str] = field(default_factory=list)
    chunks: int = 0
    reredacted: int = 0
    """Sources stored before that were redacted again for a name first seen in this run."""
    resegmented: int = 0
    """Sources stored before that this run's segment (--segment, --segment-column) was set on."""
    timed_out: list[str] = field(default_factory=list)
    """Names of the files (of `skipped`) that ran out of time: an ingest run again, on a less
    busy machine, may finish them."""

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.skipped

    @property
    def participants(self) -> int:
        """The people the added sources speak for (a focus group's each member)."""
        return len({p for s in self.added for p in people_of(s)})


@dataclass
class _Prepared:
    source: Source
    original: str
    locator: str
    replaces: set[str]
    chunks: list[Chunk]
    file: str
    """The file it came from (a review table gives many sources of one file)."""


class FileBudgetError(UnreadableFileError):
    """A file took longer than its time budget to read, redact and chunk."""


def _work_clock() -> float:
    """The time a file's budget counts: this thread's CPU time, so waiting on a busy machine
    (other jobs' threads, the catalog's write lock) is not charged to the file. On a loaded
    server a 100,000-row table was cut at 49,920 rows by a wall-clock budget."""
    return time.thread_time()


def _cut_short(exc: FileBudgetError, row: int, rows: int) -> str:
    """The time-out's reason, saying for a table how much of it was kept and how to get the
    rest (the rows read so far are stored; an ingest run again skips them)."""
    if rows <= 1:
        return str(exc)
    if row == 0:
        return f"{exc}. Stopped at its first row: none of its {rows:,} rows were stored"
    return (
        f"{exc}. Stopped at row {row + 1:,} of {rows:,}: the {row:,} rows before it are kept, "
        f"{rows - row:,} were not read; run the same ingest again to add them (stored rows "
        "are skipped)"
    )


# Notes and licences beside the transcripts of a study are not interviews.
_NOT_A_SOURCE = re.compile(r"(?i)^(?:readme|licen[cs]e|changelog|contributing|notice)(?:\..*)?$")


_LABELLED = re.compile(r"^[^\W\d][\w .'’()-]{0,30}[:：]\s")
_LIST_MARK = re.compile(r"^(?:[-*•·]|\d{1,2}[.)、]|[a-z][.)]|Q\d*[.:]?)\s*", re.IGNORECASE)
_PROMPT = re.compile(
    r"(?:[?？]\s*[)）\]]?$|^(?:tell me|talk me|walk me|take me|describe|explain|show me|"
    r"can you|could you|请|说说|谈谈|聊聊|讲讲|描述))",
    re.IGNORECASE,
)


def guide_questions(text: str) -> int:
    """How many questions a file is made of when it reads as a discussion guide (an
    interviewer's questions and prompts, no one's answers), else 0: most of its lines that no
    speaker label starts are questions or prompts ("Tell me about…"), and labelled lines are
    few. A gov trial's guide in the study folder was a participant whose questions were
    quoted as findings."""
    lines = [line.strip() for line in text.splitlines()]
    content = [line for line in lines if line and not line.startswith("#")]
    if not content:
        return 0
    labelled = sum(1 for line in content if _LABELLED.match(line))
    free = [_LIST_MARK.sub("", line) for line in content if not _LABELLED.match(line)]
    asked = sum(1 for line in free if _PROMPT.search(line))
    if asked >= 3 and asked * 3 >= len(free) * 2 and labelled * 5 <= len(content):
        return asked
    return 0


def display_path(path: Path | str) -> str:
    """A path as text that can always be printed and stored: undecodable bytes of a file name
    (not valid UTF-8) are shown as U+FFFD instead of failing later."""
    text = str(path)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_FILE_WORDS = frozenset(
    [
        "interview",
        "interviews",
        "transcript",
        "transcripts",
        "notes",
        "review",
        "reviews",
        "export",
        "final",
        "draft",
        "copy",
        "session",
        "call",
        "recording",
        "summary",
        "raw",
        "clean",
        "edited",
        "redacted",
        "survey",
        "data",
        "txt",
        "csv",
        "md",
        "vtt",
        "srt",
        "docx",
        "pdf",
        "json",
        "jsonl",
        "part",
        "round",
        "wave",
    ]
)
"""Words a file name has after a participant's name that are no surname (p01_sarah_notes)."""


def display_name(locator: str, kind: SourceKind, redactor: Redactor, language: str = "") -> str:
    """What users see for a source: its file name (with the row of a table), never the
    folders above it, with speakers' names (in any case: `p01_sarah.vtt`, and in pinyin when
    the source is a Chinese interview: `p01_wanglei.txt`) and PII redacted."""
    row = ""
    if kind is not SourceKind.interview and "#" in locator:
        locator, row = locator.rsplit("#", 1)
        row = "#" + row
    name = Path(locator).name or locator
    pieces = re.split(r"([_\-. ]+)", name)
    # (an interview's, not a review table's: qibei_reviews.csv names an app, not a person)
    pinyin = language.startswith("zh") and kind is SourceKind.interview
    named = [
        redactor.is_name(p)
        or zh_name_piece(p)
        or (pinyin and p.casefold() not in _FILE_WORDS and pinyin_name_piece(p))
        for p in pieces
    ]
    # and the word after a given name, its surname (export_jess.miller.csv, by_tom_hughes)
    for i in range(2, len(pieces) - 2, 2):
        if named[i - 2] and pieces[i].isalpha() and pieces[i].casefold() not in _FILE_WORDS:
            named[i] = True
    name = "".join("[NAME]" if n else p for p, n in zip(pieces, named, strict=True))
    shown_row, found = redactor.redact(row)
    # a table's own key (TP-1001, a platform's 19-digit review id that passes the card check)
    # is how a user finds the row again, though shaped like a reference or card number; an
    # email or a name used as the key is still redacted
    key = set(found) <= {"id"} or row[1:].isdigit()
    return redactor.redact(name)[0] + (row if key else shown_row)


def find_files(paths: Iterable[Path]) -> tuple[list[Path], IngestReport]:
    """Expand folders into the supported files inside them (hidden ones left out, links to
    folders not followed), and a report to ingest into that already says what will not be
    ingested: named paths that are missing or not regular files as skipped, what a folder
    walk passed over as ignored."""
    report = IngestReport()
    files: list[Path] = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found = _walk(path, report)
            if not found:
                report.ignored.append((display_path(path), "no supported files in this folder"))
            files.extend(found)
        elif path.is_dir():  # a named link to a folder: the user asked for it
            files.extend(_walk(path, report))
        elif path.is_file():
            files.append(path)
        elif path.is_symlink():
            report.skipped.append((display_path(path), "a link to nothing (dangling link)"))
        elif path.exists():
            report.skipped.append(
                (display_path(path), "not a regular file (a pipe, socket or device)")
            )
        else:
            report.skipped.append((display_path(path), "no such file or folder"))
    return list(dict.fromkeys(files)), report


def _walk(folder: Path, report: IngestReport) -> list[Path]:
    """Supported regular files under folder, sorted; reasons for everything else."""
    found: list[Path] = []
    for root, dirs, names in os.walk(folder, followlinks=False):
        base = Path(root)
        if not dirs and not names and base != folder:
            report.ignored.append((display_path(base), "an empty folder"))
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in dirs:
            if (base / d).is_symlink():
                report.ignored.append((display_path(base / d), "a link to a folder (not followed)"))
        for name in sorted(names):
            if name.startswith("."):
                continue
            path = base / name
            reason = _ignored_because(path)
            if reason:
                report.ignored.append((display_path(path), reason))
            else:
                found.append(path)
    return found


def _ignored_because(path: Path) -> str | None:
    """Why a folder walk leaves this file out, or None to ingest it."""
    if path.is_symlink() and not path.exists():
        return "a link to nothing (dangling link)"
    if not path.is_file():
        return "not a regular file (a pipe, socket or device)"
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        return unsupported(suffix)
    if _NOT_A_SOURCE.match(path.name):
        return "a project note, not a transcript (name it explicitly to ingest it)"
    return None


def table_row(document: Document) -> str | None:
    """The row key of a document that is a row of a table (a table's reader gives each row
    its kind), else None."""
    return document.locator.rsplit("#", 1)[1] if document.kind is not None else None


def source_id(document: Document, kind: SourceKind) -> str:
    """Content hash; a table row's key is part of it so equal texts in two rows stay two."""
    key = table_row(document) or ""
    digest = hashlib.sha256(f"{kind.value}\0{key}\0{document.text}".encode())
    return digest.hexdigest()[:24]


class Ingestor:
    """Ingests files into one project of a workspace (catalog + chunk store)."""

    def __init__(
        self,
        catalog: Catalog,
        store: ChunkStore,
        embedder: Embedder,
        project: str,
        options: IngestOptions | None = None,
        batch_chunks: int = BATCH_CHUNKS,
    ) -> None:
        self.catalog, self.store, self.embedder = catalog, store, embedder
        self.project = check_project_name(project)
        self.options = options or IngestOptions()
        self.batch_chunks = batch_chunks
        self._batch: list[_Prepared] = []
        self._deadline = 0.0
        self._reserved: frozenset[int] = frozenset()
        self._redactor: Redactor | None = None
        """When the file being read runs out of its reading budget (time.thread_time)."""
        self._by_name: dict[str, set[str]] | None = None
        """Stored sources' ids by shown name (see IngestOptions.same_name), read once."""
        self._named_twice: set[str] = set()
        """Files already said to share a name with a stored source."""
        self._segmented: dict[str, Source] = {}
        """Stored sources given this run's segment, to write (see _resegment)."""
        self.on_batch_stored: Callable[[int], None] = lambda n: None
        """Called with the number of sources stored after each batch (for progress bars)."""

    def recover(self) -> None:
        """Remove what an interrupted ingest left half-done (pending rows, replaced chunks)."""
        pending, dead = self.catalog.unfinished(self.project)
        if pending or dead:
            logger.info(
                "cleaning up an interrupted ingest: %d pending, %d replaced sources",
                len(pending),
                len(dead),
            )
            self.store.delete_sources(self.project, pending + dead)
            self.catalog.forget(self.project, pending, dead)

    def ingest(
        self,
        files: Sequence[Path],
        report: IngestReport,
        on_file: Callable[[Path], None] = lambda p: None,
    ) -> IngestReport:
        """Ingest files, adding to `report`; bad files are skipped with a reason. Waits while
        another process ingests into the same project. A project this run would have created
        is not left behind empty when every file was skipped."""
        with self.catalog.ingest_lock(self.project):
            created = self.project not in self.catalog.projects()
            self.catalog.ensure_project(self.project)
            self._redactor = None  # names may have come from another process before the lock
            self.recover()
            names_before = set(self.catalog.aliases(self.project))
            self._ingest(files, report, on_file)
            new_names = set(self.catalog.aliases(self.project)) - names_before
            if new_names:
                self._reredact(new_names, report)
            if created and not self.store.count(self.project):  # no chunk: nothing stored
                self.store.drop_project(self.project)
                self.catalog.delete_project(self.project)
        return report

    def _reredact(self, names: set[str], report: IngestReport) -> None:
        """Redact again every stored source that mentions a name first seen as a speaker label
        in this run (a name in an earlier file, or earlier in this run, must not stay)."""
        parts = {p.casefold() for n in names for p in [n, *n.split()] if len(p) >= 3}
        aliases = self.catalog.aliases(self.project)
        redactor = Redactor(aliases, detect_names=self.options.detect_names)
        for stored in self.catalog.sources(self.project):
            original, source = stored.original, stored.source
            folded = original.casefold()
            if not any(part in folded for part in parts):
                continue
            counts: Counter[str] = Counter(speaker=source.redactions.get("speaker", 0))
            turns = []
            for turn in source.turns:
                text, found = redactor.redact(original[turn.char_start : turn.char_end])
                counts.update(found)
                turns.append(turn.model_copy(update={"text": text}))
            if [t.text for t in turns] == [t.text for t in source.turns]:
                continue
            updated = source.model_copy(
                update={
                    "turns": turns,
                    "redactions": {k: n for k, n in counts.items() if n},
                    "path": display_name(stored.locator, source.kind, redactor, source.language),
                }
            )
            chunks = chunk_source(updated, original, redactor.redact_text)
            old_ids = self.store.chunk_ids(self.project, source.id)
            metadata = self._chunk_metadata(updated)
            for i in range(0, len(chunks), STORE_SLICE):
                piece = chunks[i : i + STORE_SLICE]
                vectors = self.embedder.embed([c.text for c in piece])
                self.store.upsert(self.project, piece, vectors, [metadata] * len(piece))
            # New chunks first, then the stale ones go: an interruption leaves both, never none.
            self.store.delete_chunks(self.project, sorted(old_ids - {c.id for c in chunks}))
            self.catalog.update_source(self.project, updated)
            report.reredacted += 1

    def _ingest(
        self, files: Sequence[Path], report: IngestReport, on_file: Callable[[Path], None]
    ) -> None:
        # numbers files give their participants (p03_priya.srt: 3) are not handed out in
        # order of arrival to speakers of files without one
        places = [*map(str, files), *self.catalog.locators(self.project)]
        self._reserved = frozenset(n for n in map(_code, places) if n is not None)
        for path in files:
            self._ingest_file(path, report)
            self._store_segments()
            on_file(path)
        self._flush(report)

    def _ingest_file(self, path: Path, report: IngestReport) -> None:
        """Read one file and queue its sources; whatever goes wrong skips this file (or, in a
        review table, this row) with a one-line reason, and the rest of the run goes on."""
        name = display_path(path)
        self._deadline = _work_clock() + self.options.max_seconds
        try:
            documents = read_file(
                path,
                max_bytes=self.options.max_bytes,
                text_column=self.options.text_column,
                id_column=self.options.id_column,
                segment_columns=self.options.segment_columns,
                survey=self.options.kind is SourceKind.survey,
            )
        except UnreadableFileError as exc:
            report.skipped.append((name, str(exc)))
            return
        except OSError as exc:
            report.skipped.append((name, f"{path.name}: cannot read ({exc.strerror or exc})"))
            return
        except Exception as exc:  # the last line of defence: one file never costs the run
            logger.exception("reading %s failed", name)
            report.skipped.append((name, _unexpected(path, exc)))
            return
        report.warnings.extend(
            f"{path.name}: decoded as {d.encoding}, not UTF-8"
            for d in documents[:1]
            if d.encoding not in ("utf-8", "utf-8-sig", "docx", "pdf")
        )
        languages = _languages(documents)
        for row, (document, language) in enumerate(zip(documents, languages, strict=True)):
            report.warnings.extend(document.warnings)
            document.locator = display_path(document.locator)
            try:
                self._add(document, report, name, language)
            except UnreadableFileError as exc:
                if isinstance(exc, FileBudgetError):
                    report.skipped.append((name, _cut_short(exc, row, len(documents))))
                    report.timed_out.append(path.name)
                    return
                report.skipped.append((document.locator, str(exc)))
            except Exception as exc:
                logger.exception("ingesting %s failed", document.locator)
                report.skipped.append((document.locator, _unexpected(path, exc)))

    def _add(self, document: Document, report: IngestReport, file: str, language: str) -> None:
        kind = self.options.kind or document.kind or SourceKind.interview
        if kind is SourceKind.interview and (asked := guide_questions(document.text)):
            stages = " ".join(
                f"--stages {shlex.quote(section_name(s.title))}"
                for s in document.sections
                if s.level == 1 and not FRAME_SECTION.match(s.title)
            )
            report.ignored.append(
                (
                    document.locator,
                    f"a discussion guide ({asked} questions, no one's answers): not ingested"
                    + (
                        f"; its sections as the map's stages: journeymap map {stages}"
                        if stages
                        else ""
                    ),
                )
            )
            return
        sid = source_id(document, kind)
        if self.catalog.status(self.project, sid) == "stored" or any(
            p.source.id == sid for p in self._batch
        ):
            report.unchanged += 1
            self._resegment(sid, document, report)
            return
        prepared = self._prepare(document, kind, sid, file, language)
        if self.options.same_name != "path":
            self._namesakes(prepared, file, report)
        turns = prepared.source.turns
        if turns and all(t.role is Role.interviewer for t in turns):
            report.warnings.append(
                f"{Path(document.locator).name}: every turn reads as the interviewer's, so "
                "nothing in it can be quoted or mapped; check its speaker labels (a participant "
                "labelled like the interviewer?)"
            )
        self._batch.append(prepared)
        if sum(len(p.chunks) for p in self._batch) >= self.batch_chunks:
            started = _work_clock()
            self._flush(report)
            # Embedding and storing are not the file's reading time: a long review table
            # embedded batch by batch must not run out of its budget for reading.
            self._deadline += _work_clock() - started

    def _namesakes(self, prepared: _Prepared, file: str, report: IngestReport) -> None:
        """Replace (or keep and say so) stored sources of the same shown name as a file a
        client sent: `p02_[NAME].txt` sent again with a correction, or a review table's row
        `reviews.csv#R12` in a corrected export."""
        if self._by_name is None:
            self._by_name = {}
            for stored in self.catalog.sources(self.project):
                self._by_name.setdefault(stored.source.path, set()).add(stored.source.id)
        same = self._by_name.get(prepared.source.path, set()) - {prepared.source.id}
        if not same:
            return
        if self.options.same_name == "replace":
            prepared.replaces |= same
        elif file not in self._named_twice:
            self._named_twice.add(file)
            shown = prepared.source.path.split("#", 1)[0]
            report.warnings.append(
                f"{shown}: the project already has a source of this name, now kept beside it "
                "(a second voice if it is the same person); to replace the old one, send it "
                "again with replace=true (or delete the old source)"
            )

    def _resegment(self, sid: str, document: Document, report: IngestReport) -> None:
        """Set this run's segment on a source stored before: its --segment values, and a table
        row's --segment-column values (ingesting stored files again with `--segment
        city=Beijing`, or a review table with `--segment-column "Company Size"`, said "Nothing
        new" and left them without one, so `compare --by` found no such attribute)."""
        if not self.options.segment and not document.segment:
            return
        stored = self._segmented.get(sid) or self.catalog.source(self.project, sid)
        if stored is None:  # in this run's batch: it has this run's segment already
            return
        segment = {**stored.segment, **self._row_segment(document), **self.options.segment}
        if segment != stored.segment:
            if sid not in self._segmented:  # a file given twice counts its sources once
                report.resegmented += 1
            self._segmented[sid] = stored.model_copy(update={"segment": segment})

    def _store_segments(self) -> None:
        """Write the segments _resegment set, in one transaction per file: one per row took
        34 s to set a column's values on a stored table of 20,000 reviews."""
        if self._segmented:
            self.catalog.update_sources(self.project, list(self._segmented.values()))
            self._segmented.clear()

    def _row_segment(self, document: Document) -> dict[str, str]:
        """A row's own segment values, redacted like its text (a column may hold names)."""
        redactor = self._current_redactor()
        return {k: redactor.redact(v)[0] for k, v in document.segment.items()}

    def _prepare(
        self, document: Document, kind: SourceKind, sid: str, file: str, language: str
    ) -> _Prepared:
        def check_time() -> None:
            if _work_clock() > self._deadline:
                raise FileBudgetError(
                    f"{Path(file).name}: took over {self.options.max_seconds:g} s to read and "
                    "redact; split it or raise JOURNEYMAP_MAX_FILE_SECONDS"
                )

        texts = [document.turn_text(t) for t in document.turns]
        roles = assign_roles(zip((t.speaker for t in document.turns), texts, strict=True))
        if kind is SourceKind.review or table_row(document) is not None:
            # a review is its author's words, but for a business's reply pasted into it
            roles = {k: Role.unknown if k == REPLY_LABEL else Role.participant for k in roles}
        shown: dict[str | None, str | None] = {None: None}
        # the one participant of p09_lena.txt is "Participant 9", as its participant id P9 says
        # (numbered in order of arrival, Lena was "Participant 7" beside the id P9)
        row = table_row(document) is not None
        code = None if row else _file_number(document) or _last_number(document)
        speaking = [k for k, r in roles.items() if k is not None and r is Role.participant]
        # of two participants on one call, the one who says most is the file's (p02's second
        # speaker took "Participant 2", so P2's own became "Participant 3", P3's "Participant 4")
        said: Counter[str | None] = Counter()
        for turn, text in zip(document.turns, texts, strict=True):
            said[turn.speaker] += len(text)
        # (and not someone who came along with them: 儿子 beside 受访者)
        main = max(speaking, key=lambda k: (not is_companion_label(k), said[k]), default=None)
        # the file's own participant first: a partner who spoke first had taken P4's number
        # and Jo, the interviewee of 04_….vtt, was "Participant 6" (a telehealth trial)
        for label, role in sorted(roles.items(), key=lambda item: item[0] != main):
            if label is not None:
                number = code if label == main else None
                shown[label] = (
                    label
                    if is_generic_label(label)
                    else self._alias(label, role, number=number, chinese=language == "zh")
                )
        participant_id = self._participant_id(
            document, kind, speaking, shown, sid, chinese=language == "zh"
        )
        if self.options.detect_names and self.catalog.mentioned(
            self.project, names_in(document.text)
        ):
            self._redactor = None
        redactor = self._current_redactor()
        counts: Counter[str] = Counter()
        # a speaker label that names someone ("刘女士", "Maria Lopez") is shown as a pseudonym:
        # counted, so a source never says "redacted: nothing" when a name was replaced
        counts["speaker"] = sum(1 for label, alias in shown.items() if label and alias != label)
        if main is not None and not names_one_person(main):
            # "受访者:" or "Speaker 2:" in every file is no one in particular: quotes are cited
            # by the file's participant (P1), as `sources` lists it, also beside someone who
            # came along ("儿子:" in P5's file had left its 受访者 cited as a bare 受访者)
            shown[main] = participant_id
        headings: dict[str | None, str | None] = {None: None}

        def heading(title: str | None) -> str | None:
            """A section title redacted like the text (headings become stage names)."""
            if title not in headings:
                headings[title], found = redactor.redact(title or "")
                counts.update(found)
            return headings[title]

        turns = []
        for i, (raw, text) in enumerate(zip(document.turns, texts, strict=True)):
            if i % 256 == 0:
                check_time()
            redacted, found = redactor.redact(text)
            counts.update(found)
            turns.append(
                Turn(
                    index=i,
                    speaker=shown[raw.speaker],
                    role=roles[raw.speaker],
                    text=redacted,
                    char_start=raw.char_start,
                    char_end=raw.char_end,
                    start=raw.start,
                    end=raw.end,
                    section=heading(raw.section),
                )
            )
        # Review titles and authors, JSON titles: every field a reader kept is redacted too.
        metadata = {
            key: redactor.redact(value)[0] if isinstance(value, str) else value
            for key, value in document.metadata.items()
        }
        metadata["encoding"] = document.encoding
        source = Source(
            id=sid,
            path=display_name(document.locator, kind, redactor, language),
            kind=kind,
            language=language,
            participant_id=participant_id,
            segment={**self._row_segment(document), **self.options.segment},
            metadata=metadata,
            turns=turns,
            sections=[s.model_copy(update={"title": heading(s.title)}) for s in document.sections],
            redactions={k: n for k, n in counts.items() if n},
        )
        chunks = chunk_source(source, document.text, lambda t: redactor.redact(t)[0])
        check_time()
        replaces = self.catalog.ids_at(self.project, document.locator) - {sid}
        return _Prepared(source, document.text, document.locator, replaces, chunks, file)

    def _alias(
        self,
        label: str,
        role: Role,
        stem: str | None = None,
        number: int | None = None,
        chinese: bool = False,
    ) -> str:
        """The catalog's placeholder for a name; a new one makes the redactor be made again."""
        placeholder = self.catalog.alias(
            self.project, label, role, stem, number, chinese, self._reserved
        )
        if self._redactor is not None and self._redactor.names.get(label) != placeholder:
            self._redactor = None
        return placeholder

    def _current_redactor(self) -> Redactor:
        """The project's redactor with every name known so far. Kept while no name is added
        (this ingest holds the project's lock, so only it adds names): made per source, it
        cost a read of every name and a new pattern each time, which grew with the square of
        a large review table."""
        if self._redactor is None:
            aliases = self.catalog.aliases(self.project)
            self._redactor = Redactor(aliases, detect_names=self.options.detect_names)
        return self._redactor

    def _participant_id(
        self,
        document: Document,
        kind: SourceKind,
        speakers: list[str],
        shown: dict[str | None, str | None],
        sid: str,
        chinese: bool = False,
    ) -> str:
        """Who a source speaks for; `speakers` are its participant speakers' labels."""
        hint = document.participant_hint
        if hint:
            if is_generic_label(hint):
                return hint
            stem = {SourceKind.review: "Reviewer", SourceKind.survey: "Respondent"}.get(kind)
            return self._alias(hint, Role.participant, stem, chinese=chinese)
        if (row := table_row(document)) is not None:
            return f"{'review' if kind is SourceKind.review else 'respondent'} {row}"
        if (number := _file_number(document)) is not None:
            return f"P{number}"
        if len(speakers) == 1 and names_one_person(speakers[0]):
            return shown[speakers[0]] or speakers[0]
        # "受访者" in every file is not one person: each file's participant is its own
        if (number := _last_number(document)) is not None:
            # numbered within a role (parent_01_wang.txt and student_01_liu.txt were both P1,
            # one person to every count): "Parent 1", "Student 1"
            role = _ROLE_PREFIX.match(_DATE_IN_NAME.sub(" ", Path(document.locator).stem))
            if role and is_role_label(role.group(1)) and role.group(1).lower() not in _PLAIN_ROLES:
                word = role.group(1)
                return (
                    f"{word}{number}" if HAN_CHAR.match(word) else f"{word.capitalize()} {number}"
                )
            return f"P{number}"
        if len(speakers) == 1:  # else the next free pseudonym, as a named speaker would get
            # ("source 3f2a1b9c" read as no one); keyed by the source, so the file keeps it
            return self._alias(f"source {sid}", Role.participant, chinese=chinese)
        return group_id(sid)  # a group's file, or one with no participant turns

    def _flush(self, report: IngestReport) -> None:
        """Store the queued sources. If storing fails, each file's part is tried on its own, so
        only the file that cannot be stored is skipped (and nothing half-stored remains)."""
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        try:
            self._store(batch, report)
            return
        except Exception as exc:
            files = list(dict.fromkeys(p.file for p in batch))
            if len(files) == 1:
                self._skip_unstored(batch, exc, report)
                return
        for file in files:
            part = [p for p in batch if p.file == file]
            try:
                self._store(part, report)
            except Exception as exc:
                self._skip_unstored(part, exc, report)

    def _skip_unstored(self, part: list[_Prepared], exc: Exception, report: IngestReport) -> None:
        logger.error("storing %s failed", part[0].file, exc_info=exc)
        ids = [p.source.id for p in part]
        self.store.delete_sources(self.project, ids)
        self.catalog.forget(self.project, ids, [])
        reason = f"{Path(part[0].file).name}: could not be stored ({type(exc).__name__}: {exc})"
        report.skipped.append((part[0].file, " ".join(reason.split())[:300]))

    def _store(self, batch: list[_Prepared], report: IngestReport) -> None:
        """Embed and store a batch: catalog rows pending, chunks in slices (so one long source
        never needs all its vectors in memory at once), then the rows marked stored."""
        self.catalog.begin(self.project, [(p.source, p.original, p.locator) for p in batch])
        pairs = [
            (chunk, metadata)
            for p in batch
            for metadata in (self._chunk_metadata(p.source),)
            for chunk in p.chunks
        ]
        for i in range(0, len(pairs), STORE_SLICE):
            piece = pairs[i : i + STORE_SLICE]
            chunks = [c for c, _ in piece]
            vectors = self.embedder.embed([c.text for c in chunks])
            self.store.upsert(self.project, chunks, vectors, [m for _, m in piece])
        replaced = {i for p in batch for i in p.replaces}
        self.catalog.commit(self.project, [p.source.id for p in batch], replaced)
        if replaced:
            self.store.delete_sources(self.project, sorted(replaced))
            self.catalog.forget(self.project, [], replaced)
        report.added.extend(p.source for p in batch)
        report.replaced += len(replaced)
        report.chunks += len(pairs)
        self.on_batch_stored(len(batch))

    def _chunk_metadata(self, source: Source) -> dict[str, Scalar]:
        meta: dict[str, Scalar] = {
            "kind": source.kind.value,
            "language": source.language,
            "participant_id": source.participant_id,
            "path": source.path,
        }
        meta.update({f"segment_{k}": v for k, v in source.segment.items()})
        for key in ("rating", "date"):
            if key in source.metadata:
                meta[key] = source.metadata[key]
        return meta


def _unexpected(path: Path, exc: Exception) -> str:
    """A one-line reason for a failure nobody foresaw (the traceback goes to the log)."""
    detail = " ".join(str(exc).split())[:200]
    return (
        f"{path.name}: could not be ingested ({type(exc).__name__}"
        f"{': ' + detail if detail else ''}); the log has the details"
    )
