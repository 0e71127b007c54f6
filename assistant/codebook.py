"""Themes by codebook on the LLM path, as TopicGPT does: the model proposes themes (a label
and a description) from a sample of the study's quotes, then assigns every quote to one of
them. The labels drive the grouping; embeddings only group what the model left as "other"
(or everything, if the codebook cannot be made). Every quote is still one the map grounded.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

import prompts
from assistant.llm_pipeline import LLMRun
from assistant.themes import group_themes, leader_clusters, theme_vectors
from ingest.embeddings import Vectors
from journey.schema import Observation, ObservationKind, Stage, participant_key

if TYPE_CHECKING:
    from assistant.llm import LLM

SAMPLE = 150
"""Quotes the model reads to propose the codebook (one per group of near-equal quotes)."""
BATCH = 40
"""Quotes per assignment request."""
MAX_THEMES = 25
"""Themes the model may propose in one round."""
MIN_QUOTES = 12
"""Below this many quotes of a kind a codebook is not worth a request: grouped by meaning
(and below this many quotes left as "other", another round is not worth one)."""
ROUNDS = 8
"""Codebook rounds. One sample of SAMPLE quotes shows a study's large problems and misses its
smaller ones (their quotes then came back as "other" and were grouped by meaning); TopicGPT
reads the whole corpus for new topics. So after each assignment the quotes that fit no theme
are sampled again, the model proposes themes for them beside the existing ones, and they are
assigned again."""
MAX_CODEBOOK = 50
"""Themes of a kind over all rounds."""
SETTLED = 0.05
"""A round whose new themes take less than this share of the quotes it was about is the last:
a model that answers every round with themes it then assigns nothing to would otherwise pay
for every round's assignments of the same quotes."""
OTHER = "other"


class CodebookTheme(BaseModel):
    """One theme of the codebook."""

    label: str = Field(description="at most 6 words: what goes wrong (or right)")
    description: str = Field(description="one sentence: what belongs in this theme")


class Codebook(BaseModel):
    """The study's themes."""

    themes: list[CodebookTheme]


class Assignment(BaseModel):
    """One quote's theme."""

    n: int = Field(description="quote number")
    label: str = Field(description="a codebook label, exactly, or other")


class Assignments(BaseModel):
    """Every quote's theme."""

    assignments: list[Assignment]


class Repeat(BaseModel):
    """Themes of the codebook that are one problem in other words."""

    themes: list[int] = Field(description="the numbers of two or more themes")


class Repeats(BaseModel):
    """The codebook's themes that repeat one another."""

    repeats: list[Repeat]


@dataclass
class Coded:
    """The themes the codebook made: groups of observation indices, and the label and
    description of each quote's theme (by source id and start) for naming them."""

    groups: list[list[int]] = field(default_factory=list)
    labels: dict[tuple[str, int], CodebookTheme] = field(default_factory=dict)


def _key(label: str) -> str:
    return " ".join(label.lower().split()).strip(" .\"'")


def _kind_words(kind: str) -> dict[str, str]:
    """How the codebook prompts name the quotes of a kind: "complaints" / "problem"."""
    if kind == "pain_point":
        return {"kind": "complaints", "kind_one": "problem"}
    return {"kind": "praise", "kind_one": "thing people enjoy"}


def _sample(vectors: Vectors, limit: int = SAMPLE) -> list[int]:
    """Quotes to show the model: one per group of near-equal quotes, larger groups first."""
    clusters = sorted(leader_clusters(vectors, 0.8), key=lambda c: (-len(c), c[0]))
    return sorted(c[0] for c in clusters[:limit])


