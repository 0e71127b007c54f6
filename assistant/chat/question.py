"""Reading a question: its language, its filters (participant, stage, kind, sentiment), its
subject words, and what a short follow-up stands for in its conversation."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.chat.retrieval import CJK_RUN, Filters, tokens
from journey.source import SourceKind
from journey.text import HAN_CHAR
from journey.zh import chinese_words

CJK = HAN_CHAR
_OFF_TOPIC = re.compile(
    r"\b(write|compose|generate|tell me)\b.{0,40}\b(poem|song|story|essay|joke|code|limerick)\b"
    r"|\b(poem|haiku|limerick|joke)\b|\b(capital of|weather\b.{0,12}\b(?:in|today|tomorrow)|"
    r"stock price)\b"
    r"|写.{0,12}(?:诗|歌词|故事|笑话|作文)|讲个笑话",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(r"\bhow many\b|\bhow often\b|\bnumber of\b|多少|几个", re.IGNORECASE)
_PAIN = re.compile(
    r"frustrat|annoy|complain|problem|pain|issue|difficult|\bhard\b|hassle|hate|bad|worst|"
    r"wrong|fail|struggl|confus|unhappy|(?:dis|un)satisf|disappoint|\bfix|improv|weakness|"
    r"不满|问题|麻烦|困难|抱怨|改进|改善|痛点|缺点|槽点|吐槽|不足|短板|差评|投诉|低分|一星|"
    r"\b(?:one|1|two|2)[- ]stars?\b|low (?:rating|score)s?|detractor|贬损者",
    re.IGNORECASE,
)
_JOY = re.compile(
    r"\blike|love|enjoy|delight|happy|best|good|great|positive|highlight|strength|satisf|"
    r"prais|compliment|promoter|满意|喜欢|开心|亮点|优点|惊喜|长处|优势|好评|称赞|表扬|夸|点赞|赞扬|推荐者",
    re.IGNORECASE,
)
"""A question about what pleases: "有什么亮点？" and "有哪些让用户满意或惊喜的地方？" ask for
the study's delights as "大家喜欢什么？" does."""
_PARTICIPANT = re.compile(
    r"(?<![A-Za-z0-9])(?:P|Participant\s*|受访者\s*)(\d{1,4})(?![A-Za-z0-9])", re.IGNORECASE
)
"""P4, Participant 4; also against Chinese text (P4说了什么: \b sees no edge between 4 and 说)."""
_PARTICIPANT_TOKEN = re.compile(r"^p\d{1,4}$")
_FOLLOW_UP = re.compile(
    r"^(?:(?:and|what about|how about|also|same for|then)\b|那么|那|还有|至于)", re.IGNORECASE
)
_BARE_FOLLOW_UP = re.compile(
    r"^(?:any|who said (?:that|this|it)|who were they|why|tell me more|more|anything else|"
    r"(?:and )?(?:the )?(?:positive|negative|good|bad) ones|which (?:of (?:those|these|them)|one)|"
    r"how many (?:\w+ )?(?:said|say|says|mentioned|mention|raised|raise|complained about)"
    r" (?:that|this|it|so|those|these)|is (?:that|this|it) (?:common|widespread|frequent|usual))"
    r"\b|^(?:谁说的|是谁说的|为什么|还有吗|具体说说|其中|这些(?:里|中|当中)|哪个最|哪一个|哪一项|"
    r"多少人(?:这么说|说过|提到))",
    re.IGNORECASE,
)
"""A turn that leans on the one before when it names no subject of its own ("any positive
ones?", "who said that?"); with a subject ("Any complaints about delivery?") it stands alone."""
_WHY_FOLLOW_UP = re.compile(
    r"^(?:and )?why (?:is|are|was|were|does|do|did) (?:it|that|this|they|those|these|it all)\b"
    r"|^(?:那)?(?:为什么|为啥|怎么)(?:会)?(?:这么|那么|这样|那样)",
    re.IGNORECASE,
)
"""A why-question about the last turn's subject ("why is it so slow?", 为什么这么慢？ after a
question on refunds): its own words add to that subject, they do not replace it."""
_MOST = re.compile(
    r"\bmost (?:common|frequent|often|mentioned|widespread|people|serious|severe|important|"
    r"painful|urgent)\b|\bbiggest\b|\bworst\b|\blargest\b"
    r"|最常见|最多|最普遍|最严重|最糟|最大",
    re.IGNORECASE,
)
_WHICH_ONE = re.compile(
    r"^\W*(?:and |so |ok(?:ay)?,? )?which (?:of (?:those|these|them|the \w+) |one )?"
    r"(?:is|was|'s)?\s*(?:the )?(?:worst|biggest|largest|most|main|top|first)\b"
    r"|^\W*(?:那)?(?:其中)?(?:哪个|哪一个|哪一项|哪条)最",
    re.IGNORECASE,
)
_WHO = re.compile(
    r"^\W*(?:and |so )?who (?:exactly )?(?:said|says|mentioned|mentions|raised|raises|"
    r"complained about|talked about|brought up|were they)\b(?: (?:that|this|it|those|these|them|"
    r"so))?\W*$"
    r"|^\W*(?:and |so )?which (?:people|participants|customers|users|reviewers) (?:said|mentioned|"
    r"raised) (?:that|this|it|those|these)\W*$"
    r"|^\W*(?:那)?(?:是)?谁说的|^\W*(?:那)?(?:都)?(?:有)?哪些人(?:提到|说|提)(?:了|过)?\W*$",
    re.IGNORECASE,
)


