"""Add motion, add sound effect and upscale through the ASGI app, with real jobs and blobs."""

from __future__ import annotations

import io
import time
from typing import Any

import av
import pytest
from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from tests.support.api import LOOK_FIELDS, completed_look, post, wait_for

MOTION_TYPES = ["expressive", "consistent", "consistent_gen_3", "hailuo_2", "veo2",
                "seedance_lite", "kling"]  # fmt: skip


def add_motion(client: TestClient, key: str, look_id: str, **extra: str) -> dict[str, Any]:
    response = post(client, key, "add_motion", {"id": look_id, **extra})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["error"] is None and set(body["data"]) == {"id"}
    new_id: str = body["data"]["id"]
    details = client.get(f"/v2/photo_avatar/{new_id}", headers={"x-api-key": key}).json()["data"]
    return details


def finished(client: TestClient, key: str, look_id: str) -> dict[str, Any]:
    return wait_for(client, key, f"/v2/photo_avatar/{look_id}", "status", "pending")


def streams(data: bytes) -> dict[str, Any]:
    with av.open(io.BytesIO(data), "r") as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video))
        return {
            "size": (video.codec_context.width, video.codec_context.height),
            "codec": video.codec_context.name,
            "frames": frames,
            "audio": [s.codec_context.name for s in container.streams.audio],
        }


def test_add_motion_sound_effect_and_upscale(client: TestClient, api_key: str):
    source = completed_look(client, api_key)
    pending = add_motion(client, api_key, source["id"], motion_type="expressive", prompt="nod")
    assert set(pending) == LOOK_FIELDS
    assert (pending["status"], pending["is_motion"], pending["image_url"]) == ("pending", True, "")
    assert pending["group_id"] == source["group_id"] and pending["motion_preview_url"] is None
    assert pending["upscale_availability"] == {
        "available": False, "reason": "Photo avatar look upload not completed",
    }  # fmt: skip

    motion = finished(client, api_key, pending["id"])
    assert motion["status"] == "completed", motion
    assert motion["upscale_availability"] == {"available": True, "reason": ""}
    assert motion["background_sound_effect"] is None and motion["upscaled"] is False
    still = client.get(motion["image_url"])
    assert still.headers["content-type"] == "image/webp" and still.content[8:12] == b"WEBP"
    preview = client.get(motion["motion_preview_url"])
    assert preview.status_code == 200 and preview.headers["content-type"] == "video/mp4"
    silent = streams(preview.content)
    assert silent == {"size": (512, 512), "codec": "h264", "frames": 80, "audio": []}
    partial = client.get(motion["motion_preview_url"], headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and partial.content == preview.content[:100]

    answer = post(client, api_key, "add_sound_effect", {"id": motion["id"]})
    assert answer.status_code == 200, answer.text
    sound_id = answer.json()["data"]["sound_effect_id"]
    assert len(sound_id) == 32 and int(sound_id, 16) >= 0
    sounded = _sound_done(client, api_key, motion["id"])
    effect = sounded["background_sound_effect"]
    assert (effect["status"], effect["sound_effect_id"]) == ("completed", sound_id)
    meta = effect["file_meta"]
    assert set(meta) == {"id", "size", "duration", "status", "mime_type", "meta", "created_ts"}
    assert meta["meta"] == {}
    assert (meta["status"], meta["mime_type"], meta["duration"]) == (1, "audio/mp4", 4)
    track = client.get(effect["sound_effect_preview_url"])
    assert track.headers["content-type"] == "audio/mp4" and len(track.content) == meta["size"]
    with_sound = streams(client.get(sounded["motion_preview_url"]).content)
    assert with_sound == {**silent, "audio": ["aac"]}

    upscaled_id = post(client, api_key, "upscale", {"id": motion["id"]}).json()["data"]["id"]
    upscaled = finished(client, api_key, upscaled_id)
    assert (upscaled["status"], upscaled["upscaled"], upscaled["is_motion"]) == (
        "completed", True, True,
    )  # fmt: skip
    assert streams(client.get(upscaled["motion_preview_url"]).content)["size"] == (1024, 1024)
    assert upscaled["upscale_availability"] == {
        "available": False, "reason": "The photo avatar look is already upscaled",
    }  # fmt: skip
    parent = client.get(f"/v2/photo_avatar/{motion['id']}", headers={"x-api-key": api_key})
    assert parent.json()["data"]["upscale_availability"]["available"] is False

    listing = client.get(
        f"/v2/avatar_group/{source['group_id']}/avatars", headers={"x-api-key": api_key}
    ).json()["data"]["avatar_list"]
    by_id = {look["id"]: look for look in listing}
    assert by_id[motion["id"]]["motion_preview_url"] is not None
    assert by_id[upscaled_id]["upscaled"] is True and by_id[source["id"]]["is_motion"] is False


def _sound_done(client: TestClient, key: str, look_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        data: dict[str, Any] = client.get(
            f"/v2/photo_avatar/{look_id}", headers={"x-api-key": key}
        ).json()["data"]
        if data["background_sound_effect"]["status"] != "pending":
            return data
        time.sleep(0.05)
    raise AssertionError("sound effect still pending after 60 s")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"motion_type": "wiggle"}, "motion_type: must be one of: " + ", ".join(MOTION_TYPES)),
        ({"prompt": "x" * 1001}, "prompt: at most 1000 characters"),
        ({"prompt": "a\x00b"}, "prompt: must not contain NUL characters"),
    ],
)
def test_add_motion_refuses_bad_fields(
    client: TestClient, parts: ApiParts, api_key: str, body: dict[str, str], message: str
):
    source = completed_look(client, api_key)
    response = post(client, api_key, "add_motion", {"id": source["id"], **body})
    assert response.status_code == 400
    assert response.json()["error"] == message
    listing = client.get(
        f"/v2/avatar_group/{source['group_id']}/avatars", headers={"x-api-key": api_key}
    )
    assert listing.json()["data"]["total_count"] == 1  # nothing was added


