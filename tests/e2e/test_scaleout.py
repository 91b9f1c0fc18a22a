"""Scaled out: a worker's status change is visible to every API process and announced on Redis."""

from __future__ import annotations

import queue
from pathlib import Path

import httpx
import pytest

from looksmith.domain.models import StatusChange
from looksmith.events.redis import RedisStatusEvents
from tests.support import VALID_BODY
from tests.support.deployment import scaled_out

pytestmark = pytest.mark.e2e


def test_a_change_made_by_a_worker_reaches_both_apis_and_subscribers(tmp_path: Path):
    with scaled_out(tmp_path / "data") as deployment:
        key = deployment.create_key("k")
        announced: queue.Queue[StatusChange] = queue.Queue()
        broker = deployment.apis[0].env["LOOKSMITH_QUEUE__BROKER_URL"]
        leave = RedisStatusEvents(broker).subscribe(announced.put)
        try:
            first, second = (
                httpx.Client(base_url=api.url, headers={"x-api-key": key}, timeout=10)
                for api in deployment.apis
            )
            response = first.post("/v2/photo_avatar/photo/generate", json=VALID_BODY)
            generation_id = response.json()["data"]["generation_id"]
            change = announced.get(timeout=60)
            while change.kind == "generation_progress":  # per-image steps come first
                change = announced.get(timeout=60)
            assert (change.kind, change.id, change.status) == (
                "generation",
                generation_id,
                "success",
            )
            for client in (first, second):
                data = client.get(f"/v2/photo_avatar/generation/{generation_id}").json()["data"]
                assert data["status"] == "success"
                assert len(data["image_url_list"]) == 4
        finally:
            leave()
