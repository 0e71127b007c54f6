"""The use-case layer: every job the faces offer (CLI, HTTP API, MCP), written once.

`Studies` is a workspace's set of projects with what a long-running face keeps between calls
(one writer per project, a chat per project); `Study` is one project and its use cases:
ingest, sources, delete, build_map, stored_map, fresh_map, edit, ask, search, export. The
faces translate their arguments into these calls and journeymap's errors (journey.errors)
into exit codes, HTTP statuses or MCP error results, nothing else; so they agree by
construction. Read-only use cases never write: `stored_map` reads, `fresh_map` may build.
"""

import contextlib
import os
import re
import shutil
import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant import briefs
from assistant.analysts import analyst_for
from assistant.compare import Comparison, compare
from assistant.curation import edited_finding, make_edit
from assistant.ideal import guide_questions
from assistant.ideal_files import ideal_yaml, read_ideal
from assistant.locks import ProjectLock
from assistant.mapping import (
    auto_preset,
    build_map,
    chosen_stages,
    current_map,
    map_language,
    no_sources,
    save_map,
    stage_specs,
    with_edits,
)
from assistant.personas import personas_by_segment, with_personas
from assistant.presets import preset_ids
from assistant.repository import MapVersion
from assistant.stages import parse_stages
from assistant.waves import diff_maps, diff_slices
from assistant.workspace import Workspace
from ingest.catalog import StoredSource
from ingest.pipeline import IngestOptions, IngestReport, find_files
from ingest.readers import SUPPORTED_EXTENSIONS, unsupported
from ingest.sentences import sentence_spans
from ingest.store import Hit, check_project_name
from journey.diff import MapDiff
from journey.edits import MAX_TITLE, Edit, EditRequest
from journey.errors import (
    ConflictError,
    InputError,
    InvalidRequestError,
    NotFoundError,
    TooLargeError,
    UnsupportedError,
)
from journey.labels import LanguageChoice
from journey.render import Format, render
from journey.schema import ChatAnswer, Evidence, IdealJourney, JourneyMap, Persona
from journey.source import Role, Source
from journey.text import HAN_CHAR

if TYPE_CHECKING:
    from assistant.chat import Chat

__all__ = [
    "Comparison",
    "ConflictError",
    "IdealJourney",
    "Incoming",
    "IngestOptions",
    "IngestReport",
    "MapDiff",
    "Persona",
    "ProjectInfo",
    "Studies",
    "Study",
    "check_project_name",
    "parse_stages",
    "read_ideal",
]

MapProgress = Callable[[int, int], None]
"""Called with (done, total) LLM extraction requests while a map builds."""


@dataclass(frozen=True)
class ProjectInfo:
    """A project in a few numbers."""

    name: str
    sources: int
    participants: int
    chunks: int
    latest_map_id: str | None


@dataclass(frozen=True)
class Incoming:
    """A file a client sent, already on disk in a staging file (or refused as it arrived)."""

    name: str
    """Its name, made safe to store (no folders, a known length)."""
    path: Path | None
    """The staging file; None when it was refused while it arrived."""
    digest: str
    """SHA-256 of its content (hex): the same content is stored once."""
    refused: str | None = None
    """Why it was not kept (e.g. over the size limit)."""


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


MAX_QUERY_CHARS = 2000
"""The longest question or search query taken: an MCP trial's 100 KB query was searched and
echoed back in a 203 KB reply."""


def _asked(question: str) -> None:
    """Refuse an empty question: chat would answer it with the study's summary, as if asked;
    and one over MAX_QUERY_CHARS."""
    if not question.strip():
        raise InvalidRequestError(
            "the question is empty: ask something about the study, e.g. "
            "'what frustrates people during onboarding?'"
        )
    _bounded("the question", question, MAX_QUERY_CHARS, "ask it in a sentence or two")


def _searched(query: str) -> None:
    """Refuse an empty query: every passage is equally near to it, so any would come back;
    and one over MAX_QUERY_CHARS."""
    if not query.strip():
        raise InvalidRequestError(
            "the search query is empty: say what to look for, e.g. 'delivery fee'"
        )
    _bounded("the search query", query, MAX_QUERY_CHARS, "say what to look for in a few words")


def _bounded(what: str, text: str | None, limit: int, hint: str) -> None:
    """InvalidRequestError saying how long `text` is and how long it may be, if too long."""
    if text is not None and len(text) > limit:
        raise InvalidRequestError(
            f"{what} is {len(text):,} characters long, over the {limit:,} allowed: {hint}"
        )


