"""The intended journey through the three faces (CLI in-process, HTTP, MCP) on the sample
study's interviews, with the sample's own ideal-journey file."""

import functools
import json
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
from assistant.ideal_files import read_ideal
from assistant.settings import Settings, get_settings
from assistant.workspace import open_workspace
from ingest.embeddings import UsemEmbedder
from ingest.pipeline import IngestOptions, IngestReport
from journey.schema import JourneyMap
from tests.conftest import assert_map_grounded
from tests.support.jobs import poll_job

SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"
STAGES = ["Awareness", "Consideration", "Purchase", "Onboarding", "Use", "Support", "Loyalty"]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory, embedder: UsemEmbedder) -> Path:
    """A workspace with project `fb`: the sample's seven interviews, no map yet."""
    home = tmp_path_factory.mktemp("ideal") / "home"
    workspace = open_workspace(Settings(home=home), embedder)
    try:
        interviews = sorted((SAMPLES / "interviews").iterdir())
        workspace.ingestor("fb", IngestOptions()).ingest(interviews, IngestReport())
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


def _latest(home: Path, embedder: UsemEmbedder) -> JourneyMap | None:
    workspace = open_workspace(Settings(home=home), embedder)
    try:
        return workspace.repository.latest_map("fb")
    finally:
        workspace.close()


def test_cli_holds_the_map_against_the_samples_ideal_journey(
    _run, home: Path, tmp_path: Path, embedder: UsemEmbedder
):
    out = tmp_path / "out"
    args = [a for name in ("m.json", "m.md", "m.html") for a in ("--out", str(out / name))]
    result = _run(home, "map", "-p", "fb", "--ideal", str(SAMPLES / "ideal.yaml"), *args)
    assert result.returncode == 0, result.stderr
    assert "ideal vs actual:" in result.stderr and "contradicted" in result.stderr

    m = JourneyMap.model_validate_json((out / "m.json").read_text(encoding="utf-8"))
    assert m.ideal is not None and m.ideal.journey.title == "Freshbox: the journey we intend"
    assert [g.stage for g in m.ideal.stages] == STAGES and not m.ideal.missing_stages
    checks = [c for g in m.ideal.stages for c in g.expectations]
    assert len(checks) == 14 and {c.status for c in checks} <= {
        "supported",
        "contradicted",
        "no evidence",
    }
    # Late boxes are what the sample's participants say most about the first delivery.
    onboarding = next(g for g in m.ideal.stages if g.stage == "Onboarding")
    assert onboarding.expectations[0].status == "contradicted"
    coded = {o.evidence.model_dump_json() for o in m.observations}
    quotes = [e for c in checks for e in (*c.contradicting, *c.supporting)]
    assert quotes and all(e.model_dump_json() in coded for e in quotes)
    workspace = open_workspace(Settings(home=home), embedder)
    try:
        assert_map_grounded(workspace, m)  # every quote, the ideal's included, is verbatim
    finally:
        workspace.close()

    report = (out / "m.md").read_text(encoding="utf-8")
    assert "## Ideal vs actual" in report and "| Onboarding | +1.50 delighted |" in report
    page = (out / "m.html").read_text(encoding="utf-8")
    assert page.count('class="target-point"') == 7 and "Ideal vs actual" in page


def test_cli_refuses_a_malformed_ideal_file_naming_its_line_and_stores_nothing(
    _run, home: Path, tmp_path: Path, embedder: UsemEmbedder
):
    before = _latest(home, embedder)
    bad = tmp_path / "ideal.yaml"
    bad.write_text(
        "stages:\n  - name: Support\n    expectation: A person answers\n", encoding="utf-8"
    )
    result = _run(home, "map", "-p", "fb", "--ideal", str(bad))
    assert result.returncode == 2
    assert "ideal.yaml line 3: stages[0]: unknown field 'expectation'" in result.stderr
    assert "Traceback" not in result.stderr

    elsewhere = tmp_path / "other.json"
    elsewhere.write_text(json.dumps({"stages": [{"name": "Boarding"}]}), encoding="utf-8")
    result = _run(home, "map", "-p", "fb", "--ideal", str(elsewhere))
    assert result.returncode == 2
    assert "none of the ideal journey's stages (Boarding) is a stage of this map" in result.stderr
    after = _latest(home, embedder)
    assert (after and after.generated_at) == (before and before.generated_at)


