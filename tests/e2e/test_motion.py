"""Add motion, sound effect and upscale against real server processes, embedded and scaled out.

Scaled out, the motion jobs run in Celery workers and the previews are presigned S3 links.
"""

from __future__ import annotations

import io
from functools import partial
from typing import Any

import av
import httpx
import numpy as np
import pytest
from PIL import Image

from tests.support.deployment import Deployment
from tests.support.photos import astronaut_jpeg
from tests.support.polling import poll_until

pytestmark = pytest.mark.e2e


until = partial(poll_until, timeout=120)  # motion, sound and upscale jobs take longer


def finished(client: httpx.Client, look_id: str) -> dict[str, Any]:
    return until(client, f"/v2/photo_avatar/{look_id}", lambda d: d["status"] != "pending")


def decoded(data: bytes) -> dict[str, Any]:
    """What a player sees in an MP4: frames, their size, the duration and the sound tracks."""
    with av.open(io.BytesIO(data), "r") as container:
        video = container.streams.video[0]
        frames = [frame.to_ndarray(format="rgb24") for frame in container.decode(video)]
        return {
            "codec": video.codec_context.name,
            "frames": frames,
            "size": (video.codec_context.width, video.codec_context.height),
            "duration": container.duration / 1_000_000 if container.duration else None,
            "audio": [(s.codec_context.name, s.rate) for s in container.streams.audio],
        }


def trained_look(client: httpx.Client) -> dict[str, Any]:
    """A look generated for a group trained from the astronaut."""
    upload = client.post(
        "/v1/asset", content=astronaut_jpeg(), headers={"content-type": "image/jpeg"}
    )
    created = client.post(
        "/v2/photo_avatar/avatar_group/create",
        json={"name": "Eileen", "image_key": upload.json()["data"]["image_key"]},
    )
    group_id = created.json()["data"]["group_id"]
    assert finished(client, group_id)["status"] == "completed"
    assert client.post("/v2/photo_avatar/train", json={"group_id": group_id}).status_code == 200
    trained = until(
        client, f"/v2/photo_avatar/train/status/{group_id}", lambda d: d["status"] != "pending"
    )
    assert trained["status"] == "ready", trained
    generated = client.post(
        "/v2/photo_avatar/look/generate",
        json={"group_id": group_id, "prompt": "linen shirt on a sunny beach",
              "orientation": "square", "pose": "half_body", "style": "Realistic"},
    )  # fmt: skip
    generation_id = generated.json()["data"]["generation_id"]
    result = until(
        client,
        f"/v2/photo_avatar/generation/{generation_id}",
        lambda d: d["status"] != "in_progress",
    )
    assert result["status"] == "success", result
    look_id = result["image_key_list"][0].split("/")[1]
    return finished(client, look_id)


def test_motion_sound_effect_and_upscale(server: Deployment):
    key = server.create_key("eileen")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=60) as client:
        look = trained_look(client)
        assert look["status"] == "completed" and look["is_motion"] is False
        still = np.asarray(Image.open(io.BytesIO(httpx.get(look["image_url"]).content)))

        answer = client.post(
            "/v2/photo_avatar/add_motion", json={"id": look["id"], "motion_type": "kling"}
        )
        assert answer.status_code == 200, answer.text
        motion = finished(client, answer.json()["data"]["id"])
        assert (motion["status"], motion["is_motion"]) == ("completed", True), motion
        assert motion["image_url"] and motion["motion_preview_url"]

        preview = httpx.get(motion["motion_preview_url"])
        assert preview.headers["content-type"] == "video/mp4"
        clip = decoded(preview.content)
        width, height = clip["size"]
        assert clip["codec"] == "h264" and len(clip["frames"]) == 80
        assert (
            max(width, height) == 512
            and abs(width / height - still.shape[1] / still.shape[0]) < 0.02
        )
        assert clip["duration"] == pytest.approx(4.0, abs=0.1) and clip["audio"] == []
        # The frames move, and stay the look: compared with the look's own picture, shrunk.
        small = np.asarray(Image.fromarray(still).convert("RGB").resize((width, height)))
        frames = clip["frames"]
        assert np.abs(frames[40].astype(int) - frames[0]).mean() > 1.0
        assert max(np.abs(f.astype(int) - small).mean() for f in frames) < 20

        refused = client.post("/v2/photo_avatar/add_sound_effect", json={"id": look["id"]})
        assert refused.status_code == 400 and "has no motion" in refused.json()["error"]
        sound = client.post("/v2/photo_avatar/add_sound_effect", json={"id": motion["id"]})
        assert sound.status_code == 200, sound.text
        sound_id = sound.json()["data"]["sound_effect_id"]
        sounded = until(
            client,
            f"/v2/photo_avatar/{motion['id']}",
            lambda d: d["background_sound_effect"]["status"] != "pending",
        )
        effect = sounded["background_sound_effect"]
        assert (effect["status"], effect["sound_effect_id"]) == ("completed", sound_id)
        assert effect["file_meta"]["size"] == len(
            httpx.get(effect["sound_effect_preview_url"]).content
        )
        with_sound = decoded(httpx.get(sounded["motion_preview_url"]).content)
        assert with_sound["audio"] == [("aac", 44100)]
        assert len(with_sound["frames"]) == 80

        upscaled_id = client.post("/v2/photo_avatar/upscale", json={"id": motion["id"]}).json()[
            "data"
        ]["id"]
        twice = client.post("/v2/photo_avatar/upscale", json={"id": motion["id"]})
        assert twice.status_code == 400 and "already been upscaled" in twice.json()["error"]
        upscaled = finished(client, upscaled_id)
        assert (upscaled["status"], upscaled["upscaled"]) == ("completed", True), upscaled
        assert decoded(httpx.get(upscaled["motion_preview_url"]).content)["size"] == (
            width * 2, height * 2,
        )  # fmt: skip
        again = client.post("/v2/photo_avatar/upscale", json={"id": upscaled_id})
        assert again.status_code == 400 and "already upscaled" in again.json()["error"]

    stranger = server.create_key("stranger")
    with httpx.Client(base_url=server.url, headers={"x-api-key": stranger}, timeout=30) as other:
        for path in ("add_motion", "add_sound_effect", "upscale"):
            response = other.post(f"/v2/photo_avatar/{path}", json={"id": motion["id"]})
            assert response.status_code == 404, response.text
