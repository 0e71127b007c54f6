"""Finding participant passages for a question: dense (the store) + keyword (BM25) + the words
of the best passages (pseudo-relevance feedback), fused by rank; each cited verbatim."""

import math
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.extractor import meaning_text
from assistant.keyphrases import STOPWORDS
from assistant.sentiment import sentiment
from assistant.workspace import Workspace
from ingest.sentences import sentence_spans
from ingest.speakers import speaks_for
from journey.grounding import ground
from journey.schema import Evidence
from journey.source import Role, Source, SourceKind, Turn
from journey.text import HAN_CHAR, HAN_RUN
from journey.zh import chinese_words, tagged_words, word_frequency

_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
CJK_RUN = HAN_RUN
RRF_K = 60
FEEDBACK_DOCS = 5
"""Top fused documents whose words expand the query (pseudo-relevance feedback)."""
FEEDBACK_TERMS = 10
"""Expansion words taken from them."""
WHOLE_TURN_CHARS = 320
"""A cited passage longer than this is cut to its sentence closest to the question."""
PASSAGE_CHARS = 1000
"""A retrieved passage shows at most this many characters of its participant's turns (the
interviewer text it steps over is not shown and not counted)."""
STEP_OVER_CHARS = 200
"""Interviewer or observer text a passage may step over between one participant's turns."""


def tokens(text: str) -> list[str]:
    """Words (lower case, no stopwords, crude plural folding) and Chinese character bigrams."""
    lower = text.lower().replace("’", "'")
    out = [w.rstrip("s") if len(w) > 4 else w for w in _WORD.findall(lower) if w not in STOPWORDS]
    for run in CJK_RUN.findall(text):
        out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


def _one_slip(typed: str, word: str) -> bool:
    """Whether `typed` is `word` with one letter left out, one added, or two neighbours
    swapped."""
    if typed == word:
        return False
    if len(typed) + 1 == len(word):
        return any(word[:i] + word[i + 1 :] == typed for i in range(len(word)))
    if len(typed) == len(word) + 1:
        return any(typed[:i] + typed[i + 1 :] == word for i in range(len(typed)))
    if len(typed) == len(word):
        diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and typed[diff[0]] == word[diff[1]]
            and typed[diff[1]] == word[diff[0]]
        )
    return False


_BECAUSE = re.compile(
    r"\b(?:because|since|due to|as a result|so that|the reason)\b|因为|由于|原因|为了|导致|害得",
    re.IGNORECASE,
)
_SO_LEAD = re.compile(
    r"^\W*(?:and\s+)?(?:so|that's why|that is why|which is why|hence|therefore)\b"
    r"|^\W*(?:所以|于是|因此|结果|后来就|这才|只好|只能)",
    re.IGNORECASE,
)
_BECAUSE_LEAD = re.compile(r"^\W*(?:because|since|'?cause)\b|^\W*(?:因为|由于)", re.IGNORECASE)
REASON_BONUS = 0.1
"""How much closer to a why-question a passage's sentence that gives a reason counts."""
WITH_REASON_CHARS = 480
"""The longest a sentence cited with its reason may run (two sentences of one turn)."""


def with_reason(
    text: str, spans: Sequence[tuple[int, int]], run_of: Sequence[int], best: int
) -> tuple[int, int]:
    """The span of sentence `best` of `spans` with its reason, for a why-question: the sentence
    alone when it gives one ("I called because the limes were missing"); with the sentence
    before when it follows from it ("The limes were missing. So I called them."); with the one
    after when that gives it ("I called them. Because the limes were missing."). Only within
    one run of the speaker's turns, and never past WITH_REASON_CHARS."""
    start, end = spans[best]
    sentence = text[start:end]
    if _BECAUSE.search(sentence):
        return start, end
    joined = (start, end)
    # a verdict too short to say why ("Never again.", "Avoid.", 再也不来了。) follows from the
    # sentence before: a car-hire trial's "Why do people leave?" had these out as contentless
    bare = len(sentence.split()) <= 3 and len(HAN_CHAR.findall(sentence)) <= 6
    if (_SO_LEAD.search(sentence) or bare) and best > 0 and run_of[best - 1] == run_of[best]:
        joined = (spans[best - 1][0], end)
    elif (
        best + 1 < len(spans)
        and run_of[best + 1] == run_of[best]
        and _BECAUSE_LEAD.search(text[spans[best + 1][0] : spans[best + 1][1]])
    ):
        joined = (start, spans[best + 1][1])
    return joined if joined[1] - joined[0] <= WITH_REASON_CHARS else (start, end)


