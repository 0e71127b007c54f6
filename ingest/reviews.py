"""Review tables (.csv, .jsonl): one source per row, with rating, date and author kept."""

import csv
import io
import itertools
import json
import math
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from ingest.document import MAX_TURNS, Document, RawTurn
from ingest.errors import UnreadableFileError
from ingest.speakers import REPLY_LABEL
from journey.source import DISLIKED, LIKED, SourceKind
from journey.text import said_as

# Column names reviews and feedback exports use for the text, in order of preference.
TEXT_COLUMNS = (
    "review_text",
    "review",
    "reviewtext",
    "review body",
    "review_body",
    "text",
    "content",
    "body",
    "comment",
    "comments",
    "feedback",
    "customer_feedback",
    "message",
    "verbatim",
    "consumer complaint narrative",
    "narrative",
    "complaint",
    "description",
    "response",
    "answer",
    "tweet",
    "opinion",
    "评论",
    "评价",
    "内容",
    "评价内容",
    "评论内容",
    "评价详情",
)
# Headers that name a row's id outright; others are recognised by their last word (_is_id_header).
_ID_COLUMNS = (
    "id",
    "review_id",
    "reviewid",
    "review id",
    "tweet_id",
    "ticket",
    "ticket_id",
    "complaint id",
    "complaint_id",
    "response_id",
    "uuid",
)
_META_COLUMNS = {
    "rating": (
        "rating",
        "stars",
        "star",
        "score",
        "star_rating",
        "airline_sentiment",
        "评分",
        "星级",
        "评星",
        "打分",
        "星数",
        "分数",
    ),
    "date": (
        "date",
        "at",
        "created_at",
        "created",
        "timestamp",
        "review_date",
        "time",
        "tweet_created",
        "date received",
        "review submit date and time",
        "review date and time",
        "日期",
        "时间",
        "评论时间",
        "评价时间",
        "发布时间",
    ),
    "title": ("title", "review title", "summary", "headline", "subject", "标题"),
    "author": (
        "author",
        "user",
        "username",
        "user_name",
        "reviewer",
        "name",
        "customer",
        "userName",
        "reviewer_name",
        "用户名",
        "昵称",
        "作者",
        "display_name",
        "display name",
        "screen_name",
    ),
}
_AUTHOR_WORDS = frozenset({"author", "reviewer", "nickname", "username", "nick"})
_AUTHOR_ENDINGS_ZH = ("昵称", "用户名", "评论人", "评价人", "评论者", "评价者", "网名")
"""A header that names who wrote the row though no name above is it ("Reviewer display name",
买家昵称): the copies one person reposts are one voice, not two."""
_SAFE_ID = re.compile(r"[^\w.\-]+")
# "Review ID", "ReviewId", "uuid"; "Ticket #", "No.", "Case number"; 编号, 序号, 工单号, 评论ID.
_ID_WORDS = frozenset({"id", "ids", "uuid", "guid", "#", "no", "nr", "nbr", "num", "number"})
_ID_ENDINGS_ZH = ("编号", "序号", "单号")
# Numbers that identify a person, not a row ("Phone number", 手机号): never a source's id.
_PERSONAL_WORDS = frozenset(
    {"phone", "mobile", "tel", "telephone", "fax", "cell", "card", "account", "passport", "ssn"}
)
_PERSONAL_ZH = ("手机", "电话", "身份证", "卡号", "账号")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _find(columns: Iterable[str], wanted: Iterable[str]) -> str | None:
    """The first of `wanted` among `columns`, however it is spaced, cased or joined ("Star
    Rating", "star_rating", "StarRating" are one header: Google Play's "Star Rating" and
    "Review Text" were not found, and its developer's replies were read as the reviews)."""
    by_key = {_header_key(c): c for c in reversed(list(columns))}
    for name in wanted:
        if (key := _header_key(name)) in by_key:
            return by_key[key]
    return None


def _header_key(name: str) -> str:
    return "".join(_header_words(name)) or name.strip().lower()


