"""Numbered schema migrations for the workspace database, applied once each and recorded.

Each owner of tables (the ingest catalog, the assistant's repository) keeps its own ordered
sequence of migration functions in one SQLite file; `_migrations` records which ran, by owner
and function name, with the time. Opening a database applies the ones it lacks, in order, each
in the same transaction as its record, so a failed step leaves nothing half done and two
processes opening one old workspace at once upgrade it once. A database that records a
migration this code does not know was written by a newer journeymap: it is refused, not
touched. (simonw/llm's migrations.py is the model.)
"""

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from journey.errors import ConfigError

Step = Callable[[sqlite3.Connection], None]
"""A migration: DDL and data changes through `execute` (never `executescript`, which
commits the transaction the step runs in)."""

_LEDGER = """
CREATE TABLE IF NOT EXISTS _migrations (
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (owner, name)
)
"""


class Migrations:
    """One owner's migrations, registered in order with the instance as a decorator:

    ```
    migrations = Migrations("catalog")

    @migrations
    def m001_initial(db: sqlite3.Connection) -> None: ...
    ```
    """

    def __init__(self, owner: str) -> None:
        self.owner = owner
        self._steps: list[tuple[str, Step]] = []

    def __call__(self, step: Step) -> Step:
        name = step.__name__
        if any(name == known for known, _ in self._steps):
            raise ValueError(f"migration {self.owner}/{name} is registered twice")
        self._steps.append((name, step))
        return step

    @property
    def names(self) -> list[str]:
        """Every migration's name, in the order they apply."""
        return [name for name, _ in self._steps]

    def applied(self, db: sqlite3.Connection) -> list[str]:
        """Names of this owner's migrations the database records, oldest first."""
        if not _has_ledger(db):
            return []
        rows = db.execute(
            "SELECT name FROM _migrations WHERE owner=? ORDER BY applied_at, rowid", (self.owner,)
        )
        return [str(r[0]) for r in rows]

    def apply(self, db: sqlite3.Connection, path: Path | str = "the workspace") -> list[str]:
        """Apply the migrations the database lacks, in order; returns their names.

        `db` must be in autocommit mode (isolation_level=None): each step runs in its own
        BEGIN IMMEDIATE transaction with its record. Raises ConfigError, changing nothing,
        if the database records a migration unknown here (a newer journeymap wrote it)."""
        if not self._pending(db, path):
            return []  # the usual open: a read, no write lock
        done: list[str] = []
        for name, step in self._steps:
            with transaction(db):
                db.execute(_LEDGER)
                if name in self._pending(db, path):  # another process may have run it since
                    step(db)
                    db.execute(
                        "INSERT INTO _migrations VALUES (?, ?, ?)",
                        (self.owner, name, datetime.now(UTC).isoformat(timespec="microseconds")),
                    )
                    done.append(name)
        return done

    def _pending(self, db: sqlite3.Connection, path: Path | str) -> list[str]:
        applied = set(self.applied(db))
        unknown = sorted(applied - set(self.names))
        if unknown:
            raise ConfigError(
                f"the database {path} was written by a newer journeymap: it records "
                f"{self.owner} migration(s) {', '.join(unknown)} that this version does not "
                "know. Upgrade journeymap, or set JOURNEYMAP_HOME to another workspace; "
                "nothing was changed."
            )
        return [name for name in self.names if name not in applied]


def _has_ledger(db: sqlite3.Connection) -> bool:
    row = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_migrations'"
    ).fetchone()
    return row is not None


def connect(path: Path, migrations: Migrations) -> sqlite3.Connection:
    """Open the workspace database at `path` (created if new) for one owner of tables, with
    that owner's migrations applied. Autocommit mode: write in `transaction`s."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
    try:
        _use_wal(db)
        db.execute("PRAGMA foreign_keys=ON")
        # What a deleted source or project said is overwritten, not left in free pages (most
        # builds default to it; some do not).
        db.execute("PRAGMA secure_delete=ON")
        migrations.apply(db, path)
    except BaseException:
        db.close()
        raise
    return db


def _use_wal(db: sqlite3.Connection, seconds: float = 60.0) -> None:
    """Switch to write-ahead logging. Changing the journal mode needs the database to
    itself, and SQLite answers "database is locked" at once instead of waiting, so
    processes opening one workspace together (API workers starting on an old workspace) try
    again, with short pauses, for up to `seconds`."""
    deadline = time.monotonic() + seconds
    pause = 0.01
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def settle(db: sqlite3.Connection) -> None:
    """Copy the write-ahead log into the database and empty it, so pages a delete overwrote
    are gone from both files at once, not at SQLite's next automatic checkpoint (a reader
    holding an old snapshot only delays it)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


@contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """A write transaction that takes the database's write lock at once (no upgrade
    deadlock between two writers), rolled back on any error."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
