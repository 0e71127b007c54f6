"""Exports of a journey map: JSON, JSON Schema, Markdown, CSV, Mermaid and HTML."""

import csv
import io
import json
import re
from html.parser import HTMLParser

import pytest

from journey.exports import (
    SCHEMA_ID,
    json_schema,
    to_csv,
    to_json,
    to_markdown,
    to_mermaid,
)
from journey.html import to_html
from journey.lanes import characteristic_emotions
from journey.schema import Finding, JourneyMap

# Quotes of the sample map (tests/journey/conftest.py) that exports must keep or escape.
COMMA_NEWLINE_QUOTE = "I waited, and waited,\nand the code never came."
PIPE_QUOTE = "The screen said error | retry and nothing else"
SCRIPT_QUOTE = "I pasted <script>alert('x')</script> into the name field and it took it"
FORMULA_QUOTE = '=HYPERLINK("x") is what the fee calculator showed me, no joke'
CHINESE_QUOTE = "转账限额写在哪里？我找了半天都没找到。"


def test_sample_map_carries_the_awkward_quotes(sample_map: JourneyMap) -> None:
    findings: list[Finding] = [f for s in sample_map.stages for f in [*s.pain_points, *s.delights]]
    quotes = {e.quote for f in findings for e in f.evidence}

    assert {COMMA_NEWLINE_QUOTE, PIPE_QUOTE, SCRIPT_QUOTE, FORMULA_QUOTE, CHINESE_QUOTE} <= quotes


# --- JSON ---------------------------------------------------------------------------------


def test_json_round_trips_to_an_equal_map(sample_map: JourneyMap) -> None:
    text = to_json(sample_map)

    assert JourneyMap.model_validate_json(text) == sample_map
    assert CHINESE_QUOTE in json.dumps(json.loads(text), ensure_ascii=False)


def test_json_schema_has_an_id_and_every_top_level_field(sample_map: JourneyMap) -> None:
    schema = json.loads(json_schema())

    assert schema["$id"] == SCHEMA_ID
    assert schema["title"] == "JourneyMap"
    assert set(schema["properties"]) == set(JourneyMap.model_fields)
    assert "PainPoint" in schema["$defs"]


def test_json_schema_text_is_stable_for_version_control() -> None:
    text = json_schema()

    assert text == json_schema()
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_json_schema_accepts_an_exported_map(sample_map: JourneyMap) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(json_schema())
    document = json.loads(to_json(sample_map))

    jsonschema.validate(document, schema)
    del document["stages"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)


# --- Markdown -----------------------------------------------------------------------------


def _table_cells(line: str) -> list[str]:
    """Cells of a Markdown table row, splitting on pipes that are not escaped."""
    return re.split(r"(?<!\\)\|", line.strip())[1:-1]


def _tables(markdown: str) -> list[list[str]]:
    tables: list[list[str]] = []
    previous_was_row = False
    for line in markdown.splitlines():
        is_row = line.startswith("|")
        if is_row and not previous_was_row:
            tables.append([])
        if is_row:
            tables[-1].append(line)
        previous_was_row = is_row
    return tables


def test_markdown_has_the_emotion_and_recommendation_tables(sample_map: JourneyMap) -> None:
    report = to_markdown(sample_map)
    emotion, recommendations = _tables(report)

    assert [c.strip() for c in _table_cells(emotion[0])] == [
        "Stage",
        "Mean valence",
        "95% CI",
        "n",
        "Most frequent",
        "Stands out",
        "Curve",
    ]
    assert len(emotion) == 2 + len(sample_map.stages)
    assert "| Sign-up | -0.80 | [-1.30, -0.30] | 9 | frustrated, anxious |" in report
    # A stage without quotes shows dashes, not a made-up zero.
    assert "| Support | – | – | 0 |" in report
    assert "Priority" in recommendations[0]
    assert len(recommendations) == 2 + len(sample_map.recommendations)