def _author_column(columns: Iterable[str], text_column: str) -> str | None:
    """The column that names who wrote a row when no name in _META_COLUMNS is it; not one that
    says something else about them ("Reviewer Language" made every review one of two people,
    en and es)."""
    for name in columns:
        words = set(_header_words(name))
        if name == text_column or words & _NOT_WHO:
            continue
        if words & _AUTHOR_WORDS or name.strip().endswith(_AUTHOR_ENDINGS_ZH):
            return name
    return None


_NOT_WHO = frozenset(
    {"language", "lang", "locale", "country", "territory", "region", "device", "os", "platform"}
    | {"type", "level", "status", "count", "rating", "score", "date", "time", "age", "gender"}
)
_REPLY_WORDS = frozenset({"reply", "replies", "replied"})
_REPLIER_WORDS = frozenset(
    {"developer", "owner", "business", "merchant", "management", "company", "host", "seller"}
    | {"store", "shop", "hotel", "restaurant", "manager", "official", "support", "dev"}
)


def _is_reply_column(name: str) -> bool:
    """Whether a header names a business's answer to the review ("Developer Reply Text",
    "Owner response", 商家回复), never the review's own text."""
    words = set(_header_words(name))
    return bool(
        words & _REPLY_WORDS
        or (words & {"response", "answer", "responses", "answers"} and words & _REPLIER_WORDS)
        or "回复" in name
    )


def _header_words(name: str) -> list[str]:
    """A header's words, lowercased: `ReviewId` and `review_id` give review, id; `Ticket #`
    gives ticket, #."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name.strip())
    return re.findall(r"#|[^\W_]+", spaced.lower())


def _is_id_header(name: str) -> bool:
    """Whether a header names an id or number of the row, in any of the common spellings."""
    words = _header_words(name)
    compact = "".join(words)
    if not words or _PERSONAL_WORDS.intersection(words) or any(p in compact for p in _PERSONAL_ZH):
        return False
    last = words[-1]
    if last in _ID_WORDS or compact.endswith(_ID_ENDINGS_ZH):
        return True
    return bool(_CJK.search(last)) and last.endswith("id")  # 评论ID


def _identifies_rows(rows: list[dict[str, str]], column: str) -> bool:
    """Whether a column's values can tell the rows apart: filled in most rows, never twice."""
    values = [v for r in rows if (v := r.get(column, "").strip())]
    return len(values) >= 0.5 * len(rows) and len(set(values)) == len(values)


def _id_column(rows: list[dict[str, str]], columns: list[str], text: str) -> str | None:
    """The column that identifies each row: a known id header first, else the first whose
    header reads as an id or number of the row; either way only if its values are distinct
    (a repeated value would make two rows one source)."""
    known = [_find(columns, [name]) for name in _ID_COLUMNS]
    candidates = [c for c in known if c] + [c for c in columns if _is_id_header(c)]
    return next(
        (c for c in dict.fromkeys(candidates) if c != text and _identifies_rows(rows, c)), None
    )


def _guess_text_column(rows: list[dict[str, str]], columns: list[str]) -> str | None:
    """The column whose values are longest on average and mostly not numbers."""
    best, best_len = None, 0.0
    sample = rows[:200]
    for col in columns:
        if _is_reply_column(col) or _is_follow_up(col):
            continue
        values = [str(r.get(col) or "") for r in sample]
        wordy = [v for v in values if re.search(r"[^\W\d_]{2,}", v)]
        if len(wordy) < 0.5 * len(values):
            continue
        avg = sum(len(v) for v in values) / max(1, len(values))
        if avg > best_len:
            best, best_len = col, avg
    return best if best_len >= 20 else None


class _Table(csv.excel):
    """A table's dialect: its delimiter as guessed, the standard double quote. The sniffer's
    guess of the quote character is not to be trusted: a table whose reviews say 'arriving in
    5 min' in single quotes was read with ' as the quote, and every double-quoted review with a
    comma in it was cut at its first comma, silently."""


