"""Short, read-only views of a project for a chat: its stored map's top findings, one theme,
and verbatim quotes found by meaning. Nothing here builds or saves anything."""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.cues import small_talk
from assistant.mapping import map_id, with_edits
from assistant.presets import other_names
from assistant.stages import StageSpec
from assistant.workspace import Workspace
from ingest.speakers import speaks_for
from ingest.store import Hit
from journey.errors import InputError
from journey.grounding import ground
from journey.schema import Evidence, Finding, JourneyMap, Recommendation
from journey.source import Role, Turn


@dataclass(frozen=True)
class Located:
    """A pain point or delight of a map with the stage it belongs to."""

    stage: str
    kind: str
    """pain_point or delight."""
    finding: Finding
    headline: bool
    """False for a finding raised by one participant only (kept per stage, not headlined)."""


def stored_map(workspace: Workspace, project: str) -> JourneyMap | None:
    """The project's newest stored map with people's edits applied; None if none was built.
    Raises NotFoundError for an unknown project."""
    workspace.catalog.require_project(project)
    latest = workspace.repository.latest_map(project)
    return None if latest is None else with_edits(workspace, latest)


def is_current(workspace: Workspace, journey_map: JourneyMap) -> bool:
    """Whether the map was built from the project's sources as they are now (by the extractor
    configured now): False once sources were added or removed since."""
    stored = workspace.catalog.sources(journey_map.project)
    specs = [StageSpec(name=s.name, description=s.description) for s in journey_map.stages]
    made_by = workspace.extractor_name()
    return journey_map.id == map_id(
        journey_map.project, stored, specs, made_by, journey_map.language
    )


def findings(journey_map: JourneyMap) -> list[Located]:
    """Every pain point and delight of the map, headline ones and single mentions."""
    out: list[Located] = []
    for stage in journey_map.stages:
        groups: list[tuple[str, Sequence[Finding], bool]] = [
            ("pain_point", stage.pain_points, True),
            ("delight", stage.delights, True),
            ("pain_point", stage.pain_points_once, False),
            ("delight", stage.delights_once, False),
        ]
        for kind, items, headline in groups:
            out.extend(Located(stage.name, kind, f, headline) for f in items)
    return out


def stage_named(journey_map: JourneyMap, stage: str) -> str:
    """The map's stage a person names: in any case, or a bundled stage by its name in the
    other language ("售后服务" on an English map is Support); InputError naming the stages."""
    wanted = stage.strip().casefold()
    for s in journey_map.stages:
        names = (s.name, *other_names(s.name))
        if any(n.casefold() == wanted for n in names):
            return s.name
    known = ", ".join(s.name for s in journey_map.stages)
    raise InputError(f"no stage {stage!r} in the map; stages: {known}")


def _segment_test(journey_map: JourneyMap, segment: str) -> tuple[str | None, str]:
    """(attribute or None for any, value) of a `key=value` or bare `value` segment filter."""
    key, sep, value = segment.partition("=")
    wanted = (key.strip().casefold() if sep else None, (value if sep else key).strip().casefold())
    known = journey_map.sources.segments
    for k, values in known.items():
        if wanted[0] in (None, k.casefold()) and any(v.casefold() == wanted[1] for v in values):
            return wanted
    listed = ", ".join(f"{k}={v}" for k, values in known.items() for v in values) or "none"
    raise InputError(f"no segment {segment!r} in the study; segments: {listed}")


def _in_segment(finding: Finding, test: tuple[str | None, str]) -> int:
    """How many of the finding's participants belong to the segment."""
    key, value = test
    return sum(
        n
        for k, values in finding.segments.items()
        if key in (None, k.casefold())
        for v, n in values.items()
        if v.casefold() == value
    )


def top_findings(
    journey_map: JourneyMap,
    kind: str = "pain_point",
    stage: str | None = None,
    segment: str | None = None,
) -> list[tuple[Located, int | None]]:
    """The map's findings of one kind, most important first: headline ones before single
    mentions, then by impact (severity x share of participants), as recommendations rank them.
    Each comes with its participants in the segment when one is given (`key=value` or a bare
    value); an unknown stage or segment raises InputError naming the known ones."""
    home = stage_named(journey_map, stage) if stage else None
    test = _segment_test(journey_map, segment) if segment else None
    out: list[tuple[Located, int | None]] = []
    for located in findings(journey_map):
        if located.kind != kind or (home and located.stage != home):
            continue
        reach = _in_segment(located.finding, test) if test else None
        if reach == 0:
            continue
        out.append((located, reach))
    out.sort(
        key=lambda lr: (
            not lr[0].headline,
            -(lr[1] if lr[1] is not None else 0),
            -lr[0].finding.severity * lr[0].finding.share,
            lr[0].finding.id,
        )
    )
    return out


def find_theme(journey_map: JourneyMap, theme_id: str) -> Located:
    """A pain point or delight by id; InputError naming a few known ids otherwise."""
    every = findings(journey_map)
    for located in every:
        if located.finding.id == theme_id.strip():
            return located
    headline_first = sorted(every, key=lambda loc: not loc.headline)
    sample = ", ".join(loc.finding.id for loc in headline_first[:5]) or "none"
    raise InputError(
        f"no pain point or delight {theme_id!r} in map {journey_map.id} (ids such as {sample}; "
        "ids follow rank order and change when the map is rebuilt)"
    )


