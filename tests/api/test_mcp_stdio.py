"""The MCP server through its real entry points and the SDK's own clients: `journeymap mcp`
launched over stdio as a desktop assistant does, and `journeymap serve`'s `/mcp` over
Streamable HTTP with an API key."""

import json
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client

from tests.support.server import journeymap_command, serving

SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"
ADMIN_KEY = "admin-key-for-tests"
ALICE_KEY = "alice-key-for-tests"
NO_PROJECT = (
    "no project 'nope' (projects: fb); ingest files into it to create it "
    "(`journeymap ingest FILES --project nope`, an upload to POST /v1/projects/nope/sources, "
    "or the ingest_source tool)"
)

# Arguments that fail a tool's input schema: one line naming the argument and what it takes.
ARGUMENT_ERRORS = [
    (
        "top_pain_points",
        {"project": "fb", "kind": "delights"},
        "argument 'kind' should be 'pain_point' or 'delight', not 'delights'",
    ),
    (
        "top_pain_points",
        {"project": "fb", "limit": "lots"},
        "argument 'limit' should be a valid integer, not 'lots'",
    ),
    ("get_theme", {"project": "fb"}, "argument 'theme_id' is required"),
    (
        "build_journey_map",
        {"project": "fb", "ideal": 5, "language": "fr"},
        "argument 'language' should be 'auto', 'en' or 'zh', not 'fr'; "
        "argument 'ideal' should be a valid dictionary or a valid string, not 5",
    ),
]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.mark.anyio
async def test_journeymap_mcp_over_stdio_serves_every_tool_and_reports_errors_in_one_line(
    tmp_path: Path,
):
    command, *args = journeymap_command()
    params = StdioServerParameters(
        command=command,
        args=[*args, "mcp"],
        # The SDK passes the server only a few variables: PYTHONPATH too, so that the server
        # runs the code under test (a checkout or worktree), not another installed copy.
        env={"JOURNEYMAP_HOME": str(tmp_path / "home")}
        | {k: v for k, v in os.environ.items() if k == "PYTHONPATH"},
        cwd=tmp_path,
    )
    maria = (SAMPLES / "interviews" / "p01_maria.txt").read_text(encoding="utf-8")
    called: set[str] = set()
    with (tmp_path / "stderr.log").open("w") as errlog:
        async with Client(stdio_client(params, errlog=errlog)) as client:

            async def call(tool: str, **arguments: object):
                called.add(tool)
                result = await client.call_tool(tool, arguments)
                assert not result.is_error, f"{tool}: {result.content[0].text}"
                return result.structured_content

            info = client.server_info
            assert info is not None and info.name == "journeymap" and info.version  # was ""
            tools = {t.name for t in (await client.list_tools()).tools}
            added = await call(
                "ingest_source",
                project="fb",
                content=maria,
                filename="maria.txt",
                segment={"plan": "family"},
            )
            assert added["added"][0]["turns"] > 0
            # a second plan, so that compare_segments by plan has two groups to compare
            priya = (SAMPLES / "interviews" / "p03_priya.md").read_text(encoding="utf-8")
            await call(
                "ingest_source",
                project="fb",
                content=priya,
                filename="priya.md",
                segment={"plan": "single"},
            )
            assert (await call("list_projects"))["projects"][0]["name"] == "fb"
            drafted = await call("draft_ideal_journey", project="fb")
            ideal = drafted["yaml"].replace("expectations: []", "expectations: [Fees are clear]")
            built = await call("build_journey_map", project="fb", ideal=ideal)
            assert any(s.get("ideal") for s in built["stages"])
            assert (await call("get_journey_map", project="fb"))["id"] == built["id"]
            top = await call("top_pain_points", project="fb", limit=2)
            assert top["findings"] and top["findings"][0]["quotes"]
            theme = await call("get_theme", project="fb", theme_id=top["findings"][0]["id"])
            assert theme["quote_count"] == len(theme["quotes"]) >= 1
            found = await call("search_quotes", project="fb", query="delivery fee")
            assert found["quotes"] and all(q["verified"] for q in found["quotes"])
            answer = await call("ask", project="fb", question="What frustrated Maria?")
            assert answer["conversation_id"] and answer["citations"]
            await call("list_recommendations", project="fb")
            report = await call("export_journey_map", project="fb", format="md")
            # inline when small, else a link to the export's resource
            linked = "journeymap://projects/fb/map.md" in report["result"]
            assert report["result"].startswith("#") or linked
            first = top["findings"][0]["id"]
            edited = await call("edit_map", project="fb", op="rename", target=first, title="Ours")
            assert edited["applied"] and edited["finding"]["title"] == "Ours"
            edits = (await call("list_edits", project="fb"))["edits"]
            await call("undo_edit", project="fb", edit_id=edits[0]["id"])
            await call("list_personas", project="fb")
            await call("compare_segments", project="fb", by="plan")
            await call("diff_maps", project="fb", a=built["id"], b=built["id"])
            resource = await client.read_resource("journeymap://projects/fb/map")
            assert json.loads(resource.contents[0].text)["id"] == built["id"]
            listed = await call("list_sources", project="fb")
            assert listed["total"] == 2
            await call("delete_source", project="fb", source=listed["sources"][1]["id"])

            missing = await client.call_tool("get_theme", {"project": "nope", "theme_id": "x"})
            assert missing.is_error
            assert missing.content[0].text == NO_PROJECT
            for tool, arguments, message in ARGUMENT_ERRORS:
                refused = await client.call_tool(tool, arguments)
                assert refused.is_error and refused.content[0].text == message
            outside = tmp_path / "inbox" / "p02.txt"
            outside.parent.mkdir()
            outside.write_text(maria, encoding="utf-8")
            home = (tmp_path / "home").resolve()
            for path, where in ((str(outside), "is outside"), ("inbox", "is not a file in")):
                refused = await client.call_tool("ingest_source", {"project": "fb", "path": path})
                assert refused.is_error and refused.content[0].text == (
                    f"{path!r} {where} the workspace folder {home}: copy the file into that "
                    "folder and give its path relative to it, or send the file itself as "
                    "`content` (its text) or `content_base64` (.docx, .pdf) with `filename`"
                )
            for tool, arguments, message in (
                ("ask", {"question": ""}, "the question is empty: ask something about the study"),
                ("search_quotes", {"query": "  "}, "the search query is empty: say what to look"),
            ):
                refused = await client.call_tool(tool, {"project": "fb", **arguments})
                assert refused.is_error and refused.content[0].text.startswith(message)
            answers = "respondent,answer\n1,The box came late.\n2,Recipes are great.\n"
            survey = await client.call_tool(
                "ingest_source",
                {"project": "poll", "content": answers, "filename": "poll.csv", "kind": "survey"},
            )
            assert not survey.is_error, survey.content[0].text
            added = survey.structured_content["added"]
            assert [(s["kind"], s["participant_id"]) for s in added] == [
                ("survey", "respondent 1"),
                ("survey", "respondent 2"),
            ]
    assert called == tools
    log = (tmp_path / "stderr.log").read_text()
    assert "Traceback" not in log
    # JOURNEYMAP_LOG_LEVEL is WARNING by default: a refused call is answered, not logged.
    assert "INFO" not in log, log


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """`journeymap serve` with API keys, on a free loopback port; its base URL."""
    env = {
        **os.environ,
        "JOURNEYMAP_HOME": str(tmp_path / "home"),
        "JOURNEYMAP_API_KEYS": f"{ADMIN_KEY}:*;{ALICE_KEY}:alpha",
    }
    with serving(env) as url:
        yield url


