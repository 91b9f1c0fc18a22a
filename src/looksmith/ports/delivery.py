"""Telling the outside world: status changes fanned out, webhook deliveries recorded and sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from looksmith.domain.models import StatusChange
from looksmith.domain.webhooks import Delivery, SendOutcome


class WebhookOutbox(Protocol):
    """Takes note of events to send; never sends, so a dead receiver cannot slow a job."""

    def record(self, change: StatusChange) -> None:
        """Store one pending delivery per endpoint (and callback) that wants ``change``."""
        ...


class StatusEvents(Protocol):
    """Fans status changes out to whoever waits for them (long polls, streams, webhooks)."""

    def publish(self, change: StatusChange) -> None:
        """Announce a committed change; best effort, the database stays the truth."""
        ...

    def subscribe(self, callback: Callable[[StatusChange], None]) -> Callable[[], None]:
        """Call ``callback`` for each change from now on; returns the unsubscribe function."""
        ...


class WebhookSender(Protocol):
    """Signs and POSTs one event body."""

    def send(
        self, url: str, body: bytes, *, msg_id: str, timestamp: int, secret: str
    ) -> SendOutcome:
        """POST ``body`` to ``url``, signed with ``secret``; never raises for network errors."""
        ...


class UrlGuard(Protocol):
    """Decides whether the service may send to a URL (no private networks by default)."""

    def refusal(self, url: str, *, resolve: bool = True) -> str | None:
        """Why ``url`` is refused, or None; ``resolve=False`` skips DNS."""
        ...


class ImageLinks(Protocol):
    """Freshly signed image URLs."""

    def keys_and_urls(self, image_ids: tuple[str, ...]) -> tuple[list[str], list[str]]:
        """Keys and URLs of the images, in order."""
        ...


class DueDeliveries(Protocol):
    """The outbox as a delivery loop drives it: lease what is due, attempt each once."""

    def claim_due(self, *, now: float, lease_seconds: float) -> Delivery | None:
        """Lease the next due delivery, if any."""
        ...

    def attempt(self, delivery: Delivery, *, now: float) -> Delivery:
        """Send a claimed delivery once and store the outcome; returns the settled delivery."""
        ...