def theme_quotes(journey_map: JourneyMap, finding: Finding) -> list[Evidence]:
    """Every quote of a pain point or delight: those the map shows (most typical first, a
    pinned one leading), then those of its other members, the map's coded segments grouped
    into it, in the map's order. The map shows a few per finding; an MCP trial's get_theme,
    said to give every quote, gave 5 for a theme of 10 people."""
    seen = {(e.source_id, e.char_start) for e in finding.evidence}
    rest: list[Evidence] = []
    for o in journey_map.observations:
        key = (o.evidence.source_id, o.evidence.char_start)
        if o.theme == finding.id and key not in seen:
            seen.add(key)
            rest.append(o.evidence)
    return [*finding.evidence, *rest]


def recommendations_for(journey_map: JourneyMap, theme_id: str) -> list[Recommendation]:
    """The map's recommendations that address a finding."""
    return [r for r in journey_map.recommendations if theme_id in r.addresses]


def short_quotes(finding: Finding, n: int = 2, longest: int = 240) -> list[Evidence]:
    """Up to n of a finding's quotes from different participants, short ones preferred (at
    most `longest` characters when any is), in the finding's order."""
    picked: list[Evidence] = []
    seen: set[str | None] = set()
    for limit in (longest, None):
        for e in finding.evidence:
            if len(picked) == n:
                return picked
            who = e.participant_id or e.source_id
            if e in picked or who in seen or (limit is not None and len(e.quote) > limit):
                continue
            picked.append(e)
            seen.add(who)
    return picked


def search_quotes(
    workspace: Workspace, project: str, query: str, limit: int = 5
) -> list[tuple[float, Evidence]]:
    """Participants' verbatim words that hold a query or are nearest to it in meaning (the
    store search of the CLI's `search`), best first, with their similarity: the `limit` best
    passages, each as its participant's words (one quote per run of turns), grounded at their
    offsets."""
    workspace.catalog.require_project(project)
    hits = search_passages(workspace, project, query, limit, {"role": Role.participant.value})
    if not hits:
        return []
    stored = {s.source.id: s for s in workspace.catalog.sources(project)}
    redact = workspace.redactor(project)
    scored: list[tuple[float, Evidence]] = []
    allowed: dict[str, list[tuple[int, int]]] = {}
    for hit in hits:
        item = stored.get(str(hit.metadata["source_id"]))
        if item is None:  # removed since it was embedded
            continue
        start, end = int(hit.metadata["char_start"]), int(hit.metadata["char_end"])
        first, last = int(hit.metadata["turn_start"]), int(hit.metadata["turn_end"])
        # The participant's turns of the passage, each its own quote (a review's title and
        # body too: one span over both was refused by an edit that adds it, being no one turn)
        pieces: list[tuple[int, int, Turn]] = []
        for turn in item.source.turns[first : last + 1]:
            s, e = max(start, turn.char_start), min(end, turn.char_end)
            if turn.role is Role.participant and s < e:
                pieces.append((s, e, turn))
        # one quote per passage (a think-aloud passage of many short turns gave seven at one
        # score): the piece sharing most words with the query, else the longest
        if len(pieces) > 1:
            wanted = _words(query)
            pieces = [
                max(
                    pieces,
                    key=lambda p: (len(wanted & _words(item.original[p[0] : p[1]])), p[1] - p[0]),
                )
            ]
        for s, e, turn in pieces:
            allowed.setdefault(item.source.id, []).append((s, e))
            evidence = Evidence(
                quote=redact.redact(item.original[s:e])[0],
                source_id=item.source.id,
                source_path=item.source.path,
                char_start=s,
                char_end=e,
                speaker=turn.speaker,
                participant_id=speaks_for(item.source, turn),
                timestamp=turn.start,
            )
            scored.append((round(1 - hit.distance, 3), evidence))
    originals = {sid: s.original for sid, s in stored.items()}
    out: list[tuple[float, Evidence]] = []
    for score, evidence in scored:
        grounded = ground([evidence], originals, lambda t: redact.redact(t)[0], allowed)
        out.extend((score, e) for e in grounded.kept)
    return out[:limit]


def search_passages(
    workspace: Workspace, project: str, query: str, n: int, where: dict[str, str] | None
) -> list[Hit]:
    """The store's search (`Store.search`: word for word first, then nearest in meaning) less
    passages that are only small talk and do not hold the query: 卡顿 searched in a course study
    returned three "再见。" nearest in meaning, above quotes that said 卡."""
    hits = workspace.store.search(project, query, n=2 * n + 5, where=where)
    wanted = query.strip().lower()
    return [h for h in hits if wanted in h.text.lower() or not small_talk(h.text)][:n]


def _words(text: str) -> set[str]:
    """Lower-case words, and single Chinese characters, of a text."""
    return set(re.findall(r"[a-z0-9']+|[\u4e00-\u9fff]", text.lower()))