@pytest.mark.anyio
async def test_post_mcp_without_a_trailing_slash_answers_directly_to_a_key_for_every_project(
    served: str,
):
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-11-25",
            "capabilities": {},
            "clientInfo": {"name": "test", "version": "1"},
        },
    }
    accept = {"Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient(base_url=served, timeout=60) as http:
        for key in (None, ALICE_KEY):
            headers = {**accept, **({"Authorization": f"Bearer {key}"} if key else {})}
            refused = await http.post("/mcp", json=initialize, headers=headers)
            assert refused.status_code == 401
            assert refused.json()["error"]["message"] == (
                "MCP over HTTP needs a key with scope * from JOURNEYMAP_API_KEYS"
            )
            assert refused.json()["jsonrpc"] == "2.0"  # so an MCP client passes it on
        headers = {**accept, "Authorization": f"Bearer {ADMIN_KEY}"}
        for path in ("/mcp", "/mcp/"):
            answered = await http.post(path, json=initialize, headers=headers)
            assert answered.status_code == 200, (path, answered.status_code)

    # an MCP trial's host saw only "Server returned an error response" for a wrong key
    said = ""
    try:
        async with (
            httpx2.AsyncClient(headers={"Authorization": f"Bearer {ALICE_KEY}"}) as wrong,
            Client(streamable_http_client(f"{served}/mcp", http_client=wrong)),
        ):
            pass
    except BaseException as exc:
        said = repr(exc) + "".join(repr(e) for e in getattr(exc, "exceptions", ()))
    assert "needs a key with scope *" in said, said

    statuses: list[tuple[str, int]] = []

    async def record(response: httpx2.Response) -> None:
        statuses.append((response.request.url.path, response.status_code))

    async with (
        httpx2.AsyncClient(
            headers={"Authorization": f"Bearer {ADMIN_KEY}"},
            timeout=httpx2.Timeout(30, read=300),
            event_hooks={"response": [record]},
        ) as http2,
        Client(streamable_http_client(f"{served}/mcp", http_client=http2)) as client,
    ):
        listed = await client.call_tool("list_projects", {})
        assert listed.structured_content == {"projects": []}
        assert len(listed.content) == 1  # one block, even for none
        missing = await client.call_tool("top_pain_points", {"project": "nope"})
        assert missing.is_error
        assert missing.content[0].text.startswith("no project 'nope' (projects: none yet)")
    assert statuses and {path for path, _ in statuses} == {"/mcp"}
    assert not [s for _, s in statuses if 300 <= s < 400]