@dataclass
class BM25:
    """Okapi BM25 over a fixed list of documents."""

    docs: list[Counter[str]]
    lengths: list[int]
    df: Counter[str]
    k1: float = 1.2
    b: float = 0.75
    _by_stem: dict[str, set[int]] | None = None
    _by_initial: dict[str, list[str]] | None = None

    @classmethod
    def build(cls, texts: Sequence[str]) -> "BM25":
        """Index texts (tokenised with `tokens`)."""
        docs = [Counter(tokens(t)) for t in texts]
        df: Counter[str] = Counter()
        for d in docs:
            df.update(d.keys())
        return cls(docs, [sum(d.values()) for d in docs], df)

    def idf(self, term: str) -> float:
        """Inverse document frequency (BM25's, never negative)."""
        n = len(self.docs)
        return math.log(1 + (n - self.df[term] + 0.5) / (self.df[term] + 0.5))

    def scores(self, query: str) -> list[tuple[float, int]]:
        """(score, document index) for documents sharing a term with the query, best first."""
        return self.score_terms(set(tokens(query)))

    def score_terms(self, terms: set[str]) -> list[tuple[float, int]]:
        """(score, document index) for documents sharing one of `terms`, best first."""
        n = len(self.docs)
        if not n or not terms:
            return []
        avg = sum(self.lengths) / n or 1.0
        idf = {term: self.idf(term) for term in terms}
        scored = []
        for i, doc in enumerate(self.docs):
            score = 0.0
            for term in terms & doc.keys():
                tf = doc[term]
                score += (
                    idf[term]
                    * tf
                    * (self.k1 + 1)
                    / (tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / avg))
                )
            if score > 0:
                scored.append((score, i))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return scored

    def attested(self, term: str) -> bool:
        """Whether the documents use the term, or (a Latin word of 6+ letters) a word sharing
        its first five letters ('calculate' for 'calculator'): crude stemming for presence."""
        return bool(self.df[term]) or bool(self.holding(term))

    def holding(self, term: str) -> set[int]:
        """The documents that use the term (`_holding`), or a compound's parts together: the
        question's "chatbot" or "think-aloud" where participants write "chat bot", "aloud"."""
        found = self._holding(term)
        if found or not term.isascii():
            return found
        parts = [p for p in term.split("-") if p] if "-" in term else self._halves(term)
        if len(parts) < 2:
            return set()
        held = [self._holding(p) for p in parts]
        return set.intersection(*held) if all(held) else set()

    def _halves(self, word: str) -> list[str]:
        """A closed compound as two words the documents use ("chatbot": chat, bot)."""
        for i in range(3, len(word) - 2):
            if self.df[word[:i]] and self.df[word[i:]]:
                return [word[:i], word[i:]]
        return [word]

    def spelled(self, word: str, known: Collection[str]) -> str | None:
        """The documents' word (or one of `known`) that `word` misspells by one letter left
        out, added or swapped with its neighbour ("pakaging", "waht", "recieve"); None when it
        misspells none, or several. Not a letter changed: "apple" is no "apply"."""
        if len(word) < 4 or not word.isascii() or word in known or self.attested(word):
            return None  # a word of the question's frame ("went") or of the study's
        if self._by_initial is None:  # the vocabulary by first letter, once per index
            self._by_initial = {}
            for w in self.df:
                self._by_initial.setdefault(w[:1], []).append(w)
        candidates = (*self._by_initial.get(word[:1], ()), *(w for w in known if w[:1] == word[0]))
        near = {w for w in candidates if abs(len(w) - len(word)) <= 1 and _one_slip(word, w)}
        return near.pop() if len(near) == 1 else None

    def _holding(self, term: str) -> set[int]:
        """The documents that use the term, or (a Latin word of 6+ letters) a word sharing its
        first five letters ('cancelling' for 'cancel')."""
        if len(term) < 6 or not term.isascii():
            return {i for i, doc in enumerate(self.docs) if term in doc} if self.df[term] else set()
        if self._by_stem is None:
            self._by_stem = {}
            for i, doc in enumerate(self.docs):
                for w in doc:
                    if len(w) >= 5 and w.isascii():
                        self._by_stem.setdefault(w[:5], set()).add(i)
        return self._by_stem.get(term[:5], set())

    def feedback_terms(self, top: Sequence[int], query: str, n: int = FEEDBACK_TERMS) -> set[str]:
        """The n words that best characterise documents `top` (term frequency share x idf,
        summed over them), leaving out the query's own words: the words the relevant turns
        are likely to use where the question uses others ("slow" for "taking long to load")."""
        asked = set(tokens(query))
        weight: dict[str, float] = {}
        for i in top:
            length = self.lengths[i] or 1
            for term, tf in self.docs[i].items():
                if term not in asked:
                    weight[term] = weight.get(term, 0.0) + tf / length * self.idf(term)
        return set(sorted(weight, key=lambda t: (-weight[t], t))[:n])


