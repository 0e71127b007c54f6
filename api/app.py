"""The HTTP API: create_app(settings) builds it; `journeymap serve` runs it with uvicorn."""

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors
from api.deps import AppState, scope_of
from api.errors import error_body
from api.jobs import Jobs
from api.mcp_server import create_mcp
from api.routes import chat, compare, edits, jobs, maps, projects, sources
from api.uploads import sweep_uploads
from assistant.jobs_store import JobStore
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace

logger = logging.getLogger(__name__)


def operation_id(route: APIRoute) -> str:
    """Stable operation ids (the route function's name): assistants call operations by id."""
    return route.name


def create_app(
    settings: Settings, workspace: Workspace | None = None, *, job_lease_seconds: float = 30.0
) -> FastAPI:
    """The API over the workspace at settings.home (or the workspace given, for tests).

    Its jobs live in the workspace database, leased to this process for `job_lease_seconds`
    at a time (renewed while they run): a job of a process that died reads as interrupted
    once its lease runs out."""

    settings.key_scopes()  # a malformed JOURNEYMAP_API_KEYS fails here, before anything opens
    state = AppState(settings=settings, workspace=workspace or open_workspace(settings))
    mcp_http: dict[str, ASGIApp] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # A fresh MCP server and job pool per run: an MCP session manager runs only once.
        app.state.journeymap = state
        store = JobStore(state.workspace.settings.home / "journeymap.sqlite")
        store.interrupt_expired()  # jobs of a server that died, this one or another
        if swept := sweep_uploads(settings.home, store.held_inputs()):
            logger.info("removed %d uploaded files left over in uploads/", swept)
        state.jobs = Jobs(store=store, lease_seconds=job_lease_seconds)
        if settings.job_resume:
            state.jobs.resume(lambda stored: jobs.rebuild(state, stored))
        mcp = create_mcp(state)
        mcp_http["app"] = mcp.streamable_http_app(streamable_http_path="/")
        async with mcp.session_manager.run():
            yield
        stopped = state.jobs.shutdown()
        # Closing the store under a job still running in it crashes the process (the native
        # Chroma client is freed under the thread); such a workspace is left to the exit.
        if stopped:
            store.close()
        if workspace is None and stopped:
            state.workspace.close()
        elif not stopped:
            logger.warning("a job was still running at shutdown; it was interrupted")

    async def mcp_endpoint(scope: Scope, receive: Receive, send: Send) -> None:
        # The MCP app serves its one endpoint at its root, whichever of /mcp and /mcp/ came.
        await mcp_http["app"]({**scope, "path": "/", "raw_path": b"/"}, receive, send)

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
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["*"],
            allow_headers=["*"],
            # a browser client reads a 202's job link and a list's total
            expose_headers=["Location", "X-Total-Count"],
        )
    if state.scopes and not settings.public_docs:
        docs = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
        app.add_middleware(
            _DocsNeedAKey, scopes=state.scopes, paths=frozenset(p for p in docs if p)
        )
    app.add_middleware(_BodyLimit)
    errors.install(app)

    # async: it answers on the event loop even while every worker thread is busy.
    @app.get("/healthz", tags=["health"], summary="Liveness check (no key needed)")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    routers = (projects, sources, maps, jobs, edits, compare, chat)
    for router in (module.router for module in routers):
        app.include_router(router)
    # The MCP server over Streamable HTTP at /mcp and /mcp/ alike (a redirect from one to the
    # other would cost clients a round trip, and some do not follow it for a POST). With API
    # keys set it needs a key for every project.
    guarded = _AsgiEndpoint(_require_full_key(state.scopes, mcp_endpoint))
    for path in ("/mcp", "/mcp/"):
        app.router.routes.append(Route(path, guarded, name="mcp", include_in_schema=False))
    _document_errors(app)
    return app


_ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["not_found"]},
                "message": {
                    "type": "string",
                    "description": "What went wrong and what to do",
                    "examples": ["no project 'nope'; list them with GET /v1/projects"],
                },
            },
        }
    },
}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _document_errors(app: FastAPI) -> None:
    """The OpenAPI document as the wire is: every error is `{"error": {"code", "message"}}`
    (it documented FastAPI's `{"detail": [...]}` for 422, which no response has), and every
    operation may answer 4XX and 5XX with it (a generated client had no error type at all)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = get_openapi(
            title=app.title,
            version=app.version,
            summary=app.summary,
            description=app.description,
            routes=app.routes,
        )
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["Error"] = _ERROR_SCHEMA
        error = {"content": {"application/json": {"schema": _ERROR_REF}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, response in responses.items():
                    if code.startswith(("4", "5")):
                        described = response.get("description") or "Error"
                        responses[code] = {"description": described, **error}
                responses.setdefault(
                    "4XX",
                    {"description": "The request cannot be served: the message says why", **error},
                )
                responses.setdefault(
                    "5XX", {"description": "A fault of the server or a service it needs", **error}
                )
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _authorization(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"authorization":
            return bytes(value).decode("latin-1")
    return None


MCP_PATHS = frozenset({"/mcp", "/mcp/"})


async def _refuse(
    send: Send, status: int, code: str, message: str, scope: Scope | None = None
) -> None:
    """Answer with the API's error shape before the app sees the request; on the MCP endpoint,
    as a JSON-RPC error, which an MCP client passes on (an MCP trial's host saw only "Server
    returned an error response" for a wrong key and a body too large)."""
    if scope is not None and scope.get("path") in MCP_PATHS:
        error = {"code": -32001, "message": message, "data": {"code": code, "status": status}}
        body = json.dumps({"jsonrpc": "2.0", "id": None, "error": error}).encode()
    else:
        body = json.dumps(error_body(code, message)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _unauthorized(send: Send, message: str, scope: Scope | None = None) -> None:
    await _refuse(send, 401, "unauthorized", message, scope)


class _DocsNeedAKey:
    """With API keys set, the OpenAPI document and its pages need a key too: they list every
    operation (JOURNEYMAP_PUBLIC_DOCS=true opens them again)."""

    def __init__(self, app: ASGIApp, scopes: dict[str, set[str]], paths: frozenset[str]) -> None:
        self.app, self.scopes, self.paths = app, scopes, paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] in self.paths
            and scope_of(self.scopes, _authorization(scope)) is None
        ):
            await _unauthorized(
                send,
                "the API docs need `Authorization: Bearer <key>` with a key from "
                "JOURNEYMAP_API_KEYS (or JOURNEYMAP_PUBLIC_DOCS=true)",
            )
            return
        await self.app(scope, receive, send)


MAX_BODY_BYTES = 4 * 1024 * 1024
"""The largest request body but an upload's (JSON: a map request, an edit, a question, an
intended journey's YAML): a 300 MB body sent without a key took a server from 198 MB to 1.08 GB
before its 401."""


async def _too_large(send: Send, scope: Scope) -> None:
    message = (
        f"the request body is over {MAX_BODY_BYTES // (1024 * 1024)} MB; send files to "
        "`POST /v1/projects/{project}/sources` (or the MCP tool ingest_source with a path) and "
        "keep JSON requests short"
    )
    await _refuse(send, 413, "request_too_large", message, scope)


class _BodyLimit:
    """Refuses a request body over MAX_BODY_BYTES before the app reads it (uploads, sent as
    multipart/form-data, have their own limit: JOURNEYMAP_MAX_UPLOAD_MB): by its declared
    length, or, sent in chunks, once it passes the limit."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        if headers.get(b"content-type", b"").startswith(b"multipart/"):
            await self.app(scope, receive, send)
            return
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            await _too_large(send, scope)
            return
        if declared.isdigit() or scope.get("method") in ("GET", "HEAD", "DELETE", "OPTIONS"):
            await self.app(scope, receive, send)  # a declared length is enforced by the server
            return
        # chunked: read it here (at most the limit), then hand it on whole
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # a disconnect: let the app see it
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > MAX_BODY_BYTES:
                await _too_large(send, scope)
                return
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


class _AsgiEndpoint:
    """An ASGI app a Route hands the request to as it is (a plain function would be taken for
    a request -> response endpoint)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _require_full_key(scopes: dict[str, set[str]], inner: ASGIApp) -> ASGIApp:
    """Let MCP requests through only with a key that reaches every project (tools take any
    project name), when keys are configured."""

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scopes:
            reach = scope_of(scopes, _authorization(scope))
            if reach is None or "*" not in reach:
                await _unauthorized(
                    send, "MCP over HTTP needs a key with scope * from JOURNEYMAP_API_KEYS", scope
                )
                return
        await inner(scope, receive, send)

    return guarded
