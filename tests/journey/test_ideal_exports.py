"""The intended journey against the actual one in the JSON, the Markdown report and the HTML
page; a map without one reads and renders as before."""

import dataclasses
import json
import re

from markdown_it import MarkdownIt

from journey.exports import to_json, to_markdown
from journey.html import to_html
from journey.schema import JourneyMap
from tests.journey.test_exports import _parse


def test_a_map_held_against_an_ideal_round_trips_and_lists_its_quotes(ideal_map: JourneyMap):
    assert JourneyMap.model_validate_json(to_json(ideal_map)) == ideal_map
    late = ideal_map.stages[0].pain_points[0].evidence[0]
    assert list(ideal_map.evidence()).count(late) > list(
        ideal_map.model_copy(update={"ideal": None}).evidence()
    ).count(late)


def test_a_map_written_before_ideals_existed_still_reads_and_renders(sample_map: JourneyMap):
    old = json.loads(to_json(sample_map))
    old.pop("ideal")
    m = JourneyMap.model_validate(old)
    assert m.ideal is None
    assert "Ideal vs actual" not in to_html(m) and "Ideal vs actual" not in to_markdown(m)
    assert "target-point" not in to_html(m)


def test_markdown_has_an_ideal_vs_actual_section_with_cited_quotes(ideal_map: JourneyMap):
    report = to_markdown(ideal_map)
    section = report[report.index("## Ideal vs actual") : report.index("## Recommendations")]
    assert "| Sign-up | +1.00 | -0.80 | [-1.30, -0.30] | -1.80 | below target | 1 | 0 | 1 |" in (
        section
    )
    assert "| 首次转账 | +1.50 delighted |" in section
    assert "**contradicted** (1 against, 0 for): Codes arrive within seconds" in section
    assert "*Against:*" in section and "p01.txt" in section  # cited: its file
    assert "*Target feeling:* the mean valence of the study's 2 quotes labelled" in section
    assert "*Not stages of this map, not checked:* Renewal" in section
    assert "*KPIs:* sign-up completion: \\>= 80%" in section
    assert "<script>" not in section and "\\<script\\>" in section
    html = MarkdownIt("commonmark").enable("table").render(section)
    assert html.count("<tr>") == 3 and "<script>" not in html


def test_html_adds_a_gap_lane_the_target_curve_and_a_section(ideal_map: JourneyMap):
    page = to_html(ideal_map)
    _parse(page)  # well formed (tags closed in order), the new lane included
    rows = re.findall(r'<th scope="row">([^<]*)</th>', page)
    assert rows[:3] == ["Feeling", "Ideal vs actual", "Doing"]
    # One target point per stage with a target: Sign-up and 首次转账, not Support.
    assert page.count('class="target-point"') == 2
    assert 'target <span class="target-key">+1.50 delighted</span>' in page
    assert '<details class="exp contradicted">' in page
    assert '<details class="exp no-evidence">' in page
    assert "Errors say &lt;script&gt;why&lt;/script&gt;" in page and "<script>" not in page
    assert "KPI sign-up completion: &gt;= 80%" in page
    assert "Not in the intended journey." in page  # Support
    section = page[page.index("<h2>Ideal vs actual</h2>") :]
    assert "<strong>Not stages of this map, not checked</strong>: Renewal." in section
    assert "Nimbank &lt;b&gt;as intended&lt;/b&gt;" in section
    assert "1 contradicted, 1 supported, 1 without evidence" in section


def test_a_chinese_map_says_ideal_vs_actual_in_chinese(ideal_map: JourneyMap):
    m = ideal_map.model_copy(update={"language": "zh"})
    page, report = to_html(m), to_markdown(m)
    assert '<th scope="row">理想与现实</th>' in page and "<h2>理想与现实</h2>" in page
    assert "Ideal vs actual" not in page and "## 理想与现实" in report
    assert "低于目标" in page and "被反驳" in page and "有支持" in page
    assert "| 首次转账 | +1.50 惊喜 |" in report  # the target feeling in the map's words
    assert "Codes arrive within seconds" in page  # the team's own words stay as written


def test_the_ideal_words_fill_the_same_blanks_in_every_language_and_name_every_status():
    from string import Formatter
    from typing import get_args

    from journey.labels import EN_IDEAL, ZH_IDEAL
    from journey.schema import ExpectationStatus, ValenceStatus

    def blanks(text: str) -> set[str]:
        return {name for _, name, _, _ in Formatter().parse(text) if name is not None}

    for field in dataclasses.fields(EN_IDEAL):
        en, zh = getattr(EN_IDEAL, field.name), getattr(ZH_IDEAL, field.name)
        if isinstance(en, str):
            assert blanks(en) == blanks(zh), field.name
            if re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}", "", en)):
                assert re.search(r"[\u4e00-\u9fff]", zh), field.name
    for table in (EN_IDEAL, ZH_IDEAL):
        assert set(table.valence_statuses) == set(get_args(ValenceStatus))
        assert set(table.statuses) == set(get_args(ExpectationStatus))
        assert len(table.columns) == 9
