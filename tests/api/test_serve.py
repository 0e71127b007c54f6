"""`journeymap serve` as a real HTTP server on a loopback port: REST and MCP over HTTP."""

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mcp import Client

from tests.support.server import serving

FIXTURES = Path(__file__).parents[1] / "fixtures"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    with serving({**os.environ, "JOURNEYMAP_HOME": str(tmp_path / "home")}) as url:
        yield url


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_the_served_api_ingests_over_http_and_answers_over_mcp(server: str):
    async with httpx.AsyncClient(base_url=server, timeout=120) as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        qa = (FIXTURES / "transcripts" / "qa.txt").read_bytes()
        r = await http.post("/v1/projects/live/sources", files={"files": ("qa.txt", qa)})
        assert r.status_code == 201, r.text
        assert (await http.get("/v1/projects/nothing")).status_code == 404
    async with Client(f"{server}/mcp/") as client:
        listed = await client.call_tool("list_projects", {})
        assert [p["name"] for p in listed.structured_content["projects"]] == ["live"]


def test_serve_refuses_a_key_without_projects_at_start_and_never_prints_the_key(tmp_path: Path):
    env = {
        **os.environ,
        "JOURNEYMAP_HOME": str(tmp_path / "home"),
        "JOURNEYMAP_API_KEYS": "alice-secret-key:",
        "COLUMNS": "200",
    }
    result = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert "JOURNEYMAP_API_KEYS: key 'al…' has no projects" in result.stderr
    assert "key:*" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "alice-secret-key" not in result.stderr + result.stdout
