"""One writer per project across processes: an API worker, another worker and the CLI on one
workspace take turns writing a project, and a writer that dies leaves it unlocked."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from assistant.locks import ProjectLock
from assistant.study import Studies
from assistant.workspace import Workspace

# Another process takes the project's writer lock as a Studies does, says so, and holds it
# until told (a line on stdin) or killed.
_HOLDER = """
import sys
from pathlib import Path
from assistant.locks import ProjectLock

lock = ProjectLock(Path(sys.argv[1]), "p")
with lock:
    print("HELD", flush=True)
    sys.stdin.readline()
print("RELEASED", flush=True)
"""


def _holder(path: Path) -> subprocess.Popen[str]:
    """A process holding the project's writer lock (once it says so)."""
    process = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "HELD"
    return process


def _end(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait(timeout=30)
    for pipe in (process.stdin, process.stdout):
        if pipe is not None:
            pipe.close()


@pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows")
def test_a_project_written_by_another_process_waits_until_it_lets_go(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "p.writer"
    holder = _holder(path)
    lock = ProjectLock(path, "p")
    try:
        assert not lock.acquire(blocking=False), "two processes wrote one project at once"
        taken = threading.Event()

        def wait_for_it() -> None:
            with lock:
                taken.set()

        waiter = threading.Thread(target=wait_for_it)
        waiter.start()
        assert not taken.is_set()
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.write("done\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "RELEASED"
        waiter.join(timeout=120)
        assert taken.is_set(), "the lock was not handed on when its holder let go"
    finally:
        _end(holder)


@pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows")
def test_a_writer_that_dies_leaves_the_project_unlocked(tmp_path: Path) -> None:
    path = tmp_path / "locks" / "p.writer"
    holder = _holder(path)
    _end(holder)  # a worker killed mid-ingest: the OS drops its lock
    lock = ProjectLock(path, "p")
    assert lock.acquire(blocking=False)
    lock.release()


@pytest.mark.skipif(sys.platform == "win32", reason="no flock on Windows")
def test_two_workers_on_one_workspace_take_turns_on_a_project_not_on_the_workspace(
    workspace: Workspace,
) -> None:
    # Two Studies are what two API workers (or a worker and the CLI) each have.
    first, second = Studies(workspace), Studies(workspace)
    with first.lock("p"):
        assert not second.lock("p").acquire(blocking=False)
        other = second.lock("q")
        assert other.acquire(blocking=False), "a write to one project held up another"
        other.release()
    assert second.lock("p").acquire(blocking=False)
    second.lock("p").release()


def test_a_delete_while_another_writer_works_is_refused_at_once(workspace: Workspace) -> None:
    """A hostile-input trial: deleting a source took 185 s and a project 88 s, waiting behind
    an ingest. A delete answers at once that the project is busy; nothing is deleted."""
    from journey.errors import ConflictError

    studies = Studies(workspace)
    studies.create("busy")
    with studies.lock("busy"):  # another worker's ingest
        with pytest.raises(ConflictError, match="busy") as refused:
            studies("busy").delete()
        assert refused.value.code == "project_busy"
        with pytest.raises(ConflictError, match="busy"):
            studies("busy").delete_source("0123456789ab")
    assert "busy" in studies.names()
    studies("busy").delete()  # and once it ends, the delete goes through


def test_an_edit_while_a_build_runs_is_refused_at_once(workspace: Workspace) -> None:
    """An API trial: an edit sent during a map build held its request silently for 48 s, then
    answered 404 because the build had renumbered the ids. It answers at once that the project
    is busy, and says to edit when the build ends."""
    from journey.edits import EditRequest
    from journey.errors import ConflictError

    studies = Studies(workspace)
    studies.create("building")
    with studies.lock("building"):  # another worker's build
        with pytest.raises(ConflictError, match="edit when it ends") as refused:
            studies("building").edit(EditRequest(op="rename", target="pp-x-1", title="New"))
        assert refused.value.code == "project_busy"
        with pytest.raises(ConflictError, match="undo it when it ends"):
            studies("building").undo_edit("e1")
