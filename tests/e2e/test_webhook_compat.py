"""A receiver written for HeyGen, against a real server embedded and scaled out: it checks the
``Signature`` header, reads ``event_type``/``event_data`` (and ``event``), and gets the outcomes
of face checks, motion, sound effects and upscales."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import VALID_BODY
from tests.support.deployment import Deployment, embedded, scaled_out
from tests.support.photos import astronaut_jpeg, coffee_jpeg
from tests.support.polling import poll_until
from tests.support.webhooks import Received, Receiver, verify

pytestmark = pytest.mark.e2e

HEX32 = re.compile(r"[0-9a-f]{32}")
SUBSCRIBED = [
    "avatar_video.success",  # HeyGen's, never sent here, but a HeyGen client subscribes to it
    "video_translate.fail",
    "photo_avatar_face_check.success",
    "photo_avatar_face_check.fail",
    "photo_avatar_add_motion.success",
    "photo_avatar_add_sound_effect.success",
    "photo_avatar_upscale.success",
]


@pytest.fixture(params=["embedded", "scaled-out"])
def server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Deployment]:
    """A deployment that may send to loopback, where the receiver listens."""
    monkeypatch.setenv("LOOKSMITH_WEBHOOK_ALLOW_PRIVATE", "1")
    start = embedded if request.param == "embedded" else scaled_out
    with start(tmp_path / "data") as deployment:
        yield deployment


def heygen_receiver_accepts(secret: str, request: Received) -> bool:
    """HeyGen's receiver examples: hex HMAC-SHA256 of the raw body keyed with the secret string."""
    expected = hmac.new(secret.encode("utf-8"), request.body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, request.headers.get("signature", ""))


settled = partial(poll_until, timeout=120)


def checked_look(client: httpx.Client, photo: bytes) -> dict[str, Any]:
    upload = client.post("/v1/asset", content=photo, headers={"content-type": "image/jpeg"})
    assert upload.status_code == 200, upload.text
    created = client.post(
        "/v2/photo_avatar/avatar_group/create",
        json={"name": "Eileen", "image_key": upload.json()["data"]["image_key"]},
    )
    assert created.status_code == 200, created.text
    look_id = created.json()["data"]["id"]
    return settled(client, f"/v2/photo_avatar/{look_id}", lambda d: d["status"] != "pending")


def finished_look(client: httpx.Client, route: str, look_id: str) -> str:
    response = client.post(f"/v2/photo_avatar/{route}", json={"id": look_id})
    assert response.status_code == 200, response.text
    new_id: str = response.json()["data"]["id"]
    done = settled(client, f"/v2/photo_avatar/{new_id}", lambda d: d["status"] != "pending")
    assert done["status"] == "completed", done
    return new_id


def test_a_heygen_receiver_verifies_and_reads_every_event(server: Deployment, receiver: Receiver):
    key = server.create_key("alice")
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=60) as client:
        added = client.post(
            "/v1/webhook/endpoint.add", json={"url": f"{receiver.url}/hooks", "events": SUBSCRIBED}
        )
        assert added.status_code == 200, added.text
        endpoint = added.json()["data"]
        (shown,) = client.get("/v1/webhook/endpoint.list").json()["data"]
        assert (shown["secret"], shown["username"]) == (endpoint["secret"], "alice")

        look = checked_look(client, astronaut_jpeg())
        faceless = checked_look(client, coffee_jpeg())
        assert (look["status"], faceless["status"]) == ("completed", "failed")
        motion_id = finished_look(client, "add_motion", look["id"])
        sound = client.post("/v2/photo_avatar/add_sound_effect", json={"id": motion_id})
        assert sound.status_code == 200, sound.text
        upscaled_id = finished_look(client, "upscale", motion_id)
        callback_secret = client.get("/v1/webhook/callback_secret").json()["data"]["secret"]
        body = {**VALID_BODY, "callback_url": f"{receiver.url}/cb", "callback_id": "order-7"}
        generation_id = client.post("/v2/photo_avatar/photo/generate", json=body).json()["data"][
            "generation_id"
        ]

        hooks = receiver.wait_for("/hooks", 5)
        (callback,) = receiver.wait_for("/cb", 1)

    for request in hooks:
        assert heygen_receiver_accepts(endpoint["secret"], request)
        verify(endpoint["secret"], request)  # and Standard Webhooks, beside it
    assert heygen_receiver_accepts(callback_secret, callback)
    assert not heygen_receiver_accepts(endpoint["secret"], callback)
    verify(callback_secret, callback)

    events = [json.loads(request.body) for request in hooks]
    for event in events:
        assert event["event"] == event["event_type"]
        assert HEX32.fullmatch(event["event_id"]) and isinstance(event["created_at"], int)
    data = {event["event_type"]: event["event_data"] for event in events}
    assert sorted(data) == sorted(SUBSCRIBED[2:])
    assert data["photo_avatar_face_check.success"]["id"] == look["id"]
    assert data["photo_avatar_face_check.fail"] == {
        "id": faceless["id"], "group_id": faceless["group_id"], "status": "failed",
        "msg": "No face detected, please try another photo.",
    }  # fmt: skip
    assert data["photo_avatar_add_motion.success"]["id"] == motion_id
    assert data["photo_avatar_add_sound_effect.success"] == {
        "id": motion_id, "group_id": look["group_id"],
        "sound_effect_id": sound.json()["data"]["sound_effect_id"], "status": "completed",
    }  # fmt: skip
    assert data["photo_avatar_upscale.success"] == {
        "id": upscaled_id, "group_id": look["group_id"], "status": "completed", "msg": None,
    }  # fmt: skip
    generated = json.loads(callback.body)
    assert (generated["event"], generated["event_data"]["generation_id"]) == (
        "photo_avatar_generation.success",
        generation_id,
    )
