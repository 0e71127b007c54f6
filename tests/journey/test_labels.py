"""The map's fixed words per language: every table says everything, with the same blanks."""

import dataclasses
import re
from html import escape
from string import Formatter

import pytest

from assistant.cues import PROBLEM_KINDS
from journey.errors import InputError
from journey.exports import to_markdown, to_mermaid
from journey.html import to_html
from journey.labels import EN, ZH, choose_language, labels_for, majority_language
from journey.schema import JourneyMap

TABLES = (EN, ZH)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name is not None}


def _texts(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [t for v in value for t in _texts(v)]
    if dataclasses.is_dataclass(value):  # a group of words: the ideal's, the summary's, a diff's
        return [t for f in dataclasses.fields(value) for t in _texts(getattr(value, f.name))]
    return []


def test_every_table_fills_the_same_blanks_as_the_english_one():
    for field in dataclasses.fields(EN):
        english = _texts(getattr(EN, field.name))
        for table in TABLES:
            other = _texts(getattr(table, field.name))
            assert len(other) == len(english), (table.code, field.name)
            for en, text in zip(english, other, strict=True):
                assert _fields(text) == _fields(en), (table.code, field.name, text)


def test_the_chinese_table_translates_every_word_and_every_code_it_shows():
    for field in dataclasses.fields(EN):
        if field.name.endswith("_sep"):  # separators: punctuation in either language
            continue
        for en, zh in zip(
            _texts(getattr(EN, field.name)), _texts(getattr(ZH, field.name)), strict=True
        ):
            own_words = re.sub(r"\{[^}]*\}", "", en)  # without its blanks
            if re.search(r"[A-Za-z]{3,}", own_words):
                assert re.search(r"[\u4e00-\u9fff]", zh), (field.name, zh)
    kinds = {kind for kind, _ in PROBLEM_KINDS} | {"other"}
    for table in TABLES:
        assert set(table.plays) == kinds, table.code
    assert set(ZH.kinds) == kinds
    assert set(ZH.touchpoint_types) == {"digital", "physical", "social", "human"}


def test_a_code_or_a_regional_language_finds_its_table_and_others_fall_back_to_english():
    assert labels_for("zh") is ZH and labels_for("zh-CN") is ZH and labels_for("en") is EN
    assert labels_for("fr") is EN


def test_the_sources_majority_decides_and_unknown_languages_do_not_count():
    assert majority_language({"zh": 3, "en": 2}) == "zh"
    assert majority_language({"zh": 2, "en": 2}) == "en"  # a tie stays English
    assert majority_language({"zh": 2, "und": 5}) == "zh"
    assert majority_language({"zh": 2, "en": 1, "es": 2}) == "en"
    assert majority_language({}) == "en"
    assert choose_language("auto", {"zh": 1}) == "zh"
    assert choose_language("en", {"zh": 9}) == "en"
    with pytest.raises(InputError, match="auto, en, zh"):
        choose_language("fr", {"zh": 1})


def test_a_stored_map_without_a_language_renders_in_english(sample_map: JourneyMap) -> None:
    stored = sample_map.model_dump(mode="json")
    del stored["language"]
    old = JourneyMap.model_validate(stored)
    assert old.language == "en"
    assert "<h2>Journey map</h2>" in to_html(old)
    assert "## What it was built from" in to_markdown(old)


def test_a_chinese_map_renders_every_export_in_chinese_and_leaves_the_quotes(
    sample_map: JourneyMap,
) -> None:
    zh = sample_map.model_copy(update={"language": "zh"})
    page, report, diagram = to_html(zh), to_markdown(zh), to_mermaid(zh)
    assert '<html lang="zh">' in page and "<h2>改进建议</h2>" in page
    assert ">情绪</text>" in page  # the curve's own label
    assert "★ 关键时刻" in page and "moment of truth" not in page
    assert "## 情绪曲线" in report and "| 阶段 | 平均情绪值 |" in report
    assert "尚无证据" in diagram and "no evidence yet" not in diagram
    # Quotes, titles and stage names are the study's words, not the table's.
    findings = [f for s in zh.stages for f in (*s.pain_points, *s.delights)]
    assert all(escape(f.evidence[0].quote.strip()) in page for f in findings)
    assert all(escape(f.title) in page for f in findings)
    assert all(s.name in report for s in zh.stages)


def test_the_chinese_table_says_the_codes_a_map_stores_in_its_own_words():
    assert ZH.stage_origin("given") == "用户给定" and EN.stage_origin("given") == "given"
    assert ZH.stage_origin("default taxonomy") == "默认旅程阶段"
    assert ZH.stage_origin("预设「通用评价旅程」：由用户选定") == "预设「通用评价旅程」：由用户选定"
    assert ZH.mode("local") == "本地" and EN.mode("local") == "local"
    assert ZH.segment_label("persona", "P") == "人物画像：P" and EN.segment_label("plan", "x") == (
        "plan: x"
    )
    assert ZH.ideal.origin("given") == "用户给定" and ZH.ideal.origin("drafted") == "drafted"
    assert {ZH.diff.status(s) for s in ("new", "grown", "steady", "shrunk", "resolved")} == {
        "新出现",
        "增多",
        "持平",
        "减少",
        "已消失",
    }
    assert EN.diff.kind("pain_point") == "pain point" and ZH.diff.kind("delight") == "亮点"


def test_a_touchpoints_channel_and_type_are_said_once_when_they_agree():
    en, zh = labels_for("en"), labels_for("zh")
    assert en.touchpoint_kind("social", "social") == "social"
    assert en.touchpoint_kind("web", "digital") == "web, digital"
    assert zh.touchpoint_kind("physical", "physical") == "实体"  # learnt ones: channel = type
    assert zh.touchpoint_kind("web", "digital") == "网页、数字"


def test_a_chinese_comparison_says_its_verdicts_and_titles_in_chinese():
    """A hotel trial's `compare` printed "Feeling per stage by persona" and "differs" over a
    Chinese map."""
    from typing import get_args

    from assistant.compare import Verdict

    words = labels_for("zh").compare
    assert set(get_args(Verdict)) <= set(words.verdicts)
    assert "人物画像" in words.curve_title.format(by="人物画像") and words.stage == "阶段"
    assert labels_for("zh").channel("in person") == "面对面"


def test_a_recommendation_lowers_a_title_only_where_its_capital_is_the_sentences():
    assert EN.titled("Show the full cost", "Pricing page is confusing") == (
        "Show the full cost: pricing page is confusing"
    )
    # an acronym, "I", a name or a Title Case label (a codebook's) keep their capitals
    for title in ("QR code fails", "I was charged twice", "Wells Fargo charged me twice",
                  "Late Flight"):  # fmt: skip
        assert EN.titled("Fix it", title) == f"Fix it: {title}"
