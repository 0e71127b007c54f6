"""Speaker labels: which prefixes are speakers, who interviews, and which labels are names."""

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence

from journey.source import Role, Source, Turn
from journey.text import CJK_LETTERS

_INTERVIEWER = re.compile(
    r"(?i)^(interviewer|moderator|facilitator|researcher|host|q|question|i|int|mod|"
    r"主持人|主持|采访者|采访人|访谈者|访谈员|访问员|调研员|调研者|研究员|研究者|"
    r"司会|司会者|聞き手|インタビュアー|モデレーター|調査員|진행자|면접관|사회자)(\s*\d{1,3})?$"
)
_COMPANIONS = (
    "son|daughter|wife|husband|spouse|partner|carer|caregiver|relative|companion|"
    # who speaks for the participant ("Interpreter: She says the form kept logging her out"):
    # their words are the participant's, and the label is no name (a gov trial's file was
    # shown as p02_[NAME].txt and its participant as "Polish")
    "interpreter|translator|sign language interpreter|bsl interpreter|"
    "儿子|女儿|闺女|家属|陪同|陪护|老伴|丈夫|妻子|爱人|老公|老婆|翻译|口译|手语翻译"
)
_COMPANION = re.compile(rf"(?i)^(?:{_COMPANIONS})(\s*\d{{1,3}})?$")


def is_companion_label(label: str) -> bool:
    """Whether a speaker label is someone who came along with the participant (儿子, Wife)."""
    return bool(_COMPANION.match(unicodedata.normalize("NFKC", label)))


_PARTICIPANT = re.compile(
    r"(?i)^(participant|respondent|interviewee|customer|user|client|a|answer|r|p|"
    r"patient|parent|student|learner|member|shopper|buyer|passenger|traveller|traveler|tenant|"
    r"受访者|被访者|参与者|访谈对象|用户|客户|顾客|客人|家长|学员|学生|患者|病人|乘客|会员|"
    r"买家|租客|房客|车主|业主|"
    # who someone is in a family or a school, as labels say it (妈妈： had been read as a name
    # and "妈妈" rewritten as 受访者3 in every file: "她受访者3出差比较多")
    r"妈妈|爸爸|母亲|父亲|孩子|小孩|奶奶|爷爷|外婆|姥姥|姥爷|外公|老师|教师|"
    r"mom|mum|mother|dad|father|child|kid|teacher|grandma|grandpa|grandmother|grandfather|"
    # who came along: a relative's label is no name (儿子： had been redacted as a person
    # everywhere the word was written, "家里有个受访者6")
    rf"{_COMPANIONS}|"
    r"回答者|参加者|対象者|協力者|話し手|ユーザー|참가자|응답자|사용자)(\s*\d{1,3})?(?-i:\s?[A-Z])?$"
)
_GENERIC = re.compile(
    r"(?i)^((speaker|person|voice|unknown|guest)\s*\d{0,3}|(?-i:[A-Z]{1,2})\d{0,3}|business reply)$"
)
REPLY_LABEL = "Business reply"
"""The speaker of a business's reply pasted into a review's text: no participant."""
# Words that end in a colon in ordinary prose or file headers, not speaker names.
_NOT_SPEAKERS = {
    "note",
    "notes",
    "nb",
    "ps",
    "example",
    "e.g",
    "step",
    "tip",
    "update",
    "edit",
    "summary",
    "context",
    "date",
    "time",
    "location",
    "duration",
    "title",
    "subject",
    "re",
    "http",
    "https",
    "task",
    "topic",
    "agenda",
    "source",
    "recorded",
    "transcript",
    "file",
    "warning",
    "answer key",
    "pros",
    "cons",
    "reason",
    "because",
    "so",
    "and",
    "but",
    "well",
    "ok",
    "okay",
    "yes",
    "no",
    # Chinese file headers: 日期：2024年6月12日 is no speaker
    "日期",
    "时间",
    "时长",
    "地点",
    "主题",
    "备注",
    "注",
    "标题",
    "项目",
    "编号",
    "说明",
    "背景",
    "摘要",
    "访谈时间",
    "访谈日期",
    "访谈地点",
    "访谈主题",
    "访谈时长",
    "记录人",
}
# Bounded (a label is at most 4 words of 40 characters) so a long line is matched in linear time.
_LATIN_LABEL = r"[^\W\d_][\w.'’\-]{0,39}(?: [\w.'’\-]{1,40}){0,3}"
# Han, kana (Japanese names such as さくら, タナカ) and Hangul: scripts without capitals.
_CJK_LABEL = rf"[{CJK_LETTERS}]{{1,6}}(?:\s?\d{{1,3}})?"
LABEL = rf"(?:{_LATIN_LABEL}|{_CJK_LABEL})"
_PREFIX = re.compile(rf"^(?:\*\*)?(?P<label>{LABEL})(?:\*\*)?\s*[:：](?:\*\*)?[ \t]*")


def split_prefix(line: str) -> tuple[str, int] | None:
    """If the line starts with `Label:` return (label, offset where the text begins)."""
    match = _PREFIX.match(line)
    if not match:
        return None
    label = " ".join(match.group("label").split())
    if label.lower().rstrip(".") in _NOT_SPEAKERS:
        return None
    return label, match.end()


def is_role_label(label: str) -> bool:
    """True for labels that name a role (Interviewer, Q, Participant 2) rather than a person."""
    label = _folded(label)
    return bool(_INTERVIEWER.match(label) or _PARTICIPANT.match(label))


