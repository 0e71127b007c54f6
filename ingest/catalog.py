"""The workspace catalog (SQLite): projects, sources with their turns, and the PII name mapping.

Its tables are created and upgraded by numbered migrations (`migrations`, owner "catalog");
maps, edits, conversations and the LLM reply cache live in the same file but belong to
assistant.repository.

A source row is written as `pending` before its chunks reach the vector store and marked
`stored` after, so an interrupted ingest can be cleaned up and rerun without loss or duplicates.
Ingests into one project take turns across processes (`ingest_lock`), so the clean-up only
ever sees what a dead process left.
"""

import difflib
import logging
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.migrations import Migrations, connect, transaction
from ingest.speakers import GROUP_PREFIX, people_of
from journey.errors import UnknownProjectError
from journey.schema import every_field
from journey.source import Role, Source, Turn

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so ingests are not serialised
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

migrations = Migrations("catalog")


@migrations
def m001_initial(db: sqlite3.Connection) -> None:
    """The catalog as it was before migrations: IF NOT EXISTS, so a workspace made by an
    older journeymap keeps its rows and only gains the ledger."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS projects (
            name TEXT PRIMARY KEY,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS sources (
            project TEXT NOT NULL REFERENCES projects(name),
            id TEXT NOT NULL,
            locator TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'stored')),
            original TEXT NOT NULL,
            source_json TEXT NOT NULL,
            ingested_at TEXT NOT NULL,
            PRIMARY KEY (project, id)
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS sources_locator ON sources(project, locator)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS aliases (
            project TEXT NOT NULL,
            label TEXT NOT NULL,
            placeholder TEXT NOT NULL,
            role TEXT NOT NULL,
            PRIMARY KEY (project, label)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS tombstones (
            project TEXT NOT NULL,
            source_id TEXT NOT NULL,
            PRIMARY KEY (project, source_id)
        )"""
    )


MENTIONED = "[NAME]"
"""The placeholder of a name the text revealed ('my partner, Dev') rather than a speaker."""
_PLACEHOLDER_STEM = {
    Role.participant: "Participant",
    Role.interviewer: "Interviewer",
    Role.unknown: "Speaker",
}
ZH_STEMS = {
    "Participant": "受访者",
    "Interviewer": "访谈者",
    "Speaker": "说话人",
    "Reviewer": "评价者",
    "Respondent": "答卷人",
}
"""The pseudonyms of people first named in Chinese text, so it reads 我叫受访者2 (not 我叫
Participant 2); numbered with the English ones of their kind, never the same number."""


@dataclass(frozen=True)
class StoredSource:
    """A source as the catalog holds it: the model, its unredacted text and its status."""

    source: Source
    original: str
    locator: str
    status: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _compact(source: Source) -> Source:
    """The validated source again, its turns and itself sharing one set of field names per
    model (every field is set, as stored) instead of one set each: half of what a review
    weighs in memory, and a map of 100,000 reviews holds all of them."""
    turns = [Turn.model_construct(every_field(Turn), **t.__dict__) for t in source.turns]
    return Source.model_construct(every_field(Source), **{**source.__dict__, "turns": turns})


