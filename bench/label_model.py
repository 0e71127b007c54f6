"""A fake LLM that answers with the human labels, served to the real OpenAI client through
httpx.MockTransport: what the LLM path's pipeline loses between a perfect model's coding and
the map (issue 15: harmonic purity >= 0.9 with it).

It codes every sentence of a labelled review as a pain point, proposes the labels of the
quotes it is shown as the codebook (as the prompt asks: the most common first, none for a
single quote, at most as many as allowed), and assigns every quote the label of the review it
was coded from. It never sees
the labels any other way: quotes come back to it as the pipeline sends them.
"""

import json
import re
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import httpx

_HEADER = re.compile(r"^# \w+ (.+)$")
_LINE = re.compile(r"^\[(\d+)\] (.*)$")


def _said(text: str) -> str:
    return " ".join(text.split())


def reply(name: str, payload: dict[str, Any]) -> httpx.Response:
    """An OpenAI chat completion that calls tool `name` with `payload`."""
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": name, "arguments": json.dumps(payload, ensure_ascii=False)},
    }
    message = {"role": "assistant", "content": None, "tool_calls": [call]}
    return httpx.Response(
        200,
        json={
            "id": "x", "object": "chat.completion", "created": 0, "model": "label-model",
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
        },
    )  # fmt: skip


class LabelModel:
    """The model: `labels` maps a review's id (the key its participant is named by, e.g.
    `review 5703…` -> `5703…`) to its human label; or, for transcripts, `sentence` gives a
    sentence's label (the code of the human highlight it lies in), if it has one."""

    def __init__(
        self,
        labels: Mapping[str, str] | None = None,
        sentence: Callable[[str], str | None] | None = None,
    ) -> None:
        self.labels = dict(labels or {})
        self.sentence = sentence
        self.said: dict[str, Counter[str]] = {}
        """Each coded sentence, as the model saw it, with the labels of the reviews it came
        from (a sentence two reviews share may carry two)."""
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    def client(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        name = str(body["tool_choice"]["function"]["name"])
        text = str(body["messages"][-1]["content"])
        with self._lock:
            self.calls[name] += 1
            if name == "Coding":
                return reply(name, {"observations": self._code(text)})
            if name == "Codebook":
                system = str(body["messages"][0]["content"])
                return reply(name, {"themes": self._propose(text, system)})
            if name == "Assignments":
                return reply(name, {"assignments": self._assign(text)})
            if name == "Repeats":  # a perfect coder's themes never repeat one another
                return reply(name, {"repeats": []})
            if name == "ThemeNames":
                return reply(name, {"themes": []})
            return reply(name, {"recommendations": []})

    def _code(self, text: str) -> list[dict[str, Any]]:
        label = None
        out = []
        for line in text.splitlines():
            if header := _HEADER.match(line):
                label = self.labels.get(header.group(1).split()[-1])
            elif found := _LINE.match(line):
                quote = found.group(2)
                its = self.sentence(quote) if self.sentence else label
                if its is None:
                    continue
                self.said.setdefault(_said(quote), Counter())[its] += 1
                out.append(
                    {"s": int(found.group(1)), "quote": quote, "kind": "pain_point", "stage": "",
                     "emotion": "frustrated", "valence": -2, "severity": 4}
                )  # fmt: skip
        return out

    def _propose(self, text: str, system: str) -> list[dict[str, str]]:
        """What the prompt asks of a perfect model: the labels of the quotes shown, the most
        common first, none for a single odd quote, at most as many as it allows."""
        shown: Counter[str] = Counter()
        for line in text.splitlines():
            if line.startswith("- ") and (labels := self.said.get(_said(line[2:]))):
                shown[labels.most_common(1)[0][0]] += 1
        allowed = re.search(r"at most (\d+)", system)
        limit = int(allowed.group(1)) if allowed else len(shown)
        labels = [label for label, n in shown.most_common() if n > 1][:limit]
        return [{"label": label, "description": f"About: {label}."} for label in labels]

    def _assign(self, text: str) -> list[dict[str, Any]]:
        out = []
        for line in text.splitlines():
            if found := _LINE.match(line):
                labels = self.said.get(_said(found.group(2)))
                label = labels.most_common(1)[0][0] if labels else "other"
                out.append({"n": int(found.group(1)), "label": label})
        return out
