"""Scale-out figures, on the machine's PostgreSQL and Redis.

(g) generations per second with one Celery worker process and with two (same concurrency each),
    and the ratio: whether adding a worker adds throughput on this machine.
(h) status requests per second on PostgreSQL next to SQLite, for a finished generation (the fast
    lane) and with every poll going to the database (``LOOKSMITH_AUTH_CACHE_SECONDS=0``).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import psycopg
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_status import BODY
from loadgen import load
from servers import UNLIMITED, looksmith_cli, running

POSTGRES = os.environ.get("LOOKSMITH_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
BROKER = os.environ.get("LOOKSMITH_BENCH_REDIS", "redis://127.0.0.1:6379/10")
BURST = 40


@contextlib.contextmanager
def _database() -> Iterator[str]:
    name = f"looksmith_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextlib.contextmanager
def _workers(count: int, env: dict[str, str]) -> Iterator[None]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "looksmith", "worker", "--concurrency", "2"],
            env={**os.environ, **UNLIMITED, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]
    try:
        time.sleep(3)  # let them connect to the broker
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _throughput(client: httpx.Client) -> float:
    """Generations per second for a burst, from first submit to last success."""
    started = time.perf_counter()
    ids = [
        client.post("/v2/photo_avatar/photo/generate", json=BODY).json()["data"]["generation_id"]
        for _ in range(BURST)
    ]
    pending = set(ids)
    while pending:
        pending = {
            i
            for i in pending
            if client.get(f"/v2/photo_avatar/generation/{i}").json()["data"]["status"] != "success"
        }
        time.sleep(0.02)
    return BURST / (time.perf_counter() - started)


def _generations_per_second(workers: int) -> float:
    with tempfile.TemporaryDirectory() as scratch, _database() as database:
        redis.Redis.from_url(BROKER).flushdb()
        env = {
            "LOOKSMITH_DATA_DIR": str(Path(scratch) / "data"),
            "LOOKSMITH_DATABASE_URL": database,
            "LOOKSMITH_QUEUE__KIND": "celery",
            "LOOKSMITH_QUEUE__BROKER_URL": BROKER,
        }
        key = looksmith_cli(
            "keys", "create", "--name", "b", data_dir=Path(scratch) / "data", env=env
        )
        key = key.splitlines()[-1]
        with (
            _workers(workers, env),
            running(["-m", "looksmith", "serve", "--port"], "/healthz", env) as port,
            httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"x-api-key": key}) as client,
        ):
            _throughput(client)  # warm-up
            return _throughput(client)


def _status_rps(database_url: str | None, *, cached: bool) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        env = {"LOOKSMITH_DATA_DIR": str(data_dir)}
        if database_url:
            env["LOOKSMITH_DATABASE_URL"] = database_url
        if not cached:
            env["LOOKSMITH_AUTH_CACHE_SECONDS"] = "0"
        key = looksmith_cli("keys", "create", "--name", "b", data_dir=data_dir, env=env)
        key = key.splitlines()[-1]
        with running(["-m", "looksmith", "serve", "--port"], "/healthz", env) as port:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"x-api-key": key}) as c:
                generation_id = c.post("/v2/photo_avatar/photo/generate", json=BODY).json()["data"][
                    "generation_id"
                ]
                while (
                    c.get(f"/v2/photo_avatar/generation/{generation_id}").json()["data"]["status"]
                    != "success"
                ):
                    time.sleep(0.01)
            path = f"/v2/photo_avatar/generation/{generation_id}"
            headers = {"x-api-key": key}
            load("127.0.0.1", port, path, headers=headers, seconds=1)
            return load("127.0.0.1", port, path, headers=headers, seconds=5).rps


def run() -> dict[str, float]:
    """Measure (g) and (h)."""
    one, two = _generations_per_second(1), _generations_per_second(2)
    figures = {"gen_per_s_one_worker": one, "gen_per_s_two_workers": two, "worker_ratio": two / one}
    with _database() as database:
        for cached in (True, False):
            label = "cached" if cached else "uncached"
            figures[f"status_rps_sqlite_{label}"] = _status_rps(None, cached=cached)
            figures[f"status_rps_postgres_{label}"] = _status_rps(database, cached=cached)
    return figures


def report(figures: dict[str, float]) -> None:
    """Print the figures."""
    print(f"(g) generations/s, burst of {BURST}: one worker {figures['gen_per_s_one_worker']:.1f},"
          f" two workers {figures['gen_per_s_two_workers']:.1f},"
          f" ratio {figures['worker_ratio']:.2f}")  # fmt: skip
    for label in ("cached", "uncached"):
        sqlite, postgres = (figures[f"status_rps_{db}_{label}"] for db in ("sqlite", "postgres"))
        print(f"(h) status req/s ({label}): SQLite {sqlite:.0f}, PostgreSQL {postgres:.0f},"
              f" ratio {postgres / sqlite:.2f}")  # fmt: skip


if __name__ == "__main__":
    report(run())
