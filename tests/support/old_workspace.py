"""A workspace database as journeymap made it at commit bfeeedf, before migrations, and
what tests read from one: the migration ledger and a full dump."""

import sqlite3
from pathlib import Path

OLD_WORKSPACE = Path(__file__).parents[1] / "fixtures" / "old_workspace" / "bfeeedf.sql"


def old_database(path: Path) -> Path:
    """A database as journeymap made it at commit bfeeedf (its schema and the rows its code
    wrote: a project, a source, a map, an edit, a reply, a turn)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path)
    db.executescript(OLD_WORKSPACE.read_text(encoding="utf-8"))
    db.close()
    return path


def ledger(path: Path) -> list[tuple[str, str, str]]:
    """(owner, name, applied_at) of every recorded migration, in order."""
    db = sqlite3.connect(path)
    try:
        rows = db.execute("SELECT owner, name, applied_at FROM _migrations ORDER BY rowid")
        return [(str(o), str(n), str(t)) for o, n, t in rows]
    finally:
        db.close()


def dump(path: Path) -> list[str]:
    """The database as SQL statements."""
    db = sqlite3.connect(path)
    try:
        return list(db.iterdump())
    finally:
        db.close()