def fuse(*rankings: Sequence[int]) -> list[int]:
    """Reciprocal rank fusion of several rankings of the same documents."""
    score: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            score[doc] = score.get(doc, 0.0) + 1.0 / (RRF_K + rank + 1)
    return [doc for doc, _ in sorted(score.items(), key=lambda x: (-x[1], x[0]))]


@dataclass(frozen=True)
class Filters:
    """What a question (or the caller) narrows the search to."""

    participant: str | None = None
    stage: str | None = None
    kind: SourceKind | None = None
    sentiment: str | None = None
    """'pain' or 'delight' when the question asks for one."""
    segment: tuple[str, str] | None = None
    """(attribute, value) when the question names a segment value ("Android users")."""
    compared: tuple[str, tuple[str, ...]] | None = None
    """(attribute, values) when the question names two or more values of one attribute ("Do
    landlords struggle more than homeowners?"): every finding says its reach in each."""
    language: str | None = None
    """The language of the sources the question asks about ("What do Spanish-speaking users
    complain about?"): a code of the study's own."""


_ENDS_SENTENCE = tuple(".!?…。！？\"'”’)」")


@dataclass
class Passage:
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
        """The passage's turns in runs with nothing but white space between (citable spans).
        A line that ends without punctuation (a review's title) ends its run: quoted together,
        the line break would read as a space ("Late again Third late delivery")."""
        out: list[list[Turn]] = []
        for turn in self.turns:
            if out and _continues(original, out[-1][-1], turn):
                out[-1].append(turn)
            else:
                out.append([turn])
        return out


def _continues(original: str, before: Turn, turn: Turn) -> bool:
    """Whether `turn` can be quoted with the turn before it: only white space between, and no
    line break after a line that ends without punctuation."""
    gap = original[before.char_end : turn.char_start]
    ended = original[before.char_start : before.char_end].rstrip().endswith(_ENDS_SENTENCE)
    return not gap.strip() and ("\n" not in gap or ended)


def passages(source: Source, original: str, limit: int = PASSAGE_CHARS) -> list[Passage]:
    """A source's participant turns grouped into passages spanning up to `limit` characters."""
    out: list[Passage] = []
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
            out.append(Passage(source, [turn], turn.char_start, turn.char_end))
    return out


