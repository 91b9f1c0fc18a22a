"""Webhook management on HeyGen's v1 routes, plus the delivery log and callback secret."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from looksmith.api.deps import CurrentTenant
from looksmith.api.schemas.base import V1ErrorResponse
from looksmith.api.schemas.webhooks import (
    AddEndpointRequest,
    DeliveryListResponse,
    DeliveryResponse,
    EmptyResponse,
    EndpointListResponse,
    EndpointResponse,
    EventTypesResponse,
    RedeliverRequest,
    SecretData,
    SecretResponse,
    UpdateEndpointRequest,
    delivery_data,
    endpoint_data,
)
from looksmith.domain.webhooks import EVENT_TYPES
from looksmith.services.webhooks import WebhookService

router = APIRouter(tags=["webhooks"])

_ERR = {"model": V1ErrorResponse}
_BAD_INPUT: dict[int | str, dict[str, object]] = {
    400: {**_ERR, "description": "Invalid parameter"},
    401: {**_ERR, "description": "Missing or invalid API key"},
}
_BY_ID: dict[int | str, dict[str, object]] = {
    **_BAD_INPUT,
    404: {**_ERR, "description": "Unknown endpoint or delivery"},
}


async def _webhooks(request: Request) -> WebhookService:
    service: WebhookService = request.app.state.webhooks
    return service


Webhooks = Annotated[WebhookService, Depends(_webhooks)]
EndpointId = Annotated[str, Query(max_length=64, description="The endpoint's id.")]
EndpointIdInPath = Annotated[str, Path(max_length=64, description="The endpoint's id.")]


@router.post(
    "/v1/webhook/endpoint.add",
    response_model=EndpointResponse,
    responses=_BAD_INPUT,
    summary="Add a webhook endpoint",
)
def add_endpoint(
    body: AddEndpointRequest, tenant_id: CurrentTenant, webhooks: Webhooks
) -> EndpointResponse:
    """Register a URL for any of HeyGen's events; the answer carries its signing secret."""
    endpoint = webhooks.add_endpoint(tenant_id=tenant_id, url=body.url, events=body.events)
    username = webhooks.username(tenant_id=tenant_id)
    return EndpointResponse(data=endpoint_data(endpoint, username=username))


@router.get(
    "/v1/webhook/endpoint.list",
    response_model=EndpointListResponse,
    responses=_BAD_INPUT,
    summary="List webhook endpoints",
)
def list_endpoints(tenant_id: CurrentTenant, webhooks: Webhooks) -> EndpointListResponse:
    """The tenant's endpoints, oldest first, each with its secret as HeyGen lists them."""
    endpoints = webhooks.endpoints(tenant_id=tenant_id)
    username = webhooks.username(tenant_id=tenant_id)
    return EndpointListResponse(data=[endpoint_data(e, username=username) for e in endpoints])


@router.patch(
    "/v1/webhook/endpoint.update",
    response_model=EndpointResponse,
    responses=_BY_ID,
    summary="Update a webhook endpoint",
)
def update_endpoint(
    body: UpdateEndpointRequest, tenant_id: CurrentTenant, webhooks: Webhooks
) -> EndpointResponse:
    """Change the URL, the events (null: all) or the status (enabled, disabled)."""
    endpoint = webhooks.update_endpoint(
        tenant_id=tenant_id, endpoint_id=body.endpoint_id, changes=body.changes()
    )
    username = webhooks.username(tenant_id=tenant_id)
    return EndpointResponse(data=endpoint_data(endpoint, username=username))


@router.delete(
    "/v1/webhook/endpoint.delete",
    response_model=EmptyResponse,
    responses=_BY_ID,
    summary="Delete a webhook endpoint",
)
def delete_endpoint(
    endpoint_id: EndpointId, tenant_id: CurrentTenant, webhooks: Webhooks
) -> EmptyResponse:
    """Delete the endpoint; deliveries still waiting for it are given up."""
    webhooks.delete_endpoint(tenant_id=tenant_id, endpoint_id=endpoint_id)
    return EmptyResponse()


@router.delete(
    "/v1/webhook/endpoint.delete/{endpoint_id}",
    response_model=EmptyResponse,
    responses=_BY_ID,
    summary="Delete a webhook endpoint (id in the path)",
)
def delete_endpoint_by_path(
    endpoint_id: EndpointIdInPath, tenant_id: CurrentTenant, webhooks: Webhooks
) -> EmptyResponse:
    """The same as the query form, for clients that put the id in the path."""
    webhooks.delete_endpoint(tenant_id=tenant_id, endpoint_id=endpoint_id)
    return EmptyResponse()


@router.get(
    "/v1/webhook/webhook.list",
    response_model=EventTypesResponse,
    responses=_BAD_INPUT,
    summary="List the event types",
)
async def list_event_types(_: CurrentTenant) -> EventTypesResponse:
    """Every event HeyGen lists, then looksmith's own; an endpoint may subscribe to any."""
    return EventTypesResponse(data=list(EVENT_TYPES))


@router.get(
    "/v1/webhook/callback_secret",
    response_model=SecretResponse,
    responses=_BAD_INPUT,
    summary="The secret of per-request callbacks (looksmith addition)",
)
def callback_secret(tenant_id: CurrentTenant, webhooks: Webhooks) -> SecretResponse:
    """The secret that signs deliveries to a generation's own ``callback_url``."""
    return SecretResponse(data=SecretData(secret=webhooks.callback_secret(tenant_id=tenant_id)))


@router.get(
    "/v1/webhook/delivery.list",
    response_model=DeliveryListResponse,
    responses=_BY_ID,
    summary="List webhook deliveries (looksmith addition)",
)
def list_deliveries(
    tenant_id: CurrentTenant,
    webhooks: Webhooks,
    endpoint_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="At most 100.")] = 50,
) -> DeliveryListResponse:
    """The newest deliveries first, to one endpoint if ``endpoint_id`` is given."""
    found = webhooks.deliveries(tenant_id=tenant_id, endpoint_id=endpoint_id, limit=limit)
    return DeliveryListResponse(data=[delivery_data(delivery) for delivery in found])


@router.post(
    "/v1/webhook/delivery.redeliver",
    response_model=DeliveryResponse,
    responses=_BY_ID,
    summary="Send a delivery again (looksmith addition)",
)
def redeliver(
    body: RedeliverRequest, tenant_id: CurrentTenant, webhooks: Webhooks
) -> DeliveryResponse:
    """Make the delivery pending and due now; a deliverer sends it within a second or so."""
    delivery = webhooks.redeliver(tenant_id=tenant_id, delivery_id=body.delivery_id)
    return DeliveryResponse(data=delivery_data(delivery))
