"""The two answer writers: extractive (no model: the findings with their counts and the
quotes, as they are) and written by an LLM from numbered evidence only, its citation markers
checked as they stream, so a marker pointing at nothing never reaches the user."""

import logging
import re
from collections.abc import Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

import prompts
from assistant.chat.answer import Fact, Grounds
from assistant.chat.question import asks_how_many
from assistant.chat.retrieval import Retriever
from assistant.llm_types import Usage
from journey.schema import ChatAnswer, Evidence, who_said
from journey.text import shortened

if TYPE_CHECKING:
    from assistant.llm import LLM

log = logging.getLogger(__name__)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_OPEN_TAIL = re.compile(r"\[\d{0,3}$")

Written = Generator[str, None, ChatAnswer]
"""Text as it is written, then (returned) the whole answer."""


class Writer(Protocol):
    """Writes an answer from its grounds (or passes on an abstention)."""

    streams: bool
    """Whether text comes as the model writes it (True) or all at once."""

    def write(
        self,
        question: str,
        query: str,
        grounds: ChatAnswer | Grounds,
        history: Sequence[tuple[str, str, str]],
    ) -> Written:
        """`question` as asked, `query` as resolved against the conversation; `history` the
        conversation's earlier turns (question, what it stood for, answer)."""
        ...


def numbered(facts: Sequence[Fact], quotes: list[Evidence]) -> list[list[str]]:
    """Append each fact's quotes to `quotes`; per fact the `[n]` markers of its quotes."""
    out = []
    for fact in facts:
        marks = []
        for e in fact.quotes:
            quotes.append(e)
            marks.append(f"[{len(quotes)}]")
        out.append(marks)
    return out


def _none_say(grounds: Grounds) -> str:
    """That none of the quotes found says what the question asked for (see Grounds.against)."""
    if grounds.against == "delight":
        return grounds.lang.t(
            "No quote found is positive about this.", "找到的原话中没有正面评价。"
        )
    return grounds.lang.t("No quote found complains about this.", "找到的原话中没有不满。")


def _short(text: str, limit: int = 220) -> str:
    return shortened(text, limit)


class ExtractiveWriter:
    """The matching findings with counts, and supporting quotes (no language model)."""

    streams = False

    def __init__(self, retriever: Retriever) -> None:
        self.retriever = retriever

    def write(
        self,
        question: str,
        query: str,
        grounds: ChatAnswer | Grounds,
        history: Sequence[tuple[str, str, str]],
    ) -> Written:
        answer = (
            grounds
            if isinstance(grounds, ChatAnswer)
            else self._answer(query, grounds, asks_how_many(question))
        )
        for line in answer.answer.split("\n"):
            yield line + "\n"
        return answer

    def _answer(self, question: str, grounds: Grounds, how_many: bool = False) -> ChatAnswer:
        """The answer to `question` (as resolved); `how_many`: the turn typed asks how many
        ("how many people said that?" after a question with no finding)."""
        lang, facts = grounds.lang, grounds.facts
        citations: list[Evidence] = []
        lines = [
            lang.t(
                "Extractive answer from the journey map and participants' own words "
                "(no language model):",
                "根据旅程地图和参与者原话的摘录式回答（未使用语言模型）：",
            )
        ]
        for n, (fact, marks) in enumerate(zip(facts, numbered(facts, citations), strict=True), 1):
            title, stage, kind, counts = fact.finding.title, fact.stage, fact.kind, fact.counts
            lines.append(
                lang.t(
                    f"{n}. {title} ({kind}, {stage}): {counts} {' '.join(marks)}",
                    f"{n}. {title}（{kind}，{stage}）：{counts} {' '.join(marks)}",
                )
            )
        if grounds.note:
            lines.append(grounds.note)
        seen = {(c.source_id, c.char_start) for c in citations}
        fresh = [q for q in grounds.quotes if (q.source_id, q.char_start) not in seen][
            : max(2, 6 - len(citations))
        ]
        if fresh and grounds.against:
            lines.append(_none_say(grounds))
        if fresh:
            lines.append(lang.t("What participants said:", "参与者原话："))
            for q in fresh:
                citations.append(q)
                who = q.speaker or q.participant_id or "?"
                lines.append(f"[{len(citations)}] \u201c{_short(q.quote)}\u201d \u2014 {who}")
        if (how_many or asks_how_many(question)) and not facts:
            quoted = len({q.participant_id or q.source_id for q in fresh})
            lines.append(
                lang.t(
                    f"No map finding matches exactly; {quoted} "
                    f"{'participant is' if quoted == 1 else 'participants are'} quoted above.",
                    f"地图中没有完全匹配的发现；上面引用了 {quoted} 位参与者。",
                )
            )
        return ChatAnswer(
            answer="\n".join(lines),
            citations=self.retriever.grounded(citations),
            abstained=False,
            follow_ups=grounds.follow_ups,
        )


