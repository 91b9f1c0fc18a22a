"""Wire schemas of the webhook routes: HeyGen's v1 names and envelope, with explicit mappers."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, Field

from looksmith.api.schemas.base import RequestBody, V1Envelope
from looksmith.domain.webhooks import URL_MAX_LENGTH, Delivery, WebhookEndpoint


class AddEndpointRequest(RequestBody):
    """Body of ``POST /v1/webhook/endpoint.add``."""

    url: str = Field(min_length=1, max_length=URL_MAX_LENGTH, description="Receiver URL.")
    events: list[str] | None = Field(
        default=None, description="Event types to receive; null means all of them."
    )


class UpdateEndpointRequest(RequestBody):
    """Body of ``PATCH /v1/webhook/endpoint.update``; only the fields sent change."""

    endpoint_id: str = Field(description="The endpoint to change.")
    url: str | None = Field(default=None, max_length=URL_MAX_LENGTH)
    events: list[str] | None = Field(default=None, description="null means all events.")
    status: Literal["enabled", "disabled"] | None = None

    def changes(self) -> dict[str, object]:
        """The fields the client sent, ``events: null`` included (it means all)."""
        sent = self.model_fields_set - {"endpoint_id"}
        changes = {name: getattr(self, name) for name in sent}
        return {k: v for k, v in changes.items() if v is not None or k == "events"}


class RedeliverRequest(RequestBody):
    """Body of ``POST /v1/webhook/delivery.redeliver``."""

    delivery_id: str


class EndpointData(BaseModel):
    """An endpoint as HeyGen shows it in add, list and update, with the secret that signs it."""

    endpoint_id: str
    url: str
    secret: str = Field(
        description="Keys the hex HMAC-SHA256 in the Signature header, whsec_ prefix included."
    )
    status: str = Field(description="enabled or disabled.")
    events: list[str] | None = Field(description="null: every event type.")
    username: str = Field(description="The name of the tenant that owns the endpoint.")
    created_at: str = Field(description="ISO 8601 in UTC, as HeyGen shows it.")


class DeliveryData(BaseModel):
    """One entry of the delivery log (a looksmith addition)."""

    id: str
    endpoint_id: str | None = Field(description="null: the request's own callback_url.")
    event_type: str
    state: str = Field(description="pending, delivered or failed.")
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: int = Field(description="Unix seconds.")
    delivered_at: int | None = Field(description="Unix seconds; null until delivered.")


class SecretData(BaseModel):
    """The secret that signs per-request ``callback_url`` deliveries."""

    secret: str


class EndpointResponse(V1Envelope):
    """One endpoint."""

    data: EndpointData


class EndpointListResponse(V1Envelope):
    """The tenant's endpoints."""

    data: list[EndpointData]


class EventTypesResponse(V1Envelope):
    """Every event type an endpoint may subscribe to."""

    data: list[str]


class DeliveryResponse(V1Envelope):
    """One delivery."""

    data: DeliveryData


class DeliveryListResponse(V1Envelope):
    """The newest deliveries first."""

    data: list[DeliveryData]


class SecretResponse(V1Envelope):
    """The callback secret."""

    data: SecretData


class EmptyResponse(V1Envelope):
    """Done; nothing to show."""

    data: None = None


def iso_time(timestamp: float) -> str:
    """Unix seconds as HeyGen's ISO form, e.g. ``2023-04-03T05:40:46.769845`` (UTC)."""
    return datetime.fromtimestamp(timestamp, tz=UTC).replace(tzinfo=None).isoformat()


def endpoint_data(endpoint: WebhookEndpoint, *, username: str) -> EndpointData:
    """The wire view of an endpoint, secret included, as HeyGen's examples show it."""
    return EndpointData(
        endpoint_id=endpoint.id,
        url=endpoint.url,
        secret=endpoint.secret,
        status=endpoint.status.value,
        events=None if endpoint.events is None else list(endpoint.events),
        username=username,
        created_at=iso_time(endpoint.created_at),
    )


def delivery_data(delivery: Delivery) -> DeliveryData:
    """The wire view of a delivery."""
    return DeliveryData(
        id=delivery.id,
        endpoint_id=delivery.endpoint_id,
        event_type=delivery.event_type,
        state=delivery.state.value,
        attempts=delivery.attempts,
        last_status=delivery.last_status,
        last_error=delivery.last_error,
        created_at=int(delivery.created_at),
        delivered_at=None if delivery.delivered_at is None else int(delivery.delivered_at),
    )
