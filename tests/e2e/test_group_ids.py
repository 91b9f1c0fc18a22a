"""Ids clients hold, against a real server: bare asset ids as image keys, a look generation's
keys added again, and a group listed with a working preview after its looks are gone."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.support.deployment import Deployment
from tests.support.photos import astronaut_jpeg
from tests.support.polling import until_not

pytestmark = pytest.mark.e2e

ADD = "/v2/photo_avatar/avatar_group/add"


def upload(client: httpx.Client) -> dict[str, Any]:
    response = client.post(
        "/v1/asset", content=astronaut_jpeg(), headers={"content-type": "image/jpeg"}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def looks_of(client: httpx.Client, group_id: str) -> list[str]:
    listing = client.get(f"/v2/avatar_group/{group_id}/avatars").json()["data"]
    assert listing["total_count"] == len(listing["avatar_list"])
    return [look["id"] for look in listing["avatar_list"]]


def test_bare_asset_ids_and_generated_keys_name_what_the_client_holds(server: Deployment):
    key = server.create_key("ids")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=60) as client:
        asset = upload(client)
        created = client.post(
            "/v2/photo_avatar/avatar_group/create",
            json={"name": "Eileen", "image_key": asset["id"]},
        )
        assert created.status_code == 200, created.text
        group_id = created.json()["data"]["group_id"]
        done = until_not(client, f"/v2/photo_avatar/{group_id}", "status", "pending")
        assert done["status"] == "completed"
        short = client.post(
            ADD, json={"group_id": group_id, "image_keys": ["ab" * 15], "name": "x"}
        )
        assert short.status_code == 400
        assert short.json()["error"] == f"image_keys.0: no uploaded or generated image {'ab' * 15}"

        assert client.post("/v2/photo_avatar/train", json={"group_id": group_id}).status_code == 200
        trained = until_not(
            client, f"/v2/photo_avatar/train/status/{group_id}", "status", "pending"
        )
        assert trained["status"] == "ready", trained
        generated = client.post(
            "/v2/photo_avatar/look/generate",
            json={"group_id": group_id, "prompt": "green dress", "orientation": "square",
                  "pose": "half_body", "style": "Realistic"},
        )  # fmt: skip
        generation_id = generated.json()["data"]["generation_id"]
        result = client.get(f"/v2/photo_avatar/generation/{generation_id}", params={"wait": 60})
        assert result.json()["data"]["status"] == "success", result.text
        keys = result.json()["data"]["image_key_list"]
        before = looks_of(client, group_id)
        assert len(before) == 5  # the first look and the four generated ones

        wrong = client.post(
            ADD,
            json={"group_id": group_id, "image_keys": keys[:1], "name": "x",
                  "generation_id": "f" * 32},
        )  # fmt: skip
        assert wrong.status_code == 400
        assert wrong.json()["error"].startswith("generation_id: image ")
        again = client.post(
            ADD,
            json={"group_id": group_id, "name": "again", "generation_id": generation_id,
                  "image_keys": [keys[2], keys[0], keys[1], keys[3]]},
        )  # fmt: skip
        assert again.status_code == 200, again.text
        listed = again.json()["data"]["photo_avatar_list"]
        assert [look["id"] for look in listed] == [
            k.split("/")[1] for k in (keys[2], *keys[:2], keys[3])
        ]
        assert {(look["status"], look["business_type"]) for look in listed} == {
            ("completed", "generated")
        }
        assert looks_of(client, group_id) == before  # nothing new

        mixed = client.post(
            ADD, json={"group_id": group_id, "name": "mixed", "image_keys": [keys[1], asset["id"]]}
        )
        assert mixed.status_code == 200, mixed.text
        existing, fresh = mixed.json()["data"]["photo_avatar_list"]
        assert existing["id"] == keys[1].split("/")[1]
        assert fresh["id"] not in before and fresh["status"] == "pending"
        assert looks_of(client, group_id) == [*before, fresh["id"]]


def test_a_group_without_looks_is_listed_with_a_working_preview(server: Deployment):
    key = server.create_key("preview")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=60) as client:
        asset = upload(client)
        created = client.post(
            "/v2/photo_avatar/avatar_group/create",
            json={"name": "Eileen", "image_key": asset["image_key"]},
        )
        group_id = created.json()["data"]["group_id"]
        assert client.delete(f"/v2/photo_avatar/{group_id}").status_code == 200
        listing = client.get("/v2/avatar_group.list").json()["data"]
        [group] = listing["avatar_group_list"]
        assert group["num_looks"] == 0
        assert group["preview_image"] == group["preview_image_url"]
        picture = httpx.get(group["preview_image"])
        assert picture.status_code == 200 and picture.content == astronaut_jpeg()
        assert f"image/{group_id}/original" in server.blob_keys()

        assert client.delete(f"/v2/avatar_group/{group_id}").status_code == 200
    assert server.blob_keys() == {asset["image_key"]}  # the kept picture went with the group
