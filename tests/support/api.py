"""Requests the in-process API suites make through a TestClient, and what they count."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from looksmith.composition.api import ApiParts
from looksmith.db.tables import avatar_groups, generations, images, jobs, looks
from tests.support import VALID_BODY
from tests.support.media import clip_bytes, mp3_bytes, wav_bytes
from tests.support.photos import astronaut_jpeg
from tests.support.polling import until_not

GENERATE = "/v2/photo_avatar/photo/generate"
STATUS = "/v2/photo_avatar/generation/"


def generate(client: TestClient, key: str, **changes: Any) -> str:
    """Submit a valid generation (with ``changes``) and return its id."""
    response = client.post(
        "/v2/photo_avatar/photo/generate",
        json={**VALID_BODY, **changes},
        headers={"x-api-key": key},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["error"] is None
    return str(body["data"]["generation_id"])


def wait_for_terminal(client: TestClient, key: str, generation_id: str) -> dict[str, Any]:
    """Poll until the generation leaves ``in_progress``; fail after 30 seconds."""
    path = f"/v2/photo_avatar/generation/{generation_id}"
    return until_not(client, path, "status", "in_progress", headers={"x-api-key": key}, timeout=30)


LOOK_FIELDS = {
    "id", "image_url", "created_at", "name", "status", "group_id", "is_motion",
    "motion_preview_url", "business_type", "upscale_availability", "upscaled",
    "background_sound_effect", "default_voice_id", "moderation_msg",
}  # fmt: skip


def upload(client: TestClient, key: str, data: bytes, content_type: str = "image/jpeg") -> dict:
    response = client.post(
        "/v1/asset", content=data, headers={"x-api-key": key, "content-type": content_type}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def create_group(client: TestClient, key: str, image_key: str, **extra: str) -> dict:
    response = client.post(
        "/v2/photo_avatar/avatar_group/create",
        json={"name": "Eileen", "image_key": image_key, **extra},
        headers={"x-api-key": key},
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def wait_for(client: TestClient, key: str, path: str, field: str, waiting: str) -> dict:
    """Poll ``path`` as ``key`` until its ``field`` is no longer ``waiting``; fail after 60 s."""
    return until_not(client, path, field, waiting, headers={"x-api-key": key})


def completed_look(client: TestClient, key: str) -> dict[str, Any]:
    asset = upload(client, key, astronaut_jpeg())["data"]
    look = create_group(client, key, asset["image_key"])
    done = wait_for(client, key, f"/v2/photo_avatar/{look['id']}", "status", "pending")
    assert done["status"] == "completed"
    return done


def post(client: TestClient, key: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"/v2/photo_avatar/{path}", json=body, headers={"x-api-key": key})


UPLOAD = "/v1/asset"


def counts(parts: ApiParts) -> list[int]:
    with parts.adapters.database.connect() as conn:
        return [
            conn.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (images, avatar_groups, looks, jobs, generations)
        ]


def blob_count(parts: ApiParts) -> int:
    return sum(1 for p in parts.adapters.settings.blob_dir.rglob("*") if p.is_file())


def post_upload(client: TestClient, key: str, data: bytes, content_type: str | None):
    headers = {"x-api-key": key}
    if content_type:
        headers["content-type"] = content_type
    return client.post(UPLOAD, content=data, headers=headers)


# Encoded once: a WebM file carries a random segment id, so two encodings differ.
MEDIA: dict[str, Callable[[], bytes]] = {
    "mp3": cache(mp3_bytes),
    "mp3-frame": cache(lambda: mp3_bytes(id3=False)),
    "wav": cache(wav_bytes),
    "mp4": cache(lambda: clip_bytes("mp4")),
    "webm": cache(lambda: clip_bytes("webm")),
    "jpeg": cache(astronaut_jpeg),
}


def uploaded(client: TestClient, key: str, media: str, content_type: str) -> dict[str, Any]:
    response = post_upload(client, key, MEDIA[media](), content_type)
    assert response.status_code == 200, response.text
    assert response.json()["code"] == 100
    data: dict[str, Any] = response.json()["data"]
    return data
