"""One writer per project across every process on a workspace (API workers, the CLI): a thread
lock for this process's threads, then an exclusive flock on a file in the workspace, which the
OS drops when a process dies (a killed worker never leaves a project locked)."""

import logging
import os
import threading
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock, so only threads take turns
    fcntl = None  # type: ignore[assignment]

logger = logging.getLogger(__name__)


class ProjectLock:
    """A project's writer lock: `with lock:` waits for any other writer of the project, in
    this process or another, and holds it until the block ends. Not reentrant."""

    def __init__(self, path: Path, project: str) -> None:
        self.path = path
        self.project = project
        self._thread = threading.Lock()
        self._fd: int | None = None

    def acquire(self, blocking: bool = True) -> bool:
        """Take the lock (waiting for it, unless not blocking); True if taken."""
        if not self._thread.acquire(blocking):
            return False
        try:
            if fcntl is not None:
                self._fd = self._flock(blocking)
                if self._fd is None:
                    self._thread.release()
                    return False
        except BaseException:
            self._thread.release()
            raise
        return True

    def _flock(self, blocking: bool) -> int | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if not blocking:
                    os.close(fd)
                    return None
                logger.warning(
                    "another journeymap process is writing project %r; waiting for it to end",
                    self.project,
                )
                fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def release(self) -> None:
        """Let the next writer in."""
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)
        self._thread.release()

    def __enter__(self) -> "ProjectLock":
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.release()
