"""Uploads, groups, looks, training and look generation through the ASGI app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts as ApiParts
from tests.support.api import (
    LOOK_FIELDS,
    STATUS,
    create_group,
    generate,
    upload,
    wait_for,
    wait_for_terminal,
)
from tests.support.photos import astronaut_jpeg, coffee_jpeg


def test_upload_answers_the_v1_envelope(client: TestClient, api_key: str):
    body = upload(client, api_key, astronaut_jpeg())
    assert body["code"] == 100
    assert body["msg"] is None and body["message"] is None
    data = body["data"]
    assert data["image_key"] == f"image/{data['id']}/original"
    assert (data["name"], data["file_type"], data["folder_id"], data["meta"]) == (
        data["id"], "image", "", None,
    )  # fmt: skip
    assert isinstance(data["created_ts"], int)
    fetched = client.get(data["url"])
    assert fetched.content == astronaut_jpeg()  # stored byte for byte


def test_full_workflow_in_process(client: TestClient, parts: ApiParts, api_key: str):
    asset = upload(client, api_key, astronaut_jpeg())["data"]
    look = create_group(client, api_key, asset["image_key"])
    assert set(look) == LOOK_FIELDS
    assert look["id"] == look["group_id"]
    assert (look["status"], look["business_type"]) == ("pending", "user_upload")
    group_id = look["group_id"]

    done = wait_for(client, api_key, f"/v2/photo_avatar/{group_id}", "status", "pending")
    assert done["status"] == "completed"

    added = client.post(
        "/v2/photo_avatar/avatar_group/add",
        json={"group_id": group_id, "image_keys": [asset["image_key"]], "name": "second"},
        headers={"x-api-key": api_key},
    )
    assert added.status_code == 200, added.text
    [second] = added.json()["data"]["photo_avatar_list"]
    assert second["group_id"] == group_id and second["id"] != group_id

    flow = client.post(
        "/v2/photo_avatar/train", json={"group_id": group_id}, headers={"x-api-key": api_key}
    )
    assert flow.status_code == 200, flow.text
    assert len(flow.json()["data"]["flow_id"]) == 32
    trained = wait_for(
        client, api_key, f"/v2/photo_avatar/train/status/{group_id}", "status", "pending"
    )
    assert trained["status"] == "ready", trained
    assert isinstance(trained["created_at"], int) and isinstance(trained["updated_at"], int)

    looks = client.post(
        "/v2/photo_avatar/look/generate",
        json={"group_id": group_id, "prompt": "navy suit", "orientation": "vertical",
              "pose": "half_body", "style": "Cinematic"},
        headers={"x-api-key": api_key},
    )  # fmt: skip
    assert looks.status_code == 200, looks.text
    generation = wait_for_terminal(client, api_key, looks.json()["data"]["generation_id"])
    assert generation["status"] == "success"
    assert len(generation["image_key_list"]) == 4

    listing = client.get(f"/v2/avatar_group/{group_id}/avatars", headers={"x-api-key": api_key})
    avatars = listing.json()["data"]["avatar_list"]
    assert listing.json()["data"]["total_count"] == 6
    generated = [a for a in avatars if a["business_type"] == "generated"]
    assert len(generated) == 4 and {a["status"] for a in generated} == {"completed"}
    generated_ids = {f"image/{a['id']}/original" for a in generated}
    assert generated_ids == set(generation["image_key_list"])

    groups = client.get("/v2/avatar_group.list", headers={"x-api-key": api_key}).json()["data"]
    assert groups["total_count"] == 1
    [listed] = groups["avatar_group_list"]
    assert (listed["id"], listed["num_looks"], listed["group_type"]) == (group_id, 6, "PHOTO")
    assert listed["train_status"] == "ready" and isinstance(listed["created_at"], int)
    assert listed["preview_image"].startswith("http://testserver/image/" + group_id)


def test_photo_without_a_face_fails_its_check(client: TestClient, api_key: str):
    asset = upload(client, api_key, coffee_jpeg())["data"]
    look = create_group(client, api_key, asset["image_key"])
    done = wait_for(client, api_key, f"/v2/photo_avatar/{look['id']}", "status", "pending")
    assert done["status"] == "failed"
    assert done["moderation_msg"] == "No face detected, please try another photo."
    response = client.post(
        "/v2/photo_avatar/train",
        json={"group_id": look["group_id"]},
        headers={"x-api-key": api_key},
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith(
        f"No valid image for training found in group {look['group_id']}"
    )


def test_a_generated_photo_can_found_a_group(client: TestClient, api_key: str):
    generation_id = generate(client, api_key)
    keys = wait_for_terminal(client, api_key, generation_id)["image_key_list"]
    look = create_group(client, api_key, keys[2], generation_id=generation_id)
    assert look["business_type"] == "generated"
    done = wait_for(client, api_key, f"/v2/photo_avatar/{look['id']}", "status", "pending")
    assert done["status"] == "completed"  # the engine knows where it drew the face


@pytest.mark.parametrize("path", ["/v2/photo_avatar_group/{id}", "/v2/avatar_group/{id}"])
def test_deleting_a_group_removes_looks_and_blobs(
    client: TestClient, parts: ApiParts, api_key: str, path: str
):
    asset = upload(client, api_key, astronaut_jpeg())["data"]
    look = create_group(client, api_key, asset["image_key"])
    wait_for(client, api_key, f"/v2/photo_avatar/{look['id']}", "status", "pending")
    blobs = parts.adapters.settings.blob_dir
    assert (blobs / "image" / look["id"] / "original").exists()

    url = path.format(id=look["group_id"])
    response = client.delete(url, headers={"x-api-key": api_key})
    assert response.json() == {"code": 100, "data": None, "msg": None, "message": None}
    assert client.delete(url, headers={"x-api-key": api_key}).status_code == 404
    assert (
        client.get(f"/v2/photo_avatar/{look['id']}", headers={"x-api-key": api_key}).status_code
        == 404
    )
    assert not (blobs / "image" / look["id"]).exists()
    assert (blobs / "image" / asset["id"] / "original").exists()  # the upload is not the group's


def test_deleting_a_look_twice(client: TestClient, api_key: str):
    asset = upload(client, api_key, astronaut_jpeg())["data"]
    look = create_group(client, api_key, asset["image_key"])
    path = f"/v2/photo_avatar/{look['id']}"
    assert client.delete(path, headers={"x-api-key": api_key}).json()["code"] == 100
    assert client.delete(path, headers={"x-api-key": api_key}).status_code == 404


def test_deleting_a_generated_look_keeps_its_generations_links(
    client: TestClient, parts: ApiParts, api_key: str
):
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
