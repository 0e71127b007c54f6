"""Language of a text from its script and, for Latin script, common function words."""

import re
from collections import Counter

from journey.text import HAN, HANGUL, KANA

_STOPWORDS = {
    "en": {
        "the",
        "and",
        "is",
        "it",
        "to",
        "of",
        "i",
        "you",
        "that",
        "was",
        "a",
        "in",
        "for",
        "this",
        "with",
        "but",
        "not",
        "they",
        "my",
        "have",
        "no",  # Spanish too: "No show, no text, no apology." read as Spanish (an MCP trial)
        "all",
        "at",
        "on",
    },
    "es": {
        "el",
        "la",
        "de",
        "que",
        "y",
        "en",
        "los",
        "es",
        "no",
        "una",
        "por",
        "con",
        "para",
        "pero",
        "muy",
        "lo",
    },
    "fr": {
        "le",
        "la",
        "les",
        "de",
        "et",
        "est",
        "un",
        "une",
        "je",
        "pas",
        "que",
        "pour",
        "avec",
        "très",
        "mais",
        "des",
    },
    "de": {
        "der",
        "die",
        "das",
        "und",
        "ist",
        "nicht",
        "ich",
        "ein",
        "eine",
        "zu",
        "mit",
        "aber",
        "sehr",
        "es",
        "auf",
        "den",
    },
    "pt": {
        "o",
        "a",
        "de",
        "que",
        "e",
        "não",
        "um",
        "uma",
        "para",
        "com",
        "muito",
        "mas",
        "os",
        "é",
        "do",
        "da",
    },
    "it": {
        "il",
        "di",
        "che",
        "e",
        "non",
        "un",
        "una",
        "per",
        "con",
        "molto",
        "ma",
        "è",
        "la",
        "lo",
        "gli",
        "sono",
    },
    "nl": {
        "de",
        "het",
        "een",
        "en",
        "van",
        "is",
        "niet",
        "ik",
        "dat",
        "met",
        "voor",
        "maar",
        "zeer",
        "op",
        "te",
        "zijn",
    },
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

# Han, kana, Hangul, Cyrillic and ASCII letters: counted with regexes, which run in C.
_SCRIPTS = tuple(
    re.compile(p)
    for p in (
        f"[{HAN}]",
        f"[{KANA}]",
        f"[{HANGUL}]",
        "[\u0400-\u04ff]",
        "[A-Za-z]",
    )
)


def detect_language(text: str) -> str:
    """Return an ISO 639-1 code (en, zh, ja, ko, ru, es, ...) or `und` when unsure."""
    sample = text[:20_000]
    han, kana, hangul, cyrillic, latin = (len(p.findall(sample)) for p in _SCRIPTS)
    letters = han + kana + hangul + cyrillic + latin
    if letters == 0:
        return "und"
    if kana > 0.1 * letters:
        return "ja"
    if hangul > 0.2 * letters:
        return "ko"
    if han > 0.2 * letters:
        return "zh"
    if cyrillic > 0.3 * letters:
        return "ru"
    words = [w.lower() for w in _WORD.findall(sample)]
    if not words:
        return "und"
    counts = Counter(words)
    scores = Counter({lang: sum(counts[w] for w in stop) for lang, stop in _STOPWORDS.items()})
    lang, hits = scores.most_common(1)[0]
    return lang if hits >= max(1, 0.05 * len(words)) else "und"
