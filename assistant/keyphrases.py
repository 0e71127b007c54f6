"""Short readable names for clusters of quotes: distinctive 1-3 word phrases (c-TF-IDF), and
titles made of the theme's most representative short clause.

Chinese is segmented into words by jieba (`journey.zh`, the one module that loads it).
"""

import html
import math
import re
from collections import Counter
from collections.abc import Sequence

from assistant.cues import NO_PROBLEM, RELIEF, kinds_named, problem_kinds
from journey.text import HAN, HAN_RUN, TRANSCRIPT_NOTE
from journey.zh import chinese_words

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each few for from further get got had hadn't
    has hasn't have haven't having he her here hers herself him himself his how i i'd i'll
    i'm i've if in into is isn't it it's its itself just let let's like me more most much
    must mustn't my myself no nor not now of off on once only or other ought our ours
    ourselves out over own really same say said she should shouldn't so some such than
    that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've thing things think this those though through to too under
    until up us very was wasn't way we we'd we'll we're we've were weren't what what's
    when where which while who whom why will with won't would wouldn't yeah yes you you'd
    you'll you're you've your yours yourself okay ok oh um uh well guess maybe actually
    kind sort bit lot lots going go gonna want know mean see look one two also still even
    something anything everything everyone someone people thing stuff right sure probably
    quite pretty little big good great bad first last time times back again already always
    never ever bit bits etc via per able thought thinking put make made use used using
    would've could've should've might've must've it'll that'll that'd it'd there'd who's
    he's she's here's how's where's
"""
# Feelings and intensifiers say how, not what: they make poor names for a cluster.
_FEELING_TEXT = """
    furious annoyed annoying frustrated frustrating angry happy love loved loving hate hated
    honestly genuinely literally basically totally completely absolutely felt feel feels
    feeling every second wanted tell told couldn't wasn't didn't doesn't isn't can't won't
    nice lovely great awesome amazing terrible awful horrible worst best fine okay easy hard
    difficult confusing confused clear unclear sure unsure bit lot lots sorry thanks thank
    glad annoyingly slightly quite somewhat especially usually sometimes often honest
"""
# Adverbs of manner, degree and time say how or when, not what about ("I almost gave up.").
_ADVERB_TEXT = """
    almost nearly finally eventually immediately instantly simply definitely certainly
    obviously apparently seriously properly exactly anyway anyways instead yet ago soon later
    earlier today yesterday tomorrow tonight recently suddenly constantly repeatedly
    currently generally normally typically mostly barely hardly merely
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_STOPWORDS = STOPWORDS | frozenset(_FEELING_TEXT.split()) | frozenset(_ADVERB_TEXT.split())
_VERBS = frozenset(
    [
        "gave",
        "came",
        "went",
        "took",
        "made",
        "got",
        "says",
        "said",
        "told",
        "asked",
        "felt",
        "kept",
        "left",
    ]
)
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
_CJK_RUN = HAN_RUN
_CJK_STOP = set("的了是我在有就不也都很吗吧呢啊们你他她它这那个一上下和与及或就还要会能说")
_CJK_STOPWORD_TEXT = """
    我们 你们 他们 她们 自己 这个 那个 这些 那些 什么 怎么 为什么 因为 所以 但是 可是 不过
    然后 而且 其实 真的 就是 还是 已经 一直 一下 一点 有点 非常 特别 比较 可能 应该 觉得 感觉
    时候 现在 当时 后来 之后 以后 之前 一次 每次 这样 那样 还有 没有 不是 一个 什么样 知道
    生气 开心 高兴 失望 担心 满意 喜欢 讨厌 着急 焦虑 无语 郁闷 难受 惊喜 感动 放心 不错
    好不容易 有时候 有时 本来 原来 总是 老是 经常 根本 简直 确实 基本 基本上 差不多 一般
"""
_CJK_STOPWORDS = frozenset(_CJK_STOPWORD_TEXT.split())

_HANDLE = re.compile(rf"(?<!\w)[@#]\w+|https?://\S+|\[[A-Z]+\]|{TRANSCRIPT_NOTE.pattern}")
"""Handles, links, placeholders ([NAME]) and a transcript's notes ([pause], [long pause, about
15 seconds], [laughs]): none names what a quote is about."""


def _terms(text: str) -> set[str]:
    lower = _HANDLE.sub(" ", text).lower().replace("’", "'")
    words = _WORD.findall(lower)
    terms = set()
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] in _STOPWORDS or gram[-1] in _STOPWORDS or len(gram[-1]) < 3:
                continue
            # Lone verbs in the past tense ("gave", "included") name nothing.
            if n == 1 and (len(gram[0]) < 4 or gram[0].endswith("ed") or gram[0] in _VERBS):
                continue
            terms.add(" ".join(gram))
    for run in _CJK_RUN.findall(text):
        words = chinese_words(run)
        for n in (1, 2):
            for i in range(len(words) - n + 1):
                gram = words[i : i + n]
                if _cjk_content(gram[0]) and _cjk_content(gram[-1]):
                    terms.add("".join(gram))
    return terms


