"""Webhook management as HeyGen clients call it, and the events of checks, sounds and upscales.

The app runs without its worker pool and deliverer: jobs are run by hand and the recorded
deliveries are read from the outbox, so nothing tries to reach the public addresses used here.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from fastapi.testclient import TestClient

from looksmith.api.app import create_app
from looksmith.composition.api import ApiParts
from looksmith.config import Settings
from looksmith.db.webhooks import SqlWebhookStore
from looksmith.domain.models import image_key
from tests.support.photos import astronaut_jpeg, coffee_jpeg

PUBLIC_URL = "https://93.184.216.34/hooks"
HEX32 = re.compile(r"[0-9a-f]{32}")

# HeyGen's webhook guide (developers.heygen.com/docs/webhook-events), written out here.
HEYGEN_EVENTS = [
    "avatar_video.success", "avatar_video.fail",
    "avatar_video_gif.success", "avatar_video_gif.fail",
    "avatar_video_caption.success", "avatar_video_caption.fail",
    "video_translate.success", "video_translate.fail",
    "video_agent.success", "video_agent.fail",
    "personalized_video",
    "instant_avatar.success", "instant_avatar.fail",
    "photo_avatar_generation.success", "photo_avatar_generation.fail",
    "photo_avatar_train.success", "photo_avatar_train.fail",
    "photo_avatar_add_motion.success", "photo_avatar_add_motion.fail",
    "proofread_creation.success", "proofread_creation.fail",
    "live_avatar.success", "live_avatar.fail",
]  # fmt: skip
LOOKSMITH_EVENTS = [
    "photo_avatar_face_check.success", "photo_avatar_face_check.fail",
    "photo_avatar_add_sound_effect.success", "photo_avatar_add_sound_effect.fail",
    "photo_avatar_upscale.success", "photo_avatar_upscale.fail",
]  # fmt: skip


@pytest.fixture
def api(settings: Settings, parts: ApiParts) -> TestClient:
    """The app, its worker pool and webhook deliverer not started."""
    return TestClient(create_app(settings, parts=parts))


def add(api: TestClient, key: str, **body: Any) -> dict[str, Any]:
    response = api.post(
        "/v1/webhook/endpoint.add", json={"url": PUBLIC_URL, **body}, headers={"x-api-key": key}
    )
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


def error_message(body: dict[str, Any]) -> str:
    """The message of an error body, in HeyGen's v1 form (``message``) or the v2 one."""
    message = body.get("message") or body.get("error")
    assert isinstance(message, str), body
    return message


def listed(api: TestClient, key: str) -> list[dict[str, Any]]:
    response = api.get("/v1/webhook/endpoint.list", headers={"x-api-key": key})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def test_every_event_heygen_lists_can_be_subscribed_and_webhook_list_shows_them(
    api: TestClient, api_key: str
):
    types = api.get("/v1/webhook/webhook.list", headers={"x-api-key": api_key}).json()
    assert types["data"] == HEYGEN_EVENTS + LOOKSMITH_EVENTS
    created = add(api, api_key, events=HEYGEN_EVENTS + LOOKSMITH_EVENTS)
    assert created["events"] == HEYGEN_EVENTS + LOOKSMITH_EVENTS
    video_only = add(api, api_key, events=["avatar_video.success", "video_translate.fail"])
    assert video_only["events"] == ["avatar_video.success", "video_translate.fail"]


def test_an_unknown_event_is_still_a_400_naming_events_and_adds_nothing(
    api: TestClient, api_key: str
):
    response = api.post(
        "/v1/webhook/endpoint.add",
        json={"url": PUBLIC_URL, "events": ["avatar_video.success", "avatar_video.done"]},
        headers={"x-api-key": api_key},
    )
    assert response.status_code == 400
    assert error_message(response.json()) == (
        "events: unknown event type 'avatar_video.done'; see webhook.list"
    )
    assert listed(api, api_key) == []


