"""Fault tests on the scaled-out service; each bounded in time and count.

Servers that get stopped are private ones (tests/support/private_services.py), never the machine's.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from looksmith.db.engine import normalize_url
from tests.support import VALID_BODY
from tests.support.deployment import Deployment, scaled_out, wait
from tests.support.private_services import private_postgres, private_redis

pytestmark = pytest.mark.e2e

GENERATE = "/v2/photo_avatar/photo/generate"
STATUS = "/v2/photo_avatar/generation/"


def submit(client: httpx.Client, **changes: str) -> str:
    response = client.post(GENERATE, json={**VALID_BODY, **changes})
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["generation_id"])


def statuses(client: httpx.Client, ids: list[str]) -> dict[str, dict[str, Any]]:
    return {i: client.get(STATUS + i).json()["data"] for i in ids}


def all_succeed(client: httpx.Client, ids: list[str], timeout: float) -> dict[str, dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        found = statuses(client, ids)
        if all(data["status"] == "success" for data in found.values()):
            return found
        failed = [data for data in found.values() if data["status"] == "failed"]
        assert not failed, failed
        assert time.monotonic() < deadline, [d["status"] for d in found.values()]
        time.sleep(0.2)


def query(deployment: Deployment, sql: str, **params: object) -> list[Any]:
    engine = create_engine(normalize_url(deployment.apis[0].env["LOOKSMITH_DATABASE_URL"]))
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params))
    finally:
        engine.dispose()


HELD_BY_PID = (
    "SELECT j.target_id FROM jobs j JOIN workers w ON w.id = j.worker_id "
    "WHERE w.pid = :pid AND j.state = 'running'"
)


def assert_no_orphans(deployment: Deployment, results: dict[str, dict[str, Any]]) -> None:
    expected = {key for data in results.values() for key in data["image_key_list"]}
    assert all(len(data["image_key_list"]) == 4 for data in results.values())
    assert len(expected) == 4 * len(results)
    assert deployment.blob_keys() == expected  # no duplicate, orphaned or partial blobs


def test_a_worker_killed_mid_job_loses_nothing(tmp_path: Path):
    with scaled_out(tmp_path / "data", apis=1) as deployment:
        key = deployment.create_key("k")
        with httpx.Client(
            base_url=deployment.url, headers={"x-api-key": key}, timeout=30
        ) as client:
            ids = [submit(client, orientation="vertical", pose="full_body") for _ in range(24)]
            victim = deployment.workers[0]
            assert victim.process is not None
            pid = victim.process.pid
            wait(lambda: query(deployment, HELD_BY_PID, pid=pid), 30, "the victim held no job")
            victim.kill()
            held = query(deployment, HELD_BY_PID, pid=pid)
            assert held, "the kill came too late to interrupt anything; test proves nothing"
            results = all_succeed(client, ids, timeout=90)
        assert_no_orphans(deployment, results)
        retried = query(deployment, "SELECT count(*) FROM jobs WHERE attempts > 1")[0][0]
        assert retried >= len(held)


def test_jobs_submitted_while_redis_is_down_run_when_it_is_back(tmp_path: Path):
    with (
        private_redis() as broker,
        scaled_out(tmp_path / "data", apis=1, broker_url=broker.url) as deployment,
    ):
        key = deployment.create_key("k")
        with httpx.Client(
            base_url=deployment.url, headers={"x-api-key": key}, timeout=30
        ) as client:
            before = submit(client)
            all_succeed(client, [before], timeout=30)
            broker.stop()
            ids = [submit(client) for _ in range(5)]  # accepted: they are in the database
            time.sleep(3)
            assert {d["status"] for d in statuses(client, ids).values()} == {"in_progress"}
            broker.start()
            results = all_succeed(client, [before, *ids], timeout=90)
        assert_no_orphans(deployment, results)


def test_every_answered_submission_survives_an_api_killed_mid_burst(tmp_path: Path):
    with scaled_out(tmp_path / "data", apis=2) as deployment:
        key = deployment.create_key("k")
        first, second = deployment.apis
        accepted: list[str] = []
        stop = threading.Event()

        def burst() -> None:
            with httpx.Client(base_url=first.url, headers={"x-api-key": key}, timeout=5) as c:
                for _ in range(200):
                    if stop.is_set():
                        return
                    try:
                        response = c.post(GENERATE, json=VALID_BODY)
                    except httpx.TransportError:
                        return  # the process is gone; requests in flight got no id
                    if response.status_code == 200:
                        accepted.append(response.json()["data"]["generation_id"])

        sender = threading.Thread(target=burst)
        sender.start()
        wait(lambda: len(accepted) >= 5, 30, "the burst did not start")
        first.kill()
        stop.set()
        sender.join(30)
        # A request the API committed but could not answer before dying is accepted too: the
        # client never saw its id, yet it must finish like the rest rather than linger or leak.
        stored = [row[0] for row in query(deployment, "SELECT id FROM generations")]
        assert set(accepted) <= set(stored)
        assert len(stored) - len(accepted) <= 1  # one sender: at most one request in flight
        with httpx.Client(base_url=second.url, headers={"x-api-key": key}, timeout=30) as client:
            results = all_succeed(client, stored, timeout=120)
        assert len(accepted) >= 5
        assert_no_orphans(deployment, results)


def test_the_api_answers_503_while_postgres_is_down_and_recovers(tmp_path: Path):
    with (
        private_postgres() as database,
        scaled_out(tmp_path / "data", apis=1, workers=1, database_url=database.url) as deployment,
    ):
        key = deployment.create_key("k")
        with httpx.Client(
            base_url=deployment.url, headers={"x-api-key": key}, timeout=30
        ) as client:
            submit(client)
            database.stop()
            down = client.post(GENERATE, json=VALID_BODY)
            assert down.status_code == 503
            assert down.json() == {
                "error": "The database is unreachable; retry in a few seconds.",
                "code": "service_unavailable",
                "data": None,
            }
            assert down.headers["retry-after"] == "5"
            assert client.get("/readyz").status_code == 503
            database.start()
            wait(lambda: client.get("/readyz").status_code == 200, 30, "API did not recover")
            generation_id = submit(client)
            all_succeed(client, [generation_id], timeout=60)
