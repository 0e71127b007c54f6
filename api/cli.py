"""The `journeymap` command line."""

import getpass
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.logging import RichHandler
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from api.cli_help import App
from assistant.settings import Settings, get_settings
from assistant.study import (
    IdealJourney,
    IngestReport,
    Studies,
    Study,
    journey_presets,
    read_ideal,
)
from assistant.workspace import open_workspace
from journey import exports
from journey.diff import diff_markdown
from journey.edits import Edit, locate
from journey.errors import (
    InvalidRequestError,
    JourneymapError,
    NotFoundError,
    UnknownProjectError,
)
from journey.labels import EN, AnswerWords, LanguageChoice, answer_words, labels_for
from journey.render import Format, encoding_for, format_for, render
from journey.schema import ChatAnswer, JourneyMap, who_said
from journey.source import Role, SourceKind
from journey.text import natural_key

app = App(
    name="journeymap",
    help="Turn interview transcripts and customer reviews into an evidence-backed journey map.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

ProjectOpt = Annotated[str, typer.Option("--project", "-p", help="Project name.")]


def _studies() -> Studies:
    """The workspace's studies (close with `.workspace.close()`)."""
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False)],
    )
    try:
        return Studies(open_workspace(settings))
    except JourneymapError as exc:  # e.g. an LLM provider configured without its key
        raise _fail(exc) from None


@contextmanager
def _opened() -> Iterator[Studies]:
    """The workspace's studies for one command: journeymap errors become a one-line message
    and exit code 2, and the workspace is closed whatever happens."""
    studies = _studies()
    try:
        yield studies
    except UnknownProjectError as exc:  # which workspace was looked in, and how to point at
        # another: it is the folder the command runs in unless told otherwise
        home = studies.workspace.settings.home
        message = f"{exc} [workspace {home}; set JOURNEYMAP_HOME to use another]"
        raise _fail(UnknownProjectError(message)) from None
    except JourneymapError as exc:
        raise _fail(exc) from None
    finally:
        studies.workspace.close()


def _checked_settings() -> Settings:
    """The settings, after the checks that must fail at start (e.g. an LLM without its key)."""
    settings = get_settings()
    try:
        settings.check_llm()
    except JourneymapError as exc:
        raise _fail(exc) from None
    return settings


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )


def _build(
    study: Study,
    stages: list[str],
    title: str | None,
    preset: str | None,
    language: LanguageChoice = "auto",
    ideal: IdealJourney | None = None,
) -> JourneyMap:
    """Build and store a map, with a spinner offline and a progress bar over the LLM's
    requests."""
    if not study.studies.uses_llm:
        with err.status("building the journey map…") as status:
            # the spinner says the step the build is at (it said the same for a minute)
            return study.build_map(
                stages,
                title=title,
                preset=preset,
                language=language,
                ideal=ideal,
                phase=lambda fraction, message: status.update(
                    f"building the journey map: {message}…"
                ),
            )
    with _progress() as progress:
        model = study.workspace.settings.llm_model
        task = progress.add_task(f"LLM extraction ({model})", total=None)
        return study.build_map(
            stages,
            title=title,
            progress=lambda done, total: progress.update(task, completed=done, total=total),
            preset=preset,
            language=language,
            ideal=ideal,
        )


def _read_ideal(path: Path) -> IdealJourney:
    """The intended journey in a YAML or JSON file; a one-line error and exit 2 if it is not
    one."""
    try:
        return read_ideal(path.read_text(encoding="utf-8-sig"), name=path.name)
    except UnicodeDecodeError:
        raise _fail(JourneymapError(f"{path.name}: not UTF-8 text; save it as UTF-8")) from None
    except OSError as exc:
        raise _fail(JourneymapError(f"{path.name}: cannot read it ({exc.strerror})")) from None
    except JourneymapError as exc:
        raise _fail(exc) from None


def _fail(exc: JourneymapError) -> typer.Exit:
    err.print(f"[red]error:[/red] {escape(str(exc))}")
    return typer.Exit(2)


