"""Short readable names for clusters of quotes: distinctive 1-3 word phrases (c-TF-IDF)."""

import math
import re
from collections import Counter
from collections.abc import Sequence

_STOPWORD_TEXT = """
    a about above after again against all also am an and any are aren't as at be because
    been before being below between both but by can can't cannot could couldn't did didn't
    do does doesn't doing don't down during each few for from further get got had hadn't
    has hasn't have haven't having he her here hers herself him himself his how i i'd i'll
    i'm i've if in into is isn't it it's its itself just let let's like me more most much
    must mustn't my myself no nor not now of off on once only or other ought our ours
    ourselves out over own really same say said she should shouldn't so some such than
    that that's the their theirs them themselves then there there's these they they'd
    they'll they're they've thing things think this those though through to too under
    until up us very was wasn't way we we'd we'll we're we've were weren't what what's
    when where which while who whom why will with won't would wouldn't yeah yes you you'd
    you'll you're you've your yours yourself okay ok oh um uh well guess maybe actually
    kind sort bit lot lots going go gonna want know mean see look one two also still even
    something anything everything everyone someone people thing stuff right sure probably
    quite pretty little big good great bad first last time times back again already always
    never ever bit bits etc via per able thought thinking put make made use used using
"""
# Feelings and intensifiers say how, not what: they make poor names for a cluster.
_FEELING_TEXT = """
    furious annoyed annoying frustrated frustrating angry happy love loved loving hate hated
    honestly genuinely literally basically totally completely absolutely felt feel feels
    feeling every second wanted tell told couldn't wasn't didn't doesn't isn't can't won't
    nice lovely great awesome amazing terrible awful horrible worst best fine okay easy hard
    difficult confusing confused clear unclear sure unsure bit lot lots sorry thanks thank
    glad annoyingly slightly quite somewhat especially usually sometimes often
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
_STOPWORDS = STOPWORDS | frozenset(_FEELING_TEXT.split())
_VERBS = frozenset(
    [
        "gave",
        "came",
        "went",
        "took",
        "made",
        "got",
        "says",
        "said",
        "told",
        "asked",
        "felt",
        "kept",
        "left",
    ]
)
_WORD = re.compile(r"[a-z][a-z'\-]*[a-z]|[a-z]")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_CJK_STOP = set("的了是我在有就不也都很吗吧呢啊们你他她它这那个一上下和与及或就还要会能说")


_HANDLE = re.compile(r"(?<!\w)[@#]\w+|https?://\S+|\[[A-Z]+\]")


def _terms(text: str) -> set[str]:
    lower = _HANDLE.sub(" ", text).lower().replace("’", "'")
    words = _WORD.findall(lower)
    terms = set()
    for n in (1, 2, 3):
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] in _STOPWORDS or gram[-1] in _STOPWORDS or len(gram[-1]) < 3:
                continue
            # Lone verbs in the past tense ("gave", "included") name nothing.
            if n == 1 and (len(gram[0]) < 4 or gram[0].endswith("ed") or gram[0] in _VERBS):
                continue
            terms.add(" ".join(gram))
    for run in _CJK_RUN.findall(text):
        for n in (2, 3):
            for i in range(len(run) - n + 1):
                gram = run[i : i + n]
                if gram[0] not in _CJK_STOP and gram[-1] not in _CJK_STOP:
                    terms.add(gram)
    return terms


def names_something(text: str) -> bool:
    """Whether a sentence has a word that could name what it is about, not only how it felt
    ("I was annoyed.", "Honestly, a bit annoyed." name nothing)."""
    return bool(_terms(text))


def cluster_keyphrases(clusters: Sequence[Sequence[str]], top: int = 3) -> list[list[str]]:
    """For each cluster of texts, its most distinctive phrases, best first."""
    doc_terms = [[_terms(t) for t in texts] for texts in clusters]
    cluster_df: Counter[str] = Counter()
    for docs in doc_terms:
        cluster_df.update(set().union(*docs) if docs else set())
    n_clusters = len(clusters)
    out = []
    for docs in doc_terms:
        tf: Counter[str] = Counter()
        for terms in docs:
            tf.update(terms)
        min_tf = 2 if len(docs) >= 3 else 1
        scored = []
        for term, count in tf.items():
            # Chinese n-grams cross word boundaries: trust only those that recur.
            if count < min_tf or (not term.isascii() and count < 2):
                continue
            length = len(term.split()) if term.isascii() else len(term) - 1
            idf = math.log(1 + n_clusters / cluster_df[term])
            scored.append((count / len(docs) * idf * (1 + 0.5 * (length - 1)), term))
        scored.sort(key=lambda x: (-x[0], x[1]))
        chosen: list[str] = []
        for _, term in scored:
            if any(term in c or c in term for c in chosen):
                continue
            chosen.append(term)
            if len(chosen) == top:
                break
        out.append(chosen)
    return out
