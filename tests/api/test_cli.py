"""The `journeymap` command, run in-process (typer's runner, sharing the test session's
loaded embedding model) on a workspace in a temp dir; one smoke test runs the real command
in a subprocess."""

import functools
import io
import os
import random
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from typer.core import TyperArgument
from typer.testing import CliRunner

from api import cli
from assistant.settings import get_settings
from assistant.workspace import open_workspace
from ingest.embeddings import UsemEmbedder

FIXTURES = Path(__file__).parents[1] / "fixtures"
SAMPLES = Path(__file__).parents[2] / "samples" / "freshbox"


@pytest.fixture
def _run(
    monkeypatch: pytest.MonkeyPatch, embedder: UsemEmbedder
) -> Iterator[Callable[..., "subprocess.CompletedProcess[str]"]]:
    """Runs `journeymap ARGS` with JOURNEYMAP_HOME=home, in-process; answers like
    subprocess.run (returncode, stdout, stderr)."""
    monkeypatch.setattr(cli, "open_workspace", functools.partial(open_workspace, embedder=embedder))
    monkeypatch.setenv("COLUMNS", "200")

    def run(home: Path, *args: str, input: str | None = None) -> "subprocess.CompletedProcess[str]":
        monkeypatch.setenv("JOURNEYMAP_HOME", str(home))
        get_settings.cache_clear()
        result = CliRunner().invoke(cli.app, list(args), input=input)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return subprocess.CompletedProcess(args, result.exit_code, result.stdout, result.stderr)

    yield run
    get_settings.cache_clear()