class Catalog:
    """Projects, sources and name aliases in one SQLite file of the workspace."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._locks = path.parent / "locks"
        self._local = threading.local()
        self._opened: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._local.db = connect(path, migrations)
        self._opened.append(self._local.db)

    @property
    def _db(self) -> sqlite3.Connection:
        """This thread's connection. One connection shared by the server's threads let one
        ingest's COMMIT end another's transaction ("cannot start a transaction within a
        transaction", rows lost) when two projects were ingested at once; SQLite's own lock
        makes writers of separate connections take turns."""
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = connect(self._path, migrations)  # migrations are applied: only a read
            with self._guard:
                self._opened.append(db)
            self._local.db = db
        return db

    def close(self) -> None:
        """Close the database connections."""
        with self._guard:
            for db in self._opened:
                db.close()
            self._opened.clear()
        self._local = threading.local()

    def _transaction(self) -> AbstractContextManager[sqlite3.Connection]:
        return transaction(self._db)

    @contextmanager
    def ingest_lock(self, project: str) -> Iterator[None]:
        """Hold a project's ingest lock, shared by every process on this workspace: waits
        (saying so) while another ingest into the project runs. The OS drops the lock of a
        process that dies, so pending rows seen under it are never another live ingest's."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        self._locks.mkdir(exist_ok=True)
        with (self._locks / f"{project}.lock").open("a") as f:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                logger.warning("another ingest into %r is running; waiting for it to end", project)
                fcntl.flock(f, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    # projects
    def ensure_project(self, name: str) -> None:
        """Create the project if it does not exist."""
        self._db.execute("INSERT OR IGNORE INTO projects VALUES (?, ?)", (name, _now()))

    def projects(self) -> list[str]:
        """Names of all projects."""
        return [r[0] for r in self._db.execute("SELECT name FROM projects ORDER BY name")]

    def require_project(self, name: str) -> None:
        """Raise UnknownProjectError naming the existing projects if `name` is not one."""
        projects = self.projects()
        if name not in projects:
            known = ", ".join(projects) or "none yet"
            close = difflib.get_close_matches(name, projects, n=1, cutoff=0.75)
            hint = f"did you mean {close[0]!r}? " if close else ""
            raise UnknownProjectError(
                f"no project {name!r} ({hint}projects: {known}); ingest files into it to "
                f"create it (`journeymap ingest FILES --project {name}`, an upload to "
                f"POST /v1/projects/{name}/sources, or the ingest_source tool)"
            )

    # sources
    def status(self, project: str, source_id: str) -> str | None:
        """'stored', 'pending', or None if the catalog has no such source."""
        row = self._db.execute(
            "SELECT status FROM sources WHERE project=? AND id=?", (project, source_id)
        ).fetchone()
        return row[0] if row else None

    def source(self, project: str, source_id: str) -> Source | None:
        """One source's model, stored or pending; None if the catalog has no such source."""
        row = self._db.execute(
            "SELECT source_json FROM sources WHERE project=? AND id=?", (project, source_id)
        ).fetchone()
        return Source.model_validate_json(row[0]) if row else None

    def ids_at(self, project: str, locator: str) -> set[str]:
        """Ids of the sources ingested from one file path (or one table row)."""
        rows = self._db.execute(
            "SELECT id FROM sources WHERE project=? AND locator=?", (project, locator)
        )
        return {r[0] for r in rows}

    def begin(self, project: str, items: Iterable[tuple[Source, str, str]]) -> None:
        """Record sources (source, original text, locator) as pending, before their chunks."""
        now = _now()
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, 'pending', ?, ?, ?)",
                [
                    (project, s.id, loc, original, s.model_dump_json(), now)
                    for s, original, loc in items
                ],
            )

    def update_source(self, project: str, source: Source) -> None:
        """Replace a stored source's model (e.g. re-redacted), keeping its text and status."""
        self.update_sources(project, [source])

    def update_sources(self, project: str, sources: Sequence[Source]) -> None:
        """Replace stored sources' models, in one transaction."""
        with self._transaction() as db:
            db.executemany(
                "UPDATE sources SET source_json=? WHERE project=? AND id=?",
                [(source.model_dump_json(), project, source.id) for source in sources],
            )

    def commit(self, project: str, ids: Iterable[str], replaced: Iterable[str]) -> None:
        """Mark sources stored; drop the rows they replace and remember to delete their chunks."""
        ids, replaced = list(ids), list(replaced)
        with self._transaction() as db:
            db.executemany(
                "UPDATE sources SET status='stored' WHERE project=? AND id=?",
                [(project, i) for i in ids],
            )
            db.executemany(
                "DELETE FROM sources WHERE project=? AND id=?", [(project, i) for i in replaced]
            )
            db.executemany(
                "INSERT OR IGNORE INTO tombstones VALUES (?, ?)", [(project, i) for i in replaced]
            )

    def unfinished(self, project: str) -> tuple[list[str], list[str]]:
        """(pending source ids, tombstoned source ids) left by an interrupted ingest."""
        pending = [
            r[0]
            for r in self._db.execute(
                "SELECT id FROM sources WHERE project=? AND status='pending'", (project,)
            )
        ]
        dead = [
            r[0]
            for r in self._db.execute(
                "SELECT source_id FROM tombstones WHERE project=?", (project,)
            )
        ]
        return pending, dead

    def forget(self, project: str, pending: Iterable[str], dead: Iterable[str]) -> None:
        """Drop pending rows and tombstones once their chunks are gone from the store."""
        with self._transaction() as db:
            db.executemany(
                "DELETE FROM sources WHERE project=? AND id=? AND status='pending'",
                [(project, i) for i in pending],
            )
            db.executemany(
                "DELETE FROM tombstones WHERE project=? AND source_id=?",
                [(project, i) for i in dead],
            )

    def sources(self, project: str) -> list[StoredSource]:
        """All stored sources of a project, in ingest order."""
        rows = self._db.execute(
            "SELECT source_json, original, locator, status FROM sources "
            "WHERE project=? AND status='stored' ORDER BY ingested_at, locator",
            (project,),
        )
        return [
            StoredSource(_compact(Source.model_validate_json(r[0])), r[1], r[2], r[3]) for r in rows
        ]

    def counts(self, project: str) -> tuple[int, int]:
        """(stored sources, distinct participants) of a project, without reading the sources
        themselves: a project of 60,000 reviews took 11 s to describe when each was loaded."""
        rows = self._db.execute(
            "SELECT COUNT(*), COALESCE(json_extract(source_json, '$.participant_id'), '') AS p "
            "FROM sources WHERE project=? AND status='stored' GROUP BY p",
            (project,),
        ).fetchall()
        people = {str(p) for _, p in rows if not str(p).startswith(GROUP_PREFIX)}
        if len(people) < len(rows):  # a group's files (few): each of its speakers counts
            groups = self._db.execute(
                "SELECT source_json FROM sources WHERE project=? AND status='stored' AND "
                "json_extract(source_json, '$.participant_id') LIKE ?",
                (project, GROUP_PREFIX + "%"),
            )
            people.update(p for (j,) in groups for p in people_of(Source.model_validate_json(j)))
        return sum(int(n) for n, _ in rows), len(people)

    # aliases: real speaker names -> placeholders, kept only in the workspace
    def locators(self, project: str) -> list[str]:
        """Where each of the project's sources came from (file names, table rows)."""
        rows = self._db.execute("SELECT locator FROM sources WHERE project=?", (project,))
        return [str(r[0]) for r in rows]

    def aliases(self, project: str) -> dict[str, str]:
        """Real label -> placeholder for every name seen in the project."""
        rows = self._db.execute(
            "SELECT label, placeholder FROM aliases WHERE project=?", (project,)
        )
        return dict(rows)

    def mentioned(self, project: str, names: Iterable[str]) -> int:
        """Names the text revealed (not speakers): each to be redacted as [NAME] in every
        source of the project, from here on and in what is stored. Returns how many are new."""
        rows = [(project, name, MENTIONED, Role.unknown.value) for name in sorted(set(names))]
        if not rows:
            return 0
        with self._transaction() as db:
            cursor = db.executemany("INSERT OR IGNORE INTO aliases VALUES (?, ?, ?, ?)", rows)
            return max(cursor.rowcount, 0)

    def alias(
        self,
        project: str,
        label: str,
        role: Role,
        stem: str | None = None,
        number: int | None = None,
        chinese: bool = False,
        reserved: frozenset[int] = frozenset(),
    ) -> str:
        """The placeholder for a real name, allocating the next free one for its role (a name
        only mentioned so far gets one once it speaks): `number` when it is free (the speaker of
        p09_lena.txt is "Participant 9", as the source's participant id P9 says), else the next
        number neither taken nor `reserved` (numbers files give their own participants). A name
        first met in `chinese` text gets the Chinese stem (受访者9)."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT placeholder FROM aliases WHERE project=? AND label=?", (project, label)
            ).fetchone()
            if row and row[0] != MENTIONED:
                return str(row[0])
            db.execute("DELETE FROM aliases WHERE project=? AND label=?", (project, label))
            english = stem or _PLACEHOLDER_STEM[role]
            stems = (english, ZH_STEMS.get(english, english))
            stem, sep = (stems[1], "") if chinese else (english, " ")
            taken = [
                str(r[0])
                for r in db.execute(
                    "SELECT placeholder FROM aliases WHERE project=? AND "
                    "(placeholder LIKE ? OR placeholder LIKE ?)",
                    (project, f"{stems[0]}%", f"{stems[1]}%"),
                )
            ]
            used = {int(m.group()) for t in taken if (m := re.search(r"\d+$", t))}
            if english == "Interviewer" and not taken:
                placeholder = stem
            elif number is not None and number not in used:
                placeholder = f"{stem}{sep}{number}"
            else:
                n = len(taken) + 1
                # a number taken out of turn by a file's own, or kept for one
                while n in used or (english == "Participant" and n in reserved):
                    n += 1
                placeholder = f"{stem}{sep}{n}"
            db.execute(
                "INSERT INTO aliases VALUES (?, ?, ?, ?)", (project, label, placeholder, role.value)
            )
            return placeholder

    def delete_source(self, project: str, source_id: str) -> bool:
        """Forget one source (its chunks must be deleted from the store too); False if absent.
        The names its text gave (speaker labels, people it mentions) go from the name mapping
        unless another source's text says them too: a privacy audit found a withdrawn
        participant's real name and their family's in the mapping after the deletion."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT original, locator FROM sources WHERE project=? AND id=?",
                (project, source_id),
            ).fetchone()
            cursor = db.execute(
                "DELETE FROM sources WHERE project=? AND id=?", (project, source_id)
            )
            if row is None:
                return cursor.rowcount > 0
            said = f"{row[0]}\n{row[1]}".casefold()
            labels = [
                str(label)
                for (label,) in db.execute("SELECT label FROM aliases WHERE project=?", (project,))
                if str(label).casefold() in said
            ]
            if labels:
                rest = db.execute(
                    "SELECT original, locator FROM sources WHERE project=?", (project,)
                )
                for original, locator in rest:
                    text = f"{original}\n{locator}".casefold()
                    labels = [label for label in labels if label.casefold() not in text]
                    if not labels:
                        break
                db.executemany(
                    "DELETE FROM aliases WHERE project=? AND label=?",
                    [(project, label) for label in labels],
                )
            return cursor.rowcount > 0

    def delete_project(self, project: str) -> None:
        """Forget a project: its sources and name mapping (its maps, edits and conversations
        are the repository's to delete)."""
        with self._transaction() as db:
            for table in ("sources", "aliases", "tombstones"):
                db.execute(f"DELETE FROM {table} WHERE project=?", (project,))
            db.execute("DELETE FROM projects WHERE name=?", (project,))
