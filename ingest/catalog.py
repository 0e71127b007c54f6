"""The workspace catalog (SQLite): projects, sources with their turns, and the PII name mapping.

A source row is written as `pending` before its chunks reach the vector store and marked
`stored` after, so an interrupted ingest can be cleaned up and rerun without loss or duplicates.
Ingests into one project take turns across processes (`ingest_lock`), so the clean-up only
ever sees what a dead process left.
"""

import logging
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from journey.errors import NotFoundError
from journey.source import Role, Source

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so ingests are not serialised
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS projects (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    project TEXT NOT NULL REFERENCES projects(name),
    id TEXT NOT NULL,
    locator TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'stored')),
    original TEXT NOT NULL,
    source_json TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    PRIMARY KEY (project, id)
);
CREATE INDEX IF NOT EXISTS sources_locator ON sources(project, locator);
CREATE TABLE IF NOT EXISTS aliases (
    project TEXT NOT NULL,
    label TEXT NOT NULL,
    placeholder TEXT NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (project, label)
);
CREATE TABLE IF NOT EXISTS maps (
    project TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    map_json TEXT NOT NULL,
    PRIMARY KEY (project, id)
);
CREATE TABLE IF NOT EXISTS edits (
    project TEXT NOT NULL,
    id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    edit_json TEXT NOT NULL,
    PRIMARY KEY (project, id)
);
CREATE TABLE IF NOT EXISTS llm_replies (
    key TEXT PRIMARY KEY,
    reply_json TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conversation_turns (
    project TEXT NOT NULL,
    conversation TEXT NOT NULL,
    n INTEGER NOT NULL,
    question TEXT NOT NULL,
    asked TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (project, conversation, n)
);
CREATE TABLE IF NOT EXISTS tombstones (
    project TEXT NOT NULL,
    source_id TEXT NOT NULL,
    PRIMARY KEY (project, source_id)
);
"""
_PLACEHOLDER_STEM = {
    Role.participant: "Participant",
    Role.interviewer: "Interviewer",
    Role.unknown: "Speaker",
}


@dataclass(frozen=True)
class StoredSource:
    """A source as the catalog holds it: the model, its unredacted text and its status."""

    source: Source
    original: str
    locator: str
    status: str


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Catalog:
    """Projects, sources and name aliases in one SQLite file of the workspace."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._locks = path.parent / "locks"
        self._db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

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
        """Raise NotFoundError naming the existing projects if `name` is not one."""
        if name not in self.projects():
            known = ", ".join(self.projects()) or "none yet"
            raise NotFoundError(
                f"no project {name!r} (projects: {known}); ingest files with --project {name}"
            )

    # sources
    def status(self, project: str, source_id: str) -> str | None:
        """'stored', 'pending', or None if the catalog has no such source."""
        row = self._db.execute(
            "SELECT status FROM sources WHERE project=? AND id=?", (project, source_id)
        ).fetchone()
        return row[0] if row else None

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
        with self._transaction() as db:
            db.execute(
                "UPDATE sources SET source_json=? WHERE project=? AND id=?",
                (source.model_dump_json(), project, source.id),
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
        return [StoredSource(Source.model_validate_json(r[0]), r[1], r[2], r[3]) for r in rows]

    # aliases: real speaker names -> placeholders, kept only in the workspace
    def aliases(self, project: str) -> dict[str, str]:
        """Real label -> placeholder for every name seen in the project."""
        rows = self._db.execute(
            "SELECT label, placeholder FROM aliases WHERE project=?", (project,)
        )
        return dict(rows)

    def alias(self, project: str, label: str, role: Role, stem: str | None = None) -> str:
        """The placeholder for a real name, allocating the next free one for its role."""
        with self._transaction() as db:
            row = db.execute(
                "SELECT placeholder FROM aliases WHERE project=? AND label=?", (project, label)
            ).fetchone()
            if row:
                return str(row[0])
            stem = stem or _PLACEHOLDER_STEM[role]
            taken = db.execute(
                "SELECT COUNT(*) FROM aliases WHERE project=? AND placeholder LIKE ?",
                (project, f"{stem}%"),
            ).fetchone()[0]
            placeholder = stem if stem == "Interviewer" and taken == 0 else f"{stem} {taken + 1}"
            db.execute(
                "INSERT INTO aliases VALUES (?, ?, ?, ?)", (project, label, placeholder, role.value)
            )
            return placeholder

    # maps: every version built, newest last
    def save_map(self, project: str, map_id: str, map_json: str) -> None:
        """Store a built map (a rebuild of the same inputs replaces that version)."""
        self._db.execute(
            "INSERT OR REPLACE INTO maps VALUES (?, ?, ?, ?)", (project, map_id, _now(), map_json)
        )

    def latest_map(self, project: str) -> str | None:
        """The JSON of the newest map of a project, if one was built."""
        row = self._db.execute(
            "SELECT map_json FROM maps WHERE project=? ORDER BY created_at DESC, rowid DESC "
            "LIMIT 1",
            (project,),
        ).fetchone()
        return str(row[0]) if row else None

    def delete_source(self, project: str, source_id: str) -> bool:
        """Forget one source (its chunks must be deleted from the store too); False if absent."""
        with self._transaction() as db:
            cursor = db.execute(
                "DELETE FROM sources WHERE project=? AND id=?", (project, source_id)
            )
            return cursor.rowcount > 0

    def delete_project(self, project: str) -> None:
        """Forget a project: its sources, maps, edits, conversations and name mapping."""
        with self._transaction() as db:
            for table in (
                "sources",
                "maps",
                "aliases",
                "tombstones",
                "edits",
                "conversation_turns",
            ):
                db.execute(f"DELETE FROM {table} WHERE project=?", (project,))
            db.execute("DELETE FROM projects WHERE name=?", (project,))

    def latest_map_id(self, project: str) -> str | None:
        """Id of the newest map of a project, if one was built."""
        row = self._db.execute(
            "SELECT id FROM maps WHERE project=? ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (project,),
        ).fetchone()
        return str(row[0]) if row else None

    def map_versions(self, project: str) -> list[tuple[str, str]]:
        """(id, created_at) of every stored map of a project, newest first."""
        rows = self._db.execute(
            "SELECT id, created_at FROM maps WHERE project=? ORDER BY created_at DESC, rowid DESC",
            (project,),
        )
        return [(str(i), str(t)) for i, t in rows]

    def map_version(self, project: str, map_id: str) -> str | None:
        """The JSON of one stored map."""
        row = self._db.execute(
            "SELECT map_json FROM maps WHERE project=? AND id=?", (project, map_id)
        ).fetchone()
        return str(row[0]) if row else None

    # edits people made to the map; re-applied to every rebuild
    def add_edit(self, project: str, edit_id: str, edit_json: str) -> None:
        """Store an edit."""
        self._db.execute(
            "INSERT INTO edits VALUES (?, ?, ?, ?)", (project, edit_id, _now(), edit_json)
        )

    def edits(self, project: str) -> list[str]:
        """The JSON of a project's edits, oldest first."""
        rows = self._db.execute(
            "SELECT edit_json FROM edits WHERE project=? ORDER BY created_at, rowid", (project,)
        )
        return [str(r[0]) for r in rows]

    def delete_edit(self, project: str, edit_id: str) -> bool:
        """Remove an edit; False if there was none."""
        with self._transaction() as db:
            return (
                db.execute(
                    "DELETE FROM edits WHERE project=? AND id=?", (project, edit_id)
                ).rowcount
                > 0
            )

    # LLM replies, keyed by (model, prompt version, request hash)
    def cached_reply(self, key: str) -> tuple[str, int, int] | None:
        """A stored LLM reply with the tokens it cost when it was made, or None."""
        row = self._db.execute(
            "SELECT reply_json, prompt_tokens, completion_tokens FROM llm_replies WHERE key = ?",
            (key,),
        ).fetchone()
        return (row[0], int(row[1]), int(row[2])) if row else None

    def cache_reply(
        self, key: str, reply_json: str, prompt_tokens: int, completion_tokens: int
    ) -> None:
        """Keep a validated LLM reply so an unchanged request is never paid for twice."""
        self._db.execute(
            "INSERT OR REPLACE INTO llm_replies VALUES (?, ?, ?, ?, ?)",
            (key, reply_json, prompt_tokens, completion_tokens, _now()),
        )

    def cache_totals(self) -> tuple[int, int, int]:
        """Replies cached, and the prompt and completion tokens they cost when made."""
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), "
            "COALESCE(SUM(completion_tokens), 0) FROM llm_replies"
        ).fetchone()
        return int(row[0]), int(row[1]), int(row[2])

    def clear_cache(self, older_than_days: float | None = None) -> int:
        """Forget cached LLM replies (those made more than `older_than_days` ago, or all);
        returns how many. Maps already built keep their quotes and figures."""
        if older_than_days is None:
            return self._db.execute("DELETE FROM llm_replies").rowcount
        cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(timespec="seconds")
        return self._db.execute("DELETE FROM llm_replies WHERE created_at < ?", (cutoff,)).rowcount

    # chat conversations: each turn's question, what was searched for, and the answer text
    def conversation(self, project: str, conversation: str) -> list[tuple[str, str, str]]:
        """The turns of a conversation so far: (question, asked, answer), oldest first."""
        rows = self._db.execute(
            "SELECT question, asked, answer FROM conversation_turns "
            "WHERE project = ? AND conversation = ? ORDER BY n",
            (project, conversation),
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def add_turn(
        self, project: str, conversation: str, question: str, asked: str, answer: str
    ) -> None:
        """Append a turn to a conversation (created by its first turn)."""
        with self._transaction() as db:
            (n,) = db.execute(
                "SELECT COUNT(*) FROM conversation_turns WHERE project = ? AND conversation = ?",
                (project, conversation),
            ).fetchone()
            db.execute(
                "INSERT INTO conversation_turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                (project, conversation, n, question, asked, answer, _now()),
            )
