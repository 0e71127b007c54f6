"""One JSON error shape for the API, and the mapping of journeymap errors to HTTP codes."""

import logging
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from assistant.llm_types import LLMError
from journey.errors import (
    ConfigError,
    ConflictError,
    GoneError,
    InputError,
    InvalidRequestError,
    JourneymapError,
    NotFoundError,
    TooLargeError,
    UnsupportedError,
)

logger = logging.getLogger(__name__)


def _problem(error: Mapping[str, Any]) -> str:
    """One validation problem in words: where, and what is wrong ("body.20: JSON decode
    error" says neither that the body is not JSON nor what to send)."""
    loc = [str(p) for p in error.get("loc") or ()]
    if error.get("type") == "json_invalid":
        at = f" at character {loc[1]}" if len(loc) > 1 else ""
        reason = (error.get("ctx") or {}).get("error", "")
        detail = f" ({reason})" if reason else ""
        return f"the request body is not valid JSON{at}{detail}: send a JSON object"
    if error.get("type") == "extra_forbidden":
        # a misspelt field ("stagez") was ignored and the default map built (a hostile trial)
        return f"{'.'.join(loc)}: no such field; check its spelling against the API docs"
    return f"{'.'.join(loc)}: {error.get('msg', '')}"


class ApiError(Exception):
    """An error with its HTTP status, raised by routes for conditions only the API knows."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    """`{"error": {"code": ..., "message": ...}}`, the shape of every error response."""
    return {"error": {"code": code, "message": message}}


_STATUSES: list[tuple[type[JourneymapError], int, str]] = [
    # The most specific first: a TooLargeError is also an InputError.
    (NotFoundError, 404, "not_found"),
    (TooLargeError, 413, "too_large"),
    (UnsupportedError, 415, "unsupported"),
    (InvalidRequestError, 422, "invalid_request"),
    (InputError, 400, "bad_input"),
    (ConflictError, 409, "conflict"),
    (GoneError, 410, "gone"),
    (ConfigError, 500, "config"),
    (LLMError, 502, "llm_failed"),  # the configured model failed: upstream, not us
]


def status_of(exc: JourneymapError) -> tuple[int, str]:
    """The HTTP status and error code of a journeymap error (its own code if it has one):
    the one place the API maps them."""
    for kind, status, code in _STATUSES:
        if isinstance(exc, kind):
            return status, exc.code or code
    return 500, exc.code or "error"


def install(app: FastAPI) -> None:
    """Register the handlers that turn every failure into the one error shape."""

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(error_body(exc.code, exc.message), status_code=exc.status)

    @app.exception_handler(JourneymapError)
    async def journeymap_error(_: Request, exc: JourneymapError) -> JSONResponse:
        status, code = status_of(exc)
        return JSONResponse(error_body(code, str(exc)), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(_problem(e) for e in exc.errors())
        return JSONResponse(
            error_body("invalid_request", problems or "invalid request"), status_code=422
        )

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse(
            error_body("http", str(exc.detail)),
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error")
        return JSONResponse(
            error_body("internal", "unexpected error; see the server log"), status_code=500
        )