_CJK_WHEN = re.compile(
    r"^(?:[零一二两三四五六七八九十百千万半几多]+[点个次回天周年月号日分秒钟小时块元岁位]*[半多]?"
    r"|上午|下午|晚上|早上|中午|凌晨|半夜|今天|昨天|明天|周末|当天|上个月|这个月|下个月|最近)$"
)
"""Counts and times of day (两点, 四十, 下午): like "five times", they name nothing."""


def _cjk_content(word: str) -> bool:
    return (
        len(word) >= 2
        and word not in _CJK_STOPWORDS
        and not (set(word) <= _CJK_STOP)
        and not _CJK_WHEN.match(word)
    )


def names_something(text: str) -> bool:
    """Whether a sentence has a word that could name what it is about, not only how it felt
    ("I was annoyed.", "Honestly, a bit annoyed." name nothing)."""
    return bool(_terms(text))


def cluster_keyphrases(clusters: Sequence[Sequence[str]], top: int = 3) -> list[list[str]]:
    """For each cluster of texts, its most distinctive phrases, best first."""
    doc_terms = [[_terms(t) for t in texts] for texts in clusters]
    cluster_df: Counter[str] = Counter()
    for docs in doc_terms:
        cluster_df.update(set().union(*docs) if docs else set())
    n_clusters = len(clusters)
    out = []
    for docs in doc_terms:
        tf: Counter[str] = Counter()
        for terms in docs:
            tf.update(terms)
        min_tf = 2 if len(docs) >= 3 else 1
        scored = []
        for term, count in tf.items():
            # Chinese n-grams cross word boundaries: trust only those that recur.
            if count < min_tf or (not term.isascii() and count < 2):
                continue
            length = len(term.split()) if term.isascii() else len(term) - 1
            idf = math.log(1 + n_clusters / cluster_df[term])
            scored.append((count / len(docs) * idf * (1 + 0.5 * (length - 1)), term))
        scored.sort(key=lambda x: (-x[0], x[1]))
        chosen: list[str] = []
        for _, term in scored:
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == top:
                break
        out.append(chosen)
    return out


