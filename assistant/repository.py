"""What the assistant keeps in the workspace database: built maps (every version), people's
edits, chat conversations, the LLM reply cache and each source's sentences as maps read them.
Typed in and out (JourneyMap, Edit, pydantic replies); its tables are created and upgraded by
its own numbered migrations (owner "repository") in the catalog's SQLite file.
"""

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple, TypeVar

from pydantic import BaseModel

from ingest.migrations import Migrations, connect, settle, transaction
from journey.edits import Edit, without_source
from journey.schema import JourneyMap

__all__ = [
    "CacheTotals",
    "ConversationTurn",
    "MapVersion",
    "Repository",
    "SourceReading",
    "migrations",
]

T = TypeVar("T", bound=BaseModel)

migrations = Migrations("repository")


@migrations
def m001_initial(db: sqlite3.Connection) -> None:
    """The tables as the catalog kept them before migrations: IF NOT EXISTS, so a workspace
    made by an older journeymap keeps every map, edit, conversation and cached reply."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS maps (
            project TEXT NOT NULL,
            id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            map_json TEXT NOT NULL,
            PRIMARY KEY (project, id)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS edits (
            project TEXT NOT NULL,
            id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            edit_json TEXT NOT NULL,
            PRIMARY KEY (project, id)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS llm_replies (
            key TEXT PRIMARY KEY,
            reply_json TEXT NOT NULL,
            prompt_tokens INTEGER NOT NULL,
            completion_tokens INTEGER NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS conversation_turns (
            project TEXT NOT NULL,
            conversation TEXT NOT NULL,
            n INTEGER NOT NULL,
            question TEXT NOT NULL,
            asked TEXT NOT NULL,
            answer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (project, conversation, n)
        )"""
    )


@migrations
def m002_source_readings(db: sqlite3.Connection) -> None:
    """Each source's participant sentences as the map reads them (offsets, redacted text,
    vectors, and how an extractor that reads sentences on their own read each), so a rebuild
    reads again only the sources that changed."""
    db.execute(
        """CREATE TABLE source_readings (
            project TEXT NOT NULL,
            source_id TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            sentences INTEGER NOT NULL,
            units_json TEXT NOT NULL,
            vectors BLOB NOT NULL,
            reader TEXT,
            readings_json TEXT,
            PRIMARY KEY (project, source_id)
        )"""
    )


class SourceReading(NamedTuple):
    """One source's sentences as a map reads them; `fingerprint` says what they were read
    from (the source as stored, the code, the embedding model, the redaction settings)."""

    source_id: str
    fingerprint: str
    sentences: int
    units_json: str
    """[[turn index, char_start, char_end, redacted text], ...], in source order."""
    vectors: bytes
    """float32, sentences x dimensions, row for row."""
    reader: str | None
    """Which extractor read the sentences (its name and version), if one did."""
    readings_json: str | None
    """What it read, one entry per sentence."""


class MapVersion(NamedTuple):
    """A stored map version."""

    id: str
    created_at: str
    """When it was stored (ISO 8601, UTC)."""


class ConversationTurn(NamedTuple):
    """One question of a conversation and its answer."""

    question: str
    """As the person asked it."""
    asked: str
    """What was searched for (a follow-up joins the question before it)."""
    answer: str