def test_markdown_pipes_in_text_do_not_break_table_rows(sample_map: JourneyMap) -> None:
    report = to_markdown(sample_map)

    for table in _tables(report):
        widths = {len(_table_cells(row)) for row in table}
        assert len(widths) == 1, table
    assert r"Offer e-mail \| voice fallback for codes" in report


def test_markdown_tables_render_with_a_real_parser(sample_map: JourneyMap) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    rendered = markdown_it.MarkdownIt("commonmark").enable("table").render(to_markdown(sample_map))

    assert rendered.count("<table>") == 2
    assert "<td>Offer e-mail | voice fallback for codes</td>" in rendered
    assert "<script>" not in rendered
    assert "&lt;script&gt;" in rendered


def test_markdown_shows_quotes_that_look_like_markup_as_text(sample_map: JourneyMap) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    stage = sample_map.stages[2].model_copy(
        update={"description": "1. Call the hotline\n# then wait\n- and [click](x) *here*"}
    )
    report = to_markdown(sample_map.model_copy(update={"stages": [stage]}))

    rendered = markdown_it.MarkdownIt("commonmark").render(report)

    assert "<ol>" not in rendered
    assert "<h1>then wait" not in rendered
    assert "<a href" not in rendered
    assert "<em>here</em>" not in rendered
    assert "1. Call the hotline\n# then wait\n- and [click](x) *here*" in rendered


def test_markdown_cites_every_shown_quote(sample_map: JourneyMap) -> None:
    report = to_markdown(sample_map)

    assert "> I waited, and waited,\n> and the code never came." in report
    assert "> — Participant 3, p01.txt 00:02:03" in report  # offsets read as a time
    assert "— R17, reviews.csv#R17" in report and "[0:71]" not in report
    assert f"> {CHINESE_QUOTE}\n>\n> — 参与者 4, p04.txt\n" in report
    assert r"> The screen said error \| retry and nothing else" in report


def test_markdown_reports_reach_sources_and_grounding(sample_map: JourneyMap) -> None:
    report = to_markdown(sample_map)

    assert "3 of 5 participants (60%)" in report
    assert "★ moment of truth" in report
    assert "- Sources: 7 (review: 4, interview: 3)" in report
    assert "- Languages: en: 5, zh: 2" in report
    assert "local mode" in report
    assert "Quotes rejected by grounding (not found verbatim in their source): 2" in report
    assert "## Warnings" in report


def test_markdown_lists_recommendations_by_priority(sample_map: JourneyMap) -> None:
    report = to_markdown(sample_map)

    assert report.index("### 1. Offer e-mail") < report.index("### 2. Show the transfer limit")


def test_markdown_escapes_html_and_markup_in_quotes(sample_map: JourneyMap) -> None:
    report = to_markdown(sample_map)

    assert SCRIPT_QUOTE not in report
    assert r"\<script\>" in report


# --- CSV ----------------------------------------------------------------------------------


def _csv_rows(sample_map: JourneyMap) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_csv(sample_map), newline="")))


def test_csv_has_a_row_per_pain_point_delight_and_touchpoint(sample_map: JourneyMap) -> None:
    rows = _csv_rows(sample_map)
    stages = sample_map.stages

    assert len(rows) == sum(
        len(s.pain_points) + len(s.delights) + len(s.touchpoints) for s in stages
    )
    assert [r["type"] for r in rows].count("touchpoint") == 3
    assert list(rows[0]) == [
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
    ]


def test_csv_keeps_quotes_with_commas_newlines_and_chinese(sample_map: JourneyMap) -> None:
    by_id = {r["id"]: r for r in _csv_rows(sample_map) if r["id"]}

    late = by_id["pp-sign-up-1"]
    assert late["top_quote"] == COMMA_NEWLINE_QUOTE
    assert late["top_quote_source"] == "Participant 3, p01.txt [120:166] 00:02:03"
    assert (late["char_start"], late["char_end"]) == ("120", "166")
    assert (late["stage"], late["stage_order"], late["share"]) == ("Sign-up", "1", "0.6")
    assert by_id["pp-transfer-1"]["top_quote"] == CHINESE_QUOTE
    assert by_id["pp-transfer-1"]["stage"] == "首次转账"


