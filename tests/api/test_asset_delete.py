"""``POST /v1/asset/{asset_id}/delete``: an upload and its file go; groups keep their copies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from tests.support.api import MEDIA, blob_count, generate, uploaded, wait_for_terminal


def delete(client: TestClient, key: str, asset_id: str):
    return client.post(f"/v1/asset/{asset_id}/delete", headers={"x-api-key": key})


def test_an_upload_and_its_file_are_deleted_and_a_repeat_is_a_404(
    client: TestClient, api_key: str, parts: ApiParts
) -> None:
    asset = uploaded(client, api_key, "mp3", "audio/mpeg")
    before = blob_count(parts)
    gone = delete(client, api_key, asset["id"])
    assert gone.status_code == 200, gone.text
    assert gone.json() == {"code": 100, "data": None, "msg": None, "message": None}
    assert blob_count(parts) == before - 1
    assert client.get(asset["url"]).status_code == 404
    listed = client.get("/v1/asset/list", headers={"x-api-key": api_key}).json()["data"]
    assert listed["total"] == 0
    again = delete(client, api_key, asset["id"])
    assert again.status_code == 404
    assert again.json()["code"] == 400404


def test_another_tenants_asset_is_a_404_and_stays(
    client: TestClient, api_key: str, other_key: str, parts: ApiParts
) -> None:
    asset = uploaded(client, api_key, "jpeg", "image/jpeg")
    before = blob_count(parts)
    assert delete(client, other_key, asset["id"]).status_code == 404
    assert blob_count(parts) == before
    assert client.get(asset["url"]).status_code == 200


def test_a_group_made_from_an_upload_keeps_its_picture(
    client: TestClient, api_key: str, parts: ApiParts
) -> None:
    asset = uploaded(client, api_key, "jpeg", "image/jpeg")
    created = client.post(
        "/v2/photo_avatar/avatar_group/create",
        headers={"x-api-key": api_key},
        json={"name": "Eileen", "image_key": asset["image_key"]},
    )
    assert created.status_code == 200, created.text
    assert delete(client, api_key, asset["id"]).status_code == 200
    look = created.json()["data"]
    assert client.get(look["image_url"]).content == MEDIA["jpeg"]()


def test_a_generated_image_is_no_asset_to_delete(client: TestClient, api_key: str) -> None:
    done = wait_for_terminal(client, api_key, generate(client, api_key))
    assert done["status"] == "success"
    image_id = done["image_key_list"][0].split("/")[1]
    refused = delete(client, api_key, image_id)
    assert refused.status_code == 404
    assert refused.json()["code"] == 400404
    assert client.get(done["image_url_list"][0]).status_code == 200
    assert delete(client, api_key, "not-an-id").status_code == 404
