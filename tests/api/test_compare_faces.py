"""Personas, comparisons and diffs through the three faces (CLI in-process, HTTP, MCP), on one
study of two waves: the sample interviews, four in wave 1 and three in wave 2, mapped after
each wave (two stored versions)."""

import functools
import json
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from mcp import Client
from typer.testing import CliRunner

from api import cli
from api.app import create_app
from api.deps import AppState
from api.mcp_server import create_mcp
from assistant.mapping import build_map, save_map
from assistant.settings import Settings, get_settings
from assistant.workspace import open_workspace
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport

SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"
FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, embedder: UsemEmbedder) -> Path:
    """A workspace with project `waves`: a map after wave 1, then one after wave 2."""
    home = tmp_path_factory.mktemp("waves") / "home"
    workspace = open_workspace(Settings(home=home), embedder)
    interviews = sorted((SAMPLES / "interviews").iterdir())
    try:
        for wave, files in (("1", interviews[:4]), ("2", interviews[4:])):
            options = IngestOptions(segment={"wave": wave})
            workspace.ingestor("waves", options).ingest(files, IngestReport())
            save_map(workspace, build_map(workspace, "waves"))
    finally:
        workspace.close()
    return home


@pytest.fixture
def _run(
    monkeypatch: pytest.MonkeyPatch, embedder: UsemEmbedder
) -> Iterator[Callable[..., "subprocess.CompletedProcess[str]"]]:
    """Runs `journeymap ARGS` with JOURNEYMAP_HOME=home, in-process (as tests/api/test_cli)."""
    monkeypatch.setattr(cli, "open_workspace", functools.partial(open_workspace, embedder=embedder))
    monkeypatch.setenv("COLUMNS", "200")

    def run(home: Path, *args: str) -> "subprocess.CompletedProcess[str]":
        monkeypatch.setenv("JOURNEYMAP_HOME", str(home))
        get_settings.cache_clear()
        result = CliRunner().invoke(cli.app, list(args))
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)

    yield run
    get_settings.cache_clear()


def test_cli_compares_the_waves_with_intervals_and_honest_verdicts(_run, home: Path):
    table = _run(home, "compare", "-p", "waves", "--by", "wave")
    assert table.returncode == 0, table.stderr
    assert "Feeling per stage by wave" in table.stdout and "1 (4)" in table.stdout
    assert "Themes whose share differs by wave" in table.stdout
    found = json.loads(_run(home, "compare", "-p", "waves", "--by", "wave", "--json").stdout)
    assert [(g["value"], g["participants"]) for g in found["groups"]] == [("1", 4), ("2", 3)]
    # 4 against 3 participants: no theme may be called different on so few people.
    assert all(t["verdict"] != "differs" for t in found["themes"])
    assert {s["stage"] for s in found["stages"]} and "Fisher" in found["method"]

    unknown = _run(home, "compare", "-p", "waves", "--by", "plan")
    assert unknown.returncode == 2 and "no segment attribute 'plan'" in unknown.stderr
    assert "attributes: wave" in unknown.stderr


def test_cli_diffs_two_waves_and_two_map_versions(_run, home: Path, embedder: UsemEmbedder):
    sliced = json.loads(
        _run(home, "diff", "-p", "waves", "1", "2", "--by", "wave", "--json").stdout
    )
    assert (sliced["a"], sliced["b"], sliced["a_participants"], sliced["b_participants"]) == (
        "wave=1",
        "wave=2",
        4,
        3,
    )
    assert sliced["curve"] and all(c["note"] == "" or c["ci_low"] is None for c in sliced["curve"])
    md = _run(home, "diff", "-p", "waves", "1", "2", "--by", "wave", "--md").stdout
    assert md.startswith("## What changed: wave=1 → wave=2 (by wave)")

    workspace = open_workspace(Settings(home=home), embedder)
    try:
        newest, first = (v.id for v in workspace.repository.map_versions("waves"))
    finally:
        workspace.close()
    versions = _run(home, "diff", "-p", "waves", first[:12], newest)
    assert versions.returncode == 0, versions.stderr
    assert f"{first} → {newest}" in versions.stdout and "Feeling per stage" in versions.stdout
    matched = json.loads(_run(home, "diff", "-p", "waves", first, newest, "--json").stdout)
    assert matched["a_participants"] == 4 and matched["b_participants"] == 7
    # Wave 1's people are in both maps: their themes are found again by their quotes.
    assert any(t["matched_by"] == "shared quotes" for t in matched["themes"])
    missing = _run(home, "diff", "-p", "waves", "map-nope", newest)
    assert missing.returncode == 2 and "versions, newest first" in missing.stderr


def test_cli_lists_personas_given_by_a_segment(_run, home: Path):
    given = _run(home, "personas", "-p", "waves", "--by", "wave")
    assert given.returncode == 0, given.stderr
    assert "persona-1: 1 · 4 participants" in given.stdout
    listed = json.loads(_run(home, "personas", "-p", "waves", "--by", "wave", "--json").stdout)
    assert [(p["name"], p["size"], p["origin"]) for p in listed] == [
        ("1", 4, "segment wave"),
        ("2", 3, "segment wave"),
    ]
    found = _run(home, "personas", "-p", "waves")
    assert found.returncode == 0 and (
        "participants" in found.stdout or "No personas" in found.stdout
    )


