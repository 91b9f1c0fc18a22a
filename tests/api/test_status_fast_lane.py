"""The fast lane for finished generations answers exactly what the route answers, or steps aside."""

from __future__ import annotations

from fastapi.testclient import TestClient

from looksmith.api.http.headers import read_api_key as _api_key
from tests.support.api import STATUS, generate, wait_for_terminal


def test_repeat_polls_get_the_routes_bytes(client: TestClient, api_key: str):
    generation_id = generate(client, api_key)
    wait_for_terminal(client, api_key, generation_id)
    bodies = set()
    for _ in range(5):
        response = client.get(STATUS + generation_id, headers={"x-api-key": api_key})
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        assert "x-request-id" in response.headers
        bodies.add(response.content)
    # Links are re-signed each second, so at most two distinct bodies across a second boundary.
    assert 1 <= len(bodies) <= 2
    for body in bodies:
        assert body.startswith(b'{"error": null, "data": {"id": "' + generation_id.encode())


def test_lane_steps_aside_for_other_methods_and_unknown_keys(client: TestClient, api_key: str):
    generation_id = generate(client, api_key)
    wait_for_terminal(client, api_key, generation_id)
    assert client.post(STATUS + generation_id, headers={"x-api-key": api_key}).status_code == 405
    assert client.get(STATUS + generation_id, headers={"x-api-key": "lk_nope"}).status_code == 401
    bearer = client.get(STATUS + generation_id, headers={"authorization": f"Bearer {api_key}"})
    assert bearer.status_code == 200


def test_key_is_read_like_the_auth_dependency():
    def scope(*headers: tuple[bytes, bytes]) -> dict[str, object]:
        return {"headers": list(headers)}

    assert _api_key(scope()) is None
    assert _api_key(scope((b"x-api-key", b"k1"))) == "k1"
    assert _api_key(scope((b"authorization", b"Bearer k2"))) == "k2"
    assert _api_key(scope((b"authorization", b"bearer  k3 "))) == "k3"
    assert _api_key(scope((b"authorization", b"Basic abc"))) is None
    assert _api_key(scope((b"x-api-key", b""), (b"authorization", b"Bearer k4"))) == "k4"
