"""Error bodies: HeyGen's v1 form on v1 routes, and each tenant's own v2 format elsewhere.

Every layer that can refuse a request follows one rule: the route family decides v1 or v2, and
on v2 a key that checks out answers in its tenant's format, any other request in the server's.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from looksmith.api.app import create_app
from looksmith.api.middleware.ratelimit import install_rate_limits
from looksmith.composition.api import ApiParts
from looksmith.config import Settings
from looksmith.domain.limits import TenantLimits
from looksmith.domain.models import ErrorFormat
from looksmith.ratelimit.memory import MemoryRateLimiter
from tests.support import VALID_BODY

GENERATE = "/v2/photo_avatar/photo/generate"
UNKNOWN = "0" * 32


@pytest.fixture
def object_key(parts: ApiParts) -> str:
    """A key of a tenant that chose the object form (the server's default is the string form)."""
    return parts.services.keys.create_tenant(name="objects", error_format=ErrorFormat.OBJECT).key


def assert_v1(response: Any, status: int, code: int, message: str = "") -> None:
    """HeyGen's v1 error body: an integer code, a message, null data, and nothing else."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"code", "message", "data"}, body
    assert (body["code"], body["data"]) == (code, None), body
    assert isinstance(body["message"], str) and message in body["message"], body


def assert_object(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None and isinstance(body["error"], dict), body
    assert body["error"]["code"] == code and body["error"]["message"], body
    return dict(body["error"])


def assert_string(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["error"], str) and body["error"], body
    assert (body["code"], body["data"]) == (code, None), body


@pytest.mark.parametrize("which", ["api_key", "object_key"])
def test_v1_routes_answer_the_v1_form_with_heygen_codes(
    client: TestClient, request: pytest.FixtureRequest, which: str
):
    headers = {"x-api-key": request.getfixturevalue(which)}  # either format: v1 stays v1
    add = "/v1/webhook/endpoint.add"
    assert_v1(client.post(add, json={}, headers=headers), 400, 40001, "url: is required")
    bad_url = client.post(add, json={"url": "http://127.0.0.1/hook"}, headers=headers)
    assert_v1(bad_url, 400, 400542, "url: ")
    bad_events = client.post(
        add, json={"url": "https://93.184.216.34/hooks", "events": ["nope"]}, headers=headers
    )
    assert_v1(bad_events, 400, 400175, "events: ")
    update = client.patch(
        "/v1/webhook/endpoint.update", json={"endpoint_id": UNKNOWN}, headers=headers
    )
    assert_v1(update, 404, 400131, UNKNOWN)
    delete = client.delete(f"/v1/webhook/endpoint.delete?endpoint_id={UNKNOWN}", headers=headers)
    assert_v1(delete, 404, 400131)
    upload = client.post("/v1/asset", content=b"x", headers={**headers, "content-type": "a/b"})
    assert_v1(upload, 415, 400415, "Content-Type")
    assert_v1(client.get("/v1/asset", headers=headers), 405, 400405)
    assert_v1(client.get("/v1/no_such_route", headers=headers), 404, 400404)
    assert_v1(client.post(add, json={}), 401, 400112)
    assert_v1(client.post(add, json={}, headers={"x-api-key": "lk_unknown"}), 401, 400112)


@pytest.mark.parametrize(
    "path",
    [
        f"/v2/photo_avatar/{UNKNOWN}",
        f"/v2/photo_avatar_group/{UNKNOWN}",
        f"/v2/avatar_group/{UNKNOWN}",
        "/v2/photo_avatar/not-an-id",
    ],
)
def test_the_v1_envelope_deletes_answer_errors_in_the_v1_form(
    client: TestClient, object_key: str, path: str
):
    assert_v1(client.delete(path, headers={"x-api-key": object_key}), 404, 400404)
    if "not-an-id" not in path:  # no route matches that one, so it is a 404 before any auth
        assert_v1(client.delete(path), 401, 400112)


def test_v2_reads_of_the_same_paths_keep_the_v2_form(client: TestClient, object_key: str):
    headers = {"x-api-key": object_key}
    assert_object(client.get(f"/v2/photo_avatar/{UNKNOWN}", headers=headers), 404, "not_found")
    avatars = client.get(f"/v2/avatar_group/{UNKNOWN}/avatars", headers=headers)
    assert_object(avatars, 404, "not_found")


def test_each_tenant_gets_its_own_format_and_the_rest_the_servers(
    client: TestClient, api_key: str, object_key: str
):
    bad = {**VALID_BODY, "pose": "sideways"}
    error = assert_object(
        client.post(GENERATE, json=bad, headers={"x-api-key": object_key}), 400, "invalid_parameter"
    )
    assert error["param"] == "pose"
    assert_string(
        client.post(GENERATE, json=bad, headers={"x-api-key": api_key}), 400, "invalid_parameter"
    )
    # Before the tenant is known there is no tenant's format: 401 is the server's.
    assert_string(
        client.post(GENERATE, json=bad, headers={"x-api-key": "lk_nope"}), 401, "unauthorized"
    )
    status = f"/v2/photo_avatar/generation/{UNKNOWN}"
    assert_object(client.get(status, headers={"x-api-key": object_key}), 404, "not_found")
    assert_string(client.get(status, headers={"x-api-key": api_key}), 404, "not_found")


def test_errors_raised_before_the_auth_dependency_follow_the_same_rule(
    client: TestClient, parts: ApiParts, object_key: str
):
    headers = {"x-api-key": object_key, "content-type": "application/json"}
    # FastAPI parses JSON before it runs dependencies; the body limit runs before the app.
    broken = client.post(GENERATE, content=b"{not json", headers=headers)
    assert assert_object(broken, 400, "invalid_parameter")["param"] == "body"
    assert_object(client.get("/v2/no_such_route", headers=headers), 404, "not_found")
    huge = b"[" + b" " * (parts.adapters.settings.max_json_bytes + 1) + b"]"
    assert_object(client.post(GENERATE, content=huge, headers=headers), 413, "payload_too_large")
    anonymous = client.post(GENERATE, content=huge, headers={"content-type": "application/json"})
    assert_string(anonymous, 413, "payload_too_large")


def test_a_tenants_format_changes_with_keys_set(client: TestClient, parts: ApiParts, api_key: str):
    bad = {**VALID_BODY, "pose": "sideways"}
    headers = {"x-api-key": api_key}
    assert_string(client.post(GENERATE, json=bad, headers=headers), 400, "invalid_parameter")
    tenant = parts.services.keys.set_error_format(
        prefix=api_key[:10], error_format=ErrorFormat.OBJECT
    )
    assert tenant.error_format is ErrorFormat.OBJECT
    assert_object(client.post(GENERATE, json=bad, headers=headers), 400, "invalid_parameter")
    parts.services.keys.set_error_format(prefix=api_key[:10], error_format=None)
    assert_string(client.post(GENERATE, json=bad, headers=headers), 400, "invalid_parameter")


def test_idempotency_conflicts_are_in_the_tenants_format_and_replays_unchanged(
    client: TestClient, parts: ApiParts, object_key: str
):
    headers = {"x-api-key": object_key, "idempotency-key": "order-1"}
    bad = {**VALID_BODY, "pose": "sideways"}
    first = client.post(GENERATE, json=bad, headers=headers)
    assert_object(first, 400, "invalid_parameter")
    other = client.post(GENERATE, json={**bad, "name": "B"}, headers=headers)
    assert_object(other, 409, "idempotency_key_reused")
    # A replay is what was first answered, even after the tenant switched formats.
    parts.services.keys.set_error_format(prefix=object_key[:10], error_format=ErrorFormat.STRING)
    replay = client.post(GENERATE, json=bad, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert replay.content == first.content


def test_rate_limits_and_quotas_answer_in_the_tenants_format(
    settings: Settings, parts: ApiParts, object_key: str
):
    app = create_app(settings, parts=parts)
    install_rate_limits(app, parts, MemoryRateLimiter())
    tenant_id = parts.services.keys.authenticate(key=object_key)
    parts.services.limits.set_limits(tenant=tenant_id, changes=TenantLimits(max_images=0))
    client = TestClient(app)
    headers = {"x-api-key": object_key}
    assert_object(
        client.post(GENERATE, json=VALID_BODY, headers=headers), 429, "rate_limit_exceeded"
    )
    upload = client.post(
        "/v1/asset", content=b"x", headers={**headers, "content-type": "image/png"}
    )
    assert_v1(upload, 429, 401028, "Image quota")


def test_a_bug_answers_500_in_the_tenants_format(
    settings: Settings, parts: ApiParts, object_key: str
):
    def broken(**_: object) -> None:
        raise RuntimeError("boom")

    parts.services.generations.submit = broken  # type: ignore[method-assign]
    client = TestClient(create_app(settings, parts=parts), raise_server_exceptions=False)
    response = client.post(GENERATE, json=VALID_BODY, headers={"x-api-key": object_key})
    error = assert_object(response, 500, "internal_error")
    assert response.headers["x-request-id"] in error["message"]
    assert "boom" not in response.text
