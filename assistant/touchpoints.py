"""Touchpoints learnt from the study: the things its participants evaluate (noun phrases after
an article or possessive in English, nouns in Chinese), with a small generic lexicon as prior.

A study of airline tweets talks about the flight, the bags and the gate agent; a study of a
bank about the card and the account; a study of restaurants about the waiter and the dishes.
No fixed list can know them all, so the vocabulary is read from the sentences that praise or
complain: a phrase many participants evaluate is a touchpoint. A learnt phrase that the
generic lexicon knows (`the app`, `customer service`) takes the lexicon's name, channel and
type; a new one gets its type from its meaning (a person, a thing or place, something
digital, something social) and its channel from its words.
"""

import functools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from assistant import cues
from assistant.keyphrases import STOPWORDS
from assistant.sentiment import sentiment
from ingest.embeddings import Embedder, library_vectors
from journey.schema import TouchpointType
from journey.text import HAN_RUN
from journey.zh import tagged_words

Found = tuple[str, str, TouchpointType]
"""(name, channel, type) of a touchpoint."""

MAX_TERMS = 30
"""Learnt touchpoints a study keeps at most (the most evaluated ones)."""

# The words after an article or possessive; a lookahead, so `my bag and the app` yields both.
_DETERMINER = re.compile(
    r"\b(?:the|my|our|your|their|his|her|its|this|that|these|those|a|an|no|any|every|each|"
    r"whole|entire)\s+(?=((?:[a-z][a-z'\-]*\s+){0,2}[a-z][a-z'\-]*))",
    re.IGNORECASE,
)
# Words that describe or count rather than name: a phrase starts after them.
_MODIFIER_TEXT = """
    new old same whole entire first last next only other another best worst most least more
    less extra free full long short big small little huge tiny great good bad nice terrible
    awful horrible poor amazing excellent lovely wonderful fantastic perfect decent fine cheap
    expensive rude friendly helpful unhelpful slow fast quick late early wrong right real whole
    usual normal regular local main entire several few many much such own very really quite
    whole single total overall actual general simple easy hard difficult
"""
# Nouns that are about everything and name no touchpoint.
_GENERIC_TEXT = """
    time times way ways day days hour hours minute minutes week weeks month months year years
    night morning evening afternoon today tonight tomorrow yesterday moment moments life end
    thing things lot lots people person guy guys one ones everything nothing something rest
    point fact world reason reasons problem problems issue issues experience experiences part
    side kind number name job work question questions answer answers idea case word words
    matter deal chance option options situation help stuff bit while place company business
    money amount fault mistake situation update updates process trip home house family kids
    wife husband friend friends mom dad son daughter child children husband girlfriend
    boyfriend god hell heck shit crap fuck thanks thank please sorry quality taste flavor
    flavour speed attitude value size look feel came went took got gave made left told said
    kept put began bought brought sent paid felt knew saw thought found held lost stood
    following additional overall general whole without within upon across around toward
    towards behind beyond despite except since unless whether seem seems right pending stay
    wait visit difference attention law group set bite favourite favorite today's
"""
_MODIFIERS = frozenset(_MODIFIER_TEXT.split())
_GENERIC = frozenset(_GENERIC_TEXT.split())
_ZH_GENERIC_TEXT = """
    时候 时间 东西 事情 问题 感觉 体验 地方 一次 每次 有点 朋友 大家 我们 他们 自己 小时 分钟
    今天 昨天 明天 晚上 早上 中午 下午 上午 周末 一下 老板 人家 味道好 理由 原因 情况 样子
    总体 整体 个人 大众 特色 印象 尝试 口味 口感 味道 速度 态度 质量 感受 心情 总之 总的来说
    结果 建议 正宗 方面 部分 地点 一家 这家 那家 本人 公司
    """
_ZH_GENERIC = frozenset(_ZH_GENERIC_TEXT.split())
_ZH_NOUN = re.compile(r"^(?:n|nz|vn|ng)$")
_HAN = HAN_RUN


def singular(word: str) -> str:
    """A plural English noun's singular, by its ending (bags -> bag, dishes -> dish)."""
    word = word.removesuffix("'s")
    if len(word) <= 3 or word.endswith(("ss", "us", "is", "ics")):  # graphics, analytics
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("shes", "ches", "xes", "sses")):
        return word[:-2]
    if word.endswith("s"):
        return word[:-1]
    return word


