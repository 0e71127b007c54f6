"""Every MCP tool through the SDK's in-process client, on a real workspace."""

import json
from pathlib import Path

import pytest
from mcp import Client

from api.deps import AppState
from api.mcp_server import create_mcp
from assistant.settings import Settings
from assistant.workspace import open_workspace

SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_an_assistant_can_drive_the_whole_job_over_mcp(tmp_path: Path, embedder):
    settings = Settings(home=tmp_path / "home")
    workspace = open_workspace(settings, embedder)
    server = create_mcp(AppState(settings=settings, workspace=workspace))
    (settings.home / "inbox").mkdir(parents=True)
    (settings.home / "inbox" / "tom.srt").write_bytes(
        (SAMPLES / "interviews" / "p04_tom.srt").read_bytes()
    )
    async with Client(server) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == {
            "list_projects",
            "ingest_source",
            "build_journey_map",
            "get_journey_map",
            "ask_pain_points",
            "list_recommendations",
            "export_journey_map",
        }
        assert tools["ask_pain_points"].annotations.read_only_hint is True
        assert tools["ask_pain_points"].output_schema is not None

        text = (SAMPLES / "interviews" / "p01_maria.txt").read_text(encoding="utf-8")
        added = await client.call_tool(
            "ingest_source", {"project": "fb", "filename": "p01_maria.txt", "content": text}
        )
        assert not added.is_error and added.structured_content["added"]
        by_path = await client.call_tool(
            "ingest_source", {"project": "fb", "filename": "", "path": "inbox/tom.srt"}
        )
        assert not by_path.is_error, by_path.content
        outside = await client.call_tool(
            "ingest_source", {"project": "fb", "filename": "x.txt", "path": "../../etc/passwd"}
        )
        assert outside.is_error

        projects = await client.call_tool("list_projects", {})
        assert projects.structured_content["result"][0]["sources"] == 2
        built = await client.call_tool("build_journey_map", {"project": "fb"})
        assert built.structured_content["stages"]
        got = await client.call_tool("get_journey_map", {"project": "fb"})
        assert got.structured_content["id"] == built.structured_content["id"]
        answer = await client.call_tool(
            "ask_pain_points", {"project": "fb", "question": "What went wrong with the delivery?"}
        )
        assert not answer.structured_content["abstained"]
        assert answer.structured_content["citations"]
        recs = await client.call_tool("list_recommendations", {"project": "fb"})
        assert not recs.is_error
        mermaid = await client.call_tool(
            "export_journey_map", {"project": "fb", "format": "mermaid"}
        )
        assert mermaid.structured_content["result"].startswith("journey")
        missing = await client.call_tool("get_journey_map", {"project": "nope"})
        assert missing.is_error

        resource = await client.read_resource("journeymap://projects/fb/map")
        assert json.loads(resource.contents[0].text)["project"] == "fb"
    workspace.close()
