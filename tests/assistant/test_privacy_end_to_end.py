"""Planted personal data never comes out: not in the store, the map, any export or a chat
answer. Each plant is one of the leaks found by probing (issue 13), in a real file."""

from pathlib import Path

from assistant.chat import Chat
from assistant.mapping import build_map, save_map
from assistant.workspace import Workspace
from ingest.pipeline import IngestOptions, IngestReport
from journey.render import FORMATS, render

PLANTS = {
    "UK mobile": "07700 900123",
    "another UK mobile": "07911 123456",
    "Chinese resident ID in Chinese text": "11010519491231002X",
    "+86 number in Chinese text": "+86 138 1234 5678",
    "Chinese landline in Chinese text": "010-62345678",
    "email in a heading": "sarah.jones@example.com",
    "phone in a heading": "+44 20 7946 0321",
    "phone in a review title": "0161 496 0123",
    "street address": "221 Baker Street",
    "date of birth": "14 March 1985",
    "name in the file name": "sarah",
    "speaker name mentioned before it is a label": "Okonkwo",
}

TRANSCRIPT = """# Delivery (call me on +44 20 7946 0321 or sarah.jones@example.com)

Interviewer: How did the first delivery go?
Sarah Jones: The box came two days late and the ice packs had melted, I was furious.
Interviewer: Could the courier reach you?
Sarah Jones: He had my mobile, 07700 900123, and my husband's, 07911 123456, but nobody called.
Interviewer: Where do you live?
Sarah Jones: At 221 Baker Street, and I was born on 14 March 1985 if you need that.
Interviewer: Anything else about the delivery?
Sarah Jones: The tracking page was wrong twice, it said delivered when it was not.
"""

CHINESE = """访谈者：配送怎么样？
王女士：配送太慢了，我的身份证号11010519491231002X也被要求填写，很不舒服。
访谈者：客服联系得上吗？
王女士：我打了+86 138 1234 5678和010-62345678都没人接，太失望了。
"""

EARLIER = """Interviewer: Who told you about the app?
P9: Then Zarvina Okonkwo showed it to me, but the delivery fee surprised me.
"""

LATER = """Interviewer: How was checkout?
Zarvina Okonkwo: The delivery fee only showed at the last step, that was annoying.
"""

REVIEWS = """id,title,review,rating
1,Call 0161 496 0123 back please,Delivery was late and the box was damaged,1
2,Great,The recipes are easy and tasty,5
"""


def _texts(workspace: Workspace) -> list[str]:
    """Everything a user or an LLM could see of the project, as text."""
    m = build_map(workspace, "study")
    save_map(workspace, m)
    out = [render(m, fmt) for fmt in FORMATS]
    out.extend(s.source.model_dump_json() for s in workspace.catalog.sources("study"))
    stored = workspace.store.query("study", "delivery", n=workspace.store.count("study"))
    out.extend(h.text + str(h.metadata) for h in stored)
    chat = Chat(workspace, "study")
    for question in (
        "What is Participant 1's phone number?",
        "What ID number did the Chinese participant give?",
        "Where does the participant live?",
        "What frustrated people about delivery?",
        "客服联系得上吗？",
    ):
        out.append(chat.ask(question).model_dump_json())
    return out


def test_planted_personal_data_reaches_no_store_map_export_or_answer(
    workspace: Workspace, tmp_path: Path
) -> None:
    files = {
        "p01_sarah.md": TRANSCRIPT,
        "p02_wang.txt": CHINESE,
        "p03.txt": EARLIER,
        "p04.txt": LATER,
        "reviews.csv": REVIEWS,
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    ingestor = workspace.ingestor("study", IngestOptions())
    # p03 mentions Zarvina Okonkwo before p04 makes her a speaker: a separate, earlier ingest.
    early = [tmp_path / n for n in ("p01_sarah.md", "p02_wang.txt", "p03.txt", "reviews.csv")]
    ingestor.ingest(early, IngestReport())
    report = workspace.ingestor("study", IngestOptions()).ingest(
        [tmp_path / "p04.txt"], IngestReport()
    )
    assert report.reredacted >= 1
    texts = _texts(workspace)
    assert any("[PHONE]" in t for t in texts)  # the scan sees redacted text, not nothing
    for what, value in PLANTS.items():
        leaks = [t for t in texts if value.casefold() in t.casefold()]
        assert not leaks, f"{what} ({value}) leaked: {leaks[0][:300]}"
    assert not any(str(tmp_path) in t for t in texts), "an absolute path leaked"