def test_add_list_and_update_show_the_endpoint_as_heygens_examples_do(
    api: TestClient, api_key: str, other_key: str
):
    created = add(api, api_key, events=["photo_avatar_train.success"])
    assert set(created) == {
        "endpoint_id", "url", "secret", "status", "events", "username", "created_at",
    }  # fmt: skip
    assert created["secret"].startswith("whsec_")
    assert created["username"] == "tenant-a"  # the tenant's name

    (shown,) = listed(api, api_key)
    assert shown == created
    assert listed(api, other_key) == []

    response = api.patch(
        "/v1/webhook/endpoint.update",
        json={"endpoint_id": created["endpoint_id"], "events": None},
        headers={"x-api-key": api_key},
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"] == {**created, "events": None}


def test_delete_with_the_id_in_the_path_works_like_the_query_form(
    api: TestClient, api_key: str, other_key: str
):
    mine, theirs = add(api, api_key), add(api, other_key)
    path = f"/v1/webhook/endpoint.delete/{mine['endpoint_id']}"
    response = api.delete(path, headers={"x-api-key": api_key})
    assert response.status_code == 200, response.text
    assert response.json() == {"code": 100, "data": None, "msg": None, "message": None}
    assert listed(api, api_key) == []

    again = api.delete(path, headers={"x-api-key": api_key})
    assert again.status_code == 404
    assert error_message(again.json()) == f"endpoint {mine['endpoint_id']} not found"
    foreign = api.delete(
        f"/v1/webhook/endpoint.delete/{theirs['endpoint_id']}", headers={"x-api-key": api_key}
    )
    assert foreign.status_code == 404
    assert [e["endpoint_id"] for e in listed(api, other_key)] == [theirs["endpoint_id"]]
    assert api.delete(path).status_code == 401


# The events of face checks, sound effects and upscales, as the outbox records them.


def recorded(parts: ApiParts, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's recorded event bodies, oldest first (one endpoint: one delivery each)."""
    store = SqlWebhookStore(parts.adapters.database)
    rows = store.list_deliveries(tenant_id, endpoint_id=None, limit=100)
    return [json.loads(row.payload) for row in reversed(rows)]


def checked_look(parts: ApiParts, tenant_id: str, photo: bytes) -> str:
    image = parts.services.assets.upload(tenant_id=tenant_id, data=photo, content_type="image/jpeg")
    look = parts.services.groups.create_group(
        tenant_id=tenant_id, name="Eileen", key=image_key(image.id), generation_id=None
    )
    parts.services.groups.run(look.id)  # the face check
    return look.id


def test_face_checks_sound_effects_and_upscales_send_their_outcomes(parts: ApiParts, api_key: str):
    tenant_id = parts.services.keys.authenticate(key=api_key)
    parts.services.webhooks.add_endpoint(tenant_id=tenant_id, url=PUBLIC_URL, events=None)
    look_id = checked_look(parts, tenant_id, astronaut_jpeg())
    faceless_id = checked_look(parts, tenant_id, coffee_jpeg())
    motion = parts.services.motion.add_motion(
        tenant_id=tenant_id, look_id=look_id, prompt=None, motion_type=None
    )
    parts.services.motion.run(motion.id)
    sound_id = parts.services.sound_effects.add(tenant_id=tenant_id, look_id=motion.id)
    parts.services.sound_effects.run(motion.id)
    second_sound_id = parts.services.sound_effects.add(tenant_id=tenant_id, look_id=motion.id)
    parts.services.sound_effects.give_up(motion.id, "failed; please try again")
    lost = parts.services.motion.upscale(tenant_id=tenant_id, look_id=motion.id)
    parts.services.motion.give_up(lost.id, "failed; please try again")
    upscaled = parts.services.motion.upscale(tenant_id=tenant_id, look_id=motion.id)
    parts.services.motion.run(upscaled.id)
    parts.services.motion.run(upscaled.id)  # a rerun after success sends nothing more

    events = recorded(parts, tenant_id)
    assert [event["event_type"] for event in events] == [
        "photo_avatar_face_check.success",
        "photo_avatar_face_check.fail",
        "photo_avatar_add_motion.success",
        "photo_avatar_add_sound_effect.success",
        "photo_avatar_add_sound_effect.fail",
        "photo_avatar_upscale.fail",
        "photo_avatar_upscale.success",
    ]
    for event in events:
        assert event["event"] == event["event_type"]
        assert HEX32.fullmatch(event["event_id"])
        assert isinstance(event["created_at"], int)
        assert abs(event["created_at"] - time.time()) < 600
    assert len({event["event_id"] for event in events}) == len(events)
    data = [event["event_data"] for event in events]
    assert data[0] == {"id": look_id, "group_id": look_id, "status": "completed", "msg": None}
    assert data[1] == {
        "id": faceless_id, "group_id": faceless_id, "status": "failed",
        "msg": "No face detected, please try another photo.",
    }  # fmt: skip
    assert data[3] == {
        "id": motion.id, "group_id": look_id, "sound_effect_id": sound_id, "status": "completed",
    }  # fmt: skip
    assert data[4] == {
        "id": motion.id, "group_id": look_id, "sound_effect_id": second_sound_id,
        "status": "failed",
    }  # fmt: skip
    assert data[5] == {
        "id": lost.id, "group_id": look_id, "status": "failed",
        "msg": "upscale failed; please try again",
    }  # fmt: skip
    assert data[6] == {"id": upscaled.id, "group_id": look_id, "status": "completed", "msg": None}
