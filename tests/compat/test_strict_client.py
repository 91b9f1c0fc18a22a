"""The whole Photo Avatar v2 family, read by a strict typed client against ``looksmith serve``.

Every answer is parsed with the models in ``strict_models`` (written from HeyGen's reference, not
from looksmith's schemas), so a wrong type, a ``null`` where a type is stated, a missing field or
a truncated list fails here. Pending states are seen for certain, not by luck: the tenant's jobs
are held with ``looksmith limits set --max-running 0`` and released with ``--reset``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from PIL import Image
from pydantic import BaseModel, ValidationError

from looksmith.api.openapi import openapi_document
from tests.compat import strict_models as heygen
from tests.support import VALID_BODY
from tests.support.deployment import Deployment, embedded
from tests.support.photos import astronaut_jpeg, encode
from tests.support.webhooks import Receiver

TENANT = "strict"
DEADLINE_SECONDS = 300  # live services are slow on a shared machine; this only bounds a hang
M = TypeVar("M", bound=BaseModel)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Deployment]:
    """One embedded ``looksmith serve`` that may post webhooks to loopback."""
    with embedded(tmp_path / "data", env={"LOOKSMITH_WEBHOOK_ALLOW_PRIVATE": "1"}) as deployment:
        yield deployment


@pytest.fixture
def client(server: Deployment) -> Iterator[httpx.Client]:
    key = server.create_key(TENANT)
    with httpx.Client(base_url=server.url, headers={"x-api-key": key}, timeout=60) as http:
        yield http


def parsed(model: type[M], response: httpx.Response, status: int = 200) -> M:
    """The body as the strict client reads it; any mismatch fails the test."""
    assert response.status_code == status, response.text
    return model.model_validate_json(response.content)


def until(client: httpx.Client, path: str, model: type[M], done: Callable[[M], bool]) -> M:
    """Poll ``path`` (every answer parsed strictly) until ``done``."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        answer = parsed(model, client.get(path))
        if done(answer):
            return answer
        time.sleep(0.2)
    raise AssertionError(f"{path} did not get there in {DEADLINE_SECONDS} s")


def look(client: httpx.Client, look_id: str) -> heygen.Look:
    """A look's details, with ``created_at`` sent as a whole-number float."""
    response = client.get(f"/v2/photo_avatar/{look_id}")
    whole_float(response.json()["data"]["created_at"])
    return parsed(heygen.V2[heygen.Look], response).data


def finished_look(client: httpx.Client, look_id: str) -> heygen.Look:
    path = f"/v2/photo_avatar/{look_id}"
    return until(client, path, heygen.V2[heygen.Look], lambda a: a.data.status != "pending").data


def whole_float(value: object) -> None:
    """HeyGen's float timestamps as ``1737665964.0``: float- and int-typed clients take it."""
    assert isinstance(value, float) and value.is_integer(), value


@contextlib.contextmanager
def jobs_held(server: Deployment) -> Iterator[None]:
    """The tenant's jobs wait in the queue (pending states stay put) until the block ends."""
    server.cli("limits", "set", "--tenant", TENANT, "--max-running", "0")
    try:
        yield
    finally:
        server.cli("limits", "set", "--tenant", TENANT, "--reset")


def upload(client: httpx.Client, data: bytes) -> heygen.Asset:
    response = client.post("/v1/asset", content=data, headers={"content-type": "image/jpeg"})
    return parsed(heygen.V1[heygen.Asset], response).data


def astronaut_variant(index: int) -> bytes:
    """The astronaut with one pixel changed: a different upload of the same face."""
    from skimage import data

    image = Image.fromarray(data.astronaut())
    image.putpixel((index % 512, 0), (index % 256, 0, 0))
    return encode(image, quality=92)


def create_group(client: httpx.Client, name: str, image_key: str) -> heygen.Look:
    body = {"name": name, "image_key": image_key}
    response = client.post("/v2/photo_avatar/avatar_group/create", json=body)
    whole_float(response.json()["data"]["created_at"])
    return parsed(heygen.V2[heygen.Look], response).data


def add_looks(client: httpx.Client, group_id: str, keys: list[str]) -> list[heygen.Look]:
    body = {"group_id": group_id, "image_keys": keys, "name": "more"}
    response = client.post("/v2/photo_avatar/avatar_group/add", json=body)
    return parsed(heygen.V2[heygen.LookList], response).data.photo_avatar_list