def _asked(passage: Passage) -> str:
    """The interviewer's question a passage starts by answering: the turn just before it, if
    theirs. (Not the short ones it steps over too: their words found passages for questions
    the study cannot answer; sample abstention 1.000 -> 0.969.)"""
    first = passage.turns[0].index
    before = passage.source.turns[first - 1] if first > 0 else None
    return before.text if before is not None and before.role is Role.interviewer else ""


_CAPITALISED = re.compile(r"\b[A-Z][a-z]+[A-Za-z0-9]*\b")
_MID_SENTENCE = re.compile(r"(?<=[a-z0-9,;:] )[A-Z][a-z]+[A-Za-z0-9]*\b")
_LOWER = re.compile(r"\b[a-z][a-z0-9]+\b")
NAME_SHARE = 0.5
"""A name written in at least this share of the sources of one kind (and in three at least) is
one the study writes throughout: the product it is about, like its project's name."""


def study_names(sources: Sequence[Source]) -> set[str]:
    """The names a study writes throughout, as words: capitalised words (not acronyms) that
    are names (capitalised mid-sentence somewhere, and hardly ever in lower case) written in at
    least NAME_SHARE of the interviews or of the reviews, by anyone. A trial's study of an
    expense app (project "saas") named Ledgerly in every interview: "What do people like most
    about Ledgerly?" asks what people like, not which passages say Ledgerly."""
    kinds: Counter[SourceKind] = Counter()
    writing: dict[SourceKind, Counter[str]] = {}
    capital: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    mid: set[str] = set()
    for source in sources:
        text = " ".join(t.text for t in source.turns)
        words = _CAPITALISED.findall(text)
        capital.update(w.lower() for w in words)
        lower.update(_LOWER.findall(text))
        mid.update(w.lower() for w in _MID_SENTENCE.findall(text))
        kinds[source.kind] += 1
        writing.setdefault(source.kind, Counter()).update({w.lower() for w in words})
    names = {
        w
        for kind, counts in writing.items()
        for w, n in counts.items()
        if n >= max(3, NAME_SHARE * kinds[kind])
        and w in mid
        and 10 * lower[w] <= capital[w]
        and w not in STOPWORDS
    }
    return {t for w in names for t in tokens(w)} | _chinese_names(sources)


NAME_SAMPLE = 2000
"""Sources a study's Chinese names are counted on (`_chinese_names`)."""


