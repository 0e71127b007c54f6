"""LLM-written chat answers: the model writes from numbered evidence only, and its citation
markers are checked as they stream, so a marker pointing at nothing never reaches the user."""

import logging
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import prompts
from assistant.llm_types import Usage
from journey.schema import Evidence

if TYPE_CHECKING:
    from assistant.llm import LLM

log = logging.getLogger(__name__)
_MARKER = re.compile(r"\[(\d{1,3})\]")
_OPEN_TAIL = re.compile(r"\[\d{0,3}$")


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
    numbered = [
        f"[{n}] {e.speaker or e.participant_id or 'participant'}: "
        f"\u201c{' '.join(e.quote.split())}\u201d"
        for n, e in enumerate(quotes, 1)
    ]
    fields = {
        "history": _history(history),
        "facts": prompts.fence("\n".join(facts) or "(no map finding matches)"),
        "quotes": prompts.fence("\n".join(numbered)),
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