class LLMWriter:
    """The model's answer from the gathered evidence, streamed; markers checked."""

    streams = True

    def __init__(self, llm: "LLM") -> None:
        self.llm = llm

    def write(
        self,
        question: str,
        query: str,
        grounds: ChatAnswer | Grounds,
        history: Sequence[tuple[str, str, str]],
    ) -> Written:
        if isinstance(grounds, ChatAnswer):
            yield grounds.answer
            return grounds.model_copy(update={"mode": "llm"})
        quotes: list[Evidence] = []
        facts = [
            f"- {fact.finding.title} ({fact.kind}, {fact.stage}): {fact.counts}; "
            f"quotes {''.join(marks)}"
            for fact, marks in zip(grounds.facts, numbered(grounds.facts, quotes), strict=True)
        ]
        if grounds.against:
            facts.append(f"- {_none_say(grounds)}")
        seen = {(q.source_id, q.char_start) for q in quotes}
        quotes += [q for q in grounds.quotes if (q.source_id, q.char_start) not in seen]
        markers = Markers(len(quotes))
        text = ""
        turns = [(q, a) for q, _, a in history]
        for piece in write_answer(self.llm, question, facts, quotes, turns, markers):
            text += piece
            yield piece
        citations = [quotes[n - 1] for n in markers.used]
        return ChatAnswer(
            answer=text.strip(),
            citations=citations,
            abstained=not citations,
            follow_ups=grounds.follow_ups,
            mode="llm",
        )


class Markers:
    """Rewrites `[n]` markers while text streams: valid ones are renumbered in order of first
    use (so citations come out as [1], [2], ...), invalid ones are dropped."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.used: list[int] = []
        """Original numbers (1-based) of the quotes cited, in order of first use."""
        self._pending = ""

    def _rewrite(self, match: re.Match[str]) -> str:
        n = int(match.group(1))
        if not 1 <= n <= self.count:
            return ""
        if n not in self.used:
            self.used.append(n)
        return f"[{self.used.index(n) + 1}]"

    def feed(self, text: str) -> str:
        """The part of the stream that can be shown now (a half-written marker waits)."""
        text = self._pending + text
        tail = _OPEN_TAIL.search(text)
        cut = tail.start() if tail else len(text)
        self._pending = text[cut:]
        return _MARKER.sub(self._rewrite, text[:cut])

    def flush(self) -> str:
        """Whatever is left at the end of the stream."""
        text, self._pending = self._pending, ""
        return _MARKER.sub(self._rewrite, text)


def _history(turns: Sequence[tuple[str, str]], limit: int = 3) -> str:
    if not turns:
        return ""
    lines = ["Earlier in this conversation:"]
    for question, answer in turns[-limit:]:
        lines.append(f"Q: {' '.join(question.split())[:300]}")
        lines.append(f"A: {' '.join(_MARKER.sub('', answer).split())[:600]}")
    return prompts.fence("\n".join(lines)) + "\n\n"


def write_answer(
    llm: "LLM",
    question: str,
    facts: Sequence[str],
    quotes: Sequence[Evidence],
    history: Sequence[tuple[str, str]],
    markers: Markers,
) -> Iterator[str]:
    """Stream the model's answer from the facts and the numbered quotes, markers checked."""
    listed = [
        f"[{n}] {who_said(e) or 'participant'}: \u201c{' '.join(e.quote.split())}\u201d"
        for n, e in enumerate(quotes, 1)
    ]
    fields = {
        "history": _history(history),
        "facts": prompts.fence("\n".join(facts) or "(no map finding matches)"),
        "quotes": prompts.fence("\n".join(listed)),
        "question": " ".join(question.split())[:2000],
    }
    usage = Usage()
    for piece in llm.stream(prompts.load("chat"), fields, usage):
        if shown := markers.feed(piece):
            yield shown
    if rest := markers.flush():
        yield rest
    log.info(
        "chat answer: %d prompt + %d completion tokens",
        usage.prompt_tokens,
        usage.completion_tokens,
    )


def writer_for(llm: "LLM | None", retriever: Retriever) -> Writer:
    """The writer for the workspace's configuration: the one place chat asks for a model."""
    return ExtractiveWriter(retriever) if llm is None else LLMWriter(llm)
