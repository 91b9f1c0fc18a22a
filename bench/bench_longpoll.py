"""Long polling at scale, on one embedded API process.

(i) 1,000 concurrent long-poll waiters on one generation: memory per waiter (server RSS growth
    divided by waiters) and the time from the job's completion to the last waiter's answer.
(j) a fleet of HeyGen-style clients polling every 5 s against the same fleet long-polling, for
    jobs that wait about half a minute behind a backlog: ratio of requests and of server CPU.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_status import BODY
from servers import UNLIMITED, free_port, looksmith_cli

WAITERS = 1000
FLEET = 50
BACKLOG = 250
POLL_EVERY = 5.0


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class _Server:
    def __init__(self, data_dir: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "looksmith", "serve", "--port", str(self.port)],
            env={**os.environ, **UNLIMITED, "LOOKSMITH_DATA_DIR": str(data_dir), **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.url}/healthz", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("server did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


async def _waiters(server: _Server, key: str) -> dict[str, float]:
    limits = httpx.Limits(max_connections=WAITERS + 10, max_keepalive_connections=WAITERS + 10)
    async with httpx.AsyncClient(
        base_url=server.url, headers={"x-api-key": key}, timeout=120, limits=limits
    ) as client:
        # A backlog on one worker thread keeps the watched job in progress for a while.
        for _ in range(60):
            await client.post("/v2/photo_avatar/photo/generate", json={**BODY, "pose": "full_body"})
        watched = (await client.post("/v2/photo_avatar/photo/generate", json=BODY)).json()
        generation_id = watched["data"]["generation_id"]
        before = _rss_kib(server.process.pid)
        path = f"/v2/photo_avatar/generation/{generation_id}?wait=60"
        request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {key}\r\n\r\n").encode()
        # Raw sockets: a thousand httpx requests would cost the client more than the server.
        connections = [
            await asyncio.open_connection("127.0.0.1", server.port) for _ in range(WAITERS)
        ]
        for _, writer in connections:
            writer.write(request)
        await asyncio.sleep(2)  # everyone is waiting now
        during = _rss_kib(server.process.pid)
        answered = await asyncio.gather(*(_answer_time(reader) for reader, _ in connections))
        for _, writer in connections:
            writer.close()
    return {
        "waiter_kib": (during - before) / WAITERS,
        "wake_spread_ms": (max(answered) - min(answered)) * 1000,
    }


async def _answer_time(reader: asyncio.StreamReader) -> float:
    head = await reader.readuntil(b"\r\n\r\n")
    arrived = time.perf_counter()
    assert head.startswith(b"HTTP/1.1 200"), head[:40]
    return arrived


async def _fleet(server: _Server, key: str, *, long_poll: bool) -> tuple[int, float]:
    """Each client submits one job and waits for it; returns requests and server CPU seconds."""
    requests = 0
    async with httpx.AsyncClient(
        base_url=server.url, headers={"x-api-key": key}, timeout=120
    ) as client:
        for _ in range(BACKLOG):  # someone else's work, ahead of the fleet's
            await client.post("/v2/photo_avatar/photo/generate", json={**BODY, "pose": "full_body"})
        cpu_before = _cpu_seconds(server.process.pid)

        async def one_client() -> None:
            nonlocal requests
            submitted = await client.post("/v2/photo_avatar/photo/generate", json=BODY)
            requests += 1
            generation_id = submitted.json()["data"]["generation_id"]
            while True:
                params = {"wait": 60} if long_poll else None
                data = (
                    await client.get(f"/v2/photo_avatar/generation/{generation_id}", params=params)
                ).json()["data"]
                requests += 1
                if data["status"] != "in_progress":
                    return
                if not long_poll:
                    await asyncio.sleep(POLL_EVERY)

        await asyncio.gather(*(one_client() for _ in range(FLEET)))
    return requests, _cpu_seconds(server.process.pid) - cpu_before


def run() -> dict[str, float]:
    """Measure (i) and (j)."""
    figures: dict[str, float] = {}
    for phase in ("waiters", "fleet"):
        with tempfile.TemporaryDirectory() as scratch:
            data_dir = Path(scratch) / "data"
            key = looksmith_cli("keys", "create", "--name", "b", data_dir=data_dir)
            key = key.splitlines()[-1]
            server = _Server(data_dir, {"LOOKSMITH_WORKERS": "1"})
            try:
                if phase == "waiters":
                    figures.update(asyncio.run(_waiters(server, key)))
                else:
                    polls, polls_cpu = asyncio.run(_fleet(server, key, long_poll=False))
                    waits, waits_cpu = asyncio.run(_fleet(server, key, long_poll=True))
                    figures.update(
                        requests_polling=polls,
                        requests_long_poll=waits,
                        request_ratio=waits / polls,
                        cpu_ratio=waits_cpu / polls_cpu if polls_cpu else 0.0,
                    )
            finally:
                server.stop()
    return figures


def report(figures: dict[str, float]) -> None:
    """Print the figures."""
    print(f"(i) {WAITERS} long-poll waiters: {figures['waiter_kib']:.1f} KiB each,"
          f" last answer {figures['wake_spread_ms']:.0f} ms after the first")  # fmt: skip
    polling, waiting = figures["requests_polling"], figures["requests_long_poll"]
    print(f"(j) fleet of {FLEET}: polling every {POLL_EVERY:.0f} s made {polling:.0f} requests,"
          f" long-poll {waiting:.0f}; request ratio {figures['request_ratio']:.2f},"
          f" CPU ratio {figures['cpu_ratio']:.2f}")  # fmt: skip


if __name__ == "__main__":
    report(run())