def _dialect(text: str) -> type[csv.Dialect]:
    try:
        delimiter = csv.Sniffer().sniff(text[:20_000], delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    return type("_Sniffed", (_Table,), {"delimiter": delimiter})


MAX_COLUMNS = 1000
"""Columns a review table may have: an export has tens; thousands are no table of reviews."""


def _read_rows(path: Path, text: str) -> tuple[list[dict[str, str]], list[str], list[str]]:
    """The table's rows, its columns, and warnings (rows with more cells than the header)."""
    if path.suffix.lower() == ".jsonl":
        return (*_read_jsonl(path, text), [])
    if path.suffix.lower() == ".json":
        items = review_items(json.loads(text)) or []
        _check_row_count(path, len(items))
        rows = [{str(k): _json_cell(v) for k, v in item.items()} for item in items]
        return rows, list(dict.fromkeys(k for r in rows for k in r)), []
    dialect = _dialect(text)
    bad_line = _check_quotes(path, text, dialect)
    try:
        header = next(csv.reader(io.StringIO(text), dialect=dialect), [])
    except csv.Error:
        header = []  # said below, with the line
    if len(header) > MAX_COLUMNS:
        # a header of 5 million commas held a worker for 8 minutes, then was ingested
        raise UnreadableFileError(
            f"{path.name}: {len(header):,} columns; a review table has at most {MAX_COLUMNS:,} "
            "(one row per review, a column each for its text, id, rating, date...)"
        )
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    overfull: list[int] = []
    try:
        csv_rows = []
        for r in itertools.islice(reader, MAX_TURNS + 1):
            if None in r:  # cells past the header's last column: kept by no column
                overfull.append(reader.line_num)
            csv_rows.append({k: v for k, v in r.items() if k is not None})
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):  # a long cell, not bad quoting
            raise UnreadableFileError(
                f"{path.name}: line {reader.line_num + 1} has a cell over "
                f"{csv.field_size_limit():,} characters; split that text into rows"
            ) from None
        raise UnreadableFileError(
            f"{path.name}: malformed CSV at line {bad_line or reader.line_num} ({exc}); "
            "check its quoting"
        ) from None
    _check_row_count(path, len(csv_rows))
    notes = (
        [
            f"{path.name}: {len(overfull)} row(s) have more cells than the header has columns "
            f"(first at line {overfull[0]}); the extra cells are not read: quote cells that hold "
            "the delimiter"
        ]
        if overfull
        else []
    )
    rows = [{k: v or "" for k, v in r.items()} for r in csv_rows]
    return rows, list(reader.fieldnames or []), notes


_REVIEW_FIELDS = frozenset(
    [
        "rating",
        "score",
        "stars",
        "star",
        "im:rating",
        "评分",
        "星级",
        "打分",
        "评价星级",
        "reviewid",
        "review_id",
        "thumbsupcount",
        "helpful",
        "version",
        "appversion",
        "reviewcreatedversion",
        "app_version",
        "版本",
    ]
)
"""Fields a review export's objects have and a transcript's turns do not."""
_REVIEW_LISTS = ("reviews", "data", "items", "results", "entry", "entries", "records", "评论")


def review_items(data: object) -> list[dict[str, object]] | None:
    """The objects of a JSON review export (an App Store or Play export: a list of objects with
    a rating, an id or an app version, and no speaker), else None. An App Store export read
    as one interview made 24 reviews one person's 24 turns."""
    if isinstance(data, dict):
        feed = data.get("feed")
        found: dict[str, object] = feed if isinstance(feed, dict) else data
        data = next((found[k] for k in _REVIEW_LISTS if isinstance(found.get(k), list)), None)
    if not isinstance(data, list) or not data or not all(isinstance(i, dict) for i in data):
        return None
    items: list[dict[str, object]] = data
    if any(k in i for i in items for k in ("speaker", "speaker_name", "role")):
        return None
    rated = sum(1 for i in items if any(str(k).lower() in _REVIEW_FIELDS for k in i))
    return items if rated * 2 >= len(items) else None