# Titles: the theme's most representative short clause, in its own words.
_CLAUSE_BREAK = re.compile(
    r"[,;:!?.()\u2014\u2013]+\s*|\s+-\s+|\s+(?=(?:but|because|so|although|though|"
    r"while|whereas|until|unless|and then|which)\b)",
    re.IGNORECASE,
)
_URL = re.compile(r"https?://\S+|www\.\S+")
_EDGE_HANDLES = re.compile(r"^(?:\s*[@#]\w+)+|(?:\s*(?:[@#]\w+|https?://\S+))+\s*$")
"""Addressees and tags at a clause's edges (`@airline my bag is lost #fail`): not its words."""
_AND = re.compile(r"\s+(?:and|or)\s+", re.IGNORECASE)
_CJK_CLAUSE_BREAK = re.compile(
    # not at quotation marks: 要“表示表示” and “跳过一周”这个功能特别难找 are one clause each
    r"[\uff0c\u3002\uff01\uff1f\uff1b\uff1a\u3001,.!?;:()\uff08\uff09\n\u2026]+"
)
_LEAD = re.compile(
    r"^(?:(?:and|but|or|so|because|although|though|while|which|then|yeah|yep|yes|no(?=\s*[,.!?;:\u2014-])|well|oh|ooh|"
    r"okay|ok|um|uh|erm|hmm|honestly|actually|basically|like|just|also|really|genuinely|"
    r"literally|anyway|plus|mind you|again|to be (?:honest|fair)|i mean|i think|i guess|i feel|"
    r"i felt|i'd say|if i'm (?:being )?honest|if (?:i'm|i am) being fair|i'm|i am|i was|"
    r"we were|we're|i'll|i've|i'd|we've|we'll|we'd|you'll|you'd|i|we|you know|"
    r"the only thing (?:was|is)|"
    r"the thing is|of course|at least|now|even|it's|it is|it was|that's|that was|there's|"
    r"there was|there were|this is|this was|the|about|not exactly|exactly)(?![\w'])[\s,]*)+",
    re.IGNORECASE,
)
_TRAIL = re.compile(
    r"(?:[\s,]+(?:at all|to be (?:honest|fair)|honestly|actually|anyway|mind you|though|really|"
    r"either|too|as well|again|or something|and stuff|apparently|basically|and|or|so|but|"
    r"just|very|like))+$",
    re.IGNORECASE,
)
_DANGLING = re.compile(
    r"\b(?:a|an|the|to|of|with|for|my|our|your|their|his|her|its|that|in|on|at|is|was|were|"
    r"from|by|about|i|we|they|he|she|if|when|than|as|into|onto|be|been|are|am|had|have|has)$",
    re.IGNORECASE,
)
_HEADLESS = re.compile(
    # and what someone or something said, without who ("Says there's no connection": a
    # broadband trial's title for its dropping line, cut after "and")
    r"^(?:says|said|saying|"
    r"for|with|about|of|to|in|on|at|from|by|per|once|twice|than|as|into|onto|if|when|after|"
    r"before|since|whether|until|till|unless|nor|except|not(?! having to| needing to)|"
    r"(?:does|is|was|has|are|were)"
    r"(?:n't| not))(?![\w'])"
    # a verdict cut from its subject by "which" ("..., which is brilliant, actually" -> "Is
    # brilliant", an invoicing trial's accountant delight)
    r"|(?:is|are|was|were)\s+(?:(?:so|really|very|actually|just|quite|pretty|absolutely|super)\s+)?"
    r"[\w'-]+(?:,? actually)?[.!]*$",
    re.IGNORECASE,
)
"""A clause that opens with a preposition or a subordinator has lost its head ("once for the
late delivery", "about the missing limes"): it names no problem on its own. So has an answer
that opens with "not" ("Not hidden under the menu pictures": out of its question it says the
opposite) and a third person's denial without its subject ("Doesn't charge change fees"),
but not a burden spared ("Not having to plan meals")."""
_ASKS = re.compile(
    r"^(?:why|how|what|where|who|which|when|(?:is|are|was|were|do|does|did|can|could|should|"
    r"would|will|have|has)\s+(?:i|you|u|we|they|it|this|that|there|he|she|anyone|anybody))"
    r"(?![\w'])"
    r"|[吗么]$|^(?:为什么|为啥|怎么|难道|是不是|有没有)",
    re.IGNORECASE,
)
"""A question ("How does that happen", "Is this feature hidden on purpose", 为什么不能退): it
asks, it does not say what went wrong; a title only when no clause says it."""
_TRAILS_OFF = re.compile(r"\s*(?:\.\.\.|…)[\s\"'”’)]*$")
"""A quote that trails off ("So I don't know if events ...", "And temporal units ..."): in a
think-aloud, what the participant reads off the screen or leaves unfinished."""
_TEXT_SPEAK = re.compile(
    r"(?<![\w'])(?:u|ur|r|pls|plz|thx|thanx|cuz|b4|ya|yall|im|dont|cant)(?![\w'])", re.I
)
"""Text-speak ("U hate delays"): a title reads better in the words someone else wrote out."""


def trails_off(quote: str) -> bool:
    """Whether a quote is a sentence left unfinished ("And temporal units ...")."""
    return _TRAILS_OFF.search(quote) is not None


def _unfinished(clause: str, quote: str) -> bool:
    """Whether `clause` ends a quote that trails off: a sentence left unfinished."""
    if not trails_off(quote):
        return False
    said = _TRAILS_OFF.sub("", quote).rstrip(" ,;:").casefold()
    return said.endswith(clause.rstrip(" .!?").casefold())


_PRONOUN_SUBJECT = re.compile(
    r"^(?:they|they're|they've|they'd|it|its|he|he's|she|she's|them|those|these)(?![\w'])"
    # not 她也抢不到 "she couldn't get one either" (an online-clinic trial's title)
    r"|^(?:它们?|他们?|她们?)",
    re.IGNORECASE,
)
"""A clause whose subject is a pronoun says what happened but not to what: out of its quote a
title needs its noun ("They're gone within five minutes" -> "All the slots are gone")."""
_SPOKEN_LIKE = re.compile(
    r",?\s+like,?(?=\s+(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"(?:thir|four|fif|six|seven|eigh|nine)teen|(?:twen|thir|for|fif|six|seven|eigh|nine)ty)\b)"
    r"|,\s+like,",
    re.IGNORECASE,
)
""""like" as a spoken filler inside a clause ("still got like six of them")."""
_ARTICLE = frozenset(["a", "an", "the", "to", "of", "so", "very", "really", "too"])
_ZH_LEAD = re.compile(
    # reported speech opens with who said it (说"线上暂不支持医保结算": the title is what was said)
    r"^(?:但是|可是|不过|然后|所以|而且|其实是|其实|真的|就是|还是|结果|那天|后来|我们|因为|反正|"
    # "or else it's", "then it's another" (要不就是机器人让我说出问题, 那又是另一个问题)
    r"要不然就是|要不就是|要么就是|要不然|要么|那又是|那就是|"
    # "in the end", "as a result": how the story ran on, not what went wrong (最后自己挂了)
    r"最后|最终|结果就|到最后|"
    # counting off points: "the first is", "then there's" (第一个是收费)
    r"第[一二三四五六七八九十]个?(?:就是|是)?|首先是|首先|其次是|其次|再就是|还有就是|另外就是|另外|"
    # "one (thing) is", "the other is" (一个是扫码启动经常失败: an EV-charging trial's title)
    r"(?:还有|另外|另)?一个(?:就)?是|"
    r"主要是|主要|说实话|老实说|我觉得|我感觉|感觉|觉得|"
    r"说实话|说真的|说白了|(?:他|她|医生|客服|护士|人家|对方|工作人员)?说(?![明服法话不起])(?:是)?|"
    r"我|也|就|还|都|又|但|而|啊|嗯|哦|"
    # "that, um": a filler, not a pointer (有那个限额, 那个验证码死活收不到)
    r"有那个|那个|这个)+"
)
_ZH_QUOTE_MARKS = re.compile('["\u201c\u201d\u300c\u300d\u300e\u300f]')


