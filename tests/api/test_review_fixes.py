"""Edge cases found in review: NUL characters, huge bodies, odd Expires, shared look images."""

from __future__ import annotations

from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from tests.api.test_generation_api import GENERATE, STATUS, generate, wait_for_terminal
from tests.support import VALID_BODY


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


def test_a_non_ascii_digit_in_expires_is_403(client: TestClient):
    response = client.get("/image/" + "a" * 32 + "/original?Expires=²&Signature=x")
    assert response.status_code == 403


def test_deleting_a_generated_look_keeps_its_generations_links(
    client: TestClient, parts: ApiParts, api_key: str
):
    from tests.api.test_groups_workflow import create_group, upload, wait_for
    from tests.support.photos import astronaut_jpeg

    asset = upload(client, api_key, astronaut_jpeg())["data"]
    group = create_group(client, api_key, asset["image_key"])["group_id"]
    wait_for(client, api_key, f"/v2/photo_avatar/{group}", "status", "pending")
    headers = {"x-api-key": api_key}
    client.post("/v2/photo_avatar/train", json={"group_id": group}, headers=headers)
    wait_for(client, api_key, f"/v2/photo_avatar/train/status/{group}", "status", "pending")
    body = {"group_id": group, "prompt": "red scarf", "orientation": "square",
            "pose": "close_up", "style": "Realistic"}  # fmt: skip
    generation_id = client.post(
        "/v2/photo_avatar/look/generate", json=body, headers=headers
    ).json()["data"]["generation_id"]
    result = wait_for_terminal(client, api_key, generation_id)
    first_look = result["image_key_list"][0].split("/")[1]

    assert client.delete(f"/v2/photo_avatar/{first_look}", headers=headers).status_code == 200
    again = client.get(STATUS + generation_id, headers=headers).json()["data"]
    assert client.get(again["image_url_list"][0]).status_code == 200
    assert generate(client, api_key)  # the service is still fine
