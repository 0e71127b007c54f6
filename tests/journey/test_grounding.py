"""The grounding check: only quotes found, redacted, in their sources reach users."""

import random
import re
import time

import pytest

from journey.grounding import Grounded, ground, normalize_ws
from journey.schema import Evidence

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NAMES = {"Maria Lopez": "Participant 1", "Maria": "Participant 1", "Tom": "Interviewer"}
_NAME = re.compile(r"\b(?:Maria Lopez|Maria|Tom)\b")


def redact(text: str) -> str:
    """A small stand-in for the ingest redactor: emails and known names."""
    return _NAME.sub(lambda m: _NAMES[m.group()], _EMAIL.sub("[EMAIL]", text))


TRANSCRIPT = (
    "Interviewer: Hi, I'm Tom. I heard the onboarding was confusing?\n"
    "Maria Lopez: Honestly the  onboarding was confusing.\n\tI gave up twice.\n"
    "Interviewer: Did you contact support?\n"
    "Maria Lopez: Yes. My email is maria.lopez@example.com, ask for Maria Lopez at the desk.\n"
    "They never answered, so I left. The app crashed on login. Later the app crashed on"
    " login, again. I couldn’t find the “reset” button.\n"
)
TEXTS = {"s1": TRANSCRIPT}
# Participant turns: what follows "Maria Lopez: " up to the next interviewer turn.
PARTICIPANT = [
    (TRANSCRIPT.index("Honestly"), TRANSCRIPT.index("\nInterviewer: Did")),
    (TRANSCRIPT.index("Yes. My email"), len(TRANSCRIPT) - 1),
]
ALLOWED = {"s1": PARTICIPANT}