def _zh_quotes_closed(clause: str) -> str:
    """A clause's quotation marks, if each opened one is closed (教练暗示要“表示表示”);
    else none: a hospital trial's title was 说"线上暂不支持医保结算 with its mark left open."""
    opened = clause.count("\u201c") + clause.count("\u300c") + clause.count("\u300e")
    closed = clause.count("\u201d") + clause.count("\u300d") + clause.count("\u300f")
    if opened == closed and clause.count('"') % 2 == 0:
        if (
            opened == 1
            and clause[:1] in "\u201c\u300c\u300e"
            and clause[-1:] in "\u201d\u300d\u300f"
        ):
            return clause[1:-1]  # all of it what someone said: the words, without the marks
        return clause
    return _ZH_QUOTE_MARKS.sub("", clause)


_ZH_TRAIL = re.compile(r"(?<![不得干多谁])(?:了|的|啊|吧|呢|吗|呀|嘛|啦)+$")
"""Particles that end a clause; not the 了 of 用不了 / 受不了 ("cannot use", "can't stand") or
of 好多了 ("much better", not 好多 "many"), nor the 嘛 of 干嘛, the 的 of 听谁的, nor the 的 of a
是…的 statement (根本不是真的 is not 根本不是真); a hospital trial's titles read 那你做这个功能干,
到底听谁 and 比去医院挤要好多."""
_ZH_DANGLING = re.compile(
    r"(?:要|把|被|给|让|和|跟|对|在|从|向|往|说|就|都|也|还|是|很|太|的时候|时候|之前|之后|以后|的话|"
    r"的那个|那个|这个)$"
    r"|^(?:和|跟|与|及|于是|只要|如果|要是|假如|等到|对于|关于|比如|除了|为了|的|地|得|了|着|过)"
)
"""A clause that ends on a verb or preposition still waiting for its object was cut short
("暗示我们逢年过节要", 要对着屏幕摇头点头的那个), and one that is only when or if something
happened (结账的时候) or opens on a conjunction, a preposition or a particle (和里面的点菜区,
只要你能看到, 的记不住) has lost its head: it names nothing on its own."""
_UNSAFE = re.compile(
    r"\d|\[[A-Z_ ]+\]|[@#]\w|https?://|www\.|participant \w+|(?-i:\bX{2,}\b)", re.IGNORECASE
)
"""Digits, placeholders and masks (ours, and a data set's own: XX/XX/XXXX) are never a title."""
PROBLEM = re.compile(
    r"\b(?:not|no|never|nobody|nothing|none|without|missing|missed|late|slow\w*|crash\w*|"
    r"broke\w*|wrong|charged|extra|hidden|hid|confus\w*|loop\w*|invalid|error\w*|fail\w*|"
    r"stuck|lost|gone|gave up|waste\w*|too|ages|forever|expensive|hard|impossible|"
    r"cannot|\w+n't|wait\w*|unclear|annoy\w*|useless|fees?|surcharge|on top|rude|curt|"
    r"dismissive|condescending|patroni[sz]ing|unfriendly|unhelpful|impatient|worst|terrible|"
    r"awful|horrible|poor\w*|bad\w*|fraud\w*|inaccura\w*|incorrect\w*|scam\w*|broken|"
    r"dirty|noisy|ridiculous|unacceptable|disappoint\w*|overcharg\w*|delay\w*|cancel\w*)\b"
    r"|不|没|找不到|慢|晚|少了|缺|错|崩溃|闪退|贵|浪费|化了|等了|太|差|脏|吵|难吃|失望"
    r"|(?<![信银打刷房会])卡(?![片号券包])|缓冲|转圈|加载|打不开|看不清|糊",
    re.IGNORECASE,
)
_MADE_UP_WORDS = r"apologi[sz]\w*|at least|luckily|thankfully|fortunately"
"""What made up for a problem: "Box was late but the courier apologised", "so at least we got
it"."""
PRAISE = re.compile(
    r"\b(?:easy|easier|fast|quick\w*|tasty|delicious|great|lovely|nice|helpful|kind|good|"
    r"love\w*|simple|clear|cheap\w*|fresh|friendly|polite|worked|works|saved|fine|brilliant|"
    r"perfect|impressed|relief|fair|excellent|amazing|awesome|fantastic|wonderful|best|"
    rf"comfortable|clean|quiet|convenient|reliable|smooth\w*|intuitive|generous|{_MADE_UP_WORDS})\b"
    r"|好|快|方便|新鲜|礼貌|便宜|清楚|划算|满意|喜欢|好吃|安静|干净|热情|便利|推荐|实惠|值"
    r"|厉害|有条理|实用|上手|顺利",
    re.IGNORECASE,
)
_MADE_UP = re.compile(rf"\b(?:{_MADE_UP_WORDS})\b|道歉|还好|好在|幸好", re.IGNORECASE)
"""What made up for a problem ("Apologised for being late", 一直跟我道歉): no title of the
problem, even when it names it."""
TITLE_WORDS = (2, 9)
"""Words a title may have (Chinese: twice as many characters as English words)."""
BARE_NAME = 0.3
"""How much a short English clause (three words or fewer) that says nothing good or bad of
what it names weighs as a title: the sample's price theme was "Three meals" and then "Under the
button" (titles saying their theme 20 -> 21 of 30 at 0.3; none moved at 0.5)."""