def _codebook(
    llm: "LLM",
    quotes: Sequence[str],
    kind: str,
    run: LLMRun,
    existing: Sequence[CodebookTheme] = (),
) -> list[CodebookTheme]:
    """The themes the model proposes for `quotes`; with `existing` (a later round: quotes that
    fit none of them), only new ones."""
    prompt = prompts.load("codebook_more" if existing else "codebook")
    run.note(prompt.tag)
    numbered = "\n".join(f"- {' '.join(q.split())}" for q in quotes)
    room = min(MAX_THEMES, MAX_CODEBOOK - len(existing))
    values = {**_kind_words(kind), "max_themes": str(room), "quotes": prompts.fence(numbered)}
    if existing:
        book = "\n".join(f"({n}) {t.label}: {t.description}" for n, t in enumerate(existing, 1))
        values["existing"] = prompts.fence(book)
    outcome = llm.structured(prompt, Codebook, values)
    run.usage.add(outcome.usage)
    if outcome.reply is None:
        run.failures.append(f"the codebook could not be made: {outcome.error}")
        return []
    seen: dict[str, CodebookTheme] = {_key(t.label): t for t in existing}
    new: list[CodebookTheme] = []
    for theme in outcome.reply.themes:
        label = " ".join(theme.label.split())[:80]
        if label and _key(label) != OTHER and _key(label) not in seen:
            seen[_key(label)] = CodebookTheme(label=label, description=theme.description)
            new.append(seen[_key(label)])
    return new[:room]


def _assign(
    llm: "LLM", codebook: Sequence[CodebookTheme], quotes: Sequence[str], run: LLMRun
) -> list[CodebookTheme | None]:
    prompt = prompts.load("assign")
    run.note(prompt.tag)
    book = "\n".join(f"- {t.label}: {t.description}" for t in codebook)
    by_key = {_key(t.label): t for t in codebook}
    requests = []
    for start in range(0, len(quotes), BATCH):
        lines = [
            f"[{n}] {' '.join(q.split())}"
            for n, q in enumerate(quotes[start : start + BATCH], start=start + 1)
        ]
        requests.append(
            {"codebook": prompts.fence(book), "quotes": prompts.fence("\n".join(lines))}
        )
    out: list[CodebookTheme | None] = [None] * len(quotes)
    for batch, outcome in enumerate(llm.structured_many(prompt, Assignments, requests)):
        run.usage.add(outcome.usage)
        if outcome.reply is None:
            run.failures.append(f"assigning quotes to the codebook failed: {outcome.error}")
            continue
        first, last = batch * BATCH + 1, min(len(quotes), (batch + 1) * BATCH)
        for a in outcome.reply.assignments:
            if first <= a.n <= last and out[a.n - 1] is None:
                out[a.n - 1] = by_key.get(_key(a.label))
    return out


def _merge_repeats(
    llm: "LLM",
    codebook: Sequence[CodebookTheme],
    themes: list[CodebookTheme | None],
    kind: str,
    run: LLMRun,
) -> list[CodebookTheme | None]:
    """Each quote's theme once the themes the model finds to be one problem in other words are
    one (TopicGPT's refinement): later rounds may propose an existing theme in other words
    ("Delivery delays" beside "Late delivery"), however the prompt forbids it. A set's theme is
    the one holding the most quotes (the earlier on a tie); a set naming every theme, or a
    number not in the codebook, is not taken."""
    held = Counter(_key(t.label) for t in themes if t is not None)
    book = [t for t in codebook if held[_key(t.label)]]
    if len(book) < 3:
        return themes  # two themes the model kept apart while assigning are two
    prompt = prompts.load("codebook_merge")
    run.note(prompt.tag)
    lines = "\n".join(
        f"({n}) {t.label}: {t.description} ({held[_key(t.label)]} quotes)"
        for n, t in enumerate(book, 1)
    )
    values = {**_kind_words(kind), "codebook": prompts.fence(lines)}
    outcome = llm.structured(prompt, Repeats, values)
    run.usage.add(outcome.usage)
    if outcome.reply is None:
        run.failures.append(f"merging the codebook's repeated themes failed: {outcome.error}")
        return themes
    root = list(range(len(book)))  # union-find over the codebook's themes

    def find(i: int) -> int:
        while root[i] != i:
            i = root[i] = root[root[i]]
        return i

    for repeat in outcome.reply.repeats:
        numbers = sorted({n - 1 for n in repeat.themes if 1 <= n <= len(book)})
        if 2 <= len(numbers) < len(book):
            for n in numbers[1:]:
                root[find(n)] = find(numbers[0])
    sets: dict[int, list[int]] = {}
    for i in range(len(book)):
        sets.setdefault(find(i), []).append(i)
    into: dict[str, CodebookTheme] = {}
    for members in sets.values():
        if len(members) == len(book):
            continue  # sets that chain into one theme of everything: no codebook
        keep = book[min(members, key=lambda i: (-held[_key(book[i].label)], i))]
        for i in members:
            into[_key(book[i].label)] = keep
    return [into.get(_key(t.label), t) if t is not None else None for t in themes]


