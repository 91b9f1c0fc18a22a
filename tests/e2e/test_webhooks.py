"""Webhooks end to end: a real ``looksmith serve`` posts signed events to a real receiver.

Needs the webhook wiring (composition, app, settings); it runs as part of the normal e2e suite.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import VALID_BODY
from tests.support.server import Server
from tests.support.webhooks import Receiver, verify

pytestmark = pytest.mark.e2e


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    """An embedded server that may send to loopback, where the receiver listens."""
    started = Server(data_dir=tmp_path / "data", env={"LOOKSMITH_WEBHOOK_ALLOW_PRIVATE": "1"})
    started.data_dir.mkdir(parents=True)
    yield started
    started.stop()


def deliveries(client: httpx.Client, endpoint_id: str | None = None) -> list[dict[str, Any]]:
    params = {"endpoint_id": endpoint_id} if endpoint_id else {}
    response = client.get("/v1/webhook/delivery.list", params=params)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def wait_for_state(client: httpx.Client, endpoint_id: str, state: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        rows = deliveries(client, endpoint_id)
        if rows and rows[0]["state"] == state:
            return rows[0]
        time.sleep(0.1)
    raise AssertionError(f"delivery not {state}: {rows}")


def test_events_are_signed_retried_logged_and_redelivered(server: Server, receiver: Receiver):
    receiver.scripts["/hooks"] = [500, 500]
    key = server.create_key("alice")
    server.start()
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=10) as client:
        added = client.post("/v1/webhook/endpoint.add", json={"url": f"{receiver.url}/hooks"})
        assert added.status_code == 200, added.text
        endpoint = added.json()["data"]
        response = client.post("/v2/photo_avatar/photo/generate", json=VALID_BODY)
        generation_id = response.json()["data"]["generation_id"]

        attempts = receiver.wait_for("/hooks", 3)
        for request in attempts:
            verify(endpoint["secret"], request)
        assert len({request.headers["webhook-id"] for request in attempts}) == 1
        event = json.loads(attempts[-1].body)
        assert event["event_type"] == "photo_avatar_generation.success"
        assert event["event_data"]["generation_id"] == generation_id
        assert event["event_data"]["status"] == "success"
        for url in event["event_data"]["image_url_list"]:
            assert httpx.get(url, timeout=10).status_code == 200

        row = wait_for_state(client, endpoint["endpoint_id"], "delivered")
        assert (row["attempts"], row["last_status"], row["id"]) == (
            3,
            200,
            attempts[0].headers["webhook-id"],
        )

        again = client.post("/v1/webhook/delivery.redeliver", json={"delivery_id": row["id"]})
        assert again.status_code == 200, again.text
        fourth = receiver.wait_for("/hooks", 4)[-1]
        verify(endpoint["secret"], fourth)
        assert fourth.headers["webhook-id"] == row["id"]
        deadline = time.monotonic() + 30
        while wait_for_state(client, endpoint["endpoint_id"], "delivered")["attempts"] < 4:
            assert time.monotonic() < deadline
            time.sleep(0.1)


def test_a_requests_callback_url_gets_the_event_signed_with_the_callback_secret(
    server: Server, receiver: Receiver
):
    key = server.create_key("alice")
    server.start()
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=10) as client:
        secret = client.get("/v1/webhook/callback_secret").json()["data"]["secret"]
        body = {**VALID_BODY, "callback_url": f"{receiver.url}/cb", "callback_id": "order-7"}
        generation_id = client.post("/v2/photo_avatar/photo/generate", json=body).json()["data"][
            "generation_id"
        ]
        (request,) = receiver.wait_for("/cb", 1)
        verify(secret, request)
        data = json.loads(request.body)["event_data"]
        assert (data["generation_id"], data["callback_id"]) == (generation_id, "order-7")


def test_private_addresses_are_refused_by_default(tmp_path: Path, receiver: Receiver):
    strict = Server(data_dir=tmp_path / "strict")
    strict.data_dir.mkdir(parents=True)
    key = strict.create_key("alice")
    strict.start()
    try:
        response = httpx.post(
            f"{strict.url}/v1/webhook/endpoint.add",
            json={"url": f"{receiver.url}/hooks"},
            headers={"x-api-key": key},
            timeout=10,
        )
    finally:
        strict.stop()
    assert response.status_code == 400
    assert response.json()["message"].startswith("url: 127.0.0.1 is a loopback address")
