"""The generate and status endpoints through the ASGI app, with the real worker pool."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from looksmith.domain.specs import IMAGES_PER_GENERATION
from tests.support.api import generate, wait_for_terminal


def test_generation_reaches_success_with_four_signed_images(client: TestClient, api_key: str):
    generation_id = generate(client, api_key)
    assert len(generation_id) == 32 and int(generation_id, 16) >= 0

    data = wait_for_terminal(client, api_key, generation_id)

    assert set(data) == {"id", "status", "msg", "image_url_list", "image_key_list"}
    assert data["id"] == generation_id
    assert data["status"] == "success"
    assert data["msg"] is None
    keys, urls = data["image_key_list"], data["image_url_list"]
    assert len(keys) == len(urls) == IMAGES_PER_GENERATION
    assert len(set(keys)) == IMAGES_PER_GENERATION
    for key, url in zip(keys, urls, strict=True):
        assert key.startswith("image/") and key.endswith("/original")
        assert url.startswith(f"http://testserver/{key}?Expires=")
        assert "&Signature=" in url
        image = client.get(url)
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/jpeg"
        assert image.content[:3] == b"\xff\xd8\xff"


def test_status_is_in_progress_with_null_lists_until_rendered(
    parts: ApiParts, settings, api_key: str
):
    from looksmith.api.app import create_app

    # Without entering the client's context the lifespan never starts the workers.
    client = TestClient(create_app(settings, parts=parts))
    generation_id = generate(client, api_key)

    response = client.get(
        f"/v2/photo_avatar/generation/{generation_id}", headers={"x-api-key": api_key}
    )

    assert response.json() == {
        "error": None,
        "data": {
            "id": generation_id,
            "status": "in_progress",
            "msg": None,
            "image_url_list": None,
            "image_key_list": None,
        },
    }
    assert parts.work.pool.run_until_idle() == 1
    done = client.get(
        f"/v2/photo_avatar/generation/{generation_id}", headers={"x-api-key": api_key}
    )
    assert done.json()["data"]["status"] == "success"


def test_urls_are_signed_afresh_on_every_read(client: TestClient, api_key: str):
    generation_id = generate(client, api_key)
    first = wait_for_terminal(client, api_key, generation_id)
    time.sleep(1.1)
    second = wait_for_terminal(client, api_key, generation_id)
    assert first["image_key_list"] == second["image_key_list"]
    assert first["image_url_list"] != second["image_url_list"]