def test_csv_defuses_quotes_a_spreadsheet_would_run_as_formulas(sample_map: JourneyMap) -> None:
    by_id = {r["id"]: r for r in _csv_rows(sample_map) if r["id"]}

    assert by_id["pp-sign-up-2"]["top_quote"] == "'" + FORMULA_QUOTE


# --- Mermaid ------------------------------------------------------------------------------

_TASK = re.compile(r"^\s+[^:#;]+: [1-5]: .+$")


def _tasks(diagram: str) -> list[tuple[str, int]]:
    return [
        (line.split(":")[0].strip(), int(line.split(":")[1]))
        for line in diagram.splitlines()
        if _TASK.match(line)
    ]


def test_mermaid_lines_follow_the_journey_grammar(sample_map: JourneyMap) -> None:
    lines = to_mermaid(sample_map).splitlines()

    assert lines[0] == "journey"
    for line in lines[1:]:
        if not line.strip():
            continue
        word = line.split()[0]
        assert word in {"title", "section"} or _TASK.match(line), line
    sections = [line.strip() for line in lines if line.strip().startswith("section ")]
    assert sections == ["section Sign-up", "section 首次转账", "section Support"]


def test_mermaid_task_text_cannot_be_read_as_a_keyword_or_comment(sample_map: JourneyMap) -> None:
    diagram = to_mermaid(sample_map)

    # The pain point "Section #2: ID photo upload fails; twice" must stay a task.
    assert "    - Section 2 - ID photo upload fails, twice: 2: 2 participants" in diagram
    for task, _score in _tasks(diagram):
        assert not re.match(r"(?i)(section|title|journey|acc)", task), task


def test_mermaid_title_is_short(sample_map: JourneyMap) -> None:
    title = next(line for line in to_mermaid(sample_map).splitlines() if "title " in line)

    assert len(title.strip().removeprefix("title ")) <= 60
    assert title.strip().endswith("…")


def test_mermaid_scores_pain_points_low_and_delights_high(sample_map: JourneyMap) -> None:
    scores = dict(_tasks(to_mermaid(sample_map)))

    assert scores["Verification code arrives late"] == 1
    assert scores["Calm, clean design"] >= 4
    assert scores["到账很快"] == 5
    assert scores["no evidence yet"] == 3


# --- HTML ---------------------------------------------------------------------------------

_VOID = {"meta", "br", "link", "img", "hr", "input", "wbr", "col", "source"}


