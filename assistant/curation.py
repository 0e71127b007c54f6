"""Edits by people, checked before they are recorded: the finding or touchpoint they name
exists in the map, the stage they move to is one of its stages, a pinned quote is a
participant's own words at the offsets given (grounded like every quote of a map)."""

import contextlib
import uuid

from assistant import briefs
from assistant.briefs import Located
from assistant.workspace import Workspace
from ingest.speakers import speaks_for
from journey.edits import Edit, EditRequest, NamedFinding, QuoteRef, anchor, find, locate
from journey.errors import InputError, InvalidRequestError, NotFoundError
from journey.grounding import ground
from journey.schema import Evidence, Finding, JourneyMap, Stage, every_field
from journey.source import Role
from journey.text import shortened


def pinned_quote(workspace: Workspace, project: str, quote: dict[str, str | int]) -> Evidence:
    """A grounded participant quote from (source_id, char_start, char_end); the source id may
    be its first characters. With `quote` (the words meant), those words must be what the
    source says there, and the span must not cut a word: a trial's paraphrase ("The app
    writing is far too small for me.") stored whatever lay at its offsets as verified, and a
    pin stored "week the butter and the"."""
    meant = quote.get("quote")
    words = meant.strip() if isinstance(meant, str) else ""
    try:
        source_id = str(quote["source_id"])
        by_words = bool(words) and "char_start" not in quote and "char_end" not in quote
        start, end = (0, 0) if by_words else (int(quote["char_start"]), int(quote["char_end"]))
    except (KeyError, ValueError):
        raise InvalidRequestError(
            "quote needs source_id and char_start and char_end, or source_id and the quote's "
            "words (quote)"
        ) from None
    sources = workspace.catalog.sources(project)
    stored = next((s for s in sources if s.source.id == source_id), None)
    if stored is None:
        starting = [s for s in sources if source_id and s.source.id.startswith(source_id)]
        stored = starting[0] if len(starting) == 1 else None
    if stored is None:
        raise NotFoundError(f"no source {source_id!r} in project {project!r}")
    source_id = stored.source.id
    redactor = workspace.redactor(project)

    def redact(text: str) -> str:
        return redactor.redact(text)[0]

    spans = [(t.char_start, t.char_end) for t in stored.source.turns if t.role is Role.participant]
    if start < 0 or end > len(stored.original) or start > end:
        # a negative offset counted from the end (Python's slicing) and pinned "site."
        raise InvalidRequestError(
            f"char_start and char_end must satisfy 0 <= char_start <= char_end <= "
            f"{len(stored.original)} (the source's length)"
        )
    if words:
        # an assistant quotes by words and counts offsets badly (an MCP trial's were off by 3,
        # and words alone were refused): grounding finds the words in the participant's turns,
        # nearest the offsets given, as it relocates any quote
        meant_at = Evidence.model_construct(
            every_field(Evidence),
            quote=words,
            source_id=source_id,
            source_path=stored.source.path,
            char_start=start,
            char_end=end,
        )
        found = ground([meant_at], {source_id: stored.original}, redact, {source_id: spans}).kept
        if found:
            start, end = found[0].char_start, found[0].char_end
        elif by_words:
            raise InvalidRequestError(
                f"source {source_id[:12]} has no participant turn saying {shortened(words, 80)!r}; "
                "quote the participant's words as `search_quotes` or `get_theme` give them"
            )
        else:
            said = redact(stored.original[start:end])
            raise InvalidRequestError(
                f"the source does not say that at {start}-{end}: it says "
                f"{shortened(said, 80)!r}; quote the participant's words as `search_quotes` or "
                "`get_theme` give them, with their offsets"
            )
    text = stored.original
    if (0 < start < len(text) and _in_word(text, start)) or (
        0 < end < len(text) and _in_word(text, end)
    ):
        raise InvalidRequestError(
            f"{start}-{end} cuts a word ({shortened(redact(text[start:end]), 80)!r}): "
            "start and end a quote where its words start and end"
        )
    turn = next((t for t in stored.source.turns if t.char_start <= start < t.char_end), None)
    evidence = Evidence(
        quote=redact(stored.original[start:end]),
        source_id=source_id,
        source_path=stored.source.path,
        char_start=start,
        char_end=end,
        speaker=turn.speaker if turn else None,
        participant_id=speaks_for(stored.source, turn),
        timestamp=turn.start if turn else None,
    )
    checked = ground([evidence], {source_id: stored.original}, redact, {source_id: spans})
    if not checked.kept:
        raise InvalidRequestError(
            "that span is not inside one participant turn of the source; pin a "
            "participant's own words"
        )
    return checked.kept[0]


