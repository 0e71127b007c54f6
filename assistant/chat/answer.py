"""What an answer rests on: the study's relevance bar, the decision to abstain, and the map's
findings and participants' quotes an answer is built from (never padded below the bar)."""

import dataclasses
import re
import shlex
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.chat.glossary import Glossary
from assistant.chat.question import (
    CJK,
    GENERIC,
    LANGUAGES,
    Lang,
    QuestionReader,
    as_written,
    chinese_subject,
    is_off_topic,
    topic,
    zh_respelled,
)
from assistant.chat.retrieval import Filters, Retriever, participant_label, tokens
from assistant.compare import FLOOR
from assistant.cues import LEAVING, LEAVING_QUESTION, bare_feeling, only_quoted, small_talk
from assistant.extractor import meaning_text
from assistant.keyphrases import STOPWORDS, names_something
from assistant.local_extractor import read_sentence
from assistant.presets import other_names
from assistant.sentiment import sentiment as sentiment_of
from assistant.waves import diff_slices, side_label
from journey.diff import MapDiff
from journey.labels import labels_for
from journey.schema import (
    ChatAnswer,
    CodedObservation,
    Evidence,
    Finding,
    JourneyMap,
    ObservationKind,
    PainPoint,
)
from journey.source import SourceKind
from journey.text import natural_key, said_as

NULL_QUESTIONS = {
    "en": (
        "What do people think of the opera tickets?",
        "How was the weather at the beach?",
        "Did the football team win the match?",
        "What is the best programming language?",
        "How do I repair a bicycle tyre?",
        "Which planet is closest to the sun?",
    ),
    "zh": (
        "明天的天气怎么样？",
        "股票市场今天表现如何？",
        "大家觉得歌剧票怎么样？",
        "海滩的天气好吗？",
        "足球队赢了比赛吗？",
        "最好的编程语言是什么？",
        "自行车轮胎怎么补？",
        "哪颗行星离太阳最近？",
    ),
}
"""Questions about nothing a study is likely to hold, per language. How well the study's best
passage matches them is the similarity that chance alone reaches in this corpus for a question
in that language (a Chinese question over English sources matches them across languages, and
so do the Chinese probes): the relevance bar is the second highest (so one probe that happens
to be on the study's subject does not raise it)."""
FINDING_ABOVE = 0.3
KEYWORD_BONUS = 0.15
"""Added to a finding's similarity for each question word in its title or touchpoints."""
CANDIDATES = 30
"""Passages ranked for a question; the first few become its quotes."""
LEAVING_CANDIDATES = 200
"""Passages searched for people saying they left, under a question about why people leave."""
ANSWERED = 3
"""At most this many findings lead an answer."""
QUOTED = 6
"""At most this many retrieved passages are quoted in an answer."""
UNSEEN_ABOVE = 0.1
"""A question whose subject has a word no participant uses ("the mortgage calculator", "vegan
options") is answered only if its best passage beats the relevance bar by this much for each
such word (the vegetarian filter answers "vegan"): one word the study shares (calculator) does
not make it the study's subject, nor does missing one word make it not."""
FRAME = GENERIC | {w for w in STOPWORDS if len(w) >= 4}
"""Words a misspelled question word may be: frame words ("peple", "waht") are dropped."""
WORDED = 10
"""An English question's words are looked for by meaning among the Chinese words of this many
passages closest to it (each word embedded once per study; the first question over a new
passage pays for its words)."""


Side = str | tuple[str, ...]
"""One period's value, or several pooled (the versions before a release)."""


@dataclass(frozen=True)
class Fact:
    """A map finding as an answer states it: where, what kind, its counts, its first quotes."""

    stage: str
    finding: Finding
    kind: str
    counts: str
    """'4 of 11 participants (36%), severity 3/5', from the map's own data."""
    quotes: list[Evidence]


@dataclass
class Grounds:
    """What an answer is built from: findings with counts and grounded quotes."""

    lang: Lang
    facts: list[Fact]
    quotes: list[Evidence]
    """Retrieved passages' best sentences, above the relevance bar."""
    follow_ups: list[str]
    against: str | None = None
    """The sentiment asked for ('pain' or 'delight') when no finding and no quote says it and
    most quotes say the opposite: the answer says that none does before quoting them."""
    note: str | None = None
    """What the reader should know of the counts (a comparison of groups: how to test it)."""


