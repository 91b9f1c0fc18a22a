"""The whole photo-avatar workflow against a real server process, with a real face photo."""

from __future__ import annotations

import httpx
import pytest

from tests.support.deployment import Deployment
from tests.support.photos import astronaut_jpeg
from tests.support.polling import until_not

pytestmark = pytest.mark.e2e


def test_upload_group_add_train_looks_list_delete(server: Deployment):
    key = server.create_key("eileen")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as client:
        upload = client.post(
            "/v1/asset", content=astronaut_jpeg(), headers={"content-type": "image/jpeg"}
        )
        assert upload.status_code == 200, upload.text
        asset = upload.json()["data"]
        assert upload.json()["code"] == 100

        created = client.post(
            "/v2/photo_avatar/avatar_group/create",
            json={"name": "Eileen", "image_key": asset["image_key"]},
        )
        assert created.status_code == 200, created.text
        group_id = created.json()["data"]["group_id"]
        assert created.json()["data"]["id"] == group_id
        assert (
            until_not(client, f"/v2/photo_avatar/{group_id}", "status", "pending")["status"]
            == "completed"
        )

        added = client.post(
            "/v2/photo_avatar/avatar_group/add",
            json={"group_id": group_id, "image_keys": [asset["image_key"]], "name": "again"},
        )
        assert added.status_code == 200, added.text
        [extra] = added.json()["data"]["photo_avatar_list"]
        assert (
            until_not(client, f"/v2/photo_avatar/{extra['id']}", "status", "pending")["status"]
            == "completed"
        )

        assert client.post("/v2/photo_avatar/train", json={"group_id": group_id}).status_code == 200
        trained = until_not(
            client, f"/v2/photo_avatar/train/status/{group_id}", "status", "pending"
        )
        assert trained["status"] == "ready", trained

        generated = client.post(
            "/v2/photo_avatar/look/generate",
            json={"group_id": group_id, "prompt": "green dress", "orientation": "horizontal",
                  "pose": "full_body", "style": "Vintage"},
        )  # fmt: skip
        assert generated.status_code == 200, generated.text
        generation_id = generated.json()["data"]["generation_id"]
        result = until_not(
            client, f"/v2/photo_avatar/generation/{generation_id}", "status", "in_progress"
        )
        assert result["status"] == "success"
        for url in result["image_url_list"]:
            assert httpx.get(url).status_code == 200

        listing = client.get(f"/v2/avatar_group/{group_id}/avatars", params={"limit": 100}).json()
        assert listing["data"]["total_count"] == 6
        looks = listing["data"]["avatar_list"]
        assert sum(look["business_type"] == "generated" for look in looks) == 4
        page = client.get(f"/v2/avatar_group/{group_id}/avatars", params={"page": 2, "limit": 4})
        assert len(page.json()["data"]["avatar_list"]) == 2
        groups = client.get("/v2/avatar_group.list").json()["data"]
        assert [g["id"] for g in groups["avatar_group_list"]] == [group_id]
        details = client.get(f"/v2/photo_avatar/{looks[-1]['id']}").json()["data"]
        assert details["group_id"] == group_id
        assert httpx.get(details["image_url"]).status_code == 200

        assert client.delete(f"/v2/photo_avatar_group/{group_id}").json()["code"] == 100
        assert client.delete(f"/v2/photo_avatar_group/{group_id}").status_code == 404
        assert client.get(f"/v2/photo_avatar/{group_id}").status_code == 404
        assert client.get(f"/v2/photo_avatar/generation/{generation_id}").status_code == 404
        assert client.get("/v2/avatar_group.list").json()["data"]["total_count"] == 0
        assert httpx.get(details["image_url"]).status_code == 404
    # Only the uploaded photo remains: every look, generated image and identity is gone.
    assert server.blob_keys() == {asset["image_key"]}
