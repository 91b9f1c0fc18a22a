"""Conditional reads and long polls against a real server, embedded and scaled out."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.support import VALID_BODY
from tests.support.deployment import Deployment

pytestmark = pytest.mark.e2e

GENERATE = "/v2/photo_avatar/photo/generate"
STATUS = "/v2/photo_avatar/generation/"


def submit(client: httpx.Client, **changes: str) -> str:
    response = client.post(GENERATE, json={**VALID_BODY, **changes})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["generation_id"])


def test_etag_is_stable_across_resigned_reads_and_304s(server: Deployment):
    key = server.create_key("k")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as client:
        generation_id = submit(client)
        first = client.get(STATUS + generation_id, params={"wait": 30})
        assert first.json()["data"]["status"] == "success"
        etag = first.headers["etag"]
        time.sleep(1.1)  # the links are re-signed, the state is not changed
        second = client.get(STATUS + generation_id)
        assert second.content != first.content
        assert second.headers["etag"] == etag
        for _ in range(2):  # the route, then the fast lane once cached
            unchanged = client.get(STATUS + generation_id, headers={"if-none-match": etag})
            assert unchanged.status_code == 304
            assert unchanged.content == b""
            assert unchanged.headers["etag"] == etag
        stale = client.get(STATUS + generation_id, headers={"if-none-match": '"old"'})
        assert stale.status_code == 200


def test_a_long_poll_answers_within_a_second_of_the_job_finishing(server: Deployment):
    key = server.create_key("k")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=90) as client:
        for _ in range(40):  # a backlog, so the polled job finishes a while from now
            submit(client, orientation="vertical", pose="full_body")
        generation_id = submit(client)
        in_progress = client.get(STATUS + generation_id)
        assert in_progress.json()["data"]["status"] == "in_progress"

        seen_done: list[float] = []

        def short_poll() -> None:
            with httpx.Client(base_url=server.url, headers={"x-api-key": key}) as watcher:
                while not seen_done:
                    data = watcher.get(STATUS + generation_id).json()["data"]
                    if data["status"] == "success":
                        seen_done.append(time.monotonic())
                    time.sleep(0.05)

        watcher = threading.Thread(target=short_poll)
        watcher.start()
        started = time.monotonic()
        answer = client.get(
            STATUS + generation_id,
            headers={"if-none-match": in_progress.headers["etag"], "prefer": "wait=60"},
        )
        answered = time.monotonic()
        watcher.join(30)
        assert answer.status_code == 200
        assert answer.json()["data"]["status"] == "success"
        assert answer.headers["preference-applied"] == "wait=60"
        assert answered - started > 0.2, "the job was already done: the poll never waited"
        assert answered - seen_done[0] < 1.0


def test_wait_is_capped_at_sixty_seconds(server: Deployment):
    key = server.create_key("k")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as client:
        generation_id = submit(client)
        done = client.get(STATUS + generation_id, params={"wait": 30}).json()["data"]
        assert done["status"] == "success"
        capped = client.get(STATUS + generation_id, params={"wait": 600})
        assert capped.status_code == 200
        assert capped.headers["preference-applied"] == "wait=60"
        assert client.get(STATUS + generation_id, params={"wait": -1}).status_code == 400
