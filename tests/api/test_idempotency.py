"""Idempotency-Key: replay on the same request, 409 on a different one or while the first runs."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from looksmith.composition.api import ApiParts
from looksmith.db.tables import generations
from tests.support import VALID_BODY
from tests.support.api import GENERATE


def generation_count(parts: ApiParts) -> int:
    with parts.adapters.database.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(generations)).scalar_one())


def post(client: TestClient, key: str, idempotency_key: str, body: object):
    return client.post(
        GENERATE, json=body, headers={"x-api-key": key, "idempotency-key": idempotency_key}
    )


def test_the_same_request_replays_the_first_answer(client: TestClient, parts, api_key):
    first = post(client, api_key, "order-1", VALID_BODY)
    again = post(client, api_key, "order-1", VALID_BODY)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert generation_count(parts) == 1


def test_a_different_request_with_the_same_key_is_409(client: TestClient, parts, api_key):
    post(client, api_key, "order-2", VALID_BODY)
    other = post(client, api_key, "order-2", {**VALID_BODY, "name": "Someone else"})
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert generation_count(parts) == 1


def test_keys_are_per_tenant_and_errors_are_replayed(client: TestClient, api_key, other_key):
    mine = post(client, api_key, "shared", VALID_BODY)
    theirs = post(client, other_key, "shared", VALID_BODY)
    assert theirs.status_code == 200
    assert theirs.json()["data"]["generation_id"] != mine.json()["data"]["generation_id"]
    bad = {**VALID_BODY, "pose": "sideways"}
    assert post(client, api_key, "bad", bad).status_code == 400
    replay = post(client, api_key, "bad", bad)
    assert (replay.status_code, replay.headers["idempotent-replayed"]) == (400, "true")


@pytest.mark.parametrize("key", ["", "x" * 256, "no spaces", "a/b"])
def test_malformed_keys_are_400(client: TestClient, api_key, key):
    response = post(client, api_key, key, VALID_BODY)
    assert response.status_code == 400
    assert response.json()["error"].startswith("Idempotency-Key: ")


def test_a_key_still_in_flight_is_409(client: TestClient, parts: ApiParts, api_key):
    entered, release = threading.Event(), threading.Event()
    real_submit = parts.services.generations.submit

    def slow_submit(**kwargs):  # type: ignore[no-untyped-def]
        entered.set()
        release.wait(10)
        return real_submit(**kwargs)

    parts.services.generations.submit = slow_submit  # type: ignore[method-assign]
    results = {}
    first = threading.Thread(
        target=lambda: results.setdefault("first", post(client, api_key, "slow", VALID_BODY))
    )
    first.start()
    assert entered.wait(10)
    during = post(client, api_key, "slow", VALID_BODY)
    release.set()
    first.join(10)
    assert during.status_code == 409
    assert during.json()["code"] == "request_in_progress"
    assert results["first"].status_code == 200