def _chinese_names(sources: Sequence[Source]) -> set[str]:
    """Chinese has no capitals: a name it writes throughout is a word jieba's dictionary does
    not know (学途, 盒马), written in at least NAME_SHARE of the sources of one kind (and in
    three), that says nothing good or bad (卡顿, unknown to jieba too, is what people complain
    of). A course trial's "学员最喜欢学途的哪些地方" quoted self-introductions that name 学途.
    Its shares are counted on an even spread of at most NAME_SAMPLE sources: cutting every
    source's words with jieba at each chat's start would cost seconds on a large study."""
    kinds: Counter[SourceKind] = Counter()
    writing: dict[SourceKind, Counter[str]] = {}
    for source in sources[:: max(1, -(-len(sources) // NAME_SAMPLE))]:
        kinds[source.kind] += 1
        words = {
            w
            for t in source.turns
            for run in HAN_RUN.findall(t.text)
            for w in chinese_words(run)
            if len(w) >= 2
        }
        writing.setdefault(source.kind, Counter()).update(words)
    return {
        w
        for kind, counts in writing.items()
        for w, n in counts.items()
        if n >= max(3, NAME_SHARE * kinds[kind]) and _unknown_or_proper(w) and not sentiment(w)
    }


RARE_NAME = 100
"""Below this count in jieba's dictionary a word it tags as a proper noun is a name."""


def _unknown_or_proper(word: str) -> bool:
    """A word jieba's dictionary does not know, or knows rarely and as a name: a rental-flat
    trial's brand 栖木 is a place name in it (3 times), and "用户最喜欢栖木的哪些地方" found
    nothing about what people like, while 续租 and 报修, as rare, are words."""
    seen = word_frequency(word)
    if not seen:
        return True
    tagged = tagged_words(word)
    return seen < RARE_NAME and len(tagged) == 1 and tagged[0][1] in ("nr", "ns", "nt", "nz")


def participant_label(name: str | None) -> str:
    """'Participant 3' (or 受访者3) as 'P3' (how questions and filters name a participant)."""
    return re.sub(r"^(?:Participant |受访者)(?=\d)", "P", name or "")


class Retriever:
    """A project's participant passages, searchable by meaning and by words, cited verbatim
    (redacted, grounded at their offsets)."""

    def __init__(self, workspace: Workspace, project: str, dense_only: bool = False) -> None:
        self.workspace, self.project, self.dense_only = workspace, project, dense_only
        stored = workspace.catalog.sources(project)
        self._originals = {s.source.id: s.original for s in stored}
        self._redactor = workspace.redactor(project)
        self.passages = [p for s in stored for p in passages(s.source, s.original)]
        self._at = {(p.source.id, t.index): i for i, p in enumerate(self.passages) for t in p.turns}
        self.people = set(
            tokens(" ".join(f"{p.speaker or ''} {p.source.participant_id}" for p in self.passages))
        )
        """The study's speaker labels and participant ids, as words."""
        self.labels = {
            label
            for p in self.passages
            for label in (participant_label(p.source.participant_id), participant_label(p.speaker))
            if label
        }
        """How questions can name the study's participants ('P3')."""
        sources = {p.source.id: p.source for p in self.passages}
        self.names = study_names(list(sources.values())) - self.people
        """The names the study writes throughout (its product; not its participants'
        pseudonyms, "Thanks, Participant 5"), as words."""
        self.texts = [" ".join(t.text for t in p.turns) for p in self.passages]
        """What participants say in each passage (unredacted: for matching, never shown)."""
        # A passage is found by the words of the question it answers too ("How would you
        # cancel?" - "Thirty days notice in writing, by post."), though only its own are cited.
        self.bm25 = BM25.build(
            [f"{_asked(p)} {text}" for p, text in zip(self.passages, self.texts, strict=True)]
        )
        self.chinese = 0 < len(self.texts) <= 2 * sum(bool(CJK_RUN.search(t)) for t in self.texts)
        """Whether most passages are (at least partly) in Chinese."""
        self._allowed: dict[str, list[tuple[int, int]]] = {}
        for p in self.passages:
            for run in p.runs(self._originals[p.source.id]):
                self._allowed.setdefault(p.source.id, []).append(
                    (run[0].char_start, run[-1].char_end)
                )

    def redact(self, text: str) -> str:
        """The text with the project's personal data hidden."""
        return self._redactor.redact(text)[0]

    def embed(self, text: str) -> np.ndarray:
        """The text's meaning vector (as passages are embedded)."""
        vector: np.ndarray = self.workspace.embedder.embed([meaning_text(text)])[0]
        return vector

    def nearest(self, question: str) -> float:
        """The dense similarity of the study's participant passage closest to the question."""
        hits = self.workspace.store.query(
            self.project, meaning_text(question), n=1, where={"role": "participant"}
        )
        return max((1 - h.distance for h in hits), default=0.0)

    def keep(self, passage: Passage, f: Filters) -> bool:
        """Whether the passage is within the filters' kind and participant."""
        if f.kind and passage.source.kind is not f.kind:
            return False
        if f.language and passage.source.language != f.language:
            return False
        if f.segment and passage.source.segment.get(f.segment[0]) != f.segment[1]:
            return False
        if f.participant:
            names = {
                participant_label(passage.source.participant_id),
                participant_label(passage.speaker),
            }
            if f.participant not in names:
                return False
        return True

    def ranked(self, question: str, f: Filters, n: int) -> tuple[list[int], dict[int, float]]:
        """Passage indices, best first, and the dense similarity of those the store found."""
        where: dict[str, object] = {"role": "participant"}
        if f.kind:
            where = {"$and": [where, {"kind": f.kind.value}]}
        if f.language:
            where = {"$and": [where, {"language": f.language}]}
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
                if self.keep(self.passages[i], f):
                    dense.append(i)
        if self.dense_only:
            return dense, similarity
        scored = self.bm25.scores(question)
        keyword = [i for _, i in scored if self.keep(self.passages[i], f)][:n]
        fused = fuse(dense, keyword)
        # pseudo-relevance feedback: the words of the best passages find the turns that say
        # the same thing in other words than the question's; fused with the hybrid ranking
        words = self.bm25.feedback_terms(fused[:FEEDBACK_DOCS], question)
        more = self.bm25.score_terms(words)
        feedback = [i for _, i in more if self.keep(self.passages[i], f)][:n]
        return fuse(fused[:n], feedback), similarity

    def grounded(self, quotes: list[Evidence]) -> list[Evidence]:
        """The quotes found verbatim in participant turns at their offsets (others dropped)."""
        return ground(quotes, self._originals, self.redact, self._allowed).kept

    def _cite(self, source: Source, turns: list[Turn], start: int, end: int) -> Evidence:
        turn = next(t for t in turns if t.char_end >= start)
        return Evidence(
            quote=self.redact(self._originals[source.id][start:end]),
            source_id=source.id,
            source_path=source.path,
            char_start=start,
            char_end=end,
            speaker=turn.speaker,
            participant_id=speaks_for(source, turn),
            timestamp=turn.start,
        )

    def whole(self, i: int) -> list[Evidence]:
        """Passage i as citations: one per run of the participant's turns."""
        passage = self.passages[i]
        original = self._originals[passage.source.id]
        return [
            self._cite(passage.source, run, run[0].char_start, run[-1].char_end)
            for run in passage.runs(original)
        ]

    def best(
        self,
        i: int,
        question_vector: np.ndarray,
        why: bool = False,
        prefer: re.Pattern[str] | None = None,
    ) -> Evidence:
        """Passage i if it is one short run, else its sentence closest to the question; with
        `why`, with the sentence beside it that gives its reason (`with_reason`); of the
        sentences matching `prefer`, if any do (people saying they left, under a question
        about why people leave)."""
        passage = self.passages[i]
        original = self._originals[passage.source.id]
        runs = passage.runs(original)
        if len(runs) == 1 and runs[0][-1].char_end - runs[0][0].char_start <= WHOLE_TURN_CHARS:
            return self._cite(passage.source, runs[0], runs[0][0].char_start, runs[0][-1].char_end)
        spans: list[tuple[int, int]] = []
        run_of: list[int] = []
        for r, run in enumerate(runs):
            start = run[0].char_start
            found = sentence_spans(original[start : run[-1].char_end], start)
            spans += found
            run_of += [r] * len(found)
        texts = [meaning_text(self.redact(original[s:e])) for s, e in spans]
        scores = self.workspace.embedder.embed(texts) @ question_vector
        if why:  # a sentence that gives a reason is the answer to a why-question
            reasons = np.array([bool(_BECAUSE.search(t) or _SO_LEAD.search(t)) for t in texts])
            scores += REASON_BONUS * reasons
        if prefer is not None and (said := np.array([bool(prefer.search(t)) for t in texts])).any():
            # and of those saying they left, one that says why ("Cancelled in January because
            # of the price", not the review's title "Came back after cancelling")
            keep = said & reasons if why and (said & reasons).any() else said
            scores = np.where(keep, scores, -np.inf)
        best = int(np.argmax(scores))
        start, end = spans[best]
        if why:
            start, end = with_reason(original, spans, run_of, best)
        return self._cite(passage.source, passage.turns, start, end)

    def search(self, question: str, k: int, f: Filters) -> list[list[Evidence]]:
        """The k passages that best answer a question, best first, each as its grounded
        citations (a passage steps over short interviewer turns, never quoting them)."""
        ranked, _ = self.ranked(question, f, max(30, 3 * k))
        out = []
        for i in ranked[:k]:
            if kept := self.grounded(self.whole(i)):
                out.append(kept)
        return out
