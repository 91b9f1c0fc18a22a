"""What a receiver written for HeyGen checks: the ``Signature`` header and the event's names."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
import pytest

from looksmith.domain.webhooks import event_payload, event_type_for, new_endpoint_secret
from looksmith.webhooks.sender import HttpxSender, heygen_signature, sign


def receiver_check(secret: str, body: bytes, signature: str) -> bool:
    """What HeyGen's receiver examples do: hex HMAC-SHA256 of the raw body, keyed with the
    secret string as the endpoint showed it, compared in constant time."""
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def test_the_signature_header_is_the_hex_hmac_of_the_raw_body_beside_standard_webhooks():
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(204)

    secret = new_endpoint_secret()
    body = b'{"event_type": "photo_avatar_train.success", "event_data": {"name": "\\u00e9"}}'
    sender = HttpxSender(transport=httpx.MockTransport(answer))
    outcome = sender.send(
        "https://hooks.example.com/x", body, msg_id="m1", timestamp=7, secret=secret
    )
    sender.close()

    assert outcome.ok
    (request,) = seen
    assert request.content == body
    assert receiver_check(secret, body, request.headers["Signature"])
    assert request.headers["webhook-signature"] == sign(secret, "m1", 7, body)
    assert (request.headers["webhook-id"], request.headers["webhook-timestamp"]) == ("m1", "7")


def test_the_whsec_prefix_is_part_of_the_key_and_any_change_to_the_body_breaks_it():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = heygen_signature(secret, body)
    assert len(signature) == 64 and signature == signature.lower()
    assert receiver_check(secret, body, signature)
    assert not receiver_check(secret.removeprefix("whsec_"), body, signature)
    assert not receiver_check(secret, b'{"test":2432232314}', signature)


def test_the_payload_keeps_heygens_names_and_adds_the_newer_ones():
    data = {"group_id": "a" * 32, "status": "ready", "error_msg": None}
    payload = event_payload(
        "photo_avatar_train.success", data, event_id="e" * 32, created_at=1_750_000_000.9
    )
    assert payload == {
        "event_type": "photo_avatar_train.success",
        "event_data": data,
        "event": "photo_avatar_train.success",
        "event_id": "e" * 32,
        "created_at": 1_750_000_000,
    }
    assert isinstance(json.loads(json.dumps(payload))["created_at"], int)


@pytest.mark.parametrize(
    ("kind", "status", "event"),
    [
        ("face_check", "completed", "photo_avatar_face_check.success"),
        ("face_check", "failed", "photo_avatar_face_check.fail"),
        ("sound_effect", "completed", "photo_avatar_add_sound_effect.success"),
        ("sound_effect", "failed", "photo_avatar_add_sound_effect.fail"),
        ("upscale", "completed", "photo_avatar_upscale.success"),
        ("upscale", "failed", "photo_avatar_upscale.fail"),
        ("face_check", "pending", None),
        ("sound_effect", "pending", None),
    ],
)
def test_terminal_outcomes_of_checks_sound_effects_and_upscales_are_events(
    kind: str, status: str, event: str | None
):
    assert event_type_for(kind, status) == event
