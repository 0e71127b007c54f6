"""Sources: upload transcripts and review tables, list them, read one, delete one."""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect

from api.deps import AppState, ScopeDep, StateDep, StudyDep, allowed
from api.errors import ApiError
from api.jobs import Job, Work, await_or_hand_back, job_accepted, job_response
from api.models import IngestResult, SourceSummary, source_summary
from api.uploads import CHUNK_BYTES, Stager, ingest_uploads, staging_folder
from assistant.study import Incoming, Study, check_project_name
from journey.errors import MEGABYTE, GoneError, JourneymapError, size_text
from journey.source import Source, SourceKind

logger = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/projects/{project}/sources", tags=["sources"])


def _flag(value: str | None, name: str) -> bool:
    """A form field's true or false."""
    if value is None or value.strip().lower() in ("", "false", "0", "no"):
        return False
    if value.strip().lower() in ("true", "1", "yes"):
        return True
    raise ApiError(422, "invalid_request", f"{name}: true or false")


def _segments(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            raise ApiError(
                422, "invalid_request", f"segment {value!r}: write key=value, e.g. plan=trial"
            )
        out[key.strip()] = val.strip()
    return out


_FORM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["files"],
    "properties": {
        "files": {
            "type": "array",
            "items": {"type": "string", "contentMediaType": "application/octet-stream"},
            "description": "One or more files.",
        },
        "kind": {"anyOf": [{"enum": [k.value for k in SourceKind]}, {"type": "null"}]},
        "text_column": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "id_column": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "segment": {
            "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}],
            "description": "key=value, repeatable",
        },
        "segment_column": {
            "anyOf": [{"type": "array", "items": {"type": "string"}}, {"type": "null"}],
            "description": "a table column whose value in each row is its segment; repeatable",
        },
        "replace": {
            "type": "boolean",
            "description": "true: a file replaces the project's source of the same name (a "
            "corrected transcript); by default both are kept and a warning says so",
        },
    },
}
_FIELDS = {"kind", "text_column", "id_column", "segment", "segment_column", "replace"}
_FIELD_BYTES = 64 * 1024


@router.post(
    "",
    summary="Upload and ingest files (transcripts or review tables)",
    response_model=IngestResult,
    status_code=status.HTTP_201_CREATED,
    responses={
        200: {"model": IngestResult, "description": "nothing new: every file was stored before"},
        202: {"model": Job, "description": "still ingesting: poll the job"},
        413: {
            "description": "too many files, a request over JOURNEYMAP_MAX_UPLOAD_MB, or every "
            "file over the size limit"
        },
        415: {"description": "every file was of an unsupported type"},
        422: {"description": "no file could be ingested"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"multipart/form-data": {"schema": _FORM_SCHEMA}},
        }
    },
)
async def upload_sources(
    project: str,
    request: Request,
    state: StateDep,
    scope: ScopeDep,
    wait: Annotated[
        bool,
        Query(
            description="Wait (up to JOURNEYMAP_JOB_WAIT_SECONDS) for the "
            "result; false answers 202 with a job at once."
        ),
    ] = True,
) -> IngestResult | JSONResponse:
    """Files are stored in the workspace and ingested like `journeymap ingest`; a project that
    does not exist yet is created. A long ingest answers 202 with a job to poll at
    /v1/jobs/{id}."""
    # The key and the name are checked before a byte of the body is read; the body is then
    # read as it arrives, each file straight to disk, within the limits.
    if not allowed(scope, project):
        raise ApiError(404, "not_found", f"no project {project!r}")
    check_project_name(project)
    form = await _read_form(request, state)
    try:
        if not form.files:
            raise ApiError(422, "invalid_request", "files: send one or more files as `files`")
        kind = form.one("kind")
        try:
            source_kind = SourceKind(kind) if kind else None
        except ValueError:
            raise ApiError(
                422,
                "invalid_request",
                f"kind: one of {', '.join(k.value for k in SourceKind)}",
            ) from None
        home = state.workspace.settings.home
        kept = IngestRequest(
            files=[StagedFile.of(file, home) for file in form.files],
            kind=source_kind,
            text_column=form.one("text_column"),
            id_column=form.one("id_column"),
            segment=_segments(form.fields.get("segment", [])),
            segment_columns=[c for c in form.fields.get("segment_column", []) if c.strip()],
            replace=_flag(form.one("replace"), "replace"),
        )
        work = ingest_work(state, project, kept)  # its options are checked here, not in a job
    except (ApiError, JourneymapError):
        form.discard()
        raise
    job = await await_or_hand_back(
        state.jobs,
        "ingest",
        project,
        work,
        state.settings.job_wait_seconds if wait else 0.0,
        request=kept.model_dump(mode="json"),
        inputs=_held(state.studies.open(project), form.files, home),
    )
    if not wait:  # a job was asked for: it answers 202 even if the job has already ended
        return job_accepted(job)
    added = bool(job.status == "done" and job.result["added"])
    return job_response(job, status.HTTP_201_CREATED if added else status.HTTP_200_OK)


