"""Webhook data: event types, endpoints, deliveries, the retry policy, secrets; no I/O."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

GENERATION_SUCCESS = "photo_avatar_generation.success"
GENERATION_FAIL = "photo_avatar_generation.fail"
TRAIN_SUCCESS = "photo_avatar_train.success"
TRAIN_FAIL = "photo_avatar_train.fail"
ADD_MOTION_SUCCESS = "photo_avatar_add_motion.success"
ADD_MOTION_FAIL = "photo_avatar_add_motion.fail"
# HeyGen names no events for these outcomes; looksmith's names follow HeyGen's pattern.
FACE_CHECK_SUCCESS = "photo_avatar_face_check.success"
FACE_CHECK_FAIL = "photo_avatar_face_check.fail"
ADD_SOUND_EFFECT_SUCCESS = "photo_avatar_add_sound_effect.success"
ADD_SOUND_EFFECT_FAIL = "photo_avatar_add_sound_effect.fail"
UPSCALE_SUCCESS = "photo_avatar_upscale.success"
UPSCALE_FAIL = "photo_avatar_upscale.fail"

# Every event HeyGen's webhook guide lists, in its order: an endpoint may subscribe to any of
# them, so a client's endpoint.add written for HeyGen works unchanged, even for events that
# looksmith never sends (video, translate, instant avatar, ...).
HEYGEN_EVENT_TYPES = (
    "avatar_video.success",
    "avatar_video.fail",
    "avatar_video_gif.success",
    "avatar_video_gif.fail",
    "avatar_video_caption.success",
    "avatar_video_caption.fail",
    "video_translate.success",
    "video_translate.fail",
    "video_agent.success",
    "video_agent.fail",
    "personalized_video",
    "instant_avatar.success",
    "instant_avatar.fail",
    GENERATION_SUCCESS,
    GENERATION_FAIL,
    TRAIN_SUCCESS,
    TRAIN_FAIL,
    ADD_MOTION_SUCCESS,
    ADD_MOTION_FAIL,
    "proofread_creation.success",
    "proofread_creation.fail",
    "live_avatar.success",
    "live_avatar.fail",
)
LOOKSMITH_EVENT_TYPES = (
    FACE_CHECK_SUCCESS,
    FACE_CHECK_FAIL,
    ADD_SOUND_EFFECT_SUCCESS,
    ADD_SOUND_EFFECT_FAIL,
    UPSCALE_SUCCESS,
    UPSCALE_FAIL,
)
EVENT_TYPES = HEYGEN_EVENT_TYPES + LOOKSMITH_EVENT_TYPES

# A StatusChange's (kind, status) -> the event it is; any other change sends nothing.
_EVENTS = {
    ("generation", "success"): GENERATION_SUCCESS,
    ("generation", "failed"): GENERATION_FAIL,
    ("training", "ready"): TRAIN_SUCCESS,
    ("training", "failed"): TRAIN_FAIL,
    ("motion", "completed"): ADD_MOTION_SUCCESS,
    ("motion", "failed"): ADD_MOTION_FAIL,
    ("face_check", "completed"): FACE_CHECK_SUCCESS,
    ("face_check", "failed"): FACE_CHECK_FAIL,
    ("sound_effect", "completed"): ADD_SOUND_EFFECT_SUCCESS,
    ("sound_effect", "failed"): ADD_SOUND_EFFECT_FAIL,
    ("upscale", "completed"): UPSCALE_SUCCESS,
    ("upscale", "failed"): UPSCALE_FAIL,
}
URL_MAX_LENGTH = 2048


class EndpointStatus(StrEnum):
    """Whether an endpoint receives events."""

    ENABLED = "enabled"
    DISABLED = "disabled"


class DeliveryState(StrEnum):
    """A delivery waits (and retries), arrived, or was given up."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """A tenant's URL that receives events (all of them when ``events`` is None)."""

    id: str
    tenant_id: str
    url: str
    events: tuple[str, ...] | None
    secret: str
    status: EndpointStatus
    created_at: float
    updated_at: float

    def wants(self, event_type: str) -> bool:
        """Whether this endpoint should receive ``event_type`` now."""
        enabled = self.status is EndpointStatus.ENABLED
        return enabled and (self.events is None or event_type in self.events)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One event on its way to one URL; ``endpoint_id`` None means a request's callback_url."""

    id: str
    tenant_id: str
    endpoint_id: str | None
    url: str
    event_type: str
    payload: str
    state: DeliveryState
    attempts: int
    created_at: float
    updated_at: float
    next_attempt_at: float | None = None
    last_status: int | None = None
    last_error: str | None = None
    delivered_at: float | None = None


@dataclass(frozen=True, slots=True)
class SendOutcome:
    """What a receiver answered: an HTTP status, or why there was none."""

    status: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the receiver took the event (any 2xx)."""
        return self.status is not None and 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with full jitter, given up a fixed time after the event."""

    base_seconds: float = 5.0
    factor: float = 2.0
    cap_seconds: float = 3600.0
    give_up_after_seconds: float = 24 * 3600.0

    def ceiling(self, attempts: int) -> float:
        """The longest wait after the ``attempts``-th failed try."""
        exponent = min(max(attempts - 1, 0), 32)  # bounded so the float never overflows
        return float(min(self.cap_seconds, self.base_seconds * self.factor**exponent))


def new_endpoint_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 24 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def derive_callback_secret(install_secret: bytes, tenant_id: str) -> str:
    """The tenant's secret for per-request callbacks: stable, never stored."""
    digest = hmac.new(install_secret, f"callback:{tenant_id}".encode(), hashlib.sha256).digest()
    return "whsec_" + base64.b64encode(digest).decode()


def full_jitter(ceiling: float) -> float:
    """A wait drawn evenly from zero to ``ceiling``, so retries of many events spread out."""
    return random.uniform(0.0, ceiling)


def event_type_for(kind: str, status: str) -> str | None:
    """The event a status change of ``kind`` to ``status`` is, or None if it is none."""
    return _EVENTS.get((kind, status))


def event_payload(
    event_type: str, data: dict[str, Any], *, event_id: str, created_at: float
) -> dict[str, Any]:
    """The body of an event: HeyGen's ``event_type``/``event_data``, and the newer names too.

    ``event`` repeats the type for consumers of HeyGen's newer webhooks; ``event_id`` is the same
    in every delivery of one event (``webhook-id`` differs per endpoint), so a receiver that
    gets one event at two URLs can tell; ``created_at`` is when it happened, in whole seconds.
    """
    return {
        "event_type": event_type,
        "event_data": data,
        "event": event_type,
        "event_id": event_id,
        "created_at": int(created_at),
    }
