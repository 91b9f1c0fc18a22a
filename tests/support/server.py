"""A real ``looksmith serve`` process on a free loopback port, with its own data folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def looksmith(*args: str, data_dir: Path, env: dict[str, str] | None = None) -> str:
    """Run the CLI and return its stdout; fail the test on a non-zero exit."""
    result = subprocess.run(
        [sys.executable, "-m", "looksmith", *args],
        env={**os.environ, "LOOKSMITH_DATA_DIR": str(data_dir), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


# The suites send bursts of requests; rate limits get their own tests, so they are off here
# unless a test's own env turns them on.
QUIET_LIMITS = {"LOOKSMITH_RATE_LIMIT__ENABLED": "false"}


@dataclass
class LooksmithProcess:
    """A ``python -m looksmith ...`` child process on a data folder and settings."""

    data_dir: Path
    env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    def spawn(self, *args: str, log_name: str) -> subprocess.Popen[bytes]:
        """Start the command, its output appended to ``log_name`` in the data folder."""
        log = (self.data_dir / log_name).open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "looksmith", *args],
            env={
                **os.environ,
                **QUIET_LIMITS,
                "LOOKSMITH_DATA_DIR": str(self.data_dir),
                **self.env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        return self.process

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Server(LooksmithProcess):
    """One API process; ``start`` and ``kill`` may be called again on the same data."""

    port: int = field(default_factory=free_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str) -> str:
        """Run the CLI against this server's data and settings."""
        return looksmith(*args, data_dir=self.data_dir, env=self.env)

    def create_key(self, name: str) -> str:
        return self.cli("keys", "create", "--name", name).splitlines()[-1]

    def start(self) -> None:
        process = self.spawn("serve", "--port", str(self.port), log_name="server.log")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            assert process.poll() is None, (self.data_dir / "server.log").read_text()
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError("server did not become ready in 30 s")
