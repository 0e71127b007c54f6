"""A real `journeymap serve` on a free loopback port, for tests that talk HTTP to it."""

import socket
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def journeymap_command() -> list[str]:
    """The installed `journeymap` command (next to this interpreter), else the same entry
    point through the interpreter."""
    script = Path(sys.executable).with_name("journeymap")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from api.cli import main; main()"]


@contextmanager
def serving(env: Mapping[str, str]) -> Iterator[str]:
    """`journeymap serve` with this environment until the block ends; its base URL. Waits for
    uvicorn to say it is up (no sleeping), and keeps reading its log so a full pipe never
    blocks it."""
    port = free_port()
    process = subprocess.Popen(
        [*journeymap_command(), "serve", "--port", str(port)],
        env=dict(env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "Application startup complete" in line:
            break
        assert process.poll() is None, line
    drain = threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True)  # type: ignore[union-attr]
    drain.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)
        drain.join(timeout=30)
        process.stdout.close()