def test_the_installed_command_runs_in_a_subprocess(tmp_path: Path):
    env = {**os.environ, "JOURNEYMAP_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    result = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", "projects"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "project" in result.stdout and "Traceback" not in result.stderr


def test_python_dash_m_api_cli_runs_the_command(tmp_path: Path):
    env = {**os.environ, "JOURNEYMAP_HOME": str(tmp_path / "home"), "COLUMNS": "200"}
    transcript = FIXTURES / "transcripts" / "qa.txt"
    result = subprocess.run(
        [sys.executable, "-m", "api.cli", "ingest", str(transcript), "-p", "dash-m"],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "Ingested into project 'dash-m'" in result.stdout
    assert "sources added" in result.stdout


def test_ingest_prints_a_summary_and_exit_code_1_when_a_file_is_skipped(_run, tmp_path: Path):
    folder = tmp_path / "study"
    folder.mkdir()
    shutil.copy(FIXTURES / "transcripts" / "otter.txt", folder / "p1.txt")
    shutil.copy(FIXTURES / "transcripts" / "chinese.txt", folder / "p2.txt")
    shutil.copy(FIXTURES / "bad" / "binary.txt", folder / "junk.txt")
    result = _run(tmp_path / "home", "ingest", str(folder), "--project", "demo")
    assert result.returncode == 1, result.stderr
    assert "sources added" in result.stdout and "│ 2" in result.stdout
    assert "zh 1" in result.stdout and "en 1" in result.stdout
    assert "skipped" in result.stderr and "junk.txt" in result.stderr
    assert "junk.txt: junk.txt" not in result.stderr  # the file is named once
    nothing = _run(tmp_path / "home", "ingest", str(folder / "junk.txt"), "-p", "demo")
    assert nothing.returncode == 1 and "Nothing ingested" in " ".join(nothing.stdout.split())

    again = _run(tmp_path / "home", "ingest", str(folder / "p1.txt"), "-p", "demo")
    assert again.returncode == 0
    assert "Nothing new" in again.stdout

    listed = _run(tmp_path / "home", "sources", "-p", "demo")
    assert listed.returncode == 0 and "P1" in listed.stdout and "P2" in listed.stdout


def _png() -> bytes:
    """A real 4x4 PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + bytes(range(i, i + 12)) for i in range(0, 48, 12))
    header = struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


def test_latin1_and_cp1252_files_are_ingested_with_a_warning_and_binary_ones_refused(
    _run, tmp_path: Path
):
    study = tmp_path / "study"
    study.mkdir()
    (study / "latin1b.csv").write_text(
        'id,avis\n1,"Très déçu par la livraison, les légumes étaient abîmés."\n'
        "2,\"Recettes délicieuses, mais l'appli est lente à s'ouvrir.\"\n",
        encoding="latin-1",
    )
    (study / "latin1c.txt").write_text(
        "Interviewer: Wie war die Lieferung?\n"
        "Jürgen: Die Box kam zu spät, und die Kühlakkus waren geschmolzen.\n",
        encoding="latin-1",
    )
    (study / "cp1252.csv").write_text(
        'review_id,text\n1,"The app’s “skip a week” button is hidden – I couldn’t find it."\n'
        '2,"Great recipes, but the café au lait pods were missing."\n',
        encoding="cp1252",
    )
    (study / "photo.txt").write_bytes(_png())
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("reviews.csv", "id,text\n1,fine\n" * 50)
    (study / "archive.csv").write_bytes(archive.getvalue())
    (study / "noise.txt").write_bytes(random.Random(7).randbytes(4000))
    home = tmp_path / "home"

    result = _run(home, "ingest", str(study), "-p", "latin")

    assert result.returncode == 1, result.stderr
    for name in ("latin1b.csv", "latin1c.txt", "cp1252.csv"):
        assert f"warning: {name}: decoded as cp1252, not UTF-8" in result.stderr
    skipped = {
        line.split(": ", 1)[0].rsplit("/", 1)[-1]: line
        for line in result.stderr.splitlines()
        if line.startswith("skipped ")
    }
    assert set(skipped) == {"photo.txt", "archive.csv", "noise.txt"}, result.stderr
    # each says what it is where it can tell (a PNG, a zip), else that it is binary
    assert "PNG image" in skipped["photo.txt"] and "zip archive" in skipped["archive.csv"]
    assert "binary" in skipped["noise.txt"]
    shown = _run(home, "show", "latin1c.txt", "-p", "latin")
    assert "Die Box kam zu spät, und die Kühlakkus waren geschmolzen." in shown.stdout
    found = _run(home, "search", "skip a week button", "-p", "latin")
    assert "The app’s “skip a week” button is hidden – I couldn’t find it." in found.stdout
    found = _run(home, "search", "livraison légumes", "-p", "latin")
    assert "Très déçu par la livraison, les légumes étaient abîmés." in found.stdout


def test_an_empty_question_or_search_query_is_refused_with_what_to_ask(_run, tmp_path: Path):
    home = tmp_path / "home"
    assert (
        _run(home, "ingest", str(FIXTURES / "transcripts" / "qa.txt"), "-p", "demo").returncode == 0
    )
    for args, message in (
        (("ask", ""), "the question is empty: ask something about the study"),
        (("ask", "  \t"), "the question is empty: ask something about the study"),
        (("search", " "), "the search query is empty: say what to look for"),
    ):
        result = _run(home, *args, "-p", "demo")
        assert result.returncode == 2, (args, result.stdout)
        assert message in result.stderr and not result.stdout


def test_search_finds_participants_words_unless_asked_for_the_interviewers(_run, tmp_path: Path):
    home, interviews = tmp_path / "home", SAMPLES / "interviews"
    for name in ("p03_priya.md", "p05_otter.txt"):
        assert _run(home, "ingest", str(interviews / name), "-p", "fb").returncode == 0
    query = "on hold phone hotline"
    found = _run(home, "search", query, "-p", "fb", "-n", "3")
    assert found.returncode == 0, found.stderr
    # "Interviewer — Did you try the phone line?" led before: it repeats the query's words.
    assert "Interviewer" not in found.stdout and "Did you try the phone line?" not in found.stdout
    first = found.stdout.split("\n\n")[0]
    assert "Participant" in first and "ten minutes on hold" in first
    everyone = _run(home, "search", query, "-p", "fb", "-n", "3", "--role", "any")
    assert "Interviewer" in everyone.stdout and "Did you try the phone line?" in everyone.stdout
    asked = _run(home, "search", query, "-p", "fb", "--role", "interviewer")
    hits = [line for line in asked.stdout.splitlines() if " — " in line]
    assert hits and all("Interviewer" in line for line in hits)


def test_unknown_project_and_bad_names_are_clear_errors(_run, tmp_path: Path):
    result = _run(tmp_path / "home", "sources", "--project", "nope")
    assert result.returncode == 2
    assert "no project 'nope'" in result.stderr
    bad = _run(
        tmp_path / "home", "ingest", str(FIXTURES / "transcripts" / "qa.txt"), "--project", "../etc"
    )
    assert bad.returncode == 2 and "not allowed" in bad.stderr


def test_help_lists_the_commands(_run, tmp_path: Path):
    result = _run(tmp_path / "home", "--help")
    assert result.returncode == 0
    for command in ("ingest", "sources", "search", "projects"):
        assert command in result.stdout


def _commands(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group of the CLI with the words that call it."""
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _commands(sub, (*path, name))


def test_every_commands_help_names_its_arguments_and_describes_every_option(_run, tmp_path: Path):
    commands = list(_commands(typer.main.get_command(cli.app)))
    assert len(commands) > 25
    for path, command in commands:
        shown = _run(tmp_path / "home", *path, "--help")
        assert shown.returncode == 0, (path, shown.stderr)
        (usage,) = [line for line in shown.stdout.splitlines() if "Usage:" in line]
        # A flag takes no value, so no type beside it (typer printed `--help <bool>`).
        assert "<bool>" not in shown.stdout, (path, shown.stdout)
        # nor Python's types beside a value (`--out <list[Path]>`): TEXT, PATH, N, choices
        assert not re.search(r"<(?:str|int|float|Path)>|<list\[", shown.stdout), (
            path,
            shown.stdout,
        )
        defaults = 0
        for param in command.params:
            assert param.help, (path, param.name)  # every argument and option says what it is
            if isinstance(param, TyperArgument):
                assert f" {param.name.upper()}" in usage, (path, usage)  # not `{a} {b}`
            elif param.default is not None and (param.secondary_opts or not param.is_flag):
                defaults += 1
        assert "{" not in usage, (path, usage)
        assert shown.stdout.count("[default: ") >= defaults, (path, shown.stdout)
    shown = _run(tmp_path / "home", "map", "--help")
    # --format has no default of its own (an --out's extension decides), but says the printed one
    assert "default json" in " ".join(shown.stdout.replace("│", " ").split())


def test_map_writes_every_format_and_prints_a_summary(_run, tmp_path: Path):
    import json

    from journey.schema import JourneyMap

    home = tmp_path / "home"
    ingest = _run(
        home,
        "ingest",
        str(FIXTURES / "transcripts"),
        str(FIXTURES / "reviews" / "reviews.csv"),
        "-p",
        "bank",
    )
    assert ingest.returncode == 0, ingest.stderr
    out = tmp_path / "out"
    names = ["map.json", "map.md", "map.csv", "map.mmd", "map.html"]
    args = [a for n in names for a in ("--out", str(out / n))]
    result = _run(home, "map", "-p", "bank", *args)
    assert result.returncode == 0, result.stderr
    for name in names:
        assert (out / name).stat().st_size > 100, name
    m = JourneyMap.model_validate_json((out / "map.json").read_text(encoding="utf-8"))
    assert m.project == "bank" and m.stages
    assert (out / "map.mmd").read_text(encoding="utf-8").startswith("journey")
    assert (out / "map.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    assert "sources" in result.stderr and "rejected by grounding" in result.stderr

    printed = _run(home, "map", "-p", "bank", "--format", "mermaid")
    assert printed.returncode == 0 and printed.stdout.startswith("journey")
    schema = json.loads(_run(home, "schema").stdout)
    assert schema["title"] and "stages" in schema["properties"]


def test_map_of_an_unknown_project_says_how_to_make_one(_run, tmp_path: Path):
    result = _run(tmp_path / "home", "map", "-p", "nothing")
    assert result.returncode == 2
    assert "ingest" in result.stderr
    # and in which workspace it looked (a new user ran it from another folder)
    assert "JOURNEYMAP_HOME" in result.stderr and "home" in result.stderr


def test_map_refuses_an_out_file_of_no_export_format(_run, tmp_path: Path):
    """`map --out m.xlsx` wrote JSON into a file Excel cannot open, and said so."""
    home = tmp_path / "home"
    assert _run(home, "ingest", str(FIXTURES / "transcripts" / "qa.txt"), "-p", "x").returncode == 0
    result = _run(home, "map", "-p", "x", "--out", str(tmp_path / "m.xlsx"))
    assert result.returncode == 2 and ".xlsx" in result.stderr
    assert not (tmp_path / "m.xlsx").exists()
    # unless a format is named for it (an insurance trial: --help said so, the command refused)
    named = _run(home, "map", "-p", "x", "--out", str(tmp_path / "r.txt"), "--format", "md")
    assert named.returncode == 0 and (tmp_path / "r.txt").read_text().startswith("#")


def test_ask_prints_an_answer_with_sources_and_json_on_request(_run, tmp_path: Path):
    import json

    home = tmp_path / "home"
    assert _run(home, "ingest", str(FIXTURES / "transcripts"), "-p", "bank").returncode == 0
    result = _run(home, "ask", "What was hard about verifying identity?", "-p", "bank")
    assert result.returncode == 0, result.stderr
    assert "Sources" in result.stdout and "[1]" in result.stdout
    assert "Follow up with --conversation" in result.stdout
    chinese = _run(home, "ask", "验证身份有什么困难？", "-p", "bank")  # the words around it too
    assert chinese.returncode == 0, chinese.stderr
    assert "继续追问请加 --conversation" in chinese.stdout and "Follow up" not in chinese.stdout
    as_json = _run(home, "ask", "What was hard about verifying identity?", "-p", "bank", "--json")
    answer = json.loads(as_json.stdout)
    assert set(answer) >= {"answer", "citations", "abstained", "follow_ups"}
    assert all(
        {"quote", "source_id", "char_start", "char_end"} <= set(c) for c in answer["citations"]
    )


def test_chat_answers_each_line_and_saves_the_conversation(_run, tmp_path: Path):

    home = tmp_path / "home"
    assert _run(home, "ingest", str(FIXTURES / "transcripts"), "-p", "bank").returncode == 0
    result = _run(
        home,
        "chat",
        "-p",
        "bank",
        input="What did people think of the card delivery?\nand the app?\n\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("you>") >= 2
    logs = list((home / "conversations").glob("bank-*.jsonl"))
    assert len(logs) == 1
    lines = logs[0].read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and "card delivery" in lines[1]  # the follow-up built on the first


@pytest.mark.parametrize("command", [["serve", "--port", "9"], ["mcp"], ["projects"]])
def test_an_llm_without_its_key_fails_at_start_naming_the_variable(
    tmp_path: Path, command: list[str]
):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY",)}
    env.update(JOURNEYMAP_HOME=str(tmp_path), JOURNEYMAP_LLM_PROVIDER="openai", COLUMNS="200")
    result = subprocess.run(
        [sys.executable, "-c", "from api.cli import main; main()", *command],
        capture_output=True, text=True, env=env, timeout=120, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    assert result.returncode == 2
    assert "JOURNEYMAP_LLM_API_KEY" in result.stderr and "OPENAI_API_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_cache_shows_and_clears_the_llm_replies(_run, tmp_path: Path):
    from pydantic import BaseModel

    from assistant.repository import Repository

    class Reply(BaseModel):
        text: str

    repository = Repository(tmp_path / "home" / "journeymap.sqlite")
    repository.cache_reply("a", Reply(text="a"), 1200, 300)
    repository.cache_reply("b", Reply(text="b"), 800, 100)
    repository.close()
    shown = _run(tmp_path / "home", "cache")
    assert shown.returncode == 0 and "2 cached LLM replies (2,000 prompt + 400" in shown.stdout
    recent = _run(tmp_path / "home", "cache", "--clear", "--older-than", "1")
    assert "cleared 0" in recent.stdout and "2 cached" in recent.stdout
    cleared = _run(tmp_path / "home", "cache", "--clear")
    assert "cleared 2" in cleared.stdout and "0 cached" in cleared.stdout
    misuse = _run(tmp_path / "home", "cache", "--older-than", "1")
    assert misuse.returncode == 2 and "needs --clear" in misuse.stderr


def test_show_prints_the_redacted_source_and_redactions_audits_kinds_not_values(
    _run, tmp_path: Path
):
    path = tmp_path / "p07.txt"
    path.write_text(
        "Interviewer: Can we follow up?\n"
        "Rosa Diaz: Sure, email rosa.diaz@example.com or call 020 7946 0321.\n",
        encoding="utf-8",
    )
    home = tmp_path / "home"
    assert _run(home, "ingest", str(path), "-p", "demo").returncode == 0
    listed = _run(home, "sources", "-p", "demo")
    source_id = listed.stdout.split("│")[1].strip() if "│" in listed.stdout else ""
    shown = _run(home, "show", source_id[:6] or "p07.txt", "-p", "demo")
    assert shown.returncode == 0, shown.stderr
    assert "[EMAIL]" in shown.stdout and "[PHONE]" in shown.stdout
    assert "rosa" not in shown.stdout.lower() and "7946" not in shown.stdout
    audit = _run(home, "redactions", "-p", "demo")
    assert audit.returncode == 0, audit.stderr
    for kind in ("email", "phone"):
        assert kind in audit.stdout
    assert "Participant 7: Sure" in shown.stdout  # p07.txt: its participant id is P7
    assert "example.com" not in audit.stdout
    missing = _run(home, "show", "zzzz", "-p", "demo")
    assert missing.returncode == 2 and "no source 'zzzz'" in missing.stderr
    # a rental-flat trial tried `show p01_wanglei`: the start of a shown name finds it too
    assert "[EMAIL]" in _run(home, "show", "p07", "-p", "demo").stdout


def test_remove_deletes_a_source_after_asking_and_says_to_build_the_map_again(_run, tmp_path: Path):
    """A participant who withdraws consent: the API and MCP could delete a source, the CLI
    could not."""
    home = tmp_path / "home"
    assert _run(home, "ingest", str(FIXTURES / "transcripts"), "-p", "bank").returncode == 0
    listed = _run(home, "sources", "-p", "bank").stdout
    first = listed.split("│")[1].strip() if "│" in listed else ""
    kept = _run(home, "remove", first, "-p", "bank", input="n\n")
    assert kept.returncode == 1 and "nothing deleted" in kept.stderr
    assert first in _run(home, "sources", "-p", "bank").stdout
    gone = _run(home, "remove", first, "-p", "bank", "--yes")
    assert gone.returncode == 0, gone.stderr
    assert "journeymap map --project bank" in gone.stderr and "quoted it" in gone.stderr
    assert first not in _run(home, "sources", "-p", "bank").stdout
    again = _run(home, "remove", first, "-p", "bank", "-y")
    assert again.returncode == 2 and f"no source {first!r}" in again.stderr


def test_delete_project_deletes_a_whole_project_after_asking(_run, tmp_path: Path):
    """The API and MCP could delete a project; the CLI user had to find and remove files."""
    home = tmp_path / "home"
    assert _run(home, "ingest", str(FIXTURES / "transcripts"), "-p", "bank").returncode == 0
    kept = _run(home, "delete-project", "-p", "bank", input="n\n")
    assert kept.returncode == 1 and "nothing deleted" in kept.stderr
    gone = _run(home, "delete-project", "-p", "bank", "--yes")
    assert gone.returncode == 0 and "deleted project bank" in gone.stderr, gone.stderr
    said = b"I closed the banner three times"  # qa.txt, in the store until then
    assert not [f for f in home.rglob("*") if f.is_file() and said in f.read_bytes()]  # no .bin:
    # the project's index folder goes with it
    again = _run(home, "delete-project", "-p", "bank", "-y")
    assert again.returncode == 2 and "no project 'bank'" in again.stderr


def test_edit_commands_curate_the_map_and_refuse_what_is_not_in_the_sources(_run, tmp_path: Path):
    import json

    home = tmp_path / "home"
    assert _run(home, "ingest", str(FIXTURES / "transcripts"), "-p", "bank").returncode == 0
    out = tmp_path / "map.json"
    assert _run(home, "map", "-p", "bank", "--out", str(out)).returncode == 0
    m = json.loads(out.read_text(encoding="utf-8"))
    pain = next(p for s in m["stages"] for p in s["pain_points"])
    quote = pain["evidence"][0]
    where = f"{quote['source_id'][:8]}:{quote['char_start']}:{quote['char_end']}"

    renamed = _run(home, "edit", "rename", pain["id"], "Our name", "-p", "bank")
    assert renamed.returncode == 0, renamed.stderr
    assert "rename" in renamed.stdout and "Our name" in renamed.stdout
    stage = m["stages"][-1]["name"]
    added = _run(home, "edit", "add", stage, "Seen by us", "--quote", where, "-p", "bank")
    assert added.returncode == 0, added.stderr
    assert "Seen by us" in added.stdout
    bad = _run(home, "edit", "add", stage, "Made up", "--quote", "zz:1:2", "-p", "bank")
    assert bad.returncode == 2 and "no source 'zz'" in bad.stderr
    malformed = _run(home, "edit", "pin", pain["id"], "nonsense", "-p", "bank")
    assert malformed.returncode == 2 and "SOURCE:START:END" in malformed.stderr

    listed = _run(home, "edit", "list", "-p", "bank")
    assert listed.returncode == 0 and "rename" in listed.stdout and "add" in listed.stdout
    assert "cli" in listed.stdout
    rename_row = next(r for r in listed.stdout.splitlines() if "│ rename" in r)
    assert pain["title"][:12] in rename_row, rename_row  # what it renamed, not only its title
    # an MCP trial stored a 20,000-character title
    long = _run(home, "edit", "rename", pain["id"], "x" * 300, "-p", "bank")
    assert long.returncode == 2 and "at most 200 characters" in long.stderr, long.stderr
    long_map = _run(home, "map", "-p", "bank", "--title", "x" * 300)
    assert long_map.returncode == 2 and "300 characters long" in long_map.stderr
    # an edit without a title of its own names the finding it touched (the column was empty)
    pinned = _run(home, "edit", "pin", pain["id"], where, "-p", "bank")
    assert pinned.returncode == 0, pinned.stderr
    rows = _run(home, "edit", "list", "-p", "bank").stdout.splitlines()
    pin_row = next(r for r in rows if "│ pin" in r)
    assert "Our name" in pin_row, rows
    others = [p for s in m["stages"] for p in s["pain_points"] if p["id"] != pain["id"]]
    if others:  # a dismissed finding is named in the list once it is gone from the map
        gone = _run(home, "edit", "dismiss", others[0]["id"], "-p", "bank")
        assert gone.returncode == 0, gone.stderr
        assert f"dismissed {others[0]['id']}" in gone.stdout  # it says what it dismissed
        rows = _run(home, "edit", "list", "-p", "bank").stdout
        assert "dismissed" in rows and others[0]["title"][:12] in rows, rows
    rebuilt = tmp_path / "again.json"
    assert _run(home, "map", "-p", "bank", "--out", str(rebuilt)).returncode == 0
    titles = {
        p["title"] for s in json.loads(rebuilt.read_text())["stages"] for p in s["pain_points"]
    }
    assert {"Our name", "Seen by us"} <= titles


def test_map_into_a_named_journey_preset_and_a_clear_error_for_an_unknown_one(_run, tmp_path: Path):
    import json

    home = tmp_path / "home"
    reviews = FIXTURES / "reviews" / "reviews.csv"
    assert _run(home, "ingest", str(reviews), "-p", "rv").returncode == 0
    out = tmp_path / "map.json"
    built = _run(home, "map", "-p", "rv", "--preset", "travel", "--out", str(out))
    assert built.returncode == 0, built.stderr
    m = json.loads(out.read_text(encoding="utf-8"))
    assert "chosen by the user" in m["generator"]["settings"]["stages"]
    # a plain `map` keeps the stages chosen (a trial's edits stopped applying when it fell
    # back to the default stages); --preset auto chooses afresh
    again = _run(home, "map", "-p", "rv", "--out", str(out))
    assert again.returncode == 0 and "as chosen for the last map" in again.stderr
    kept = json.loads(out.read_text(encoding="utf-8"))
    assert [s["name"] for s in kept["stages"]] == [s["name"] for s in m["stages"]]
    afresh = _run(home, "map", "-p", "rv", "--preset", "auto", "--out", str(out))
    assert afresh.returncode == 0 and "as chosen" not in afresh.stderr
    chosen = json.loads(out.read_text(encoding="utf-8"))["generator"]["settings"]
    assert "chosen by the user" not in chosen["stages"] and "preset" not in chosen
    unknown = _run(home, "map", "-p", "rv", "--preset", "spaceflight")
    assert unknown.returncode == 2 and "travel" in unknown.stderr


def test_map_lang_chooses_the_language_of_the_map_and_its_report(_run, tmp_path: Path):
    home = tmp_path / "home"
    reviews = FIXTURES / "reviews" / "reviews_zh.csv"
    assert _run(home, "ingest", str(reviews), "-p", "zh").returncode == 0
    chinese, english = tmp_path / "zh.md", tmp_path / "en.md"
    in_chinese = _run(home, "map", "-p", "zh", "--out", str(chinese))
    assert in_chinese.returncode == 0, in_chinese.stderr
    built = _run(home, "map", "-p", "zh", "--lang", "en", "--out", str(english))
    assert built.returncode == 0, built.stderr
    # The terminal summary speaks the map's language too.
    summary = in_chinese.stderr
    assert "首要痛点" in summary and "位参与者" in summary and "核验剔除" in summary
    assert "（优先级 " in summary and "注意：" in summary
    for words in ("top pain point", "participants", "rejected by grounding", "priority", "warning"):
        assert words not in summary, words
    assert "top pain point" in built.stderr and "rejected by grounding" in built.stderr
    zh_report, en_report = (p.read_text(encoding="utf-8") for p in (chinese, english))
    assert "## 数据来源" in zh_report and "## What it was built from" not in zh_report
    assert "## What it was built from" in en_report and "## 数据来源" not in en_report
    quote = "配送太慢了，等了一个多小时，饭菜都凉了。"
    assert quote in zh_report and quote in en_report  # as the reviewer wrote it, either way
    unknown = _run(home, "map", "-p", "zh", "--lang", "fr")
    assert unknown.returncode == 2 and "fr" in unknown.stderr