_PLACEHOLDER = re.compile(r"^(.)\1+$|xx")
"""Redaction marks (`XXXX` in complaint databases) name nothing."""


def _content(word: str) -> bool:
    return (
        len(word) >= 3
        and word not in STOPWORDS
        and word not in _MODIFIERS
        and not word.endswith(("ed", "ly"))
        and not any(c.isdigit() for c in word)
        and not _PLACEHOLDER.search(word)
    )


@functools.cache
def _evaluative(word: str) -> bool:
    """Words that carry a feeling (fair, favourite, top) praise or blame; they name nothing."""
    return sentiment(word) != 0.0


def mentions(text: str) -> set[str]:
    """The noun phrases a sentence names as things (keys in the singular): in English the
    one or two content words after an article or possessive (`the gate agent` -> `gate
    agent`, `agent`), in Chinese the nouns jieba tags (`服务员`)."""
    found: set[str] = set()
    said = text.replace("\u2019", "'")
    lower = said.lower()
    for match in _DETERMINER.finditer(lower):
        words = match.group(1).split()
        # a name keeps its form: "Windows" is no window, "AirPods" no AirPod
        written = dict(zip(words, said[match.start(1) : match.end(1)].split(), strict=False))
        modifier = None
        while words and (words[0] in _MODIFIERS or words[0].endswith("ly")):
            modifier = words[0]
            words = words[1:]
        run: list[str] = []
        for word in words:
            if not _content(word):
                break
            named = written.get(word, word)
            run.append(word.strip("'-") if named[:1].isupper() else singular(word.strip("'-")))
        if not run:
            continue
        # `the hard drive`, `first class`: a compound whose first word also describes; how
        # often the study says them together decides (see learn_vocabulary)
        if modifier and run[0] not in _GENERIC:
            found.add(f"{modifier} {run[0]}")
        # Of `gate agents yelled` the run is `gate agent yell...`: a verb may end it, so each
        # word and each pair is a candidate, and how the study uses them decides (see
        # `_names_things`).
        for i, word in enumerate(run):
            if word not in _GENERIC and not _evaluative(word):
                found.add(word)
                if i and run[i - 1] not in _GENERIC:  # `credit report`: a modifier may praise
                    found.add(f"{run[i - 1]} {word}")
    for chunk in _HAN.findall(text):
        for word, flag in tagged_words(chunk):
            if (
                _ZH_NOUN.match(flag)
                and len(word) >= 2
                and word not in _ZH_GENERIC
                and not _evaluative(word)
            ):
                found.add(word)
    return found


# Examples of the four touchpoint types: a learnt phrase takes the type of its nearest examples,
# with Chinese examples for each (an EV-charging trial's 油车 and 服务费 were people, the
# nearest Chinese examples all being staff; its 骑手 a thing and 小哥 social).
_TYPE_EXAMPLES: dict[TouchpointType, str] = {
    TouchpointType.human: (
        "staff member, agent, waiter, waitress, nurse, doctor, driver, crew, representative, "
        "manager, receptionist, employee, technician, host, customer service, courier, delivery "
        "driver, rider, 服务员, 工作人员, "
        "医生, 师傅, 客服, 前台, 柜员, 骑手, 快递员, 司机, 护士, 导购, 小哥"
    ),
    TouchpointType.digital: (
        "app, website, online account, email, login, screen, software, system, online form, "
        "notification, password, online banking, e-statement, verification code, face recognition, "
        "fingerprint login, QR code, transaction, bank feed, invoice, online payment, 网站, 应用, "
        "系统, 验证码, 人脸识别, 指纹, 扫码, 支付, 账户, 账单, 页面, 通知, 小程序"
    ),
    TouchpointType.physical: (
        "product, food, dish, room, seat, bag, package, building, counter, device, card, "
        "restaurant, hotel, airport, store, plane, bed, menu, table, battery, ticket, receipt, "
        "letter, contract, cash machine, branch, charger, cable, keyboard, hardware, spare part, "
        "car, 菜, 房间, 餐厅, 座位, 产品, 包裹, 设备, 汽车, 充电桩, 门店, 电池, 包装, 药, 票"
    ),
    TouchpointType.social: (
        "friends, family, social media, word of mouth, influencer, online reviews, 朋友, 小红书, "
        "同事, 邻居, 亲戚, 微信群, 抖音, 口碑"
    ),
}
# Abstract nouns and events, which customers evaluate but do not meet: a learnt phrase
# nearer to these than to any type's examples is no touchpoint.
_NOT_TOUCHPOINTS = (
    "information, situation, reason, problem, request, question, decision, policy, law, right, "
    "process, fact, result, amount, matter, attention, section, record, error, mistake, "
    "weather, idea, experience, quality, taste, inconvenience, explanation, delay, response, "
    "date, week, price, fee, cost, trip, 原因, 情况, 结果, 方面, 信息, 体验, 味道, 价格, 费用, "
    "时间, 回家, 出差"
)