def asks_most(question: str) -> bool:
    """Whether a question asks which finding is the widest ("which of those is most common?")."""
    return bool(_MOST.search(question))


_RECOMMENDATIONS = re.compile(
    r"\brecommend(?:ation)?s?\b|\b(?:next steps?|action items?|what (?:should|can|could) "
    r"(?:we|i|they|the team) (?:do|change|fix|improve))\b|建议|改进措施|该怎么改|怎么改进|下一步",
    re.IGNORECASE,
)


def asks_recommendations(question: str) -> bool:
    """Whether a question asks what to do ("What are the recommendations?", 有什么建议): the
    answer leads with the map's recommendations, highest priority first."""
    return bool(_RECOMMENDATIONS.search(question))


def asks_which_one(question: str) -> bool:
    """Whether a follow-up asks for the one finding that leads ("which of those is worst?"):
    the answer is that finding alone, not the list again."""
    return bool(_WHICH_ONE.match(question))


def asks_who(question: str) -> bool:
    """Whether a follow-up asks who said it ("who said that?", 哪些人提到了): the answer names
    the participants, not the quotes again."""
    return bool(_WHO.match(question))


_GENERIC_WORDS = """
user customer people person participant reviewer guest visitor client everyone anyone someone
they them think thought say said feel felt like liked love loved hate hated dislike went go
going wrong right good bad better best worst biggest main top most pain point problem issue
complaint complain frustrate frustrated frustrating frustration annoy annoying happy unhappy
overall experience opinion view thing something anything everything really much many often how
way kind sort general mention mentioned talk talked describe tell told about bit lot enough well
work worked happen happened there it's what's don't study interview review feedback
stage touchpoint journey map summarise summarize summary improve improvement reason common
recommend recommendation action next step steps team
lol wat wut pls plz tbh btw idk imo u ur ya yeah hey hi ok okay guys
detractor promoter passive nps score low high give
negative positive suggestion suggest find found confusing confused difficult struggle struggled
enjoy enjoyed delight delighted moment
give gave show quote quotes example examples list share provide please fix fixing first prioritise
star stars rating ratings
prioritize priority priorities should compare compared comparison versus differ difference
one two three four five six seven eight nine ten first top
hard highlight strength weakness praise surprise surprised surprising
patient passenger member buyer consumer shopper tourist traveller traveler student learner
trainee parent subscriber diner respondent interviewee
用户 客户 大家 人们 什么 有什 么看 看法 问题 评价 如何 怎么 怎样 觉得 认为 哪些 有哪 最大 痛点
满意 不满 参与 与者 他们 我们 感觉 有没 没有 的问 的看 对于 关于 方面 体验 整体 触点 旅程 阶段
总结 改进 建议 原因 让客 客户 户最 最不 不满 意的 在 最让 让人 人不 么最 令人 人最 地方
户对 家对 们对 者对 客对
喜欢 最喜欢 不喜欢 讨厌 严重 最严重 参与者 受访者 印象 好评 差评
顾客 乘客 患者 病人 会员 买家 消费者 游客 住客 学员 学生 家长 客人 网友 遇到 碰到 经历
方便 好用 怎么样
亮点 优点 缺点 惊喜 槽点 吐槽 长处 短处 优势 不足 好处 坏处 短板
一个 两个 三个 四个 五个 几个 一些 主要 首先 优先 解决
哪个 哪一个 哪种 哪类 常见 最常见 提到 提及 说过 多少 人数 集中 谁 其中 这些 那些
抱怨 投诉 不同 区别 差别 差异 比较 对比 相比 不一样 一样 相同 更多 更少
different differences differ differs vs between more less
writing write wrote written speaking speak speaks spoke
酒店 宾馆 民宿 饭店 餐厅 餐馆 商家 店家 门店 平台 公司 银行 医院 诊所 驾校 机构 品牌 航空公司
"""
GENERIC = frozenset(_GENERIC_WORDS.split())
"""Words of a question's frame, not of its subject: 'what do users think about X?' is about X;
so are who the users are (patients, 患者: "What frustrates patients most about booking an
appointment?" is about booking one) and what a question asks of X (亮点, highlights, how hard);
so is the business the study is about (大家对酒店最不满意的是什么？ asks for the study's
headlines; in English "the hotel" may well be the subject, as in a study of a booking app) and
how convenient it is (停车方便吗？ is about parking)."""