def _json_cell(value: object) -> str:
    """A JSON value as a table cell: an App Store feed's {"label": "5"} as its label."""
    if isinstance(value, dict):
        inner = next((value[k] for k in ("label", "value", "text", "name") if k in value), None)
        return _json_cell(inner) if inner is not None else json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _read_jsonl(path: Path, text: str) -> tuple[list[dict[str, str]], list[str]]:
    rows = []
    for n, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if isinstance(obj, dict):
                rows.append({str(k): "" if v is None else str(v) for k, v in obj.items()})
        except json.JSONDecodeError as exc:
            raise UnreadableFileError(
                f"{path.name}: line {n} is not valid JSON ({exc.msg}); fix or remove that line"
            ) from None
        except (RecursionError, ValueError):  # nested too deeply; an integer of 5,000 digits
            raise UnreadableFileError(
                f"{path.name}: line {n} is nested too deeply or holds a number too long to "
                "read; fix or remove that line"
            ) from None
        if not isinstance(obj, dict):
            raise UnreadableFileError(f"{path.name}: line {n} is not a JSON object")
        _check_row_count(path, len(rows))
    columns = list(dict.fromkeys(k for r in rows for k in r))
    return rows, columns


def _check_row_count(path: Path, n: int) -> None:
    if n > MAX_TURNS:
        raise UnreadableFileError(
            f"{path.name}: more than {MAX_TURNS:,} reviews is over the limit for one file; split it"
        )


def _check_quotes(path: Path, text: str, dialect: type[csv.Dialect] | csv.Dialect) -> int | None:
    """Refuse a table where an unclosed quote swallows the rows after it into one review.

    The csv module reads on to the next quote, however far; a merged review is silent data
    corruption. Seen two ways: the strict reader fails on a row spanning several lines, or (in
    a table numbered 1, 2, 3...) a multi-line field holds a line starting with the next row's
    number and that row is missing. Returns the first line the strict reader failed on
    otherwise (a stray quote, a field over the csv field limit), for the lenient reader's error.
    """

    def refuse(line: int) -> UnreadableFileError:
        return UnreadableFileError(
            f"{path.name}: line {line} has an unclosed quote that swallows the rows after it; "
            "close or remove that quote"
        )

    reader = csv.reader(io.StringIO(text), dialect=dialect, strict=True)
    header, first_error = True, None
    swallowed: int | None = None  # line of a row holding the next row's start, if it is missing
    swallowed_next = 0
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error:
            if reader.line_num > start:
                raise refuse(start) from None
            first_error = first_error or start
            continue  # within one line: the lenient reader copes, or reports it
        if header or not row:
            header = False
            continue
        number = int(row[0]) if row[0].strip().isdigit() and len(row[0]) < 18 else None
        if swallowed is not None and number != swallowed_next:
            raise refuse(swallowed)
        swallowed = None
        if number is not None and reader.line_num > start:
            swallowed_next = number + 1
            if _starts_a_row(row, dialect, str(swallowed_next)):
                swallowed = start
    if swallowed is not None:
        raise refuse(swallowed)
    return first_error


def _starts_a_row(row: list[str], dialect: type[csv.Dialect] | csv.Dialect, number: str) -> bool:
    """True if a line inside one of the row's fields reads as `number<delimiter>...`."""
    for field in row:
        for line in field.split("\n")[1:]:
            try:
                inner = next(csv.reader([line], dialect=dialect))
            except (csv.Error, StopIteration):
                continue
            if len(inner) >= 2 and inner[0].strip() == number:
                return True
    return False


