"""The repository: maps, edits, conversations and the LLM reply cache, typed in and out, in
the workspace database with their own migrations. An old workspace opens, upgrades once and
reads as it did; a database from a newer journeymap is refused untouched."""

import sqlite3
from pathlib import Path

import pytest

from assistant.llm_pipeline import CodedSentence, Coding
from assistant.repository import CacheTotals, ConversationTurn, MapVersion, Repository
from assistant.settings import Settings
from assistant.study import Studies
from assistant.workspace import open_workspace
from ingest.catalog import Catalog
from ingest.embeddings import UsemEmbedder
from journey.edits import Edit
from journey.errors import ConfigError, NotFoundError
from journey.schema import JourneyMap
from tests.support.old_workspace import dump, ledger, old_database

SOURCE_ID = "443d511c7ff4896f6359413b"
OLD_MAP_ID = "map-29fe3ded7fefcc28"
CACHE_KEY = "3f" * 32


@pytest.fixture
def old_home(settings: Settings) -> Settings:
    old_database(settings.home / "journeymap.sqlite")
    return settings


def test_an_old_workspace_opens_upgrades_once_and_reads_as_before(
    old_home: Settings, embedder: UsemEmbedder
) -> None:
    database = old_home.home / "journeymap.sqlite"
    workspace = open_workspace(old_home, embedder)
    try:
        study = Studies(workspace)("study")
        [source] = study.sources()
        assert source.id == SOURCE_ID and source.participant_id == "Participant 1"
        assert study.info().latest_map_id == OLD_MAP_ID
        assert [v.id for v in study.map_versions()] == [OLD_MAP_ID]
        built = study.map_version(OLD_MAP_ID)
        assert isinstance(built, JourneyMap) and built.project == "study"
        # The stored map with the old edit applied, as `GET /map` showed it before.
        edited = study.stored_map()
        titles = {f.id: f.title for s in edited.stages for f in [*s.pain_points, *s.delights]}
        assert titles["pp-purchase-1"] == "Chose Nimbank for its free account"
        [edit] = study.edits()
        assert isinstance(edit, Edit) and edit.op == "rename" and edit.anchor == [(SOURCE_ID, 139)]
        assert study.asked("c1") == "What went wrong with the card?"
        assert workspace.repository.conversation("study", "c1")[0].answer.startswith(
            "The activation"
        )
        reply = workspace.repository.cached_reply(CACHE_KEY, Coding)
        assert reply is not None and reply.observations[0].touchpoint == "Activation letter"
        assert study.studies.llm_cache_totals() == (1, 1200, 300)
    finally:
        workspace.close()
    recorded = ledger(database)
    assert [(o, n) for o, n, _ in recorded] == [
        ("catalog", "m001_initial"),
        ("repository", "m001_initial"),
        ("repository", "m002_source_readings"),
    ]
    open_workspace(old_home, embedder).close()
    assert ledger(database) == recorded  # the second open applied nothing


def test_an_old_workspace_keeps_working_after_the_upgrade(
    old_home: Settings, embedder: UsemEmbedder
) -> None:
    workspace = open_workspace(old_home, embedder)
    try:
        repository = workspace.repository
        repository.add_turn("study", "c1", "and the app?", "card app", "Tagging by hand [1].")
        assert [t.question for t in repository.conversation("study", "c1")] == [
            "What went wrong with the card?",
            "and the app?",
        ]
        old = repository.latest_map("study")
        assert old is not None
        rebuilt = old.model_copy(update={"id": "map-new"})
        repository.save_map(rebuilt)
        assert [v.id for v in repository.map_versions("study")] == ["map-new", OLD_MAP_ID]
    finally:
        workspace.close()


def test_deleting_a_project_deletes_its_maps_edits_and_conversations(
    old_home: Settings, embedder: UsemEmbedder
) -> None:
    workspace = open_workspace(old_home, embedder)
    try:
        studies = Studies(workspace)
        studies("study").delete()
        repository = workspace.repository
        assert repository.latest_map("study") is None and repository.map_versions("study") == []
        assert repository.edits("study") == [] and repository.conversation("study", "c1") == []
        assert workspace.catalog.projects() == [] and workspace.catalog.sources("study") == []
        with pytest.raises(NotFoundError):
            studies("study")
        # Cached replies are keyed by request, not project: they stay until cleared.
        assert repository.cache_totals() == CacheTotals(1, 1200, 300)
    finally:
        workspace.close()