def topic(text: str) -> list[str]:
    """The question's subject words: its tokens that are not generic question words (nor a
    Chinese character pair straddling two generic ones: 哪些触点 gives no 些触), nor when it is
    asked of ("in their first month": a SaaS trial's broad question was answered by every
    line that says "month")."""
    words = tokens(_WHEN.sub(" ", text))
    framing = {c for t in words if t in GENERIC and CJK_RUN.fullmatch(t) for c in t}
    # a Chinese pair counts only inside a word of the subject (jieba's): 最严重的问题是什么 has
    # no subject, though 重的 and 题是 are pairs no list of framing words holds (and inside an
    # A-not-A question, 贵不贵: what it asks about is its A)
    zh_words = (
        chinese_subject(text) + [m.group() for m in _A_NOT_A.finditer(text)]
        if CJK_RUN.search(text)
        else []
    )
    return [
        t
        for t in words
        if t not in GENERIC
        and t.rstrip("s") not in GENERIC
        # "one-star", "five-star": a compound of frame words frames too
        and not ("-" in t and all(p.rstrip("s") in GENERIC for p in t.split("-")))
        and not (CJK_RUN.fullmatch(t) and set(t) <= framing)
        and not (CJK_RUN.fullmatch(t) and not any(t in w for w in zh_words))
    ]


_WHEN = re.compile(
    r"\b(?:in|during|within|over|after|for) (?:the|their|his|her|my|your|our|its) (?:very )?"
    r"(?:first|initial|early|opening|last|final) (?:few |couple of )?(?:days?|weeks?|months?|"
    r"years?|weeks and months)\b"
    r"|(?:最初|刚开始|头|前)(?:几|一|两|三)?(?:天|周|个月|个星期)(?:里|内)?",
    re.IGNORECASE,
)
"""When a question is asked of, not what about: "in their first month", 头几个月里."""
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")