@pytest.mark.e2e
def test_upload_group_train_look_motion_sound_upscale_lists_and_deletes(
    server: Deployment, client: httpx.Client
) -> None:
    asset = upload(client, astronaut_jpeg())
    assert asset.image_key is not None
    created = create_group(client, "Eileen", asset.image_key)
    group_id = created.group_id
    assert created.status == "pending" and created.upscale_availability.reason
    assert finished_look(client, group_id).status == "completed"
    extra = add_looks(client, group_id, [upload(client, astronaut_variant(1)).image_key or ""])
    assert finished_look(client, extra[0].id).status == "completed"

    status_path = f"/v2/photo_avatar/train/status/{group_id}"
    with jobs_held(server):
        parsed(
            heygen.V2[heygen.Flow],
            client.post("/v2/photo_avatar/train", json={"group_id": group_id}),
        )
        pending = parsed(heygen.V2[heygen.TrainStatus], client.get(status_path)).data
        assert pending.status == "pending" and pending.updated_at == pending.created_at
    ready = until(
        client, status_path, heygen.V2[heygen.TrainStatus], lambda a: a.data.status != "pending"
    )
    assert ready.data.status == "ready", ready

    body = {"group_id": group_id, "prompt": "linen shirt on a beach", "orientation": "square",
            "pose": "half_body", "style": "Realistic"}  # fmt: skip
    with jobs_held(server):
        accepted = client.post("/v2/photo_avatar/look/generate", json=body)
        generation_id = parsed(heygen.V2[heygen.GenerationId], accepted).data.generation_id
        path = f"/v2/photo_avatar/generation/{generation_id}"
        assert (
            parsed(heygen.V2[heygen.GenerationStatus], client.get(path)).data.status
            == "in_progress"
        )
    done = until(
        client, path, heygen.V2[heygen.GenerationStatus], lambda a: a.data.status != "in_progress"
    )
    assert done.data.status == "success" and done.data.image_key_list is not None
    generated = finished_look(client, done.data.image_key_list[0].split("/")[1])
    assert generated.business_type == "generated" and generated.upscale_availability.reason

    with jobs_held(server):
        started = client.post("/v2/photo_avatar/add_motion", json={"id": generated.id})
        motion_id = parsed(heygen.V2[heygen.NewLook], started).data.id
        moving = look(client, motion_id)
        assert (moving.status, moving.image_url, moving.is_motion) == ("pending", "", True)
    motion = finished_look(client, motion_id)
    assert (
        motion.status == "completed"
        and motion.upscale_availability == heygen.UpscaleAvailability(available=True, reason="")
    )

    with jobs_held(server):
        sound = client.post("/v2/photo_avatar/add_sound_effect", json={"id": motion_id})
        sound_id = parsed(heygen.V2[heygen.SoundEffectId], sound).data.sound_effect_id
        effect = look(client, motion_id).background_sound_effect
        assert effect is not None and effect.status == "pending"
        assert (effect.sound_effect_id, effect.sound_effect_preview_url) == (sound_id, "")
        assert (effect.file_meta.status, effect.file_meta.size) == (0, 0)  # 0: pending
    sounded = until(
        client, f"/v2/photo_avatar/{motion_id}", heygen.V2[heygen.Look],
        lambda a: a.data.background_sound_effect is not None
        and a.data.background_sound_effect.status != "pending",
    ).data.background_sound_effect  # fmt: skip
    assert sounded is not None and (sounded.status, sounded.file_meta.status) == ("completed", 1)
    track = httpx.get(str(sounded.sound_effect_preview_url), timeout=30)
    assert track.status_code == 200 and len(track.content) == sounded.file_meta.size

    upscaled_id = parsed(
        heygen.V2[heygen.NewLook], client.post("/v2/photo_avatar/upscale", json={"id": motion_id})
    ).data.id
    assert finished_look(client, upscaled_id).upscaled is True

    listed = parsed(
        heygen.V2[heygen.AvatarList], client.get(f"/v2/avatar_group/{group_id}/avatars")
    )
    ids = {row.id for row in listed.data.avatar_list}
    assert {group_id, extra[0].id, generated.id, motion_id, upscaled_id} <= ids
    groups = parsed(heygen.V2[heygen.GroupList], client.get("/v2/avatar_group.list")).data
    assert groups.total_count == len(groups.avatar_group_list) == 1
    assert groups.avatar_group_list[0].train_status == "ready"

    deleted = client.delete(f"/v2/photo_avatar/{extra[0].id}")
    parsed(heygen.V1[None], deleted)
    parsed(heygen.V1[None], client.delete(f"/v2/photo_avatar_group/{group_id}"))
    parsed(heygen.V1Error, client.delete(f"/v2/photo_avatar/{extra[0].id}"), 404)
    parsed(heygen.V2Error, client.get(f"/v2/photo_avatar/{group_id}"), 404)