def test_wrong_targets_get_a_reason(client: TestClient, api_key: str, other_key: str):
    source = completed_look(client, api_key)
    still = source["id"]
    refused = post(client, api_key, "add_sound_effect", {"id": still})
    assert refused.status_code == 400
    assert refused.json()["error"].startswith(f"id: photo avatar {still} has no motion")
    refused = post(client, api_key, "upscale", {"id": still})
    assert refused.status_code == 400
    assert refused.json()["error"] == "id: Upscaling is available for motion looks only"

    motion = finished(client, api_key, add_motion(client, api_key, still)["id"])
    again = post(client, api_key, "add_motion", {"id": motion["id"]})
    assert again.status_code == 400 and "already a motion look" in again.json()["error"]
    first = post(client, api_key, "upscale", {"id": motion["id"]})
    assert first.status_code == 200
    twice = post(client, api_key, "upscale", {"id": motion["id"]})
    assert twice.status_code == 400
    assert twice.json()["error"] == "id: The photo avatar look has already been upscaled"
    pending = post(client, api_key, "upscale", {"id": first.json()["data"]["id"]})
    assert pending.status_code == 400
    assert pending.json()["error"] == "id: Photo avatar look upload not completed"

    unknown = "0" * 32
    for path in ("add_motion", "add_sound_effect", "upscale"):
        theirs = post(client, other_key, path, {"id": motion["id"]})
        nobody = post(client, other_key, path, {"id": unknown})
        assert theirs.status_code == nobody.status_code == 404
        assert theirs.json()["error"] == nobody.json()["error"].replace(unknown, motion["id"])


def test_deleting_looks_and_groups_removes_motion_blobs(
    client: TestClient, parts: ApiParts, api_key: str
):
    source = completed_look(client, api_key)
    blobs = parts.adapters.settings.blob_dir
    first = finished(client, api_key, add_motion(client, api_key, source["id"])["id"])
    second = finished(client, api_key, add_motion(client, api_key, source["id"])["id"])
    for look in (first, second):
        assert (blobs / "motion" / look["id"] / "preview.mp4").exists()
        assert (blobs / "image" / look["id"] / "original").exists()

    deleted = client.delete(f"/v2/photo_avatar/{first['id']}", headers={"x-api-key": api_key})
    assert deleted.status_code == 200
    assert not (blobs / "motion" / first["id"] / "preview.mp4").exists()
    assert not (blobs / "image" / first["id"] / "original").exists()
    assert client.get(first["motion_preview_url"]).status_code == 404

    gone = client.delete(f"/v2/avatar_group/{source['group_id']}", headers={"x-api-key": api_key})
    assert gone.status_code == 200
    assert not (blobs / "motion" / second["id"] / "preview.mp4").exists()


def test_motion_links_are_signed(client: TestClient, api_key: str):
    source = completed_look(client, api_key)
    motion = finished(client, api_key, add_motion(client, api_key, source["id"])["id"])
    url: str = motion["motion_preview_url"]
    assert "Expires=" in url and "Signature=" in url
    assert client.get(url.split("?")[0]).status_code == 403
    assert client.get(url.replace("Signature=", "Signature=x")).status_code == 403
    assert client.get(url.replace("preview.mp4", "other.mp4")).status_code == 404


def test_motion_look_is_not_a_training_photo(client: TestClient, parts: ApiParts, api_key: str):
    source = completed_look(client, api_key)
    finished(client, api_key, add_motion(client, api_key, source["id"])["id"])
    group_repo = parts.services.groups._groups  # the repository the training service asks
    assert [look.id for look in group_repo.training_looks(source["group_id"])] == [source["id"]]