def codebook_themes(
    llm: "LLM", observations: Sequence[Observation], vectors: Vectors, run: LLMRun
) -> Coded | None:
    """The study's pain-point and delight themes by codebook; None when no codebook could be
    made at all (the map then groups by meaning alone)."""
    coded = Coded()
    made = False
    for kind in (ObservationKind.pain_point, ObservationKind.delight):
        idx = [i for i, o in enumerate(observations) if o.kind is kind]
        if not idx:
            continue
        quotes = [observations[i].evidence.quote for i in idx]
        shown = _sample(vectors[idx])
        codebook = (
            _codebook(llm, [quotes[j] for j in shown], kind.value, run)
            if len(idx) >= MIN_QUOTES
            else []
        )
        if not codebook:
            items = [observations[i] for i in idx]
            people = [participant_key(o.evidence) for o in items]
            for group in group_themes(theme_vectors(items, vectors, idx), people):
                coded.groups.append(sorted(idx[j] for j in group))
            continue
        made = True
        themes = _assign(llm, codebook, quotes, run)
        grown = False
        for _ in range(ROUNDS - 1):
            left = [j for j, theme in enumerate(themes) if theme is None]
            if len(left) < MIN_QUOTES or len(codebook) >= MAX_CODEBOOK:
                break
            shown = _sample(vectors[[idx[j] for j in left]])
            more = _codebook(llm, [quotes[left[k]] for k in shown], kind.value, run, codebook)
            if not more:
                break
            codebook = codebook + more
            grown = True
            again = _assign(llm, codebook, [quotes[j] for j in left], run)
            for j, theme in zip(left, again, strict=True):
                themes[j] = theme
            if sum(theme is not None for theme in again) < SETTLED * len(left):
                break  # its new themes took almost nothing: another round would not either
        if grown:  # a theme proposed beside the existing ones may be one of them reworded
            themes = _merge_repeats(llm, codebook, themes, kind.value, run)
        members: dict[str, list[int]] = {}
        rest: list[int] = []
        for j, theme in enumerate(themes):
            if theme is None:
                rest.append(j)
                continue
            members.setdefault(_key(theme.label), []).append(idx[j])
            e = observations[idx[j]].evidence
            coded.labels[(e.source_id, e.char_start)] = theme
        coded.groups.extend(sorted(group) for group in members.values())
        if rest:  # what fits no theme is grouped by meaning, as the local path does
            items = [observations[idx[j]] for j in rest]
            people = [participant_key(o.evidence) for o in items]
            rows = vectors[[idx[j] for j in rest]]
            for group in group_themes(theme_vectors(items, rows), people):
                coded.groups.append(sorted(idx[rest[j]] for j in group))
    return coded if made else None


def label_findings(
    stages: Sequence[Stage], labels: dict[tuple[str, int], CodebookTheme]
) -> list[Stage]:
    """Stages whose findings carry their codebook theme's label and description (the theme
    most of their quotes were assigned to); findings of no theme keep their names."""
    out = []
    for stage in stages:
        renamed = {}
        for finding in (*stage.pain_points, *stage.delights):
            votes = Counter(
                labels[k].label
                for k in ((e.source_id, e.char_start) for e in finding.evidence)
                if k in labels
            )
            if votes:
                label, n = votes.most_common(1)[0]
                if 2 * n > len(finding.evidence):
                    theme = next(t for t in labels.values() if t.label == label)
                    renamed[finding.id] = {"title": label, "description": theme.description}
        out.append(
            stage.model_copy(
                update={
                    "pain_points": [
                        p.model_copy(update=renamed.get(p.id, {})) for p in stage.pain_points
                    ],
                    "delights": [
                        d.model_copy(update=renamed.get(d.id, {})) for d in stage.delights
                    ],
                }
            )
        )
    return out
