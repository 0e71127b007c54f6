"""Exports of a journey map as text: JSON, JSON Schema, Markdown report, CSV, coded segments
(CSV and JSON Lines), Mermaid.

Every function here is pure (`map -> str`); the CLI and the API decide where the text goes.
The self-contained HTML page lives in `journey.html`.
"""

import csv
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from journey.labels import EN, Labels, labels_for
from journey.lanes import StandOut, characteristic_emotions, format_stand_out, opportunities
from journey.schema import (
    SCHEMA_VERSION,
    CodedObservation,
    Evidence,
    Finding,
    IdealComparison,
    JourneyMap,
    PainPoint,
    Recommendation,
    Stage,
    who_said,
)

SCHEMA_ID = f"urn:journeymap:schema:journey-map:{SCHEMA_VERSION}"
"""`$id` of the published JSON Schema: a URN, so it claims no web address we do not own."""

CSV_COLUMNS = (
    "type",
    "id",
    "stage",
    "stage_order",
    "title",
    "severity",
    "participants",
    "share",
    "emotion",
    "touchpoints",
    "top_quote",
    "top_quote_source",
    "char_start",
    "char_end",
)

OBSERVATION_COLUMNS = (
    "theme",
    "stage",
    "kind",
    "touchpoint",
    "channel",
    "emotion",
    "valence",
    "severity",
    "quote",
    "source_id",
    "source_path",
    "participant",
    "speaker",
    "char_start",
    "char_end",
    "timestamp",
)
"""Columns of the coded-segments export, one row per observation."""

_SPARKS = "▁▂▃▄▅▆▇█"


# --- shared by the exports here and by journey.html ------------------------------------


def format_timestamp(seconds: float) -> str:
    """Seconds from the start of a recording as `HH:MM:SS`."""
    total = max(0, int(seconds))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def source_name(path: str) -> str:
    """The file name of a source path (keeping a review's `#ID`), for short citations."""
    return re.split(r"[\\/]", path)[-1] or path


def cite(evidence: Evidence, escape: Callable[[str], str] = str, *, offsets: bool = False) -> str:
    """Where a quote comes from: `Participant 3, p01.txt 00:02:03`, with `offsets` (for
    programs) `Participant 3, p01.txt [120:188] 00:02:03`. A reader took "[0:26]" for a time.

    `escape` is applied to the names, which come from users' files.
    """
    who = who_said(evidence)
    text = f"{escape(who)}, " if who else ""
    text += escape(source_name(evidence.source_path))
    if offsets:
        text += f" [{evidence.char_start}:{evidence.char_end}]"
    if evidence.timestamp is not None:
        text += f" {format_timestamp(evidence.timestamp)}"
    return text


def scoring_note(m: JourneyMap) -> str:
    """How the map's recommendations are scored, said once: the scoring they all carry (maps
    written before it moved to the map level, or by an LLM), else the map's `scoring`."""
    own = {r.scoring for r in m.recommendations if r.scoring}
    return own.pop() if len(own) == 1 else m.scoring


def reach(finding: Finding, participants: int, labels: Labels = EN) -> str:
    """`N of M participants (share%)`: the reach of a pain point or delight."""
    of_total = labels.people(finding.participants, participants)
    return labels.reach.format(of_total=of_total, share=finding.share)


def spark(valence: float | None) -> str:
    """One sparkline character for a valence in -2..+2; `·` when the stage has no quotes."""
    if valence is None:
        return "·"
    level = round((min(2.0, max(-2.0, valence)) + 2) / 4 * (len(_SPARKS) - 1))
    return _SPARKS[level]


def format_valence(valence: float | None) -> str:
    """A valence as `+0.85`, or an en dash when there is none."""
    return "–" if valence is None else f"{valence:+.2f}"


def format_ci(low: float | None, high: float | None) -> str:
    """A confidence interval as `[-1.20, -0.40]`, or an en dash when it has no bounds."""
    return "–" if low is None or high is None else f"[{low:+.2f}, {high:+.2f}]"


def by_priority(m: JourneyMap) -> list[Recommendation]:
    """The map's recommendations, highest priority first (edits may have reordered them)."""
    return sorted(m.recommendations, key=lambda r: -r.priority)


