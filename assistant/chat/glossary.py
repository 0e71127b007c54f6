"""Words across languages: which words of a question a study written in Chinese has a word
for, found by meaning (multilingual embeddings of single words) among the words of the passages
the question's search found, above what chance reaches among those same words."""

from collections.abc import Collection, Sequence

import numpy as np

from assistant.chat.retrieval import CJK_RUN
from ingest.embeddings import Embedder
from journey.zh import chinese_words

CHANCE_SPREADS = 2.0
"""How far above chance a word's closest match must be to mean it, in robust standard
deviations (1.4826 x the median absolute deviation) of the probe words' closest matches."""


class Glossary:
    """A study's Chinese words (jieba, two characters or more), matched by meaning to the words
    of a question in another language.

    A word's closest match among a few hundred words is never far off (an unrelated word reaches
    0.4-0.6, a translation 0.6-0.9), and the more words, the closer chance comes; so the bar is
    set where the probe questions' words (opera, beach, bicycle, ...) find their closest matches
    among the same words: their median plus CHANCE_SPREADS robust deviations.
    """

    def __init__(self, embedder: Embedder, texts: Sequence[str], probes: Sequence[str]) -> None:
        self._embedder, self._texts, self._probes = embedder, texts, list(probes)
        self._words: dict[int, frozenset[str]] = {}
        self._vectors: dict[str, np.ndarray] = {}

    def words(self, i: int) -> frozenset[str]:
        """Passage i's Chinese words of two or more characters."""
        if i not in self._words:
            runs = CJK_RUN.findall(self._texts[i])
            self._words[i] = frozenset(w for run in runs for w in chinese_words(run) if len(w) > 1)
        return self._words[i]

    def _embedded(self, words: Sequence[str]) -> np.ndarray:
        # each word is embedded once per study: questions share most of their passages' words
        new = [w for w in dict.fromkeys(words) if w not in self._vectors]
        if new:
            self._vectors.update(zip(new, self._embedder.embed(new), strict=True))
        return np.stack([self._vectors[w] for w in words])

    def holders(self, words: Sequence[str], passages: Collection[int]) -> list[set[int]]:
        """For each word, the passages (of `passages`) that hold a Chinese word meaning it: one
        closer to it than chance is to the probe words among the same passages' words."""
        vocabulary = sorted(set().union(*(self.words(i) for i in passages)))
        meaning = self.meaning(words, vocabulary, self._probes)
        return [{i for i in passages if set(meant) & self.words(i)} for meant in meaning]

    def meaning(
        self, words: Sequence[str], vocabulary: Sequence[str], probes: Sequence[str]
    ) -> list[list[str]]:
        """For each word, the words of `vocabulary` that mean it, closest first: closer to it
        than chance is to the `probes` (words of questions on nothing the study holds) among
        the same words."""
        if not vocabulary or not words or not probes:
            return [[] for _ in words]
        matrix = self._embedded(vocabulary).T
        chance = (self._embedded(probes) @ matrix).max(axis=1)
        median = float(np.median(chance))
        bar = median + CHANCE_SPREADS * 1.4826 * float(np.median(np.abs(chance - median)))
        return [
            [vocabulary[j] for j in np.argsort(-row, kind="stable") if row[j] > bar]
            for row in self._embedded(words) @ matrix
        ]