class CacheTotals(NamedTuple):
    """The LLM reply cache in three numbers."""

    replies: int
    prompt_tokens: int
    """Prompt tokens the cached replies cost when they were made."""
    completion_tokens: int


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Repository:
    """Maps, edits, conversations and cached LLM replies in the workspace's SQLite file."""

    def __init__(self, path: Path) -> None:
        self._db = connect(path, migrations)
        # One connection serves every thread of a server: one transaction at a time on it.
        self._lock = threading.RLock()

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock, transaction(self._db) as db:
            yield db

    def forget_turns_quoting(self, project: str, needles: Sequence[str]) -> int:
        """Drop the conversation turns whose answer holds any of `needles` (the openings of a
        deleted source's sentences): a chat answer cites a quote by its words and speaker, not
        its source id, so a privacy audit's withdrawn participant stayed quoted in them."""
        wanted = [n for n in dict.fromkeys(needles) if n]
        if not wanted:
            return 0
        with self._transaction() as db:
            rows = db.execute(
                "SELECT rowid, answer FROM conversation_turns WHERE project=?", (project,)
            ).fetchall()
            gone = [(r,) for r, answer in rows if any(n in answer for n in wanted)]
            db.executemany("DELETE FROM conversation_turns WHERE rowid=?", gone)
        return len(gone)

    def settle(self) -> None:
        """After a deletion: nothing deleted stays in the write-ahead log or its pages."""
        with self._lock:
            settle(self._db)

    def delete_project(self, project: str) -> None:
        """Forget a project's maps, edits and conversations (its cached LLM replies are keyed
        by request, not project, and stay until the cache is cleared)."""
        with self._transaction() as db:
            for table in ("maps", "edits", "conversation_turns", "source_readings"):
                db.execute(f"DELETE FROM {table} WHERE project=?", (project,))

    # each source's sentences as maps read them, reused while the source is unchanged
    def source_fingerprints(self, project: str) -> dict[str, tuple[str, int, str | None]]:
        """Source id -> (fingerprint, sentences, reader) of every source reading kept."""
        rows = self._db.execute(
            "SELECT source_id, fingerprint, sentences, reader FROM source_readings WHERE project=?",
            (project,),
        )
        return {str(r[0]): (str(r[1]), int(r[2]), r[3]) for r in rows}

    def source_readings(self, project: str, source_ids: Sequence[str]) -> Iterator[SourceReading]:
        """The kept readings of the given sources (those that have one, in no set order), read
        500 sources at a time (each batch read whole: no statement stays open between them)."""
        for start in range(0, len(source_ids), 500):
            ids = list(source_ids[start : start + 500])
            marks = ",".join("?" * len(ids))
            rows = self._db.execute(
                "SELECT source_id, fingerprint, sentences, units_json, vectors, reader, "
                f"readings_json FROM source_readings WHERE project=? AND source_id IN ({marks})",
                (project, *ids),
            ).fetchall()
            yield from (SourceReading(*row) for row in rows)

    def keep_source_readings(self, project: str, readings: Sequence[SourceReading]) -> None:
        """Keep sources' readings, replacing what was kept for them."""
        with self._transaction() as db:
            db.executemany(
                "INSERT OR REPLACE INTO source_readings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(project, *r) for r in readings],
            )

    def forget_source_readings(self, project: str, source_ids: Iterable[str]) -> None:
        """Drop the readings of sources that are gone (their sentences must not outlive them)."""
        with self._transaction() as db:
            db.executemany(
                "DELETE FROM source_readings WHERE project=? AND source_id=?",
                [(project, i) for i in source_ids],
            )

    def forget_source_everywhere(self, project: str, source_id: str) -> int:
        """Drop every stored map version and chat answer that quotes a deleted source (a
        participant who withdrew stayed quoted in the older versions and conversations);
        returns how many were dropped."""
        with self._transaction() as db:
            maps = db.execute(
                "DELETE FROM maps WHERE project=? AND instr(map_json, ?) > 0", (project, source_id)
            ).rowcount
            turns = db.execute(
                "DELETE FROM conversation_turns WHERE project=? AND instr(answer, ?) > 0",
                (project, source_id),
            ).rowcount
        return maps + turns

    # maps: every version built, newest last
    def save_map(self, journey_map: JourneyMap) -> None:
        """Store a built map as its project's newest version (a rebuild of the same inputs
        replaces that version)."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO maps VALUES (?, ?, ?, ?)",
                (journey_map.project, journey_map.id, _now(), journey_map.model_dump_json()),
            )

    def latest_map(self, project: str) -> JourneyMap | None:
        """The newest map of a project (as built, without edits), if one was built."""
        row = self._db.execute(
            "SELECT map_json FROM maps WHERE project=? ORDER BY created_at DESC, rowid DESC "
            "LIMIT 1",
            (project,),
        ).fetchone()
        return JourneyMap.model_validate_json(row[0]) if row else None

    def latest_map_id(self, project: str) -> str | None:
        """Id of the newest map of a project, if one was built."""
        row = self._db.execute(
            "SELECT id FROM maps WHERE project=? ORDER BY created_at DESC, rowid DESC LIMIT 1",
            (project,),
        ).fetchone()
        return str(row[0]) if row else None

    def map_versions(self, project: str) -> list[MapVersion]:
        """Every stored map of a project, newest first."""
        rows = self._db.execute(
            "SELECT id, created_at FROM maps WHERE project=? ORDER BY created_at DESC, rowid DESC",
            (project,),
        )
        return [MapVersion(str(i), str(t)) for i, t in rows]

    def map_version(self, project: str, map_id: str) -> JourneyMap | None:
        """One stored map (as built, without edits), or None."""
        row = self._db.execute(
            "SELECT map_json FROM maps WHERE project=? AND id=?", (project, map_id)
        ).fetchone()
        return JourneyMap.model_validate_json(row[0]) if row else None

    # edits people made to the map; re-applied to every rebuild
    def add_edit(self, project: str, edit: Edit) -> None:
        """Store an edit."""
        with self._transaction() as db:
            db.execute(
                "INSERT INTO edits VALUES (?, ?, ?, ?)",
                (project, edit.id, _now(), edit.model_dump_json()),
            )

    def edits(self, project: str) -> list[Edit]:
        """A project's edits, oldest first."""
        rows = self._db.execute(
            "SELECT edit_json FROM edits WHERE project=? ORDER BY created_at, rowid", (project,)
        )
        return [Edit.model_validate_json(r[0]) for r in rows]

    def forget_source_in_edits(self, project: str, source_id: str) -> int:
        """Take a deleted source's quotes out of the project's edits (`edits.without_source`),
        deleting an edit left with nothing; returns how many edits changed."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT id, edit_json FROM edits WHERE project=? AND instr(edit_json, ?) > 0",
                (project, source_id),
            ).fetchall()
            for edit_id, edit_json in rows:
                kept = without_source(Edit.model_validate_json(edit_json), source_id)
                if kept is None:
                    db.execute("DELETE FROM edits WHERE project=? AND id=?", (project, edit_id))
                else:
                    db.execute(
                        "UPDATE edits SET edit_json=? WHERE project=? AND id=?",
                        (kept.model_dump_json(), project, edit_id),
                    )
        return len(rows)

    def delete_edit(self, project: str, edit_id: str) -> bool:
        """Remove an edit; False if there was none."""
        with self._transaction() as db:
            cursor = db.execute("DELETE FROM edits WHERE project=? AND id=?", (project, edit_id))
            return cursor.rowcount > 0

    # chat conversations: each turn's question, what was searched for, and the answer text
    def conversation(self, project: str, conversation: str) -> list[ConversationTurn]:
        """The turns of a conversation so far, oldest first."""
        rows = self._db.execute(
            "SELECT question, asked, answer FROM conversation_turns "
            "WHERE project = ? AND conversation = ? ORDER BY n",
            (project, conversation),
        )
        return [ConversationTurn(str(q), str(a), str(r)) for q, a, r in rows]

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

    # LLM replies, keyed by (model, prompt version, request hash)
    def cached_reply(self, key: str, schema: type[T]) -> T | None:
        """A stored LLM reply as its schema, or None."""
        row = self._db.execute(
            "SELECT reply_json FROM llm_replies WHERE key = ?", (key,)
        ).fetchone()
        return schema.model_validate_json(row[0]) if row else None

    def cache_reply(
        self, key: str, reply: BaseModel, prompt_tokens: int, completion_tokens: int
    ) -> None:
        """Keep a validated LLM reply, with the tokens it cost, so an unchanged request is
        never paid for twice."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO llm_replies VALUES (?, ?, ?, ?, ?)",
                (key, reply.model_dump_json(), prompt_tokens, completion_tokens, _now()),
            )

    def cache_totals(self) -> CacheTotals:
        """Replies cached, and the prompt and completion tokens they cost when made."""
        row = self._db.execute(
            "SELECT COUNT(*), COALESCE(SUM(prompt_tokens), 0), "
            "COALESCE(SUM(completion_tokens), 0) FROM llm_replies"
        ).fetchone()
        return CacheTotals(int(row[0]), int(row[1]), int(row[2]))

    def clear_cache(self, older_than_days: float | None = None) -> int:
        """Forget cached LLM replies (those made more than `older_than_days` ago, or all);
        returns how many. Maps already built keep their quotes and figures."""
        with self._transaction() as db:
            if older_than_days is None:
                return db.execute("DELETE FROM llm_replies").rowcount
            cutoff = (datetime.now(UTC) - timedelta(days=older_than_days)).isoformat(
                timespec="seconds"
            )
            return db.execute("DELETE FROM llm_replies WHERE created_at < ?", (cutoff,)).rowcount
