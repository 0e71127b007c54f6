"""The MCP server: the same jobs as the HTTP API, as tools a chat assistant can call.

Replies are small by default (a map in brief, the top findings, one theme, a few quotes);
the whole map is the resource `journeymap://projects/{project}/map`. An expected failure
(an unknown project, a bad argument) is an `isError` result carrying the one-line message
the CLI prints, never a traceback.
"""

import base64
import binascii
import functools
import inspect
import logging
from collections.abc import Callable
from importlib import metadata
from typing import Annotated, Any, Literal, ParamSpec, TypeVar, get_args

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError
from mcp.types import CallToolResult, ResourceLink, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from api.deps import AppState
from api.errors import ApiError
from api.models import (
    EditList,
    EditOut,
    FindingBrief,
    IdealDraft,
    IngestResult,
    MapSummary,
    Personas,
    ProjectList,
    QuoteHit,
    QuoteSearch,
    RecommendationList,
    RecommendationRef,
    SourceList,
    Theme,
    TopFindings,
    edit_entries,
    map_summary,
    map_uri,
    personas_out,
    project_out,
    source_summary,
)
from api.sampling import host_model, progress_of
from api.tool_errors import ToolServer
from api.uploads import Upload, ingest_uploads
from assistant.briefs import Located, recommendations_for, short_quotes, theme_quotes
from assistant.settings import Settings
from assistant.study import MAX_QUERY_CHARS, Comparison, MapDiff, read_ideal
from journey import exports
from journey.edits import MAX_EDIT_QUOTES, MAX_NOTE, MAX_TITLE, EditRequest, Op, QuoteRef
from journey.errors import InvalidRequestError, JourneymapError, NotFoundError
from journey.labels import LanguageChoice
from journey.render import FORMATS, MEDIA_TYPES, Format
from journey.schema import ChatAnswer, JourneyMap
from journey.source import SourceKind

logger = logging.getLogger(__name__)

READ_ONLY = ToolAnnotations(readOnlyHint=True, openWorldHint=False)
WRITES = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=True, openWorldHint=False
)
EDITS = ToolAnnotations(
    readOnlyHint=False, destructiveHint=False, idempotentHint=False, openWorldHint=False
)
INSTRUCTIONS = (
    "journeymap turns interview transcripts and customer reviews into an evidence-backed "
    "customer journey map. Ingest sources into a project (ingest_source), build its map "
    "(build_journey_map), then use top_pain_points, get_theme, search_quotes and ask. Every "
    "quote returned is verbatim from a participant, with its source and character offsets: "
    "cite those quotes and do not invent others. Curate the draft with edit_map (rename, merge, "
    "split, move, pin or drop a quote, add a finding, dismiss); every edit is verified and "
    "kept. The whole map is the resource "
    "journeymap://projects/{project}/map; read it only when the small tools do not suffice."
)
Project = Annotated[
    str,
    Field(description="The project's name, as list_projects gives it"),
]
FindingId = Annotated[
    str,
    Field(description="A pain point's or delight's id, e.g. pp-onboarding-1 (top_pain_points)"),
]
Limit = Annotated[int, Field(ge=1, le=50, description="How many to return, at most")]
Stages = Annotated[
    list[str] | None,
    Field(description='The study\'s own stages, in order ("Name: description")'),
]
Preset = Annotated[
    str | None, Field(description="A bundled journey preset, e.g. ecommerce, travel, healthcare")
]
MapLanguage = Annotated[LanguageChoice, Field(description="The map's own words: en, zh or auto")]
Stage = Annotated[
    str | None, Field(description="A stage of the map by name, e.g. Onboarding (any case)")
]
Query = Annotated[
    str, Field(max_length=MAX_QUERY_CHARS, description="What to look for, in any language")
]
Question = Annotated[
    str,
    Field(max_length=MAX_QUERY_CHARS, description="A question about the study, in any language"),
]
Title = Annotated[str | None, Field(max_length=MAX_TITLE)]
ConversationId = Annotated[
    str | None,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The conversation_id of an earlier answer, to ask a follow-up",
    ),
]

