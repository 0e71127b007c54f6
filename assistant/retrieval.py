"""Finding participant turns for a question: dense (the store) + keyword (BM25), fused by rank."""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.keyphrases import STOPWORDS

_WORD = re.compile(r"[a-z0-9][a-z0-9'\-]*")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
RRF_K = 60
FEEDBACK_DOCS = 5
"""Top fused documents whose words expand the query (pseudo-relevance feedback)."""
FEEDBACK_TERMS = 10
"""Expansion words taken from them."""


def tokens(text: str) -> list[str]:
    """Words (lower case, no stopwords, crude plural folding) and Chinese character bigrams."""
    lower = text.lower().replace("’", "'")
    out = [w.rstrip("s") if len(w) > 4 else w for w in _WORD.findall(lower) if w not in STOPWORDS]
    for run in _CJK_RUN.findall(text):
        out.extend(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    return out


@dataclass
class BM25:
    """Okapi BM25 over a fixed list of documents."""

    docs: list[Counter[str]]
    lengths: list[int]
    df: Counter[str]
    k1: float = 1.2
    b: float = 0.75

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
