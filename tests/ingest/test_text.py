"""Text helpers: sentence boundaries, language detection, and decoding bytes to text."""

import codecs
from pathlib import Path

import pytest

from ingest.decoding import decode_bytes
from ingest.errors import UnreadableFileError
from ingest.language import detect_language
from ingest.sentences import LONG_CHINESE, MAX_SENTENCE_CHARS, clause_spans, sentence_spans

FIXTURES = Path(__file__).parents[1] / "fixtures"


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


# --- sentences ------------------------------------------------------------------------------


def test_english_sentences_split_at_full_stops_questions_and_exclamations() -> None:
    assert sentences("It was quick. Was it safe? I think so! Done") == [
        "It was quick.",
        "Was it safe?",
        "I think so!",
        "Done",
    ]


def test_abbreviations_do_not_end_a_sentence() -> None:
    text = "I pay bills, e.g. rent and phone, i.e. the boring ones. Dr. Lee agreed at 3 p.m. today."
    assert sentences(text) == [
        "I pay bills, e.g. rent and phone, i.e. the boring ones.",
        "Dr. Lee agreed at 3 p.m. today.",
    ]


def test_decimal_numbers_do_not_end_a_sentence() -> None:
    assert sentences("The fee was $3.50 this month. It used to be 2.99.") == [
        "The fee was $3.50 this month.",
        "It used to be 2.99.",
    ]


def test_ellipsis_before_a_lower_case_word_continues_the_sentence() -> None:
    text = "There's freeze, limits, PIN... no replacement. Odd… maybe on purpose."
    assert sentences(text) == [
        "There's freeze, limits, PIN... no replacement.",
        "Odd… maybe on purpose.",
    ]


def test_ellipsis_before_a_new_sentence_ends_it() -> None:
    assert sentences("Well... The card never came.") == ["Well...", "The card never came."]


def test_chinese_sentences_split_at_full_width_marks_without_spaces() -> None:
    assert sentences("我很喜欢。为什么呢？因为快！还有别的吗") == [
        "我很喜欢。",
        "为什么呢？",
        "因为快！",
        "还有别的吗",
    ]


def test_closing_quote_stays_with_its_sentence() -> None:
    assert sentences("他说：“好的。”然后走了。") == ["他说：“好的。”", "然后走了。"]
    assert sentences('She said "try again." Then it worked.') == [
        'She said "try again."',
        "Then it worked.",
    ]


def test_sentence_spans_are_trimmed_and_shifted_by_the_offset() -> None:
    text = "  One.   Two.  "
    spans = sentence_spans(text, offset=100)
    assert spans == [(102, 106), (109, 113)]
    assert [text[s - 100 : e - 100] for s, e in spans] == ["One.", "Two."]


def test_blank_text_has_no_sentences() -> None:
    assert sentence_spans("   \n ") == []


# --- language -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("The app is good and I like it, but the card was late.", "en"),
        ("我很喜欢这个应用，转账很快。", "zh"),
        ("The app 很好用，我每天都用它来转账。", "zh"),
        ("Die App ist super, nur der Kundenservice ist langsam.", "de"),
        ("La aplicación es muy buena, pero el soporte es lento.", "es"),
        ("こんにちは、アプリはとても便利です。", "ja"),
        ("Приложение удобное, но поддержка медленная.", "ru"),
        ("12345 678 2026-03-01", "und"),
        ("", "und"),
        ("!!! ??? ...", "und"),
        ("Nimbank", "und"),
    ],
)
def test_language_is_detected_from_script_and_function_words(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_fixture_transcripts_are_detected_in_their_language() -> None:
    transcripts = FIXTURES / "transcripts"
    assert detect_language((transcripts / "name_colon.txt").read_text(encoding="utf-8")) == "en"
    assert detect_language((transcripts / "chinese.txt").read_text(encoding="utf-8")) == "zh"


# --- decoding -------------------------------------------------------------------------------


def test_utf8_is_decoded_as_is() -> None:
    decoded = decode_bytes("naïve café 李娜\n".encode())
    assert (decoded.text, decoded.encoding, decoded.warning) == ("naïve café 李娜\n", "utf-8", None)


def test_utf8_bom_is_dropped() -> None:
    decoded = decode_bytes(codecs.BOM_UTF8 + b"Interviewer: Hi\n")
    assert decoded.text == "Interviewer: Hi\n"


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_newlines_become_line_feeds(newline: str) -> None:
    decoded = decode_bytes(f"Interviewer: Hi{newline}Dana: Hello{newline}".encode())
    assert decoded.text == "Interviewer: Hi\nDana: Hello\n"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised(codec: str) -> None:
    text = "Interviewer: How was it?\nPriya: Fine, thanks.\n"
    decoded = decode_bytes(text.encode(codec))
    assert decoded.text == text


@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_bom_are_decoded_without_the_bom(codec: str) -> None:
    decoded = decode_bytes("Zoë: Olá, 李娜\n".encode(codec))
    assert decoded.text == "Zoë: Olá, 李娜\n"


def test_gbk_bytes_decode_to_chinese_with_a_warning() -> None:
    text = "主持人：您平时主要用Nimbank的应用做什么？\n张伟：主要是转账和查看每个月的消费记录。\n"
    text *= 3
    decoded = decode_bytes(text.encode("gbk"), "interview.txt")
    assert decoded.text == text
    assert decoded.warning is not None
    assert "interview.txt" in decoded.warning


def test_cp1252_text_keeps_western_accents_rather_than_a_central_european_guess() -> None:
    decoded = decode_bytes((FIXTURES / "bad" / "latin1.txt").read_bytes(), "latin1.txt")
    assert decoded.encoding == "cp1252"
    assert "naïve" in decoded.text
    assert "naďve" not in decoded.text


def test_smart_quotes_from_windows_are_decoded() -> None:
    decoded = decode_bytes("Dana: It said “try again” – twice…\n".encode("cp1252"))
    assert decoded.text == "Dana: It said “try again” – twice…\n"


WESTERN = {
    "French reviews": (
        'id,avis\n1,"Très déçu par la livraison, les légumes étaient abîmés."\n'
        "2,\"Recettes délicieuses, mais l'appli est lente à s'ouvrir.\"\n"
        "3,\"Le service client m'a répondu après deux jours, c'est inacceptable.\"\n"
    ),
    "German interview": (
        "Interviewer: Wie war die Lieferung?\nJürgen: Die Box kam zu spät, und die Kühlakkus "
        "waren geschmolzen. Ich war ziemlich verärgert. Größe: 50 m².\n"
    ),
    "Spanish interview": (
        "Entrevistador: ¿Qué tal la entrega?\nMaría: ¡Fatal! El envío tardó muchísimo y faltó "
        "el azafrán. Mañana llamaré otra vez.\n"
    ),
    "a short French line": "Très déçu.\n",
}


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
@pytest.mark.parametrize("text", list(WESTERN.values()), ids=list(WESTERN))
def test_western_european_legacy_text_decodes_as_cp1252_with_a_warning(
    text: str, encoding: str
) -> None:
    # Detection alone named these iso8859_10, cp775, cp850 or big5, and they were refused.
    decoded = decode_bytes(text.encode(encoding), "legacy.csv")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")
    assert decoded.warning == "legacy.csv: not UTF-8; decoded as cp1252"


def test_windows_typography_in_english_reviews_is_decoded() -> None:
    text = (
        'review_id,text\n1,"The app’s “skip a week” button is hidden – I couldn’t find it."\n'
        '2,"Déjà vu: another late box… €14 wasted."\n'
    )
    decoded = decode_bytes(text.encode("cp1252"), "cp1252.csv")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Ankieter: Jak poszła dostawa?\nMałgorzata: Kurier się spóźnił. Może następnym razem "
            "będzie lepiej. Ładna paczka, ale źle zapakowana.\n",
            "cp1250",
        ),
        (
            "Интервьюер: Как прошла доставка?\nИван: Курьер опоздал, а овощи были помяты.\n",
            "cp1251",
        ),
        (
            "主持人：您平时主要用Nimbank的应用做什么？\n张伟：主要是转账和查看每个月的消费记录。\n",
            "gb18030",
        ),
    ],
    ids=["Polish", "Russian", "Chinese"],
)
def test_other_legacy_encodings_are_not_taken_for_western_text(text: str, encoding: str) -> None:
    decoded = decode_bytes(text.encode(encoding), "other.txt")
    assert (decoded.text, decoded.encoding) == (text, encoding)


