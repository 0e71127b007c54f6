"""The HTTP API: create_app(settings) builds it; `journeymap serve` runs it with uvicorn."""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from api import errors
from api.deps import AppState
from api.errors import error_body
from api.jobs import Jobs
from api.mcp_server import create_mcp
from api.routes import chat, edits, maps, projects, sources
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace


def operation_id(route: APIRoute) -> str:
    """Stable operation ids (the route function's name): assistants call operations by id."""
    return route.name


def create_app(settings: Settings, workspace: Workspace | None = None) -> FastAPI:
    """The API over the workspace at settings.home (or the workspace given, for tests)."""

    state = AppState(settings=settings, workspace=workspace or open_workspace(settings))
    mcp_http: dict[str, ASGIApp] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A fresh MCP server and job pool per run: an MCP session manager runs only once.
        app.state.journeymap = state
        state.jobs = Jobs()
        mcp = create_mcp(state)
        mcp_http["app"] = mcp.streamable_http_app(streamable_http_path="/")
        async with mcp.session_manager.run():
            yield
        state.jobs.shutdown()
        if workspace is None:
            state.workspace.close()

    async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        await mcp_http["app"](scope, receive, send)

    app = FastAPI(
        title="journeymap",
        version="1.0",
        summary="Evidence-backed customer journey maps from interviews and reviews.",
        description="Upload transcripts and reviews, build a draft journey map, export it, and "
        "ask questions answered with verbatim, grounded quotes. Every error has the shape "
        '`{"error": {"code", "message"}}`.',
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
    )
    origins = [o.strip() for o in settings.cors_origins.split(",") if o.strip()]
    if origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=origins, allow_methods=["*"], allow_headers=["*"]
        )
    errors.install(app)

    @app.get("/healthz", tags=["health"], summary="Liveness check (no key needed)")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    for router in (projects.router, sources.router, maps.router, edits.router, chat.router):
        app.include_router(router)
    # The MCP server over Streamable HTTP. With API keys set it needs a key for every project.
    app.mount("/mcp", _require_full_key(settings, mcp_endpoint))
    return app


def _require_full_key(settings: Settings, inner: ASGIApp) -> ASGIApp:
    """Let MCP requests through only with a key that reaches every project (tools take any
    project name), when keys are configured."""
    full = {key for key, scope in settings.key_scopes().items() if "*" in scope}

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and settings.key_scopes():
            headers = dict(scope.get("headers") or [])
            token = headers.get(b"authorization", b"").decode().partition(" ")[2].strip()
            if token not in full:
                body = json.dumps(
                    error_body(
                        "unauthorized",
                        "MCP over HTTP needs a key with scope * from JOURNEYMAP_API_KEYS",
                    )
                ).encode()
                await send(
                    {
                        "type": "http.response.start",
                        "status": 401,
                        "headers": [(b"content-type", b"application/json")],
                    }
                )
                await send({"type": "http.response.body", "body": body})
                return
        await inner(scope, receive, send)

    return guarded
