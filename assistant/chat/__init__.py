"""Ask a study questions: answers that rest only on verbatim, grounded participant quotes.

`Chat` coordinates the rooms: `question` reads a question (filters, subject, follow-ups),
`retrieval` finds and cites passages, `answer` decides whether the study can answer and
gathers the findings and quotes, `writers` writes the answer (extractive offline, or by the
configured LLM).
"""

import dataclasses
from collections.abc import Iterator

from assistant.chat.answer import Gatherer, Grounds
from assistant.chat.question import Lang, QuestionReader, asks_most, asks_which_one, asks_who
from assistant.chat.retrieval import Filters, Retriever
from assistant.chat.writers import writer_for
from assistant.mapping import current_map
from assistant.presets import other_names
from assistant.workspace import Workspace
from journey.schema import ChatAnswer, Evidence

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
        if isinstance(grounds, Grounds) and asks_most(question):
            # "which of those is most common?": the widest first (the worst: the most severe
            # of the widest)
            grounds.facts.sort(key=lambda fact: -fact.finding.participants)
            if asks_which_one(question) and grounds.facts:
                # the one asked for, not the list again (it repeated the last answer)
                grounds.facts = grounds.facts[:1]
        if isinstance(grounds, Grounds) and asks_who(question) and grounds.facts:
            # "who said that?": the people, by their ids, for each finding
            lang = Lang.of(question)
            named = []
            for fact in grounds.facts:
                people = self._gatherer.who(fact.finding)
                shown = ", ".join(people[:WHO_LISTED])
                more = len(people) - WHO_LISTED
                said = lang.t(
                    f"; raised by {shown}{f' and {more} more' if more > 0 else ''}",
                    f"；提到的人：{shown}{f' 等 {len(people)} 位' if more > 0 else ''}",
                )
                named.append(dataclasses.replace(fact, counts=fact.counts + said))
            grounds.facts = named
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


def _plain(text: str) -> str:
    """A question as compared: lower case, letters and digits only (quotes and marks aside)."""
    return "".join(c for c in text.casefold() if c.isalnum())
