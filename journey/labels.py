"""The map's own words in each language it speaks: one table per language, picked by code.

Everything journeymap writes around the evidence (lane names, headings, legends, counts,
finding descriptions, recommendation wording) comes from here; quotes, titles taken from
quotes, stage names a guide or the user gave, and segment values stay as they are. The
Chinese table uses the customer-journey method's own vocabulary (阶段、触点、痛点、
关键时刻、机会点).

Templates are `str.format` strings with named fields; a counted noun is a pair of
templates (one, many) taking `{n}`. Values from users' data are escaped by the caller
before they are formatted in.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, get_args

from journey.errors import InputError
from journey.schema import RECOMMENDATION_SCORING, Finding, Language
from journey.text import HAN_CHAR

LANGUAGES: tuple[str, ...] = get_args(Language)
LanguageChoice = Literal["auto", "en", "zh"]
"""What a user may ask for: a language, or `auto` (the sources' majority)."""
LANGUAGE_CHOICES: tuple[str, ...] = get_args(LanguageChoice)

Counted = tuple[str, str]
"""A counted noun: the template for one and for many, each with `{n}`."""


@dataclass(frozen=True)
class IdealWords:
    """The words of the intended journey held against the actual one (journey/gaps.py and the
    report's section), and the sentences the analysis writes into the map in its language
    (how relevance was judged, where a target came from, a stage it could not check)."""

    heading: str
    """The lane's, the section's and the report's name."""
    target_line: str
    """`{target}`, `{actual}`, `{ci}`: the target feeling against the stage's curve point."""
    gap: str
    no_target: str
    valence_statuses: Mapping[str, str]
    """Each journey.schema.ValenceStatus as this language says it."""
    statuses: Mapping[str, str]
    """Each journey.schema.ExpectationStatus as this language says it."""
    against_for: str
    """`{against}` (participants counted), `{backing}` (a number)."""
    only_for: str
    no_quote_here: str
    said_in: str
    against: str
    backing: str
    kpi: str
    not_planned: str
    intended: str
    untitled: str
    expectation_counts: str
    below: str
    no_stage: str
    missing: str
    unplanned: str
    legend: str
    curve_tip: str
    curve_tip_actual: str
    columns: tuple[str, ...]
    """The report's table: stage, target, actual, interval, gap, feeling, and the three
    statuses' counts."""
    report_legend: str
    target_from: str
    counts: str
    also_said: str
    kpis: str
    given: str
    """The code `given` (a target or an intended journey from the user) as said here."""
    origin_note: str
    """`({origin})`: where an intended journey or a target came from, after it."""
    # -- written into the map at build time (assistant/ideal.py) ------------------------------
    relevance_themes: str
    """`{fraction}`, `{within}`, `{base}`: the relevance bar, set from the study's themes."""
    relevance_no_themes: str
    """`{fraction}`: the bar when the study has no theme of two quotes yet."""
    target_labelled: str
    """`{n}` quotes labelled `{feeling}` set the target."""
    target_unlabelled: str
    missing_warning: str
    """`{name}`: a stage of the intended journey the map lacks; `{names}`: the map's stages."""

    def origin(self, text: str) -> str:
        """Where a target or an intended journey came from, the code `given` in words."""
        return self.given if text == "given" else text


EN_IDEAL = IdealWords(
    heading="Ideal vs actual",
    target_line="target {target} · now {actual} {ci}",
    gap=" · gap {gap}",
    no_target="No target feeling",
    valence_statuses={
        "below target": "below target",
        "on target": "on target",
        "above target": "above target",
        "no target": "no target",
        "no quotes": "no quotes",
        "too few quotes": "too few quotes",
    },
    statuses={
        "contradicted": "contradicted",
        "supported": "supported",
        "no evidence": "no evidence",
    },
    against_for="{against} against, {backing} for",
    only_for="{backing} for",
    no_quote_here="no quote of the study speaks to it",
    said_in="; said in {stages}",
    against="against",
    backing="for",
    kpi="KPI {name}",
    not_planned="Not in the intended journey.",
    intended="Intended journey",
    untitled="untitled",
    expectation_counts="Expectations: {contradicted} contradicted, {supported} supported, "
    "{none} without evidence.",
    below="Below the target feeling (its whole 95% interval)",
    no_stage="no stage",
    missing="Not stages of this map, not checked",
    unplanned="Stages the intended journey says nothing about",
    legend="Dashed teal on the emotion curve: the target feeling per stage. An expectation is "
    "contradicted when pain points of its stage speak to it (from at least as many "
    "participants as support it), supported when more participants' delights or positive "
    "quotes do; when no quote of its stage speaks to it, the quotes of the other stages that "
    "do decide. How relevance is judged: {relevance}.",
    curve_tip="Target feeling: {target}",
    curve_tip_actual="; actual {actual} (gap {gap})",
    columns=("Stage", "Target", "Actual", "95% CI", "Gap", "Feeling", "✗", "✓", "?"),
    report_legend="✗ contradicted (pain points of the stage speak to it, from at least as many "
    "participants as support it; other stages' quotes decide when none of the stage's does), "
    "✓ supported, ? no evidence in the study. *Relevance:* {relevance}.",
    target_from="Target feeling",
    counts="{against} against, {backing} for",
    also_said="; also said in {stages}",
    kpis="KPIs",
    given="given",
    origin_note="({origin})",
    relevance_themes="a quote speaks to an expectation when it is nearer to it than to any other "
    "expectation and its similarity clears the expectation's mean similarity to all the study's "
    "quotes by {fraction:.2f} of the way to identical: half as far above background as two "
    "quotes of one theme ({within:.2f} against {base:.2f} for any two quotes of the study)",
    relevance_no_themes="a quote speaks to an expectation when it is nearer to it than to any "
    "other expectation and its similarity clears the expectation's mean similarity to all the "
    "study's quotes by {fraction:.2f} of the way to identical: half the bar that joins quotes "
    "into themes, as the study has no theme of two quotes yet",
    target_labelled="the mean valence of the study's {n} quotes labelled {feeling!r}",
    target_unlabelled="no quote of the study is labelled {feeling!r}: give target_valence",
    missing_warning="ideal journey: stage {name!r} is not a stage of this map ({names}); its "
    "expectations were not checked",
)

ZH_IDEAL = IdealWords(
    heading="理想与现实",
    target_line="目标 {target} · 现在 {actual} {ci}",
    gap=" · 差距 {gap}",
    no_target="未设定目标感受",
    valence_statuses={
        "below target": "低于目标",
        "on target": "达到目标",
        "above target": "高于目标",
        "no target": "无目标",
        "no quotes": "无原话",
        "too few quotes": "原话太少",
    },
    statuses={"contradicted": "被反驳", "supported": "有支持", "no evidence": "无证据"},
    against_for="{against}反对，{backing} 位支持",
    only_for="{backing}支持",
    no_quote_here="全研究没有原话谈到这一点",
    said_in="；在{stages}中提到",
    against="反对",
    backing="支持",
    kpi="指标 {name}",
    not_planned="理想旅程不含此阶段。",
    intended="理想旅程",
    untitled="未命名",
    expectation_counts="期望：{contradicted} 条被反驳，{supported} 条有支持，{none} 条无证据。",
    below="低于目标感受（整个 95% 置信区间）",
    no_stage="无",
    missing="不是本地图的阶段，未检查",
    unplanned="理想旅程未涉及的阶段",
    legend="情绪曲线上的青色虚线：各阶段的目标感受。某阶段的痛点谈到一条期望（且反对的参与者"
    "不少于支持的）即为被反驳；更多参与者的亮点或正面原话谈到它即为有支持；本阶段没有原话"
    "谈到它时，由其他阶段谈到它的原话决定。相关性的判断方式：{relevance}。",
    curve_tip="目标感受：{target}",
    curve_tip_actual="；实际 {actual}（差距 {gap}）",
    columns=("阶段", "目标", "实际", "95% 置信区间", "差距", "感受", "✗", "✓", "?"),
    report_legend="✗ 被反驳（本阶段的痛点谈到它，且反对的参与者不少于支持的；本阶段无原话"
    "谈到时由其他阶段的原话决定），✓ 有支持，? 全研究无证据。*相关性：* {relevance}。",
    target_from="目标感受",
    counts="{against} 反对，{backing} 支持",
    also_said="；也在{stages}中提到",
    kpis="指标",
    given="用户给定",
    origin_note="（{origin}）",
    relevance_themes="一条原话比其他任何期望都更接近某条期望，且与它的相似度高出该期望与本研究全部"
    "原话的平均相似度，高出的幅度达到背景到完全相同之间的 {fraction:.2f}，即算谈到这条期望；"
    "这一幅度是同一主题的两条原话高出背景幅度的一半（同一主题的两条原话 {within:.2f}，"
    "本研究任意两条原话 {base:.2f}）",
    relevance_no_themes="一条原话比其他任何期望都更接近某条期望，且与它的相似度高出该期望与本研究"
    "全部原话的平均相似度，高出的幅度达到背景到完全相同之间的 {fraction:.2f}，即算谈到这条期望；"
    "这一幅度是原话归入主题所需门槛的一半，因为本研究还没有含两条原话的主题",
    target_labelled="本研究中标为「{feeling}」的 {n} 条原话的平均情绪值",
    target_unlabelled="本研究没有标为「{feeling}」的原话：请给出 target_valence",
    missing_warning="理想旅程：「{name}」不是本地图的阶段（{names}），其期望未检查",
)


@dataclass(frozen=True)
class SummaryWords:
    """The terminal summary `journeymap map` prints (api/cli.py)."""

    columns: tuple[str, str, str, str, str]
    """Stage, mood, pain points, the top pain point, delights."""
    mood: str
    """`{mood}` (the mean valence), `{n}` participants."""
    top: str
    """`{title}` of the top pain point, `{participants}` who raised it."""
    recommendation: str
    """`{title}`, `{priority}`."""
    totals: str
    llm: str
    ideal: str
    """`{contradicted}`, `{supported}`, `{none}` expectations; `{below}` the stages below
    their target feeling."""
    warning: str


EN_SUMMARY = SummaryWords(
    columns=("stage", "mood", "pains", "top pain point", "delights"),
    mood="{mood} (n={n})",
    top="{title} ({participants})",
    recommendation="{title} (priority {priority:.2f})",
    totals="{sources} sources, {participants} participants, {sentences} sentences, {used} quotes "
    "used, {rejected} rejected by grounding",
    llm="LLM {model}: {calls} calls ({cached} more answered from the cache), {prompt} prompt + "
    "{completion} completion tokens, {failed} failed requests",
    ideal="ideal vs actual: {contradicted} expectations contradicted, {supported} supported, "
    "{none} without evidence; below the target feeling: {below}",
    warning="warning:",
)

ZH_SUMMARY = SummaryWords(
    columns=("阶段", "情绪", "痛点", "首要痛点", "亮点"),
    mood="{mood}（n={n}）",
    top="{title}（{participants} 人）",
    recommendation="{title}（优先级 {priority:.2f}）",
    totals="{sources} 个来源，{participants} 位参与者，{sentences} 个句子，采用 {used} 条原话，"
    "核验剔除 {rejected} 条",
    llm="LLM {model}：{calls} 次调用（另有 {cached} 次来自缓存），提示 {prompt} + 生成 "
    "{completion} 个 token，{failed} 次请求失败",
    ideal="理想与现实：{contradicted} 条期望被反驳，{supported} 条有支持，{none} 条无证据；"
    "低于目标感受的阶段：{below}",
    warning="注意：",
)


@dataclass(frozen=True)
class AnswerWords:
    """The words around a chat answer in a terminal, in the question's language."""

    sources: str
    also_ask: str
    follow_up: str
    """`{id}`: the conversation to pass back."""


EN_ANSWER = AnswerWords("Sources", "You could also ask:", "Follow up with --conversation {id}")
ZH_ANSWER = AnswerWords("来源", "还可以问：", "继续追问请加 --conversation {id}")


def answer_words(question: str) -> AnswerWords:
    """Chinese words for a question with Chinese in it (as the answer itself is chosen)."""
    return ZH_ANSWER if HAN_CHAR.search(question) else EN_ANSWER


@dataclass(frozen=True)
class DiffWords:
    """What changed between two maps or two slices of a study: the Markdown section
    (journey/diff.py) and the notes the analysis writes into the diff (assistant/waves.py)."""

    heading: str
    """`{a}` → `{b}`, then `{by}` (the `by` template, or nothing)."""
    by: str
    participants: str
    theme_columns: tuple[str, str, str, str, str, str]
    """Change, theme, stage, A, B, p."""
    theme: str
    """`{title}` and `{kind}` of a theme."""
    no_change: str
    steady: str
    curve_columns: tuple[str, str, str, str]
    change: str
    """`{change}` with its interval `{low}` to `{high}`."""
    point: str
    """`{mean}` with its interval `{low}` to `{high}` and `{n}` participants."""
    point_no_interval: str
    point_empty: str
    one_codebook: str
    """`{id}`: the map both slices were read from."""
    matched_by_words: str
    matched_by_titles: str
    method: str
    """`{floor}`: participants a stage needs on both sides for an interval."""
    statuses: Mapping[str, str] = field(default_factory=dict)
    """Each journey.diff.ThemeStatus as this language says it (absent: as it is)."""
    kinds: Mapping[str, str] = field(default_factory=dict)
    """`pain_point` and `delight` as this language says them."""
    notes: Mapping[str, str] = field(default_factory=dict)
    """A stage's note codes (`not enough participants`) as this language says them."""

    def status(self, code: str) -> str:
        return self.statuses.get(code, code)

    def kind(self, code: str) -> str:
        return self.kinds.get(code, code)

    def note(self, code: str) -> str:
        return self.notes.get(code, code)


EN_DIFF = DiffWords(
    heading="What changed: {a} → {b}{by}",
    by=" (by {by})",
    participants="{a} participants in A, {b} in B.",
    theme_columns=("Change", "Theme", "Stage", "A", "B", "p"),
    theme="{title} ({kind})",
    no_change="No theme changed beyond chance.",
    steady="{n} themes held steady (any change within chance).",
    curve_columns=("Stage", "A mean (95% CI, n)", "B mean (95% CI, n)", "Change (95% CI)"),
    change="{change} ({low} to {high})",
    point="{mean} ({low} to {high}, n={n})",
    point_no_interval="{mean} (n={n})",
    point_empty="– (n={n})",
    one_codebook="both slices coded with one codebook: the themes of the map of {id}",
    matched_by_words="themes matched across the two maps by shared quotes, then similar words",
    matched_by_titles="themes matched across the two maps by shared quotes, then the same title",
    method="new and resolved say nobody on the other side raised the theme; p (Fisher's exact "
    "test of the shares) says whether a change is beyond chance; grown and shrunk need p < 0.05. "
    "Stages need {floor} participants with feelings on both sides for a change interval.",
    kinds={"pain_point": "pain point", "delight": "delight"},
)

ZH_DIFF = DiffWords(
    heading="变化：{a} → {b}{by}",
    by="（按 {by}）",
    participants="A 有 {a} 位参与者，B 有 {b} 位。",
    theme_columns=("变化", "主题", "阶段", "A", "B", "p"),
    theme="{title}（{kind}）",
    no_change="没有主题的变化超出随机波动。",
    steady="{n} 个主题保持稳定（变化在随机波动范围内）。",
    curve_columns=(
        "阶段",
        "A 均值（95% 置信区间，n）",
        "B 均值（95% 置信区间，n）",
        "变化（95% 置信区间）",
    ),
    change="{change}（{low} 至 {high}）",
    point="{mean}（{low} 至 {high}，n={n}）",
    point_no_interval="{mean}（n={n}）",
    point_empty="–（n={n}）",
    one_codebook="两个切片用同一套编码：地图 {id} 的主题",
    matched_by_words="两张地图的主题先按共同的原话、再按相近的措辞对应",
    matched_by_titles="两张地图的主题先按共同的原话、再按相同的标题对应",
    method="新出现和已消失表示另一侧无人提到该主题；p（两个占比的 Fisher 精确检验）表示变化是否"
    "超出随机波动；增多和减少要求 p < 0.05。某阶段两侧各有至少 {floor} 位表达了感受的参与者，"
    "才给出变化的区间。",
    statuses={
        "new": "新出现",
        "grown": "增多",
        "steady": "持平",
        "shrunk": "减少",
        "resolved": "已消失",
    },
    kinds={"pain_point": "痛点", "delight": "亮点"},
    notes={"not enough participants": "参与者不足"},
)


@dataclass(frozen=True)
class CompareWords:
    """The method and notes the comparison of segments or personas writes
    (assistant/compare.py)."""

    method: str
    """`{alpha}`, `{floor}`."""
    too_small: str
    """`{values}` (each a `value`), `{floor}`."""
    value: str
    one_value: str
    """`{by}` has `{n}` values."""
    clustered: str
    curve_title: str = "Feeling per stage by {by} (mean [95% CI] n participants)"
    """The CLI's table of feeling per stage; `{by}`."""
    themes_title: str = "Themes whose share differs by {by}"
    stage: str = "stage"
    theme: str = "theme"
    verdicts: Mapping[str, str] = field(default_factory=dict)
    """The verdict codes as this language says them (absent: the code)."""


EN_COMPARE = CompareWords(
    method="Participants, not quotes: a stage's point is the mean over participants of each one's "
    "mean valence there, with a 95% Student's t interval. A theme's share is the participants of "
    "the group who raised it; two groups are compared with Fisher's exact test (more groups: each "
    "against the rest, Bonferroni), p-values adjusted across themes (Benjamini-Hochberg, q < "
    "{alpha}). Groups or stages under {floor} participants are 'not enough participants'.",
    too_small="not enough participants to compare {values} (under {floor}): shown, never called "
    "different",
    value="{value!r}",
    one_value="{by!r} has {n} value(s) among the participants: nothing to compare",
    clustered="the personas were grouped by the themes and feelings compared here, so their "
    "differences describe the groups; the p-values overstate how surely they hold",
)

ZH_COMPARE = CompareWords(
    method="以参与者而非原话为单位：某阶段的点是每位参与者在该阶段平均情绪值的均值，附 95% "
    "Student t 置信区间。主题的占比是该组中提到它的参与者比例；两组用 Fisher 精确检验比较（多组时"
    "各组对其余各组，Bonferroni 校正），p 值在各主题间校正（Benjamini-Hochberg，q < {alpha}）。"
    "不足 {floor} 位参与者的组或阶段记为“参与者不足”。",
    too_small="{values} 的参与者不足 {floor} 位，无法比较：照常列出，但不判定为有差异",
    value="「{value}」",
    one_value="参与者中「{by}」只有 {n} 个取值：无从比较",
    clustered="这些人物画像正是按这里比较的主题和感受分组的，因此它们的差异描述的是分组本身；"
    "p 值会高估这些差异的可靠程度",
    curve_title="各阶段的感受，按「{by}」分组（均值 [95% 置信区间] n 位参与者）",
    themes_title="占比因「{by}」而异的主题",
    stage="阶段",
    theme="主题",
    verdicts={
        "differs": "有差异",
        "suggestive": "值得留意（校正后不显著）",
        "no clear difference": "无明显差异",
        "not enough participants": "参与者不足",
    },
)


@dataclass(frozen=True)
class Labels:
    """The fixed words of a map in one language."""

    code: Language
    # -- counted nouns and small words -------------------------------------------------------
    participants: Counted
    quotes: Counted
    pain_points: Counted
    delights: Counted
    more_pain_points: Counted
    more_delights: Counted
    more_quotes: Counted
    list_sep: str
    """Between the items of a list in running text."""
    and_sep: str
    """Between the last two items counted in a sentence."""
    kv_sep: str
    """Between a label and its value."""
    of_total: str
    """`{n} of {participants}`: some of all the participants."""
    reach: str
    """`{of_total} ({share:.0%})`."""
    none: str
    nothing_listed: str
    more: str
    mentioned_once: str
    moment_of_truth: str
    severity: str
    severity_badge: str
    severity_of: str
    strength_of: str
    """A delight's severity field: how strongly it is felt."""
    facts: str
    """Priority, impact and effort of a recommendation."""
    defining: str
    no_personas: str
    """Said when the study has no personas (CLI)."""
    """A persona's defining theme: `{title}`, `{n}` of its `{size}` members, `{share}` and
    `{rest}` (the share among everyone else)."""
    # -- lanes ---------------------------------------------------------------------------------
    stage: str
    feeling: str
    doing: str
    touchpoints: str
    pain_points_lane: str
    opportunities: str
    delights_lane: str
    needs: str
    curve_axis: tuple[str, str]
    """The curve lane's name, on two lines."""
    # -- the emotion curve and feelings --------------------------------------------------------
    no_quotes: str
    no_quotes_here: str
    no_quotes_here_sentence: str
    curve_tip: str
    curve_tip_empty: str
    moment_of_truth_tip: str
    n_and_ci: str
    stand_out: str
    stand_out_tip: str
    stands_out: str
    nothing_stands_out: str
    mostly: str
    full_stop: str
    segment_reach: str
    # -- opportunities -------------------------------------------------------------------------
    rank_tip: str
    addressed_for: str
    # -- segment switcher ----------------------------------------------------------------------
    show_segment: str
    everyone: str
    segment_note: str
    # -- page and report -----------------------------------------------------------------------
    page_title: str
    page_intro: str
    report_intro: str
    built_from: str
    sources: str
    sources_count: str
    """`{count} ({kinds})`: the sources and how many of each kind."""
    participants_label: str
    languages: str
    segment: str
    generator: str
    generator_line: str
    prompts: str
    generator_short: str
    """The HTML page's `{mode} · {model}`."""
    prompts_short: str
    stages: str
    quotes_label: str
    quotes_line: str
    llm_line: str
    llm_report: str
    read_with_care: str
    journey_map: str
    at_a_glance: str
    glance_pains: str
    glance_delights: str
    legend: str
    unplaced_legend: str
    recommendations: str
    scoring: str
    evidence_quotes: str
    recommendation_meta: str
    no_recommendations: str
    footer: str
    emotion_curve: str
    curve_columns: tuple[str, ...]
    across_stages: str
    stands_out_note: str
    emotion_line: str
    most_frequent: str
    no_emotion_labels: str
    stands_out_md: str
    touchpoints_of: str
    touchpoint_line: str
    more_in_exports: str
    once_in_json: str
    what_people_do: str
    more_in_json: str
    opportunity_line: str
    not_placed: str
    recommendation_columns: tuple[str, ...]
    evidence: str
    evidence_lines: tuple[str, str, str, str, str]
    """Sentences read, observations, quotes used, rejected, re-located."""
    warnings: str
    # -- Mermaid -------------------------------------------------------------------------------
    no_evidence_yet: str
    participants_actor: str
    # -- written into the map at build time ----------------------------------------------------
    spread_all: str
    spread_mostly: str
    also_in: str
    also_item: str
    comments_on: str
    other_comments: str
    recommendation_title: str
    lower_title_start: bool
    """Whether a theme's title, following a recommendation's verb, starts in lower case."""
    rationale: str
    plays: Mapping[str, str]
    """What to do about each kind of problem (assistant.cues.PROBLEM_KINDS, and `other`)."""
    scoring_text: str
    """How the offline recommendations are scored (the map's `scoring`)."""
    default_title: str
    dropped_warning: str
    thin_warning: str
    headings_warning: str
    """Some interviews have guide headings, too few to give the stages: `{n}` of `{total}`."""
    preset_chosen: str
    """Where the stages came from (the map's `generator.settings.stages`): the journey preset
    `{label}` the user named."""
    preset_fits: str
    """The preset `{label}` nearest for `{share}` of `{sentences}` review sentences; `{next}`
    the runner-up (a `preset_share`)."""
    preset_unclear: str
    """No preset fits clearly: `{label}` stands in; `{best}` and `{next}` (`preset_share`s)."""
    preset_share: str
    preset_kept: str
    stages_kept: str
    """Printed when a rebuild keeps the stages chosen for the last map: `{stages}` their names."""
    preset_hint: str
    """The preset `{label}` (`{id}`) fits the interviews the default stages were used for."""
    """The preset `{label}` chosen for the last map, kept: the study still fits it."""
    # -- written by people's edits -------------------------------------------------------------
    split_from: str
    added_by: str
    a_person: str
    an_assistant: str
    added_finding: str
    # -- display names of the analysis' own codes (absent: shown as they are) ------------------
    emotions: Mapping[str, str] = field(default_factory=dict)
    kinds: Mapping[str, str] = field(default_factory=dict)
    touchpoint_names: Mapping[str, str] = field(default_factory=dict)
    channels: Mapping[str, str] = field(default_factory=dict)
    touchpoint_types: Mapping[str, str] = field(default_factory=dict)
    source_kinds: Mapping[str, str] = field(default_factory=dict)
    stage_origins: Mapping[str, str] = field(default_factory=dict)
    """The codes of where stages came from (`given`, `interview guide headings`, `default
    taxonomy`) as this language says them; a preset's sentence is written in it already."""
    modes: Mapping[str, str] = field(default_factory=dict)
    """The generator's mode (`local`, `llm`)."""
    segment_keys: Mapping[str, str] = field(default_factory=dict)
    """The segment keys journeymap makes (`persona`); the user's own keys are shown as given."""
    ideal: IdealWords = EN_IDEAL
    """The intended journey against the actual one."""
    summary: SummaryWords = EN_SUMMARY
    """The CLI's summary of a built map."""
    diff: DiffWords = EN_DIFF
    """What changed between two maps or slices."""
    compare: CompareWords = EN_COMPARE
    """Segments or personas compared."""

    def why(self, pain: Finding, kind: str, stage: str, impact: float, effort: int) -> str:
        """A recommendation's rationale for one theme: its counts, severity, impact, effort."""
        return self.rationale.format(
            id=pain.id,
            title=pain.title,
            kind=self.kind(kind),
            people=self.count(pain.participants, self.participants),
            share=pain.share,
            severity=pain.severity,
            stage=stage,
            impact=impact,
            effort=effort,
        )

    def count(self, n: int, noun: Counted) -> str:
        """`1 participant`, `3 participants`, `3 位参与者`."""
        return noun[0 if n == 1 else 1].format(n=n)

    def kv(self, label: str, value: str) -> str:
        """`Sources: 12` (with the language's own colon)."""
        return f"{label}{self.kv_sep}{value}"

    def join(self, items: list[str]) -> str:
        """Items of a list in running text."""
        return self.list_sep.join(items)

    def people(self, n: int, total: int) -> str:
        """`12 of 47 participants`, `47 位参与者中的 12 位`."""
        return self.of_total.format(n=n, participants=self.count(total, self.participants))

    def spread(self, people: int, total: int, home: str, also_in: Mapping[str, int]) -> str:
        """Who, how many and where, in one line: "12 of 47 participants, mostly in
        Purchase; also in Support (3), Use (1)"."""
        who = self.people(people, total)
        line = (self.spread_mostly if also_in else self.spread_all).format(people=who, home=home)
        if not also_in:
            return line
        also = self.join([self.also_item.format(name=k, n=v) for k, v in also_in.items()])
        return self.also_in.format(line=line, also=also)

    def titled(self, play: str, title: str) -> str:
        """A recommendation's title: what to do, then the theme it answers."""
        # "QR code…", "iOS app…", "I…": a word that is not capitalised only by its place stays;
        # so does one the next word's capital says is part of a name or a Title Case label
        # ("Wells Fargo charged me twice", a codebook's "Late Flight": not "late Flight")
        first, *rest = title.split(" ")
        named = bool(rest) and rest[0][:1].isupper() and rest[0] != "I"
        plain = not named and (len(first) == 1 or first[1:].islower() or not first[1:].isalpha())
        if self.lower_title_start and plain and first != "I" and not first.startswith("I'"):
            title = title[:1].lower() + title[1:]
        return self.recommendation_title.format(play=play, title=title)

    def emotion(self, label: str) -> str:
        """An emotion label as this language says it."""
        return self.emotions.get(label, label)

    def kind(self, kind: str) -> str:
        """A kind of problem as this language says it."""
        return self.kinds.get(kind, kind)

    def touchpoint(self, name: str) -> str:
        """A touchpoint of the generic lexicon as this language says it (others as given)."""
        return self.touchpoint_names.get(name, name)

    def channel(self, channel: str) -> str:
        return self.channels.get(channel, channel)

    def touchpoint_type(self, kind: str) -> str:
        return self.touchpoint_types.get(kind, kind)

    def touchpoint_kind(self, channel: str, kind: str) -> str:
        """'web, digital'; one word when the channel and the type say the same ('social')."""
        return self.join(list(dict.fromkeys([self.channel(channel), self.touchpoint_type(kind)])))

    def stage_origin(self, origin: str) -> str:
        """Where the stages came from, as this language says it."""
        return self.stage_origins.get(origin, origin)

    def mode(self, mode: str) -> str:
        return self.modes.get(mode, mode)

    def segment_key(self, key: str) -> str:
        return self.segment_keys.get(key, key)

    def segment_label(self, key: str, value: str) -> str:
        """`plan: premium`: a segment value a reader can switch the map to."""
        return self.kv(self.segment_key(key), value)


EN = Labels(
    code="en",
    participants=("{n} participant", "{n} participants"),
    quotes=("{n} quote", "{n} quotes"),
    pain_points=("{n} pain point", "{n} pain points"),
    delights=("{n} delight", "{n} delights"),
    more_pain_points=("{n} more pain point", "{n} more pain points"),
    more_delights=("{n} more delight", "{n} more delights"),
    more_quotes=("{n} more quote", "{n} more quotes"),
    list_sep=", ",
    and_sep=" and ",
    kv_sep=": ",
    of_total="{n} of {participants}",
    reach="{of_total} ({share:.0%})",
    none="none",
    nothing_listed="nothing listed",
    more="{n} more",
    mentioned_once="{n} mentioned once",
    moment_of_truth="moment of truth",
    severity="severity",
    severity_badge="S{n}",
    severity_of="severity {n}/5",
    strength_of="strength {n}/5",
    facts="priority {priority:.2f} · impact {impact:.2f} · effort {effort}/5",
    defining="{title}: {n} of {size} ({share:.0%}; the rest {rest:.0%})",
    no_personas="No personas: too few participants, or no groups of 3 or more that stand apart "
    "more than chance would. Give them with --by KEY (a segment attribute).",
    stage="Stage",
    feeling="Feeling",
    doing="Doing",
    touchpoints="Touchpoints",
    pain_points_lane="Pain points",
    opportunities="Opportunities",
    delights_lane="Delights",
    needs="Needs",
    curve_axis=("EMOTION", "CURVE"),
    no_quotes="no quotes",
    no_quotes_here="no quotes in this stage",
    no_quotes_here_sentence="No quotes in this stage.",
    curve_tip="{name}: mean valence {valence}, 95% CI {ci}, n = {n}",
    curve_tip_empty="{name}: no quotes",
    moment_of_truth_tip="Moment of truth: {titles}",
    n_and_ci="n = {n} · 95% CI {ci}",
    stand_out="{label} {share:.0%} vs {study:.0%}",
    stand_out_tip="{count} quotes; z = {z:.1f}",
    stands_out="stands out",
    nothing_stands_out="Nothing stands out",
    mostly="; mostly {labels}",
    full_stop=".",
    segment_reach="{label}: {n} of {total}",
    rank_tip="rank by priority, study-wide",
    addressed_for="for: {titles}",
    show_segment="Show a segment",
    everyone="everyone",
    segment_note=(
        "Dashed: the segment's mean valence per stage (over its participants, 95% CI); cards show "
        "its reach, and fade where it said nothing."
    ),
    page_title="{title} — journey map",
    page_intro=(
        "Draft customer journey map of project {project} · generated {when} UTC · map {id} · "
        "schema {schema}"
    ),
    report_intro=(
        "Customer journey map of project *{project}*, generated {when} UTC (map {id}, schema "
        "{schema})."
    ),
    built_from="What it was built from",
    sources="Sources",
    sources_count="{count} ({kinds})",
    participants_label="Participants",
    languages="Languages",
    segment="Segment",
    generator="Generator",
    generator_line="{mode} mode, model {model}",
    prompts=", prompts {version}",
    generator_short="{mode} · {model}",
    prompts_short=" · prompts {version}",
    stages="Stages",
    quotes_label="Quotes",
    quotes_line="{used} used · {rejected} rejected by grounding",
    llm_line="{calls} calls · {cached} from cache · {tokens} tokens",
    llm_report=(
        "{calls} calls ({cached} answered from the cache), {prompt} prompt + {completion} "
        "completion tokens"
    ),
    read_with_care="Read with care",
    journey_map="Journey map",
    at_a_glance="At a glance",
    glance_pains="Top pain points (people × severity)",
    glance_delights="What people value most",
    legend=(
        "Emotion curve: each stage's mean valence over participants, each one's quotes averaged "
        "first (−2 to +2; n: participants), bars: 95% confidence interval, ringed ★: a moment of "
        "truth. Feeling: the emotions a stage's quotes carry "
        "more often than the whole study's (share here vs study-wide). Open a pain point or "
        "delight to read its quotes; bar colour: severity, yellow (1) to dark red (5). "
        "Opportunities: the recommendations for the stage's pain points, by priority (#: rank "
        "in the study)."
    ),
    unplaced_legend=" For a stage this map does not have (see Recommendations): {titles}.",
    recommendations="Recommendations",
    scoring="Scoring",
    evidence_quotes="Evidence ({quotes})",
    recommendation_meta=(
        "priority {priority:.2f} · stage {stage} · impact {impact:.2f} · effort {effort} · "
        "addresses {addresses}"
    ),
    no_recommendations="None.",
    footer=(
        "{sentences} participant sentences read · {observations} observations · {used} quotes "
        "used · {rejected} rejected and {relocated} re-located by grounding."
    ),
    emotion_curve="Emotion curve",
    curve_columns=("Stage", "Mean valence", "95% CI", "n", "Most frequent", "Stands out", "Curve"),
    across_stages=(
        "Across the stages: `{curve}` (low is negative, `·` is a stage without quotes)."
    ),
    stands_out_note=(
        "*Stands out:* the emotions a stage's quotes carry more often than the rest of the "
        "study's (share in the stage vs in the study; weighted log-odds, z ≥ 1, 2+ quotes)."
    ),
    emotion_line="*Emotion:* {valence} (n = {n}; {feeling})",
    most_frequent="most frequent: {labels}",
    no_emotion_labels="no emotion labels",
    stands_out_md="; stands out: {items} of the study's quotes",
    touchpoints_of="touchpoints: {names}",
    touchpoint_line="{name} ({kind}) — {participants}",
    more_in_exports="*… and {more}: the JSON and CSV exports list them all.*",
    once_in_json="*Mentioned once (too few people to headline): {said}, in the JSON and the HTML "
    "map.*",
    what_people_do="What people do",
    more_in_json="*… and {n} more in the JSON.*",
    opportunity_line=(
        "**{title}** — #{rank} of {total} by priority · {facts} · addresses: {addresses}"
    ),
    not_placed="*Not placed on a stage (their stage is not in the map):* {ids}",
    recommendation_columns=(
        "#",
        "Priority",
        "Recommendation",
        "Stage",
        "Impact",
        "Effort",
        "Addresses",
    ),
    evidence="Evidence",
    evidence_lines=(
        "Participant sentences read",
        "Observations extracted",
        "Quotes used",
        "Quotes rejected by grounding (not found verbatim in their source)",
        "Quotes re-located by grounding",
    ),
    warnings="Warnings",
    no_evidence_yet="no evidence yet",
    participants_actor="Participants",
    spread_all="{people}, all in {home}",
    spread_mostly="{people}, mostly in {home}",
    also_in="{line}; also in {also}",
    also_item="{name} ({n})",
    comments_on="Comments on {about}",
    other_comments="Other comments",
    recommendation_title="{play}: {title}",
    lower_title_start=True,
    rationale=(
        "{people} ({share:.0%} of the study) raise \u201c{title}\u201d, a problem of the kind "
        "{kind}, at severity {severity}/5, mostly in {stage} (theme {id}). Impact {impact} "
        "(severity {severity} \u00d7 share {share}); effort {effort} of 5, as for {kind}."
    ),
    plays={
        "unclear": "Say it clearly where people look",
        "no updates": "Tell people where things stand before they have to chase",
        "hard to find": "Put it where people look for it",
        "too many steps": "Cut the steps it takes",
        "price rise": "Say early when the price will change, and what people get for it",
        "billing error": "Put wrong charges right and refund them quickly, without being chased",
        "hidden cost": "Show the full cost before people commit",
        "missing capability": "Let people do it themselves",
        "failure": "Find and fix what fails",
        "performance": "Find what makes it slow, drain or run hot, and fix that first",
        "no human": "Give a quick route to a person",
        "staff attitude": "Coach and back the staff on how they treat people",
        "crowding": "Spread the peak: add capacity where it runs out and show how busy it is",
        "no-show": "Keep the appointments you give, and say early when one has to move",
        "waiting": "Cut the wait and say how long it will be",
        "fulfilment": "Get it right where it is prepared, before it reaches people",
        "intrusive": "Interrupt less, with fewer pop-ups, calls and offers and a way to opt out",
        "waste": "Use less packaging and make it easy to return or recycle",
        "other": "Look into it with the people who raised it",
    },
    scoring_text=RECOMMENDATION_SCORING,
    default_title="{project}: customer journey (draft)",
    dropped_warning="{n} quotes were dropped: grounding could not find them in their sources",
    thin_warning="little evidence (under 3 participants with feeling there) for: {stages}",
    headings_warning="{n} of {total} interviews have guide headings, too few to take the stages "
    "from (half must have them): give the guide's sections with --stages to map into them",
    preset_chosen="preset {label}: chosen by the user",
    preset_fits="preset {label}: nearest for {share:.0%} of {sentences} review sentences (next: "
    "{next})",
    preset_unclear="preset {label}: no preset fits clearly ({best}, {next} of {sentences} review "
    "sentences)",
    preset_share="{label} {share:.0%}",
    preset_hint="the default stages were used; the journey preset {label} fits what participants "
    "talk about: map into it with --preset {id}",
    preset_kept="preset {label}: chosen for the last map and kept (no other journey now fits "
    "the reviews clearly; --preset auto chooses afresh)",
    stages_kept="stages: as chosen for the last map ({stages}); --preset auto chooses afresh",
    split_from="Split from {title!r}.",
    added_by="Added by {who}.",
    a_person="a person",
    an_assistant="an assistant",
    added_finding="Added finding",
)

ZH = Labels(
    code="zh",
    participants=("{n} 位参与者", "{n} 位参与者"),
    quotes=("{n} 条原话", "{n} 条原话"),
    pain_points=("{n} 个痛点", "{n} 个痛点"),
    delights=("{n} 个亮点", "{n} 个亮点"),
    more_pain_points=("另有 {n} 个痛点", "另有 {n} 个痛点"),
    more_delights=("另有 {n} 个亮点", "另有 {n} 个亮点"),
    more_quotes=("另有 {n} 条原话", "另有 {n} 条原话"),
    list_sep="、",
    and_sep="，",
    kv_sep="：",
    of_total="{participants}中的 {n} 位",
    reach="{of_total}（{share:.0%}）",
    none="无",
    nothing_listed="未列出",
    more="另有 {n} 项",
    mentioned_once="{n} 项仅一人提及",
    moment_of_truth="关键时刻",
    severity="严重度",
    severity_badge="严重 {n}",
    severity_of="严重度 {n}/5",
    strength_of="强度 {n}/5",
    facts="优先级 {priority:.2f} · 影响 {impact:.2f} · 投入 {effort}/5",
    defining="{title}：{size} 人中 {n} 人（{share:.0%}；其余的人 {rest:.0%}）",
    no_personas="没有人物画像：参与者太少，或没有 3 人以上、差异超出偶然的群体。"
    "可用 --by 键名（分群属性）按属性分组。",
    stage="阶段",
    feeling="情绪",
    doing="行为",
    touchpoints="触点",
    pain_points_lane="痛点",
    opportunities="机会点",
    delights_lane="亮点",
    needs="需求",
    curve_axis=("情绪", "曲线"),
    no_quotes="无原话",
    no_quotes_here="本阶段没有原话",
    no_quotes_here_sentence="本阶段没有原话。",
    curve_tip="{name}：平均情绪值 {valence}，95% 置信区间 {ci}，n = {n}",
    curve_tip_empty="{name}：无原话",
    moment_of_truth_tip="关键时刻：{titles}",
    n_and_ci="n = {n} · 95% 置信区间 {ci}",
    stand_out="{label} {share:.0%}（全体 {study:.0%}）",
    stand_out_tip="{count} 条原话；z = {z:.1f}",
    stands_out="突出情绪",
    nothing_stands_out="没有格外突出的情绪",
    mostly="；多为{labels}",
    full_stop="。",
    segment_reach="{label}：{n}/{total}",
    rank_tip="全研究按优先级的排名",
    addressed_for="针对：{titles}",
    show_segment="查看细分人群",
    everyone="全部",
    segment_note=(
        "虚线：该人群各阶段的平均情绪值（按参与者计，95% 置信区间）；"
        "卡片显示其人数，未提及的卡片变淡。"
    ),
    page_title="{title} — 客户旅程地图",
    page_intro=(
        "项目 {project} 的客户旅程地图（草稿）· 生成于 {when} UTC · 地图 {id} · 架构 {schema}"
    ),
    report_intro="项目 *{project}* 的客户旅程地图，生成于 {when} UTC（地图 {id}，架构 {schema}）。",
    built_from="数据来源",
    sources="来源",
    sources_count="{count}（{kinds}）",
    participants_label="参与者",
    languages="语言",
    segment="细分",
    generator="生成方式",
    generator_line="{mode}模式，模型 {model}",
    prompts="，提示词 {version}",
    generator_short="{mode} · {model}",
    prompts_short=" · 提示词 {version}",
    stages="阶段",
    quotes_label="原话",
    quotes_line="采用 {used} 条 · 核验剔除 {rejected} 条",
    llm_line="{calls} 次调用 · {cached} 次来自缓存 · {tokens} 个 token",
    llm_report="{calls} 次调用（{cached} 次来自缓存），提示 {prompt} + 生成 {completion} 个 token",
    read_with_care="阅读须知",
    journey_map="旅程地图",
    at_a_glance="概览",
    glance_pains="最突出的痛点（人数 × 严重度）",
    glance_delights="最受认可的亮点",
    legend=(
        "情绪曲线：各阶段按参与者计的平均情绪值（先取每人原话的平均，−2 到 +2；n 为人数），"
        "竖线为 95% 置信区间，带圈的 ★ 为关键时刻。"
        "情绪：该阶段原话中比全体研究更常出现的情绪（本阶段占比 vs 全体占比）。"
        "展开痛点或亮点可读原话；左边色条表示严重度，黄色（1）到深红（5）。"
        "机会点：针对该阶段痛点的改进建议，按优先级排列（#：在全研究中的排名）。"
    ),
    unplaced_legend="不在本地图任何阶段的建议（见改进建议）：{titles}。",
    recommendations="改进建议",
    scoring="评分方法",
    evidence_quotes="证据（{quotes}）",
    recommendation_meta=(
        "优先级 {priority:.2f} · 阶段 {stage} · 影响 {impact:.2f} · 投入 {effort} · "
        "针对 {addresses}"
    ),
    no_recommendations="无。",
    footer=(
        "读取参与者句子 {sentences} 句 · 观察 {observations} 条 · 采用原话 {used} 条 · "
        "核验剔除 {rejected} 条、重新定位 {relocated} 条。"
    ),
    emotion_curve="情绪曲线",
    curve_columns=("阶段", "平均情绪值", "95% 置信区间", "n", "最常见", "突出情绪", "曲线"),
    across_stages="各阶段走势：`{curve}`（越低越负面，`·` 表示该阶段没有原话）。",
    stands_out_note=(
        "*突出情绪：*某阶段原话中比研究其余部分更常出现的情绪（本阶段占比 vs 全体占比；"
        "加权对数几率，z ≥ 1，至少 2 条原话）。"
    ),
    emotion_line="*情绪：*{valence}（n = {n}；{feeling}）",
    most_frequent="最常见：{labels}",
    no_emotion_labels="无情绪标签",
    stands_out_md="；突出：{items}",
    touchpoints_of="触点：{names}",
    touchpoint_line="{name}（{kind}）— {participants}",
    more_in_exports="*……{more}：JSON 和 CSV 导出中列有全部。*",
    once_in_json="*仅一人提及（人数不足以列为要点）：{said}，见 JSON 导出或网页版地图。*",
    what_people_do="用户行为",
    more_in_json="*……另有 {n} 条，见 JSON。*",
    opportunity_line="**{title}** — 优先级第 {rank}/{total} · {facts} · 针对：{addresses}",
    not_placed="*未归入任何阶段（其阶段不在地图中）：*{ids}",
    recommendation_columns=("#", "优先级", "建议", "阶段", "影响", "投入", "针对"),
    evidence="证据",
    evidence_lines=(
        "读取的参与者句子",
        "提取的观察",
        "采用的原话",
        "核验剔除的原话（在来源中找不到原文）",
        "核验后重新定位的原话",
    ),
    warnings="注意事项",
    no_evidence_yet="尚无证据",
    participants_actor="参与者",
    spread_all="{people}，均在「{home}」阶段",
    spread_mostly="{people}，主要在「{home}」阶段",
    also_in="{line}；也见于 {also}",
    also_item="「{name}」（{n}）",
    comments_on="关于{about}的反馈",
    other_comments="其他反馈",
    recommendation_title="{play}：{title}",
    lower_title_start=False,
    rationale=(
        "{people}（占全体的 {share:.0%}）提到「{title}」，属于{kind}类问题，严重度 {severity}/5，"
        "主要在「{stage}」阶段（主题 {id}）。影响 {impact}（严重度 {severity} × 占比 {share}）；"
        "投入 {effort}/5，按{kind}类问题估计。"
    ),
    plays={
        "unclear": "在用户看的地方说清楚",
        "no updates": "主动告知进展，别让用户追着问",
        "hard to find": "放在用户会找的地方",
        "too many steps": "减少步骤，让用户少费力",
        "price rise": "涨价前尽早告知，并说明用户多得到了什么",
        "billing error": "主动纠正错误扣费并尽快退款，不用用户反复追讨",
        "hidden cost": "在用户确认之前展示全部费用",
        "missing capability": "让用户能自己完成",
        "failure": "找到并修复故障",
        "performance": "找出慢、耗电、发热的原因，优先改进",
        "no human": "提供快速转人工的途径",
        "staff attitude": "培训并支持一线员工，改进待人的态度",
        "crowding": "错开高峰：在不够用的地方加容量，并显示现在有多挤",
        "no-show": "守住约好的上门时间，需要改期时尽早告知",
        "waiting": "缩短等待并告知还要多久",
        "fulfilment": "在准备和交付的环节把好关",
        "intrusive": "减少打扰，少弹窗、少推销电话和推送，并让用户可以关闭",
        "waste": "少用包装，并方便用户回收或退还",
        "other": "与反馈的用户一起排查",
    },
    scoring_text=(
        "每个要点痛点（主题）一条建议。影响 = 该主题的严重度（1-5）x 提及的参与者占比；"
        "投入 1-5 按问题类型估计（表述不清 1；进展不透明、难以找到、步骤繁琐、涨价、隐性费用、"
        "缺少功能、过度打扰 2；故障或缺陷、性能、扣费错误、找不到人工、服务态度、爽约未上门、"
        "包装浪费 3；等待、拥挤、履约 4；其他 3）；"
        "优先级 = 影响 / 投入，从高到低。"
    ),
    default_title="{project}：客户旅程地图（草稿）",
    dropped_warning="{n} 条原话被剔除：核验时在来源中找不到原文",
    thin_warning="证据较少（不足 3 位参与者表达了感受）的阶段：{stages}",
    headings_warning="{total} 份访谈中有 {n} 份带访谈提纲标题，不足以据此划分阶段（需要半数）："
    "如需按提纲的各部分划分，请用 --stages 给出",
    preset_chosen="预设「{label}」：由用户选定",
    preset_fits="预设「{label}」：{sentences} 条评价句子中有 {share:.0%} 最接近它（其次：{next}）",
    preset_unclear=(
        "预设「{label}」：没有明显合适的预设（{best}，{next}，共 {sentences} 条评价句子）"
    ),
    preset_share="「{label}」{share:.0%}",
    preset_hint=(
        "使用了默认阶段；预设「{label}」与受访者谈论的内容相符：可用 --preset {id} 按它划分"
    ),
    preset_kept=(
        "预设「{label}」：沿用上一版地图的选择（评价没有明显更合适的旅程；--preset auto 重新选择）"
    ),
    stages_kept="阶段：沿用上一版地图的阶段（{stages}）；--preset auto 重新选择",
    split_from="从「{title}」拆分而来。",
    added_by="由{who}添加。",
    a_person="团队成员",
    an_assistant="AI 助手",
    added_finding="人工添加的发现",
    emotions={
        "angry": "生气",
        "anxious": "焦虑",
        "confused": "困惑",
        "delighted": "惊喜",
        "disappointed": "失望",
        "frustrated": "挫败",
        "hopeful": "期待",
        "neutral": "平静",
        "pleased": "高兴",
        "relieved": "安心",
        "satisfied": "满意",
        "surprised": "意外",
    },
    kinds={
        "unclear": "表述不清",
        "no updates": "进展不透明",
        "hard to find": "难以找到",
        "too many steps": "步骤繁琐",
        "price rise": "涨价",
        "billing error": "扣费错误",
        "hidden cost": "隐性费用",
        "missing capability": "缺少功能",
        "failure": "故障",
        "performance": "性能",
        "no human": "找不到人工",
        "staff attitude": "服务态度",
        "crowding": "拥挤",
        "no-show": "爽约未上门",
        "waiting": "等待",
        "fulfilment": "履约",
        "intrusive": "过度打扰",
        "waste": "包装浪费",
        "other": "其他",
    },
    touchpoint_names={
        "advertising": "广告",
        "cancellation / changes": "取消 / 变更",
        "customer support": "客服",
        "delivery": "配送",
        "delivery courier": "快递员",
        "email": "电子邮件",
        "mobile app": "手机应用",
        "notifications": "通知",
        "packaging": "包装",
        "payment": "支付",
        "phone support": "电话客服",
        "pricing": "价格",
        "promo code": "优惠码",
        "queue": "排队",
        "sign-up / account": "注册 / 账户",
        "social media": "社交媒体",
        "store": "门店",
        "support chat": "在线客服",
        "website": "网站",
        "word of mouth": "口碑",
    },
    channels={
        "ads": "广告",
        "digital": "数字",
        "human": "人工",
        "physical": "实体",
        "app": "应用",
        "chat": "在线聊天",
        "delivery": "配送",
        "email": "邮件",
        "phone": "电话",
        "print": "印刷品",
        "product": "产品",
        "service": "服务",
        "social": "社交",
        "store": "门店",
        "support": "客服",
        "web": "网页",
        "in person": "面对面",
        "mail": "信函",
    },
    touchpoint_types={"digital": "数字", "physical": "实体", "social": "社交", "human": "人工"},
    source_kinds={"interview": "访谈", "review": "评价", "survey": "问卷"},
    stage_origins={
        "given": "用户给定",
        "interview guide headings": "访谈提纲的标题",
        "default taxonomy": "默认旅程阶段",
    },
    modes={"local": "本地", "llm": "大模型"},
    segment_keys={"persona": "人物画像"},
    ideal=ZH_IDEAL,
    summary=ZH_SUMMARY,
    diff=ZH_DIFF,
    compare=ZH_COMPARE,
)

_TABLES: dict[str, Labels] = {"en": EN, "zh": ZH}


def labels_for(language: str) -> Labels:
    """The table of a language (`en`, `zh`, or a regional form like `zh-CN`); English for any
    language it does not have."""
    return _TABLES.get(language.lower().split("-")[0], EN)


def majority_language(languages: Mapping[str, int]) -> Language:
    """The language a study's sources mostly speak, among those the map can speak: Chinese
    when more than half the sources of a known language are Chinese, else English."""
    known = {lang: n for lang, n in languages.items() if lang and lang != "und"}
    chinese = sum(n for lang, n in known.items() if lang.lower().startswith("zh"))
    return "zh" if 2 * chinese > sum(known.values()) else "en"


def choose_language(choice: str | None, languages: Mapping[str, int]) -> Language:
    """The map's language: the one asked for, or with `auto` (or nothing) the sources'
    majority. An InputError for a language the map cannot speak."""
    if choice is None or choice == "auto":
        return majority_language(languages)
    if choice not in LANGUAGES:
        raise InputError(
            f"unknown map language {choice!r}; choose one of: {', '.join(LANGUAGE_CHOICES)}"
        )
    return "zh" if choice == "zh" else "en"