def _segments(values: list[str]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, val = value.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{value!r}: write segments as key=value, e.g. plan=trial")
        out[key.strip()] = val.strip()
    return out


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to ingest.")],
    project: ProjectOpt,
    kind: Annotated[
        SourceKind | None,
        typer.Option(
            help="Treat every file as this kind (default: tables are reviews, others "
            "interviews); survey: a table of survey answers, one source per respondent.",
        ),
    ] = None,
    text_column: Annotated[
        str | None,
        typer.Option(help="Column holding the review text in .csv/.jsonl (default: detected)."),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            help="Column holding each review's id (default: detected, else the row number)."
        ),
    ] = None,
    segment: Annotated[
        list[str] | None,
        typer.Option(help="Segment attribute for these sources, key=value; repeatable."),
    ] = None,
    segment_column: Annotated[
        list[str] | None,
        typer.Option(
            help="A column of a .csv/.jsonl table whose value in each row is that source's "
            "segment (e.g. platform: ios, android); repeatable."
        ),
    ] = None,
) -> None:
    """Ingest transcripts (.txt .md .vtt .srt .docx .pdf .json) and reviews (.csv .jsonl).

    Files are read, speakers and roles found, PII redacted, and the text embedded locally into
    the project's store. Re-ingesting unchanged files adds nothing; a changed file replaces its
    old version. Exit code 1 if any file was skipped.
    """
    settings = get_settings()
    try:
        options = settings.ingest_options(
            kind=kind,
            text_column=text_column,
            id_column=id_column,
            segment=_segments(segment or []),
            segment_columns=tuple(segment_column or ()),
        )
    except JourneymapError as exc:
        raise _fail(exc) from None
    studies = _studies()
    found = 0
    try:
        with _progress() as progress:
            reading = progress.add_task("reading files", total=None)
            storing = progress.add_task("sources stored", total=None)

            def on_found(n: int) -> None:
                nonlocal found
                found = n
                progress.update(reading, total=n)

            report = studies.open(project).ingest_paths(
                paths,
                options,
                on_file=lambda p: progress.advance(reading),
                on_stored=lambda n: progress.advance(storing, n),
                on_found=on_found,
            )
    except JourneymapError as exc:
        raise _fail(exc) from None
    finally:
        studies.workspace.close()
    _print_report(project, report)
    if not found and not report.skipped:
        err.print("[yellow]no supported files found[/yellow]")
    raise typer.Exit(0 if report.ok else 1)


def _print_report(project: str, report: IngestReport) -> None:
    added = report.added
    redactions: Counter[str] = Counter()
    for s in added:
        redactions.update(s.redactions)
    stored = added or report.unchanged or report.replaced or report.resegmented
    # a run that stored nothing says so, not "Ingested" over a table of zeros (a trial's
    # mistyped --text-column)
    heading = "Ingested into" if stored or not report.skipped else "Nothing ingested into"
    table = Table(title=f"{heading} project {project!r}", show_header=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("sources added", str(len(added)))
    table.add_row("unchanged (already stored)", str(report.unchanged))
    table.add_row("replaced (changed files)", str(report.replaced))
    table.add_row("turns", str(sum(len(s.turns) for s in added)))
    table.add_row("chunks embedded", str(report.chunks))
    table.add_row("participants", str(report.participants))
    kinds = Counter(s.kind.value for s in added)
    table.add_row("kinds", ", ".join(f"{k} {n}" for k, n in kinds.most_common()) or "-")
    languages = Counter(s.language for s in added)
    table.add_row("languages", ", ".join(f"{k} {n}" for k, n in languages.most_common()) or "-")
    table.add_row("redactions", ", ".join(f"{k} {n}" for k, n in redactions.most_common()) or "0")
    table.add_row("skipped files", str(len(report.skipped)))
    if report.ignored:
        table.add_row("not ingested (by design)", str(len(report.ignored)))
    console.print(table)
    if report.resegmented:
        console.print(
            f"Segment set on {report.resegmented} source(s) already stored (nothing else new)."
        )
    elif report.unchanged and not added:
        console.print("Nothing new: every source was already stored.")
    if report.reredacted:
        console.print(
            f"Redacted again: {report.reredacted} earlier source(s) that mention a speaker "
            "first seen in this run."
        )
    for warning in report.warnings:
        err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
    for path, reason in report.ignored:
        err.print(f"[dim]not ingested[/dim] {escape(path)}: {escape(reason)}", highlight=False)
    for path, reason in report.skipped:
        # the reason names the file itself ("reviews.csv: no column 'text'…"): once is enough
        reason = reason.removeprefix(f"{Path(path).name}: ")
        err.print(f"[red]skipped[/red] {escape(path)}: {escape(reason)}", highlight=False)


@app.command()
def projects() -> None:
    """List the projects in the workspace with their source counts."""
    with _opened() as studies:
        table = Table("project", "sources", "participants", "chunks")
        for name in studies.names():
            info = studies(name).info()
            table.add_row(escape(name), str(info.sources), str(info.participants), str(info.chunks))
    console.print(table)


@app.command()
def sources(project: ProjectOpt) -> None:
    """List a project's sources: kind, language, participant, turns, redactions."""
    with _opened() as studies:
        listed = studies(project).sources()
    table = Table("id", "path", "kind", "lang", "participant", "turns", "redacted")
    table.columns[1].overflow = "fold"  # reviews.csv#R12 and #R13 told apart at 80 columns
    # in the order a person counts: review 2 before review 10
    for s in sorted(listed, key=lambda s: natural_key(s.path)):
        table.add_row(
            s.id[:10],
            escape(s.path),
            s.kind.value,
            s.language,
            escape(s.participant_id),
            str(len(s.turns)),
            str(sum(s.redactions.values())),
        )
    console.print(table)


@app.command()
def show(
    source: Annotated[str, typer.Argument(help="Source id (or its first characters) or path.")],
    project: ProjectOpt,
) -> None:
    """Print a source as it is stored: redacted, with placeholders, turn by turn.

    What you see is all that is embedded, shown in maps and answers, or sent to an LLM; check
    it before sharing a project."""
    with _opened() as studies:
        stored = studies(project).source(source).source
    kinds = ", ".join(f"{k} {n}" for k, n in sorted(stored.redactions.items())) or "nothing"
    err.print(
        f"{escape(stored.path)} · {stored.kind.value} · {stored.language} · "
        f"{escape(stored.participant_id)} · redacted: {kinds}",
        highlight=False,
    )
    section = None
    for turn in stored.turns:
        if turn.section != section and turn.section:
            console.print(f"\n## {turn.section}", markup=False, highlight=False)
        section = turn.section
        who = turn.speaker or turn.role.value
        console.print(f"{who}: {turn.text}", markup=False, highlight=False)


@app.command()
def remove(
    source: Annotated[str, typer.Argument(help="Source id (or its first characters) or path.")],
    project: ProjectOpt,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before deleting.")] = False,
) -> None:
    """Delete one source from a project, e.g. when a participant withdraws consent.

    Its stored text, its passages in the search index, its stored readings, the file kept for
    it, and every stored map version and chat answer that quotes it go; `journeymap map`
    builds the map again without it."""
    with _opened() as studies:
        study = studies(project)
        stored = study.source(source).source
        what = f"{stored.path} ({stored.kind.value}, {stored.participant_id})"
        if not yes and not typer.confirm(f"Delete {what} from {project}?", err=True):
            err.print("nothing deleted")
            raise typer.Exit(1)
        study.delete_source(stored.id)
    err.print(
        f"deleted {escape(what)} and every stored map and answer that quoted it; run "
        f"`journeymap map --project {escape(project)}` for a map without it",
        highlight=False,
    )


@app.command("delete-project")
def delete_project(
    project: ProjectOpt,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before deleting.")] = False,
) -> None:
    """Delete a whole project: its sources, search index, maps, edits, chat answers and saved
    chat sessions, and the files clients sent it. Nothing of it is left on disk."""
    with _opened() as studies:
        study = studies(project)
        count = len(study.sources())
        sources = f"{count} source" + ("" if count == 1 else "s")
        if not yes and not typer.confirm(f"Delete project {project} and its {sources}?", err=True):
            err.print("nothing deleted")
            raise typer.Exit(1)
        study.delete()
    err.print(f"deleted project {escape(project)} ({sources})", highlight=False)


@app.command()
def redactions(project: ProjectOpt) -> None:
    """Audit what was redacted where: counts of each kind per source (never the values)."""
    with _opened() as studies:
        study = studies(project)
        listed, totals = study.sources(), study.redaction_totals()
    kinds = sorted(totals)
    table = Table("id", "path", *kinds, title=f"Redactions in project {project!r}")
    for s in listed:
        table.add_row(s.id[:10], escape(s.path), *(str(s.redactions.get(k, 0)) for k in kinds))
    table.add_row("all", f"{len(listed)} sources", *(str(totals[k]) for k in kinds))
    console.print(table)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in any language.")],
    project: ProjectOpt,
    n: Annotated[int, typer.Option("-n", min=1, max=100, help="How many passages.")] = 5,
    role: Annotated[
        Literal["participant", "interviewer", "unknown", "any"],
        typer.Option(
            help="Whose turns: participants' (as chat cites), the interviewer's, speakers "
            "whose role is unknown, or any.",
        ),
    ] = "participant",
) -> None:
    """Find the passages nearest in meaning to a query, with where each one comes from."""
    with _opened() as studies:
        hits = studies(project).search_passages(
            query, n=n, role=None if role == "any" else Role(role)
        )
    for hit in hits:
        m = hit.metadata
        where = escape(f"{m.get('path')} [{m.get('char_start')}:{m.get('char_end')}]")
        who = escape(str(m.get("speaker") or m.get("participant_id")))
        console.print(f"[bold]{1 - hit.distance:.2f}[/bold] {who} — [dim]{where}[/dim]")
        console.print(f"  {hit.text}\n", markup=False, highlight=False)