def _held(study: Study, files: Sequence[Incoming], home: Path) -> list[str]:
    """The workspace files an upload's job holds until it is forgotten (relative to the
    workspace): each file as staged and where it waits while it is ingested, so that a job
    interrupted mid-way and never retried leaves no client's file behind."""
    return [
        path.resolve().relative_to(home.resolve()).as_posix()
        for file in files
        if file.path is not None
        for path in (file.path, study.waiting_upload(file))
    ]


class StagedFile(BaseModel):
    """A file of an upload as its job keeps it."""

    name: str
    path: str | None
    """Where it was staged, relative to the workspace; None if refused as it arrived."""
    digest: str
    refused: str | None = None

    @classmethod
    def of(cls, file: Incoming, home: Path) -> "StagedFile":
        """A staged file, its place relative to the workspace."""
        path = file.path.resolve().relative_to(home.resolve()) if file.path else None
        return cls(
            name=file.name, path=path and path.as_posix(), digest=file.digest, refused=file.refused
        )

    def incoming(self, home: Path) -> Incoming:
        """The file as the use-case layer takes it."""
        return Incoming(
            self.name, home / self.path if self.path else None, self.digest, self.refused
        )


class IngestRequest(BaseModel):
    """An upload as its job keeps it, to run it again (the limits are the server's of then)."""

    files: list[StagedFile]
    kind: SourceKind | None = None
    text_column: str | None = None
    id_column: str | None = None
    segment: dict[str, str] = Field(default_factory=dict)
    segment_columns: list[str] = Field(default_factory=list)
    replace: bool = False


def ingest_work(state: AppState, project: str, request: IngestRequest) -> Work:
    """The work of an upload's job."""
    home = state.workspace.settings.home
    files = [f.incoming(home) for f in request.files]
    options = state.settings.ingest_options(
        kind=request.kind,
        text_column=request.text_column,
        id_column=request.id_column,
        segment=request.segment,
        segment_columns=tuple(request.segment_columns),
        same_name="replace" if request.replace else "keep",
    )
    return lambda progress: ingest_uploads(
        state.studies.open(project), files, options, progress, keep_for_retry=True
    )


def ingest_again(state: AppState, project: str, request: IngestRequest) -> Work:
    """The work of an upload's job run again; GoneError if a file it needs is gone (its
    project was deleted since, say)."""
    home = state.workspace.settings.home
    files = [f.incoming(home) for f in request.files]
    missing = state.studies.open(project).missing_uploads(files)
    if missing:
        raise GoneError(
            f"the files of this upload are gone from the workspace ({', '.join(missing)}): "
            f"send them again to /v1/projects/{project}/sources",
            code="job_input_gone",
        )
    return ingest_work(state, project, request)


def _file_limit(state: AppState) -> int:
    return int(state.settings.max_file_mb * MEGABYTE)


@dataclass
class _Form:
    """An upload's form as read: the files staged on disk, the other fields as text."""

    files: list[Incoming] = field(default_factory=list)
    fields: dict[str, list[str]] = field(default_factory=dict)

    def one(self, name: str) -> str | None:
        values = self.fields.get(name)
        return values[-1].strip() or None if values else None

    def discard(self) -> None:
        for file in self.files:
            if file.path is not None:
                file.path.unlink(missing_ok=True)


