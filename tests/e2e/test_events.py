"""A generation's event stream against a real server: followed live, then resumed."""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import VALID_BODY
from tests.support.server import Server

pytestmark = pytest.mark.e2e

GENERATE = "/v2/photo_avatar/photo/generate"
STATUS = "/v2/photo_avatar/generation/"


@pytest.fixture
def one_worker(tmp_path: Path) -> Iterator[Server]:
    """An embedded server with one worker, so a backlog keeps a generation queued a while."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(parents=True)
    server = Server(data_dir=data_dir, env={"LOOKSMITH_WORKERS": "1"})
    server.create_key("bootstrap")  # migrates, so the start is quick
    server.start()
    try:
        yield server
    finally:
        server.stop()


def submit(client: httpx.Client, **changes: str) -> str:
    response = client.post(GENERATE, json={**VALID_BODY, **changes})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["generation_id"])


def stream(client: httpx.Client, generation_id: str, **headers: str) -> list[dict[str, Any]]:
    """Read a generation's events until the server ends the stream."""
    found: list[dict[str, Any]] = []
    fields: dict[str, Any] = {}
    url = f"{STATUS}{generation_id}/events"
    with client.stream("GET", url, headers=headers) as response:
        assert response.status_code == 200
        for line in response.iter_lines():
            if line and not line.startswith(":"):
                name, _, value = line.partition(": ")
                fields[name] = json.loads(value) if name == "data" else value
            elif not line and fields:
                found.append(fields)
                fields = {}
    return found


def test_a_queued_generation_is_followed_live_then_resumed(one_worker: Server):
    key = one_worker.create_key("k")
    with httpx.Client(base_url=one_worker.url, headers={"x-api-key": key}, timeout=120) as client:
        for _ in range(20):  # a backlog ahead of the followed generation
            submit(client, orientation="vertical", pose="full_body")
        generation_id = submit(client)
        ahead = client.get(STATUS + generation_id, params={"include": "progress"}).json()["data"]
        assert ahead["status"] == "in_progress" and ahead["queue_position"] > 0

        live = stream(client, generation_id)
        ids = [int(event["id"]) for event in live]
        assert ids[0] == 1, "the generation had already started: the stream never waited"
        assert ids == sorted(set(ids)) and ids[-1] == 7
        assert live[-1]["event"] == "status" and live[-1]["data"]["status"] == "success"
        progress = [event["data"]["progress"] for event in live]
        assert progress == sorted(progress) and progress[-1] == 1

        resumed = stream(client, generation_id, **{"last-event-id": "5"})
        assert [event["id"] for event in resumed] == ["6", "7"]


@pytest.mark.parametrize(
    ("signum", "exit_code"),
    # uvicorn re-raises a SIGTERM it caught once it has shut down cleanly; Ctrl-C exits 0.
    [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 0)],
)
def test_shutdown_ends_open_streams_instead_of_waiting_for_them(
    one_worker: Server, signum: signal.Signals, exit_code: int
):
    key = one_worker.create_key("k")
    process = one_worker.process
    assert process is not None
    with (
        httpx.Client(base_url=one_worker.url, headers={"x-api-key": key}, timeout=60) as client,
        client.stream("GET", "/v2/photo_avatar/events") as response,
    ):
        assert response.status_code == 200
        process.send_signal(signum)
        leftover = list(response.iter_lines())  # returns only when the server ends the stream
    assert all(line == "" or line.startswith(":") for line in leftover)
    assert process.wait(timeout=60) == exit_code
    log = (one_worker.data_dir / "server.log").read_text()
    # Without the streams ended first, uvicorn cancels them when its graceful timeout runs out.
    assert "timeout graceful shutdown exceeded" not in log
