"""Webhooks: per-tenant endpoints, a durable outbox of deliveries, retries with backoff."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from looksmith.domain.models import StatusChange, image_id_from_key, is_hex_id, new_id
from looksmith.domain.webhooks import (
    EVENT_TYPES,
    URL_MAX_LENGTH,
    Delivery,
    DeliveryState,
    EndpointStatus,
    RetryPolicy,
    SendOutcome,
    WebhookEndpoint,
    derive_callback_secret,
    event_payload,
    event_type_for,
    full_jitter,
    new_endpoint_secret,
)
from looksmith.errors import (
    InvalidParameter,
    InvalidWebhookUrl,
    MissingParameter,
    NotFound,
    WebhookEndpointNotFound,
)
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import ImageLinks, UrlGuard, WebhookSender
from looksmith.ports.repositories import GenerationRepository, GroupRepository, WebhookStore
from looksmith.services.webhook_events import EventData

log = logging.getLogger(__name__)


class WebhookService:
    """Manages a tenant's endpoints, shows the delivery log and sends deliveries again."""

    def __init__(
        self, *, store: WebhookStore, guard: UrlGuard, clock: Clock, install_secret: bytes
    ) -> None:
        self._store = store
        self._guard = guard
        self._clock = clock
        self._install_secret = install_secret

    def add_endpoint(
        self, *, tenant_id: str, url: str, events: Sequence[str] | None
    ) -> WebhookEndpoint:
        """Register a URL; the returned secret is the only time it is shown."""
        now = self._clock.now()
        endpoint = WebhookEndpoint(
            id=new_id(),
            tenant_id=tenant_id,
            url=self._checked_url(url),
            events=_checked_events(events),
            secret=new_endpoint_secret(),
            status=EndpointStatus.ENABLED,
            created_at=now,
            updated_at=now,
        )
        self._store.add_endpoint(endpoint)
        return endpoint

    def endpoints(self, *, tenant_id: str) -> Sequence[WebhookEndpoint]:
        """The tenant's endpoints."""
        return self._store.list_endpoints(tenant_id)

    def update_endpoint(
        self, *, tenant_id: str, endpoint_id: str, changes: dict[str, Any]
    ) -> WebhookEndpoint:
        """Change ``url``, ``events`` or ``status``, whichever ``changes`` names."""
        endpoint = self.endpoint(tenant_id=tenant_id, endpoint_id=endpoint_id)
        if "url" in changes:
            endpoint = replace(endpoint, url=self._checked_url(changes["url"]))
        if "events" in changes:
            endpoint = replace(endpoint, events=_checked_events(changes["events"]))
        if "status" in changes:
            endpoint = replace(endpoint, status=_checked_status(changes["status"]))
        endpoint = replace(endpoint, updated_at=self._clock.now())
        self._store.save_endpoint(endpoint)
        return endpoint

    def delete_endpoint(self, *, tenant_id: str, endpoint_id: str) -> None:
        """Delete the tenant's endpoint; its pending deliveries then fail when their turn comes."""
        if not (
            is_hex_id(endpoint_id) and self._store.delete_endpoint(endpoint_id, tenant_id=tenant_id)
        ):
            raise WebhookEndpointNotFound(f"endpoint {endpoint_id} not found")

    def endpoint(self, *, tenant_id: str, endpoint_id: str) -> WebhookEndpoint:
        """The tenant's endpoint; someone else's answers exactly like an unknown one."""
        found = self._store.get_endpoint(endpoint_id) if is_hex_id(endpoint_id) else None
        if found is None or found.tenant_id != tenant_id:
            raise WebhookEndpointNotFound(f"endpoint {endpoint_id} not found")
        return found

    def callback_secret(self, *, tenant_id: str) -> str:
        """The secret that signs the tenant's per-request ``callback_url`` deliveries."""
        return derive_callback_secret(self._install_secret, tenant_id)

    def username(self, *, tenant_id: str) -> str:
        """What HeyGen's endpoint objects call ``username``: here, the tenant's name."""
        return self._store.tenant_name(tenant_id) or ""

    def deliveries(
        self, *, tenant_id: str, endpoint_id: str | None, limit: int
    ) -> Sequence[Delivery]:
        """The tenant's newest deliveries, to one of its endpoints if given."""
        if endpoint_id is not None:
            self.endpoint(tenant_id=tenant_id, endpoint_id=endpoint_id)
        return self._store.list_deliveries(tenant_id, endpoint_id=endpoint_id, limit=limit)

    def redeliver(self, *, tenant_id: str, delivery_id: str) -> Delivery:
        """Send a delivery again, as soon as a deliverer is free."""
        now = self._clock.now()
        if is_hex_id(delivery_id) and self._store.redeliver(
            delivery_id, tenant_id=tenant_id, now=now
        ):
            found = self._store.get_delivery(delivery_id, tenant_id=tenant_id)
            if found is not None:
                return found
        raise NotFound(f"delivery {delivery_id} not found")

    def _checked_url(self, url: object) -> str:
        if not isinstance(url, str) or not url.strip():
            raise MissingParameter("url")
        url = url.strip()
        if len(url) > URL_MAX_LENGTH:
            raise InvalidWebhookUrl("url", f"at most {URL_MAX_LENGTH} characters")
        refusal = self._guard.refusal(url)
        if refusal is not None:
            raise InvalidWebhookUrl("url", refusal)
        return url