_EN_FUNCTION_TEXT = """
the and was were is are of to in it not but my we our they this that with for at on have had
has i you he she their there very so too would could
"""
_EN_FUNCTION = frozenset(_EN_FUNCTION_TEXT.split())
_OTHER_FUNCTION_TEXT = """
el la los las que y es muy por con una del nos pero fue estaba está habitación
uma não com foi muito
les et est une très avec pour dans était
der das und ist nicht ein eine zu mit sehr auch wir
che è sono molto gli
"""
_OTHER_FUNCTION = frozenset(_OTHER_FUNCTION_TEXT.split())
"""Spanish, Portuguese, French, German and Italian function words no English sentence uses."""


def _foreign(text: str) -> bool:
    """Whether a Latin-script text reads as another language than English (more of its
    function words are Spanish, French, German... than English)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    other = sum(w in _OTHER_FUNCTION for w in words)
    return other > 0 and other > sum(w in _EN_FUNCTION for w in words)


def is_chinese(text: str) -> bool:
    """Whether a text is mostly Chinese (more Han characters than Latin letters)."""
    han = len(_CJK_RUN.findall(text) and "".join(_CJK_RUN.findall(text)))
    return han > sum(c.isascii() and c.isalpha() for c in text)


_EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\ufe0f\u200d]+")


def _clauses(quote: str) -> list[str]:
    """A quote's short clauses, trimmed of fillers, that could name a theme."""
    text = _URL.sub(". ", html.unescape(quote).replace("\u2019", "'"))  # a link ends a clause
    text = _SPOKEN_LIKE.sub("", _EMOJI.sub("", text))  # 太超值了😍: the title has no emoji
    if is_chinese(text):
        parts = _CJK_CLAUSE_BREAK.split(text)
        out = []
        for part in parts:
            part = _ZH_LEAD.sub("", part.strip())
            trail = _ZH_TRAIL.search(part)
            if trail and "的" in trail.group() and "是" in part[: trail.start()]:
                part = part[: trail.start()] + "的"  # 是…的 keeps its 的
            else:
                part = _ZH_TRAIL.sub("", part)
            if _ZH_DANGLING.search(part):
                continue
            part = re.sub(rf"(?<=[{HAN}])\s+|\s+(?=[{HAN}])", "", part)
            part = _zh_quotes_closed(part)
            if 4 <= len(part) <= 2 * TITLE_WORDS[1] and not _UNSAFE.search(part):
                out.append(part)
        return out
    out = []
    for part in _CLAUSE_BREAK.split(text):
        for piece in [part, *_AND.split(part)] if _AND.search(part) else [part]:
            clause = _EDGE_HANDLES.sub("", piece).strip(" '-*_")
            for _ in range(3):  # fillers can stack: "and, honestly, I ..."
                clause = _TRAIL.sub("", _LEAD.sub("", clause)).strip(" '-*_")
            clause = _balance_quotes(clause)
            words = clause.split()
            if (
                TITLE_WORDS[0] <= len([w for w in words if w.lower() not in _ARTICLE])
                and len(words) <= TITLE_WORDS[1]
                and not _UNSAFE.search(clause)
                and not _DANGLING.search(clause)
                and not _HEADLESS.match(clause)
                and not _ONLY_QUOTED.fullmatch(clause)
            ):
                out.append(clause)
    return list(dict.fromkeys(out))


_NUMBER_TEXT = """
    zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand million half dozen couple times"""