class Gatherer:
    """Decides whether the study can answer a question, and gathers what it answers from."""

    def __init__(self, study: JourneyMap, retriever: Retriever, reader: QuestionReader) -> None:
        self.map, self.retriever, self.reader = study, retriever, reader
        self._sources = {p.source.id: p.source for p in retriever.passages}
        self._findings: list[tuple[str, Finding]] = [
            (stage.name, f) for stage in study.stages for f in (*stage.pain_points, *stage.delights)
        ]
        texts = [
            f"{f.title}. " + " ".join(e.quote for e in f.evidence[:3]) for _, f in self._findings
        ]
        self._finding_vectors = retriever.workspace.embedder.embed([meaning_text(t) for t in texts])
        self._bars: dict[str, float] = {}
        self._finding_words = [
            set(tokens(f"{f.title} {' '.join(f.touchpoints)}")) for _, f in self._findings
        ]
        # what a finding is mainly about: its title, its most named touchpoint and its stage
        self._finding_core = [
            set(tokens(f"{f.title} {' '.join(f.touchpoints[:1])} {stage}"))
            for stage, f in self._findings
        ]
        probes = [w for q in NULL_QUESTIONS["en"] for w in as_written(q, topic(q))]
        self._glossary = Glossary(retriever.workspace.embedder, retriever.texts, probes)
        self._zh_probes = [w for q in NULL_QUESTIONS["zh"] for w in chinese_subject(q)]
        self._finding_vocabulary = sorted(
            {w for ws in self._finding_words for w in ws if w.isascii()}
        )
        # touchpoints named in several words ("customer support"), which a Chinese word may
        # mean as a whole (客服), and how many findings each word is mainly about
        self._finding_phrases = sorted(
            {t for _, f in self._findings for t in f.touchpoints if " " in t and t.isascii()}
        )
        self._core_uses = Counter(w for core in self._finding_core for w in core)

    def gather(
        self, question: str, f: Filters, lang: Lang | None = None, why: bool = False
    ) -> ChatAnswer | Grounds:
        """A refusal or an abstention, or what the answer will be built from; in `lang` (by
        default the question's); with `why`, quotes hold reasons (`Retriever.best`)."""
        lang = lang or Lang.of(question)
        if is_off_topic(question):
            return self.abstain(
                lang,
                "I can only answer questions about this study's interviews and reviews.",
                "我只能回答与本研究的访谈和评论有关的问题。",
            )
        if f.participant and f.participant not in self.retriever.labels:
            named = sorted(
                (x for x in self.retriever.labels if re.fullmatch(r"P\d+", x)),
                key=lambda x: int(x[1:]),
            )
            known = ", ".join(named) or lang.t("none named P1, P2, …", "没有 P1、P2 这样的编号")
            return self.abstain(
                lang,
                f"There is no participant {f.participant} in this study (participants: {known}).",
                f"本研究中没有参与者 {f.participant}（参与者：{known}）。",
            )
        question = self._spelled(question)
        if (period := self._period(question)) is not None:
            return self._changes(question, lang, f, *period)
        if f.compared:  # the groups compared are whose words, not what about: search the rest
            for value in f.compared[1]:
                group_word = rf"(?<!\w){re.escape(value)}(?:e?s)?(?!\w)"
                question = re.sub(group_word, " ", question, flags=re.IGNORECASE)
        vector = self.retriever.embed(question)
        ranked, similarity = self.retriever.ranked(question, f, CANDIDATES)
        # the study's own name frames a question ("What do users love about Freshbox?"), and
        # so does a name it writes throughout (the product: "What do people like most about
        # Ledgerly?" in a project named saas had quoted complaints that name Ledgerly)
        own = (
            set(tokens(self.map.project.replace("-", " ").replace("_", " "))) | self.retriever.names
        )
        subject = [t for t in self.reader.subject(question, f) if _bare(t) not in own]
        named = self._in_their_words(question, subject)  # as the findings' titles word it
        bar = self.bar(lang)
        bm25 = self.retriever.bm25
        leaving = self._leaving(question, f)
        if leaving:  # "why do people cancel?": what those who left, or nearly did, said
            findings, chosen = [], leaving
        elif self._asks_why_people_leave(question, f):
            # Nobody said they left: the study's widest problems, said so, not the passages
            # nearest the question (an online clinic trial's 为什么有人不想再用了？ quoted praise
            # of its queue alerts, "挺有用的，不然真不敢走开")
            pains = [
                (stage, x)
                for stage, x in self._top_findings(dataclasses.replace(f, sentiment="pain"))
                if isinstance(x, PainPoint)
            ]
            if not pains:
                return self.nothing(lang)
            return self._findings_with_note(
                lang,
                f,
                pains,
                lang.t(
                    "No participant says they left or nearly did; these are the study's most "
                    "widespread problems, the likeliest reasons.",
                    "没有参与者说自己已经不用或差点不用了；以上是本研究中最普遍的问题，最可能是原因。",
                ),
            )
        elif subject:
            # About the question's subject: the best passage beats what chance reaches in this
            # corpus and the study uses at least half of the subject's words, or participants
            # use every word of the subject in one passage ("sign-up", which short turns
            # rarely match by meaning alone)
            best = max(similarity.values(), default=0.0)
            closest = sorted(similarity, key=lambda i: (-similarity[i], i))[:WORDED]
            said, spoken, holding = self._uses(question, subject, closest)
            unseen = [t for t in subject if not bm25.attested(t)]
            if unseen and not CJK.search(question) and not self.retriever.chinese:
                # a name the study never writes ("an Apple Watch app", "HelloFresh") is
                # nothing it can speak to; another word, only if the evidence is clear, and the
                # clearer the more such words ("What percentage of customers churned after the
                # first month?" was answered by lines on the first month)
                margin = UNSEEN_ABOVE * len(unseen)
                said = best > bar + margin and not (set(unseen) & _names(question))
            if not ((best > bar and said) or spoken):
                return (
                    self._in_stage_named(lang, f, unseen)
                    or self._theirs_by_stage(lang, f, subject)
                    or self.nothing(lang)
                )
            findings = self._matching(question, vector, f, above=bar, subject=named)
            words = set(subject)
            # never padded: a quote is cited only if it uses the subject's words or beats chance
            # (across languages, where chance is measured too roughly, if it holds words meaning
            # them)
            uses = set().union(*(bm25.holding(t) for t in words))  # the word in any form
            # and when some passages write the subject, only those: 停车方便吗？ was answered
            # with a line about staying there often, beside the one review on parking
            written = [i for i in ranked[:QUOTED] if i in uses]
            if f.sentiment and written:
                # under a question for praise (or pain), the passages on the subject that say
                # it come first, from all candidates: 有没有人夸骑手？ had quoted the six
                # complaints nearest the question over five reviews praising the riders
                leaning = [
                    i
                    for i in ranked
                    if i in uses and _with(self.retriever.texts[i], f.sentiment) > 0
                ]
                if leaning:
                    written = (leaning + [i for i in written if i not in leaning])[:QUOTED]
            chosen = (
                written
                or [
                    i
                    for i in ranked[:QUOTED]
                    if (similarity.get(i, 0.0) > bar if holding is None else i in holding)
                ]
                or self._above(similarity, bar, f)
                or (self._writing(question, subject, similarity, f) if spoken else [])
            )
        elif f.stage and f.participant:  # "what did P4 say about support?": their coded
            # quotes in that stage, in the order they said them
            return self._theirs(lang, f.participant, f.stage) or self.nothing(lang)
        elif f.stage:  # "what happened in the Support stage?": the stage's widest findings
            # (not the one whose title happens to hold the stage's name)
            findings = self._top_findings(f)
            chosen = (
                [] if findings else [i for i in ranked[:QUOTED] if similarity.get(i, 0.0) > bar]
            )
            if not (findings or chosen):  # a stage of single mentions: what was coded there
                # (a SaaS trial's Support stage held 9 coded quotes, and "nothing on this")
                return self._theirs(lang, None, f.stage) or self.nothing(lang)
        else:  # "what went wrong?", "what did P3 say?": the study's own headlines answer it
            # (not the themes nearest the question's frame: "what are the biggest problems?"
            # had led with two small themes titled by the word "problem")
            findings = (
                self._matching(question, vector, f, above=bar)
                if f.participant
                else self._top_findings(f)
            )
            chosen = [i for i in ranked[:QUOTED] if f.participant or similarity.get(i, 0.0) > bar]
            if not (findings or chosen):
                chosen = ranked[:3]
        if not (findings or chosen):
            return self._theirs_by_stage(lang, f, subject) or self.nothing(lang)
        # Of a long passage the sentence quoted is the one about the subject as much as the
        # question: "What did P4 say about support?" quoted "I said, just tell me what it costs a
        # week." (the question's frame, "say", matched best)
        quoting = vector
        if subject:
            quoting = vector + self.retriever.embed(" ".join(as_written(question, subject)))
        # a why-question quotes the reason beside what it is asked about ("So I rang them." is
        # no answer to why people call; the sentence before it is)
        quotes = self.retriever.grounded(
            [
                self.retriever.best(i, quoting, why or bool(leaving), LEAVING if leaving else None)
                for i in chosen
            ]
        )
        # conversation is no evidence: "No, I think that covers it. Would you like a cup of tea
        # before you go?" was quoted on melted ice packs (a short turn near to any question)
        # nor is a bare feeling ("I was annoyed."): it says how, not about what
        # nor a fragment that names nothing ("I cancelled.", "Subscription...", "The app, mainly.")
        quotes = [
            q
            for q in quotes
            if not (small_talk(q.quote) or bare_feeling(q.quote) or _contentless(q.quote))
        ]
        # a review posted three times word for word is cited once (a banking trial's answer
        # quoted the same duplicated review three times, as if three people said it)
        firsts: dict[str, Evidence] = {}
        for q in quotes:
            firsts.setdefault(said_as(q.quote), q)
        quotes = list(firsts.values())
        if (subject or leaving) and quotes:
            # and the findings that quote the words cited speak to it too: "What frustrates
            # patients most about booking an appointment?" cited "Never any appointments
            # available" but named no finding (its theme's title and first quotes were further
            # from the question than the bar)
            findings = self._matching(question, vector, f, bar, named, cited=quotes)
            if leaving:  # why people leave is what went wrong: a rental-flat trial's 用户为什么
                # 退租？ listed the delight "交租方便" beside the rent rises
                findings = [(stage, x) for stage, x in findings if isinstance(x, PainPoint)]
        if not (findings or quotes):
            return self._theirs_by_stage(lang, f, subject) or self.nothing(lang)
        against = None
        if f.sentiment:
            # "what annoys people about delivery?" does not quote "the courier is lovely" beside
            # the complaints; if all the evidence says the opposite, that is the answer ("is
            # the food bad?" - people praise it), unless findings say what was asked
            kept = [q for q in quotes if not _against(q.quote, f.sentiment)]
            quotes = kept if kept or findings else quotes
            # and what says it leads: "Cancelling is a nightmare" before "Came back after
            # cancelling" under "what frustrates people about cancelling?"
            asked = f.sentiment
            quotes.sort(key=lambda q: -_with(q.quote, asked))
            # nor pads them with lines that say neither ("退房挺快的…没什么问题。" under "what
            # are people least happy with?") when at least two say it, or when findings say it
            # ("挺好的，没什么问题" was quoted under the three biggest problems)
            saying = [q for q in quotes if _with(q.quote, asked) > 0]
            quotes = saying if len(saying) >= 2 or findings else quotes
            # when none says it and most say the opposite, the answer says so first: "any
            # positive ones?" after the waiting room had listed five complaints as if they were
            # the positive ones
            if quotes and not (findings or saying) and 2 * _opposing(quotes, asked) >= len(quotes):
                against = asked
        return Grounds(
            lang,
            [
                self._fact(
                    self._stage_as_asked(stage, lang), x, lang, f, LEAVING if leaving else None
                )
                for stage, x in findings
            ],
            quotes,
            self._follow_ups(lang, findings[0] if findings else None),
            against,
            (self._compared_note(lang, f) if findings else None) or _trend_note(lang, question),
        )

    def _asks_why_people_leave(self, question: str, f: Filters) -> bool:
        """A question about why people leave (`LEAVING_QUESTION`, asking why), of no one
        participant or stage."""
        return (
            not (f.participant or f.stage)
            and LEAVING_QUESTION.search(question) is not None
            and _WHY.search(question) is not None
        )

    def _leaving(self, question: str, f: Filters) -> list[int]:
        """Under a question about why people leave (`LEAVING_QUESTION`), the passages of people
        saying they left or nearly did (`LEAVING`), nearest the question first: "Why do
        people cancel?" had quoted "I'm not going to cancel over eleven dollars" and left out
        "Cancelled in January because of the price"; 为什么有人不想用了? was answered by a
        face-scan theme and never quoted 我都想把这个App卸了."""
        if not self._asks_why_people_leave(question, f):  # nor "What was the churn rate?"
            return []
        ranked, _ = self.retriever.ranked(question, f, LEAVING_CANDIDATES)
        texts = self.retriever.texts
        return [i for i in ranked if LEAVING.search(texts[i])][:QUOTED]

    def _period(self, question: str) -> tuple[str, Side, Side] | None:
        """For a question about change ("What got better after the redesign?", "What changed
        between wave 1 and wave 2?", 重新设计以后有什么变化) in a project with a segment that
        orders time (wave, period, round, month, version…): the attribute and its two values
        compared, those the question names or else the first and the last. A redesign trial's
        project had waves, and every change question was told to tag its sources by period."""
        # a price increase is a subject, not a question about periods (a recheck found "Are
        # people complaining about the price increase?" answered as a change across versions)
        asked = _RISE.sub(" ", question)
        if not (_TREND.search(asked) or _CHANGE.search(asked)):
            return None
        for key, values in self.map.sources.segments.items():
            if not _PERIOD_KEY.search(key) or not 2 <= len(values) <= MAX_PERIODS:
                continue
            ordered = sorted(values, key=_period_order)
            named = [v for v in ordered if _names_period(question, key, v)]
            if len(named) >= 2 and not _one_release(question, named):
                return key, named[0], named[-1]
            if named:  # "Did the 4.2 update make sync worse?": before it against from it on
                at = ordered.index(named[0])
                if at:
                    return key, tuple(ordered[:at]), tuple(ordered[at:])
            return key, ordered[0], ordered[-1]
        return None

    def _changes(
        self, question: str, lang: Lang, f: Filters, key: str, a: Side, b: Side
    ) -> Grounds:
        """What changed from one period to the next, theme by theme (`waves.diff_slices`: one
        codebook, Fisher's test), about the question's subject when it has one, with each
        theme's quotes from the side that shows it (the later one, the earlier for what is
        gone)."""
        diff = diff_slices(self.map, key, a, b)
        vector = self.retriever.embed(question)
        # the question's subject, less the words of change and of the periods themselves
        # ("What got better after the redesign?" asks about everything)
        periods = {key.casefold(), *(v.casefold() for v in self.map.sources.segments[key])}
        subject = [
            t
            for t in self.reader.subject(question, f)
            if not (_CHANGE.search(t) or _TREND.search(t) or t.casefold() in periods)
        ]
        about = (
            {x.id for _, x in self._matching(question, vector, f, self.bar(lang), subject)}
            if subject
            else set()
        )
        located = {x.id: (stage, x) for stage, x in self._findings}
        changes = [c for c in diff.themes if (c.b_id or c.a_id) in located]
        changes = [c for c in changes if (c.b_id or c.a_id) in about] or changes
        moved = [c for c in changes if c.status != "steady"]
        # a question about improvement lists only what got better (a problem that grew is no
        # answer to it), one about breakage only what got worse; when none did, all that moved
        better = [
            c for c in moved if (c.kind == "pain_point") == (c.status in ("resolved", "shrunk"))
        ]
        asks_better = bool(_BETTER.search(question))
        none_better = asks_better and bool(moved) and not better
        if asks_better:
            moved = better or moved
        elif _WORSE.search(question):
            moved = [c for c in moved if c not in better] or moved
        chosen = (moved + [c for c in changes if c.status == "steady"])[:ANSWERED]
        kinds = labels_for("zh" if lang.zh else "en").diff  # pain point / delight, as diffs say
        la, lb = side_label(a), side_label(b)
        facts = []
        for c in chosen:
            stage, finding = located[c.b_id or c.a_id or ""]
            # quotes of the period that shows it: the later one, the earlier for what went
            # (a review of neither period is no evidence of the change)
            first, then = (a, b) if c.status in ("resolved", "shrunk") else (b, a)
            quotes = [e for e in finding.evidence if _on_side(self._segment(e, key), first)] or [
                e for e in finding.evidence if _on_side(self._segment(e, key), then)
            ]
            word = lang.t(*_CHANGED[c.status])
            p = "" if c.p_value is None else f", p {c.p_value:.2f}"
            counts = lang.t(
                f"{word}: {key} {la} {c.a_participants} of {diff.a_participants} → {key} {lb} "
                f"{c.b_participants} of {diff.b_participants}{p}",
                f"{word}：{key} {la} {diff.a_participants} 位中 {c.a_participants} 位 → {key} {lb} "
                f"{diff.b_participants} 位中 {c.b_participants} 位{p}",
            )
            facts.append(Fact(stage, finding, kinds.kind(c.kind), counts, quotes[:2]))
        if not facts:
            return Grounds(lang, [], [], [], None, self._period_note(lang, key, a, b, diff, True))
        note = self._period_note(lang, key, a, b, diff, False)
        if none_better:
            note = (
                lang.t(
                    "None of these got better; they are what changed. ",
                    "以上没有一项变好，只是发生了变化。",
                )
                + note
            )
        return Grounds(
            lang,
            facts,
            [],
            self._follow_ups(lang, (facts[0].stage, facts[0].finding)),
            None,
            note,
        )

    def _segment(self, e: Evidence, key: str) -> str | None:
        source = self._sources.get(e.source_id)
        return source.segment.get(key) if source is not None else None

    def _period_note(
        self, lang: Lang, key: str, a: Side, b: Side, diff: MapDiff, empty: bool
    ) -> str:
        """How the periods were compared, what the counts mean and who is left out."""
        left = self.map.sources.participants - diff.a_participants - diff.b_participants
        command = (
            f"journeymap diff --by {shlex.quote(key)} {shlex.quote(a)} {shlex.quote(b)}"
            if isinstance(a, str) and isinstance(b, str)
            else f"journeymap compare --by {shlex.quote(key)}"
        )
        a, b = side_label(a), side_label(b)
        return lang.t(
            ("Nothing changed that this study's themes show. " if empty else "")
            + f"Compared by the segment {key}: {a} ({diff.a_participants} participants) against "
            f"{b} ({diff.b_participants}); each count is the people of that period raising the "
            f"theme. A change is beyond chance only at p < 0.05 (Fisher's exact test), which "
            f"small groups rarely reach"
            + (f"; {left} participants with another or no {key} are left out" if left > 0 else "")
            + f". The whole comparison: `{command}`.",
            ("本研究的主题未显示变化。" if empty else "")
            + f"按分组 {key} 比较：{a}（{diff.a_participants} 位参与者）对 {b}"
            f"（{diff.b_participants} 位）；每个数字是该时期提到该主题的人数。只有 p < 0.05"
            f"（Fisher 精确检验）时差异才超出偶然，小样本很少达到"
            + (f"；另有 {left} 位参与者不属于这两个时期，未计入" if left > 0 else "")
            + f"。完整比较：`{command}`。",
        )

    def _compared_note(self, lang: Lang, f: Filters) -> str | None:
        """For a question comparing groups: what the per-group counts are and how to test them."""
        if not f.compared:
            return None
        key = shlex.quote(f.compared[0])  # pasted as written: `--by 'Trip type'`
        return lang.t(
            f"Per group: the participants who raised each finding, of the group's size. Whether a "
            f"gap is more than chance: `journeymap compare --by {key}` (groups under {FLOOR} "
            "people never show one).",
            f"各组数字：提到该发现的参与者 / 该组人数。差异是否超出偶然：`journeymap compare --by "
            f"{key}`（少于 {FLOOR} 人的组无法判断）。",
        )

    def _spelled(self, question: str) -> str:
        """The question with its misspelled words as the study (or a question's frame) writes
        them: "waht do peple think about the pakaging?" asks about the packaging; a Chinese
        question's variant characters as the study writes them (转帐 for 转账)."""
        bm25 = self.retriever.bm25
        if CJK.search(question):
            return zh_respelled(question, lambda pair: bool(bm25.df[pair]))
        if self.retriever.chinese:
            return question
        for word in set(re.findall(r"[A-Za-z]{4,}", question)):
            fixed = bm25.spelled(word.lower(), FRAME)
            if fixed is not None:
                question = re.sub(rf"\b{word}\b", fixed, question)
        return question

    def _theirs_by_stage(self, lang: Lang, f: Filters, subject: list[str]) -> Grounds | None:
        """What a participant said in the stage the subject's words name, when nothing of
        theirs speaks to the subject itself: "what did P4 say about getting help?" (no passage
        of theirs says "help"; Support is "getting help when something goes wrong")."""
        stage = self._stage_named_by(subject) if f.participant and subject else None
        return self._theirs(lang, f.participant, stage) if f.participant and stage else None

    def _in_stage_named(self, lang: Lang, f: Filters, unseen: list[str]) -> Grounds | None:
        """The widest findings of the one stage whose name holds a word of the subject that
        participants never use (`unseen`), said so: "What frustrates people about the payout?"
        had found "nothing on this" though the map has a stage "Decision and payout" and its
        theme "Deductions not explained" (an insurance-claims trial: people say "paid out")."""
        if f.participant or f.stage:
            return None
        named = [s.name for s in self.map.stages if set(unseen) & set(tokens(s.name))]
        if len(named) != 1:
            return None
        facts = self._top_findings(dataclasses.replace(f, stage=named[0]))
        if not facts:
            return None
        stage = self._stage_as_asked(named[0], lang)
        return self._findings_with_note(
            lang,
            f,
            facts,
            lang.t(
                f"No participant uses the words of the question; these are the widest findings "
                f"of the stage {stage}, which the question names.",
                f"参与者的原话里没有问题中的说法；以上是问题所指的「{stage}」阶段中最普遍的发现。",
            ),
        )

    def _findings_with_note(
        self, lang: Lang, f: Filters, facts: Sequence[tuple[str, Finding]], note: str
    ) -> Grounds:
        """An answer of the map's findings alone (no passage speaks to the question), with a
        note saying why these."""
        return Grounds(
            lang,
            [self._fact(self._stage_as_asked(s, lang), x, lang, f) for s, x in facts],
            [],
            self._follow_ups(lang, facts[0]),
            note=note,
        )

    def _stage_named_by(self, subject: list[str]) -> str | None:
        """The one stage whose name and description hold more of the subject's words than any
        other stage's (at least one); None on a tie."""
        hits = sorted(
            (
                (len(set(subject) & set(tokens(f"{s.name} {s.description}"))), s.name)
                for s in self.map.stages
            ),
            reverse=True,
        )
        if not hits or hits[0][0] == 0 or (len(hits) > 1 and hits[1][0] == hits[0][0]):
            return None
        return hits[0][1]

    def _theirs(self, lang: Lang, participant: str | None, stage: str) -> Grounds | None:
        """A participant's pain points, delights and needs the map placed in a stage, in the
        order they said them (at most QUOTED), as an answer; None when there are none. Without
        a participant, everyone's: the strongest first, one per participant before a second."""
        kinds = (ObservationKind.pain_point, ObservationKind.delight, ObservationKind.need)
        coded = [
            o
            for o in self.map.observations
            if o.stage == stage
            and o.kind in kinds
            and (participant is None or participant_label(o.evidence.participant_id) == participant)
            and not (small_talk(o.evidence.quote) or bare_feeling(o.evidence.quote))
        ]
        if participant is None:
            coded.sort(key=lambda o: (-o.severity, o.evidence.source_id, o.evidence.char_start))
            first: list[CodedObservation] = []
            again: list[CodedObservation] = []
            seen: set[str] = set()
            for o in coded:
                (again if o.evidence.source_id in seen else first).append(o)
                seen.add(o.evidence.source_id)
            coded = first + again
        said = [o.evidence for o in coded]
        if participant is not None:
            said.sort(key=lambda e: (e.source_id, e.char_start))
        return Grounds(lang, [], said[:QUOTED], self._follow_ups(lang, None)) if said else None

    @staticmethod
    def _stage_as_asked(name: str, lang: Lang) -> str:
        """A bundled stage's name in the question's language ("开始使用" for Onboarding asked
        in Chinese); a stage of the study's own guide as written."""
        if lang.zh == bool(CJK.search(name)):
            return name
        return next((n for n in other_names(name) if lang.zh == bool(CJK.search(n))), name)

    def _above(self, similarity: dict[int, float], bar: float, f: Filters) -> list[int]:
        """The passages above the bar, best first: quoted when the rank fusion put others
        first (a Chinese passage among English ones, whose feedback words it does not share),
        so a question the study was found to speak to is not then left without evidence."""
        above = [
            i
            for i, s in similarity.items()
            if s > bar and self.retriever.keep(self.retriever.passages[i], f)
        ]
        return sorted(above, key=lambda i: (-similarity[i], i))[:3]

    def _writing(
        self, question: str, subject: list[str], similarity: dict[int, float], f: Filters
    ) -> list[int]:
        """The passages that write the whole subject (every jieba word of a Chinese one), best
        first: the evidence when the study was found to speak to the subject by its words but
        no passage cleared the bar by meaning (a Chinese question over the Chinese reviews of a
        mostly English study, whose Chinese probes set the bar above what crosses languages)."""
        if CJK.search(question):
            written = self._written(chinese_subject(question))
            holders = set.intersection(*written) if written else set()
        else:
            holders = set.intersection(*(self.retriever.bm25.holding(t) for t in subject))
        kept = [i for i in holders if self.retriever.keep(self.retriever.passages[i], f)]
        return sorted(kept, key=lambda i: (-similarity.get(i, 0.0), i))[:3]

    def _written(self, words: list[str]) -> list[set[int]]:
        """For each (Chinese) word, the passages that write it as it is."""
        texts = self.retriever.texts
        return [{i for i, t in enumerate(texts) if w in t} for w in words]

    def _uses(
        self, question: str, subject: list[str], found: Collection[int]
    ) -> tuple[bool, bool, set[int] | None]:
        """(the study uses at least half of the subject's words, its words hold the whole
        subject: one passage uses every word of it, or a Chinese study uses every word; for an
        English question over Chinese sources, the passages of `found` writing a word that
        means one of the subject's, else None)."""
        if CJK.search(question):
            # jieba's words of the subject are words, not character pairs: the study writing
            # every one of them (in any passages) speaks to it
            words = chinese_subject(question)
            used = sum(bool(held) for held in self._written(words))
            whole = bool(words) and used == len(words)
            if not self.retriever.chinese:
                # asked of sources mostly in another language: the dense evidence decides
                # (against the Chinese probes' bar), unless the study's Chinese passages
                # write the whole subject (a mixed study: 视频问诊 in its Chinese reviews)
                return True, whole, None
            return 2 * used >= len(words), whole, None
        bm25 = self.retriever.bm25
        if self.retriever.chinese:
            # asked of Chinese sources in English: a subject word is the study's when the
            # passages found write it (App) or a word meaning it (停车 for parking), so that the
            # words decide as they do within one language; the dense similarity alone cannot
            # tell a Chinese passage on the subject from one that is not across languages
            meant = self._glossary.holders(as_written(question, subject), found)
            holders = [
                {i for i, doc in enumerate(bm25.docs) if t in doc} | near
                for t, near in zip(subject, meant, strict=True)
            ]
            used = sum(bool(h) or bm25.attested(t) for t, h in zip(subject, holders, strict=True))
            return 2 * used >= len(subject), bool(set.intersection(*holders)), set().union(*meant)
        used = sum(bm25.attested(t) for t in subject)
        spoken = bool(set.intersection(*(bm25.holding(t) for t in subject)))
        return 2 * used >= len(subject), spoken, None

    def abstain(self, lang: Lang, en: str, zh: str) -> ChatAnswer:
        """An answer that declines, with questions the study can answer instead."""
        return ChatAnswer(
            answer=lang.t(en, zh),
            citations=[],
            abstained=True,
            follow_ups=self._follow_ups(lang, None),
        )

    def nothing(self, lang: Lang) -> ChatAnswer:
        return self.abstain(
            lang,
            "The study has nothing on this: no participant quote matches the "
            "question closely enough to answer it.",
            "本研究中没有与此问题足够相关的内容，无法回答。",
        )

    def bar(self, lang: Lang) -> float:
        """The relevance bar for a question in this language: the similarity the study's best
        passage reaches for questions about nothing it holds (see NULL_QUESTIONS); computed
        once per study and language."""
        key = "zh" if lang.zh else "en"
        if key not in self._bars:
            self._bars[key] = sorted(self.retriever.nearest(q) for q in NULL_QUESTIONS[key])[-2]
        return self._bars[key]

    def _fact(
        self,
        stage: str,
        finding: Finding,
        lang: Lang,
        f: Filters,
        prefer: re.Pattern[str] | None = None,
    ) -> Fact:
        """The finding with its counts and first two quotes (in the participant's words only,
        when the question is about one; from interviews or reviews only, when it asks so).
        With `prefer`, its quotes that match it, if any do: under "why do people cancel?" a
        theme of cancelling is quoted by those who left, not by "I'm not going to cancel over
        a small fee" beside them."""
        evidence = [e for e in finding.evidence if self._said(e, f)]
        if prefer is not None:
            saying = [e for e in self._members(finding) if self._said(e, f)]
            evidence = [e for e in saying if prefer.search(e.quote)] or evidence
        if f.language and not evidence:  # the language asked about, from its members
            evidence = [e for e in self._members(finding) if self._said(e, f)]
        total = self.map.sources.participants
        # A study of reviews only counts reviewers, not interview participants.
        reviews_only = set(self.map.sources.kinds) == {"review"}
        pain = isinstance(finding, PainPoint)
        kind = lang.t("pain point" if pain else "delight", "痛点" if pain else "亮点")
        counts = lang.t(
            f"{finding.participants} of {total} {'reviewers' if reviews_only else 'participants'} "
            f"({finding.share:.0%}), {'severity' if pain else 'strength'} {finding.severity}/5",
            f"{total} {'位评论者' if reviews_only else '位参与者'}中有 {finding.participants} 位"
            f"（{finding.share:.0%}），{'严重度' if pain else '强度'} {finding.severity}/5",
        )
        if f.segment and (n := _in_segment(finding, f)):
            value = f.segment[1]
            counts += lang.t(f"; {n} of them {value}", f"；其中 {value} {n} 位")
        if f.kind is not None and set(self.map.sources.kinds) != {f.kind.value}:
            # "How many reviews complain about plastic?": the reviewers among them (it said
            # 9 of 47 participants for 5 reviews); not in a study of that kind only ("31 of
            # 250 reviewers; 31 of them in reviews")
            of_kind = len(self.people(finding, f.kind))
            review = f.kind is SourceKind.review
            counts += lang.t(
                f"; {of_kind} of them in {'reviews' if review else 'interviews'}",
                f"；其中{'评论' if review else '访谈'} {of_kind} 位",
            )
        if f.language:  # of them, those who wrote in the language asked about
            people = {
                e.participant_id
                for e in self._members(finding)
                if (s := self._sources.get(e.source_id)) is not None and s.language == f.language
            }
            en, zh = LANGUAGES[f.language][:2]
            counts += lang.t(f"; {len(people)} of them in {en}", f"；其中用{zh}的 {len(people)} 位")
        if f.compared:  # each group's reach, of its own size: the comparison asked for
            key, values = f.compared
            sizes = self.map.sources.segments.get(key, {})
            reach = finding.segments.get(key, {})
            shares = [
                lang.t(
                    f"{v} {reach.get(v, 0)} of {sizes.get(v, 0)}",
                    f"{v} {sizes.get(v, 0)} 位中 {reach.get(v, 0)} 位",
                )
                for v in values
            ]
            counts += lang.t("; ", "；") + lang.t(", ", "，").join(shares)
        return Fact(stage, finding, kind, counts, evidence[:2])

    def _fits(self, stage: str, finding: Finding, f: Filters) -> bool:
        if f.stage and stage != f.stage:
            return False
        if f.sentiment and (f.sentiment == "pain") != isinstance(finding, PainPoint):
            return False
        if f.segment and not _in_segment(finding, f):
            return False  # by its members' counts: the quotes shown are only a few of them
        if f.language:  # by its members: the quotes shown are a few, maybe none in it
            return any(self._said(e, f) for e in self._members(finding))
        return any(self._said(e, f) for e in finding.evidence) or bool(f.segment)

    def _members(self, finding: Finding) -> list[Evidence]:
        """A finding's coded segments (its quotes shown are only a few of them)."""
        return [o.evidence for o in self.map.observations if o.theme == finding.id] or list(
            finding.evidence
        )

    def people(self, finding: Finding, kind: SourceKind | None = None) -> list[str]:
        """Who raises a finding, from the map's coded segments (its quotes are a sample), in
        the order a person counts (P2 before P10, interviews before reviews); of one kind of
        source when asked."""
        who: dict[str, None] = {}
        for e in self._members(finding):
            source = self._sources.get(e.source_id)
            if kind is None or (source is not None and source.kind is kind):
                who.setdefault(participant_label(e.participant_id) or e.source_id[:8], None)
        return sorted(who, key=natural_key)

    def _said(self, e: Evidence, f: Filters) -> bool:
        """Whether a quote is of the participant and the kind of source the question names
        ("访谈中大家怎么说押金" had led with a review)."""
        if f.participant and participant_label(e.participant_id) != f.participant:
            return False
        source = self._sources.get(e.source_id)
        if f.segment and (source is None or source.segment.get(f.segment[0]) != f.segment[1]):
            return False
        if f.language and (source is None or source.language != f.language):
            return False
        return f.kind is None or (source is not None and source.kind is f.kind)

    def _named(self, question: str, subject: list[str]) -> np.ndarray:
        """How many of the question's words each finding names in its title or touchpoints.

        Of a question with a subject only the subject's words count, and only for a finding
        that names most of them or the words that carry at least half of their weight (each
        word weighed by its inverse document frequency in the study; one the study never uses
        weighs most). So the distinctive words choose: 'the vegan options' does not name a
        theme on the support bot's menu options, nor 'does the app crash?' one on the app's
        missing phone number, while 'can people skip a week easily?' names "Can't find how to
        skip a week".
        """
        if not subject:
            words = set(tokens(question))
            return np.array([len(words & w) for w in self._finding_words], dtype=np.float32)
        idf = self.retriever.bm25.idf
        weight = {t: idf(t) for t in subject}
        whole = sum(weight.values())
        named = [weight.keys() & w for w in self._finding_words]
        return np.array(
            [
                len(n) if 2 * len(n) > len(weight) or 2 * sum(weight[t] for t in n) >= whole else 0
                for n in named
            ],
            dtype=np.float32,
        )

    def _in_their_words(self, question: str, subject: list[str]) -> list[str]:
        """The subject in the words the findings are named in: a Chinese question over a study
        written in another language names its themes by the words that mean its own (配送 ->
        delivery). "大家对配送有什么不满" over the sample had listed no theme at all, while
        "What frustrates people about delivery?" led with its 14- and 10-participant ones."""
        if not subject or not CJK.search(question) or self.retriever.chinese:
            return subject
        # the closest word for each (配送 means delivery and courier; a theme naming either is on
        # it, and the subject's words are all to be named); when a touchpoint of several words
        # holding it means the word too, the one of its words the findings are mostly about:
        # 客服 is closest to "customer", then "customer support", and the findings say
        # "support" (the stage, "Support is impossible to reach"); "What is customer service
        # like?" in Chinese had named only the two findings whose touchpoint is customer support
        vocabulary = self._finding_vocabulary + self._finding_phrases
        meant = self._glossary.meaning(subject, vocabulary, self._zh_probes)
        out = []
        for word, words in zip(subject, meant, strict=True):
            if not words:
                out.append(word)
                continue
            top = tokens(words[0])
            phrases = [tokens(p) for p in words if " " in p]
            held = [w for ws in phrases if set(top) <= set(ws) for w in ws]
            candidates = list(dict.fromkeys([*top, *held]))
            out.append(max(candidates, key=lambda w: self._core_uses[w]))
        return out

    def _matching(
        self,
        question: str,
        vector: np.ndarray,
        f: Filters,
        above: float = FINDING_ABOVE,
        subject: list[str] | None = None,
        cited: Sequence[Evidence] = (),
    ) -> list[tuple[str, Finding]]:
        """Findings close to the question in meaning, naming its words (see `_named`) or
        quoting the words `cited` for it (a keyword's worth), best first."""
        if not self._findings:
            return []
        overlap = self._named(question, subject or [])
        quoting = np.array([_quotes_any(x, cited) for _, x in self._findings], dtype=np.float32)
        scores = self._finding_vectors @ vector + KEYWORD_BONUS * (overlap + quoting)
        out = []
        naming: set[str] = set()  # findings that name the subject: on it, however far
        for i in np.argsort(-scores, kind="stable"):
            stage, finding = self._findings[int(i)]
            # one that names the subject in its title, main touchpoint or stage is on it however
            # far its words are in meaning (a ten-person "Ten minutes on hold" of the
            # customer-support touchpoint was left out of "What frustrates people about
            # customer support?": its quotes never say "support"; "Chat is a bot that loops
            # forever" of "What do people say about support?"); others need FINDING_ABOVE. Of
            # one participant, only what is near the question ("What did P4 say about
            # support?" is answered by what P4 said there, not by each theme P4 is in)
            core = bool(subject and overlap[i] > 0 and self._finding_core[i] & set(subject))
            if not (core and not f.participant) and scores[i] < (above if core else FINDING_ABOVE):
                continue
            if self._fits(stage, finding, f):
                out.append((float(scores[i]), stage, finding))
                if core:
                    naming.add(finding.id)
        if not out:
            return []
        # As relevant as the best (within a keyword's worth): the widest felt first, so a
        # small theme that merely names the question's word does not lead the answer; one
        # further below the best than two keywords' worth is another subject ("Do shifts"
        # under "and the courier?", beside "Courier was really nice").
        best = out[0][0]
        out = [x for x in out if x[0] >= best - 2 * KEYWORD_BONUS or x[2].id in naming]
        # those on the subject, the widest first: "Support is impossible to reach" (3 people,
        # "support" in its title) had led "What do people say about support?" over ten on hold
        out.sort(
            key=lambda x: (
                x[0] < best - KEYWORD_BONUS and x[2].id not in naming,
                -x[2].participants,
                -x[0],
            )
        )
        return [(stage, finding) for _, stage, finding in out[:ANSWERED]]

    def _top_findings(self, f: Filters) -> list[tuple[str, Finding]]:
        """The most severe and widely felt findings within the filters."""
        fitting = [(s, x) for s, x in self._findings if self._fits(s, x, f)]

        def reach(x: Finding) -> float:  # within the segment named, when one is
            return float(_in_segment(x, f)) if f.segment else x.share

        # as widely felt: the problem first (a pain point and a delight of 7 people each,
        # severity and strength 4, went by their ids)
        fitting.sort(
            key=lambda sf: (
                -sf[1].severity * reach(sf[1]),
                not isinstance(sf[1], PainPoint),
                sf[1].id,
            )
        )
        if f.compared:  # what differs most between the groups compared leads, then the widest
            key, values = f.compared
            sizes = self.map.sources.segments.get(key, {})

            def gap(x: Finding) -> float:
                shares = [
                    x.segments.get(key, {}).get(v, 0) / max(1, sizes.get(v, 0)) for v in values
                ]
                return max(shares) - min(shares)

            fitting.sort(key=lambda sf: -gap(sf[1]))
        return fitting[:3]

    def _follow_ups(self, lang: Lang, top: tuple[str, Finding] | None) -> list[str]:
        stages = [s for s in self.map.stages if s.pain_points]
        # where it hurts most: the stage whose pain points reach most people, most severely (a
        # stage of five quotes can have the lowest mean feeling and little to say)
        worst = max(
            stages,
            key=lambda s: (sum(p.participants * p.severity for p in s.pain_points), s.name),
            default=None,
        )
        out = []
        if top:
            out.append(
                lang.t(
                    f"Who mentions \u201c{top[1].title}\u201d, and in which segments?",
                    f"哪些参与者提到了“{top[1].title}”？",
                )
            )
        if worst:
            # a Chinese question over an English map names a bundled stage in Chinese (the
            # question reader knows both names), and the other way round
            named = self._stage_as_asked(worst.name, lang)
            out.append(
                lang.t(
                    f"What frustrates people during {named}?",
                    f"在“{named}”阶段，什么最让人不满？",
                )
            )
        # the touchpoint most participants name across the study (not the first stage's first)
        reach: Counter[str] = Counter()
        for s in self.map.stages:
            for t in s.touchpoints:
                reach[t.name] += t.participants
        # a touchpoint is suggested in the question's script (an English name inside a
        # Chinese question reads as a slip)
        reach = Counter({k: v for k, v in reach.items() if bool(CJK.search(k)) == lang.zh})
        if reach:
            widest = min(reach, key=lambda name: (-reach[name], name))
            out.append(
                lang.t(
                    f"What do participants say about the {widest}?",
                    f"参与者如何评价{widest}？",
                )
            )
        return out[:3]