def _held_key(key: tuple[str, int], held: list[Evidence]) -> tuple[str, int]:
    """A quote named by (source id or its first characters, char_start), as one of `held`."""
    sid, at = key
    fits = {e.source_id for e in held if e.char_start == at and e.source_id.startswith(sid)}
    return (fits.pop(), at) if len(fits) == 1 else key


def _in_word(text: str, at: int) -> bool:
    """Whether offset `at` falls between two letters or digits of one Latin word."""
    before, after = text[at - 1], text[at]
    return before.isascii() and after.isascii() and before.isalnum() and after.isalnum()


def _key(quote: QuoteRef) -> tuple[str, int]:
    try:
        return str(quote["source_id"]), int(quote["char_start"])
    except (KeyError, ValueError):
        raise InvalidRequestError("a quote needs source_id and char_start") from None


def make_edit(
    workspace: Workspace,
    project: str,
    journey_map: JourneyMap,
    request: EditRequest,
    author: str | None = None,
) -> Edit:
    """The edit a request asks for, anchored to what it names in the map (so it survives
    rebuilds), every quote it brings grounded in its source; InvalidRequestError or
    NotFoundError saying what is wrong otherwise."""
    m = journey_map
    edit = Edit(
        id=f"edit-{uuid.uuid4().hex[:10]}",
        op=request.op,
        anchor=[],
        title=request.title,
        stage=request.stage,
        kind=request.kind,
        severity=request.severity,
        author=author,
        note=request.note,
    )
    if request.op in ("rename", "split", "add") and not (request.title or "").strip():
        raise InvalidRequestError(f"{request.op} needs a title")
    if request.op in ("add", "restage") and request.stage:
        # in any case, or a bundled stage's name in the other language; else refused below
        with contextlib.suppress(InputError):
            edit.stage = briefs.stage_named(m, request.stage)
    if request.op == "add":
        if edit.stage not in {s.name for s in m.stages}:
            raise InvalidRequestError(
                f"add needs a stage of the map: {', '.join(s.name for s in m.stages)}"
            )
        if not request.quotes:
            raise InvalidRequestError("add needs quotes: a finding rests on participants' words")
        edit.quotes = [pinned_quote(workspace, project, q) for q in request.quotes]
        return edit
    if request.op == "restage" and edit.stage not in {s.name for s in m.stages}:
        raise InvalidRequestError(
            f"restage needs a stage of the map: {', '.join(s.name for s in m.stages)}"
        )
    if request.target.startswith("touchpoint:"):
        _, stage, name = [*request.target.split(":", 2), "", ""][:3]
        stage_ = next((s for s in m.stages if s.name == stage), None)
        if stage_ is None or name not in {t.name for t in stage_.touchpoints}:
            raise NotFoundError(f"no touchpoint {name!r} in stage {stage!r}")
        if request.op in ("merge", "split", "unpin"):
            raise InvalidRequestError(
                "touchpoints cannot be merged, split or unpinned; rename, move or delete one"
            )
        edit.touchpoint = (stage, name)
        edit.made_on = NamedFinding(id=request.target, title=name)
    found = None
    if not request.target.startswith("touchpoint:"):
        found = find(m, request.target)
        if found is None:
            raise NotFoundError(f"no pain point or delight {request.target!r} in the current map")
        expected = (request.expect_title or "").strip()
        if expected and expected.casefold() != found[1].title.casefold():
            raise InvalidRequestError(
                f"{request.target} is now {found[1].title!r}, not {expected!r}: ids follow rank "
                "order and change when the map is rebuilt; find the theme again "
                "(top_pain_points, get_theme) and edit it by its id now"
            )
        edit.anchor = anchor(found[1])
        edit.made_on = NamedFinding(id=found[1].id, title=found[1].title)
    if request.op == "merge":
        into = find(m, request.into or "")
        if not request.into:
            raise InvalidRequestError("merge needs `into`: another finding's id")
        if request.into == request.target:
            raise InvalidRequestError(
                f"cannot merge {request.target!r} into itself: `into` names the other finding"
            )
        if into is None:
            raise NotFoundError(
                f"no pain point or delight {request.into!r} in the current map to merge into"
            )
        if found is not None and _is_delight(found) != _is_delight(into):
            kinds = {True: "a delight", False: "a pain point"}
            raise InvalidRequestError(
                f"{request.target} is {kinds[_is_delight(found)]} and {request.into} is "
                f"{kinds[_is_delight(into)]}: merge findings of one kind (a merge joins their "
                "participants, quotes and severity)"
            )
        edit.into_anchor = anchor(into[1])
        edit.merged_into = NamedFinding(id=into[1].id, title=into[1].title)
    if request.op == "pin":
        if request.quote is None:
            raise InvalidRequestError("pin needs a quote")
        edit.pinned = pinned_quote(workspace, project, request.quote)
    if request.op == "unpin":
        if request.quote is None or found is None:
            raise InvalidRequestError("unpin needs a quote of the finding")
        key = _held_key(_key(request.quote), list(found[1].evidence))
        if key not in set(anchor(found[1])):
            raise InvalidRequestError("that quote is not one of the finding's quotes")
        if len(found[1].evidence) == 1:
            raise InvalidRequestError("that is the finding's only quote; delete the finding")
        edit.unpinned = key
    if request.op == "delete" and found is not None:
        edit.title = found[1].title  # what `edit list` names once the finding is gone
    if request.op == "split":
        keys = {_key(q) for q in request.quotes}
        # any member of the theme, not only the quotes it shows (its coded segments)
        held = (
            [
                *found[1].evidence,
                *(o.evidence for o in m.observations if o.theme == found[1].id),
            ]
            if found
            else []
        )
        held = list({(e.source_id, e.char_start): e for e in held}.values())
        keys = {_held_key(k, held) for k in keys}
        theirs = [e for e in held if (e.source_id, e.char_start) in keys]
        missing = keys - {(e.source_id, e.char_start) for e in theirs}
        if missing and theirs:  # a trial's split moved 1 of its 3 quotes and said applied
            named = ", ".join(f"{sid}:{at}" for sid, at in sorted(missing))
            raise InvalidRequestError(
                f"{len(missing)} of the quotes named are not the finding's ({named}): give "
                "each as get_theme lists it (source_id and char_start)"
            )
        if not theirs or len(theirs) == len(held):
            raise InvalidRequestError(
                "split needs `quotes`: some, not all, of the finding's quotes (source_id, "
                "char_start), to become the new finding"
            )
        edit.quotes = theirs
    return edit


def edited_finding(journey_map: JourneyMap, edit: Edit) -> Located | None:
    """The finding an edit leaves in the map (the renamed, moved or pinned one; the one merged
    into; the new one of a split or add); None after a delete or when it was not applied."""
    if edit.op == "delete" or edit.touchpoint is not None:
        return None
    if edit.op in ("add", "split"):  # the new finding's id ends with the edit's
        return next(
            (
                located
                for located in briefs.findings(journey_map)
                if located.finding.id.endswith(f"-{edit.id}")
            ),
            None,
        )
    found = locate(journey_map, edit.into_anchor if edit.op == "merge" else edit.anchor)
    if found is None:
        return None
    return next(
        (located for located in briefs.findings(journey_map) if located.finding is found[1]),
        None,
    )


def _is_delight(found: tuple[Stage, Finding]) -> bool:
    """Whether a finding of the map is a delight (else a pain point)."""
    stage, finding = found
    return any(f is finding for f in (*stage.delights, *stage.delights_once))