class _FormReader:
    """Reads a multipart body as it arrives: each file goes to a staging file in pieces (no
    file is ever held whole in memory), the count of files is checked as each one begins."""

    def __init__(self, state: AppState, boundary: bytes) -> None:
        self.form = _Form()
        self._folder = staging_folder(state.settings.home)
        self._max_files = state.settings.max_upload_files
        self._file_limit = _file_limit(state)
        self._events: list[tuple[str, bytes]] = []
        self._header_name = self._header_value = b""
        self._headers: dict[bytes, bytes] = {}
        self._stager: Stager | None = None
        self._skip = False
        self._field: tuple[str, bytearray] | None = None
        self._pending = bytearray()
        self._count = 0

        def note(kind: str) -> Callable[..., None]:
            def callback(data: bytes = b"", start: int = 0, end: int = 0) -> None:
                self._events.append((kind, bytes(data[start:end])))

            return callback

        kinds = ("part_begin", "part_data", "part_end", "header_field", "header_value")
        callbacks: Any = {f"on_{k}": note(k) for k in (*kinds, "header_end", "headers_finished")}
        self._parser = MultipartParser(boundary, callbacks)

    async def feed(self, chunk: bytes) -> None:
        """Parse the next piece of the body."""
        self._parser.write(chunk)
        events, self._events = self._events, []
        for kind, data in events:
            await self._on(kind, data)

    async def _on(self, kind: str, data: bytes) -> None:
        if kind == "part_begin":
            self._headers, self._header_name, self._header_value = {}, b"", b""
        elif kind == "header_field":
            self._header_name += data
        elif kind == "header_value":
            self._header_value += data
        elif kind == "header_end":
            self._headers[self._header_name.lower()] = self._header_value
            self._header_name = self._header_value = b""
        elif kind == "headers_finished":
            self._begin_part()
        elif kind == "part_data":
            await self._part_data(data)
        elif kind == "part_end":
            await self._end_part()

    def _begin_part(self) -> None:
        _, params = parse_options_header(self._headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        filename = params.get(b"filename")
        self._skip = False
        if filename is not None and name == "files":
            self._count += 1
            if self._count > self._max_files:
                raise ApiError(
                    413,
                    "too_many_files",
                    f"more than {self._max_files} files: send at most {self._max_files} at once",
                )
            shown = filename.decode("utf-8", "replace") or "upload"
            self._stager = Stager(self._folder, shown, self._file_limit)
        elif filename is None and name in _FIELDS:
            self._field = (name, bytearray())
        else:
            self._skip = True  # a part this endpoint does not take: read past it

    async def _part_data(self, data: bytes) -> None:
        if self._stager is not None:
            self._pending += data
            if len(self._pending) >= CHUNK_BYTES:
                await self._flush()
        elif self._field is not None:
            self._field[1].extend(data)
            if len(self._field[1]) > _FIELD_BYTES:
                raise ApiError(
                    413, "field_too_large", f"{self._field[0]}: at most {_FIELD_BYTES} bytes"
                )

    async def _flush(self) -> None:
        if self._stager is not None and self._pending:
            piece, self._pending = bytes(self._pending), bytearray()
            await anyio.to_thread.run_sync(self._stager.write, piece)

    async def _end_part(self) -> None:
        if self._stager is not None:
            await self._flush()
            self.form.files.append(self._stager.finish())
            self._stager = None
        elif self._field is not None:
            name, value = self._field
            self.form.fields.setdefault(name, []).append(value.decode("utf-8", "replace"))
            self._field = None

    def finish(self) -> None:
        """The body has ended: a form cut off midway is malformed."""
        self._parser.finalize()
        if self._stager is not None or self._field is not None:
            raise MultipartParseError("the body ended inside a part")

    def discard(self) -> None:
        """Drop whatever was staged (the request failed)."""
        if self._stager is not None:
            self._stager.discard()
        self.form.discard()


async def _read_form(request: Request, state: AppState) -> _Form:
    """The upload's form, read within JOURNEYMAP_MAX_UPLOAD_FILES and _MAX_UPLOAD_MB."""
    limit = state.settings.max_upload_bytes()
    too_large = (
        f"the upload is over the {size_text(limit)} limit for one request; send fewer files "
        "at once or raise JOURNEYMAP_MAX_UPLOAD_MB"
    )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, "upload_too_large", too_large)
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise ApiError(
            422, "invalid_request", "send multipart/form-data with one or more files as `files`"
        )
    reader = _FormReader(state, boundary)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise ApiError(413, "upload_too_large", too_large)
            await reader.feed(chunk)
        reader.finish()
    except MultipartParseError as exc:
        reader.discard()
        raise ApiError(422, "invalid_request", f"the multipart body is malformed: {exc}") from None
    except ClientDisconnect:
        # the client went away mid-upload: nothing is kept, and no traceback is logged (a
        # hostile-input trial's cut-off upload logged an ERROR with one)
        reader.discard()
        logger.info("an upload to %s was cut off by its client; nothing kept", request.url.path)
        raise ApiError(
            400, "upload_cut_off", "the upload ended before its body did; send it again"
        ) from None
    except BaseException:
        reader.discard()
        raise
    return reader.form


@router.get("", summary="List a project's sources")
def list_sources(
    study: StudyDep,
    response: Response,
    limit: Annotated[
        int | None, Query(ge=1, le=10_000, description="At most this many (default: all)")
    ] = None,
    offset: Annotated[int, Query(ge=0, description="Skip this many first")] = 0,
) -> list[SourceSummary]:
    """In the order they were ingested; `X-Total-Count` says how many there are in all (a
    table of 1,200 reviews is 190 KB whole: page it with `limit` and `offset`)."""
    found = study.sources()
    response.headers["X-Total-Count"] = str(len(found))
    end = None if limit is None else offset + limit
    return [source_summary(s) for s in found[offset:end]]


@router.get("/{source_id}", summary="Get one source with its (redacted) turns")
def get_source(study: StudyDep, source_id: str) -> Source:
    return study.source(source_id, exact=True).source


@router.delete(
    "/{source_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete one source and its chunks",
)
def delete_source(study: StudyDep, state: StateDep, source_id: str) -> None:
    """Its text, search passages and readings go, and so does every stored map version, chat
    answer and job result that quotes it: the next map is built without it."""
    sent_as = study.delete_source(source_id)
    state.jobs.forget_results_citing(study.project, source_id, sent_as)