@app.command("map")
def map_command(
    project: ProjectOpt,
    stages: Annotated[
        list[str] | None,
        typer.Option(
            "--stages",
            help="Stages in order: 'Name' or 'Name: description'; repeat the option or "
            "give one comma-separated list. Default: the stages chosen for the last map "
            "(--stages or --preset), else the guide's headings, else awareness..loyalty.",
        ),
    ] = None,
    out: Annotated[
        list[Path] | None,
        typer.Option(
            help="Write the map here; the format follows the extension "
            "(.json .md .csv .mmd .html; .observations.csv or .jsonl for coded segments). "
            "Repeatable. Without it the map is printed."
        ),
    ] = None,
    fmt: Annotated[
        Format | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help=f"Format when printing (default json), or of an --out whose extension is "
            f"none of the known ones (`--out report.txt --format md`): "
            f"{', '.join(get_args(Format))}.",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title of the map.")] = None,
    preset: Annotated[
        str | None,
        typer.Option(
            help=f"Map into a journey preset: {', '.join(journey_presets())}; or auto to "
            "choose afresh (the guide's headings; for a study of reviews, the preset that fits "
            "it best) instead of keeping the stages chosen for the last map."
        ),
    ] = None,
    lang: Annotated[
        LanguageChoice,
        typer.Option(
            "--lang",
            help="Language of the map's own words (stage names it chooses, labels, "
            "descriptions, recommendations, report headings): en, zh, or auto, the language "
            "most sources are in. Quotes stay as spoken.",
        ),
    ] = "auto",
    ideal: Annotated[
        Path | None,
        typer.Option(
            help="The intended journey (YAML or JSON: stages with expectations, "
            "target_valence / target_feeling, kpis) to hold the map against; `journeymap "
            "ideal` drafts one.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Build the draft journey map of a project and print or write it.

    Offline with the local extractor, or with the configured LLM."""
    intended = _read_ideal(ideal) if ideal else None
    with _opened() as studies:
        journey_map = _build(studies(project), stages or [], title, preset, lang, intended)
    settings = journey_map.generator.settings
    if not stages and not preset and (settings.get("stages") == "given" or "preset" in settings):
        words = labels_for(journey_map.language)  # a Chinese map's notice in Chinese
        kept = words.join([s.name for s in journey_map.stages])
        err.print(escape(words.stages_kept.format(stages=kept)))
    if not out:
        sys.stdout.write(render(journey_map, fmt or "json"))
    for path in out or []:
        if path.suffix and format_for(path.name, "") == "" and fmt is None:
            # `--out m.xlsx` wrote JSON into a file Excel cannot open
            raise _fail(
                JourneymapError(
                    f"{path.name}: no export format has the extension {path.suffix!r}; use "
                    ".json .md .csv .mmd .html, .observations.csv or .jsonl, or name one with "
                    "--format"
                )
            )
    for path in out or []:
        path.parent.mkdir(parents=True, exist_ok=True)
        chosen = format_for(path.name, fmt or "json")
        path.write_text(render(journey_map, chosen), encoding=encoding_for(chosen))
        err.print(f"wrote {path} ({chosen})")
    _print_map_summary(journey_map)


@app.command("ideal")
def ideal_command(
    project: ProjectOpt,
    out: Annotated[
        Path | None, typer.Option(help="Write the draft here (YAML); printed without it.")
    ] = None,
    stages: Annotated[
        list[str] | None,
        typer.Option("--stages", help="The stages, as for `journeymap map --stages`."),
    ] = None,
    preset: Annotated[
        str | None, typer.Option(help="A journey preset's stages, as for `journeymap map`.")
    ] = None,
    lang: Annotated[
        LanguageChoice,
        typer.Option("--lang", help="Language of the stage names it chooses, as for the map."),
    ] = "auto",
    force: Annotated[bool, typer.Option(help="Overwrite --out if it exists.")] = False,
) -> None:
    """Draft the intended journey to hold the map against, as YAML to edit.

    With an LLM configured, the model drafts what should happen and how each stage should feel
    from the interview guide's questions; offline, the map's stages with the guide's questions
    as comments, to fill in. Then: journeymap map -p P --ideal FILE.yaml"""
    if out is not None and out.exists() and out.is_dir():
        raise typer.BadParameter(f"{out} is a folder: name a file, e.g. {out / 'ideal.yaml'}")
    if out is not None and out.exists() and not force:  # it may hold the team's edits
        raise typer.BadParameter(f"{out} exists: name another file, or pass --force")
    with _opened() as studies:
        study = studies(project)
        if study.studies.uses_llm:
            with err.status("drafting the intended journey…"):
                journey, text = study.draft_ideal(stages or [], preset, lang)
        else:
            journey, text = study.draft_ideal(stages or [], preset, lang)
    if out is None:
        sys.stdout.write(text)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err.print(
        f"wrote {out} ({len(journey.stages)} stages, {journey.origin}); edit it, then: "
        f"journeymap map -p {project} --ideal {out}",
        highlight=False,
        markup=False,
    )


def _print_map_summary(m: JourneyMap) -> None:
    labels = labels_for(m.language)
    words = labels.summary
    table = Table(title=m.title)
    stage, mood, pains, top_pain, delights = words.columns
    table.add_column(stage, max_width=28)
    table.add_column(mood, no_wrap=True)
    table.add_column(pains, justify="right")
    table.add_column(top_pain, ratio=1)
    table.add_column(delights, justify="right")
    for s in m.stages:
        top = s.pain_points[0] if s.pain_points else None
        table.add_row(
            escape(s.name),
            words.mood.format(mood=exports.format_valence(s.emotion.mean_valence), n=s.emotion.n),
            str(len(s.pain_points)),
            escape(words.top.format(title=top.title, participants=top.participants))
            if top
            else "-",
            str(len(s.delights)),
        )
    err.print(table)
    for rec in m.recommendations[:3]:
        line = words.recommendation.format(title=escape(rec.title), priority=rec.priority)
        err.print(f"  [bold]{rec.id}[/bold] {line}")
    stats = m.stats
    err.print(
        words.totals.format(
            sources=m.sources.count,
            participants=m.sources.participants,
            sentences=stats.sentences,
            used=stats.quotes_used,
            rejected=stats.quotes_rejected,
        )
    )
    if stats.llm is not None:
        err.print(
            words.llm.format(
                model=m.generator.model,
                calls=stats.llm.calls,
                cached=stats.llm.cached_calls,
                prompt=stats.llm.prompt_tokens,
                completion=stats.llm.completion_tokens,
                failed=stats.llm.failed_requests,
            )
        )
    if m.ideal is not None:
        statuses = Counter(c.status for g in m.ideal.stages for c in g.expectations)
        below = [g.stage for g in m.ideal.stages if g.valence_status == "below target"]
        err.print(
            words.ideal.format(
                contradicted=statuses["contradicted"],
                supported=statuses["supported"],
                none=statuses["no evidence"],
                below=labels.join(below) or labels.none,
            ),
            markup=False,
            highlight=False,
        )
    for warning in m.warnings:
        err.print(f"[yellow]{escape(words.warning)}[/yellow] {escape(warning)}")


def _print_answer(answer: ChatAnswer, words: AnswerWords) -> None:
    console.print(answer.answer, markup=False, highlight=False)
    _print_citations(answer, words)


def _print_citations(answer: ChatAnswer, words: AnswerWords) -> None:
    if answer.citations:
        console.print(f"\n[bold]{escape(words.sources)}[/bold]")
    for n, c in enumerate(answer.citations, start=1):
        quote = " ".join(c.quote.split())
        quote = quote if len(quote) <= 160 else quote[:159] + "…"
        console.print(f"[{n}] \u201c{quote}\u201d", markup=False, highlight=False)
        where = escape(f"{who_said(c)} — {c.source_path} ")
        console.print(f"    [dim]{where}[{c.char_start}:{c.char_end}][/dim]", highlight=False)
    if answer.follow_ups:
        console.print(
            f"[dim]{escape(words.also_ask)} " + escape(" · ".join(answer.follow_ups)) + "[/dim]",
            highlight=False,
        )


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="A question about the study, in any language.")],
    project: ProjectOpt,
    as_json: Annotated[bool, typer.Option("--json", help="Print the answer object as JSON.")] = (
        False
    ),
    conversation: Annotated[
        str | None,
        typer.Option(
            help="Continue a conversation (its id is printed after every answer, and is in "
            "--json's conversation_id); follow-ups such as 'and in onboarding?' build on it."
        ),
    ] = None,
) -> None:
    """Ask the study a question; the answer cites participants' verbatim words.

    Written by the configured LLM, or extractive offline (and it says so)."""
    with _opened() as studies:
        # Like the HTTP and MCP faces: every answer starts or continues a conversation, so
        # its id can be passed back with a follow-up.
        answer = studies(project).ask(question, conversation)
    if as_json:
        sys.stdout.write(answer.model_dump_json(indent=2) + "\n")
    else:
        words = answer_words(question)
        _print_answer(answer, words)
        console.print(
            f"[dim]{escape(words.follow_up.format(id=answer.conversation_id))}[/dim]",
            highlight=False,
        )


@app.command("chat")
def chat_command(project: ProjectOpt) -> None:
    """Talk with the study interactively; follow-ups build on the previous question.

    Short follow-ups ("and in onboarding?") join the last question. The conversation, with
    its citations, is saved under JOURNEYMAP_HOME/conversations/."""
    with _opened() as studies:
        study = studies(project)
        chat = studies.chat(project)
        log = study.chat_log()
        log.parent.mkdir(parents=True, exist_ok=True)
        console.print(
            f"Ask about [bold]{project}[/bold] ({chat.map.sources.count} sources). "
            "Empty line or Ctrl-D to stop."
        )
        conversation = log.stem
        while True:
            try:
                question = console.input("[bold]you>[/bold] ").strip()
            except (EOFError, KeyboardInterrupt):
                break
            if not question or question.lower() in ("exit", "quit"):
                break
            answer = None
            for piece in chat.stream(question, conversation=conversation):
                if isinstance(piece, ChatAnswer):
                    answer = piece
                elif chat.writes:  # an LLM's words as they come; extractive answers at once
                    console.print(piece, end="", markup=False, highlight=False)
            assert answer is not None
            if chat.writes:
                console.print()
                _print_citations(answer, answer_words(question))
            else:
                _print_answer(answer, answer_words(question))
            with log.open("a", encoding="utf-8") as out:
                asked = study.asked(conversation)
                record = {
                    "question": question,
                    "asked": asked,  # what was searched for: a follow-up joins the last question
                    "answer": answer.model_dump(mode="json"),
                }
                out.write(json.dumps(record, ensure_ascii=False) + "\n")


edit_app = App(
    help="Curate the draft map: every edit is checked, kept, and re-applied to each rebuild.",
    no_args_is_help=True,
)
app.add_typer(edit_app, name="edit")
QuoteArg = Annotated[
    str, typer.Argument(help="A quote as SOURCE:START:END (source id or its first characters).")
]
QuotesOpt = Annotated[
    list[str],
    typer.Option("--quote", help="A quote as SOURCE:START:END; repeatable."),
]


def _quote(study: Study, text: str) -> dict[str, str | int]:
    """SOURCE:START:END (START and END in characters of the source) as an edit's quote."""
    source, _, span = text.rpartition(":")
    ref, _, start = source.rpartition(":")
    if not ref or not (start.isdigit() and span.isdigit()):
        raise typer.BadParameter(
            f"{text!r}: write a quote as SOURCE:START:END, e.g. 3f2a9c:120:184 "
            "(`journeymap search` prints them)"
        )
    source_id = study.source(ref).source.id
    return {"source_id": source_id, "char_start": int(start), "char_end": int(span)}


def _edit(project: str, **request: Any) -> None:
    """Record one edit and say what it did."""
    from journey.edits import EditRequest

    try:
        user: str | None = getpass.getuser()
    except (KeyError, OSError):  # no user name known to the system
        user = None
    with _opened() as studies:
        study = studies(project)
        quotes = request.pop("quote_texts", None) or []
        quote = request.pop("quote_text", None)
        request["quotes"] = [_quote(study, q) for q in quotes]
        request["quote"] = _quote(study, quote) if quote else None
        try:
            edit = EditRequest(**request)
        except ValidationError as exc:  # a title over MAX_TITLE, say: one line, no traceback
            from api.tool_errors import argument_errors  # loads the MCP SDK: only when needed

            raise InvalidRequestError(argument_errors(exc)) from None
        done = study.edit(edit, author=f"cli:{user}" if user else "cli")
    if done.warnings:
        for warning in done.warnings:
            err.print(f"[yellow]warning:[/yellow] {escape(warning)}")
        raise typer.Exit(1)
    what = done.finding.finding if done.finding else None
    people = EN.count(what.participants, EN.participants) if what else ""
    shown = f": {what.id} {what.title!r} ({people})" if what else ""
    if done.edit.op == "delete" and done.edit.title:
        shown = f": dismissed {request.get('target', '')} {done.edit.title!r}"
    console.print(f"{done.edit.id} {done.edit.op}{escape(shown)}", highlight=False)


TargetArg = Annotated[str, typer.Argument(help="A finding's id, e.g. pp-onboarding-1.")]
TitleArg = Annotated[str, typer.Argument(help="The finding's title, in the participants' words.")]
StageArg = Annotated[str, typer.Argument(help="A stage of the map, by name (e.g. Onboarding).")]


@edit_app.command("rename")
def edit_rename(target: TargetArg, title: TitleArg, project: ProjectOpt) -> None:
    """Give a finding (or `touchpoint:STAGE:NAME`) a new title."""
    _edit(project, op="rename", target=target, title=title)


@edit_app.command("merge")
def edit_merge(
    target: TargetArg,
    into: Annotated[str, typer.Option(help="The finding it joins.")],
    project: ProjectOpt,
) -> None:
    """Merge a finding into another: its quotes join the other's."""
    _edit(project, op="merge", target=target, into=into)


@edit_app.command("split")
def edit_split(target: TargetArg, title: TitleArg, quotes: QuotesOpt, project: ProjectOpt) -> None:
    """Split some of a finding's quotes off into a new finding with its own title."""
    _edit(project, op="split", target=target, title=title, quote_texts=quotes)


@edit_app.command("move")
def edit_move(target: TargetArg, stage: StageArg, project: ProjectOpt) -> None:
    """Move a finding (or touchpoint) to another stage."""
    _edit(project, op="restage", target=target, stage=stage)


@edit_app.command("pin")
def edit_pin(target: TargetArg, quote: QuoteArg, project: ProjectOpt) -> None:
    """Show a participant's quote first under a finding."""
    _edit(project, op="pin", target=target, quote_text=quote)


@edit_app.command("unpin")
def edit_unpin(target: TargetArg, quote: QuoteArg, project: ProjectOpt) -> None:
    """Drop one quote from a finding (it keeps the others)."""
    _edit(project, op="unpin", target=target, quote_text=quote)


@edit_app.command("add")
def edit_add(
    stage: StageArg,
    title: TitleArg,
    quotes: QuotesOpt,
    project: ProjectOpt,
    delight: Annotated[bool, typer.Option(help="A delight, not a pain point.")] = False,
    severity: Annotated[int, typer.Option(min=1, max=5, help="1 (minor) .. 5.")] = 3,
    note: Annotated[str | None, typer.Option(help="Why; kept with the edit.")] = None,
) -> None:
    """Add a finding the map missed, resting on participants' quotes."""
    kind = "delight" if delight else "pain_point"
    _edit(
        project, op="add", stage=stage, title=title, quote_texts=quotes, kind=kind,
        severity=severity, note=note,
    )  # fmt: skip


@edit_app.command("dismiss")
def edit_dismiss(target: TargetArg, project: ProjectOpt) -> None:
    """Dismiss a finding (or touchpoint): it leaves the map, and its recommendations too."""
    _edit(project, op="delete", target=target)


@edit_app.command("list")
def edit_list(project: ProjectOpt) -> None:
    """The project's edits, oldest first, with who made each."""
    with _opened() as studies:
        study = studies(project)
        edits = study.edits()
        try:
            shown = study.stored_map()
        except NotFoundError:
            shown = None
    table = Table("id", "op", "by", "when", "title / stage")
    for e in edits:
        table.add_row(
            e.id, e.op, escape(e.author or "-"), f"{e.created_at:%Y-%m-%d %H:%M}",
            escape(_edit_target(e, shown)),
        )  # fmt: skip
    console.print(table)


def _edit_target(e: Edit, shown: JourneyMap | None) -> str:
    """What an edit names or changed: the finding it was made on when it was made ("A" into
    "B", "Old" -> "New", "A" -> Stage), else as the map reads now: its new title or stage, or
    the finding it touched (a merge: the finding it went into)."""
    if e.op == "delete" and e.title:
        return f"dismissed “{e.title}”"
    if e.made_on is not None and e.op in ("rename", "restage", "merge"):
        after = f"“{e.merged_into.title}”" if e.merged_into else e.stage or f"“{e.title}”"
        return f"“{e.made_on.title}” {'into' if e.op == 'merge' else '->'} {after}"
    if e.title or e.stage:
        return e.title or e.stage or ""
    found = locate(shown, e.into_anchor or e.anchor) if shown is not None else None
    if found is None:
        return ""
    return f"into “{found[1].title}”" if e.op == "merge" else found[1].title


@edit_app.command("undo")
def edit_undo(
    edit_id: Annotated[str, typer.Argument(help="The edit's id, from `journeymap edit list`.")],
    project: ProjectOpt,
) -> None:
    """Take back one edit; the map no longer applies it."""
    with _opened() as studies:
        studies(project).undo_edit(edit_id)
    console.print(f"{edit_id} undone")


ByOpt = Annotated[
    str,
    typer.Option("--by", help="A segment attribute (e.g. plan, wave), or persona."),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]


def _valence(mean: float | None, low: float | None, high: float | None, n: int) -> str:
    if mean is None:
        return "–"
    interval = f" [{low:+.2f}, {high:+.2f}]" if low is not None and high is not None else ""
    return f"{mean:+.2f}{interval} n={n}"


@app.command()
def personas(
    project: ProjectOpt,
    by: Annotated[
        str | None, typer.Option("--by", help="Give personas by a segment attribute instead.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The personas the map found (or one per value of a segment attribute): size, defining
    themes with counts, a member's quote, feeling per stage."""
    with _opened() as studies:
        journey_map, found = studies(project).personas(by)
    words = labels_for(journey_map.language)
    if as_json:
        typer.echo(json.dumps([p.model_dump(mode="json") for p in found], ensure_ascii=False))
        return
    if not found:
        console.print(words.no_personas, highlight=False)
        return
    for p in found:
        people = words.count(p.size, words.participants)
        console.print(f"\n[bold]{escape(p.id)}: {escape(p.name)}[/bold] · {people}")
        for d in p.defining_themes:
            line = words.defining.format(
                title=d.title, n=d.participants, size=p.size, share=d.share, rest=d.rest_share
            )
            console.print(f"  {escape(line)}", highlight=False)
        if p.quote is not None:
            console.print(f"  “{escape(p.quote.quote)}” ({escape(p.quote.source_path)})")
        feeling = " · ".join(f"{s} {v.mean_valence:+.1f}" for s, v in p.stages.items())
        console.print(f"  {words.kv(words.feeling, escape(feeling))}", highlight=False)


@app.command()
def compare(
    project: ProjectOpt,
    by: ByOpt,
    limit: Annotated[int, typer.Option(min=1, max=100, help="Themes to list.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Compare the groups of a segment attribute (or personas): each stage's mean valence per
    group with a 95% interval and n, and the themes whose share differs most (Fisher's exact
    test). Under 3 participants a group is never called different; an attribute with one
    value is an error naming it and the attributes that have two (exit code 2)."""
    with _opened() as studies:
        found = studies(project).compare(by, limit)
    if as_json:
        typer.echo(found.model_dump_json())
        return
    names = [g.value for g in found.groups]
    words = labels_for(found.language).compare  # the map's language, as its pages speak
    shown_by = labels_for(found.language).segment_key(by)
    heads = (f"{g.value} ({g.participants})" for g in found.groups)
    curve = Table(words.stage, *heads, "p", "")
    curve.title = words.curve_title.format(by=shown_by)
    for s in found.stages:
        points = {p.group: p for p in s.groups}
        curve.add_row(
            escape(s.stage),
            *(
                _valence(
                    points[v].mean_valence,
                    points[v].ci_low,
                    points[v].ci_high,
                    points[v].participants,
                )
                for v in names
            ),
            "–" if s.p_value is None else f"{s.p_value:.3f}",
            words.verdicts.get(s.verdict, s.verdict),
        )
    console.print(curve)
    themes = Table(words.theme, *names, "p", "q", "", title=words.themes_title.format(by=shown_by))
    for t in found.themes:
        themes.add_row(
            escape(t.title),
            *(f"{t.participants[v]} ({t.shares[v]:.0%})" for v in names),
            "–" if t.p_value is None else f"{t.p_value:.3f}",
            "–" if t.q_value is None else f"{t.q_value:.3f}",
            words.verdicts.get(t.verdict, t.verdict),
        )
    console.print(themes)
    for note in found.notes:
        err.print(f"note: {escape(note)}", highlight=False)


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="Map id (or its start), or a value of --by.")],
    b: Annotated[str, typer.Argument(help="Map id (or its start), or a value of --by.")],
    project: ProjectOpt,
    by: Annotated[
        str | None,
        typer.Option("--by", help="A segment attribute (e.g. wave): A and B are its values."),
    ] = None,
    as_json: JsonOpt = False,
    markdown: Annotated[bool, typer.Option("--md", help="Print a Markdown section.")] = False,
) -> None:
    """What changed from A to B (two map versions, or two slices of the study by a segment):
    themes new, grown, shrunk or resolved, and each stage's change of feeling."""
    with _opened() as studies:
        found = studies(project).diff(a, b, by)
    if as_json:
        typer.echo(found.model_dump_json())
        return
    if markdown:
        typer.echo(diff_markdown(found), nl=False)
        return
    themes = Table(
        "change", "kind", "theme", "stage", "A", "B", "p", title=f"{found.a} → {found.b}"
    )
    for t in found.themes:
        if t.status != "steady":
            # a new delight is no new problem (a recheck read it as one)
            themes.add_row(
                t.status,
                "pain point" if t.kind == "pain_point" else "delight",
                escape(t.title),
                escape(t.stage or "–"),
                f"{t.a_participants} ({t.a_share:.0%})",
                f"{t.b_participants} ({t.b_share:.0%})",
                "–" if t.p_value is None else f"{t.p_value:.3f}",
            )
    console.print(themes)
    steady = sum(t.status == "steady" for t in found.themes)
    console.print(f"{steady} themes held steady (within chance).", highlight=False)
    curve = Table("stage", "A", "B", "change [95% CI]", title="Feeling per stage")
    for c in found.curve:
        if c.change is not None and c.ci_low is not None and c.ci_high is not None:
            change = f"{c.change:+.2f} [{c.ci_low:+.2f}, {c.ci_high:+.2f}]"
        else:
            shown = "" if c.change is None else f"{c.change:+.2f}"
            change = " ".join(x for x in (shown, c.note) if x) or "–"
        curve.add_row(
            escape(c.stage),
            _valence(c.a.mean_valence, c.a.ci_low, c.a.ci_high, c.a.participants),
            _valence(c.b.mean_valence, c.b.ci_low, c.b.ci_high, c.b.participants),
            change,
        )
    console.print(curve)
    for note in found.notes:
        err.print(f"note: {escape(note)}", highlight=False)


@app.command()
def cache(
    clear: Annotated[bool, typer.Option("--clear", help="Forget the cached replies.")] = False,
    older_than: Annotated[
        float | None,
        typer.Option(help="With --clear: only replies made more than this many days ago."),
    ] = None,
) -> None:
    """Show (or clear) the cache of LLM replies that spares rebuilds from paying twice.

    Clearing never changes a map already built; the next build asks the LLM again."""
    if older_than is not None and (not clear or older_than < 0):
        raise typer.BadParameter("--older-than needs --clear and a number of days >= 0")
    with _opened() as studies:
        if clear:
            gone = studies.llm_cache(clear=True, older_than_days=older_than)
            console.print(f"cleared {gone} cached LLM repl{'y' if gone == 1 else 'ies'}")
        replies, prompt, completion = studies.llm_cache_totals()
    console.print(
        f"{replies} cached LLM repl{'y' if replies == 1 else 'ies'} "
        f"({prompt:,} prompt + {completion:,} completion tokens when made)"
    )


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to bind; 0.0.0.0 to listen on all.")] = (
        "127.0.0.1"
    ),
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
) -> None:
    """Run the HTTP API (OpenAPI docs at /docs). Set JOURNEYMAP_API_KEYS before exposing it."""
    import uvicorn

    from api.app import create_app

    settings = _checked_settings()
    try:
        settings.key_scopes()  # a malformed JOURNEYMAP_API_KEYS stops here, not at a request
    except JourneymapError as exc:
        raise _fail(exc) from None
    if settings.api_keys is None and host not in ("127.0.0.1", "localhost", "::1"):
        err.print(
            "[yellow]warning:[/yellow] no JOURNEYMAP_API_KEYS: anyone who can reach "
            f"{host}:{port} can read and change every project"
        )
    # A stop signal ends the server within seconds even mid-request (jobs die with it).
    uvicorn.run(
        create_app(settings), host=host, port=port, log_level="info", timeout_graceful_shutdown=3
    )


@app.command()
def mcp() -> None:
    """Serve the MCP tools over stdin/stdout, for chat assistants that launch a command."""
    from api.deps import AppState
    from api.mcp_server import create_mcp

    settings = _checked_settings()
    workspace = open_workspace(settings)
    if sys.stdin.isatty():  # run by hand, it would seem to hang
        err.print(
            f"journeymap MCP server on stdin/stdout, workspace {settings.home}: waiting for an "
            "assistant to connect (an assistant launches this command itself; Ctrl-C stops it)"
        )
    try:
        create_mcp(AppState(settings=settings, workspace=workspace), local=True).run("stdio")
    finally:
        workspace.close()


@app.command()
def schema() -> None:
    """Print the journey map's JSON Schema."""
    sys.stdout.write(exports.json_schema())


def main() -> None:
    """Entry point of the `journeymap` script (and of `python -m api.cli`)."""
    app(prog_name="journeymap")


if __name__ == "__main__":  # `python -m api.cli`, where the script is not installed
    main()
