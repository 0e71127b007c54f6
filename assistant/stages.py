"""Journey stages: from the user, from the interview guide's headings, or a default taxonomy."""

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from journey.errors import InputError
from journey.source import FRAME_SECTION, Source, section_name

DEFAULT_STAGES = (
    (
        "Awareness",
        "first hearing of the brand: ads, social media, friends' recommendations, "
        "word of mouth, search results, reviews",
    ),
    (
        "Consideration",
        "comparing options before buying: prices, plans, the website, reading "
        "reviews, deciding whether it is worth it",
    ),
    (
        "Purchase",
        "signing up and paying: account creation, checkout, payment, promo codes, "
        "placing the first order",
    ),
    (
        "Onboarding",
        "first experience after buying: setup, first delivery, getting started, "
        "learning how it works",
    ),
    (
        "Use",
        "everyday use of the product or service: features, the app, the product itself, "
        "what works and what does not",
    ),
    (
        "Support",
        "getting help when something goes wrong: customer service, chat, hotline, "
        "complaints, refunds, waiting for answers",
    ),
    (
        "Loyalty",
        "staying or leaving: renewal, cancelling, recommending to others, coming back, "
        "overall verdict",
    ),
)
DEFAULT_STAGES_ZH = (
    ("品牌认知", "第一次听说这个品牌, 广告, 社交媒体, 朋友推荐, 口碑, 搜索结果, 网上评价"),
    ("初次互动", "购买前了解和比较, 价格, 套餐, 官网, 看评价, 判断值不值得"),
    ("购买决策", "注册和付款, 创建账户, 结账, 支付, 优惠码, 第一次下单"),
    ("开始使用", "买后的第一次体验, 安装设置, 第一次收货, 上手, 学习怎么用"),
    ("使用体验", "日常使用产品或服务, 功能, 应用, 产品本身, 好用和不好用的地方"),
    ("售后服务", "出问题时寻求帮助, 客服, 在线聊天, 热线, 投诉, 退款, 等待回复"),
    ("忠诚与推荐", "留下还是离开, 续费, 取消, 推荐给别人, 再次购买, 总体评价"),
)
"""The default taxonomy in the method's Chinese vocabulary, stage for stage."""


@dataclass(frozen=True)
class StageSpec:
    """A stage to map into: a name and a description that says what belongs in it."""

    name: str
    description: str
    headings: tuple[str, ...] = ()
    """Normalised section headings of the transcripts that belong to this stage."""
    cues: tuple[str, ...] = ()
    """More phrases that say what belongs in it (a preset's words in its other language),
    used to place sentences, not shown."""


MAX_STAGES = 40
"""Stages a map may be asked to have: a journey has a handful (a request with 200,000 stage
names held a server's map worker for over 13 minutes)."""
MAX_STAGE_CHARS = 500
"""The longest `Name: description` of one stage."""


def parse_stages(values: Sequence[str]) -> list[StageSpec]:
    """`Name` or `Name: description` strings (or one comma-separated string) -> StageSpecs."""
    items: list[str] = []
    for value in values:
        # a Chinese colon and comma too (`--stages "退改签：退票、改签"` kept the whole string
        # as the stage's name)
        value = value.replace("：", ":", 1)
        if ":" not in value:
            value = value.replace("，", ",")
        items.extend(v for v in (value.split(",") if ":" not in value else [value]) if v.strip())
        if len(items) > MAX_STAGES:
            raise InputError(
                f"{len(items)}+ stages given; a map has at most {MAX_STAGES}: give the journey's "
                "main stages (a stage's description can say what it covers)"
            )
    if long := next((i for i in items if len(i) > MAX_STAGE_CHARS), None):
        raise InputError(
            f"stage {long[:40]!r}… is {len(long)} characters; at most {MAX_STAGE_CHARS} "
            "(`Name: description`)"
        )
    specs = []
    for item in items:
        name, _, description = item.partition(":")
        specs.append(StageSpec(name.strip(), description.strip() or name.strip()))
    named = Counter(heading_key(s.name) for s in specs)
    if twice := [s.name for s in specs if named[heading_key(s.name)] > 1]:
        raise InputError(
            f"stage {twice[0]!r} is given twice: each stage needs its own name (a map with two "
            "stages of one name gives two findings one id)"
        )
    return specs


def heading_key(title: str) -> str:
    """Headings compared loosely: lower case, letters and digits only."""
    return re.sub(r"[\W_]+", " ", title.lower()).strip()


def _clean(title: str) -> str:
    """A heading as a stage's name: without its numbering ("1. Finding out" was shown as
    "1. 1. Finding out" in a map that numbers its stages) or closing punctuation."""
    return section_name(title).rstrip(".:：").strip()


def has_guide_headings(source: Source) -> bool:
    """Whether a transcript is divided by an interview guide's sections: two level-1 headings
    at least (a file's one heading is its title, a Word file's "Interview 04")."""
    return sum(sec.level == 1 for sec in source.sections) >= 2


def stages_from_headings(sources: Sequence[Source]) -> list[StageSpec] | None:
    """Stages from the level-1 headings most interview transcripts share, in guide order."""
    interviews = [s for s in sources if s.kind.value == "interview"]
    with_headings = [s for s in interviews if has_guide_headings(s)]
    if not interviews or len(with_headings) < max(1, 0.5 * len(interviews)):
        return None
    seen: Counter[str] = Counter()
    positions: defaultdict[str, list[float]] = defaultdict(list)
    titles: dict[str, str] = {}
    for source in with_headings:
        level1 = [sec for sec in source.sections if sec.level == 1]
        for i, section in enumerate(level1):
            key = heading_key(section.title)
            if key:
                positions[key].append(i / max(1, len(level1) - 1))
                titles.setdefault(key, _clean(section.title))
        seen.update({heading_key(sec.title) for sec in level1} - {""})
    need = 1 if len(with_headings) == 1 else max(2, round(0.3 * len(with_headings)))
    # "Introduction" and "Wrap-up" frame the interview; they are no stage of the journey
    keys = [k for k in seen if seen[k] >= need and not FRAME_SECTION.match(titles[k])]
    if len(keys) < 2:
        return None
    keys.sort(key=lambda k: (sum(positions[k]) / len(positions[k]), k))
    return [StageSpec(titles[k], titles[k], headings=(k,)) for k in keys]


def bilingual_spec(
    name: str, description: str, name_zh: str, description_zh: str, chinese: bool
) -> StageSpec:
    """A stage named in the map's language, the other language's words its cues: a sentence
    finds the same stage whichever language the map is written in."""
    en = (f"{name}: {description}", *description_phrases(description))
    zh = (f"{name_zh}: {description_zh}", *description_phrases(description_zh))
    if chinese:
        return StageSpec(name_zh, description_zh, cues=en)
    return StageSpec(name, description, cues=zh)


def default_stages(chinese: bool = False) -> list[StageSpec]:
    """The default taxonomy: awareness, consideration, purchase, onboarding, use, support,
    loyalty; with `chinese`, named in Chinese (品牌认知 … 售后服务). The other language's words
    are cues either way (a map asked for in Chinese placed quotes differently before)."""
    return [
        bilingual_spec(name, description, zh, zh_description, chinese)
        for (name, description), (zh, zh_description) in zip(
            DEFAULT_STAGES, DEFAULT_STAGES_ZH, strict=True
        )
    ]


def description_phrases(description: str) -> list[str]:
    """The comma-separated phrases of a stage description (each one is embedded)."""
    return [p.strip() for p in description.split(",") if p.strip()]