def _types(terms: Sequence[str], embedder: Embedder) -> list[TouchpointType | None]:
    """Each term's type: that of the examples nearest in meaning (mean of the best three);
    None when abstract nouns are nearer still (`information`, `reason`: no touchpoints)."""
    groups: list[tuple[TouchpointType | None, list[str]]] = [
        *((kind, text.split(", ")) for kind, text in _TYPE_EXAMPLES.items()),
        (None, _NOT_TOUCHPOINTS.split(", ")),
    ]
    examples = [e for _, group in groups for e in group]
    owner = np.array([i for i, (_, group) in enumerate(groups) for _ in group])
    similarity = embedder.embed(list(terms)) @ library_vectors(embedder, examples).T
    out = []
    for row in similarity:
        scores = [float(np.sort(row[owner == i])[::-1][:3].mean()) for i in range(len(groups))]
        out.append(groups[int(np.argmax(scores))][0])
    return out


_TOKEN = re.compile(r"[a-z][a-z'\-]*|[^\sa-z]")


def _names_things(texts: Sequence[str], keys: set[str]) -> set[str]:
    """The English keys that the study uses as nouns: most often followed by a function word
    or punctuation (`the flight was`, `my bags.`), not by another content word (`fair credit
    reporting`, `the customer service`: `fair` and `customer` describe)."""
    ends: Counter[str] = Counter()
    seen: Counter[str] = Counter()
    for text in texts:
        tokens = [singular(t) for t in _TOKEN.findall(text.lower().replace("\u2019", "'"))]
        for n in (1, 2):
            for i in range(len(tokens) - n + 1):
                key = " ".join(tokens[i : i + n])
                if key not in keys:
                    continue
                seen[key] += 1
                after = tokens[i + n] if i + n < len(tokens) else "."
                ends[key] += not _content(after) or after in _GENERIC
    return {k for k in keys if seen[k] and ends[k] * 2 >= seen[k]}


@dataclass
class Vocabulary:
    """A study's touchpoints: learnt phrases (with their name, channel and type) over the
    generic lexicon. `find` names the touchpoint a sentence is about."""

    learnt: dict[str, Found] = field(default_factory=dict)
    """Phrase key (singular) -> touchpoint."""

    def __post_init__(self) -> None:
        english = sorted((k for k in self.learnt if k.isascii()), key=lambda k: (-len(k), k))
        chinese = sorted((k for k in self.learnt if not k.isascii()), key=lambda k: (-len(k), k))
        parts = [rf"\b{re.escape(k)}(?:e?s)?\b" for k in english]
        parts += [re.escape(k) for k in chinese]
        self._pattern = re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def find(self, text: str) -> Found | None:
        """The touchpoint a sentence names first: a learnt phrase or a lexicon entry (the
        earlier in the sentence wins, the longer on a tie), else a named UI element."""
        best: tuple[int, int, Found] | None = None
        if self._pattern is not None:
            for match in self._pattern.finditer(text):
                key = singular(match.group(0).lower()) if match.group(0).isascii() else None
                found = self.learnt.get(key or match.group(0)) or self.learnt.get(
                    match.group(0).lower()
                )
                if found is not None:
                    best = (match.start(), -len(match.group(0)), found)
                    break
        for pattern, name, channel, kind in cues.TOUCHPOINTS:
            hit = pattern.search(text)
            if hit and (best is None or (hit.start(), -len(hit.group(0))) < best[:2]):
                best = (hit.start(), -len(hit.group(0)), (name, channel, kind))
        if best is not None:
            return best[2]
        return cues.ui_element(text)