_NUMBER_WORDS = frozenset(_NUMBER_TEXT.split())


_ONLY_QUOTED = re.compile(r'["\u201c\u300c][^"\u201c\u201d\u300c\u300d]*["\u201d\u300d][.,!?]*')
"""A clause that is all quotation (a button's label, what a bot said) names no problem."""


def _balance_quotes(clause: str) -> str:
    """Close a quotation a clause break cut off (`were "missing item` -> `were "missing item"`)."""
    clause = re.sub(r'^["\u201d]\s+', "", clause)  # the closing quote of the sentence before
    if clause.count('"') % 2:
        clause += '"'
    return clause + "\u201d" * max(0, clause.count("\u201c") - clause.count("\u201d"))


def _clause_terms(clause: str) -> set[str]:
    """A clause's content terms (1-2 words; counts like "five times" name nothing)."""
    return {
        t for t in _terms(clause) if len(t.split()) <= 2 and not set(t.split()) <= _NUMBER_WORDS
    }


def _stem(word: str) -> str:
    """A word's crude English stem, so "cancel", "cancelled" and "cancelling" (or "crash" and
    "crashed", "code" and "codes") count as one word of a theme when its title is chosen. A
    key, never shown: a final "e" goes and a final "ll" is one "l" ("call" and "called" are
    "cal"). Other scripts as they are."""
    if not word.isascii() or len(word) < 4:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif re.search(r"(?:ch|sh|x|ss|z)es$", word):
        word = word[:-2]
    else:
        for suffix in ("ing", "ed", "s"):
            if word.endswith(suffix) and not word.endswith("ss") and len(word) - len(suffix) >= 3:
                word = word[: -len(suffix)]
                if suffix != "s" and word[-1] == word[-2] and word[-1] not in "aeiousl":
                    word = word[:-1]  # skipped -> skip
                break
    if word.endswith("ll"):
        word = word[:-1]
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def _stemmed(terms: set[str]) -> set[str]:
    return {" ".join(_stem(w) for w in t.split()) for t in terms}


_VAGUE_TEXT = """
    problem problems issue issues thing things stuff part bit lot way honestly really people
    everyone something anything everything 问题 情况 事情
"""
_VAGUE_TERMS = frozenset(_VAGUE_TEXT.split())
_UNTITLED = frozenset(
    _stemmed(
        {"problem", "problems", "issue", "issues", "thing", "things", "another", "问题", "情况"}
    )
)
"""Words no title is chosen by, in any form: a theme is not about "problems" (a banking
study's three unrelated lines sharing 问题 were titled 另一个问题)."""


def _titling(terms: set[str]) -> set[str]:
    """Stemmed terms less those with a word of _UNTITLED ("another problem", "problem")."""
    return {t for t in terms if not set(t.split()) & _UNTITLED}


_ID_WORDS = frozenset(
    [
        "reference",
        "references",
        "ref",
        "birth",
        "date",
        "dates",
        "dob",
        "number",
        "numbers",
        "insurance",
        "passport",
        "postcode",
        "nino",
    ]
)
"""Words of identifiers read out: quotes that share only them ("my reference number", "her
date of birth") say the same form-filling, not the same thing (a benefits trial's 6-person
"Her date of birth" delight)."""


_EVENT = re.compile(r"\b[a-z]{3,}ed\b")


def _events(text: str) -> set[str]:
    """What happened, in one word ("cancelled", "moved", "charged"): no title by itself, but
    quotes that share it say the same thing ("the first one was cancelled", "it got moved a
    second time", "he didn't turn up and they said it had been moved")."""
    lower = _HANDLE.sub(" ", text).lower()
    return {w for w in _EVENT.findall(lower) if w not in _STOPWORDS and w not in _VERBS}


def _said(texts: Sequence[str]) -> tuple[list[bool], list[bool]]:
    """For each quote: whether it is Chinese, and whether it uses a content word (in any form)
    another quote of its language uses."""
    chinese = [is_chinese(t) for t in texts]
    terms = [
        _stemmed(
            {
                t
                for t in _terms(text)
                if not set(t.split()) <= _NUMBER_WORDS and not set(t.split()) & _ID_WORDS
            }
            | _events(text)
        )
        - _VAGUE_TERMS
        for text in texts
    ]
    used: Counter[tuple[bool, str]] = Counter(
        (zh, t) for zh, ts in zip(chinese, terms, strict=True) for t in ts
    )
    shared = [any(used[zh, t] > 1 for t in mine) for zh, mine in zip(chinese, terms, strict=True)]
    return chinese, shared


def said_alike(texts: Sequence[str]) -> list[bool]:
    """For each quote, whether it says the same thing as another in words (`_said`), not only
    in the embedding's view; a quote alone in its language cannot tell, and counts as alike."""
    chinese, shared = _said(texts)
    quotes = Counter(chinese)
    return [alike or quotes[zh] < 2 for zh, alike in zip(chinese, shared, strict=True)]