@pytest.mark.e2e
def test_photo_generation_in_progress_then_success(
    server: Deployment, client: httpx.Client
) -> None:
    with jobs_held(server):
        accepted = client.post("/v2/photo_avatar/photo/generate", json=VALID_BODY)
        generation_id = parsed(heygen.V2[heygen.GenerationId], accepted).data.generation_id
        path = f"/v2/photo_avatar/generation/{generation_id}"
        waiting = parsed(heygen.V2[heygen.GenerationStatus], client.get(path)).data
        assert waiting.status == "in_progress" and waiting.id == generation_id
    done = until(
        client, path, heygen.V2[heygen.GenerationStatus], lambda a: a.data.status != "in_progress"
    )
    assert done.data.status == "success", done
    key = (done.data.image_key_list or [""])[0]
    group = create_group(client, "Generated", key)
    assert finished_look(client, group.id).status == "completed"


@pytest.mark.e2e
def test_every_look_and_group_is_listed_and_each_group_has_a_preview(client: httpx.Client) -> None:
    keys = [upload(client, astronaut_variant(i)).image_key or "" for i in range(53)]
    first = create_group(client, "Many", keys[0])
    added = [
        row
        for start in range(1, 53, 4)
        for row in add_looks(client, first.id, keys[start : start + 4])
    ]
    assert len(added) == 52
    everything = client.get(f"/v2/avatar_group/{first.id}/avatars")
    listed = parsed(heygen.V2[heygen.AvatarList], everything).data.avatar_list
    assert {row.id for row in listed} == {first.id, *(row.id for row in added)}
    for row in everything.json()["data"]["avatar_list"]:
        whole_float(row["created_at"])

    lonely = create_group(client, "Lonely", keys[1])
    assert finished_look(client, lonely.id).status == "completed"
    parsed(heygen.V1[None], client.delete(f"/v2/photo_avatar/{lonely.id}"))
    groups = parsed(heygen.V2[heygen.GroupList], client.get("/v2/avatar_group.list")).data
    assert groups.total_count == len(groups.avatar_group_list) == 2
    for group in groups.avatar_group_list:
        assert httpx.get(str(group.preview_image), timeout=30).status_code == 200