class WebhookDispatcher:
    """The outbox: records the deliveries of an event, then attempts them one by one."""

    def __init__(
        self,
        *,
        store: WebhookStore,
        generations: GenerationRepository,
        groups: GroupRepository,
        images: ImageLinks,
        sender: WebhookSender,
        guard: UrlGuard,
        clock: Clock,
        install_secret: bytes,
        policy: RetryPolicy | None = None,
        jitter: Callable[[float], float] = full_jitter,
    ) -> None:
        self._store = store
        self._event_data = EventData(generations=generations, groups=groups)
        self._images = images
        self._sender = sender
        self._guard = guard
        self._clock = clock
        self._install_secret = install_secret
        self.policy = policy or RetryPolicy()
        self._jitter = jitter

    def record(self, change: StatusChange) -> None:
        """Store the deliveries of a terminal change; logs instead of failing the job."""
        try:
            self._record(change)
        except Exception:
            log.exception("could not record webhook deliveries for %s %s", change.kind, change.id)

    def _record(self, change: StatusChange) -> None:
        event_type = event_type_for(change.kind, change.status)
        if event_type is None:
            return
        found = self._event_data.of(change)
        if found is None:
            return
        data, callback_url = found
        event = event_payload(event_type, data, event_id=new_id(), created_at=self._clock.now())
        payload = json.dumps(event)
        targets: list[tuple[str | None, str]] = [
            (endpoint.id, endpoint.url)
            for endpoint in self._store.list_endpoints(change.tenant_id)
            if endpoint.wants(event_type)
        ]
        if callback_url:
            targets.append((None, callback_url))
        deliveries = [
            self._new_delivery(change.tenant_id, target, event_type, payload) for target in targets
        ]
        if deliveries:
            self._store.add_deliveries(deliveries)

    def _new_delivery(
        self, tenant_id: str, target: tuple[str | None, str], event_type: str, payload: str
    ) -> Delivery:
        endpoint_id, url = target
        now = self._clock.now()
        delivery = Delivery(
            id=new_id(),
            tenant_id=tenant_id,
            endpoint_id=endpoint_id,
            url=url,
            event_type=event_type,
            payload=payload,
            state=DeliveryState.PENDING,
            attempts=0,
            created_at=now,
            updated_at=now,
            next_attempt_at=now,
        )
        # Only the cheap check here (no DNS): a callback with a refused address fails at once,
        # without failing the generation; host names are checked when sent.
        refusal = self._guard.refusal(url, resolve=False) if endpoint_id is None else None
        if refusal is None:
            return delivery
        return replace(
            delivery, state=DeliveryState.FAILED, next_attempt_at=None, last_error=refusal
        )

    def claim_due(self, *, now: float, lease_seconds: float) -> Delivery | None:
        """Lease the next due delivery, if any."""
        return self._store.claim_due(now=now, lease_seconds=lease_seconds)

    def attempt(self, delivery: Delivery, *, now: float) -> Delivery:
        """Send a claimed delivery once and store the outcome; returns the settled delivery."""
        settled = self._try(delivery, now)
        self._store.settle(settled)
        return settled

    def _try(self, delivery: Delivery, now: float) -> Delivery:
        secret = self._secret_for(delivery)
        if secret is None:
            gone = SendOutcome(status=None, error="the endpoint was deleted or disabled")
            return self._after(delivery, gone, now, final=True)
        refusal = self._guard.refusal(delivery.url)
        if refusal is not None:
            # Checked again at send time because DNS can change; retried like any failure, since
            # a host that does not resolve now may resolve later.
            return self._after(delivery, SendOutcome(status=None, error=f"refused: {refusal}"), now)
        body = self._body(delivery.payload)
        outcome = self._sender.send(
            delivery.url, body, msg_id=delivery.id, timestamp=int(now), secret=secret
        )
        return self._after(delivery, outcome, now)

    def _after(
        self, delivery: Delivery, outcome: SendOutcome, now: float, *, final: bool = False
    ) -> Delivery:
        error = outcome.error or (None if outcome.ok else f"HTTP {outcome.status}")
        done = replace(delivery, updated_at=now, last_status=outcome.status, last_error=error)
        if outcome.ok:
            return replace(
                done, state=DeliveryState.DELIVERED, next_attempt_at=None, delivered_at=now
            )
        deadline = delivery.created_at + self.policy.give_up_after_seconds
        if final or now >= deadline:
            return replace(done, state=DeliveryState.FAILED, next_attempt_at=None)
        wait = self._jitter(self.policy.ceiling(delivery.attempts))
        return replace(done, next_attempt_at=min(now + wait, deadline))

    def _secret_for(self, delivery: Delivery) -> str | None:
        if delivery.endpoint_id is None:
            return derive_callback_secret(self._install_secret, delivery.tenant_id)
        endpoint = self._store.get_endpoint(delivery.endpoint_id)
        if endpoint is None or endpoint.status is not EndpointStatus.ENABLED:
            return None
        return endpoint.secret

    def _body(self, payload: str) -> bytes:
        """The stored event with image links signed now."""
        event = json.loads(payload)
        data = event.get("event_data", {})
        keys = data.get("image_key_list")
        if keys:
            ids = tuple(image_id_from_key(key) or "" for key in keys)
            data["image_url_list"] = self._images.keys_and_urls(ids)[1]
        return json.dumps(event).encode()


def _checked_events(events: object) -> tuple[str, ...] | None:
    """None means every event; otherwise a non-empty list of known event types."""
    if events is None:
        return None
    if not isinstance(events, list | tuple) or not events:
        raise InvalidParameter("events", "give a non-empty list of event types, or null for all")
    unknown = [event for event in events if event not in EVENT_TYPES]
    if unknown:
        raise InvalidParameter("events", f"unknown event type {unknown[0]!r}; see webhook.list")
    return tuple(dict.fromkeys(events))


def _checked_status(status: object) -> EndpointStatus:
    try:
        return EndpointStatus(str(status))
    except ValueError:
        raise InvalidParameter("status", "must be one of: enabled, disabled") from None