@pytest.fixture
def client(home: Path, embedder: UsemEmbedder) -> Iterator[TestClient]:
    settings = Settings(home=home)
    workspace = open_workspace(settings, embedder)
    with TestClient(create_app(settings, workspace)) as c:
        yield c
    workspace.close()


def test_http_compares_diffs_and_lists_personas(client: TestClient):
    compared = client.get("/v1/projects/waves/compare", params={"by": "wave", "limit": 3})
    assert compared.status_code == 200, compared.text
    assert compared.json()["by"] == "wave" and len(compared.json()["themes"]) <= 3
    # an attribute named in another case is the same one (`--by plan` for a column Plan)
    cased = client.get("/v1/projects/waves/compare", params={"by": "WAVE", "limit": 3})
    assert cased.status_code == 200 and cased.json()["by"] == "wave", cased.text
    sliced = client.get("/v1/projects/waves/diff", params={"a": "1", "b": "2", "by": "wave"})
    assert sliced.status_code == 200 and sliced.json()["b"] == "wave=2"
    md = client.get(
        "/v1/projects/waves/diff", params={"a": "1", "b": "2", "by": "wave", "format": "md"}
    )
    assert md.headers["content-type"].startswith("text/markdown")
    assert md.text.startswith("## What changed")
    bad = client.get("/v1/projects/waves/diff", params={"a": "1", "b": "9", "by": "wave"})
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "unknown_segment"
    personas = client.get("/v1/projects/waves/personas", params={"by": "wave"}).json()
    assert [p["size"] for p in personas["personas"]] == [4, 3]
    spec = client.get("/openapi.json").json()
    ids = {op["operationId"] for path in spec["paths"].values() for op in path.values()}
    assert {"compare_segments", "diff_maps", "list_personas"} <= ids


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_mcp_tools_answer_small(home: Path, embedder: UsemEmbedder):
    settings = Settings(home=home)
    workspace = open_workspace(settings, embedder)
    try:
        async with Client(create_mcp(AppState(settings=settings, workspace=workspace))) as client:
            compared = await client.call_tool(
                "compare_segments", {"project": "waves", "by": "wave"}
            )
            assert not compared.is_error, compared.content
            assert len(compared.structured_content["themes"]) <= 5
            diffed = await client.call_tool(
                "diff_maps", {"project": "waves", "a": "1", "b": "2", "by": "wave", "limit": 3}
            )
            assert not diffed.is_error and len(diffed.structured_content["themes"]) <= 3
            personas = await client.call_tool("list_personas", {"project": "waves", "by": "wave"})
            assert [p["size"] for p in personas.structured_content["personas"]] == [4, 3]
            assert "participants" not in personas.structured_content["personas"][0]
            wrong = await client.call_tool("compare_segments", {"project": "waves", "by": "plan"})
            assert wrong.is_error and "no segment attribute 'plan'" in wrong.content[0].text
    finally:
        workspace.close()


def test_a_read_on_a_stale_study_builds_in_memory_and_stores_nothing(
    _run, home: Path, tmp_path: Path, embedder: UsemEmbedder
):
    copy = tmp_path / "home"
    shutil.copytree(home, copy)
    workspace = open_workspace(Settings(home=copy), embedder)
    try:
        extra = FIXTURES / "transcripts" / "otter.txt"
        options = IngestOptions(segment={"wave": "2"})
        workspace.ingestor("waves", options).ingest([extra], IngestReport())
        before = workspace.repository.map_versions("waves")
    finally:
        workspace.close()
    found = json.loads(_run(copy, "compare", "-p", "waves", "--by", "wave", "--json").stdout)
    assert [(g["value"], g["participants"]) for g in found["groups"]] == [("1", 4), ("2", 4)]
    workspace = open_workspace(Settings(home=copy), embedder)
    try:
        assert workspace.repository.map_versions("waves") == before
    finally:
        workspace.close()


def test_comparing_by_an_attribute_with_one_value_says_once_that_it_needs_two_groups(
    _run, tmp_path: Path, embedder: UsemEmbedder
):
    home = tmp_path / "home"
    workspace = open_workspace(Settings(home=home), embedder)
    interviews = sorted((SAMPLES / "interviews").iterdir())
    try:
        for wave, files in (("1", interviews[:2]), ("2", interviews[2:3])):
            options = IngestOptions(segment={"plan": "family", "wave": wave})
            workspace.ingestor("one-plan", options).ingest(files, IngestReport())
    finally:
        workspace.close()
    for args in ((), ("--json",)):
        found = _run(home, "compare", "-p", "one-plan", "--by", "plan", *args)
        assert found.returncode == 2 and not found.stdout
        assert found.stderr.count("two groups") == 1, found.stderr
        assert "'plan' has one value" in found.stderr and "family (3 participants)" in found.stderr
        assert "not enough participants" not in found.stderr
        assert "by another attribute: wave" in found.stderr  # one that has two values
    settings = Settings(home=home)
    workspace = open_workspace(settings, embedder)
    try:
        with TestClient(create_app(settings, workspace)) as client:
            refused = client.get("/v1/projects/one-plan/compare", params={"by": "plan"})
    finally:
        workspace.close()
    assert refused.status_code == 400, refused.text
    error = refused.json()["error"]
    assert error["code"] == "one_group" and "family (3 participants)" in error["message"]
