"""The scripts written without spaces or capital letters, defined once: Unicode ranges as
regex class fragments (to compose into a site's own class) and the counts built on them."""

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
"""Chinese characters: CJK unified ideographs, extension A and compatibility ideographs."""
ITERATION_MARK = "\u3005"
"""々, which repeats the character before it (Japanese names)."""
KANA = "\u3040-\u30ff"
"""Hiragana and katakana."""
HANGUL = "\uac00-\ud7af"
"""Hangul syllables."""
CJK_PUNCTUATION = "\u3000-\u303f"
"""Ideographic space, 、。「」 and the like."""
FULLWIDTH = "\uff00-\uffef"
"""Fullwidth forms: ，：（）！？ and fullwidth letters and digits."""

CJK_LETTERS = ITERATION_MARK + KANA + HAN + HANGUL
"""Letters of scripts without capitals (names in speaker labels, words to count)."""
CJK_TEXT = CJK_PUNCTUATION + KANA + HAN + FULLWIDTH
"""What is written without spaces between words: a space between two of these is layout."""

HAN_CHAR = re.compile(f"[{HAN}]")
HAN_RUN = re.compile(f"[{HAN}]+")


TRANSCRIPT_NOTE = re.compile(r"\[[a-z][a-z ,0-9-]{0,40}\]")
"""A transcriber's note in brackets ([pause], [long pause, about 15 seconds], [laughs],
[crosstalk]): not the participant's words (a think-aloud trial's [pause] made "cancellation /
changes" its top touchpoint)."""


def shortened(text: str, limit: int) -> str:
    """A text on one line, cut at a word to at most `limit` characters (with an ellipsis)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def said_as(text: str) -> str:
    """A text's words, for telling copies apart: case, spacing and punctuation aside (a review
    posted twice, a quote cited twice)."""
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split())


def han_count(text: str) -> int:
    """How many Chinese characters the text has."""
    return len(HAN_CHAR.findall(text))


def natural_key(text: str) -> list[tuple[int, int | str]]:
    """A sort key that orders the numbers in text by value (p2 before p10)."""
    return [(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", text) if t]