def read_reviews(
    path: Path,
    text: str,
    encoding: str,
    text_column: str | None = None,
    id_column: str | None = None,
    segment_columns: Sequence[str] = (),
    survey: bool = False,
) -> list[Document]:
    """One Document per non-empty row; raise UnreadableFileError if no text column (or a
    segment column named) is found. Of a `survey`, every open-text question is read."""
    rows, columns, notes = _read_rows(path, text)
    if not rows:
        raise UnreadableFileError(f"{path.name}: no rows; a review table needs a header and rows")
    if text_column is not None:
        if text_column not in columns:
            raise UnreadableFileError(
                f"{path.name}: no column {text_column!r}; columns are {', '.join(columns)}"
            )
        column = text_column
    # Columns read as fields of one source, each a turn with the lean of its section: every
    # open question of a survey (one had been read and the other dropped without a word), or
    # a review's liked and disliked fields with a review text column beside them (G2's
    # "Review" with its likes and dislikes)
    answers = _answer_columns(rows, columns, segment_columns) if survey and not text_column else []
    pro_con = _pro_con_columns(columns) if text_column is None else None
    read: list[tuple[str, str | None]] = []
    if len(answers) >= 2:
        read = [(c, _field_section(c)) for c in answers]
    elif pro_con is not None:
        main = _find([c for c in columns if not _is_reply_column(c)], TEXT_COLUMNS)
        read = [*([(main, None)] if main else []), (pro_con[0], LIKED), (pro_con[1], DISLIKED)]
    if read:
        column = read[-1][0]  # names the fields in warnings
    elif text_column is None:
        named = [c for c in columns if not _is_reply_column(c)]
        found = _find(named, TEXT_COLUMNS) or _guess_text_column(rows, columns)
        if found is None:
            raise UnreadableFileError(
                f"{path.name}: no column of review text found among {', '.join(columns)}; "
                "name it with --text-column (text_column in the API and MCP)"
            )
        column = found
    if id_column is not None and id_column not in columns:
        raise UnreadableFileError(
            f"{path.name}: no id column {id_column!r}; columns are {', '.join(columns)}"
        )
    missing = [c for c in segment_columns if c not in columns]
    if missing and len(missing) == len(segment_columns):
        raise UnreadableFileError(
            f"{path.name}: no segment column {missing[0]!r}; columns are {', '.join(columns)}"
        )
    # of several named, one per export (an App Store file's "version", a Play file's
    # "reviewCreatedVersion"), each file has its own: one missing cost a trial a whole file
    segment_columns = [c for c in segment_columns if c in columns]
    id_col = id_column or _id_column(rows, columns, column)
    follow_col = _follow_up_column(columns, column)
    meta_cols = {key: _find(columns, names) for key, names in _META_COLUMNS.items()}
    meta_cols["author"] = meta_cols["author"] or _author_column(columns, column)
    meta_cols["rating"] = meta_cols["rating"] or _rating_column(columns)
    docs = []
    empty = 0
    for n, row in enumerate(rows, start=1):
        fields: list[tuple[str, str, str | None]] = []
        if read:
            for asked, section in read:
                words = _cell(row, asked)
                if words and not _NOTHING_SAID.match(words):
                    fields.append((asked, words, section))
            body = "\n".join(f"{asked}: {words}" for asked, words, _ in fields)
        else:
            body = _cell(row, column)
        if not body:
            empty += 1
            continue
        row_id = _SAFE_ID.sub("_", row.get(id_col, "").strip()) if id_col else ""
        row_id = row_id or str(n)
        metadata: dict[str, str | int | float] = {"row": n}
        for key, col in meta_cols.items():
            if col and col != column and row.get(col, "").strip():
                metadata[key] = _number(row[col].strip()) if key == "rating" else row[col].strip()
        title = str(metadata.get("title", ""))
        source_text = f"{title}\n{body}" if title else body
        start = len(source_text) - len(body)
        if fields:
            turns = [RawTurn(None, 0, len(title))] if title else []
            at = start
            for col, words, section in fields:
                at += len(col) + 2  # "Positive: " is the table's, not the reviewer's
                turns.append(RawTurn(None, at, at + len(words), section=section))
                at += len(words) + 1
            docs.append(
                _review(path, row, row_id, source_text, turns, metadata, encoding, segment_columns)
            )
            continue
        reply = _REPLY.search(body)
        said = start + reply.start() if reply and body[: reply.start()].strip() else None
        end = len(source_text) if said is None else said
        while end > start and source_text[end - 1].isspace():
            end -= 1
        turns = [RawTurn(None, start, end)]
        if said is not None:  # the business's reply, pasted after the review
            while source_text[said].isspace():
                said += 1
            turns.append(RawTurn(REPLY_LABEL, said, len(source_text)))
        if title:
            turns.insert(0, RawTurn(None, 0, len(title)))
        if follow_col and (follow := _cell(row, follow_col)):
            # the reviewer's own later words (追评): a review that praised the product and
            # then said it broke a month later had only its praise read
            label = "追评：" if _CJK.search(follow) else "Follow-up: "
            if re.match(r"\s*(?:追评|follow[- ]?up)", follow, re.IGNORECASE):
                label = ""  # it says so itself
            source_text = f"{source_text}\n{label}{follow}"
            turns.append(RawTurn(None, len(source_text) - len(follow), len(source_text)))
        docs.append(
            _review(path, row, row_id, source_text, turns, metadata, encoding, segment_columns)
        )
    if not docs:
        raise UnreadableFileError(f"{path.name}: column {column!r} is empty in every row")
    scale = _rating_scale(docs, meta_cols["rating"])
    nps = meta_cols["rating"] is not None and _nps(meta_cols["rating"])
    if scale is not None:
        for doc in docs:
            doc.metadata["rating_scale"] = scale
            if nps and scale == 10:
                doc.metadata["rating_kind"] = "nps"
    _warn_copies(path, docs, survey)
    docs[0].warnings.extend(notes)
    if missing:
        docs[0].warnings.append(
            f"{path.name}: no segment column {', '.join(map(repr, missing))}; its rows have "
            "no such segment (columns are " + ", ".join(columns) + ")"
        )
    if empty:
        docs[0].warnings.append(
            f"{path.name}: {empty} of {len(rows)} row(s) have no text in column {column!r} and "
            "were skipped; if the reviews are in another column, name it with --text-column "
            "(text_column in the API)"
        )
    return docs


