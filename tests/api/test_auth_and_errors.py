"""Auth, tenant isolation, and the error envelope for everything that is not a success."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from tests.support.api import generate, wait_for_terminal

STATUS = "/v2/photo_avatar/generation/"


def test_missing_wrong_and_revoked_keys_are_401(client: TestClient, parts: ApiParts, api_key):
    generation_id = generate(client, api_key)
    assert client.get(STATUS + generation_id).status_code == 401
    assert client.get(STATUS + generation_id, headers={"x-api-key": "lk_wrong"}).status_code == 401
    assert client.get(STATUS + generation_id, headers={"x-api-key": ""}).status_code == 401

    assert parts.services.keys.revoke(prefix=api_key[:10]) == 1
    response = client.get(STATUS + generation_id, headers={"x-api-key": api_key})
    assert response.status_code == 401
    assert response.json() == {
        "error": "Missing or invalid API key.",
        "code": "unauthorized",
        "data": None,
    }


@pytest.mark.parametrize(
    "headers",
    [
        lambda key: {"x-api-key": key},
        lambda key: {"X-API-KEY": key},
        lambda key: {"X-Api-Key": key},
        lambda key: {"Authorization": f"Bearer {key}"},
    ],
)
def test_key_accepted_in_any_header_form(client: TestClient, api_key, headers):
    generation_id = generate(client, api_key)
    assert client.get(STATUS + generation_id, headers=headers(api_key)).status_code == 200


def test_another_tenants_generation_answers_like_an_unknown_one(
    client: TestClient, api_key, other_key
):
    generation_id = generate(client, api_key)
    wait_for_terminal(client, api_key, generation_id)
    foreign = client.get(STATUS + generation_id, headers={"x-api-key": other_key})
    # Asked again once both keys and the finished status are cached: still not visible.
    again = client.get(STATUS + generation_id, headers={"x-api-key": other_key})
    assert again.status_code == 404
    assert again.content == foreign.content
    unknown_id = "f" * 32
    unknown = client.get(STATUS + unknown_id, headers={"x-api-key": other_key})
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json() == {
        "error": f"generation {generation_id} not found",
        "code": "not_found",
        "data": None,
    }
    assert unknown.json()["error"] == f"generation {unknown_id} not found"
    assert foreign.headers.keys() == unknown.headers.keys()


@pytest.mark.parametrize("bad_id", ["abc", "G" * 32, "0" * 31, "0" * 33, "..%2F..%2Fetc"])
def test_malformed_generation_ids_are_404(client: TestClient, api_key, bad_id):
    response = client.get(STATUS + bad_id, headers={"x-api-key": api_key})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_unknown_routes_and_methods_answer_json(client: TestClient, api_key):
    for path in ("/nope", "/v2/photo_avatar/upload", "/v2/talking_photo"):
        response = client.post(path, headers={"x-api-key": api_key})
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/json"
        assert response.json() == {"error": "Not found.", "code": "not_found", "data": None}
    response = client.delete("/v2/photo_avatar/photo/generate", headers={"x-api-key": api_key})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "POST" in response.headers["allow"]


def test_every_response_carries_a_request_id(client: TestClient, api_key):
    responses = [
        client.get("/healthz"),
        client.get("/nope"),
        client.get(STATUS + "0" * 32),
        client.get(STATUS + "0" * 32, headers={"x-api-key": api_key, "x-request-id": "abc-123"}),
    ]
    ids = [response.headers["x-request-id"] for response in responses]
    assert all(ids) and len(set(ids)) == 4
    assert ids[3] == "abc-123"


def test_a_bug_answers_a_generic_500_without_a_trace(
    client: TestClient, parts: ApiParts, api_key, monkeypatch
):
    def explode(**_: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(parts.services.generations, "get", explode)
    response = client.get(STATUS + "0" * 32, headers={"x-api-key": api_key})
    assert response.status_code == 500
    body = response.json()
    request_id = response.headers["x-request-id"]
    assert body == {
        "error": f"Internal error; quote request id {request_id}",
        "code": "internal_error",
        "data": None,
    }
    assert "secret" not in response.text and "Traceback" not in response.text


def test_health_and_readiness(client: TestClient):
    assert client.get("/healthz").json() == {"status": "ok", "checks": {}}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "checks": {"database": True, "workers": True}}


def test_not_ready_without_workers(settings, parts: ApiParts):
    from looksmith.api.app import create_app

    response = TestClient(create_app(settings, parts=parts)).get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": True, "workers": False}