def test_random_bytes_are_not_text() -> None:
    data = (FIXTURES / "bad" / "binary.txt").read_bytes()
    with pytest.raises(UnreadableFileError, match=r"binary\.txt"):
        decode_bytes(data, "binary.txt")


def test_control_characters_mean_binary() -> None:
    with pytest.raises(UnreadableFileError, match="binary"):
        decode_bytes(b"Interviewer: hi\x00\x00\x00\x01\x02 Dana: hello", "dump.txt")


def test_a_run_with_no_sentence_end_is_read_in_pieces_cut_at_spaces() -> None:
    words = " ".join(["late", "cancel", "button", "confusing"] * 2000)  # 37 KB, no full stop
    spans = sentence_spans(words, offset=7)
    assert len(spans) > 30
    assert max(e - s for s, e in spans) <= MAX_SENTENCE_CHARS
    for s, e in spans:  # every piece is whole words, verbatim at its offsets
        piece = words[s - 7 : e - 7]
        assert piece == piece.strip() and piece.split()[0] in words.split()
    assert " ".join(words[s - 7 : e - 7] for s, e in spans) == words
    han = "抱歉我们的订单" * 400  # no spaces: cut where the piece is full
    assert [e - s for s, e in sentence_spans(han)] == [1000, 1000, 800]


def test_sentiment_of_a_long_text_reads_its_start_in_bounded_time() -> None:
    from assistant.sentiment import MAX_SENTIMENT_CHARS, sentiment

    start = "I love it, the recipes are great. "
    assert sentiment(start * 10_000) == sentiment((start * 10_000)[:MAX_SENTIMENT_CHARS]) > 0


def test_a_short_english_review_of_noes_is_english():
    """An MCP trial's review read as Spanish: "no" is an English word too."""
    assert (
        detect_language("Waited in all day for the installer. No show, no text, no apology.")
        == "en"
    )
    assert detect_language("El pedido no llegó a tiempo y nadie me llamó.") == "es"


def test_a_long_chinese_sentence_is_read_a_clause_group_at_a_time() -> None:
    """A restaurant review runs a location, a delight and the decor on with commas."""
    text = (
        "位于香莲里那边的别墅区里，还没进去看到外面的摆设就喜爱的不得了，"
        "外面露台摆了几张咖啡桌，里面的装修有古典之美。"
    )
    pieces = [text[a:b] for a, b in clause_spans(text, 0, len(text))]
    assert "".join(pieces) == text and len(pieces) >= 2
    assert all(len(p) >= 15 for p in pieces)
    short = "服务员态度很好，上菜也快。"
    assert clause_spans(short, 0, len(short)) == [(0, len(short))]
    english = "The room was fine, the staff were kind, " * 3
    assert len(english) > LONG_CHINESE
    assert clause_spans(english, 0, len(english)) == [(0, len(english))]