_PRO_WORDS = frozenset(
    {"positive", "positives", "pro", "pros", "liked", "likes", "plus", "pluses", "plusses"}
    | {"strengths", "good", "best", "优点", "好评", "亮点", "满意"}
)
_CON_WORDS = frozenset(
    {"negative", "negatives", "con", "cons", "disliked", "dislikes", "dislike", "minus"}
    | {"minuses", "weaknesses", "bad", "worst", "improve", "improved", "improvement"}
    | {"improvements", "缺点", "差评", "不足", "不满意", "槽点"}
)
_NOT_FIELD_WORDS = frozenset(
    {"rating", "score", "count", "votes", "helpful", "date", "time", "id", "sentiment"}
)


def _field_word(name: str, words: frozenset[str]) -> bool:
    """Whether a header names a liked (or disliked) text field: "Positive", "Pros", "What did
    you dislike?", 优点; not "Positive votes" nor "Helpful count"."""
    said = set(_header_words(name))
    if said & _NOT_FIELD_WORDS or _is_reply_column(name):
        return False
    return bool(said & words) or any(w in name for w in words if _CJK.search(w))


def _pro_con_columns(columns: Sequence[str]) -> tuple[str, str] | None:
    """A table's liked and disliked text columns, when it splits each review in two (Booking's
    Positive / Negative, Glassdoor's Pros / Cons): one of each, or None."""
    pros = [c for c in columns if _field_word(c, _PRO_WORDS) and not _field_word(c, _CON_WORDS)]
    cons = [c for c in columns if _field_word(c, _CON_WORDS) and not _field_word(c, _PRO_WORDS)]
    return (pros[0], cons[0]) if len(pros) == 1 and len(cons) == 1 else None


_NOTHING_SAID = re.compile(
    r"^\W*(?:nothing(?: (?:at all|really|to (?:report|say|add|complain about)))?|none|n/?a|na|"
    r"nada|nichts|rien|no|nope|nil|-+|\.+|无|没有|暂无|没|"
    # nothing, said with a nod ("Nothing really, keep doing what you're doing", "Can't think of
    # anything"): a survey trial's headline pain point was "Comments on nothing"
    r"(?:nothing|none|no complaints?|(?:i )?can'?t think of anything)(?: really| at all| much)?"
    r"(?:\W+(?:keep (?:it up|up the good work|doing what you'?re doing)|it'?s (?:great|fine|"
    r"perfect|good)|all good|love it|you'?re doing (?:great|well)))?)\W*$",
    re.IGNORECASE,
)
"""A liked or disliked field filled in with nothing ("Nothing", "N/A", "Nada", 无): no words
of the review (a hotel trial's "Nothing at all" was a pain point)."""