def _quotes_any(finding: Finding, cited: Sequence[Evidence]) -> bool:
    """Whether a finding quotes any of the words cited (a span overlapping one of them)."""
    return any(
        e.source_id == c.source_id and e.char_start < c.char_end and c.char_start < e.char_end
        for e in finding.evidence
        for c in cited
    )


def _bare(word: str) -> str:
    """A word without its possessive ("ledgerly'" of "Ledgerly's", as `tokens` leaves it)."""
    return re.sub(r"'s?$", "", word)


def _names(question: str) -> set[str]:
    """The tokens of a question's capitalised words past its first (Apple, HelloFresh, Uber):
    names of things."""
    words = re.findall(r"(?<=[\s(\"'])[A-Z][A-Za-z0-9]+", question.strip())
    return {t for w in words for t in tokens(w)}


_WHY = re.compile(
    r"\b(?:why|how come|reasons?|what (?:makes?|made|drives?|drove|causes?|caused|push(?:es)?|"
    r"pushed|leads?|led))\b|为什么|为啥|原因|怎么会|什么让|是什么让",
    re.IGNORECASE,
)
"""A question for reasons: with LEAVING_QUESTION, why people leave (`Gatherer._leaving`)."""


_FILLER = re.compile(r"\b(?:mainly|mostly|basically|really|just|probably|maybe|actually)\b", re.I)


