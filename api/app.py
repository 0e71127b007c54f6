"""The HTTP API: create_app(settings) builds it; `journeymap serve` runs it with uvicorn."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute

from api import errors
from api.deps import AppState
from api.routes import chat, maps, projects, sources
from assistant.settings import Settings
from assistant.workspace import Workspace, open_workspace


def operation_id(route: APIRoute) -> str:
    """Stable operation ids (the route function's name): assistants call operations by id."""
    return route.name


def create_app(settings: Settings, workspace: Workspace | None = None) -> FastAPI:
    """The API over the workspace at settings.home (or the workspace given, for tests)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ws = workspace or open_workspace(settings)
        app.state.journeymap = AppState(settings=settings, workspace=ws)
        yield
        if workspace is None:
            ws.close()

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

    for router in (projects.router, sources.router, maps.router, chat.router):
        app.include_router(router)
    return app