def word_cohesion(texts: Sequence[str]) -> float:
    """The share of a theme's quotes that use a content word another of its quotes uses (in
    any form): how far its quotes say the same thing in words, not only in the embedding's
    view. A quote alone in its language does not count either way. 1.0 for under 2 quotes."""
    chinese, shared = _said(texts)
    quotes = Counter(chinese)
    counted = [alike for zh, alike in zip(chinese, shared, strict=True) if quotes[zh] >= 2]
    return sum(counted) / len(counted) if counted else 1.0


SHARED_FLOOR = 0.5
"""A title clause's score is scaled from this (none of its words shared by another quote of the
theme) to 1 (all of them)."""
FELT_FLOOR = 0.5
"""A title clause's score is scaled from this (its quote felt at strength 0) to 1 (at 5)."""
OTHER_KIND = 0.5
"""A pain theme's title clause that names a kind of problem (`cues.problem_kinds`) other than
the theme's most named one scores this much of what it would."""
NO_KIND = 0.5
"""... and one that names no kind of problem at all this much: "Swapping meals" (the words
four quotes share) titled a theme of a support bot that loops and an app that crashes."""
KIND_CLAUSES = 20
"""The best-scoring title clauses that are checked for another kind of problem, and for how
many of the theme's quotes share their words (`COVER_FLOOR`)."""
COVER_FLOOR = 0.4
"""A title clause's score is scaled from this (no other quote of the theme shares a word of
it that other themes use less) to 1 (every quote does): a theme of eleven people spared
planning meals was titled "Email reminder to pick meals is helpful", whose words two of them
used many times over."""


UNFINISHED = 0.5
"""A title clause that ends a quote trailing off ("Don't know if events", "Temporal units"
from a think-aloud's reading of the screen) scores this much: it is a sentence cut short."""


