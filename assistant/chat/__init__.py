"""Ask a study questions: answers that rest only on verbatim, grounded participant quotes.

`Chat` coordinates the rooms: `question` reads a question (filters, subject, follow-ups),
`retrieval` finds and cites passages, `answer` decides whether the study can answer and
gathers the findings and quotes, `writers` writes the answer (extractive offline, or by the
configured LLM).
"""

import dataclasses
import re
from collections.abc import Callable, Iterator

from assistant.chat.answer import Fact, Gatherer, Grounds
from assistant.chat.question import (
    Lang,
    QuestionReader,
    asks_most,
    asks_recommendations,
    asks_which_one,
    asks_who,
)
from assistant.chat.retrieval import Filters, Retriever
from assistant.chat.writers import writer_for
from assistant.mapping import current_map
from assistant.presets import other_names
from assistant.workspace import Workspace
from journey.schema import ChatAnswer, Evidence
from journey.text import HAN_CHAR as CJK_CHAR

__all__ = ["Chat", "Filters"]


class Chat:
    """Answers questions about one project from its map and its participants' turns."""

    def __init__(self, workspace: Workspace, project: str, dense_only: bool = False) -> None:
        self.workspace, self.project, self.dense_only = workspace, project, dense_only
        self.map = current_map(workspace, project)
        self._retriever = Retriever(workspace, project, dense_only)
        stages = [s.name for s in self.map.stages]
        self._reader = QuestionReader(
            stages,
            self._retriever.people,
            self._retriever.redact,
            {s: other_names(s) for s in stages},
            {k: list(v) for k, v in self.map.sources.segments.items()},
            list(self.map.sources.languages),
        )
        self._gatherer = Gatherer(self.map, self._retriever, self._reader)
        self._writer = writer_for(workspace.llm(), self._retriever)

    @property
    def writes(self) -> bool:
        """Whether answers are written by an LLM (streamed as they come) or extractive."""
        return self._writer.streams

    def filters_for(self, question: str) -> Filters:
        """The filters a question implies: a participant, a stage, a kind, a sentiment."""
        return self._reader.filters(question)

    def retrieve_passages(
        self, question: str, k: int = 10, filters: Filters | None = None
    ) -> list[list[Evidence]]:
        """The k participant passages that best answer a question, best first, each as its
        grounded citations (a passage steps over short interviewer turns, never quoting them):
        the context an LLM answer is written from."""
        return self._retriever.search(question, k, filters or self.filters_for(question))

    def retrieve(
        self, question: str, k: int = 10, filters: Filters | None = None
    ) -> list[Evidence]:
        """The citations of the k best passages (see `retrieve_passages`), flattened."""
        return [e for group in self.retrieve_passages(question, k, filters) for e in group]

    def _asks_by(self, question: str) -> str | None:
        """The segment attribute a question asks which of ("Which hotel has the noise
        problem?", "by platform", 哪个城市): one with two to twelve values."""
        for key, values in self.map.sources.segments.items():
            if key == "persona" or not 2 <= len(values) <= BY_VALUES:
                continue
            word = re.escape(key.strip())
            if CJK_CHAR.search(key):
                if re.search(rf"哪(?:个|家|些|一个)?{word}|按{word}|各{word}", question):
                    return key
            elif re.search(
                rf"\b(?:which|what|each|per|by|across|between)\s+(?:of the\s+)?{word}(?:e?s)?\b",
                question,
                re.IGNORECASE,
            ):
                return key
        return None

    def _who(self, fact: Fact, lang: Lang) -> str:
        """Who raises a finding, by id (the first WHO_LISTED, the rest counted)."""
        people = self._gatherer.people(fact.finding)
        shown = ", ".join(people[:WHO_LISTED])
        more = len(people) - WHO_LISTED
        return lang.t(
            f"; raised by {shown}{f' and {more} more' if more > 0 else ''}",
            f"；提到的人：{shown}{f' 等 {len(people)} 位' if more > 0 else ''}",
        )

    def _by(self, fact: Fact, key: str, lang: Lang) -> str:
        """A finding's reach in each value of a segment attribute, the widest first."""
        reach = fact.finding.segments.get(key, {})
        sizes = sorted(
            self.map.sources.segments.get(key, {}).items(), key=lambda kv: -reach.get(kv[0], 0)
        )
        shares = lang.t(", ", "，").join(
            lang.t(f"{v} {reach.get(v, 0)} of {n}", f"{v} {n} 位中 {reach.get(v, 0)} 位")
            for v, n in sizes
        )
        return lang.t(f"; by {key}: {shares}", f"；按{key}：{shares}")

    def _recommendations(self, lang: Lang, note: str | None) -> str | None:
        """The map's top recommendations as lines, each with the findings it answers: "What are
        the recommendations?" had abstained (no participant says "recommendation")."""
        recs = [
            f"- {r.title} ({r.stage}; {', '.join(r.addresses)}; priority {r.priority:.2f})"
            for r in self.map.recommendations[:RECOMMENDATIONS_LISTED]
        ]
        if not recs:
            return note
        head = lang.t(
            "The map's recommendations, highest priority first:", "地图给出的建议（按优先级）："
        )
        return "\n".join([head, *recs, *([note] if note else [])])

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
            self.workspace.repository.conversation(self.project, conversation)
            if conversation
            else []
        )
        turn = self._reader.resolve(question, history, filters)
        # answered in the language of the words just typed: "and the pricing?" after a
        # Chinese question searches with the Chinese frame but is answered in English
        grounds = self._gatherer.gather(turn.query, turn.filters, Lang.of(question), turn.why)
        # "who said that?" after "which of those is worst?" is about that one finding
        narrowed = bool(history) and asks_which_one(history[-1][0]) and not asks_most(question)
        if isinstance(grounds, Grounds) and narrowed and grounds.facts:
            grounds.facts.sort(key=lambda fact: -fact.finding.participants)
            grounds.facts = grounds.facts[:1]
        if isinstance(grounds, Grounds) and asks_most(question):
            # "which of those is most common?" (or worst): the widest first
            grounds.facts.sort(key=lambda fact: -fact.finding.participants)
            if asks_which_one(question) and grounds.facts:
                # the one asked for, not the list again (it repeated the last answer)
                grounds.facts = grounds.facts[:1]
        if isinstance(grounds, Grounds) and asks_who(question) and grounds.facts:
            # "who said that?": the people, by their ids, for each finding
            grounds.facts = _added(grounds.facts, lambda fact: self._who(fact, Lang.of(question)))
        if isinstance(grounds, Grounds) and grounds.facts and (key := self._asks_by(question)):
            # "Which hotel has the noise problem?": each finding's reach by that attribute
            by = key
            grounds.facts = _added(
                grounds.facts, lambda fact: self._by(fact, by, Lang.of(question))
            )
        if isinstance(grounds, Grounds) and asks_recommendations(question):
            grounds.note = self._recommendations(Lang.of(question), grounds.note)
        answer = yield from self._writer.write(question, turn.query, grounds, history)
        if isinstance(grounds, Grounds) and grounds.facts and not answer.abstained:
            # which findings it states, so an assistant can open or curate them next
            ids = [fact.finding.id for fact in grounds.facts]
            answer = answer.model_copy(update={"findings": ids})
        # never suggest the question just asked (a stage question suggested itself)
        asked = {_plain(question), _plain(turn.query)}
        if any(_plain(x) in asked for x in answer.follow_ups):
            answer = answer.model_copy(
                update={"follow_ups": [x for x in answer.follow_ups if _plain(x) not in asked]}
            )
        if conversation:
            # a turn the study cannot answer is no context for the next one: a follow-up
            # after it builds on the last question it answered (one abstention had made every
            # later 为什么？ and 哪些人提到了？ of a conversation abstain)
            context = history[-1][1] if answer.abstained and history else turn.asked
            self.workspace.repository.add_turn(
                self.project, conversation, question, context, answer.answer
            )
            answer = answer.model_copy(update={"conversation_id": conversation})
        yield answer


WHO_LISTED = 15
"""Participants a who-question lists by id for one finding (the rest are counted)."""


BY_VALUES = 12
"""A segment attribute with more values than this is not split in an answer (it would be a
table, which `journeymap compare --by` is for)."""
RECOMMENDATIONS_LISTED = 3
"""The map's recommendations a question on what to do lists, highest priority first."""


def _added(facts: list[Fact], said: Callable[[Fact], str]) -> list[Fact]:
    """The facts with what `said` adds to each one's counts (who raises it, its reach by a
    segment attribute)."""
    return [dataclasses.replace(fact, counts=fact.counts + said(fact)) for fact in facts]


def _plain(text: str) -> str:
    """A question as compared: lower case, letters and digits only (quotes and marks aside)."""
    return "".join(c for c in text.casefold() if c.isalnum())