def _contentless(quote: str) -> bool:
    """A quote too slight to cite: all someone else's words (a think-aloud reading out a menu:
    '"Change plan," "Payment method," "Pause or cancel."' answered why people cancel); or, in
    English, it names nothing, or it is at most three words of which one is a filler, or it
    trails off ("Subscription...")."""
    if only_quoted(quote):
        return True
    if CJK.search(quote):
        return False
    words = quote.split()
    return (
        not names_something(quote)
        or len(words) <= 1
        or (quote.rstrip().endswith(("...", "…")) and len(words) <= 3)
        or (len(words) <= 3 and bool(_FILLER.search(quote)))
    )


def _in_segment(finding: Finding, f: Filters) -> int:
    """How many of a finding's participants are in the segment the question names (0 when it
    names none)."""
    return finding.segments.get(f.segment[0], {}).get(f.segment[1], 0) if f.segment else 0


def _with(quote: str, sentiment: str) -> float:
    """How strongly a quote says what the question asks for, as the local reader reads it:
    a complaint's valence under a question about frustrations, praise's under one about what
    people like (0 for neither)."""
    valence = read_sentence(quote).valence
    return max(0.0, -valence) if sentiment == "pain" else max(0.0, valence)


def _opposing(quotes: list[Evidence], sentiment: str) -> int:
    """How many quotes say the opposite of what the question asks for, as the local reader
    reads them."""
    opposite = "delight" if sentiment == "pain" else "pain"
    return sum(_with(q.quote, opposite) > 0 for q in quotes)