class _StrictParser(HTMLParser):
    """Fails on tags that are closed out of order or left open."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open[-3:]}"
        self.open.pop()


def _parse(page: str) -> _StrictParser:
    parser = _StrictParser()
    parser.feed(page)
    parser.close()
    assert parser.open == []
    return parser


def test_html_is_well_formed_with_an_svg_curve(sample_map: JourneyMap) -> None:
    page = to_html(sample_map)
    tags = _parse(page).tags

    assert page.startswith("<!DOCTYPE html>")
    points = [a for tag, a in tags if tag == "circle" and a.get("class") == "point"]
    assert len(points) == 2  # one per stage with quotes
    # The curve is drawn on the lanes' columns: a piece of it in each stage's column.
    assert [a.get("data-stage") for t, a in tags if t == "svg" and "data-stage" in a] == [
        "0",
        "1",
        "2",
    ]
    assert '<meta charset="utf-8">' in page
    assert "no quotes" in page


def test_html_loads_nothing_from_outside(sample_map: JourneyMap) -> None:
    page = to_html(sample_map)
    tags = _parse(page).tags

    assert not re.search(r"(src|href)\s*=\s*[\"']?\s*(https?:)?//", page)
    assert "url(" not in page
    assert "@import" not in page
    assert not any(tag in {"script", "link", "img", "iframe"} for tag, _ in tags)
    assert all((attrs.get("href") or "#").startswith("#") for _, attrs in tags)


def test_html_escapes_text_from_users(sample_map: JourneyMap) -> None:
    page = to_html(sample_map)

    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert CHINESE_QUOTE in page
    assert "首次转账" in page


def test_html_lets_readers_open_each_pain_point_to_its_cited_quotes(
    sample_map: JourneyMap,
) -> None:
    page = to_html(sample_map)
    details = [attrs for tag, attrs in _parse(page).tags if tag == "details"]
    pains = [d for d in details if "pain" in (d.get("class") or "")]

    assert len(pains) == sum(len(s.pain_points) for s in sample_map.stages)
    assert "sev-4" in (pains[0].get("class") or "")
    assert "<cite>— Participant 3, p01.txt 00:02:03</cite>" in page
    assert PIPE_QUOTE in page
    assert "★ moment of truth" in page


def test_html_lists_recommendations_by_priority_linked_to_pain_points(
    sample_map: JourneyMap,
) -> None:
    page = to_html(sample_map)
    ids = {attrs.get("id") for _, attrs in _parse(page).tags}

    first, second = page.index("Offer e-mail | voice"), page.index("Show the transfer limit")
    assert first < second
    assert '<a href="#f-pp-sign-up-1">' in page
    assert "f-pp-sign-up-1" in ids


def test_html_handles_a_map_without_quotes_or_recommendations(sample_map: JourneyMap) -> None:
    empty = sample_map.model_copy(
        update={"stages": [sample_map.stages[2]], "recommendations": [], "warnings": []}
    )

    page = to_html(empty)

    _parse(page)
    assert "no quotes" in page
    assert "<polyline" not in page


def test_the_checked_in_json_schema_is_up_to_date() -> None:
    from pathlib import Path

    checked_in = Path(__file__).parents[2] / "journey-map.schema.json"
    assert checked_in.read_text(encoding="utf-8") == json_schema(), (
        "run `journeymap schema > journey-map.schema.json`"
    )


def test_html_folds_pain_points_mentioned_once_under_one_line(sample_map: JourneyMap) -> None:
    signup = sample_map.stages[0]
    once = signup.pain_points[1].model_copy(
        update={"id": "pp-sign-up-once-1", "title": "Only one person had this", "participants": 1}
    )
    stage = signup.model_copy(
        update={"pain_points": signup.pain_points[:1], "pain_points_once": [once]}
    )
    page = to_html(sample_map.model_copy(update={"stages": [stage, *sample_map.stages[1:]]}))

    folds = [
        a for tag, a in _parse(page).tags if tag == "details" and "once" in (a.get("class") or "")
    ]
    assert len(folds) == 1 and "1 mentioned once</summary>" in page
    assert page.index("mentioned once") < page.index("Only one person had this")


def test_markdown_counts_what_was_mentioned_once_without_listing_it(
    sample_map: JourneyMap,
) -> None:
    signup = sample_map.stages[0]
    once = signup.pain_points[1].model_copy(
        update={"id": "pp-sign-up-once-1", "title": "Only one person had this", "participants": 1}
    )
    stage = signup.model_copy(update={"pain_points_once": [once]})
    report = to_markdown(sample_map.model_copy(update={"stages": [stage, *sample_map.stages[1:]]}))

    assert (
        "Mentioned once (too few people to headline): 1 pain point, in the JSON and the HTML map."
        in report
    )
    assert "Only one person had this" not in report
    assert "Mentioned once" not in to_markdown(sample_map)


def test_markdown_counts_the_findings_past_its_limit_in_words_that_agree(
    sample_map: JourneyMap,
) -> None:
    """An invoicing trial's report said "… and 1 more pain points"."""
    signup = sample_map.stages[0]
    assert len(signup.pain_points) >= 2
    one_over = to_markdown(sample_map, limit=len(signup.pain_points) - 1)
    assert "*… and 1 more pain point: the JSON and CSV exports list them all.*" in one_over
    assert "1 more pain points" not in one_over