def _lexicon(term: str) -> Found | None:
    """The lexicon's touchpoint for a learnt phrase, when the lexicon knows the phrase or
    the phrase is the head of just one of its names (`code` of `promo code`)."""
    for pattern, name, channel, kind in cues.TOUCHPOINTS:
        match = pattern.search(term)
        if match and len(match.group(0)) * 2 >= len(term):
            return name, channel, kind
    heads = [entry for entry in cues.TOUCHPOINTS if entry[1].split()[-1] == term]
    if len(heads) == 1:
        _, name, channel, kind = heads[0]
        return name, channel, kind
    return None


def learn_vocabulary(
    evaluations: Sequence[tuple[str, str]], embedder: Embedder, participants: int
) -> Vocabulary:
    """The touchpoints of a study from its evaluative sentences, as (participant, text):
    phrases that at least two participants (and 1% of a large study, up to 10) evaluate and
    that the study uses as nouns and that name a person, thing, place, channel or voice (not
    an abstraction), the MAX_TERMS most evaluated. A two-word phrase is kept when it carries
    a third of its head word's mentions, and then stands for the head if it carries half."""
    people: defaultdict[str, set[str]] = defaultdict(set)
    for who, text in evaluations:
        for key in mentions(text):
            people[key].add(who)
    need = max(2, min(10, math.ceil(0.01 * participants)))
    frequent = {k for k, v in people.items() if len(v) >= need}
    english = {k for k in frequent if k.isascii()}
    nouns = _names_things([t for _, t in evaluations], english) | (frequent - english)
    counts = Counter({k: len(people[k]) for k in nouns})
    kept: list[str] = []
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        words = key.split()
        if len(words) == 2 and n * 3 < counts.get(words[1], 0):
            continue  # `gate agent` is a rare kind of `agent` here, not a touchpoint of its own
        if len(words) == 2 and words[0] in _MODIFIERS and n * 3 < 2 * counts.get(words[1], 0):
            continue  # `slow service` describes the service; `hard drive` is nearly every drive
        if len(words) == 1 and any(
            c.split()[1] == key and counts[c] * 2 >= n for c in counts if len(c.split()) == 2
        ):
            continue  # `customer service` speaks for `service`
        kept.append(key)
        if len(kept) == MAX_TERMS:
            break
    learnt: dict[str, Found] = {}
    unknown = []
    for key in kept:
        known = _lexicon(key)
        if known is not None:
            learnt[key] = known
        else:
            unknown.append(key)
    for key, kind in zip(unknown, _types(unknown, embedder) if unknown else [], strict=True):
        if kind is not None:
            learnt[key] = (key, cues.channel_of(key, kind), kind)
    _one_name_across_languages(learnt, counts, embedder)
    return Vocabulary(learnt)


SAME_THING = 0.65
"""A Chinese and an English touchpoint are one when their meanings are this alike (and each is
the other's nearest by a clear margin): 医生 and doctor 0.88, 药房 and pharmacy 0.77, 预约 and
appointment 0.66; 配送员 and courier 0.58 stay apart."""
SAME_THING_MARGIN = 0.1


def _one_name_across_languages(
    learnt: dict[str, Found], counts: Counter[str], embedder: Embedder
) -> None:
    """A study in two languages evaluates one doctor as "doctor" and "医生": each pair of
    learnt phrases that mean the same thing (mutually nearest, SAME_THING apart at least, by
    SAME_THING_MARGIN over the next) is one touchpoint, named in the words more participants
    used."""
    chinese = [k for k in learnt if not k.isascii()]
    english = [k for k in learnt if k.isascii()]
    if not chinese or not english:
        return
    vectors = embedder.embed(chinese + english)
    similar = vectors[: len(chinese)] @ vectors[len(chinese) :].T
    for row, key in enumerate(chinese):
        order = np.argsort(-similar[row])
        col = int(order[0])
        best = float(similar[row, col])
        runner = float(similar[row, order[1]]) if len(order) > 1 else 0.0
        column = similar[:, col]
        if best < SAME_THING or best - runner < SAME_THING_MARGIN or int(np.argmax(column)) != row:
            continue
        other = english[col]
        if counts.get(key, 0) > counts.get(other, 0):
            learnt[other] = learnt[key]
        else:
            learnt[key] = learnt[other]