LISTED_AT_MOST = 10
"""Sources an ingest reply lists (the rest are counted in `added_total`)."""
INLINE_AT_MOST = 8 * 1024
"""An export larger than this (bytes) is linked as a resource, not put in the chat: the reply
carries it twice, as text and structured, so at most 16 KB on the wire (a 15.5 KB CSV came
inline as 32 KB)."""
EXPORT_URI = "journeymap://projects/{project}/map.{format}"
"""The resource of a map export in a format other than JSON (which is the map resource)."""

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
_LEVELS: dict[str, LogLevel] = {level: level for level in get_args(LogLevel)}

P = ParamSpec("P")
R = TypeVar("R")


def _error(message: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=message)], is_error=True)


def _reply(result: Any) -> Any:
    """A model reply as compact JSON text plus structured content, and a link to the whole
    map when the reply names it (other replies are left to the SDK)."""
    if not isinstance(result, BaseModel) or isinstance(result, CallToolResult):
        return result
    # Unset optional fields (a review's speaker, a quote's timestamp) are left out: smaller.
    content: list[Any] = [TextContent(type="text", text=result.model_dump_json(exclude_none=True))]
    if uri := getattr(result, "map_uri", None):
        content.append(
            ResourceLink(
                type="resource_link",
                uri=uri,
                name="journey map",
                description="The whole journey map as JSON",
                mime_type="application/json",
            )
        )
    return CallToolResult(
        content=content, structured_content=result.model_dump(mode="json", exclude_none=True)
    )


def _answers_errors(fn: Callable[P, R]) -> Callable[P, R | CallToolResult]:
    """The tool, with journeymap's own errors turned into `isError` results carrying their
    message, and anything unexpected logged with its traceback and reported briefly."""

    @functools.wraps(fn)
    def tool(*args: P.args, **kwargs: P.kwargs) -> R | CallToolResult:
        try:
            result: R | CallToolResult = _reply(fn(*args, **kwargs))
        except ApiError as exc:
            logger.info("tool %s: %s", fn.__name__, exc.message)
            result = _error(exc.message)
        except JourneymapError as exc:
            logger.info("tool %s: %s", fn.__name__, exc)
            result = _error(str(exc))
        except Exception:
            logger.exception("tool %s failed", fn.__name__)
            result = _error(f"{fn.__name__} failed unexpectedly; the server log has the details")
        # The SDK passes a CallToolResult through; fn's return type gives the output schema.
        return result

    return tool


def _description(fn: Callable[..., Any]) -> str:
    """A tool's docstring as one line per paragraph: the model reads it, and the source's
    indentation and line breaks are runs of spaces there ("`path`,         a file")."""
    paragraphs = inspect.cleandoc(fn.__doc__ or "").split("\n\n")
    return "\n\n".join(" ".join(p.split()) for p in paragraphs if p.strip())


