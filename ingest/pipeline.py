"""Ingest files into a project: read, assign roles, redact, chunk, embed, store.

Writes go in batches: catalog rows as `pending`, then chunks into the store, then the rows
marked `stored` (replacing older versions of the same file). A rerun after an interruption
first removes what the interrupted run left half-done.
"""

import hashlib
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.catalog import Catalog
from ingest.chunking import Chunk, chunk_source
from ingest.document import Document
from ingest.embeddings import Embedder
from ingest.errors import UnreadableFileError
from ingest.language import detect_language
from ingest.readers import SUPPORTED_EXTENSIONS, read_file
from ingest.redact import Redactor
from ingest.speakers import assign_roles, is_generic_label
from ingest.store import ChunkStore, Scalar, check_project_name
from journey.source import Role, Source, SourceKind, Turn

logger = logging.getLogger(__name__)

BATCH_CHUNKS = 256
_PARTICIPANT_CODE = re.compile(
    r"(?i)(?:^|[^a-z])(?:p|participant|respondent|r)[ _-]?0*(\d{1,4})(?!\d)"
)


@dataclass(frozen=True)
class IngestOptions:
    """What the user asked for on top of the files themselves."""

    kind: SourceKind | None = None
    """Force a kind; by default review tables are reviews and everything else interviews."""
    text_column: str | None = None
    id_column: str | None = None
    segment: dict[str, str] = field(default_factory=dict)
    max_bytes: int = 50 * 1024 * 1024


@dataclass
class IngestReport:
    """What an ingest did, for the summary table and the exit code."""

    added: list[Source] = field(default_factory=list)
    replaced: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    """(file, reason) for every file that could not be ingested."""
    warnings: list[str] = field(default_factory=list)
    chunks: int = 0

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.skipped


@dataclass
class _Prepared:
    source: Source
    original: str
    locator: str
    replaces: set[str]
    chunks: list[Chunk]


def find_files(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Expand folders into the supported files inside them; report paths that do not exist."""
    files: list[Path] = []
    missing: list[tuple[str, str]] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() in SUPPORTED_EXTENSIONS
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append((str(path), "no such file or folder"))
    return list(dict.fromkeys(files)), missing


def source_id(document: Document, kind: SourceKind) -> str:
    """Content hash; a review row's key is part of it so equal texts in two rows stay two."""
    key = document.locator.rsplit("#", 1)[1] if kind is SourceKind.review else ""
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
        another process ingests into the same project."""
        self.catalog.ensure_project(self.project)
        with self.catalog.ingest_lock(self.project):
            self.recover()
            self._ingest(files, report, on_file)
        return report

    def _ingest(
        self, files: Sequence[Path], report: IngestReport, on_file: Callable[[Path], None]
    ) -> None:
        for path in files:
            try:
                documents = read_file(
                    path,
                    max_bytes=self.options.max_bytes,
                    text_column=self.options.text_column,
                    id_column=self.options.id_column,
                )
            except UnreadableFileError as exc:
                report.skipped.append((str(path), str(exc)))
            except OSError as exc:
                report.skipped.append((str(path), f"{path.name}: cannot read ({exc.strerror})"))
            else:
                report.warnings.extend(
                    f"{path.name}: decoded as {d.encoding}, not UTF-8"
                    for d in documents[:1]
                    if d.encoding not in ("utf-8", "utf-8-sig", "docx", "pdf")
                )
                for document in documents:
                    self._add(document, report)
            on_file(path)
        self._flush(report)

    def _add(self, document: Document, report: IngestReport) -> None:
        kind = document.kind or self.options.kind or SourceKind.interview
        sid = source_id(document, kind)
        if self.catalog.status(self.project, sid) == "stored" or any(
            p.source.id == sid for p in self._batch
        ):
            report.unchanged += 1
            return
        prepared = self._prepare(document, kind, sid)
        self._batch.append(prepared)
        if sum(len(p.chunks) for p in self._batch) >= self.batch_chunks:
            self._flush(report)

    def _prepare(self, document: Document, kind: SourceKind, sid: str) -> _Prepared:
        texts = [document.turn_text(t) for t in document.turns]
        roles = assign_roles(zip((t.speaker for t in document.turns), texts, strict=True))
        if kind is SourceKind.review:
            roles = dict.fromkeys(roles, Role.participant)
        shown: dict[str | None, str | None] = {None: None}
        for label, role in roles.items():
            if label is not None:
                shown[label] = (
                    label
                    if is_generic_label(label)
                    else self.catalog.alias(self.project, label, role)
                )
        participant_id = self._participant_id(document, kind, roles, shown, sid)
        redactor = Redactor(self.catalog.aliases(self.project))
        counts: Counter[str] = Counter()
        turns = []
        for i, (raw, text) in enumerate(zip(document.turns, texts, strict=True)):
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
                    section=raw.section,
                )
            )
        metadata = dict(document.metadata)
        metadata["encoding"] = document.encoding
        source = Source(
            id=sid,
            path=document.locator,
            kind=kind,
            language=detect_language(document.text),
            participant_id=participant_id,
            segment=dict(self.options.segment),
            metadata=metadata,
            turns=turns,
            sections=document.sections,
            redactions=dict(counts),
        )
        chunks = chunk_source(source, document.text, lambda t: redactor.redact(t)[0])
        replaces = self.catalog.ids_at(self.project, document.locator) - {sid}
        return _Prepared(source, document.text, document.locator, replaces, chunks)

    def _participant_id(
        self,
        document: Document,
        kind: SourceKind,
        roles: dict[str | None, Role],
        shown: dict[str | None, str | None],
        sid: str,
    ) -> str:
        hint = document.participant_hint
        if hint:
            if is_generic_label(hint):
                return hint
            stem = "Reviewer" if kind is SourceKind.review else None
            return self.catalog.alias(self.project, hint, Role.participant, stem)
        if kind is SourceKind.review:
            return f"review {document.locator.rsplit('#', 1)[1]}"
        if m := _PARTICIPANT_CODE.search(Path(document.locator).stem):
            return f"P{int(m.group(1))}"
        speakers = [
            label for label, role in roles.items() if label is not None and role is Role.participant
        ]
        if len(speakers) == 1:
            return shown[speakers[0]] or speakers[0]
        return f"source {sid[:8]}"

    def _flush(self, report: IngestReport) -> None:
        if not self._batch:
            return
        batch, self._batch = self._batch, []
        chunks = [c for p in batch for c in p.chunks]
        vectors = self.embedder.embed([c.text for c in chunks])
        extra: list[dict[str, Scalar]] = []
        for p in batch:
            common = self._chunk_metadata(p.source)
            extra.extend(common for _ in p.chunks)
        replaced = {i for p in batch for i in p.replaces}
        self.catalog.begin(self.project, [(p.source, p.original, p.locator) for p in batch])
        self.store.upsert(self.project, chunks, vectors, extra)
        self.catalog.commit(self.project, [p.source.id for p in batch], replaced)
        if replaced:
            self.store.delete_sources(self.project, sorted(replaced))
            self.catalog.forget(self.project, [], replaced)
        report.added.extend(p.source for p in batch)
        report.replaced += len(replaced)
        report.chunks += len(chunks)
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