def as_written(text: str, words: Sequence[str]) -> list[str]:
    """`words` (tokens, plural-folded) as the text writes them ('categories' for 'categorie'):
    what a word's meaning is embedded from."""
    written: dict[str, str] = {}
    for w in _LATIN_WORD.findall(text.lower().replace("’", "'")):
        folded = tokens(w)
        if folded:
            written.setdefault(folded[0], w)
    return [written.get(t, t) for t in words]


_A_NOT_A = re.compile(r"([\u4e00-\u9fff]{1,2})不\1")
_ZH_ASKING = re.compile(r"^(?:多久|多少|多大|多远|多长|怎么样|为什么|是不是|有没有)$|(.+)不\1")
"""Chinese words that ask rather than name: 'how long', 'how much', and A-not-A forms (贵不贵)."""


_ZH_FUNCTION_CHARS = frozenset(
    "在的了吗呢吧啊和与对把被给让是有也都就还又很太最更不没这那哪什么我你他她它们个些一上下中"
    "里去来到说要会能可得地着过看想"
)
"""Single characters that are grammar, not subject: the rest of a run of single characters is
one word jieba's dictionary lacks (约 + 车 in 在约车方面 is 约车, "booking a practice car")."""


def chinese_subject(question: str) -> list[str]:
    """A Chinese question's subject as words (jieba), to be found as written in Chinese
    sources: its words of two or more characters that neither frame nor ask."""
    out: list[str] = []
    for run in CJK_RUN.findall(question):
        pending = ""
        for w in [*chinese_words(run), ""]:
            if len(w) == 1 and w not in _ZH_FUNCTION_CHARS:
                pending += w
                continue
            if len(pending) >= 2:
                out.append(pending)
            pending = ""
            if len(w) >= 2:
                out.append(w)
    return [w for w in out if w not in GENERIC and not _ZH_ASKING.search(w)]


_ZH_VARIANT_PAIRS = ("帐账", "象像", "陆录", "它他", "份分", "惟唯", "采彩")
ZH_VARIANTS = {p[i]: p[1 - i] for p in _ZH_VARIANT_PAIRS for i in (0, 1)}
"""Characters written for one another in the same words (转帐/转账, 好象/好像, 登陆/登录, 其它/其他,
部份/部分, 惟一/唯一, 精采/精彩)."""


def zh_respelled(question: str, written: Callable[[str], bool]) -> str:
    """The question with each variant character (ZH_VARIANTS) as the study writes it: where no
    character pair it forms with its neighbours is `written` but one its variant forms is.
    "转帐慢吗?" had abstained over a study that writes 转账 (a search for 转帐慢 found it)."""
    chars = list(question)
    for i, c in enumerate(question):
        variant = ZH_VARIANTS.get(c)
        if (
            variant is not None
            and not any(map(written, _pairs(question, i, c)))
            and any(map(written, _pairs(question, i, variant)))
        ):
            chars[i] = variant
    return "".join(chars)


def _pairs(text: str, i: int, char: str) -> list[str]:
    """The Chinese character pairs `char` forms at position i of text with its neighbours."""
    before = text[i - 1] if i and CJK.match(text[i - 1]) else ""
    after = text[i + 1] if i + 1 < len(text) and CJK.match(text[i + 1]) else ""
    return [p for p in (before + char, char + after) if len(p) == 2]


@dataclass(frozen=True)
class Lang:
    """The language an answer is written in: the question's."""

    zh: bool

    @classmethod
    def of(cls, question: str) -> "Lang":
        return cls(zh=bool(CJK.search(question)))

    def t(self, en: str, zh: str) -> str:
        return zh if self.zh else en


def _speakers(en: str, zh: str) -> re.Pattern[str]:
    """Who writes a language, as a question names them: "Spanish-speaking users", "Spanish
    speakers", "in Spanish", "Spanish reviews"; 说西班牙语的用户, 西班牙语评论."""
    return re.compile(
        rf"\b(?:{en})(?:[- ]speaking|[- ]speakers?| (?:users?|customers?|reviews?|reviewers?|"
        rf"people|participants?|comments?|feedback|respondents?))\b|\bin (?:{en})\b"
        rf"|(?:说|讲|用)?(?:{zh})(?:的)?(?:用户|评论|评价|顾客|客户|参与者|反馈)",
        re.IGNORECASE,
    )


