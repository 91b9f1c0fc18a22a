"""Bad uploads and bad group requests: each gets its status and message and changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from looksmith.api.app import create_app
from looksmith.composition.api import ApiParts
from looksmith.config import Settings
from tests.support.api import blob_count, counts, post_upload
from tests.support.photos import astronaut_jpeg, encode, png_bomb


@pytest.fixture
def manual(settings: Settings, parts: ApiParts) -> TestClient:
    """A client whose jobs only run when the test says so."""
    return TestClient(create_app(settings, parts=parts))


@pytest.mark.parametrize(
    ("data", "content_type", "status", "message"),
    [
        (b"x", "text/plain", 415, "Content-Type must be one of image/jpeg, image/png, image/webp"),
        (b"x", None, 415, "Content-Type must be one of"),
        (b"x", "image/gif", 415, "not image/gif"),
        (b"", "image/jpeg", 400, "body: is empty"),
        (b"hello world", "image/jpeg", 400, "body: is not a JPEG, PNG or WebP image"),
        ("truncated", "image/jpeg", 400, "body: image data is truncated or corrupt"),
        ("bomb", "image/png", 400, "body: image has more than 40 megapixels"),
        ("big", "image/png", 400, "body: image is 7000x6000, more than 40 megapixels"),
        ("small", "image/png", 400, "body: image is 200x300; the short side must be at least 256"),
    ],
)
def test_bad_uploads(manual, parts, api_key, data, content_type, status, message):
    payload = {
        "truncated": astronaut_jpeg()[:20000],
        "bomb": png_bomb(),
        "big": encode(Image.new("1", (7000, 6000)), "PNG"),
        "small": encode(Image.new("RGB", (200, 300), "red"), "PNG"),
    }.get(data, data)
    before = counts(parts), blob_count(parts)
    response = post_upload(manual, api_key, payload, content_type)
    assert response.status_code == status, response.text
    assert message in response.json()["message"], response.json()
    assert (counts(parts), blob_count(parts)) == before


def test_oversized_body_is_413(manual, parts, api_key):
    too_big = b"\xff\xd8\xff" + b"0" * (parts.adapters.settings.max_upload_bytes)
    response = post_upload(manual, api_key, too_big, "image/jpeg")
    assert response.status_code == 413
    assert response.json()["code"] == 400413
    assert counts(parts) == [0, 0, 0, 0, 0]


def test_bytes_decide_the_type_not_the_header(manual, api_key):
    response = post_upload(manual, api_key, astronaut_jpeg(), "image/png")
    assert response.status_code == 200
    fetched = manual.get(response.json()["data"]["url"])
    assert fetched.headers["content-type"] == "image/jpeg"


def upload_and_group(client: TestClient, parts: ApiParts, key: str) -> tuple[str, str]:
    image_key = post_upload(client, key, astronaut_jpeg(), "image/jpeg").json()["data"]["image_key"]
    response = client.post(
        "/v2/photo_avatar/avatar_group/create",
        json={"name": "g", "image_key": image_key},
        headers={"x-api-key": key},
    )
    assert response.status_code == 200, response.text
    return image_key, response.json()["data"]["group_id"]


def test_someone_elses_image_key_or_group_answers_like_an_unknown_one(
    manual, parts, api_key, other_key
):
    image_key, group_id = upload_and_group(manual, parts, api_key)
    before = counts(parts), blob_count(parts)
    theirs = {"x-api-key": other_key}
    unknown_key, unknown_group = "image/" + "e" * 32 + "/original", "e" * 32
    for key in (image_key, unknown_key):
        response = manual.post(
            "/v2/photo_avatar/avatar_group/create",
            json={"name": "x", "image_key": key},
            headers=theirs,
        )
        assert response.status_code == 400
        assert response.json()["error"] == f"image_key: no uploaded or generated image {key}"
    for gid in (group_id, unknown_group):
        add = {"group_id": gid, "image_keys": [image_key], "name": "x"}
        look = {"group_id": gid, "prompt": "p", "orientation": "square", "pose": "close_up"}
        for path, body in (
            ("/v2/photo_avatar/avatar_group/add", add),
            ("/v2/photo_avatar/train", {"group_id": gid}),
            ("/v2/photo_avatar/look/generate", {**look, "style": "Noir"}),
        ):
            response = manual.post(path, json=body, headers=theirs)
            assert response.status_code == 400, (path, response.text)
            assert response.json()["error"] == f"group_id: group {gid} not found"
        for path in (f"/v2/photo_avatar/train/status/{gid}", f"/v2/avatar_group/{gid}/avatars"):
            assert manual.get(path, headers=theirs).status_code == 404
        assert manual.delete(f"/v2/avatar_group/{gid}", headers=theirs).status_code == 404
    assert manual.get(f"/v2/photo_avatar/{group_id}", headers=theirs).status_code == 404
    assert manual.delete(f"/v2/photo_avatar/{group_id}", headers=theirs).status_code == 404
    assert (counts(parts), blob_count(parts)) == before


def test_training_before_a_face_check_twice_at_once_and_looks_before_training(
    manual, parts, api_key
):
    _, group_id = upload_and_group(manual, parts, api_key)
    mine = {"x-api-key": api_key}
    early = manual.post("/v2/photo_avatar/train", json={"group_id": group_id}, headers=mine)
    assert early.status_code == 400
    assert early.json()["error"] == (
        f"No valid image for training found in group {group_id}: "
        "no look has passed its face check yet"
    )
    parts.work.pool.run_until_idle()  # the face check

    look_body = {"group_id": group_id, "prompt": "red dress", "orientation": "square",
                 "pose": "close_up", "style": "Pixar"}  # fmt: skip
    untrained = manual.post("/v2/photo_avatar/look/generate", json=look_body, headers=mine)
    assert untrained.status_code == 400
    assert untrained.json()["error"] == (
        f"group {group_id} is not trained yet: train it and wait for status ready"
    )

    first = manual.post("/v2/photo_avatar/train", json={"group_id": group_id}, headers=mine)
    assert first.status_code == 200
    before = counts(parts)
    second = manual.post("/v2/photo_avatar/train", json={"group_id": group_id}, headers=mine)
    assert second.status_code == 400
    assert second.json()["error"].endswith("a training of this group is already running")
    assert counts(parts) == before

    parts.work.pool.run_until_idle()
    status = manual.get(f"/v2/photo_avatar/train/status/{group_id}", headers=mine).json()["data"]
    assert status["status"] == "ready"
    assert (
        manual.post("/v2/photo_avatar/look/generate", json=look_body, headers=mine).status_code
        == 200
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"image_keys": ["k"] * 5}, "image_keys: give at most 4 items"),
        ({"image_keys": []}, "image_keys: give at least 1 item(s)"),
        ({"image_keys": "image/x/original"}, "image_keys: must be a list"),
        ({"name": ""}, "name: at least 1 character(s)"),
    ],
)
def test_add_looks_validation(manual, parts, api_key, body, message):
    image_key, group_id = upload_and_group(manual, parts, api_key)
    before = counts(parts)
    payload = {"group_id": group_id, "image_keys": [image_key], "name": "n", **body}
    response = manual.post(
        "/v2/photo_avatar/avatar_group/add", json=payload, headers={"x-api-key": api_key}
    )
    assert response.status_code == 400
    assert response.json()["error"] == message
    assert counts(parts) == before


def test_paging_limits(manual, api_key):
    for query, message in (("limit=0", "limit: must be at least 1"),
                           ("page_size=0", "page_size: must be at least 1"),
                           ("page=0", "page: must be at least 1"),
                           ("page=x", "page: must be an integer")):  # fmt: skip
        response = manual.get(f"/v2/avatar_group.list?{query}", headers={"x-api-key": api_key})
        assert response.status_code == 400
        assert response.json()["error"] == message