# --- Lanes: opportunities, actions, emotions that stand out -----------------------------


def _stage_section(report: str, heading: str) -> str:
    start = report.index(heading)
    end = report.find("\n## ", start + 1)
    return report[start : end if end > 0 else None]


def _with_emotions(sample_map: JourneyMap, per_stage: dict[str, list[str]]) -> JourneyMap:
    """The sample map with coded observations carrying the given emotion labels per stage."""
    template = sample_map.observations[0]
    observations = [
        template.model_copy(update={"stage": stage, "emotion": label})
        for stage, labels in per_stage.items()
        for label in labels
    ]
    return sample_map.model_copy(update={"observations": observations})


def test_markdown_lists_each_stage_opportunities_by_priority_with_impact_and_effort(
    sample_map: JourneyMap,
) -> None:
    report = to_markdown(sample_map)
    signup = _stage_section(report, "## 1. Sign-up")
    transfer = _stage_section(report, "## 2. 首次转账")

    assert "### Opportunities" in signup and "### Opportunities" in transfer
    assert (
        r"- **Offer e-mail \| voice fallback for codes** — #1 of 2 by priority · priority 2.50 · "
        "impact 4.80 · effort 2/5 · addresses: Verification code arrives late"
    ) in signup
    assert "Show the transfer limit" in transfer and "Show the transfer limit" not in signup
    assert "### Opportunities" not in _stage_section(report, "## 3. Support")


def test_markdown_places_a_recommendation_in_the_stage_of_the_theme_it_addresses(
    sample_map: JourneyMap,
) -> None:
    moved = [
        r.model_copy(update={"stage": "Support"}) if r.id == "rec-2" else r
        for r in sample_map.recommendations
    ]
    report = to_markdown(sample_map.model_copy(update={"recommendations": moved}))

    assert "Show the transfer limit" in _stage_section(report, "## 2. 首次转账")
    assert "### Opportunities" not in _stage_section(report, "## 3. Support")


def test_markdown_shows_what_people_do_at_each_stage(sample_map: JourneyMap) -> None:
    signup = sample_map.stages[0]
    did = signup.needs[0].model_copy(update={"quote": "I downloaded it from the store first."})
    stage = signup.model_copy(update={"actions": [did]})
    report = to_markdown(sample_map.model_copy(update={"stages": [stage, *sample_map.stages[1:]]}))

    section = _stage_section(report, "## 1. Sign-up")
    assert (
        "### What people do\n\n- I downloaded it from the store first. — Participant 3" in section
    )
    assert "### What people do" not in _stage_section(report, "## 2. 首次转账")


def test_emotions_that_stand_out_are_those_a_stage_has_more_often_than_the_study(
    sample_map: JourneyMap,
) -> None:
    m = _with_emotions(
        sample_map,
        {
            "Sign-up": ["anxious"] * 6 + ["frustrated"] * 10 + ["hopeful"],
            "首次转账": ["delighted"] * 5 + ["frustrated"] * 11 + ["hopeful"],
        },
    )

    stand_out = characteristic_emotions(m)

    # frustrated is the most frequent label in both stages, so it sets neither apart;
    # a label said once (hopeful) never stands out; the stage without quotes has none.
    assert [s.label for s in stand_out["Sign-up"]] == ["anxious"]
    assert [s.label for s in stand_out["首次转账"]] == ["delighted"]
    assert "Support" not in stand_out
    anxious = stand_out["Sign-up"][0]
    assert (anxious.count, round(anxious.share, 2), round(anxious.study_share, 2)) == (
        6,
        0.35,
        0.18,
    )
    report = to_markdown(m)
    assert "| frustrated, anxious | anxious 35% vs 18% |" in report
    assert "stands out: anxious 35% vs 18% of the study's quotes" in report