LANGUAGES = {
    "en": ("English", "英语", "english", "英语|英文"),
    "zh": ("Chinese", "中文", "chinese|mandarin", "中文|汉语|华语"),
    "es": ("Spanish", "西班牙语", "spanish", "西班牙语|西语"),
    "pt": ("Portuguese", "葡萄牙语", "portuguese|brazilian", "葡萄牙语|葡语"),
    "fr": ("French", "法语", "french", "法语"),
    "de": ("German", "德语", "german", "德语"),
    "it": ("Italian", "意大利语", "italian", "意大利语"),
    "ja": ("Japanese", "日语", "japanese", "日语|日文"),
    "ko": ("Korean", "韩语", "korean", "韩语|韩文"),
    "ru": ("Russian", "俄语", "russian", "俄语"),
    "nl": ("Dutch", "荷兰语", "dutch", "荷兰语"),
}
"""A study's languages (the detector's codes): their names in English and Chinese, and the
words a question names their speakers by."""
_SPEAKERS = {code: _speakers(en, zh) for code, (_, _, en, zh) in LANGUAGES.items()}
"""A study's languages as a question may name their speakers (the detector's codes)."""


def _names_value(question: str, value: str) -> bool:
    """Whether a question names a segment value: a Latin one as a word, any case; a Chinese one
    as written."""
    if CJK.search(value):
        return value in question
    # as a word, or its plural ("landlords" names the segment value "landlord")
    plural = "" if value[-1:].lower() == "s" else "(?:e?s)?"
    return (
        # (Latin letters only at its edges: "iOS用户和Android用户" names both)
        re.search(
            rf"(?<![A-Za-z0-9_]){re.escape(value)}{plural}(?![A-Za-z0-9_])", question, re.IGNORECASE
        )
        is not None
    )


_STAGE_CONTEXT = r"(?:during|in|at|through|for|of|before|after)\s+(?:the\s+)?"


def _names_stage(question: str, name: str) -> bool:
    """Whether a question names a stage: a Chinese name as written; a Latin one as a word
    ("users" names no Use stage) and, if a single word that is also an ordinary one ("support
    chatbot", "did anyone use"), where it reads as a stage: capitalised as the map writes it,
    or after "during", "in the", or before "stage"."""
    if CJK.search(name):
        return name in question
    word = re.escape(name.strip())
    if not re.search(rf"(?<![\w-]){word}(?![\w-])", question, re.IGNORECASE):
        return False
    if " " in name.strip() or "-" in name:
        return True
    # as the map writes it (not as a question's first word), or where a stage is meant
    written = name[:1].isupper() and re.search(rf"(?<![\w-]){word}(?![\w-])", question[1:])
    meant = re.search(rf"{_STAGE_CONTEXT}{word}\b|\b{word}\s+(?:stage|phase|step)", question, re.I)
    return bool(written or meant)


def is_off_topic(question: str) -> bool:
    """A request the study cannot serve at all (a poem, the weather, a stock price)."""
    return bool(_OFF_TOPIC.search(question))


_WHY = re.compile(
    r"\bwhy\b|\bwhat (?:makes|made|causes|caused|leads|led|drives|drove)\b|\breasons?\b"
    r"|为什么|为何|什么原因|原因是什么|怎么会",
    re.IGNORECASE,
)


def asks_why(question: str) -> bool:
    """A question after causes ("Why do people contact support?", 为什么用户给差评): its
    quotes should hold the reason, not only the thing."""
    return bool(_WHY.search(question))


def asks_how_many(question: str) -> bool:
    return bool(_HOW_MANY.search(question))


