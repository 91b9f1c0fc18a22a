"""Webhook data: event types, endpoints, deliveries, the retry policy, secrets; no I/O."""

from __future__ import annotations

import base64
import hashlib
import hmac
import random
import secrets
from dataclasses import dataclass
from enum import StrEnum

GENERATION_SUCCESS = "photo_avatar_generation.success"
GENERATION_FAIL = "photo_avatar_generation.fail"
TRAIN_SUCCESS = "photo_avatar_train.success"
TRAIN_FAIL = "photo_avatar_train.fail"
ADD_MOTION_SUCCESS = "photo_avatar_add_motion.success"
ADD_MOTION_FAIL = "photo_avatar_add_motion.fail"
EVENT_TYPES = (
    GENERATION_SUCCESS,
    GENERATION_FAIL,
    TRAIN_SUCCESS,
    TRAIN_FAIL,
    ADD_MOTION_SUCCESS,
    ADD_MOTION_FAIL,
)

# A StatusChange's (kind, status) -> the event it is; any other change sends nothing.
_EVENTS = {
    ("generation", "success"): GENERATION_SUCCESS,
    ("generation", "failed"): GENERATION_FAIL,
    ("training", "ready"): TRAIN_SUCCESS,
    ("training", "failed"): TRAIN_FAIL,
    ("motion", "completed"): ADD_MOTION_SUCCESS,
    ("motion", "failed"): ADD_MOTION_FAIL,
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