def test_a_database_from_a_newer_journeymap_is_refused_untouched(
    old_home: Settings, embedder: UsemEmbedder
) -> None:
    database = old_home.home / "journeymap.sqlite"
    open_workspace(old_home, embedder).close()
    db = sqlite3.connect(database)
    db.execute("INSERT INTO _migrations VALUES ('repository', 'm002_maps_by_segment', 'x')")
    db.commit()
    db.close()
    before = dump(database)
    with pytest.raises(ConfigError) as refused:
        open_workspace(old_home, embedder)
    message = str(refused.value)
    assert "newer journeymap" in message and "m002_maps_by_segment" in message
    assert "JOURNEYMAP_HOME" in message
    assert dump(database) == before


def test_maps_are_stored_newest_last_and_a_rebuild_of_the_same_inputs_replaces_its_version(
    tmp_path: Path,
) -> None:
    source = Repository(old_database(tmp_path / "old.sqlite"))
    built = source.latest_map("study")
    source.close()
    assert built is not None
    repository = Repository(tmp_path / "new.sqlite")
    try:
        assert repository.latest_map("study") is None and repository.latest_map_id("study") is None
        first, second = (built.model_copy(update={"id": i}) for i in ("map-a", "map-b"))
        repository.save_map(first)
        repository.save_map(second)
        assert repository.latest_map_id("study") == "map-b"
        repository.save_map(first)  # rebuilt from the same inputs: the newest again, once
        versions = repository.map_versions("study")
        assert [v.id for v in versions] == ["map-a", "map-b"]
        assert isinstance(versions[0], MapVersion) and versions[0].created_at
        latest = repository.latest_map("study")
        assert latest == first and repository.map_version("study", "map-b") == second
        assert repository.map_version("study", "map-zzz") is None
        assert repository.map_versions("other") == []
    finally:
        repository.close()


def test_edits_and_conversation_turns_come_back_typed_and_in_order(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "journeymap.sqlite")
    try:
        edits = [
            Edit(id=f"edit-{i}", op="rename", anchor=[("src", i)], title=f"Title {i}")
            for i in range(3)
        ]
        for edit in edits:
            repository.add_edit("study", edit)
        assert repository.edits("study") == edits and repository.edits("other") == []
        assert repository.delete_edit("study", "edit-1")
        assert not repository.delete_edit("study", "edit-1")
        assert [e.id for e in repository.edits("study")] == ["edit-0", "edit-2"]
        for n in range(3):
            repository.add_turn("study", "c1", f"q{n}", f"asked {n}", f"a{n}")
        repository.add_turn("study", "c2", "other", "other", "other")
        turns = repository.conversation("study", "c1")
        assert turns == [ConversationTurn(f"q{n}", f"asked {n}", f"a{n}") for n in range(3)]
        assert repository.conversation("other", "c1") == []
    finally:
        repository.close()


def test_the_llm_cache_keeps_replies_as_their_schema_with_what_they_cost(tmp_path: Path) -> None:
    repository = Repository(tmp_path / "journeymap.sqlite")
    try:
        assert repository.cached_reply("k1", Coding) is None
        reply = Coding(
            observations=[CodedSentence(s=1, quote="too small", kind="pain_point", stage="Use")]
        )
        repository.cache_reply("k1", reply, 1000, 200)
        repository.cache_reply("k2", Coding(observations=[]), 500, 50)
        assert repository.cached_reply("k1", Coding) == reply
        assert repository.cache_totals() == CacheTotals(2, 1500, 250)
        assert repository.clear_cache(older_than_days=1) == 0  # both made just now
        assert repository.clear_cache() == 2
        assert repository.cache_totals() == CacheTotals(0, 0, 0)
    finally:
        repository.close()


def columns(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Each table's columns (name, type, not null, default, key position) and foreign keys,
    and each index's columns."""
    db = sqlite3.connect(path)
    try:
        shape: dict[str, list[tuple[object, ...]]] = {}
        for kind, name in db.execute("SELECT type, name FROM sqlite_master ORDER BY name"):
            if kind == "table":
                shape[name] = [tuple(c[1:]) for c in db.execute(f"PRAGMA table_info('{name}')")]
                shape[name] += [
                    tuple(k[2:]) for k in db.execute(f"PRAGMA foreign_key_list('{name}')")
                ]
            else:
                shape[name] = list(db.execute(f"PRAGMA index_info('{name}')"))
        return shape
    finally:
        db.close()


def test_a_new_workspace_has_the_same_tables_as_an_upgraded_old_one(tmp_path: Path) -> None:
    old, new = old_database(tmp_path / "old.sqlite"), tmp_path / "new.sqlite"
    for path in (old, new):
        Catalog(path).close()
        Repository(path).close()
    assert columns(new) == columns(old)
    assert "maps" in columns(new) and "_migrations" in columns(new)