def _answer_columns(
    rows: list[dict[str, str]], columns: list[str], segment_columns: Sequence[str]
) -> list[str]:
    """A survey table's open-text questions, in order: columns whose answers are mostly words
    (not scores, dates, ids, emails or a segment), answered in at least a fifth of its rows."""
    sample = rows[:300]
    out = []
    for col in columns:
        words = set(_header_words(col))
        if (
            col in segment_columns
            or _is_reply_column(col)
            or _is_id_header(col)
            or words & (_PERSONAL_WORDS | {"date", "time", "submitted", "email", "mail", "name"})
        ):
            continue
        values = [str(r.get(col) or "").strip() for r in sample]
        given = [v for v in values if v]
        wordy = [v for v in given if re.search(r"[^\W\d_]{2,}", v) and "@" not in v]
        if len(given) < 0.2 * len(values) or len(wordy) < 0.8 * max(1, len(given)):
            continue
        distinct = len(set(given)) / max(1, len(given))
        average = sum(len(v) for v in given) / max(1, len(given))
        if distinct >= 0.3 and average >= 8:  # not a category (plan, country, company size)
            out.append(col)
    return out


def _field_section(column: str) -> str | None:
    """A survey question's answers lean as the question asks: what to improve is a complaint
    or a wish, what is liked is praise; the reason for a score says itself."""
    if _field_word(column, _CON_WORDS):
        return DISLIKED
    if _field_word(column, _PRO_WORDS):
        return LIKED
    return None


def _nps(header: str) -> bool:
    """Whether a rating column is the NPS question (likelihood to recommend, 0-10)."""
    words = set(_header_words(header))
    return "nps" in words or {"likely", "recommend"} <= words


def _rating_words(words: set[str]) -> bool:
    """A header's words name a rating: a rating, score or stars, or the NPS question ("How
    likely are you to recommend Planly to a friend or colleague?")."""
    return bool(words & {"rating", "score", "stars", "nps"}) or {"likely", "recommend"} <= words


def _rating_column(columns: Iterable[str]) -> str | None:
    """A rating column however its header goes on ("Rating x/10", "Score (1-10)", "Overall
    rating"); not a count or a vote about the review ("Rating count", "Helpful votes")."""
    for name in columns:
        words = set(_header_words(name))
        if _rating_words(words) and not words & {
            "count",
            "votes",
            "helpful",
            "id",
            "sentiment",
            "date",
            "time",
        }:
            return name
    return None


def _rating_scale(docs: Sequence[Document], header: str | None) -> int | None:
    """The top of a table's rating scale: 5, or 10 or 100 when its header says so ("Rating
    x/10") or a rating goes above 5 (Booking scores out of 10 were read as stars)."""
    ratings = [float(r) for d in docs if isinstance(r := d.metadata.get("rating"), int | float)]
    if not ratings:
        return None
    said = re.search(r"(?:/|out of |of |1\s*-\s*|0\s*-\s*)(10|100)\b", header or "", re.I)
    top = max(ratings)
    if said:
        return int(said.group(1))
    return 5 if top <= 5 else 10 if top <= 10 else 100 if top <= 100 else None


def _review(
    path: Path,
    row: dict[str, str],
    row_id: str,
    text: str,
    turns: list[RawTurn],
    metadata: dict[str, str | int | float],
    encoding: str,
    segment_columns: Sequence[str],
) -> Document:
    """One row's review, its author unless the platform masked them."""
    author = metadata.pop("author", None)
    if author is not None and _ANONYMOUS.search(str(author)):
        author = None  # "j***8", 匿名用户: a platform's mask, not one person
    return Document(
        text=text,
        turns=turns,
        locator=f"{path}#{row_id}",
        encoding=encoding,
        kind=SourceKind.review,
        metadata=metadata,
        participant_hint=str(author) if author else None,
        segment={c: row[c].strip() for c in segment_columns if (row.get(c) or "").strip()},
    )