def test_nothing_stands_out_when_every_stage_feels_alike(sample_map: JourneyMap) -> None:
    alike = ["frustrated"] * 8 + ["satisfied"] * 4
    m = _with_emotions(sample_map, {"Sign-up": alike, "首次转账": alike})

    assert characteristic_emotions(m) == {"Sign-up": [], "首次转账": []}
    assert "Nothing stands out; mostly frustrated, anxious." in to_html(m)


def _lane(page: str, name: str) -> dict[int, str]:
    """The cells of one lane of the HTML map, by stage index."""
    row = re.search(rf'<tr><th scope="row">{name}</th>(.*?)</tr>', page, re.DOTALL)
    assert row, name
    return {int(i): c for i, c in re.findall(r'<td data-stage="(\d+)">(.*?)</td>', row.group(1))}


def test_html_opportunities_lane_ranks_each_stage_recommendations(sample_map: JourneyMap) -> None:
    cells = _lane(to_html(sample_map), "Opportunities")

    assert "Offer e-mail | voice fallback for codes" in cells[0]
    assert "#1</span>" in cells[0] and "priority 2.50 · impact 4.80 · effort 2/5" in cells[0]
    assert "Show the transfer limit" in cells[1] and "#2</span>" in cells[1]
    assert 'href="#f-rec-2"' in cells[1]
    assert "Show the transfer limit" not in cells[0] and "–" in cells[2]


def test_html_doing_lane_shows_actions_with_their_source(sample_map: JourneyMap) -> None:
    signup = sample_map.stages[0]
    did = [signup.needs[0].model_copy(update={"quote": f"I tapped button {n}."}) for n in range(4)]
    stage = signup.model_copy(update={"actions": did})
    page = to_html(sample_map.model_copy(update={"stages": [stage, *sample_map.stages[1:]]}))
    cells = _lane(page, "Doing")

    assert "I tapped button 0." in cells[0] and "— Participant 3, p01.txt" in cells[0]
    assert 'title="Participant 3, p01.txt"' in cells[0]
    # Two shown, the rest folded under one line.
    assert cells[0].index("I tapped button 1.") < cells[0].index("2 more</summary>")
    assert cells[0].index("2 more</summary>") < cells[0].index("I tapped button 3.")


def _with_plans(sample_map: JourneyMap) -> JourneyMap:
    """The sample map with each coded quote tagged with its participant's plan."""
    plan = {"p01": "free", "p02": "free", "R17": "free", "R21": "premium", "p04": "premium"}
    observations = [
        o.model_copy(update={"segment": {"plan": plan[o.evidence.participant_id or ""]}})
        for o in sample_map.observations
    ]
    signup = sample_map.stages[0]
    late = signup.pain_points[0].model_copy(update={"segments": {"plan": {"free": 3}}})
    stage = signup.model_copy(update={"pain_points": [late, *signup.pain_points[1:]]})
    return sample_map.model_copy(
        update={"observations": observations, "stages": [stage, *sample_map.stages[1:]]}
    )


