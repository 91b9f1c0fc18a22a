"""Webhook endpoints and the delivery outbox in SQL; deliveries are leased like jobs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Engine, RowMapping, delete, insert, or_, select, update

from looksmith.db.tables import tenants, webhook_deliveries, webhook_endpoints
from looksmith.domain.webhooks import (
    Delivery,
    DeliveryState,
    EndpointStatus,
    WebhookEndpoint,
)

_D = webhook_deliveries.c
_E = webhook_endpoints.c


def _due(now: float) -> ColumnElement[bool]:
    """Pending, its time has come, and no deliverer holds a live lease on it."""
    free = or_(_D.lease_until.is_(None), _D.lease_until < now)
    return (_D.state == DeliveryState.PENDING.value) & (_D.next_attempt_at <= now) & free


class SqlWebhookStore:
    """Endpoints and deliveries; a delivery is claimed with one atomic statement."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Insert a new endpoint."""
        with self._engine.begin() as conn:
            conn.execute(insert(webhook_endpoints).values(**endpoint_values(endpoint)))

    def get_endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        """The endpoint, whoever owns it."""
        query = select(webhook_endpoints).where(_E.id == endpoint_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return endpoint_from_row(row._mapping) if row else None

    def list_endpoints(self, tenant_id: str) -> Sequence[WebhookEndpoint]:
        """The tenant's endpoints, oldest first."""
        query = (
            select(webhook_endpoints)
            .where(_E.tenant_id == tenant_id)
            .order_by(_E.created_at, _E.id)
        )
        with self._engine.connect() as conn:
            return [endpoint_from_row(row._mapping) for row in conn.execute(query)]

    def save_endpoint(self, endpoint: WebhookEndpoint) -> None:
        """Overwrite what may change of an endpoint."""
        values = endpoint_values(endpoint)
        changed = {key: values[key] for key in ("url", "events", "status", "updated_at")}
        query = update(webhook_endpoints).where(_E.id == endpoint.id).values(**changed)
        with self._engine.begin() as conn:
            conn.execute(query)

    def delete_endpoint(self, endpoint_id: str, *, tenant_id: str) -> bool:
        """Delete the tenant's endpoint; report whether it existed."""
        query = delete(webhook_endpoints).where(_E.id == endpoint_id, _E.tenant_id == tenant_id)
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount > 0

    def tenant_name(self, tenant_id: str) -> str | None:
        """The tenant's name, or None if there is no such tenant."""
        query = select(tenants.c.name).where(tenants.c.id == tenant_id)
        with self._engine.connect() as conn:
            name: str | None = conn.execute(query).scalar()
        return name

    def add_deliveries(self, deliveries: Sequence[Delivery]) -> None:
        """Insert new deliveries in one commit."""
        with self._engine.begin() as conn:
            conn.execute(insert(webhook_deliveries), [delivery_values(d) for d in deliveries])

    def claim_due(self, *, now: float, lease_seconds: float) -> Delivery | None:
        """Lease the delivery due longest ago and count the attempt, atomically."""
        oldest = select(_D.id).where(_due(now)).order_by(_D.next_attempt_at, _D.id).limit(1)
        if self._engine.dialect.name == "postgresql":
            oldest = oldest.with_for_update(skip_locked=True)
        query = (
            update(webhook_deliveries)
            .where(_D.id == oldest.scalar_subquery(), _due(now))
            .values(lease_until=now + lease_seconds, attempts=_D.attempts + 1, updated_at=now)
            .returning(*webhook_deliveries.c)
        )
        with self._engine.begin() as conn:
            row = conn.execute(query).first()
        return delivery_from_row(row._mapping) if row else None

    def settle(self, delivery: Delivery) -> None:
        """Store an attempt's outcome and drop the lease."""
        values = delivery_values(delivery)
        kept = ("state", "next_attempt_at", "last_status", "last_error", "updated_at")
        changed = {key: values[key] for key in (*kept, "delivered_at")}
        query = update(webhook_deliveries).where(_D.id == delivery.id)
        with self._engine.begin() as conn:
            conn.execute(query.values(lease_until=None, **changed))

    def get_delivery(self, delivery_id: str, *, tenant_id: str) -> Delivery | None:
        """The tenant's delivery, or None."""
        query = select(webhook_deliveries).where(_D.id == delivery_id, _D.tenant_id == tenant_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return delivery_from_row(row._mapping) if row else None

    def list_deliveries(
        self, tenant_id: str, *, endpoint_id: str | None, limit: int
    ) -> Sequence[Delivery]:
        """The tenant's newest deliveries, to one endpoint if given."""
        query = select(webhook_deliveries).where(_D.tenant_id == tenant_id)
        if endpoint_id is not None:
            query = query.where(_D.endpoint_id == endpoint_id)
        query = query.order_by(_D.created_at.desc(), _D.id.desc()).limit(limit)
        with self._engine.connect() as conn:
            return [delivery_from_row(row._mapping) for row in conn.execute(query)]

    def redeliver(self, delivery_id: str, *, tenant_id: str, now: float) -> bool:
        """Make the tenant's delivery pending and due now."""
        query = (
            update(webhook_deliveries)
            .where(_D.id == delivery_id, _D.tenant_id == tenant_id)
            .values(
                state=DeliveryState.PENDING.value,
                next_attempt_at=now,
                lease_until=None,
                updated_at=now,
            )
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount > 0


def endpoint_values(endpoint: WebhookEndpoint) -> dict[str, Any]:
    events = None if endpoint.events is None else json.dumps(list(endpoint.events))
    return {
        "id": endpoint.id,
        "tenant_id": endpoint.tenant_id,
        "url": endpoint.url,
        "events": events,
        "secret": endpoint.secret,
        "status": endpoint.status.value,
        "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }


def endpoint_from_row(row: RowMapping) -> WebhookEndpoint:
    events = None if row["events"] is None else tuple(json.loads(row["events"]))
    return WebhookEndpoint(
        id=row["id"],
        tenant_id=row["tenant_id"],
        url=row["url"],
        events=events,
        secret=row["secret"],
        status=EndpointStatus(row["status"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def delivery_values(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.id,
        "tenant_id": delivery.tenant_id,
        "endpoint_id": delivery.endpoint_id,
        "url": delivery.url,
        "event_type": delivery.event_type,
        "payload": delivery.payload,
        "state": delivery.state.value,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "lease_until": None,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "updated_at": delivery.updated_at,
        "delivered_at": delivery.delivered_at,
    }


def delivery_from_row(row: RowMapping) -> Delivery:
    return Delivery(
        id=row["id"],
        tenant_id=row["tenant_id"],
        endpoint_id=row["endpoint_id"],
        url=row["url"],
        event_type=row["event_type"],
        payload=row["payload"],
        state=DeliveryState(row["state"]),
        attempts=row["attempts"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        next_attempt_at=row["next_attempt_at"],
        last_status=row["last_status"],
        last_error=row["last_error"],
        delivered_at=row["delivered_at"],
    )
