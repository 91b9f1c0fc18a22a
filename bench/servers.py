"""Starting and stopping server processes for the benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

BENCH_DIR = Path(__file__).resolve().parent


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until_up(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(httpx.TransportError):
            httpx.get(url, timeout=1)
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer in 30 s")


# The benchmarks measure the service, not its limiter: bursts here would only measure 429s.
UNLIMITED = {"LOOKSMITH_RATE_LIMIT__ENABLED": "false"}


@contextlib.contextmanager
def running(args: list[str], probe_path: str, env: dict[str, str] | None = None) -> Iterator[int]:
    """Run ``python args... --port P`` style servers; yields the port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *args, str(port)],
        env={**os.environ, **UNLIMITED, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(process, f"http://127.0.0.1:{port}{probe_path}")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


def looksmith_cli(*args: str, data_dir: Path, env: dict[str, str] | None = None) -> str:
    """Run the looksmith CLI against ``data_dir`` (and ``env``); return stdout."""
    result = subprocess.run(
        [sys.executable, "-m", "looksmith", *args],
        env={**os.environ, "LOOKSMITH_DATA_DIR": str(data_dir), **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout
