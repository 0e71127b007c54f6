"""Chinese words (jieba: MIT; its dictionary ships in the wheel, nothing is downloaded): the
one module that loads it. In the lowest layer, so ingest (names in Chinese text) and the
analysis (titles, touchpoints, chat subjects) cut words alike."""

import functools
import logging
from typing import Any

_CHANNEL_TEXT = """
    小程序 公众号 服务号 视频号 配送员 快递员 外卖员 送餐员 刷脸 扫码 人工客服 在线客服 客服热线
    优惠码 推荐码 会员卡 自助机 取号机
"""
CHANNEL_WORDS = _CHANNEL_TEXT.split()
"""Channels and people of a customer's journey, in any domain, that jieba's dictionary cuts up
(小程序 -> 小 / 程序, 公众号 -> 公众 / 号, 配送员 -> 配送 / 员): one word each, so a touchpoint
or title is never a fragment."""


@functools.cache
def _jieba() -> Any:
    import jieba  # type: ignore[import-untyped]

    jieba.setLogLevel(logging.WARNING)  # it announces building its prefix dictionary
    for word in CHANNEL_WORDS:
        jieba.add_word(word, tag="n")
    return jieba


def chinese_words(text: str) -> list[str]:
    """Words of a run of Chinese text (jieba's default dictionary, precise mode)."""
    return [w for w in _jieba().lcut(text) if w.strip()]


def word_bounds(text: str) -> frozenset[int]:
    """The offsets in `text` where jieba's words start or end (0 and len(text) among them)."""
    bounds, at = {0}, 0
    for word in _jieba().lcut(text):
        at += len(word)
        bounds.add(at)
    return frozenset(bounds)


def tagged_words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) of Chinese text: jieba's tags (n noun, v verb, nr person name…)."""
    _jieba()  # its dictionary and quiet logging, once
    import jieba.posseg  # type: ignore[import-untyped]

    return [(p.word, p.flag) for p in jieba.posseg.lcut(text)]


def word_frequency(word: str) -> int:
    """How often jieba's dictionary saw a word (0 if never): 美丽 3036, 浩然 38, 子轩 0."""
    return int(_jieba().get_FREQ(word) or 0)
