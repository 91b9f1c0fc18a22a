"""A voice-over and a clip uploaded to a real server: stored, served, listed, never a face."""

from __future__ import annotations

import httpx
import pytest

from tests.support.deployment import Deployment
from tests.support.media import clip_bytes, mp3_bytes
from tests.support.photos import astronaut_jpeg

pytestmark = pytest.mark.e2e


def test_voice_over_and_clip_are_served_listed_and_refused_as_group_images(server: Deployment):
    key = server.create_key("narrator")
    voice, clip = mp3_bytes(), clip_bytes("mp4")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as client:
        assets = {}
        for name, data, content_type in [
            ("voice", voice, "audio/mpeg"),
            ("clip", clip, "video/mp4"),
            ("photo", astronaut_jpeg(), "image/jpeg"),
        ]:
            response = client.post(
                "/v1/asset", content=data, headers={"content-type": content_type}
            )
            assert response.status_code == 200, response.text
            assets[name] = response.json()["data"]
        assert (assets["voice"]["file_type"], assets["voice"]["image_key"]) == ("audio", None)
        assert (assets["clip"]["file_type"], assets["clip"]["image_key"]) == ("video", None)

        for name, data, content_type in [
            ("voice", voice, "audio/mpeg"),
            ("clip", clip, "video/mp4"),
        ]:
            fetched = httpx.get(assets[name]["url"], timeout=30)
            assert fetched.status_code == 200
            assert fetched.headers["content-type"] == content_type
            assert fetched.content == data

        listed = client.get("/v1/asset/list", params={"limit": 2})
        assert listed.status_code == 200, listed.text
        first = listed.json()["data"]
        assert first["total"] == 3 and len(first["assets"]) == 2 and first["token"]
        rest = client.get("/v1/asset/list", params={"limit": 2, "token": first["token"]}).json()
        every = [a["id"] for a in first["assets"] + rest["data"]["assets"]]
        assert sorted(every) == sorted(a["id"] for a in assets.values())
        assert rest["data"]["token"] is None
        audio = client.get("/v1/asset/list", params={"file_type": "audio"}).json()["data"]
        assert [a["id"] for a in audio["assets"]] == [assets["voice"]["id"]]

        refused = client.post(
            "/v2/photo_avatar/avatar_group/create",
            json={"name": "Narrator", "image_key": assets["voice"]["id"]},
        )
        assert refused.status_code == 400
        assert refused.json()["error"] == (
            f"image_key: {assets['voice']['id']} is an audio asset, not an image"
        )
        groups = client.get("/v2/avatar_group.list").json()["data"]
        assert groups["total_count"] == 0


def test_a_form_upload_is_listed_by_asset_id_and_deleted(server: Deployment):
    # How sbroenne/heygen-mcp talks to /v1/asset: a multipart form, then data.asset_id.
    key = server.create_key("forms")
    photo = astronaut_jpeg()
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=30) as client:
        sent = client.post("/v1/asset", files={"file": ("portrait.jpg", photo, "image/jpeg")})
        assert sent.status_code == 200, sent.text
        asset = sent.json()["data"]
        assert asset["asset_id"] == asset["id"] and asset["file_type"] == "image"
        assert httpx.get(asset["url"], timeout=30).content == photo
        listed = client.get("/v1/asset/list").json()["data"]["assets"]
        assert [a["asset_id"] for a in listed] == [asset["id"]]

        gone = client.post(f"/v1/asset/{asset['id']}/delete")
        assert gone.status_code == 200, gone.text
        assert gone.json()["code"] == 100
        assert httpx.get(asset["url"], timeout=30).status_code == 404
        assert client.get("/v1/asset/list").json()["data"]["total"] == 0
        again = client.post(f"/v1/asset/{asset['id']}/delete")
        assert (again.status_code, again.json()["code"]) == (404, 400404)