def counts(
    values: dict[str, int], labels: Labels = EN, names: Mapping[str, str] | None = None
) -> str:
    """`interview: 8, review: 4`, largest first (keys shown by `names` where it has them)."""
    ranked = sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
    shown = names or {}
    return ", ".join(f"{shown.get(key, key)}: {n}" for key, n in ranked) or labels.none


def source_counts(m: JourneyMap, labels: Labels) -> str:
    """`12 (review: 8, interview: 4)`: the map's sources and how many of each kind."""
    kinds = counts(m.sources.kinds, labels, labels.source_kinds)
    return labels.sources_count.format(count=m.sources.count, kinds=kinds)


# --- JSON ---------------------------------------------------------------------------------


def to_json(m: JourneyMap) -> str:
    """The map as indented JSON, the format the other tools read back."""
    return m.model_dump_json(indent=2)


def json_schema() -> str:
    """The published JSON Schema of a journey map, with stable key order for version control."""
    schema = JourneyMap.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "JourneyMap"
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# --- Markdown -----------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# A list marker or heading at the start of a line: `#`, `-`, `+`, `=`, `1.`, `1)`.
_MD_LINE_START = re.compile(r"^(\s*(?:\d+(?=[.)]))?)([#+=.)-])", re.MULTILINE)


def _md(text: str, *, block: bool = False) -> str:
    """Escape text from users' data so Markdown shows it literally (no links, HTML, lists).

    `block` is for text that starts a line, where `#`, `-` or `1.` would start a block.
    """
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(r"\1\\\2", text) if block else text


def _md_cell(text: str, *, block: bool = False) -> str:
    """Escape text for a table cell or list item: pipes and line breaks would break it."""
    return _md(" ".join(text.split()), block=block)


