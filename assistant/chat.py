"""Ask a study questions: answers that rest only on verbatim, grounded participant quotes.

Local mode (no LLM) answers extractively: the map's matching pain points, delights and
touchpoints with their counts, and the retrieved quotes that support them.
"""

import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np

from assistant.extractor import meaning_text
from assistant.llm_chat import Markers, write_answer
from assistant.mapping import current_map
from assistant.retrieval import BM25, FEEDBACK_DOCS, fuse, tokens, topic
from assistant.workspace import Workspace
from ingest.sentences import sentence_spans
from journey.grounding import ground
from journey.schema import ChatAnswer, Evidence, Finding, PainPoint
from journey.source import Role, Source, SourceKind, Turn

if TYPE_CHECKING:
    from assistant.llm import LLM

NULL_QUESTIONS = (
    "What do people think of the opera tickets?",
    "How was the weather at the beach?",
    "Did the football team win the match?",
    "What is the best programming language?",
    "How do I repair a bicycle tyre?",
    "Which planet is closest to the sun?",
    "明天的天气怎么样？",
    "股票市场今天表现如何？",
)
"""Questions about nothing a study is likely to hold. How well the study's best passage matches
them is the similarity that chance alone reaches in this corpus: the relevance bar is the
second highest (so one probe that happens to be on the study's subject does not raise it)."""
FINDING_ABOVE = 0.3
KEYWORD_BONUS = 0.15
"""Added to a finding's similarity for each question word in its title or touchpoints."""
WHOLE_TURN_CHARS = 320
"""A cited passage longer than this is cut to its sentence closest to the question."""
PASSAGE_CHARS = 1000
"""A retrieved passage shows at most this many characters of its participant's turns (the
interviewer text it steps over is not shown and not counted)."""
STEP_OVER_CHARS = 200
"""Interviewer or observer text a passage may step over between one participant's turns."""
_OFF_TOPIC = re.compile(
    r"\b(write|compose|generate|tell me)\b.{0,40}\b(poem|song|story|essay|joke|code|limerick)\b"
    r"|\b(poem|haiku|limerick|joke)\b|\b(capital of|weather (?:in|today)|stock price)\b"
    r"|写(?:一首|首)?诗|讲个笑话",
    re.IGNORECASE,
)
_HOW_MANY = re.compile(r"\bhow many\b|\bhow often\b|\bnumber of\b|多少|几个", re.IGNORECASE)
_PAIN = re.compile(
    r"frustrat|annoy|complain|problem|pain|issue|difficult|hate|bad|worst|wrong|fail|"
    r"struggl|confus|unhappy|dissatisf|不满|问题|麻烦|困难|抱怨",
    re.IGNORECASE,
)
_JOY = re.compile(
    r"\blike|love|enjoy|delight|happy|best|good|great|positive|满意|喜欢|开心", re.IGNORECASE
)