def test_cli_drafts_an_ideal_journey_over_the_maps_stages_to_edit(_run, home: Path, tmp_path):
    draft = tmp_path / "draft.yaml"
    result = _run(home, "ideal", "-p", "fb", "--out", str(draft))
    assert result.returncode == 0, result.stderr
    text = draft.read_text(encoding="utf-8")
    assert text.startswith("# The intended journey of project fb")
    journey = read_ideal(text, "draft.yaml")  # offline: the stages, to fill in
    assert [s.name for s in journey.stages] == STAGES
    assert all(not s.expectations and s.target_valence is None for s in journey.stages)
    assert "journeymap map -p fb --ideal" in result.stderr
    again = _run(home, "ideal", "-p", "fb", "--out", str(draft))
    assert again.returncode == 2 and "exists" in again.stderr  # the team's edits are safe
    assert _run(home, "ideal", "-p", "fb", "--out", str(draft), "--force").returncode == 0


@pytest.fixture
def client(home: Path, embedder: UsemEmbedder) -> Iterator[TestClient]:
    settings = Settings(home=home)
    workspace = open_workspace(settings, embedder)
    with TestClient(create_app(settings, workspace)) as c:
        yield c
    workspace.close()


def test_the_api_builds_with_an_ideal_object_or_text_and_422s_a_malformed_one(client):
    ideal = {
        "stages": [
            {
                "name": "support",
                "expectations": ["A person answers quickly when something goes wrong"],
                "target_valence": 0.5,
            }
        ]
    }
    r = client.post("/v1/projects/fb/map", json={"ideal": ideal})
    body = poll_job(client, r.headers["location"])["result"] if r.status_code == 202 else r.json()
    assert r.status_code in (200, 202), r.text
    assert [g["stage"] for g in body["ideal"]["stages"]] == ["Support"]
    assert "Awareness" in body["ideal"]["unplanned_stages"]

    bad = client.post(
        "/v1/projects/fb/map",
        json={"ideal": "stages:\n  - name: Support\n    target_valence: 9\n"},
    )
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["code"] == "invalid_ideal"
    assert "ideal line 3: stages[0].target_valence" in error["message"]

    drafted = client.post("/v1/projects/fb/ideal/draft", json={})
    assert drafted.status_code == 200, drafted.text
    assert [s["name"] for s in drafted.json()["ideal"]["stages"]] == STAGES
    assert read_ideal(drafted.json()["yaml"]) == read_ideal(drafted.json()["ideal"])


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_mcp_build_tool_takes_an_ideal_and_says_per_stage_where_it_falls_short(
    home: Path, embedder: UsemEmbedder
):
    settings = Settings(home=home)
    workspace = open_workspace(settings, embedder)
    try:
        async with Client(create_mcp(AppState(settings=settings, workspace=workspace))) as c:
            ideal = (SAMPLES / "ideal.yaml").read_text(encoding="utf-8")
            built = await c.call_tool("build_journey_map", {"project": "fb", "ideal": ideal})
            assert not built.is_error, built.content[0].text
            briefs = {s["name"]: s.get("ideal") for s in built.structured_content["stages"]}
            assert all(briefs[name] for name in STAGES)
            assert "expectations:" in briefs["Onboarding"]

            bad = await c.call_tool(
                "build_journey_map", {"project": "fb", "ideal": {"stages": [{"nam": "Use"}]}}
            )
            assert bad.is_error
            assert "stages[0]: 'name' is missing" in bad.content[0].text
    finally:
        workspace.close()