def _against(quote: str, sentiment: str) -> bool:
    """A quote that says the opposite of what the question asks for: clear praise under a
    question about frustrations, a clear complaint under one about what people like."""
    polarity = sentiment_of(quote)
    return polarity >= 0.3 if sentiment == "pain" else polarity <= -0.3


_TREND = re.compile(
    r"\b(?:over time|increas\w*|decreas\w*|trend\w*|(?:getting|got|become|becoming) (?:worse|"
    r"better)|more and more|fewer and fewer|less and less|month (?:over|on|by) month|"
    r"(?:this|last) (?:month|year|quarter) (?:than|compared)|since (?:the|last|january|february|"
    r"march|april|may|june|july|august|september|october|november|december|\d))\b"
    r"|越来越|趋势|变多|变少|增多|减少|增加|上升|下降|比以前|比上个?月",
    re.IGNORECASE,
)
"""A question about change over time ("Are complaints about the trial charge increasing?")."""


_CHANGE = re.compile(
    r"\b(?:chang\w*|improv\w*|fixed|still|any ?more|no longer|since|after the|before the|"
    r"before and after|between (?:wave|round|period|phase|version|release)s?|worse|better|"
    r"(?:the|this|that|last|latest) (?:update|upgrade|release|version)|new(?:ly)? "
    r"(?:broken|problems?|issues?|complaints?)|what'?s new|redesign\w*|relaunch\w*)\b"
    r"|变化|改变|变了|改善|改进|还是|仍然|依然|之后|以后|以前|之前|修复|新出现",
    re.IGNORECASE,
)
"""A question about what changed between periods (only asked of a project that has them)."""
_CHANGED = {
    "new": ("new", "新出现"),
    "grown": ("grew", "增多"),
    "shrunk": ("shrank", "减少"),
    "resolved": ("gone", "消失"),
    "steady": ("about the same", "基本不变"),
}
"""A theme's change (journey.diff.ThemeStatus) as a chat answer says it, in plain words."""
_RISE = re.compile(
    r"\b(?:price|prices|fee|fees|cost|costs|rate|rates|charge|charges|subscription|tax|rent|"
    r"premium|premiums)\s+(?:increase|increases|rise|rises|hike|hikes|decrease|decreases|"
    r"drop|drops|change|changes)\b|(?:涨价|降价|价格上涨|价格变化|调价|提价)",
    re.IGNORECASE,
)
"""A price that changed, said as a noun: the question's subject, not a question about time."""
_BETTER = re.compile(
    r"\b(?:better|improv\w*|fixed|resolved|solved|sorted)\b|好了|改善|改进|修复|变好", re.I
)
_WORSE = re.compile(
    r"\b(?:worse|broken|break\w*|new (?:problems?|issues?|complaints?))\b|变差|更差|新问题|坏了",
    re.I,
)
_PERIOD_KEY = re.compile(
    r"wave|period|phase|round|sprint|quarter|month|year|release|version|before|after|cohort|"
    r"批次|期|轮|阶段|版本|月份|季度|年份",
    re.IGNORECASE,
)
"""A segment attribute that orders time."""
MAX_PERIODS = 12
_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january", "一月"), ("feb", "february", "二月"), ("mar", "march", "三月"),
            ("apr", "april", "四月"), ("may",), ("jun", "june", "六月"), ("jul", "july", "七月"),
            ("aug", "august", "八月"), ("sep", "sept", "september", "九月"),
            ("oct", "october", "十月"), ("nov", "november", "十一月"),
            ("dec", "december", "十二月"),
        ),
        start=1,
    )
    for m in names
}  # fmt: skip