def is_generic_label(label: str) -> bool:
    """True for labels that are not a person's name and need no redaction."""
    return is_role_label(label) or bool(_GENERIC.match(_folded(label)))


def names_one_person(label: str) -> bool:
    """Whether a speaker label stands for the same person in every file: a name, or a numbered
    participant (Participant 3, P3, 受访者2); not an unnumbered role ("受访者", "Interviewee")
    or a recording's own numbering (Speaker 2, Guest 1), which every file reuses."""
    if not is_generic_label(label):
        return True
    found = _PARTICIPANT.match(_folded(label))
    return bool(found and found.group(2))  # "用户A", "User B": lettered within the file only


GROUP_PREFIX = "source "


def group_id(source_id: str) -> str:
    """The participant id of a file that speaks for no one person: a group's (a focus group:
    several participants' speakers) or one with no participant turns."""
    return f"{GROUP_PREFIX}{source_id[:8]}"


def speaks_for(source: Source, turn: Turn | None) -> str:
    """Who a turn of a source speaks for: the source's participant; in a group's file, the
    turn's speaker (a gov trial's five focus-group members were one participant to every
    count), qualified by the file when the label is a recording's own numbering (Speaker 2
    in every file)."""
    if (
        turn is None
        or not turn.speaker
        or turn.role is not Role.participant
        or source.participant_id != group_id(source.id)
    ):
        return source.participant_id
    if names_one_person(turn.speaker):
        return turn.speaker
    return f"{turn.speaker}, {source.participant_id}"


def people_of(source: Source) -> set[str]:
    """Everyone a source speaks for: its participant, or a group file's each speaker."""
    if source.participant_id != group_id(source.id):
        return {source.participant_id}
    return {
        speaks_for(source, t) for t in source.turns if t.role is Role.participant and t.speaker
    } or {source.participant_id}


def _folded(label: str) -> str:
    """Full-width letters and digits as ASCII (full-width Q1 -> Q1), as Japanese texts have."""
    return unicodedata.normalize("NFKC", label)


def _looks_like_name(label: str) -> bool:
    if re.fullmatch(_CJK_LABEL, label):
        return True
    words = label.split()
    return label.isupper() or all(w[0].isupper() or w[0].isdigit() for w in words)


def accepted_labels(counts: Counter[str], heads_text: str | None = None) -> set[str]:
    """Choose which `Label:` prefixes are speakers: role labels, and names used twice or in caps.

    Once a role label or another name shows the text is a transcript, a name used only once
    (a participant who answers a single question) is a speaker too; so is the name heading a
    text that has no other label (`heads_text`: "Lee: I gave up at the payment step"), whose
    name would otherwise reach quotes unredacted.
    """
    if heads_text is not None and set(counts) == {heads_text} and _looks_like_name(heads_text):
        return {heads_text}
    accepted = set()
    for label, n in counts.items():
        if is_generic_label(label) or (
            _looks_like_name(label) and (n >= 2 or (label.isupper() and len(label) > 1))
        ):
            accepted.add(label)
    if any(is_generic_label(label) for label in accepted) or (
        sum(counts[label] for label in accepted) >= 2
    ):
        accepted.update(label for label in counts if _looks_like_name(label))
    return accepted


def _is_question(text: str) -> bool:
    return text.rstrip().endswith(("?", "？")) or text.count("?") + text.count("？") >= 2


def assign_roles(turns: Iterable[tuple[str | None, str]]) -> dict[str | None, Role]:
    """Decide each speaker's role from its label, its share of questions and its share of talk."""
    turns = list(turns)
    labels = [s for s, _ in turns if s is not None]
    roles: dict[str | None, Role] = {}
    for label in set(labels):
        if _INTERVIEWER.match(_folded(label)):
            roles[label] = Role.interviewer
        elif _PARTICIPANT.match(_folded(label)):
            roles[label] = Role.participant
    undecided = sorted({s for s in labels if s not in roles})
    if undecided:
        has_interviewer = any(r is Role.interviewer for r in roles.values())
        if has_interviewer or len(set(labels)) == 1:
            roles.update(dict.fromkeys(undecided, Role.participant))
        else:
            roles.update(_roles_from_talk(turns, undecided))
    named_participant = any(r is Role.participant for r in roles.values())
    roles[None] = Role.unknown if named_participant else Role.participant
    return roles


def _roles_from_talk(
    turns: Sequence[tuple[str | None, str]], labels: list[str]
) -> dict[str | None, Role]:
    """The speaker who mostly asks questions and talks least is the interviewer."""
    n_turns: Counter[str] = Counter()
    n_questions: Counter[str] = Counter()
    n_words: Counter[str] = Counter()
    for speaker, text in turns:
        if speaker in labels:
            n_turns[speaker] += 1
            n_questions[speaker] += _is_question(text)
            n_words[speaker] += max(
                1, len(text.split()), len(text) // 2 if not text.isascii() else 0
            )
    ratio = {s: n_questions[s] / n_turns[s] for s in labels if n_turns[s]}
    roles: dict[str | None, Role] = dict.fromkeys(labels, Role.participant)
    if len(ratio) < 2:
        return roles
    ranked = sorted(ratio, key=lambda s: (-ratio[s], n_words[s], s))
    top, runner_up = ranked[0], ranked[1]
    total_words = sum(n_words.values())
    if (
        ratio[top] >= 0.3
        and ratio[top] - ratio[runner_up] >= 0.15
        and (n_words[top] / total_words <= 0.5)
    ):
        roles[top] = Role.interviewer
    else:
        roles.update(dict.fromkeys(labels, Role.unknown))
    return roles