def test_html_offers_a_segment_switcher_with_each_segment_curve(sample_map: JourneyMap) -> None:
    page = to_html(_with_plans(sample_map))
    tags = _parse(page).tags

    radios = [a.get("id") for tag, a in tags if tag == "input" and a.get("type") == "radio"]
    assert radios == ["seg-all", "seg-0", "seg-1"]
    assert "plan: free" in page and "plan: premium" in page
    # free: one pain point quote in sign-up; premium: one in sign-up, one in the transfer.
    # A need said without feeling is not on the curve, as on the stage curve itself.
    free = [a for tag, a in tags if tag == "g" and a.get("class") == "seg seg-0"]
    premium = [a for tag, a in tags if tag == "g" and a.get("class") == "seg seg-1"]
    assert len(free) == 1 and len(premium) == 2
    assert "plan: free: mean valence -1.50, 95% CI –, n = 1" in page
    feeling = _lane(page, "Feeling")
    assert "plan: free: no quotes in this stage" in feeling[1]
    assert "plan: premium: -1.50 (n = 1)" in feeling[1]
    assert 'stroke-dasharray="5 3"' in page  # premium's two stages are joined
    assert "body:has(#seg-0:checked) .seg-0" in page
    # Reach per segment on the cards, from each theme's segment counts; a card fades in the
    # segment that never raised it, and a card without counts by segment never fades.
    assert "plan: free: 3 of 3" in page and "plan: premium: 0 of 2" in page
    cards = {a.get("id"): a.get("class") or "" for tag, a in tags if tag == "details"}
    assert "in-0" in cards["f-pp-sign-up-1"] and "in-1" not in cards["f-pp-sign-up-1"]
    assert {"in-0", "in-1"} <= set(cards["f-pp-transfer-1"].split())


def test_html_has_no_switcher_without_segments_to_compare(sample_map: JourneyMap) -> None:
    one = sample_map.sources.model_copy(update={"segments": {"study": {"wave-1": 5}}})
    page = to_html(sample_map.model_copy(update={"sources": one}))

    assert 'type="radio"' not in page and "seg-0" not in page


def test_a_recommendation_for_a_stage_the_map_lacks_is_still_said(sample_map: JourneyMap) -> None:
    lost = sample_map.recommendations[0].model_copy(
        update={"stage": "Renamed stage", "addresses": ["pp-gone-1"]}
    )
    m = sample_map.model_copy(update={"recommendations": [lost, *sample_map.recommendations[1:]]})

    page, report = to_html(m), to_markdown(m)

    assert "Show the transfer limit" not in "".join(_lane(page, "Opportunities").values())
    assert "For a stage this map does not have (see Recommendations): Show the transfer" in page
    assert "*Not placed on a stage (their stage is not in the map):* rec-2" in report


def test_the_report_and_the_page_say_where_the_stages_came_from(sample_map: JourneyMap):
    origin = "preset travel / airline: nearest for 50% of 200 review sentences"
    m = sample_map.model_copy(deep=True)
    m.generator.settings["stages"] = origin
    assert f"- Stages: {origin}" in to_markdown(m)
    assert "<dt>Stages</dt><dd>preset travel / airline" in to_html(m)


def test_a_delight_in_the_markdown_has_a_strength_not_a_severity(sample_map: JourneyMap):
    """A new user saw "severity 4/5" on a delight in the report and "strength 4/5" in chat."""
    report = to_markdown(sample_map)
    delight = next(d for s in sample_map.stages for d in s.delights)
    section = report[report.index(delight.title) :][:400]
    assert f"strength {delight.severity}/5" in section and "severity" not in section


def test_mermaid_text_carries_no_markup(sample_map: JourneyMap) -> None:
    """A hostile-input trial: a title `<script>` and an `<img onerror>` passed into the Mermaid
    export, which a renderer may draw as HTML."""
    m = sample_map.model_copy(deep=True)
    m.title = "<script>alert(1)</script>"
    m.stages[0].name = '<img src=x onerror="alert(1)">'
    diagram = to_mermaid(m)
    assert "<" not in diagram and ">" not in diagram
    assert "\u2039script\u203a" in diagram


def test_interpreted_words_are_cited_by_the_participant_they_speak_for() -> None:
    """A recheck: an interpreter's "She says…" turns were cited as "— Interpreter" everywhere a
    reader looks, so no one could tell whose words they were."""
    from journey.exports import cite
    from journey.schema import Evidence

    said = Evidence(
        quote="She says the form kept logging her out.",
        source_id="s1",
        source_path="p02.txt",
        char_start=0,
        char_end=39,
        speaker="Interpreter",
        participant_id="P2",
    )
    assert cite(said) == "P2 (via interpreter), p02.txt"