def _cell(row: dict[str, str], column: str) -> str:
    """A text cell as stored: its line breaks (however the export wrote them) as breaks."""
    return _ESCAPED_BREAK.sub("\n", (row.get(column) or "").replace("\r\n", "\n")).strip()


def _follow_up_column(columns: Iterable[str], text_column: str) -> str | None:
    """The column of the reviewer's later words on the same purchase, if the table has one."""
    return next((c for c in columns if c != text_column and _is_follow_up(c)), None)


def _is_follow_up(name: str) -> bool:
    """Whether a header names a follow-up review's text (追评内容, "Follow-up review"), not its
    date or another fact about it."""
    words = set(_header_words(name))
    if words & {"date", "time", "at", "millis", "epoch", "id", "rating", "score"}:
        return False
    if re.search("时间|日期|图", name):
        return False
    return "追评" in name or bool(
        words & {"follow", "followup", "additional", "updated"}
        and words & {"review", "text", "comment", "content", "up"}
    )


_ANONYMOUS = re.compile(
    r"\*{2,}"
    r"|^\s*(?:匿名(?:用户|买家|网友)?|anonymous(?: user)?|a google user|guest|n/?a|unknown)\s*$",
    re.IGNORECASE,
)
"""An author the platform masked or left anonymous: many people, not one voice (eleven
匿名用户 had been counted as one reviewer)."""


_ESCAPED_BREAK = re.compile(r"(?:\\+r)?\\+n(?![a-z])")
"""A line break a platform's export wrote as its escape (`\\n`, doubled `\\\\n`): a break, not
two characters of the review (a Chinese restaurant set's titles read "\\n真的便宜"). Not before
a lower-case letter, which a path would have (C:\\new)."""


_REPLY = re.compile(
    r"(?:^|(?<=[.!?。！？)\]]\s)|(?<=[.!?。！？]))[ \t]*(?:"
    r"(?i:(?:hotel|management|owner|manager|host|property|seller|store|shop|business|"
    r"developer|company|restaurant)(?:'s)?[ \t]+(?:response|reply)|response[ \t]+from[ \t]+"
    r"(?:the[ \t]+)?(?:hotel|management|owner|property|developer|seller|business|restaurant))"
    r"[ \t]*[:：\-]"
    r"|商家回复|店家回复|掌柜回复|酒店回复|官方回复|开发者回复|客服回复)",
    re.MULTILINE,
)
"""Where a business's reply starts inside a review's text ("Hotel response: We regret...",
商家回复：): a hotel trial's six replies were quoted as guests, one as a delight theme."""


def _warn_copies(path: Path, docs: list[Document], survey: bool = False) -> None:
    """Say when rows repeat another row's text word for word (a banking trial's duplicated
    review was quoted three times in one answer, as if three people said it): each is kept,
    for only the person who made the table knows whether they are copies."""
    first: dict[str, str] = {}
    copies: list[tuple[str, str]] = []
    for doc in docs:
        key = said_as(doc.text)
        # the file's row, and the row's id where the table has one (a laptop trial's "row 4
        # repeats row 77" named review ids: the rows were 78 and 7)
        row, given = str(doc.metadata.get("row", "")), doc.locator.rsplit("#", 1)[-1]
        where = f"row {row}" if given == row or not row else f"row {row} (id {given})"
        if len(key) >= 20 and key in first:
            copies.append((first[key], where))
        first.setdefault(key, where)
    if copies and not survey:  # survey answers repeat ("Price"): each is a respondent's
        a, b = copies[0]
        docs[0].warnings.append(
            f"{path.name}: {len(copies)} row(s) repeat another row's text word for word "
            f"({b} repeats {a}); each is kept as a review: remove the copies if they "
            "are duplicates"
        )


def _number(value: str) -> str | int | float:
    try:
        number = float(value)
    except ValueError:
        return value
    if not math.isfinite(number):  # "1e400", "nan": kept as written, not as inf
        return value
    return int(number) if number.is_integer() else number