def _md_table(header: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    head = list(header)
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return [*lines, ""]


def _md_quotes(evidence: Iterable[Evidence], limit: int) -> list[str]:
    lines: list[str] = []
    for e in list(evidence)[:limit]:
        # Stripped lines: an indented line would turn into a code block.
        quote = [_md(line.strip(), block=True) for line in e.quote.strip().splitlines()]
        lines += ["> " + line if line else ">" for line in quote]
        lines += [">", f"> — {cite(e, _md)}", ""]
    return lines


def _md_finding(
    f: Finding, n: int, participants: int, moments: list[str], labels: Labels
) -> list[str]:
    facts = [
        (labels.severity_of if isinstance(f, PainPoint) else labels.strength_of).format(
            n=f.severity
        ),
        reach(f, participants, labels),
        _md(labels.emotion(f.emotion)),
    ]
    if f.touchpoints:
        names = labels.join([labels.touchpoint(t) for t in f.touchpoints])
        facts.append(labels.touchpoints_of.format(names=_md(names)))
    if f.id in moments:
        facts.append(f"**★ {labels.moment_of_truth}**")
    return [
        f"**{n}. {_md(f.title)}** — " + " · ".join(facts),
        "",
        *([_md(f.description, block=True), ""] if f.description else []),
    ]


def _md_opportunities(
    recs: list[Recommendation], rank: dict[str, int], titles: dict[str, str], labels: Labels
) -> list[str]:
    lines = [f"### {labels.opportunities}", ""]
    for r in recs:
        addressed = labels.join([titles.get(a, a) for a in r.addresses]) or labels.nothing_listed
        facts = labels.facts.format(priority=r.priority, impact=r.impact, effort=r.effort)
        line = labels.opportunity_line.format(
            title=_md_cell(r.title),
            rank=rank[r.id],
            total=len(rank),
            facts=facts,
            addresses=_md_cell(addressed),
        )
        lines.append(f"- {line}")
    return [*lines, ""]


def _md_stage(
    stage: Stage, m: JourneyMap, limit: int, quotes: int, context: "_MdContext"
) -> list[str]:
    participants = m.sources.participants
    labels = context.labels
    lines = [f"## {stage.order}. {_md(stage.name)}", ""]
    if stage.description:
        lines += [_md(stage.description, block=True), ""]
    e = stage.emotion
    emotions = labels.join([labels.emotion(x) for x in e.labels])
    feeling = labels.most_frequent.format(labels=emotions or labels.no_emotion_labels)
    stand_outs = context.stand_outs.get(stage.name, [])
    if stand_outs:
        items = labels.join([format_stand_out(s, labels) for s in stand_outs])
        feeling += labels.stands_out_md.format(items=items)
    valence = format_valence(e.mean_valence)
    lines += [labels.emotion_line.format(valence=valence, n=e.n, feeling=_md(feeling)), ""]
    if stage.touchpoints:
        lines += [f"### {labels.touchpoints}", ""]
        lines += [
            "- "
            + labels.touchpoint_line.format(
                name=_md(labels.touchpoint(t.name)),
                kind=_md(labels.touchpoint_kind(t.channel, t.type.value)),
                participants=labels.count(t.participants, labels.participants),
            )
            for t in stage.touchpoints
        ]
        lines.append("")
    for heading, noun, findings, shown_quotes in (
        (labels.pain_points_lane, labels.more_pain_points, stage.pain_points, quotes),
        (labels.delights_lane, labels.more_delights, stage.delights, min(quotes, 2)),
    ):
        if not findings:
            continue
        lines += [f"### {heading}", ""]
        for n, f in enumerate(findings[:limit], start=1):
            lines += _md_finding(f, n, participants, stage.moments_of_truth, labels)
            lines += _md_quotes(f.evidence, shown_quotes)
        if len(findings) > limit:
            # "1 more pain point", not "1 more pain points" (an invoicing trial's Markdown)
            more = labels.count(len(findings) - limit, noun)
            lines += [labels.more_in_exports.format(more=more), ""]
    once = [
        labels.count(n, noun)
        for noun, n in (
            (labels.pain_points, len(stage.pain_points_once)),
            (labels.delights, len(stage.delights_once)),
        )
        if n
    ]
    if once:
        lines += [labels.once_in_json.format(said=labels.and_sep.join(once)), ""]
    for heading, evidence in (
        (labels.what_people_do, stage.actions),
        (labels.needs, stage.needs),
    ):
        if evidence:
            lines += [f"### {heading}", ""]
            lines += [
                f"- {_md_cell(e.quote, block=True)} — {cite(e, _md)}" for e in evidence[:limit]
            ]
            if len(evidence) > limit:
                lines.append("- " + labels.more_in_json.format(n=len(evidence) - limit))
            lines.append("")
    if recs := context.opportunities.get(stage.name):
        lines += _md_opportunities(recs, context.rank, context.titles, labels)
    return lines


@dataclass(frozen=True)
class _MdContext:
    """What the stage sections need from the whole map, computed once."""

    stand_outs: dict[str, list[StandOut]]
    opportunities: dict[str, list[Recommendation]]
    rank: dict[str, int]
    titles: dict[str, str]
    labels: Labels


def _md_ideal(ideal: IdealComparison, quotes: int, labels: Labels) -> list[str]:
    """The "Ideal vs actual" section: per stage the target feeling against the curve and each
    expectation with its status and the quotes it rests on."""
    words = labels.ideal

    def label(text: str) -> str:  # "*Label:*" with the language's own colon
        return f"*{text}{labels.kv_sep.strip()}*"

    journey = ideal.journey
    lines = [
        f"## {words.heading}",
        "",
        f"{label(words.intended)} {_md(journey.title or words.untitled)} "
        + words.origin_note.format(origin=_md(words.origin(journey.origin))),
        "",
    ]
    lines += _md_table(
        words.columns,
        (
            [
                _md_cell(g.stage),
                format_valence(g.target_valence)
                + (f" {_md_cell(labels.emotion(g.target_feeling))}" if g.target_feeling else ""),
                format_valence(g.actual_valence),
                format_ci(g.ci_low, g.ci_high),
                format_valence(g.valence_gap),
                words.valence_statuses.get(g.valence_status, g.valence_status),
                *(
                    str(sum(c.status == status for c in g.expectations))
                    for status in ("contradicted", "supported", "no evidence")
                ),
            ]
            for g in ideal.stages
        ),
    )
    lines += [words.report_legend.format(relevance=_md(ideal.relevance)), ""]
    if ideal.missing_stages:
        lines += [f"{label(words.missing)} {_md_cell(labels.join(ideal.missing_stages))}", ""]
    for g in ideal.stages:
        lines += [f"### {_md(g.stage)}", ""]
        if g.target_from and g.target_from != "given":
            lines += [f"{label(words.target_from)} {_md(g.target_from)}", ""]
        for c in g.expectations:
            said = words.counts.format(
                against=c.contradicting_participants, backing=c.supporting_participants
            )
            if c.elsewhere:
                where = [labels.also_item.format(name=s, n=n) for s, n in c.elsewhere.items()]
                said += words.also_said.format(stages=labels.join(where))
            status = words.statuses.get(c.status, c.status)
            lines += [f"- **{status}** ({_md(said)}): {_md_cell(c.expectation)}", ""]
            for side, evidence in (
                (words.against, c.contradicting),
                (words.backing, c.supporting),
            ):
                if evidence:
                    lines += [label(side.capitalize()), "", *_md_quotes(evidence, min(2, quotes))]
        if g.kpis:
            kpis = [labels.kv(k.name, str(k.target)) if k.target else k.name for k in g.kpis]
            lines += [f"{label(words.kpis)} {_md_cell('; '.join(kpis))}", ""]
    return lines


def to_markdown(m: JourneyMap, *, limit: int = 5, quotes: int = 3) -> str:
    """A report for the research team: sources, emotion curve, stages, recommendations, stats.

    `limit` caps the pain points, delights, needs and actions shown per stage; `quotes` caps
    the quotes shown per pain point.
    """
    src, gen = m.sources, m.generator
    labels = labels_for(m.language)
    intro = labels.report_intro.format(
        project=_md(m.project),
        when=f"{m.generated_at:%Y-%m-%d %H:%M}",
        id=_md(m.id),
        schema=_md(m.schema_version),
    )
    lines = [
        f"# {_md(m.title)}",
        "",
        intro,
        "",
        f"## {labels.built_from}",
        "",
        "- " + labels.kv(labels.sources, _md(source_counts(m, labels))),
        "- " + labels.kv(labels.participants_label, str(src.participants)),
        "- " + labels.kv(labels.languages, _md(counts(src.languages, labels))),
    ]
    lines += [
        "- " + labels.kv(f"{labels.segment} *{_md(labels.segment_key(k))}*", _md(counts(v, labels)))
        for k, v in src.segments.items()
    ]
    generator = labels.generator_line.format(mode=labels.mode(gen.mode), model=_md_cell(gen.model))
    if gen.prompt_version:
        generator += labels.prompts.format(version=_md(gen.prompt_version))
    lines.append("- " + labels.kv(labels.generator, generator))
    if stages := gen.settings.get("stages"):
        lines.append("- " + labels.kv(labels.stages, _md(labels.stage_origin(str(stages)))))
    if (llm := m.stats.llm) is not None:
        used = labels.llm_report.format(
            calls=llm.calls,
            cached=llm.cached_calls,
            prompt=llm.prompt_tokens,
            completion=llm.completion_tokens,
        )
        lines.append("- " + labels.kv("LLM", used))
    recommendations = by_priority(m)
    per_stage, unplaced = opportunities(m)
    context = _MdContext(
        stand_outs=characteristic_emotions(m),
        opportunities=per_stage,
        rank={r.id: n for n, r in enumerate(recommendations, start=1)},
        titles={f.id: f.title for s in m.stages for f in (*s.pain_points, *s.pain_points_once)},
        labels=labels,
    )
    lines += ["", f"## {labels.emotion_curve}", ""]
    lines += _md_table(
        labels.curve_columns,
        (
            [
                _md_cell(s.name),
                format_valence(s.emotion.mean_valence),
                format_ci(s.emotion.ci_low, s.emotion.ci_high),
                str(s.emotion.n),
                _md_cell(labels.join([labels.emotion(x) for x in s.emotion.labels[:3]])),
                _md_cell(
                    labels.join(
                        [format_stand_out(x, labels) for x in context.stand_outs.get(s.name, [])]
                    )
                    or "–"
                ),
                spark(s.emotion.mean_valence),
            ]
            for s in m.stages
        ),
    )
    curve = "".join(spark(s.emotion.mean_valence) for s in m.stages)
    lines += [labels.across_stages.format(curve=curve), ""]
    lines += [labels.stands_out_note, ""]
    for stage in m.stages:
        lines += _md_stage(stage, m, limit, quotes, context)
    if m.ideal is not None:
        lines += _md_ideal(m.ideal, quotes, labels)
    if recommendations:
        note = scoring_note(m)
        scoring = f"*{labels.scoring}{labels.kv_sep.strip()}*"
        lines += [f"## {labels.recommendations}", "", f"{scoring} {_md(note)}", ""]
        if unplaced:
            ids = ", ".join(r.id for r in unplaced)
            lines += [labels.not_placed.format(ids=_md(ids)), ""]
        lines += _md_table(
            labels.recommendation_columns,
            (
                [
                    str(n),
                    f"{r.priority:.2f}",
                    _md_cell(r.title),
                    _md_cell(r.stage),
                    f"{r.impact:.2f}",
                    str(r.effort),
                    _md_cell(", ".join(r.addresses)),
                ]
                for n, r in enumerate(recommendations, start=1)
            ),
        )
        for n, r in enumerate(recommendations, start=1):
            lines += [f"### {n}. {_md(r.title)}", "", _md(r.rationale, block=True), ""]
            if r.scoring and r.scoring != note:
                lines += [f"{scoring} {_md(r.scoring)}", ""]
            lines += _md_quotes(r.evidence, quotes)
    st = m.stats
    counted = (
        st.sentences,
        st.observations,
        st.quotes_used,
        st.quotes_rejected,
        st.quotes_relocated,
    )
    lines += [f"## {labels.evidence}", ""]
    lines += [
        "- " + labels.kv(what, str(n))
        for what, n in zip(labels.evidence_lines, counted, strict=True)
    ]
    lines.append("")
    if m.warnings:
        lines += [
            f"## {labels.warnings}",
            "",
            *(f"- {_md_cell(w, block=True)}" for w in m.warnings),
            "",
        ]
    return "\n".join(lines)


# --- CSV ----------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts like a formula; reviews are untrusted input (OWASP).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv_row(kind: str, stage: Stage, **fields: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(CSV_COLUMNS, "")
    row.update(type=kind, stage=_cell(stage.name), stage_order=stage.order)
    row.update({k: _cell(v) if isinstance(v, str) else v for k, v in fields.items()})
    return row


def _quote_fields(evidence: list[Evidence]) -> dict[str, object]:
    if not evidence:
        return {}
    top = evidence[0]
    return {
        "top_quote": top.quote,
        "top_quote_source": cite(top, offsets=True),
        "char_start": top.char_start,
        "char_end": top.char_end,
    }


def to_csv(m: JourneyMap) -> str:
    """One row per pain point, delight and touchpoint, for spreadsheets (header row first).

    Cells that a spreadsheet would run as a formula get a leading `'`. Write the text as
    `utf-8-sig` so that Excel reads non-Latin text right.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    everyone = m.sources.participants
    labels = labels_for(m.language)  # touchpoints named as the map's pages name them
    for stage in m.stages:
        findings: list[tuple[str, Finding]] = [("pain_point", p) for p in stage.pain_points]
        findings += [("delight", d) for d in stage.delights]
        for kind, f in findings:
            writer.writerow(
                _csv_row(
                    kind,
                    stage,
                    id=f.id,
                    title=f.title,
                    severity=f.severity,
                    participants=f.participants,
                    share=round(f.share, 3),
                    emotion=f.emotion,
                    touchpoints="; ".join(labels.touchpoint(t) for t in f.touchpoints),
                    **_quote_fields(f.evidence),
                )
            )
        for t in stage.touchpoints:
            share = round(t.participants / everyone, 3) if everyone else ""
            writer.writerow(
                _csv_row(
                    "touchpoint",
                    stage,
                    title=labels.touchpoint(t.name),
                    participants=t.participants,
                    share=share,
                    touchpoints=labels.touchpoint_kind(t.channel, t.type.value),
                    **_quote_fields(t.evidence),
                )
            )
    return out.getvalue()


# --- Coded segments -----------------------------------------------------------------------


def _observation_record(o: CodedObservation) -> dict[str, str | int | float | None]:
    e = o.evidence
    return {
        "theme": o.theme,
        "stage": o.stage,
        "kind": o.kind.value,
        "touchpoint": o.touchpoint,
        "channel": o.channel.value if o.channel else None,
        "emotion": o.emotion,
        "valence": o.valence,
        "severity": o.severity,
        "quote": e.quote,
        "source_id": e.source_id,
        "source_path": e.source_path,
        "participant": e.participant_id,
        "speaker": e.speaker,
        "char_start": e.char_start,
        "char_end": e.char_end,
        "timestamp": e.timestamp,
    }


def to_observations_csv(m: JourneyMap) -> str:
    """Every grounded observation as a coded segment, one row each, as QDA tools export them:
    theme id (empty when in none), stage, kind, codes, quote, source and offsets.

    Cells a spreadsheet would run as formulas get a leading `'`; write as `utf-8-sig`.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=OBSERVATION_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for o in m.observations:
        record = _observation_record(o)
        writer.writerow(
            {
                k: "" if v is None else _cell(v) if isinstance(v, str) else v
                for k, v in record.items()
            }
        )
    return out.getvalue()


def to_observations_jsonl(m: JourneyMap) -> str:
    """Every grounded observation as a coded segment, one JSON object per line (the CSV's
    columns; null where a value is missing)."""
    return "".join(
        json.dumps(_observation_record(o), ensure_ascii=False) + "\n" for o in m.observations
    )


# --- Mermaid ------------------------------------------------------------------------------

_MERMAID_TEXT_MAX = 60
# Mermaid's journey lexer reads these words at the start of a line as keywords (any case).
_MERMAID_KEYWORDS = ("journey", "title", "section", "acctitle", "accdescr", "%%")


def _mermaid_text(text: str, *, title: bool = False) -> str:
    """Text safe for a Mermaid journey line: one line, no `#` `;` (nor `:` but in the title),
    and no markup: Mermaid may render a label as HTML (a title `<script>` or `<img onerror>` was
    passed through), so angle brackets are shown as single guillemets."""
    text = text.replace("#", "").replace(";", ",").replace("<", "\u2039").replace(">", "\u203a")
    if not title:
        text = text.replace(":", " -")
    text = " ".join(text.split())
    if len(text) > _MERMAID_TEXT_MAX:
        text = text[: _MERMAID_TEXT_MAX - 1].rstrip() + "…"
    return text or "(untitled)"


def _mermaid_task(text: str) -> str:
    text = _mermaid_text(text)
    return "- " + text if text.lower().startswith(_MERMAID_KEYWORDS) else text


def _score(valence: float) -> int:
    """Mermaid's 1..5 task score from a valence in -2..+2."""
    return min(5, max(1, round(valence + 3)))


def _actors(participants: int, labels: Labels) -> str:
    if participants > 0:
        return labels.count(participants, labels.participants)
    return labels.participants_actor


def to_mermaid(m: JourneyMap, *, limit: int = 3) -> str:
    """A Mermaid `journey` diagram: a section per stage with its top findings and touchpoints.

    Scores come from valence: pain points sit low (1-2, by severity), delights high (4-5),
    touchpoints at their stage's mean valence.
    """
    labels = labels_for(m.language)
    lines = ["journey", f"  title {_mermaid_text(m.title, title=True)}"]
    for stage in m.stages:
        lines.append(f"  section {_mermaid_text(stage.name)}")
        tasks: list[tuple[str, int, int]] = []
        for p in stage.pain_points[:limit]:
            tasks.append((p.title, _score(-max(1.0, p.severity / 2.5)), p.participants))
        for d in stage.delights[:limit]:
            tasks.append((d.title, _score(max(1.0, d.severity / 2.5)), d.participants))
        stage_score = _score(stage.emotion.mean_valence or 0.0)
        for t in stage.touchpoints[:limit]:
            tasks.append((labels.touchpoint(t.name), stage_score, t.participants))
        if not tasks:
            # Mermaid draws no section without tasks; the stage should still show.
            tasks.append((labels.no_evidence_yet, 3, 0))
        lines += [f"    {_mermaid_task(text)}: {s}: {_actors(n, labels)}" for text, s, n in tasks]
    return "\n".join(lines) + "\n"