def span(phrase: str, text: str = TRANSCRIPT, nth: int = 0) -> tuple[int, int]:
    """Offsets of the nth occurrence of phrase in text."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(phrase, start + 1)
    return start, start + len(phrase)


def evidence(quote: str, start: int, end: int, source_id: str = "s1") -> Evidence:
    return Evidence(
        quote=quote, source_id=source_id, source_path="t.txt", char_start=start, char_end=end
    )


def ground_one(
    quote: str,
    start: int,
    end: int,
    texts: dict[str, str] = TEXTS,
    allowed: dict[str, list[tuple[int, int]]] | None = None,
) -> Grounded:
    return ground([evidence(quote, start, end)], texts, redact, allowed)


def test_normalize_ws_collapses_whitespace_and_drops_it_between_cjk_characters() -> None:
    assert normalize_ws("  the\n\tapp  crashed \r\n") == "the app crashed"
    assert normalize_ws("我觉得\n很难用，\n 真的") == "我觉得很难用，真的"
    assert normalize_ws("用 App\n下单") == "用 App 下单"
    assert normalize_ws("I couldn’t") == "I couldn’t"


def test_quote_at_its_offsets_is_kept_verified_and_not_counted_as_relocated() -> None:
    start, end = span("I gave up twice.")

    result = ground_one("I gave up twice.", start, end)

    assert [(e.quote, e.char_start, e.char_end, e.verified) for e in result.kept] == [
        ("I gave up twice.", start, end, True)
    ]
    assert result.rejected == []
    assert result.relocated == 0


def test_whitespace_differences_between_quote_and_source_do_not_matter() -> None:
    start, end = span("the  onboarding was confusing.\n\tI gave up twice.")

    single_spaced = ground_one("the onboarding was confusing. I gave up twice.", start, end)
    wrapped = ground_one("the onboarding  was\nconfusing.\tI gave\n\nup twice.", start, end)

    for result in (single_spaced, wrapped):
        assert [(e.char_start, e.char_end) for e in result.kept] == [(start, end)]
        assert result.kept[0].quote == "the onboarding was confusing. I gave up twice."
        assert result.relocated == 0


def test_curly_and_straight_quote_marks_match_and_the_source_marks_are_shown() -> None:
    phrase = "I couldn’t find the “reset” button."
    start, end = span(phrase)

    at_offsets = ground_one('I couldn\'t find the "reset" button.', start, end)
    elsewhere = ground_one('I couldn\'t find the "reset" button.', 0, 30)

    assert [e.quote for e in at_offsets.kept] == [phrase]
    assert [(e.quote, e.char_start, e.char_end) for e in elsewhere.kept] == [(phrase, start, end)]


def test_wrong_offsets_are_repaired_to_the_occurrence_nearest_the_claimed_start() -> None:
    first = span("app crashed on login")
    second = span("app crashed on login", nth=1)

    near_second = ground_one("app crashed on login", second[0] + 5, second[1] + 5)
    near_first = ground_one("app crashed on login", first[0] - 7, first[1] - 7)

    assert [(e.char_start, e.char_end) for e in near_second.kept] == [second]
    assert [(e.char_start, e.char_end) for e in near_first.kept] == [first]
    assert near_second.relocated == near_first.relocated == 1
    assert near_second.kept[0].verified


def test_invented_quote_is_rejected() -> None:
    result = ground_one("The pricing page was great", 0, 26)

    assert result.kept == []
    assert [e.quote for e in result.rejected] == ["The pricing page was great"]
    assert not result.rejected[0].verified


def test_quote_from_an_interviewer_turn_is_rejected_when_participant_spans_are_given() -> None:
    start, end = span("Did you contact support?")

    unrestricted = ground_one("Did you contact support?", start, end)
    restricted = ground_one("Did you contact support?", start, end, allowed=ALLOWED)

    assert len(unrestricted.kept) == 1
    assert restricted.kept == []
    assert len(restricted.rejected) == 1


def test_quote_claimed_in_an_interviewer_turn_moves_to_the_participant_saying_it() -> None:
    asked = span("the onboarding was confusing")
    answered = span("the  onboarding was confusing")

    result = ground_one("the onboarding was confusing", *asked, allowed=ALLOWED)

    assert [(e.quote, e.char_start, e.char_end) for e in result.kept] == [
        ("the onboarding was confusing", *answered)
    ]
    assert result.relocated == 1


def test_quote_spanning_interviewer_and_participant_turns_is_rejected() -> None:
    start = TRANSCRIPT.index("Did you contact")
    end = TRANSCRIPT.index(" My email")
    quote = redact(TRANSCRIPT[start:end])

    assert ground_one(quote, start, end).kept != []
    assert ground_one(quote, start, end, allowed=ALLOWED).kept == []


def test_source_missing_from_the_participant_spans_allows_no_quote() -> None:
    start, end = span("I gave up twice.")

    result = ground_one("I gave up twice.", start, end, allowed={"other": [(0, 10)]})

    assert result.kept == []


QUOTE_WITH_PII = "My email is [EMAIL], ask for Participant 1 at the desk."
PII_SPAN = span("My email is maria.lopez@example.com, ask for Maria Lopez at the desk.")


def test_quote_with_email_and_name_placeholders_is_verified_at_its_offsets() -> None:
    result = ground_one(QUOTE_WITH_PII, *PII_SPAN)

    assert [(e.quote, e.char_start, e.char_end, e.verified) for e in result.kept] == [
        (QUOTE_WITH_PII, *PII_SPAN, True)
    ]
    assert result.relocated == 0


@pytest.mark.parametrize(
    ("quote", "phrase"),
    [
        (QUOTE_WITH_PII, "My email is maria.lopez@example.com, ask for Maria Lopez at the desk."),
        ("Participant 1 at the desk", "Maria Lopez at the desk"),
        ("My email is [EMAIL]", "My email is maria.lopez@example.com"),
        ("[EMAIL], ask for Participant 1", "maria.lopez@example.com, ask for Maria Lopez"),
    ],
)
def test_quote_with_placeholders_and_wrong_offsets_is_relocated_over_the_hidden_text(
    quote: str, phrase: str
) -> None:
    result = ground_one(quote, 3, 40, allowed=ALLOWED)

    assert [(e.quote, e.char_start, e.char_end) for e in result.kept] == [(quote, *span(phrase))]
    assert result.relocated == 1


def test_quote_handed_over_with_raw_pii_is_kept_with_the_pii_redacted() -> None:
    raw = "My email is maria.lopez@example.com, ask for Maria Lopez at the desk."

    at_offsets = ground_one(raw, *PII_SPAN)
    elsewhere = ground_one(raw, 0, 10)

    for result in (at_offsets, elsewhere):
        assert [(e.quote, e.char_start, e.char_end) for e in result.kept] == [
            (QUOTE_WITH_PII, *PII_SPAN)
        ]


def test_placeholders_match_a_source_that_arrived_already_redacted() -> None:
    text = "Participant 2: If stuck, write to [EMAIL] or ask Participant 2 at the desk.\n"
    phrase = "write to [EMAIL] or ask Participant 2 at the desk"

    result = ground_one(phrase, 0, 5, texts={"s1": text})

    assert [(e.quote, e.char_start, e.char_end) for e in result.kept] == [
        (phrase, *span(phrase, text))
    ]


def test_evidence_from_an_unknown_source_is_rejected() -> None:
    result = ground([evidence("I gave up twice.", 0, 16, "missing")], TEXTS, redact)

    assert result.kept == []
    assert [e.source_id for e in result.rejected] == ["missing"]


@pytest.mark.parametrize(
    ("start", "end"),
    [(-5, 10), (0, len(TRANSCRIPT) + 100), (120, 100), (len(TRANSCRIPT) + 5, len(TRANSCRIPT) + 9)],
)
def test_offsets_out_of_range_are_repaired(start: int, end: int) -> None:
    result = ground_one("I gave up twice.", start, end)

    assert [(e.char_start, e.char_end) for e in result.kept] == [span("I gave up twice.")]
    assert result.relocated == 1


CHINESE = (
    "主持人：注册顺利吗？\n"
    "受访者：我觉得注册流程太复杂了，\n验证码一直收不到。我的邮箱是 wang@example.cn，请联系我。\n"
)


def test_chinese_quote_is_verified_across_a_line_wrap_and_relocated() -> None:
    phrase = "注册流程太复杂了，\n验证码一直收不到。"
    start, end = span(phrase, CHINESE)
    texts = {"s1": CHINESE}

    at_offsets = ground_one("注册流程太复杂了，验证码一直收不到。", start, end, texts)
    elsewhere = ground_one("注册流程太复杂了，验证码一直收不到", 0, 4, texts)

    assert [(e.quote, e.char_start, e.char_end) for e in at_offsets.kept] == [
        ("注册流程太复杂了，验证码一直收不到。", start, end)
    ]
    assert [(e.quote, e.char_start, e.char_end) for e in elsewhere.kept] == [
        ("注册流程太复杂了，验证码一直收不到", start, end - 1)
    ]
    assert elsewhere.relocated == 1


def test_chinese_quote_with_an_email_placeholder_is_relocated() -> None:
    quote = "我的邮箱是 [EMAIL]，请联系我"

    result = ground_one(quote, 0, 3, texts={"s1": CHINESE})

    assert [(e.quote, e.char_start, e.char_end) for e in result.kept] == [
        (quote, *span("我的邮箱是 wang@example.cn，请联系我", CHINESE))
    ]


@pytest.mark.parametrize(
    ("quote", "shown"),
    [
        ("“nobody answered.”", None),
        ("They never answered.", "They never answered"),
        ("...so I left", "so I left"),
        ('"so I left"', "so I left"),
        ("so I left!", "so I left"),
    ],
)
def test_quote_whose_ends_differ_only_in_punctuation_is_kept_as_the_source_has_it(
    quote: str, shown: str | None
) -> None:
    result = ground_one(quote, 0, 10)

    if shown is None:
        assert result.kept == []
        return
    assert [(e.quote, e.char_start, e.char_end) for e in result.kept] == [(shown, *span(shown))]


@pytest.mark.parametrize("quote", ["", "   \n", "...", "!? —", "[EMAIL]", "“ ”"])
def test_empty_or_punctuation_only_quote_is_rejected(quote: str) -> None:
    result = ground_one(quote, 0, 5)

    assert result.kept == []
    assert len(result.rejected) == 1


def test_quote_shorter_than_three_characters_is_rejected_even_when_found() -> None:
    text = "ok. It is ok, I guess."

    exact = ground_one("ok", 0, 2, texts={"s1": text})
    relocated = ground_one("ok!", 10, 12, texts={"s1": text})
    three = ground_one("ok.", 0, 3, texts={"s1": text})

    assert exact.kept == relocated.kept == []
    assert [e.quote for e in three.kept] == ["ok."]


def test_grounded_counts_each_evidence_once_and_keeps_the_order() -> None:
    batch = [
        evidence("I gave up twice.", *span("I gave up twice.")),
        evidence("Nobody ever called me back", 0, 26),
        evidence("so I left.", 3, 13),
        evidence("I gave up twice.", 0, 16, "missing"),
        evidence("Did you contact support?", *span("Did you contact support?")),
    ]

    result = ground(batch, TEXTS, redact, ALLOWED)

    assert [e.quote for e in result.kept] == ["I gave up twice.", "so I left."]
    assert [e.quote for e in result.rejected] == [
        "Nobody ever called me back",
        "I gave up twice.",
        "Did you contact support?",
    ]
    assert result.relocated == 1
    assert all(e.verified for e in result.kept)
    assert not any(e.verified for e in result.rejected)


@pytest.mark.parametrize("allowed", [None, ALLOWED])
def test_kept_quotes_always_equal_the_redacted_source_at_their_offsets(
    allowed: dict[str, list[tuple[int, int]]] | None,
) -> None:
    rng = random.Random(0)
    batch = []
    for _ in range(600):
        start = rng.randrange(len(TRANSCRIPT))
        end = min(len(TRANSCRIPT), start + rng.randint(1, 90))
        quote = redact(TRANSCRIPT[start:end])
        if rng.random() < 0.3:
            quote = re.sub(r" ", lambda _: rng.choice([" ", "  ", "\n", "\t "]), quote)
        shift = rng.choice([0, 0, rng.randint(-40, 40), rng.randint(-500, 500)])
        batch.append(evidence(quote, start + shift, end + shift))

    result = ground(batch, TEXTS, redact, allowed)

    assert len(result.kept) + len(result.rejected) == len(batch)
    assert len(result.kept) > len(batch) // (2 if allowed is None else 4)
    for kept in result.kept:
        source_text = TRANSCRIPT[kept.char_start : kept.char_end]
        assert kept.verified
        assert kept.quote == normalize_ws(redact(source_text))
        assert "maria.lopez@example.com" not in kept.quote
        if allowed is not None:
            assert any(s <= kept.char_start and kept.char_end <= e for s, e in PARTICIPANT)


def _megabyte(rng: random.Random) -> str:
    words = ["the", "app", "crashed", "when", "I", "tried", "to", "pay", "support", "answered"]
    lines: list[str] = []
    size = 0
    while size < 1_000_000:
        lines.append(" ".join(rng.choice(words) for _ in range(rng.randint(5, 25))) + ".\n")
        size += len(lines[-1])
    return "".join(lines)


def test_a_thousand_quotes_at_their_offsets_in_a_megabyte_ground_well_under_a_second() -> None:
    rng = random.Random(1)
    text = _megabyte(rng)
    spans = [(s, s + rng.randint(20, 120)) for s in rng.sample(range(len(text) - 200), 1000)]
    batch = [evidence(redact(text[s:e]), s, e) for s, e in spans]

    began = time.perf_counter()
    result = ground(batch, {"s1": text}, redact)
    elapsed = time.perf_counter() - began

    assert len(result.kept) == 1000
    assert result.relocated == 0
    assert elapsed < 0.5


def test_a_hundred_quotes_with_wrong_offsets_in_a_megabyte_are_relocated_quickly() -> None:
    rng = random.Random(2)
    text = _megabyte(rng) + "Then the courier left my parcel in the rain.\n"
    target = span("the courier left my parcel in the rain", text)
    batch = [evidence("the courier left my parcel in the rain", 0, 38) for _ in range(100)]

    began = time.perf_counter()
    result = ground(batch, {"s1": text}, redact)
    elapsed = time.perf_counter() - began

    assert [(e.char_start, e.char_end) for e in result.kept] == [target] * 100
    assert result.relocated == 100
    assert elapsed < 2.0