@pytest.mark.e2e
def test_webhook_endpoints_event_names_and_signed_deliveries(
    client: httpx.Client, receiver: Receiver
) -> None:
    url = f"{receiver.url}/hooks"
    added = client.post("/v1/webhook/endpoint.add", json={"url": url})
    endpoint = parsed(heygen.V1[heygen.Endpoint], added).data
    assert endpoint.secret
    listed = parsed(heygen.V1[list[heygen.Endpoint]], client.get("/v1/webhook/endpoint.list"))
    assert [row.endpoint_id for row in listed.data] == [endpoint.endpoint_id]
    names = parsed(heygen.V1[list[str]], client.get("/v1/webhook/webhook.list")).data
    assert "photo_avatar_generation.success" in names

    client.post("/v2/photo_avatar/photo/generate", json=VALID_BODY).raise_for_status()
    first = receiver.wait_for("/hooks", 1, timeout=DEADLINE_SECONDS)[0]
    headers, body = first.headers, first.body
    event = heygen.WebhookEvent.model_validate_json(body)
    assert event.event_type == "photo_avatar_generation.success"
    expected = hmac.new(endpoint.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers.get("signature") == expected, headers

    change = {"endpoint_id": endpoint.endpoint_id, "events": ["photo_avatar_train.success"]}
    updated = parsed(
        heygen.V1[heygen.Endpoint], client.patch("/v1/webhook/endpoint.update", json=change)
    )
    assert updated.data.events == ["photo_avatar_train.success"]
    gone = client.delete(
        "/v1/webhook/endpoint.delete", params={"endpoint_id": endpoint.endpoint_id}
    )
    parsed(heygen.V1[None], gone)
    missing = client.delete(
        "/v1/webhook/endpoint.delete", params={"endpoint_id": endpoint.endpoint_id}
    )
    parsed(heygen.V1Error, missing, 404)


@pytest.mark.e2e
def test_error_bodies_of_v2_and_v1_routes(server: Deployment, client: httpx.Client) -> None:
    too_long = {**VALID_BODY, "appearance": "x" * 1001}
    bad = parsed(heygen.V2Error, client.post("/v2/photo_avatar/photo/generate", json=too_long), 400)
    assert "appearance" in bad.error
    parsed(heygen.V2Error, client.get(f"/v2/photo_avatar/{'0' * 32}"), 404)
    parsed(heygen.V2Error, client.get(f"/v2/photo_avatar/train/status/{'0' * 32}"), 404)
    parsed(heygen.V2Error, httpx.get(f"{server.url}/v2/avatar_group.list"), 401)

    text = client.post("/v1/asset", content=b"hello", headers={"content-type": "text/plain"})
    assert parsed(heygen.V1Error, text, 415).message
    parsed(heygen.V1Error, client.delete(f"/v2/photo_avatar/{'0' * 32}"), 404)
    parsed(heygen.V1Error, client.delete(f"/v2/photo_avatar_group/{'0' * 32}"), 404)
    parsed(heygen.V1Error, httpx.get(f"{server.url}/v1/webhook/endpoint.list"), 401)


# The wire schemas looksmith documents, and the strict models that read them.
DOCUMENTED: dict[str, type[BaseModel]] = {
    "AssetData": heygen.Asset,
    "GenerationStatusData": heygen.GenerationStatus,
    "LookData": heygen.Look,
    "UpscaleAvailability": heygen.UpscaleAvailability,
    "SoundEffectData": heygen.SoundEffect,
    "FileMeta": heygen.FileMeta,
    "TrainStatusData": heygen.TrainStatus,
    "GroupData": heygen.Group,
}


def json_types(schema: dict[str, Any]) -> set[str]:
    """The JSON types a schema admits; a reference counts as an object."""
    if "$ref" in schema:
        return {"object"}
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            return set().union(*(json_types(part) for part in schema[combined]))
    kind = schema.get("type")
    if kind is None:
        return {"any"}
    return set(kind) if isinstance(kind, list) else {kind}


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_served_openapi_states_the_types_the_strict_client_checks(name: str) -> None:
    documented = openapi_document()["components"]["schemas"][name]["properties"]
    strict = DOCUMENTED[name].model_json_schema()["properties"]
    for field, schema in strict.items():
        assert field in documented, f"{name}.{field} is not documented"
        allowed = json_types(schema) | ({"integer"} if "number" in json_types(schema) else set())
        stated = json_types(documented[field])
        assert stated <= allowed, (
            f"{name}.{field}: documented {stated}, a HeyGen client takes {allowed}"
        )


def refused(model: type[BaseModel], raw: str) -> set[object]:
    """The fields the strict client refuses in ``raw``."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate_json(raw)
    return {error["loc"][0] for error in caught.value.errors()}


def test_the_strict_client_refuses_what_looksmith_used_to_send() -> None:
    meta: dict[str, object] = {"id": "f", "size": None, "duration": 4.0, "status": "completed",
            "mime_type": "audio/mp4", "meta": {}, "created_ts": 1}  # fmt: skip
    assert refused(heygen.FileMeta, json.dumps(meta)) == {"size", "duration", "status"}
    old_reason = '{"available": true, "reason": null}'
    assert refused(heygen.UpscaleAvailability, old_reason) == {"reason"}
    old_training = '{"status": "ready", "error_msg": null, "created_at": 1.5, "updated_at": 2}'
    assert refused(heygen.TrainStatus, old_training) == {"created_at"}
