"""Every validation rule of the generate endpoint: a clear 400 naming the field, nothing created."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from looksmith.composition.api import ApiParts
from looksmith.db.tables import generations, jobs
from tests.support import VALID_BODY

GENERATE = "/v2/photo_avatar/photo/generate"
ENUMS = {
    "age": ["Young Adult", "Early Middle Age", "Late Middle Age", "Senior", "Unspecified"],
    "gender": ["Woman", "Man", "Unspecified"],
    "ethnicity": [
        "White",
        "Black",
        "Asian American",
        "East Asian",
        "South East Asian",
        "South Asian",
        "Middle Eastern",
        "Pacific",
        "Hispanic",
        "Unspecified",
    ],
    "orientation": ["square", "horizontal", "vertical"],
    "pose": ["half_body", "close_up", "full_body"],
    "style": ["Realistic", "Pixar", "Cinematic", "Vintage", "Noir", "Cyberpunk", "Unspecified"],
}


def nothing_created(parts: ApiParts) -> bool:
    with parts.adapters.database.connect() as conn:
        counts = [
            conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (generations, jobs)
        ]
    return counts == [0, 0]


def post(client: TestClient, key: str, body: object) -> tuple[int, dict]:
    response = client.post(GENERATE, json=body, headers={"x-api-key": key})
    return response.status_code, response.json()


@pytest.mark.parametrize("field", list(VALID_BODY))
def test_each_field_is_required(client: TestClient, parts: ApiParts, api_key: str, field):
    body = {k: v for k, v in VALID_BODY.items() if k != field}
    status, payload = post(client, api_key, body)
    assert status == 400
    assert payload == {"error": f"{field}: is required", "code": "invalid_parameter", "data": None}
    assert nothing_created(parts)


@pytest.mark.parametrize(("field", "allowed"), list(ENUMS.items()))
def test_enums_are_exact_and_case_sensitive(
    client: TestClient, parts: ApiParts, api_key: str, field, allowed
):
    for value in (
        allowed[0].lower() if allowed[0] != allowed[0].lower() else allowed[0].upper(),
        "nope",
    ):
        status, payload = post(client, api_key, {**VALID_BODY, field: value})
        assert status == 400
        assert payload["error"].startswith(f"{field}: must be one of: ")
        for option in allowed:
            assert option in payload["error"]
    assert nothing_created(parts)


@pytest.mark.parametrize(("field", "allowed"), list(ENUMS.items()))
def test_every_documented_enum_value_is_accepted(client: TestClient, api_key: str, field, allowed):
    for value in allowed:
        status, payload = post(client, api_key, {**VALID_BODY, field: value})
        assert status == 200, payload


def test_appearance_length_bounds(client: TestClient, parts: ApiParts, api_key: str):
    status, payload = post(client, api_key, {**VALID_BODY, "appearance": "x" * 1001})
    assert (status, payload["error"]) == (400, "appearance: at most 1000 characters")
    status, payload = post(client, api_key, {**VALID_BODY, "appearance": ""})
    assert (status, payload["error"]) == (400, "appearance: at least 1 character(s)")
    status, payload = post(client, api_key, {**VALID_BODY, "appearance": "   "})
    assert (status, payload["error"]) == (400, "appearance: must not be empty")
    assert nothing_created(parts)
    status, _ = post(client, api_key, {**VALID_BODY, "appearance": "x" * 1000})
    assert status == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({**VALID_BODY, "age": 30}, "age: must be one of: "),
        ({**VALID_BODY, "name": 7}, "name: must be a string"),
        ({**VALID_BODY, "appearance": None}, "appearance: must be a string"),
        ([VALID_BODY], "body: must be a JSON object"),
        ("text", "body: must be a JSON object"),
    ],
)
def test_wrong_types_name_the_field(
    client: TestClient, parts: ApiParts, api_key: str, body, message
):
    status, payload = post(client, api_key, body)
    assert status == 400
    assert payload["error"].startswith(message)
    assert nothing_created(parts)


def test_malformed_json_is_400(client: TestClient, parts: ApiParts, api_key: str):
    response = client.post(
        GENERATE,
        content=b'{"name": ',
        headers={"x-api-key": api_key, "content-type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "body: is not valid JSON"
    assert nothing_created(parts)


def test_unknown_fields_are_ignored_and_callbacks_stored(
    client: TestClient, parts: ApiParts, api_key: str
):
    body = {**VALID_BODY, "image_url": "x", "extra": {"a": 1}, "callback_id": "cb-1"}
    body["callback_url"] = "https://example.invalid/hook"
    status, payload = post(client, api_key, body)
    assert status == 200
    generation_id = payload["data"]["generation_id"]
    with parts.adapters.database.connect() as conn:
        row = conn.execute(select(generations).where(generations.c.id == generation_id)).one()
    assert (row.callback_url, row.callback_id) == ("https://example.invalid/hook", "cb-1")


def test_object_error_format_by_setting(tmp_path):
    from looksmith.api.app import create_app
    from looksmith.config import ErrorFormat, Settings
    from looksmith.db.migrate import upgrade

    settings = Settings(data_dir=tmp_path / "object", error_format=ErrorFormat.OBJECT)
    upgrade(settings.sqlalchemy_url)
    app = create_app(settings)
    key = app.state.parts.services.keys.create_tenant(name="object").key
    client = TestClient(app)

    response = client.post(
        GENERATE, json={**VALID_BODY, "pose": "upper_body"}, headers={"x-api-key": key}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["param"]) == ("invalid_parameter", "pose")
    assert error["message"].startswith("pose: must be one of: half_body, close_up, full_body")

    response = client.get("/v2/photo_avatar/generation/" + "0" * 32)
    assert response.status_code == 401
    assert response.json() == {
        "error": {"code": "unauthorized", "message": "Missing or invalid API key."},
        "data": None,
    }


def test_nul_characters_are_a_clear_400(client: TestClient, parts: ApiParts, api_key: str):
    for field in ("name", "appearance", "callback_id", "callback_url"):
        body = {**VALID_BODY, field: "a\x00b"}
        response = client.post(GENERATE, json=body, headers={"x-api-key": api_key})
        assert response.status_code == 400, response.text
        assert response.json()["error"] == f"{field}: must not contain NUL characters"


def test_oversized_json_bodies_are_refused_before_auth(client: TestClient):
    huge = b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    response = client.post(GENERATE, content=huge, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


def test_unparseable_bodies_say_so(client: TestClient, api_key: str):
    deep = b"[" * 100_000 + b"]" * 100_000
    response = client.post(
        GENERATE, content=deep, headers={"x-api-key": api_key, "content-type": "application/json"}
    )
    assert response.status_code in (400, 413)
    assert response.json()["code"] in ("invalid_parameter", "payload_too_large")