def journey_presets() -> list[str]:
    """The bundled journey presets' ids (for `preset`: e.g. travel, finance, subscription)."""
    return preset_ids()


@dataclass(frozen=True)
class Edited:
    """What an edit did."""

    edit: Edit
    map: JourneyMap
    """The map with every edit applied."""
    finding: "briefs.Located | None"
    """The finding it leaves (renamed, moved, merged into, split off, added), if any."""
    warnings: list[str]
    """Why the map could not apply it (empty when it did)."""


OPENING, OPENING_ZH = 30, 12
"""Characters of a sentence's start that find it quoted in a chat answer (of a Chinese one)."""


def _openings(source: Source) -> list[str]:
    """The first OPENING characters of each sentence of a source's participants' turns (as
    redacted), of sentences at least that long: how a chat answer that quotes it is found."""
    out = []
    for turn in source.turns:
        if turn.role is not Role.participant:
            continue
        for start, end in sentence_spans(turn.text):
            sentence = turn.text[start:end]
            # a Chinese sentence says as much in fewer characters (a deleted interviewee's
            # 23-character sentence stayed quoted in a stored answer)
            least = OPENING_ZH if HAN_CHAR.search(sentence) else OPENING
            if len(sentence) >= least:
                out.append(sentence[:least])
    return out


@dataclass
class Studies:
    """A workspace's projects, with one writer per project (across processes) and a chat kept
    per project until its data changes. Faces that serve many calls (HTTP, MCP) keep one; the
    CLI makes one per command."""

    workspace: Workspace
    _locks: dict[str, ProjectLock] = field(default_factory=dict, repr=False)
    _chats: dict[str, "Chat"] = field(default_factory=dict, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, project: str) -> "Study":
        """An existing project; NotFoundError (naming the projects there are) otherwise."""
        check_project_name(project)
        self.workspace.catalog.require_project(project)
        return Study(self, project)

    def open(self, project: str) -> "Study":
        """A project to ingest into: created on its first stored source."""
        return Study(self, check_project_name(project))

    def create(self, project: str) -> "Study":
        """A new, empty project; ConflictError if it exists."""
        check_project_name(project)
        if project in self.names():
            raise ConflictError(f"project {project!r} exists; ingest into it instead")
        self.workspace.catalog.ensure_project(project)
        return Study(self, project)

    def names(self) -> list[str]:
        """Every project's name."""
        return self.workspace.catalog.projects()

    def lock(self, project: str) -> ProjectLock:
        """One writer per project (ingests, builds, edits, deletes), across this process's
        threads and every other process on the workspace (API workers, the CLI)."""
        with self._guard:
            lock = self._locks.get(project)
            if lock is None:
                # Beside the catalog's ingest locks (<project>.lock), taken inside this one.
                path = self.workspace.settings.home / "locks" / f"{project}.writer"
                lock = self._locks[project] = ProjectLock(path, project)
            return lock

    def chat(self, project: str) -> "Chat":
        """The project's Chat, reused until its sources, map or edits change."""
        with self._guard:
            chat = self._chats.get(project)
        if chat is None:
            from assistant.chat import Chat  # heavy: only faces that answer questions load it

            chat = Chat(self.workspace, project)
            with self._guard:
                self._chats[project] = chat
        return chat

    def changed(self, project: str) -> None:
        """Forget what was kept for a project after its data changed."""
        with self._guard:
            self._chats.pop(project, None)

    def llm_cache(self, clear: bool = False, older_than_days: float | None = None) -> int:
        """Clear the cache of LLM replies (all, or those older than some days) if asked;
        returns how many were cleared."""
        return self.workspace.repository.clear_cache(older_than_days) if clear else 0

    def llm_cache_totals(self) -> tuple[int, int, int]:
        """(replies, prompt tokens, completion tokens) held in the LLM reply cache."""
        return self.workspace.repository.cache_totals()

    @property
    def uses_llm(self) -> bool:
        """True when maps and answers are written by the configured LLM."""
        return self.workspace.settings.llm_provider != "local"


AUTO_STAGES = "auto"
"""The preset name that drops the stages chosen for the last map and chooses afresh."""