def _on_side(value: str | None, side: Side) -> bool:
    return value is not None and (value == side if isinstance(side, str) else value in side)


_RELEASE = re.compile(r"(?<![\w.])v?(\d+(?:\.\d+)+)(?!\d)")
"""A release as a question names it: 4.2, v4.2.1."""


def _names_period(question: str, key: str, value: str) -> bool:
    """Whether a question names a period: as a word ("september", "4.2.0"), a release by its
    leading numbers ("4.2" for 4.2.0 and 4.2.1), or a bare number after the attribute's name
    ("wave 2", 第2期)."""
    if value.isdigit():
        return bool(
            re.search(
                rf"(?i)\b{re.escape(key)}\s*{value}\b|(?<!\d){value}(?!\d)\s*(?:期|轮)", question
            )
        )
    if re.search(rf"(?<![\w.]){re.escape(value)}(?![\w])", question, re.IGNORECASE):
        return True
    releases = _RELEASE.findall(question)
    return any(value.lstrip("vV") == r or value.lstrip("vV").startswith(r + ".") for r in releases)


def _one_release(question: str, named: Sequence[str]) -> bool:
    """Whether the values named are one release's (4.2.0 and 4.2.1 for "4.2")."""
    return len(_RELEASE.findall(question)) == 1 and not any(
        re.search(rf"(?<![\w.]){re.escape(v)}(?![\w])", question) for v in named[1:]
    )


def _period_order(value: str) -> tuple[int, tuple[object, ...]]:
    """Periods in time order: month names by month, others as numbers and words read."""
    month = _MONTHS.get(value.strip().casefold())
    return (0, (month,)) if month else (1, tuple(natural_key(value)))


def _trend_note(lang: Lang, question: str) -> str | None:
    """What an answer to a question about change over time does not know: the map counts who
    said what across the study, and does not compare periods (a fitness-app trial's answer
    listed the theme as if that said it was growing)."""
    if not _TREND.search(question):
        return None
    return lang.t(
        "These counts cover the whole study; they do not compare periods. To see a change over "
        "time, tag the sources by period (a table's month column with `--segment-column`, or "
        "`--segment wave=2` on ingest) and run `journeymap diff A B --by <that attribute>`.",
        "以上数字覆盖整个研究，并未比较不同时期。要看随时间的变化：导入时按时期标注来源"
        "（表格的月份列用 `--segment-column`，或 `--segment wave=2`），"
        "再运行 `journeymap diff A B --by <该属性>`。",
    )