def cluster_titles(
    clusters: Sequence[Sequence[str]],
    problem: Sequence[bool] | None = None,
    chinese_map: bool | None = None,
    strength: Sequence[Sequence[int]] | None = None,
) -> list[str | None]:
    """For each cluster of quotes (most typical first), a title: the short clause, in the
    cluster's majority language, whose words most of its quotes share and other clusters
    do not (c-TF-IDF weights), preferring clauses that say what went wrong (or right, when
    `problem[i]` is False). None when no clause qualifies (all too long, lone words, or
    carrying digits or redaction placeholders). With `chinese_map` (the map's language), a
    theme a third of whose quotes are in it is titled in it. Titles are distinct: a cluster
    whose best clause an earlier (wider) one took has its next best. With `strength` (1-5 per
    quote: the severity of a pain, the strength of a delight), a clause of a strongly felt
    quote is preferred to one said in passing."""
    doc_terms = [[_titling(_stemmed(_terms(t))) for t in texts] for texts in clusters]
    cluster_df: Counter[str] = Counter()
    for docs in doc_terms:
        cluster_df.update(set().union(*docs) if docs else set())
    n_clusters = len(clusters)
    titles: list[str | None] = []
    taken: set[str] = set()
    for c, (texts, docs) in enumerate(zip(clusters, doc_terms, strict=True)):
        chinese = [is_chinese(t) for t in texts]
        majority = 2 * sum(chinese) > len(texts)
        # and in English when most of its Latin quotes are: a hotel trial's theme of 8 English
        # quotes and 3 Spanish was titled "El wifi no funcionaba bien en la habitación"
        foreign = [not zh and _foreign(t) for t, zh in zip(texts, chinese, strict=True)]
        english = 2 * sum(foreign) <= len(texts) - sum(chinese)
        # in the map's language when a third of the theme's quotes are (a bilingual study's
        # English map had 退款太慢 over ten English quotes)
        if chinese_map is not None and 3 * sum(zh == chinese_map for zh in chinese) >= len(texts):
            majority = chinese_map
        df: Counter[str] = Counter()
        for terms in docs:
            df.update(terms)
        weight = {
            t: (n - 1) * math.log(1 + n_clusters / cluster_df[t]) for t, n in df.items() if n > 1
        }
        cue = PROBLEM if problem is None or problem[c] else PRAISE
        # a complaint theme is titled by its own kind of problem: the cancelling theme was
        # "Did think about cancelling after that late delivery", a wait, and its
        # recommendation "Cut the wait"
        kinds = kinds_named(texts) if cue is PROBLEM else None
        most = max(kinds.values(), default=0) if kinds else 0
        own = {k for k, n in kinds.items() if n == most} if kinds and most > 1 else set()
        # A delight is not titled by a complaint ("Second week there was a delivery fee on
        # top") nor a pain point by praise, when a clause of the theme's own kind is there.
        against = PRAISE if cue is PROBLEM else PROBLEM
        scored: list[tuple[float, int, str]] = []
        terms_of: dict[str, set[str]] = {}  # each title clause's terms, for `_by_cover`
        for rank, (text, zh) in enumerate(zip(texts, chinese, strict=True)):
            if zh != majority or (english and foreign[rank]):
                continue
            for clause in _clauses(text):
                terms = _titling(_stemmed(_clause_terms(clause)))
                if not terms:
                    continue
                size = len(clause) / 2 if zh else len(clause.split())
                score = sum(weight.get(t, 0.0) for t in terms) / (1 + 0.1 * max(0, size - 5))
                # words no other quote uses make it one person's story ("上井的生鱼片老公说好吃
                # 新鲜" for 75 reviewers' praise of the food, "Toshiba Satellite laptop is
                # DESIGNED to fail" for 63 reviewers' complaints): the title of a theme says
                # what its quotes share
                shared = sum(t in weight for t in terms) / len(terms)
                score *= SHARED_FLOOR + (1 - SHARED_FLOOR) * shared
                score += 0.5 / (1 + rank)  # the more typical quote wins a tie
                asks = _ASKS.search(clause) is not None
                if asks:
                    score *= 0.5
                # a burden lifted is the praise ("I don't have to think about what's for dinner")
                denies = NO_PROBLEM.search(clause) is not None or (
                    cue is PRAISE and RELIEF.search(clause) is not None
                )
                if denies and cue is PROBLEM:
                    score *= 0.25
                elif (cue.search(clause) or denies) and not asks:
                    score = score * 1.5 + 0.5
                elif against.search(clause):
                    score *= 0.25
                if not zh and len(clause.split()) <= 3 and not (cue.search(clause) or denies):
                    # a bare thing named, no problem said of it ("Kitchen units", "Three meals":
                    # an insurance-claims trial's payout theme, the sample's price theme)
                    score *= BARE_NAME
                if cue is PROBLEM and _MADE_UP.search(clause):
                    score *= 0.25  # the sample's waiting theme was "Apologised for being late"
                if _PRONOUN_SUBJECT.match(clause):
                    score *= 0.6  # "They're gone within five minutes": what is gone?
                if not zh and clause.isupper():
                    score *= 0.5  # shouted: the same words in a sentence's case read better
                if _unfinished(clause, text):
                    score *= UNFINISHED
                if not zh and _TEXT_SPEAK.search(clause):
                    score *= 0.5
                if strength is not None:
                    # "Cancelling is a nightmare" (severity 5) says the theme's problem;
                    # "Came back after cancelling" (2), sharing more words, only touches it
                    score *= FELT_FLOOR + (1 - FELT_FLOOR) * strength[c][rank] / 5
                title_clause = _capitalise(clause)
                terms_of[title_clause] = terms
                scored.append((score, -rank, title_clause))
        scored.sort(reverse=True)
        if len(texts) > 2:
            scored = _by_cover(scored, terms_of, docs, weight) + scored[KIND_CLAUSES:]
        if own:  # the best few only: the kinds' patterns are the costly part of a title
            best = [
                (
                    x[0] * (NO_KIND if not named else OTHER_KIND if not own & set(named) else 1.0),
                    *x[1:],
                )
                for x in scored[:KIND_CLAUSES]
                for named in (problem_kinds(x[2]),)
            ]
            scored = sorted(best, reverse=True) + scored[KIND_CLAUSES:]
        title = next((x[2] for x in scored if x[2].casefold() not in taken), None)
        if title is not None:
            taken.add(title.casefold())
        titles.append(title)
    return titles


def _by_cover(
    scored: list[tuple[float, int, str]],
    terms_of: dict[str, set[str]],
    docs: Sequence[set[str]],
    weight: dict[str, float],
) -> list[tuple[float, int, str]]:
    """The best KIND_CLAUSES title clauses, each scaled by the share of the theme's quotes
    (`docs`, their terms) that use a word of it (`terms_of`) the theme shares (`weight`), best
    first."""
    posting: dict[str, set[int]] = {}
    for q, terms in enumerate(docs):
        for t in terms:
            if t in weight:
                posting.setdefault(t, set()).add(q)
    out = []
    for score, rank, clause in scored[:KIND_CLAUSES]:
        quotes: set[int] = set()
        for t in terms_of[clause]:
            quotes |= posting.get(t, set())
        share = len(quotes) / len(docs)
        out.append((score * (COVER_FLOOR + (1 - COVER_FLOOR) * share), rank, clause))
    return sorted(out, reverse=True)


def own_clause(quote: str) -> str | None:
    """A lone quote's first clause that could title it, shared words or not: one person's
    "Didn't know what to do with them" says more than "Other comments"."""
    clauses = _clauses(quote)
    return _capitalise(clauses[0]) if clauses else None


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