_PARTICIPANT = re.compile(r"\b(?:P|Participant\s*)(\d{1,4})\b", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_FOLLOW_UP = re.compile(
    r"^(?:(?:and|what about|how about|also|same for|then)\b|那么|那|还有|至于)", re.IGNORECASE
)
_PARTICIPANT_TOKEN = re.compile(r"^p\d{1,4}$")


@dataclass(frozen=True)
class Filters:
    """What a question (or the caller) narrows the search to."""

    participant: str | None = None
    stage: str | None = None
    kind: SourceKind | None = None
    sentiment: str | None = None
    """'pain' or 'delight' when the question asks for one."""


@dataclass
class _Passage:
    """One participant's consecutive turns in one source, stepping over short interviewer or
    observer turns between them ("mm-hm", "go on"), which are never cited."""

    source: Source
    turns: list[Turn]
    """The participant's turns only."""
    start: int
    end: int

    @property
    def speaker(self) -> str | None:
        return self.turns[0].speaker

    @property
    def shown(self) -> int:
        """Characters of the participant's turns (what a citation of it shows)."""
        return sum(t.char_end - t.char_start for t in self.turns)

    def runs(self, original: str) -> list[list[Turn]]:
        """The passage's turns in runs with nothing but white space between (citable spans)."""
        out: list[list[Turn]] = []
        for turn in self.turns:
            if out and not original[out[-1][-1].char_end : turn.char_start].strip():
                out[-1].append(turn)
            else:
                out.append([turn])
        return out


def passages(source: Source, original: str, limit: int = PASSAGE_CHARS) -> list[_Passage]:
    """A source's participant turns grouped into passages spanning up to `limit` characters."""
    out: list[_Passage] = []
    for turn in source.turns:
        if turn.role is not Role.participant:
            continue
        last = out[-1] if out else None
        between = source.turns[last.turns[-1].index + 1 : turn.index] if last else []
        if (
            last is not None
            and all(t.role is not Role.participant for t in between)
            and sum(t.char_end - t.char_start for t in between) <= STEP_OVER_CHARS
            and last.turns[-1].speaker == turn.speaker
            and last.turns[-1].section == turn.section
            and last.shown + turn.char_end - turn.char_start <= limit
        ):
            last.turns.append(turn)
            last.end = turn.char_end
        else:
            out.append(_Passage(source, [turn], turn.char_start, turn.char_end))
    return out


@dataclass(frozen=True)
class _Lang:
    zh: bool

    def t(self, en: str, zh: str) -> str:
        return zh if self.zh else en


@dataclass
class _Gathered:
    """What an answer is built from: findings with counts and grounded quotes."""

    lang: _Lang
    findings: list[tuple[str, Finding]]
    quotes: list[Evidence]
    participant: str | None = None
    """The one participant the question is about: a finding is quoted in their words only."""


class Chat:
    """Answers questions about one project from its map and its participants' turns."""

    def __init__(self, workspace: Workspace, project: str, dense_only: bool = False) -> None:
        self.workspace, self.project, self.dense_only = workspace, project, dense_only
        self.map = current_map(workspace, project)
        stored = workspace.catalog.sources(project)
        self._originals = {s.source.id: s.original for s in stored}
        self._redactor = workspace.redactor(project)
        self._passages = [p for s in stored for p in passages(s.source, s.original)]
        self._at = {
            (p.source.id, t.index): i for i, p in enumerate(self._passages) for t in p.turns
        }
        self._people = set(
            tokens(" ".join(f"{p.speaker or ''} {p.source.participant_id}" for p in self._passages))
        )
        self._bm25 = BM25.build([" ".join(t.text for t in p.turns) for p in self._passages])
        self._allowed: dict[str, list[tuple[int, int]]] = {}
        for p in self._passages:
            for run in p.runs(self._originals[p.source.id]):
                self._allowed.setdefault(p.source.id, []).append(
                    (run[0].char_start, run[-1].char_end)
                )
        self._findings: list[tuple[str, Finding]] = [
            (stage.name, f)
            for stage in self.map.stages
            for f in (*stage.pain_points, *stage.delights)
        ]
        texts = [
            f"{f.title}. " + " ".join(e.quote for e in f.evidence[:3]) for _, f in self._findings
        ]
        self._finding_vectors = workspace.embedder.embed([meaning_text(t) for t in texts])
        self._finding_words = [
            set(tokens(f"{f.title} {' '.join(f.touchpoints)}")) for _, f in self._findings
        ]

    @property
    def writes(self) -> bool:
        """Whether answers are written by an LLM (streamed as they come) or extractive."""
        return self.workspace.llm() is not None

    def _redact(self, text: str) -> str:
        return self._redactor.redact(text)[0]

    def filters_for(self, question: str) -> Filters:
        """The filters a question implies: a participant, a stage, a kind, a sentiment."""
        participant = None
        if m := _PARTICIPANT.search(question):
            participant = f"P{int(m.group(1))}"
        lower = question.lower()
        stage = next((s.name for s in self.map.stages if s.name.lower() in lower), None)
        kind = (
            SourceKind.review
            if re.search(r"\breviews?\b|评论|评价", lower)
            else SourceKind.interview
            if re.search(r"\binterviews?\b|访谈", lower)
            else None
        )
        sentiment = (
            "pain" if _PAIN.search(question) else "delight" if _JOY.search(question) else None
        )
        return Filters(participant, stage, kind, sentiment)

    def _keep(self, passage: _Passage, f: Filters) -> bool:
        if f.kind and passage.source.kind is not f.kind:
            return False
        if f.participant:
            names = {
                passage.source.participant_id.replace("Participant ", "P"),
                (passage.speaker or "").replace("Participant ", "P"),
            }
            if f.participant not in names:
                return False
        return True

    def _ranked(self, question: str, f: Filters, n: int) -> tuple[list[int], dict[int, float]]:
        """Passage indices, best first, and the dense similarity of those the store found."""
        where: dict[str, object] = {"role": "participant"}
        if f.kind:
            where = {"$and": [where, {"kind": f.kind.value}]}
        hits = self.workspace.store.query(self.project, meaning_text(question), n=n, where=where)
        dense: list[int] = []
        similarity: dict[int, float] = {}
        for hit in hits:
            sid = str(hit.metadata["source_id"])
            first, last = int(hit.metadata["turn_start"]), int(hit.metadata["turn_end"])
            for index in range(first, last + 1):
                i = self._at.get((sid, index))
                if i is None or i in similarity:
                    continue
                # every passage's similarity, kept or not: whether the study speaks to the
                # subject at all is asked before narrowing to a participant
                similarity[i] = 1 - hit.distance
                if self._keep(self._passages[i], f):
                    dense.append(i)
        if self.dense_only:
            return dense, similarity
        scored = self._bm25.scores(question)
        keyword = [i for _, i in scored if self._keep(self._passages[i], f)][:n]
        fused = fuse(dense, keyword)
        # pseudo-relevance feedback: the words of the best passages find the turns that say
        # the same thing in other words than the question's; fused with the hybrid ranking
        words = self._bm25.feedback_terms(fused[:FEEDBACK_DOCS], question)
        more = self._bm25.score_terms(words)
        feedback = [i for _, i in more if self._keep(self._passages[i], f)][:n]
        return fuse(fused[:n], feedback), similarity

    def _cite(self, source: Source, turns: list[Turn], start: int, end: int) -> Evidence:
        turn = next(t for t in turns if t.char_end >= start)
        return Evidence(
            quote=self._redact(self._originals[source.id][start:end]),
            source_id=source.id,
            source_path=source.path,
            char_start=start,
            char_end=end,
            speaker=turn.speaker,
            participant_id=source.participant_id,
            timestamp=turn.start,
        )

    def _whole(self, passage: _Passage) -> list[Evidence]:
        """The passage as citations: one per run of the participant's turns."""
        original = self._originals[passage.source.id]
        return [
            self._cite(passage.source, run, run[0].char_start, run[-1].char_end)
            for run in passage.runs(original)
        ]

    def _best(self, passage: _Passage, question_vector: np.ndarray) -> Evidence:
        """The passage if it is one short run, else its sentence closest to the question."""
        original = self._originals[passage.source.id]
        runs = passage.runs(original)
        if len(runs) == 1 and runs[0][-1].char_end - runs[0][0].char_start <= WHOLE_TURN_CHARS:
            return self._cite(passage.source, runs[0], runs[0][0].char_start, runs[0][-1].char_end)
        spans = [
            span
            for run in runs
            for span in sentence_spans(
                original[run[0].char_start : run[-1].char_end], run[0].char_start
            )
        ]
        texts = [meaning_text(self._redact(original[s:e])) for s, e in spans]
        best = int(np.argmax(self.workspace.embedder.embed(texts) @ question_vector))
        return self._cite(passage.source, passage.turns, *spans[best])

    def retrieve_passages(
        self, question: str, k: int = 10, filters: Filters | None = None
    ) -> list[list[Evidence]]:
        """The k participant passages that best answer a question, best first, each as its
        grounded citations (a passage steps over short interviewer turns, never quoting them):
        the context an LLM answer is written from."""
        f = filters or self.filters_for(question)
        ranked, _ = self._ranked(question, f, max(30, 3 * k))
        out = []
        for i in ranked[:k]:
            kept = ground(
                self._whole(self._passages[i]), self._originals, self._redact, self._allowed
            ).kept
            if kept:
                out.append(kept)
        return out

    def retrieve(
        self, question: str, k: int = 10, filters: Filters | None = None
    ) -> list[Evidence]:
        """The citations of the k best passages (see `retrieve_passages`), flattened."""
        return [e for group in self.retrieve_passages(question, k, filters) for e in group]

    def ask(
        self, question: str, filters: Filters | None = None, conversation: str | None = None
    ) -> ChatAnswer:
        """Answer from the study only (see `stream`); the whole answer at once."""
        answer = None
        for piece in self.stream(question, filters, conversation):
            if isinstance(piece, ChatAnswer):
                answer = piece
        assert answer is not None
        return answer

    def stream(
        self, question: str, filters: Filters | None = None, conversation: str | None = None
    ) -> Iterator[str | ChatAnswer]:
        """Answer from the study only: text as it is written, then the whole answer object.

        With an LLM configured the model writes the answer from the retrieved quotes and the
        map's counts; offline the answer is extractive. A short follow-up ("and in
        onboarding?") builds on the conversation's previous question; each turn is kept in
        the workspace under `conversation`.
        """
        history = (
            self.workspace.catalog.conversation(self.project, conversation) if conversation else []
        )
        asked, query, filters = self._resolve(question, history, filters)
        llm = self.workspace.llm()
        if llm is None:
            answer = self._extractive(query, filters)
            for line in answer.answer.split("\n"):
                yield line + "\n"
        else:
            answer = yield from self._written(llm, question, query, filters, history)
        if conversation:
            self.workspace.catalog.add_turn(
                self.project, conversation, question, asked, answer.answer
            )
            answer = answer.model_copy(update={"conversation_id": conversation})
        yield answer

    def _resolve(
        self, question: str, history: list[tuple[str, str, str]], filters: Filters | None
    ) -> tuple[str, str, Filters]:
        """(what the turn stands for in the conversation, what to search for, the filters).

        A follow-up ("and during sign-up?") keeps the previous question's sentiment, kind and
        participant but searches for its own subject, so it does not repeat the last answer;
        one with no subject of its own ("and P2?", "and in reviews?") re-asks the previous
        question within its own filters.
        """
        own = filters or self.filters_for(question)
        lead = _FOLLOW_UP.match(question.strip())
        if not history or not lead:
            return question, question, own
        before = history[-1][1]
        context = self.filters_for(before)
        focus = question.strip()[lead.end() :].strip(" ?？.,，")
        subject = bool(self._subject(focus, own)) or (own.stage is not None)
        merged = Filters(
            participant=own.participant or context.participant,
            stage=own.stage or (None if subject else context.stage),
            kind=own.kind or context.kind,
            sentiment=own.sentiment or context.sentiment,
        )
        asked = f"{before} {question}"
        if not subject:
            return asked, before, merged
        # the last question's frame with the new subject: "what frustrates people about
        # delivery?" + "and during sign-up?" searches "what frustrates people about during
        # sign-up" (a bare "during sign-up" is too little to search by meaning)
        frame = before
        for word in set(self._subject(before, context)):
            if word.isascii():
                frame = re.sub(rf"\b{re.escape(word)}\w*", " ", frame, flags=re.IGNORECASE)
        frame = " ".join(frame.split()).rstrip(" ?？.")
        return asked, f"{frame} {focus}", merged

    def _gate(self, question: str, filters: Filters | None) -> "ChatAnswer | _Gathered":
        """A refusal or an abstention, or what the answer will be built from."""
        lang = _Lang(zh=bool(_CJK.search(question)))
        if _OFF_TOPIC.search(question):
            return ChatAnswer(
                answer=lang.t(
                    "I can only answer questions about this study's interviews and reviews.",
                    "我只能回答与本研究的访谈和评论有关的问题。",
                ),
                citations=[],
                abstained=True,
                follow_ups=self._follow_ups(lang, None),
            )
        f = filters or self.filters_for(question)
        vector = self.workspace.embedder.embed([meaning_text(question)])[0]
        ranked, similarity = self._ranked(question, f, 30)
        subject = self._subject(question, f)
        bar = self._bar
        if subject:
            # About the question's subject: the best passage beats what chance reaches in this
            # corpus, and the study uses at least half of the subject's words (a Chinese question's
            # character pairs are no words, and may be asked of English sources: there the
            # dense evidence decides alone).
            best = max(similarity.values(), default=0.0)
            found = sum(self._bm25.attested(t) for t in subject)
            said = 2 * found >= len(subject) or bool(_CJK.search(question))
            # or, the other way round, participants use every word of the subject in one
            # passage ("sign-up", which short turns rarely match by meaning alone)
            spoken = not _CJK.search(question) and any(
                all(t in doc for t in subject) for doc in self._bm25.docs
            )
            if not ((best > bar and said) or spoken):
                return self._nothing(lang)
            findings = self._matching(question, vector, f, above=bar)
            words = set(subject)
            # never padded: a quote is cited only if it beats chance or uses the subject's words
            chosen = [
                i
                for i in ranked[:6]
                if similarity.get(i, 0.0) > bar or words & self._bm25.docs[i].keys()
            ]
        else:  # "what went wrong?", "what did P3 say?": the study's own headlines answer it
            findings = self._matching(question, vector, f, above=bar)
            if not findings and not f.participant:
                findings = self._top_findings(f)
            chosen = [i for i in ranked[:6] if f.participant or similarity.get(i, 0.0) > bar]
            if not (findings or chosen):
                chosen = ranked[:3]
        if not (findings or chosen):
            return self._nothing(lang)
        quotes = [self._best(self._passages[i], vector) for i in chosen]
        quotes = ground(quotes, self._originals, self._redact, self._allowed).kept
        return _Gathered(lang, findings, quotes, f.participant)

    def _nothing(self, lang: _Lang) -> ChatAnswer:
        return ChatAnswer(
            answer=lang.t(
                "The study has nothing on this: no participant quote matches the "
                "question closely enough to answer it.",
                "本研究中没有与此问题足够相关的内容，无法回答。",
            ),
            citations=[],
            abstained=True,
            follow_ups=self._follow_ups(lang, None),
        )

    def _subject(self, question: str, f: Filters) -> list[str]:
        """The question's subject words, less the stage and participant it names (filters)."""
        named = set(tokens(f.stage)) if f.stage else set()
        # a person ("what frustrated Maria?") is who, not what: names are the ones redaction
        # hides and the study's speaker labels
        named |= set(tokens(question)) - set(tokens(self._redact(question)))
        named |= self._people
        return [t for t in topic(question) if t not in named and not _PARTICIPANT_TOKEN.match(t)]

    @cached_property
    def _bar(self) -> float:
        """The relevance bar: the similarity the study's best passage reaches for questions
        about nothing it holds (see NULL_QUESTIONS); computed once per Chat."""
        bests = sorted(
            max(
                (
                    1 - h.distance
                    for h in self.workspace.store.query(
                        self.project, meaning_text(q), n=1, where={"role": "participant"}
                    )
                ),
                default=0.0,
            )
            for q in NULL_QUESTIONS
        )
        return bests[-2]

    def _with_quotes(
        self,
        findings: list[tuple[str, Finding]],
        lang: _Lang,
        quotes: list[Evidence],
        participant: str | None = None,
    ) -> list[tuple[str, Finding, str, str, list[str]]]:
        """Append each finding's first two quotes to `quotes`; per finding its stage, itself,
        its kind, its counts and the `[n]` markers of its quotes."""
        out = []
        for stage, finding in findings:
            marks = []
            evidence = [
                e
                for e in finding.evidence
                if not participant
                or (e.participant_id or "").replace("Participant ", "P") == participant
            ]
            for e in evidence[:2]:
                quotes.append(e)
                marks.append(f"[{len(quotes)}]")
            out.append((stage, finding, *self._counts(finding, lang), marks))
        return out

    def _counts(self, finding: Finding, lang: _Lang) -> tuple[str, str]:
        """(kind, "4 of 11 participants (36%), severity 3/5") from the map's own data."""
        total = self.map.sources.participants
        # A study of reviews only counts reviewers, not interview participants.
        reviews_only = set(self.map.sources.kinds) == {"review"}
        pain = isinstance(finding, PainPoint)
        kind = lang.t("pain point" if pain else "delight", "痛点" if pain else "亮点")
        return kind, lang.t(
            f"{finding.participants} of {total} {'reviewers' if reviews_only else 'participants'} "
            f"({finding.share:.0%}), {'severity' if pain else 'strength'} {finding.severity}/5",
            f"{total} {'位评论者' if reviews_only else '位参与者'}中有 {finding.participants} 位"
            f"（{finding.share:.0%}），{'严重度' if pain else '强度'} {finding.severity}/5",
        )

    def _written(
        self,
        llm: "LLM",
        question: str,
        asked: str,
        filters: Filters | None,
        history: list[tuple[str, str, str]],
    ) -> Generator[str, None, ChatAnswer]:
        """The model's answer from the gathered evidence, streamed; markers checked."""
        gathered = self._gate(asked, filters)
        if isinstance(gathered, ChatAnswer):
            yield gathered.answer
            return gathered.model_copy(update={"mode": "llm"})
        lang = gathered.lang
        quotes: list[Evidence] = []
        facts = [
            f"- {finding.title} ({kind}, {stage}): {counts}; quotes {''.join(marks)}"
            for stage, finding, kind, counts, marks in self._with_quotes(
                gathered.findings, lang, quotes, gathered.participant
            )
        ]
        seen = {(q.source_id, q.char_start) for q in quotes}
        quotes += [q for q in gathered.quotes if (q.source_id, q.char_start) not in seen]
        markers = Markers(len(quotes))
        text = ""
        turns = [(q, a) for q, _, a in history]
        for piece in write_answer(llm, question, facts, quotes, turns, markers):
            text += piece
            yield piece
        citations = [quotes[n - 1] for n in markers.used]
        return ChatAnswer(
            answer=text.strip(),
            citations=citations,
            abstained=not citations,
            follow_ups=self._follow_ups(lang, gathered.findings[0] if gathered.findings else None),
            mode="llm",
        )

    def _extractive(self, question: str, filters: Filters | None) -> ChatAnswer:
        """The matching findings with counts, and supporting quotes (no language model)."""
        gathered = self._gate(question, filters)
        if isinstance(gathered, ChatAnswer):
            return gathered
        lang, findings = gathered.lang, gathered.findings
        citations: list[Evidence] = []
        lines = [
            lang.t(
                "Extractive answer from the journey map and participants' own words "
                "(no language model):",
                "根据旅程地图和参与者原话的摘录式回答（未使用语言模型）：",
            )
        ]
        cited = self._with_quotes(findings, lang, citations, gathered.participant)
        for n, (stage, finding, kind, counts, marks) in enumerate(cited, start=1):
            lines.append(
                lang.t(
                    f"{n}. {finding.title} ({kind}, {stage}): {counts} {' '.join(marks)}",
                    f"{n}. {finding.title}（{kind}，{stage}）：{counts} {' '.join(marks)}",
                )
            )
        quotes = gathered.quotes
        seen = {(c.source_id, c.char_start) for c in citations}
        fresh = [q for q in quotes if (q.source_id, q.char_start) not in seen][
            : max(2, 6 - len(citations))
        ]
        if fresh:
            lines.append(lang.t("What participants said:", "参与者原话："))
            for q in fresh:
                citations.append(q)
                who = q.speaker or q.participant_id or "?"
                lines.append(f"[{len(citations)}] \u201c{_short(q.quote)}\u201d \u2014 {who}")
        if _HOW_MANY.search(question) and not findings:
            quoted = len({q.participant_id for q in fresh})
            lines.append(
                lang.t(
                    f"No map finding matches exactly; {quoted} participants are quoted above.",
                    f"地图中没有完全匹配的发现；上面引用了 {quoted} 位参与者。",
                )
            )
        checked = ground(citations, self._originals, self._redact, self._allowed)
        return ChatAnswer(
            answer="\n".join(lines),
            citations=checked.kept,
            abstained=False,
            follow_ups=self._follow_ups(lang, findings[0] if findings else None),
        )

    def _fits(self, stage: str, finding: Finding, f: Filters) -> bool:
        if f.stage and stage != f.stage:
            return False
        if f.sentiment and (f.sentiment == "pain") != isinstance(finding, PainPoint):
            return False
        return not f.participant or any(
            (e.participant_id or "").replace("Participant ", "P") == f.participant
            for e in finding.evidence
        )

    def _matching(
        self, question: str, vector: np.ndarray, f: Filters, above: float = FINDING_ABOVE
    ) -> list[tuple[str, Finding]]:
        """Findings close to the question in meaning or naming its words, best first."""
        if not self._findings:
            return []
        words = set(tokens(question))
        overlap = np.array([len(words & w) for w in self._finding_words], dtype=np.float32)
        scores = self._finding_vectors @ vector + KEYWORD_BONUS * overlap
        out = []
        for i in np.argsort(-scores, kind="stable"):
            stage, finding = self._findings[int(i)]
            if scores[i] < max(above, FINDING_ABOVE):
                break
            if self._fits(stage, finding, f):
                out.append((stage, finding))
            if len(out) == 3:
                break
        return out

    def _top_findings(self, f: Filters) -> list[tuple[str, Finding]]:
        """The most severe and widely felt findings within the filters."""
        fitting = [(s, x) for s, x in self._findings if self._fits(s, x, f)]
        fitting.sort(key=lambda sf: (-sf[1].severity * sf[1].share, sf[1].id))
        return fitting[:3]

    def _follow_ups(self, lang: _Lang, top: tuple[str, Finding] | None) -> list[str]:
        stages = [s for s in self.map.stages if s.pain_points]
        worst = min(stages, key=lambda s: s.emotion.mean_valence or 0.0, default=None)
        out = []
        if top:
            out.append(
                lang.t(
                    f"Who mentions \u201c{top[1].title}\u201d, and in which segments?",
                    f"哪些参与者提到了“{top[1].title}”？",
                )
            )
        if worst:
            out.append(
                lang.t(
                    f"What frustrates people during {worst.name}?",
                    f"在“{worst.name}”阶段，什么最让人不满？",
                )
            )
        touchpoints = [t.name for s in self.map.stages for t in s.touchpoints]
        if touchpoints:
            out.append(
                lang.t(
                    f"What do participants say about the {touchpoints[0]}?",
                    f"参与者如何评价{touchpoints[0]}？",
                )
            )
        return out[:3]


def _short(text: str, limit: int = 220) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
