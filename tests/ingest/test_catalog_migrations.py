"""The workspace database upgrades itself: numbered migrations per owner, applied once each
and recorded; an old catalog keeps its rows; a database from a newer version is refused."""

import sqlite3
import threading
from pathlib import Path

import pytest

from ingest import catalog as catalog_module
from ingest.catalog import Catalog
from ingest.migrations import Migrations, connect
from journey.errors import ConfigError
from journey.source import Role
from tests.support.old_workspace import dump, ledger, old_database


def steps(owner: str, log: list[str], count: int) -> Migrations:
    """An owner's migrations m001..m00N, each creating its own table and logging its run."""
    migrations = Migrations(owner)
    for i in range(1, count + 1):

        def step(db: sqlite3.Connection, i: int = i) -> None:
            log.append(f"{owner}/m{i:03d}")
            db.execute(f"CREATE TABLE {owner}_{i} (x TEXT)")

        step.__name__ = f"m{i:03d}_table_{i}"
        migrations(step)
    return migrations


def test_a_new_catalog_records_its_migration_once_and_reopening_applies_nothing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "journeymap.sqlite"
    Catalog(path).close()
    first = ledger(path)
    assert [(o, n) for o, n, _ in first] == [("catalog", "m001_initial")]
    catalog = Catalog(path)
    catalog.ensure_project("study")
    assert catalog.projects() == ["study"]
    catalog.close()
    assert ledger(path) == first  # same row, same time: nothing ran again
    db = sqlite3.connect(path)
    assert catalog_module.migrations.apply(db) == []
    db.close()


def test_migrations_run_in_order_once_each_and_a_later_version_runs_only_the_new_ones(
    tmp_path: Path,
) -> None:
    path = tmp_path / "db.sqlite"
    log: list[str] = []
    connect(path, steps("demo", log, 2)).close()
    assert log == ["demo/m001", "demo/m002"]
    connect(path, steps("demo", log, 3)).close()  # the next release adds m003
    assert log == ["demo/m001", "demo/m002", "demo/m003"]
    assert [n for o, n, _ in ledger(path)] == ["m001_table_1", "m002_table_2", "m003_table_3"]
    connect(path, steps("demo", log, 3)).close()
    assert len(log) == 3


def test_owners_keep_their_own_sequences_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    log: list[str] = []
    connect(path, steps("one", log, 1)).close()
    connect(path, steps("two", log, 2)).close()
    assert log == ["one/m001", "two/m001", "two/m002"]
    assert [(o, n) for o, n, _ in ledger(path)] == [
        ("one", "m001_table_1"),
        ("two", "m001_table_1"),
        ("two", "m002_table_2"),
    ]


def test_a_failing_migration_leaves_nothing_half_done(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    migrations = Migrations("demo")

    @migrations
    def m001_ok(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE kept (x TEXT)")

    @migrations
    def m002_breaks(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half (x TEXT)")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        connect(path, migrations)
    db = sqlite3.connect(path)
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    db.close()
    assert "kept" in tables and "half" not in tables
    assert [n for _, n, _ in ledger(path)] == ["m001_ok"]  # the next open retries m002


def test_a_migration_name_registered_twice_is_a_programming_error() -> None:
    migrations = Migrations("demo")

    def m001_x(db: sqlite3.Connection) -> None: ...

    migrations(m001_x)
    with pytest.raises(ValueError, match="twice"):
        migrations(m001_x)


def test_an_old_catalog_opens_upgrades_and_keeps_its_projects_sources_and_aliases(
    tmp_path: Path,
) -> None:
    path = old_database(tmp_path / "journeymap.sqlite")
    catalog = Catalog(path)
    try:
        assert catalog.projects() == ["study"]
        [stored] = catalog.sources("study")
        assert stored.status == "stored" and stored.locator == "interviews/otter.txt"
        assert "activation code was printed really small" in stored.original
        assert stored.source.participant_id == "Participant 1"
        assert catalog.aliases("study") == {"Ravi Patel": "Participant 1"}
        assert catalog.alias("study", "Mia Chen", Role.participant) == "Participant 2"
    finally:
        catalog.close()
    assert [(o, n) for o, n, _ in ledger(path)] == [("catalog", "m001_initial")]


def test_processes_opening_an_old_workspace_at_once_upgrade_it_once(tmp_path: Path) -> None:
    path = old_database(tmp_path / "journeymap.sqlite")
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            Catalog(path).close()  # one connection each, as separate processes have
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert [(o, n) for o, n, _ in ledger(path)] == [("catalog", "m001_initial")]


def test_a_database_from_a_newer_journeymap_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "journeymap.sqlite"
    Catalog(path).close()
    db = sqlite3.connect(path)
    db.execute("INSERT INTO _migrations VALUES ('catalog', 'm002_sources_gain_a_column', 'x')")
    db.commit()
    db.close()
    before = dump(path)
    with pytest.raises(ConfigError) as refused:
        Catalog(path)
    message = str(refused.value)
    assert "newer journeymap" in message and "m002_sources_gain_a_column" in message
    assert str(path) in message and "JOURNEYMAP_HOME" in message
    assert dump(path) == before
