"""Finding participant turns for a question: dense (the store) + keyword (BM25), fused by rank."""

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

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
    _stems: set[str] = field(default_factory=set)

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
        if self.df[term]:
            return True
        if len(term) < 6 or not term.isascii():
            return False
        if not self._stems:
            self._stems.update(w[:5] for w in self.df if len(w) >= 5 and w.isascii())
        return term[:5] in self._stems

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


_GENERIC_WORDS = """
user customer people person participant reviewer guest visitor client everyone anyone someone
they them think thought say said feel felt like liked love loved hate hated dislike went go
going wrong right good bad better best worst biggest main top most pain point problem issue
complaint complain frustrate frustrated frustrating frustration annoy annoying happy unhappy
overall experience opinion view thing something anything everything really much many often how
way kind sort general mention mentioned talk talked describe tell told about bit lot enough well
work worked happen happened there it's what's don't study interview review feedback
stage touchpoint journey map summarise summarize summary improve improvement reason common
negative positive suggestion suggest find found confusing confused difficult struggle struggled
enjoy enjoyed delight delighted moment
用户 客户 大家 人们 什么 有什 么看 看法 问题 评价 如何 怎么 怎样 觉得 认为 哪些 有哪 最大 痛点
满意 不满 参与 与者 他们 我们 感觉 有没 没有 的问 的看 对于 关于 方面 体验 整体 触点 旅程 阶段
总结 改进 建议 原因 让客 客户 户最 最不 不满 意的
"""
GENERIC = frozenset(_GENERIC_WORDS.split())
"""Words of a question's frame, not of its subject: 'what do users think about X?' is about X."""


def topic(text: str) -> list[str]:
    """The question's subject words: its tokens that are not generic question words (nor a
    Chinese character pair straddling two generic ones: 哪些触点 gives no 些触)."""
    words = tokens(text)
    framing = {c for t in words if t in GENERIC and _CJK_RUN.fullmatch(t) for c in t}
    return [
        t
        for t in words
        if t not in GENERIC
        and t.rstrip("s") not in GENERIC
        and not (_CJK_RUN.fullmatch(t) and set(t) <= framing)
    ]


def fuse(*rankings: Sequence[int]) -> list[int]:
    """Reciprocal rank fusion of several rankings of the same documents."""
    score: dict[int, float] = {}
    for ranking in rankings:
        for rank, doc in enumerate(ranking):
            score[doc] = score.get(doc, 0.0) + 1.0 / (RRF_K + rank + 1)
    return [doc for doc, _ in sorted(score.items(), key=lambda x: (-x[1], x[0]))]