@dataclass
class Study:
    """One project of a workspace and its use cases."""

    studies: Studies
    project: str

    @property
    def workspace(self) -> Workspace:
        return self.studies.workspace

    @contextmanager
    def _writing(self, wait: bool = True, doing: str = "delete") -> Iterator[None]:
        """Hold the project's writer lock; without `wait`, ConflictError if another writer
        holds it (a delete asked for while an ingest ran waited for it, 185 s; an edit during a
        build held its request silently for 48 s)."""
        lock = self.studies.lock(self.project)
        if not lock.acquire(blocking=wait):
            raise ConflictError(
                f"project {self.project!r} is busy: an ingest, map build or edit is running; "
                f"{doing} when it ends (its job says when)",
                code="project_busy",
            )
        try:
            yield
        finally:
            try:
                self.studies.changed(self.project)
            finally:
                lock.release()

    # the project
    def info(self) -> ProjectInfo:
        """Counts and the newest map's id."""
        sources, participants = self.workspace.catalog.counts(self.project)
        return ProjectInfo(
            name=self.project,
            sources=sources,
            participants=participants,
            chunks=self.workspace.store.count(self.project),
            latest_map_id=self.workspace.repository.latest_map_id(self.project),
        )

    def delete(self) -> None:
        """Delete the project with its sources, store, maps and edits, the files clients sent
        it (kept as sent, so unredacted, while a job may still need them) and its chat sessions
        in conversations/ (questions as typed, and quotes). ConflictError while another
        writer works on it."""
        with self._writing(wait=False):
            self.workspace.store.drop_project(self.project)
            # The repository first: a crash between the two leaves a project to delete again.
            self.workspace.repository.delete_project(self.project)
            self.workspace.catalog.delete_project(self.project)
            shutil.rmtree(self._uploads, ignore_errors=True)
            for log in self._chat_logs():
                log.unlink(missing_ok=True)
            self._scrub()

    def _scrub(self) -> None:
        """After a deletion, nothing deleted stays on disk: not in the vector store's log,
        index or free pages, nor in the workspace database's write-ahead log."""
        self.workspace.store.scrub()
        self.workspace.repository.settle()

    # sources
    def ingest_paths(
        self,
        paths: Sequence[Path],
        options: IngestOptions,
        on_file: Callable[[Path], None] = lambda p: None,
        on_stored: Callable[[int], None] = lambda n: None,
        on_found: Callable[[int], None] = lambda n: None,
    ) -> IngestReport:
        """Ingest files and folders from disk; what could not be ingested is in the report,
        each with its reason (the call raises only when nothing can be tried)."""
        files, report = find_files(paths)
        on_found(len(files))
        with self._writing():
            ingestor = self.workspace.ingestor(self.project, options)
            ingestor.on_batch_stored = on_stored
            ingestor.ingest(files, report, on_file=on_file)
        return report

    def ingest_uploads(
        self,
        files: Sequence[Incoming],
        options: IngestOptions,
        progress: Callable[[float, str], None] = lambda fraction, message: None,
        keep_on_error: Callable[[BaseException], bool] = lambda exc: False,
    ) -> IngestReport:
        """Keep files a client sent in the workspace while they are ingested, then forget them.

        Each waits as uploads/<project>/<sha256[:12]>/<name>: the same content sent twice is
        one file, two different files of one name are two sources. A file whose staging file
        is gone but that waits there (an interrupted ingest run again) is ingested from there.
        Once the ingest ends, stored, unchanged or refused, the files are deleted: the original
        text stays only in the catalog, and what a file holds that is never read into a source
        (a .docx's author, a PDF's metadata, a table's other columns, a JSON file's other
        fields) stays nowhere. A trial found all of that raw in uploads/ after a successful
        ingest. When the ingest raises, the files wait for a retry if `keep_on_error` says so
        (a server stopping or failing, not a fault of the files). Raises TooLargeError,
        UnsupportedError or InputError (saying why for each file) when none could be ingested.
        """
        settings = self.workspace.settings
        if len(files) > settings.max_upload_files:
            raise TooLargeError(
                f"{len(files)} files: send at most {settings.max_upload_files} at once",
                code="too_many_files",
            )
        report = IngestReport()
        refusals: list[type[InputError]] = []
        with self._writing():
            ingestor = self.workspace.ingestor(self.project, options)  # checks the name first
            paths = self._take_in(files, report, refusals)
            done, stored = [0], [0]
            progress(0.0, f"reading {len(paths)} file(s)")

            def read(path: Path) -> None:
                done[0] += 1
                progress(done[0] / max(1, len(paths)), f"ingested {path.name}")

            def kept(n: int) -> None:  # a big table stores its rows in batches as it goes
                stored[0] += n
                progress(
                    done[0] / max(1, len(paths)),
                    f"{stored[0]:,} sources stored; file {min(done[0] + 1, len(paths))} "
                    f"of {len(paths)}",
                )

            ingestor.on_batch_stored = kept
            try:
                ingestor.ingest(paths, report, on_file=read)
            except BaseException as exc:
                if not keep_on_error(exc):
                    self._drop_uploads(paths)
                raise
            # Done with every file, whatever became of it; a file cut short by its time budget
            # too: its job is done, nothing would take it in again, and sending it again adds
            # the rows it did not store.
            self._drop_uploads(paths)
        if not report.added and not report.unchanged and report.skipped:
            # Every file failed the same early way: say which; otherwise, input in general.
            same = len(set(refusals)) == 1 and len(refusals) == len(report.skipped)
            error = refusals[0] if same else InvalidRequestError
            raise error(
                "no file could be ingested: " + " | ".join(r for _, r in report.skipped),
                code="nothing_ingested",
            )
        return report

    def _take_in(
        self, files: Sequence[Incoming], report: IngestReport, refusals: list[type[InputError]]
    ) -> list[Path]:
        """Move each staged file to where it waits while it is ingested; the files to ingest.
        A file refused as it arrived, of a type never read, or gone is skipped with why."""
        paths: list[Path] = []
        for file in files:
            if file.path is None:
                report.skipped.append((file.name, file.refused or f"{file.name}: not received"))
                refusals.append(TooLargeError)
                continue
            suffix = _suffix(file.name)
            if suffix not in SUPPORTED_EXTENSIONS:
                report.skipped.append(
                    (
                        file.name,
                        f"{file.name}: {unsupported(suffix)}",
                    )
                )
                refusals.append(UnsupportedError)
                continue
            path = self.waiting_upload(file)
            if file.path.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(file.path, path)  # same content, same place: a no-op re-upload
            elif not path.exists():  # an interrupted job's file, deleted since
                report.skipped.append((file.name, f"{file.name}: gone; send it again"))
                refusals.append(InputError)
                continue
            paths.append(path)
        return paths

    def waiting_upload(self, file: Incoming) -> Path:
        """Where ingest_uploads keeps a file a client sent while it is ingested (a job that
        may be retried holds this path, so that forgetting the job deletes it)."""
        return self._uploads / file.digest[:12] / file.name

    def missing_uploads(self, files: Sequence[Incoming]) -> list[str]:
        """Names of the files (of an ingest to run again) that are neither staged nor kept in
        the workspace any more, so cannot be ingested without being sent again. Files refused
        as they arrived, or of a type that is never read, are not missed."""
        return [
            file.name
            for file in files
            if file.path is not None
            and _suffix(file.name) in SUPPORTED_EXTENSIONS
            and not file.path.exists()
            and not self.waiting_upload(file).exists()
        ]

    def sources(self) -> list[Source]:
        """The project's sources as stored (redacted)."""
        return [s.source for s in self.workspace.catalog.sources(self.project)]

    def source(self, ref: str, *, exact: bool = False) -> StoredSource:
        """A stored source by id (or, unless exact, its first characters, its shown path, or
        the start of that path up to a separator: `p01` for p01_[NAME].txt)."""
        stored = self.workspace.catalog.sources(self.project)
        found = [
            s
            for s in stored
            if s.source.id == ref
            or (
                not exact
                and (
                    s.source.id.startswith(ref)
                    or s.source.path == ref
                    or re.match(rf"{re.escape(ref)}[_\-. ]", s.source.path) is not None
                )
            )
        ]
        if len(found) != 1:
            if found:
                raise InputError(
                    f"{ref!r} matches several sources of project {self.project!r}; "
                    "give more of the id"
                )
            raise NotFoundError(
                f"no source {ref!r} in project {self.project!r}; list the project's sources "
                f"for their ids and shown names (`journeymap sources --project {self.project}`, "
                f"GET /v1/projects/{self.project}/sources; a name in a file name is shown "
                "redacted, as p01_[NAME].txt)"
            )
        return found[0]

    def delete_source(self, source_id: str) -> str:
        """Delete one source and its chunks, its readings, every stored map version, chat
        answer and saved chat session turn that quotes it, and the file a client sent for it
        once no other source (another row of the same table) is read from that file; nothing
        of it is left on disk. ConflictError while another writer works on the project. Returns
        the name of the file it was read from, as sent (which may name the participant)."""
        with self._writing(wait=False):
            stored = self.source(source_id, exact=True)
            self.workspace.catalog.delete_source(self.project, source_id)
            self.workspace.store.delete_sources(self.project, [source_id])
            self.workspace.repository.forget_source_readings(self.project, [source_id])
            # and no stored map or answer quotes it any more: the next map is built afresh
            self.workspace.repository.forget_source_everywhere(self.project, source_id)
            self.workspace.repository.forget_source_in_edits(self.project, source_id)
            self.workspace.repository.forget_turns_quoting(self.project, _openings(stored.source))
            self._forget_in_chat_logs(source_id)
            self._forget_upload(stored.locator)
            self._scrub()
            return Path(stored.locator.split("#", 1)[0]).name

    def _forget_in_chat_logs(self, source_id: str) -> None:
        """Drop the turns of the project's saved chat sessions (`journeymap chat`) whose answer
        quotes a deleted source: a withdrawn participant's words stayed in conversations/ after
        every stored answer quoting them was gone. A session left with no turn is deleted."""
        for log in self._chat_logs():
            lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
            kept = [line for line in lines if source_id not in line]
            if len(kept) == len(lines):
                continue
            if not kept:
                log.unlink()
                continue
            fresh = log.with_name(log.name + ".tmp")
            fresh.write_text("".join(kept), encoding="utf-8")
            fresh.replace(log)

    def _forget_upload(self, locator: str) -> None:
        """Delete a source's file in uploads/ once no other source is read from it: an earlier
        journeymap kept a client's files there for as long as their sources."""
        file = Path(locator.split("#", 1)[0]).resolve()
        if not file.is_relative_to(self._uploads.resolve()) or not file.exists():
            return
        if any(
            Path(s.locator.split("#", 1)[0]).resolve() == file
            for s in self.workspace.catalog.sources(self.project)
        ):
            return
        self._drop_uploads([file])

    def _drop_uploads(self, files: Sequence[Path]) -> None:
        """Delete files waiting in this project's uploads/ (and their folders, once empty)."""
        for file in files:
            if not file.resolve().is_relative_to(self._uploads.resolve()):
                continue
            file.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # not empty: another file of that content's name
                file.parent.rmdir()

    @property
    def _uploads(self) -> Path:
        """Where the files clients sent to this project are kept."""
        return self.workspace.settings.home / "uploads" / self.project

    def redaction_totals(self) -> Counter[str]:
        """What was redacted across the project, by kind (never the values)."""
        totals: Counter[str] = Counter()
        for s in self.sources():
            totals.update(s.redactions)
        return totals

    # the map
    def build_map(
        self,
        stages: Sequence[str] = (),
        title: str | None = None,
        progress: MapProgress | None = None,
        preset: str | None = None,
        language: LanguageChoice = "auto",
        ideal: IdealJourney | None = None,
        phase: Callable[[float, str], None] | None = None,
    ) -> JourneyMap:
        """Build the map (offline, or with the configured LLM), store it as the newest version
        and return it with people's edits applied. Stages as `Name` or `Name: description`;
        or a journey preset by name (see `journey_presets`); by default the guide's headings,
        the preset that fits a study of reviews, or the default stages. `language` (en, zh,
        or auto: the sources' majority) is the language of the map's own words. `ideal` (see
        `read_ideal`) is held against it: per stage, the valence gap and each expectation
        supported, contradicted or without evidence; InvalidRequestError, and nothing stored,
        if it shares no stage with the map.
        Without stages or a preset, the stages a person chose for the last map (given, or a
        preset) are kept, so its edits still apply; preset `auto` chooses afresh."""
        _bounded("the title", title, MAX_TITLE, "give a short one")
        specs = parse_stages(list(stages)) or None
        kept = None
        if preset is not None and preset.strip().lower() == AUTO_STAGES:
            preset = None
        elif specs is None and preset is None:
            latest = self.workspace.repository.latest_map(self.project)
            specs, preset = chosen_stages(latest)
            kept = auto_preset(latest)
        with self._writing():
            journey_map = build_map(
                self.workspace,
                self.project,
                specs,
                title=title,
                progress=progress,
                preset=preset,
                language=language,
                ideal=ideal,
                kept_preset=kept,
                phase=phase,
            )
            save_map(self.workspace, journey_map)
        return with_edits(self.workspace, journey_map)

    def draft_ideal(
        self,
        stages: Sequence[str] = (),
        preset: str | None = None,
        language: LanguageChoice = "auto",
    ) -> tuple[IdealJourney, str]:
        """A draft of the intended journey over the stages the map would have (or those
        given), and its YAML to edit: written by the configured LLM from the interview guide's
        questions, or offline the stages alone with the guide's questions as comments. Nothing
        is stored."""
        stored = self.workspace.catalog.sources(self.project)
        if not stored:
            raise InputError(no_sources(self.project))
        given = parse_stages(list(stages)) or None
        chosen = map_language(stored, language)
        kept = auto_preset(self.workspace.repository.latest_map(self.project))
        specs, origin, _ = stage_specs(
            stored, given, preset, self.workspace.embedder, chosen, None if given else kept
        )
        guide = guide_questions(stored, specs)
        title = f"{self.project}: intended journey (draft)"
        journey = analyst_for(self.workspace).draft_ideal(specs, guide, title)
        header = [
            f"The intended journey of project {self.project} ({journey.origin}).",
            f"Stages: {origin}; keep their names as the map's. Per stage: expectations (what",
            "should happen), target_valence (-2..+2) and/or target_feeling, optional kpis.",
            f"Then: journeymap map -p {self.project} --ideal THIS_FILE.yaml",
        ]
        notes = {
            name: [f"the guide asks: {q}" for q in questions[:3]]
            for name, questions in guide[0].items()
        }
        return journey, ideal_yaml(journey, header, notes)

    def stored_map(self) -> JourneyMap:
        """The newest stored map with people's edits applied; never builds. NotFoundError if
        no map was built yet."""
        journey_map = briefs.stored_map(self.workspace, self.project)
        if journey_map is None:
            raise NotFoundError(
                f"no map yet for project {self.project!r}: build one (`journeymap map`, "
                f"POST /v1/projects/{self.project}/map, or the build_journey_map tool)"
            )
        return journey_map

    def fresh_map(self) -> JourneyMap:
        """The map for the sources as they are now: the stored one if still current, else
        built afresh and stored (a write)."""
        with self.studies.lock(self.project):
            return current_map(self.workspace, self.project)

    def is_current(self, journey_map: JourneyMap) -> bool:
        """Whether the map was built from the sources as they are now."""
        return briefs.is_current(self.workspace, journey_map)

    def map_versions(self) -> list[MapVersion]:
        """(id, created_at) of every stored version, newest first."""
        return self.workspace.repository.map_versions(self.project)

    def map_version(self, map_id: str) -> JourneyMap:
        """One stored version, as built (without later edits)."""
        found = self.workspace.repository.map_version(self.project, map_id)
        if found is None:
            raise NotFoundError(f"no map {map_id!r} in project {self.project!r}")
        return found

    def export(self, format: Format) -> str:
        """The stored map in one export format."""
        return render(self.stored_map(), format)

    def top_findings(
        self, kind: str = "pain_point", stage: str | None = None, segment: str | None = None
    ) -> tuple[JourneyMap, list[tuple[briefs.Located, int | None]]]:
        """The stored map and its findings of a kind, most important first, with their reach
        in the segment (when one is named)."""
        journey_map = self.stored_map()
        return journey_map, briefs.top_findings(journey_map, kind, stage, segment)

    def theme(self, theme_id: str) -> tuple[JourneyMap, briefs.Located]:
        """One pain point or delight of the stored map by id."""
        journey_map = self.stored_map()
        return journey_map, briefs.find_theme(journey_map, theme_id)

    # edits
    def edit(self, request: EditRequest, author: str | None = None) -> "Edited":
        """Record an edit (checked against the current map; every quote it brings grounded),
        with who made it; returns it with the map with every edit applied."""
        with self._writing(wait=False, doing="edit"):
            journey_map = current_map(self.workspace, self.project)
            edit = make_edit(self.workspace, self.project, journey_map, request, author)
            self.workspace.repository.add_edit(self.project, edit)
        journey_map = self.fresh_map()
        return Edited(
            edit=edit,
            map=journey_map,
            finding=edited_finding(journey_map, edit),
            warnings=[w for w in journey_map.warnings if w.startswith(f"edit {edit.id} ")],
        )

    def edits(self) -> list[Edit]:
        """The project's edits, oldest first."""
        return self.workspace.repository.edits(self.project)

    def edit_log(self) -> list[tuple[Edit, "briefs.Located | None"]]:
        """The project's edits, oldest first, each with the finding it leaves in the stored map
        (renamed, moved, merged into, split off, added) under its id now; None when it
        dismissed one, no longer applies, or no map is stored."""
        edits = self.edits()
        try:
            journey_map = self.stored_map()
        except NotFoundError:
            return [(edit, None) for edit in edits]
        return [(edit, edited_finding(journey_map, edit)) for edit in edits]

    def undo_edit(self, edit_id: str) -> None:
        """Remove an edit; the next map no longer applies it."""
        with self._writing(wait=False, doing="undo it"):
            if not self.workspace.repository.delete_edit(self.project, edit_id):
                raise NotFoundError(
                    f"no edit {edit_id!r} in project {self.project!r}: undone already, or never "
                    "made (`journeymap edit list`, GET …/edits or the list_edits tool show those "
                    "kept)"
                )

    # questions
    def ask(self, question: str, conversation: str | None = None) -> ChatAnswer:
        """Answer a question from the study's quotes (or abstain); every answer starts or
        continues a conversation whose id it carries."""
        _asked(question)
        # the conversation first: a mistyped id had waited for a stale map's rebuild (265 s)
        # before it was refused
        continued = self._continued(conversation)
        return self.studies.chat(self.project).ask(question, conversation=continued)

    def stream(self, question: str, conversation: str | None = None) -> Iterator[Any]:
        """As ask, streamed: text pieces as they are written, then the ChatAnswer."""
        _asked(question)
        continued = self._continued(conversation)
        return self.studies.chat(self.project).stream(question, conversation=continued)

    def _continued(self, conversation: str | None) -> str:
        """The conversation a question continues (NotFoundError if the project has none of
        that id: a mistyped id had started a new one silently, and its follow-up lost the
        context), or a new one's id."""
        if conversation is None:
            return uuid.uuid4().hex
        if not self.workspace.repository.conversation(self.project, conversation):
            raise NotFoundError(
                f"no conversation {conversation!r} in project {self.project!r}: continue one "
                "by the conversation_id an answer gave, or leave it out to start a new one"
            )
        return conversation

    def chat_log(self) -> Path:
        """A new file for `journeymap chat` to write a session to, as JSONL: in the workspace's
        conversations/ folder, named by the project and the time, so the project's deletion
        finds it."""
        return self._conversations / f"{self.project}-{datetime.now(UTC):%Y%m%dT%H%M%S}.jsonl"

    def _chat_logs(self) -> list[Path]:
        """The project's chat sessions in conversations/ (not those of a project whose name
        starts with this one's)."""
        name = re.compile(re.escape(self.project) + r"-\d{8}T\d{6}\.jsonl")
        folder = self._conversations
        return [p for p in folder.iterdir() if name.fullmatch(p.name)] if folder.is_dir() else []

    @property
    def _conversations(self) -> Path:
        return self.workspace.settings.home / "conversations"

    def asked(self, conversation: str) -> str | None:
        """What the last question of a conversation searched for (a follow-up joins the
        question before it)."""
        turns = self.workspace.repository.conversation(self.project, conversation)
        return turns[-1].asked if turns else None

    def search_quotes(self, query: str, limit: int = 5) -> list[tuple[float, Evidence]]:
        """Participants' verbatim words nearest in meaning to a query, grounded."""
        _searched(query)
        return briefs.search_quotes(self.workspace, self.project, query, limit)

    def search_passages(
        self, query: str, n: int = 5, role: Role | None = Role.participant
    ) -> list[Hit]:
        """Stored passages nearest in meaning to a query: participants' words, as chat cites
        them (an interviewer's question repeats the query's words and would lead), or one
        other role's, or with None every role's."""
        _searched(query)
        where = {"role": role.value} if role else None
        return briefs.search_passages(self.workspace, self.project, query, n, where)

    # personas, comparisons, waves
    def _map_now(self, stored_only: bool = False) -> JourneyMap:
        """The map for the sources as they are now, with edits: the stored one if current,
        else built in memory and not stored. With `stored_only`, the stored map as it is
        (NotFoundError without one): the MCP's read-only tools never build (a trial's
        list_personas built a map for 27 s and stored its sentence readings)."""
        if stored_only:
            kept = self.stored_map()
            return kept if kept.personas else with_personas(kept)
        stored = briefs.stored_map(self.workspace, self.project)
        if stored is not None and self.is_current(stored):
            # A map stored before personas existed gets them here (cheap, deterministic).
            return stored if stored.personas else with_personas(stored)
        return with_edits(self.workspace, build_map(self.workspace, self.project))

    def _attribute(self, journey_map: JourneyMap, by: str) -> str:
        """A segment attribute as the map writes it, however the question cased it (`--by
        plan` for a column named Plan: a survey trial's compare said there was none)."""
        segments = journey_map.sources.segments
        if by in segments:
            return by
        folded = [k for k in segments if k.casefold() == by.strip().casefold()]
        return folded[0] if len(folded) == 1 else by

    def _segment_values(self, journey_map: JourneyMap, by: str) -> dict[str, int]:
        values = journey_map.sources.segments.get(by)
        if values is None:
            known = ", ".join(journey_map.sources.segments) or (
                "none (ingest with a segment, e.g. `--segment plan=family`; `persona` appears "
                "once the map finds personas)"
            )
            raise InputError(
                f"no segment attribute {by!r} in project {self.project!r}; attributes: {known}",
                code="unknown_segment",
            )
        return values

    def personas(
        self, by: str | None = None, stored_only: bool = False
    ) -> tuple[JourneyMap, list[Persona]]:
        """The map's personas (found in the evidence), or one per value of the segment
        attribute `by` (the researcher's own personas), largest first; of the stored map only
        with `stored_only`."""
        journey_map = self._map_now(stored_only)
        if by is None:
            return journey_map, journey_map.personas
        by = self._attribute(journey_map, by)
        self._segment_values(journey_map, by)
        return journey_map, personas_by_segment(journey_map, by)

    def compare(self, by: str, limit: int = 10, stored_only: bool = False) -> Comparison:
        """The groups of a segment attribute (or `persona`) side by side: each stage's feeling
        per group with intervals, and the themes whose share differs most, tested (of the
        stored map only with `stored_only`)."""
        journey_map = self._map_now(stored_only)
        by = self._attribute(journey_map, by)
        self._segment_values(journey_map, by)
        found = compare(journey_map, by, limit)
        if len(found.groups) < 2:
            # every stage and theme would read "not enough participants": say why, once
            values = ", ".join(
                f"{g.value} ({g.participants} participant{'s' if g.participants != 1 else ''})"
                for g in found.groups
            )
            others = sorted(
                key
                for key, counts in journey_map.sources.segments.items()
                if key != by and len(counts) > 1
            )
            hint = (
                f"compare by another attribute: {', '.join(others)}"
                if others
                else f"ingest sources of another {by} (e.g. `--segment {by}=...`) to compare"
            )
            raise InputError(
                f"a comparison needs two groups: {by!r} has "
                f"{'one value' if found.groups else 'no value'} among the participants of "
                f"project {self.project!r}{': ' + values if values else ''}; {hint}",
                code="one_group",
            )
        return found

    def _version(self, ref: str) -> JourneyMap:
        versions = [v.id for v in self.map_versions()]
        found = [v for v in versions if v == ref] or [v for v in versions if v.startswith(ref)]
        if len(found) != 1:
            listed = ", ".join(versions[:10]) or "none: build a map first"
            raise (InputError if found else NotFoundError)(
                f"{'several maps start with' if found else 'no map'} {ref!r} in project "
                f"{self.project!r}; versions, newest first: {listed}"
            )
        return self.map_version(found[0])

    def diff(self, a: str, b: str, by: str | None = None, stored_only: bool = False) -> MapDiff:
        """What changed from A to B: two stored map versions (ids, or their first characters),
        or, with `by`, two values of a segment attribute (e.g. wave 1 and 2) of the map as it
        is now, read with one codebook. Nothing is stored."""
        if by is None:
            return diff_maps(self._version(a), self._version(b), self.workspace.embedder.embed)
        journey_map = self._map_now(stored_only)
        by = self._attribute(journey_map, by)
        values = self._segment_values(journey_map, by)
        for value in (a, b):
            if value not in values:
                raise InputError(
                    f"no {by}={value!r} in project {self.project!r}; values: "
                    + ", ".join(sorted(values)),
                    code="unknown_segment",
                )
        return diff_slices(journey_map, by, a, b)
