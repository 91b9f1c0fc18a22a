"""Private PostgreSQL and Redis servers on free loopback ports, for tests that stop them.

Fault tests stop and restart a server; they must never touch the machine's shared ones.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.server import free_port


def _as_postgres(*command: str) -> list[str]:
    # initdb refuses to run as root; the Debian package's postgres user owns the cluster.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@dataclass
class PrivatePostgres:
    """A throwaway cluster; ``stop`` and ``start`` keep its data and port."""

    directory: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        subprocess.run(
            _as_postgres("pg_ctl", "-D", str(self.directory / "data"), "-o", options,
                         "-l", str(self.directory / "log"), "-w", "-t", "30", "start"),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def stop(self) -> None:
        subprocess.run(
            _as_postgres("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "stop"),
            check=False, capture_output=True, timeout=60,
        )  # fmt: skip


@contextlib.contextmanager
def private_postgres() -> Iterator[PrivatePostgres]:
    """A new cluster with trust auth on a free port, removed afterwards."""
    if shutil.which("initdb") is None or shutil.which("pg_ctl") is None:
        pytest.skip("initdb and pg_ctl are needed for a private PostgreSQL")
    directory = Path(tempfile.mkdtemp(prefix="looksmith-pg-"))
    try:
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        subprocess.run(
            _as_postgres("initdb", "-A", "trust", "-U", "postgres", "-D", str(directory / "data")),
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        server = PrivatePostgres(directory=directory, port=free_port())
        server.start()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


@dataclass
class PrivateRedis:
    """A Redis that keeps nothing on disk; ``stop`` and ``start`` keep its port."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        import redis

        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            with contextlib.suppress(redis.ConnectionError):
                redis.Redis(port=self.port, socket_connect_timeout=1).ping()
                return
            time.sleep(0.05)
        raise RuntimeError("private redis did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def private_redis() -> Iterator[PrivateRedis]:
    """A Redis on a free port, stopped afterwards."""
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is needed for a private Redis")
    server = PrivateRedis(port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