def _version() -> str:
    """The installed package's version (a checkout run from its folder has none)."""
    try:
        return metadata.version("journeymap")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def create_mcp(state: AppState, local: bool = False) -> MCPServer:
    """An MCP server over the app's workspace. `local` when it serves the person at this
    machine (stdio): its errors may then name the workspace folder, which a remote client must
    not learn."""
    # The SDK configures logging when a server is made (INFO by default, a line for every
    # refused call); JOURNEYMAP_LOG_LEVEL decides, as everywhere else.
    server = ToolServer(
        name="journeymap",
        version=_version(),  # a client showed the server as version "" (a SaaS trial)
        instructions=INSTRUCTIONS,
        log_level=_log_level(state.settings),
    )
    studies = state.studies
    # a tool that may send redacted transcripts to an LLM says so (openWorldHint) when one is
    # configured: an MCP trial found every tool "closed-world" with OpenAI set
    reaches_out = state.settings.llm_provider != "local"

    def llm(annotations: ToolAnnotations) -> ToolAnnotations:
        said = annotations.model_dump(by_alias=True, exclude_none=True)
        return ToolAnnotations.model_validate({**said, "openWorldHint": reaches_out})

    def tool(annotations: ToolAnnotations) -> Callable[[Callable[P, R]], Callable[P, R]]:
        def register(fn: Callable[P, R]) -> Callable[P, R]:
            server.tool(annotations=annotations, description=_description(fn))(_answers_errors(fn))
            return fn

        return register

    @tool(READ_ONLY)
    def list_projects() -> ProjectList:
        """The projects in the workspace, with their source, participant and chunk counts."""
        return ProjectList(projects=[project_out(studies(n).info()) for n in studies.names()])

    @tool(WRITES)
    def ingest_source(
        project: Project,
        path: Annotated[
            str | None, Field(description="A file inside the workspace folder, relative to it")
        ] = None,
        content: Annotated[str | None, Field(description="The file's text")] = None,
        content_base64: Annotated[
            str | None, Field(description="The file's bytes as base64 (.docx, .pdf)")
        ] = None,
        filename: Annotated[
            str | None,
            Field(description="The file's name; its extension gives the format (with content)"),
        ] = None,
        kind: Annotated[
            SourceKind | None,
            Field(description="interview, review or survey; by default a table's rows are reviews"),
        ] = None,
        segment: Annotated[
            dict[str, str] | None,
            Field(description='Who the source is, e.g. {"plan": "family"}, for segments'),
        ] = None,
        segment_columns: Annotated[
            list[str] | None,
            Field(description="Table columns whose value in each row is its segment"),
        ] = None,
        replace: Annotated[
            bool,
            Field(
                description="Replace the project's source of the same name (a corrected "
                "transcript); by default both are kept and a warning says so"
            ),
        ] = False,
    ) -> IngestResult:
        """Add a transcript or review table to a project (created if new). Give one of: `path`,
        a file inside the workspace folder; `content`, its text; or `content_base64`, its bytes
        (for .docx and .pdf). With content, `filename` is required: its extension gives the
        format (.txt .md .vtt .srt .docx .pdf .csv .json .jsonl). The same content twice is
        stored once. `kind` as the CLI's --kind: by default a table's rows are reviews and
        anything else an interview; `survey` for a table of survey answers (a respondent per
        row) or a transcript of survey answers. `segment` tags its participants, e.g.
        {"plan": "family"}; `segment_columns` take each row's segment from a table's columns,
        e.g. ["platform"]. A file of the same name as a stored source is kept beside it, with
        a warning, unless `replace` is true (a corrected transcript)."""
        given = [x is not None for x in (path, content, content_base64)]
        if sum(given) != 1:
            raise InvalidRequestError("give exactly one of path, content or content_base64")
        if path is not None:
            home = state.settings.home.resolve()
            file = (home / path).resolve()
            if not file.is_relative_to(home) or not file.is_file():
                # The server never reads outside its workspace; say how to get the file in.
                where = "is outside" if not file.is_relative_to(home) else "is not a file in"
                folder = f"the workspace folder {home}" if local else "the server's workspace"
                copy = "copy the file into that folder and give its path relative to it, or "
                raise NotFoundError(
                    f"{path!r} {where} {folder}: {copy if local else ''}send the file itself "
                    "as `content` (its text) or `content_base64` (.docx, .pdf) with `filename`"
                )
            data, name = file.read_bytes(), filename or file.name
        elif not filename:
            raise InvalidRequestError(
                "content needs a filename whose extension gives the format, e.g. interview.txt"
            )
        elif content is not None:
            data, name = content.encode("utf-8"), filename
        else:
            data, name = _decode_base64(content_base64 or ""), filename
        options = state.settings.ingest_options(
            kind=kind,
            segment=segment or {},
            segment_columns=tuple(segment_columns or ()),
            same_name="replace" if replace else "keep",
        )
        done = ingest_uploads(studies.open(project), [Upload(name, data)], options)
        if len(done.added) > LISTED_AT_MOST:
            update = {"added": done.added[:LISTED_AT_MOST], "added_total": len(done.added)}
            done = done.model_copy(update=update)
        return done

    @tool(READ_ONLY)
    def list_sources(
        project: Project,
        kind: Annotated[
            SourceKind | None, Field(description="Only interviews, reviews or surveys")
        ] = None,
        limit: Limit = 20,
        offset: Annotated[int, Field(ge=0, description="How many to skip (to page on)")] = 0,
    ) -> SourceList:
        """A project's sources (transcripts, review rows, survey answers) with their ids, shown
        names, participants, segments and how much was redacted: a page of `limit` from
        `offset`, and the total. A source's id (or its first characters) is what
        delete_source takes."""
        found = [s for s in studies(project).sources() if kind is None or s.kind == kind]
        page = [source_summary(s) for s in found[offset : offset + limit]]
        return SourceList(project=project, total=len(found), offset=offset, sources=page)

    @tool(ToolAnnotations(readOnlyHint=False, destructiveHint=True, openWorldHint=False))
    def delete_source(
        project: Project,
        source: Annotated[
            str,
            Field(
                description="The source's id (or its first characters) or shown name, as "
                "list_sources gives it"
            ),
        ],
    ) -> str:
        """Delete one source from a project, e.g. when a participant withdraws consent: its
        text, its chunks in the search index, its stored readings, the file sent for it, and
        every stored map version and chat answer that quotes it go. Build the map again
        (build_journey_map) for a map without it."""
        study = studies(project)
        found = study.source(source).source
        study.delete_source(found.id)
        return (
            f"deleted {found.path} ({found.kind}, {found.participant_id}, id {found.id[:12]}) "
            f"from {project}, and every stored map and answer that quoted it; build the map "
            "again (build_journey_map)"
        )

    @tool(llm(WRITES))
    def build_journey_map(
        project: Project,
        stages: Stages = None,
        preset: Preset = None,
        language: MapLanguage = "auto",
        ideal: Annotated[
            dict[str, Any] | str | None,
            Field(description="The intended journey to hold the map against (YAML or object)"),
        ] = None,
        ctx: Context | None = None,
    ) -> MapSummary:
        """Build (or rebuild) the project's draft journey map and store it; optional stages in
        order, as `Name` or `Name: description`, or a journey `preset` (travel, finance,
        subscription, ecommerce, hospitality, hotel, healthcare, telecom, products, delivery,
        insurance, generic). By default the stages chosen for the last map are kept (so edits
        still apply), else a study of reviews gets the preset that fits it best; preset `auto`
        chooses afresh.
        `language` (en, zh, or
        auto: the language most sources are in) is the language of the map's own words;
        quotes stay as spoken. `ideal`: the intended journey to hold it against, `{stages:
        [{name, expectations: [...], target_valence (-2..+2), target_feeling, kpis}]}` or that
        as YAML text; each stage's brief then says where the actual experience falls short.
        Replies with the map in brief: counts and top titles per stage, and a link to the
        whole map."""
        intended = read_ideal(ideal, "ideal") if ideal is not None else None
        with host_model(ctx, state.settings.llm_timeout):
            journey_map = studies(project).build_map(
                stages or [],
                preset=preset,
                language=language,
                ideal=intended,
                phase=progress_of(ctx),
            )
        return map_summary(journey_map, current=True)

    @tool(llm(WRITES))  # not read-only: the LLM's reply is cached in the workspace
    def draft_ideal_journey(
        project: Project,
        stages: Stages = None,
        preset: Preset = None,
        language: MapLanguage = "auto",
        ctx: Context | None = None,
    ) -> IdealDraft:
        """Draft the intended (to-be) journey over the map's stages: with an LLM configured,
        what should happen and how each stage should feel, from the interview guide; offline,
        the stages alone to fill in. Nothing is stored: show it to the user, edit it, then
        pass it as `ideal` to build_journey_map."""
        with host_model(ctx, state.settings.llm_timeout):
            journey, text = studies(project).draft_ideal(stages or [], preset, language)
        return IdealDraft(ideal=journey, yaml=text)

    @tool(READ_ONLY)
    def get_journey_map(project: Project) -> MapSummary:
        """The project's stored map in brief: counts and top titles per stage, whether it is
        current, and a link to the whole map (the resource journeymap://projects/{project}/map).
        """
        study = studies(project)
        journey_map = study.stored_map()
        return map_summary(journey_map, study.is_current(journey_map))

    @tool(READ_ONLY)
    def top_pain_points(
        project: Project,
        stage: Stage = None,
        segment: Annotated[
            str | None,
            Field(description="A segment as attribute=value (plan=family), or a bare value"),
        ] = None,
        limit: Limit = 5,
        kind: Annotated[
            Literal["pain_point", "delight"], Field(description="Pain points or delights")
        ] = "pain_point",
    ) -> TopFindings:
        """The stored map's most important pain points (or delights, with kind=delight), each
        with its stage, participants, severity and one or two short verbatim quotes. Filter by
        `stage` (a stage name) and `segment` (`attribute=value`, or a bare value)."""
        study = studies(project)
        journey_map, ranked = study.top_findings(kind, stage, segment)
        return TopFindings(
            project=project,
            map_id=journey_map.id,
            current=study.is_current(journey_map),
            matched=len(ranked),
            findings=[_brief(journey_map, located, reach) for located, reach in ranked[:limit]],
            map_uri=map_uri(project),
        )

    @tool(READ_ONLY)
    def get_theme(
        project: Project,
        theme_id: FindingId,
        limit: Annotated[
            int, Field(ge=1, le=500, description="How many of its quotes to return, at most")
        ] = 20,  # a 37-quote theme was 20 KB on the wire at 100
    ) -> Theme:
        """One pain point or delight of the stored map by id (e.g. `pp-onboarding-1`, from
        top_pain_points or get_journey_map) with its verbatim quotes, those the map shows
        first, then every other member's (`quote_count` says how many it has; up to `limit`
        are returned), its counts per segment and the recommendations that address it."""
        journey_map, located = studies(project).theme(theme_id)
        f = located.finding
        quotes = theme_quotes(journey_map, f)
        return Theme(
            id=f.id,
            kind="delight" if located.kind == "delight" else "pain_point",
            stage=located.stage,
            title=f.title,
            description=f.description,
            severity=f.severity,
            participants=f.participants,
            share=f.share,
            segments=f.segments,
            touchpoints=f.touchpoints,
            emotion=f.emotion,
            quote_count=len(quotes),
            quotes=quotes[:limit],
            recommendations=[
                RecommendationRef(id=r.id, title=r.title, priority=r.priority)
                for r in recommendations_for(journey_map, f.id)
            ],
            map_id=journey_map.id,
            map_uri=map_uri(project),
        )

    @tool(READ_ONLY)
    def search_quotes(project: Project, query: Query, limit: Limit = 5) -> QuoteSearch:
        """Participants' verbatim words nearest in meaning to a query (any language), best
        first, each with its source id, path and character offsets. Needs no map."""
        found = studies(project).search_quotes(query, limit)
        return QuoteSearch(
            query=query,
            quotes=[QuoteHit(**e.model_dump(), score=score) for score, e in found],
        )

    # Not read-only: it records the conversation, and builds the map if none is current.
    @tool(llm(ToolAnnotations(readOnlyHint=False, destructiveHint=False, openWorldHint=False)))
    def ask(
        project: Project,
        question: Question,
        conversation_id: ConversationId = None,
        ctx: Context | None = None,
    ) -> ChatAnswer:
        """Ask the study a question; the answer cites verbatim participant quotes, or abstains
        when the study holds nothing relevant. Pass the reply's `conversation_id` with a
        follow-up ("and during sign-up?") to continue the conversation."""
        with host_model(ctx, state.settings.llm_timeout):
            return studies(project).ask(question, conversation_id)

    @tool(READ_ONLY)
    def list_recommendations(
        project: Project,
        limit: Annotated[int, Field(ge=1, le=100, description="How many, at most")] = 5,
    ) -> RecommendationList:
        """Intervention points of the stored map, highest priority (impact / effort) first."""
        journey_map = studies(project).stored_map()
        recs = journey_map.recommendations
        return RecommendationList(
            project=project, map_id=journey_map.id, total=len(recs), recommendations=recs[:limit]
        )

    @tool(READ_ONLY)
    def export_journey_map(
        project: Project,
        format: Annotated[Format, Field(description="md, csv, json, html, mermaid, …")] = "md",
    ) -> str:
        """The stored map as JSON, a Markdown report, CSV, a Mermaid journey diagram, a
        self-contained HTML page or its coded segments (observations CSV / JSONL). An export
        over 8 KB (all but the Mermaid diagram of most studies) comes as a link to a resource
        to read or save, not as text in the chat."""
        text = studies(project).export(format)
        size = len(text.encode("utf-8"))
        if size <= INLINE_AT_MOST:
            return text
        uri = (
            map_uri(project)
            if format == "json"
            else EXPORT_URI.format(project=project, format=format)
        )
        note = (
            f"The {format} export of {project!r} is {size / 1024:.0f} KB, too large for a chat: "
            f"read the resource {uri}, or write it to a file with `journeymap map "
            f"--project {project} --format {format} --out FILE`."
        )
        link = ResourceLink(
            type="resource_link",
            uri=uri,
            name=f"journey map ({format})",
            description=f"The {format} export of the map, {size} bytes",
            mime_type=MEDIA_TYPES[format],
            size=size,
        )
        return CallToolResult(  # type: ignore[return-value]  # passed through by the SDK
            content=[TextContent(type="text", text=note), link],
            structured_content={"result": note},
        )

    @tool(llm(EDITS))  # a stale map is rebuilt first
    def edit_map(
        project: Project,
        op: Annotated[Op, Field(description="What to do (see the tool's description)")],
        target: Annotated[
            str, Field(description="The finding edited: its id (top_pain_points, get_theme)")
        ] = "",
        title: Annotated[
            str | None,
            Field(max_length=MAX_TITLE, description="rename, split, add: the finding's title"),
        ] = None,
        into: Annotated[str | None, Field(description="merge: the finding to merge into")] = None,
        stage: Annotated[
            str | None, Field(description="restage, add: a stage of the map by name")
        ] = None,
        quote: Annotated[
            QuoteRef | None,
            Field(
                description="pin, unpin: {source_id, char_start, char_end} of a participant's "
                "words as search_quotes or get_theme give them; pin may give {source_id, quote} "
                "(the words, as shown) instead of offsets, or with them: the words are found in "
                "the source's participant turns, nearest the offsets"
            ),
        ] = None,
        quotes: Annotated[
            list[QuoteRef] | None,
            Field(
                max_length=MAX_EDIT_QUOTES,
                description="split: some of the target's quotes ({source_id, char_start}); add: "
                "the new finding's quotes ({source_id, char_start, char_end} or {source_id, "
                "quote: the words})",
            ),
        ] = None,
        kind: Annotated[
            Literal["pain_point", "delight"], Field(description="add: what the new finding is")
        ] = "pain_point",
        severity: Annotated[int, Field(ge=1, le=5, description="add: 1 (mild) to 5")] = 3,
        note: Annotated[
            str | None, Field(max_length=MAX_NOTE, description="Why, kept with the edit")
        ] = None,
        expect_title: Annotated[
            str | None,
            Field(
                max_length=MAX_TITLE,
                description="The target's title as you last saw it: refused if the id now "
                "names another theme (ids change when the map is rebuilt)",
            ),
        ] = None,
        ctx: Context | None = None,
    ) -> EditOut:
        """Curate the draft map; the edit is kept and re-applied to every rebuild, and records
        that an assistant made it. `target` is a finding id from top_pain_points/get_theme.
        Ops: rename (title); merge (into: another id); split (title, quotes: some of the
        target's quotes by source_id and char_start, which become a new finding); delete (to
        dismiss a finding); restage (stage: move it); pin (quote: source_id, char_start,
        char_end of a participant's words to show first); unpin (quote: one of its quotes to
        drop); add (kind, stage, title, quotes: a new finding on participants' words, e.g. from
        search_quotes). Every quote is checked against its source; nothing invented is kept."""
        request = EditRequest(
            op=op,
            target=target,
            title=title,
            into=into,
            stage=stage,
            quote=quote,
            quotes=quotes or [],
            kind=kind,
            severity=severity,
            note=note,
            expect_title=expect_title,
        )
        with host_model(ctx, state.settings.llm_timeout):  # a stale map is rebuilt first
            done = studies(project).edit(request, author="mcp")
        return EditOut(
            edit_id=done.edit.id,
            op=done.edit.op,
            applied=not done.warnings,
            warnings=done.warnings,
            finding=_brief(done.map, done.finding) if done.finding else None,
            map_id=done.map.id,
        )

    @tool(READ_ONLY)
    def list_edits(
        project: Project,
        limit: Annotated[int, Field(ge=1, le=200, description="How many, newest first")] = 20,
    ) -> EditList:
        """The people's and assistants' edits of the project's map, oldest first, with who
        made each: the latest `limit` of them. Each says what it was made on (`made_on`, and
        for a merge `merged_into`: ids and titles when it was made) and the finding it leaves
        in the map now (`now`: its id and title today)."""
        log = studies(project).edit_log()
        # without the anchors that find a theme again in a rebuilt map: the quotes' places,
        # for the program, not the chat (ten edits were 15 KB, most of it anchors)
        edits = [
            e.model_copy(update={"anchor": [], "into_anchor": []})
            for e in edit_entries(log[-limit:])
        ]
        return EditList(project=project, total=len(log), edits=edits)

    @tool(ToolAnnotations(readOnlyHint=False, destructiveHint=True, openWorldHint=False))
    def undo_edit(
        project: Project,
        edit_id: Annotated[str, Field(description="The edit's id, as list_edits gives it")],
    ) -> str:
        """Take back one edit by id (from edit_map or list_edits); the map no longer applies it."""
        studies(project).undo_edit(edit_id)
        return f"edit {edit_id} undone"

    @tool(READ_ONLY)
    def list_personas(
        project: Project,
        by: Annotated[
            str | None, Field(description="A segment attribute: one persona per value")
        ] = None,
    ) -> Personas:
        """The study's personas, largest first: groups of participants who raise the same
        themes and feel alike per stage, each with its size, defining themes (counts and
        shares), a member's quote, feeling per stage and top pain point ids; or, with `by`
        (a segment attribute), one persona per value."""
        study = studies(project)
        journey_map, found = study.personas(by, stored_only=True)
        return personas_out(project, journey_map.id, by, found)

    @tool(READ_ONLY)
    def compare_segments(
        project: Project,
        by: Annotated[str, Field(description="A segment attribute, e.g. plan, or persona")],
        limit: Annotated[int, Field(ge=1, le=20, description="Themes to show, at most")] = 5,
    ) -> Comparison:
        """Compare the groups of a segment attribute (`by`: e.g. `plan`, or `persona`): per
        stage each group's mean valence with a 95% interval and n participants, and the themes
        whose share differs most, with Fisher's exact test. A verdict `not enough participants`
        means no difference may be claimed. An attribute with one value among the participants
        is an error naming its value and the attributes that have two."""
        return studies(project).compare(by, limit, stored_only=True)

    @tool(READ_ONLY)
    def diff_maps(
        project: Project,
        a: Annotated[
            str, Field(description="A map id (or its start); with `by`, a value of that attribute")
        ],
        b: Annotated[
            str, Field(description="A map id (or its start); with `by`, a value of that attribute")
        ],
        by: Annotated[
            str | None, Field(description="A segment attribute whose values a and b are")
        ] = None,
        limit: Annotated[int, Field(ge=1, le=50, description="Themes to show, at most")] = 8,
    ) -> MapDiff:
        """What changed from A to B: two stored map versions (ids or their first characters),
        or with `by` (a segment attribute such as `wave`) two of its values. Replies with the
        themes that are new, grown, shrunk or resolved (then steady ones, up to `limit`) and
        each stage's change of feeling with a 95% interval."""
        found = studies(project).diff(a, b, by, stored_only=True)
        steady = sum(t.status == "steady" for t in found.themes[limit:])
        notes = [*found.notes, f"{steady} more steady themes left out"] if steady else found.notes
        return found.model_copy(update={"themes": found.themes[:limit], "notes": notes})

    @server.resource("journeymap://projects/{project}/map", mime_type="application/json")
    def journey_map_resource(project: str) -> str:
        """The project's stored journey map as JSON (people's edits applied)."""
        return _resource(lambda: exports.to_json(studies(project).stored_map()))

    for format in FORMATS:
        if format != "json":
            _export_resource(server, state, format)
    return server


def _resource(read: Callable[[], str]) -> str:
    """A resource's text, journeymap's errors as the SDK's resource errors."""
    try:
        return read()
    except NotFoundError as exc:
        raise ResourceNotFoundError(str(exc)) from None
    except JourneymapError as exc:
        raise ResourceError(str(exc)) from None


def _export_resource(server: MCPServer, state: AppState, format: str) -> None:
    """The resource `EXPORT_URI` of one export format (export_journey_map links it)."""

    def export(project: str) -> str:
        return _resource(lambda: state.studies(project).export(format))  # type: ignore[arg-type]

    server.resource(
        EXPORT_URI.replace("{format}", format),
        name=f"map-{format}",
        description=f"The project's stored journey map as {format} (people's edits applied).",
        mime_type=MEDIA_TYPES[format],
    )(export)


def _log_level(settings: Settings) -> LogLevel:
    """JOURNEYMAP_LOG_LEVEL as the SDK names levels (WARNING if it names none)."""
    return _LEVELS.get(settings.log_level.upper(), "WARNING")


def _brief(journey_map: JourneyMap, located: Located, reach: int | None = None) -> FindingBrief:
    f = located.finding
    return FindingBrief(
        id=f.id,
        kind="delight" if located.kind == "delight" else "pain_point",
        title=f.title,
        stage=located.stage,
        participants=f.participants,
        segment_participants=reach,
        share=f.share,
        severity=f.severity,
        quote_count=len(theme_quotes(journey_map, f)),
        quotes=short_quotes(f),
    )


def _decode_base64(text: str) -> bytes:
    """Bytes from base64 text (a `data:...;base64,` prefix and line breaks allowed)."""
    _, comma, rest = text.partition(",")
    payload = rest if comma and text.startswith("data:") else text
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        raise InvalidRequestError("content_base64 is not valid base64 text") from None


def run_stdio(state: AppState) -> None:
    """Serve MCP over stdin/stdout (for desktop assistants)."""
    create_mcp(state, local=True).run("stdio")