@dataclass(frozen=True)
class Resolved:
    """A turn of a conversation, read against the turns before it."""

    asked: str
    """What the turn stands for (kept in the conversation)."""
    query: str
    """What to search for."""
    filters: Filters
    why: bool = False
    """Whether the turn asks why, though its query (the turn before) may not ("why?")."""


class QuestionReader:
    """Reads questions against one study: its stage names, its people, its redaction."""

    def __init__(
        self,
        stages: Sequence[str],
        people: set[str],
        redact: Callable[[str], str],
        aliases: Mapping[str, Sequence[str]] | None = None,
        segments: Mapping[str, Sequence[str]] | None = None,
        languages: Sequence[str] = (),
    ) -> None:
        self.stages, self.people, self.redact = list(stages), people, redact
        # the languages a question may narrow to: only a study's own, of a study of several
        self.languages = [c for c in languages if c in _SPEAKERS] if len(languages) > 1 else []
        # segment values a question may name ("Android users", 北京的用户): not personas (their
        # names are theme titles) nor bare numbers (wave 1)
        self.segments = [
            (key, value)
            for key, values in (segments or {}).items()
            if key != "persona"
            for value in values
            if 2 <= len(value) <= 30 and not value.isdigit()
        ]
        # a stage as the question may name it: its own name, or a bundled stage's name in the
        # other language ("开始使用" for Onboarding)
        self.names = {s: [s, *(aliases or {}).get(s, [])] for s in self.stages}

    def filters(self, question: str) -> Filters:
        """The filters a question implies: a participant, a stage, a kind, a sentiment."""
        participant = None
        if m := _PARTICIPANT.search(question):
            participant = f"P{int(m.group(1))}"
        stage = next(
            (s for s in self.stages if any(_names_stage(question, n) for n in self.names[s])), None
        )
        lower = question.lower()
        kind = (
            SourceKind.review
            # 评价 is also "to judge" (用户如何评价前台？): only reviews as such
            if re.search(
                r"\breview(?:s|ers?)?\b|(?:评论|评价|点评)(?:里|中|区)|在评论|差评|好评", lower
            )
            else SourceKind.interview
            # "interviewees" too (the count of 14 of 47 participants was asked of 7)
            if re.search(
                r"\binterview(?:s|ees?)?\b|\bpeople (?:we|i) (?:interviewed|spoke (?:to|with))\b"
                r"|访谈|受访者",
                lower,
            )
            else None
        )
        sentiment = (
            "pain" if _PAIN.search(question) else "delight" if _JOY.search(question) else None
        )
        named = [(k, v) for k, v in self.segments if _names_value(question, v)]
        segment = named[0] if len(named) == 1 else None
        by_key: dict[str, list[str]] = {}
        for k, v in named:
            by_key.setdefault(k, []).append(v)
        compared = next(((k, tuple(vs)) for k, vs in by_key.items() if len(vs) >= 2), None)
        language = next((c for c in self.languages if _SPEAKERS[c].search(question)), None)
        return Filters(participant, stage, kind, sentiment, segment, compared, language)

    def subject(self, question: str, f: Filters) -> list[str]:
        """The question's subject words, less the stage and participant it names (filters)."""
        names = self.names.get(f.stage, [f.stage]) if f.stage else []
        named = {t for n in names for t in (*tokens(n), *chinese_words(n))}
        # a person ("what frustrated Maria?") is who, not what: names are the ones redaction
        # hides and the study's speaker labels
        named |= set(tokens(question)) - set(tokens(self.redact(question)))
        named |= self.people
        if f.segment:  # "What do Android users complain about?" is about everything they say
            named |= {*tokens(f.segment[1]), *chinese_words(f.segment[1])}
        for value in f.compared[1] if f.compared else ():  # and so is a comparison of groups
            named |= {*tokens(value), *chinese_words(value)}
        for key in {x[0] for x in (f.segment, f.compared) if x}:  # 商务出行的人 of 出行类型
            named |= {*tokens(key), *chinese_words(key)}
        if f.language:  # and what "Spanish-speaking users" say
            question = _SPEAKERS[f.language].sub(" ", question)
        return [t for t in topic(question) if t not in named and not _PARTICIPANT_TOKEN.match(t)]

    def resolve(
        self, question: str, history: Sequence[tuple[str, str, str]], filters: Filters | None
    ) -> Resolved:
        """What a turn stands for, what to search for and the filters.

        A follow-up ("and during sign-up?") keeps the previous question's sentiment, kind and
        participant but searches for its own subject, so it does not repeat the last answer;
        one with no subject of its own ("and P2?", "and in reviews?") re-asks the previous
        question within its own filters.
        """
        own = filters or self.filters(question)
        if history and (because := _WHY_FOLLOW_UP.match(question.strip())):
            before = history[-1][1]
            rest = question.strip()[because.end() :].strip(" ?？.,，")
            merged = _carried(own, self.filters(before), new_subject=False)
            return Resolved(f"{before} {question}", f"{before} {rest}".strip(), merged, True)
        lead = _FOLLOW_UP.match(question.strip())
        if lead is None and asks_who(question):
            # all of it leans on the last turn: "哪些人提到了？" after "那退款方面呢？" listed the
            # study's top three, not the refund findings' people
            lead = re.match(r".*", question.strip(), re.DOTALL)
        if lead is None and (bare := _BARE_FOLLOW_UP.match(question.strip())):
            rest = question.strip()[bare.end() :]
            if not self.subject(rest, own):
                lead = bare
        if not history or not lead:
            return _resolved(question, question, question, own)
        before = history[-1][1]
        context = self.filters(before)
        focus = re.sub(r"[呢吗吧啊呀]+$", "", question.strip()[lead.end() :].strip(" ?？.,，"))
        subject = bool(self.subject(focus, own)) or (own.stage is not None)
        merged = _carried(own, context, new_subject=subject)
        asked = f"{before} {question}"
        if not subject:
            return _resolved(question, asked, before, merged)
        # the last question's frame with the new subject: "what frustrates people about
        # delivery?" + "and during sign-up?" searches "what frustrates people about during
        # sign-up" (a bare "during sign-up" is too little to search by meaning)
        frame = before
        for word in set(self.subject(before, context)):
            if word.isascii():
                frame = re.sub(rf"\b{re.escape(word)}\w*", " ", frame, flags=re.IGNORECASE)
        # a Chinese question's subject words too ("用户对配送有什么不满？" + "那售后服务呢？"
        # searched 配送 again)
        for word in chinese_subject(before):
            frame = frame.replace(word, " ")
        # and the last stage, when the turn names its own ("what about sign-up?" after "and in
        # support?" searched "… in support sign-up" and answered about Support)
        if context.stage and merged.stage != context.stage:
            for name in self.names.get(context.stage, [context.stage]):
                frame = re.sub(
                    rf"(?:\b(?:in|during|at|for|through)\s+(?:the\s+)?)?{re.escape(name)}",
                    " ",
                    frame,
                    flags=re.IGNORECASE,
                )
        frame = " ".join(frame.split()).rstrip(" ?？.")
        return _resolved(question, asked, f"{frame} {focus}", merged)


def _resolved(question: str, asked: str, query: str, filters: Filters) -> Resolved:
    """A turn as resolved; it asks why when its own words or what it searches for do."""
    return Resolved(asked, query, filters, asks_why(question) or asks_why(query))


def _carried(own: Filters, context: Filters, new_subject: bool) -> Filters:
    """A follow-up's filters: its own, else the last question's; a follow-up with a subject
    of its own leaves the last stage behind, and one naming a segment the last comparison."""
    return Filters(
        participant=own.participant or context.participant,
        stage=own.stage or (None if new_subject else context.stage),
        kind=own.kind or context.kind,
        sentiment=own.sentiment or context.sentiment,
        segment=own.segment or context.segment,
        compared=own.compared or (None if own.segment else context.compared),
        language=own.language or context.language,
    )
