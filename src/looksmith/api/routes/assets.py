"""Uploads: ``POST /v1/asset`` with the raw image bytes as the body."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from looksmith.api.deps import Assets, CurrentTenant, Images
from looksmith.api.group_schemas import AssetResponse, asset_data
from looksmith.api.schemas import ErrorResponse
from looksmith.domain.models import image_key
from looksmith.errors import PayloadTooLarge
from looksmith.services.assets import ACCEPTED_TYPES

router = APIRouter(tags=["assets"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.post(
    "/v1/asset",
    response_model=AssetResponse,
    summary="Upload an image",
    responses={
        400: {"model": ErrorResponse, "description": "Not a usable image"},
        401: {"model": ErrorResponse, "description": "Missing or invalid API key"},
        413: {"model": ErrorResponse, "description": "Body too large"},
        415: {"model": ErrorResponse, "description": "Unsupported media type"},
    },
    openapi_extra={
        "requestBody": {"required": True, "content": dict.fromkeys(ACCEPTED_TYPES, _BINARY)}
    },
)
async def upload_asset(
    request: Request, tenant_id: CurrentTenant, assets: Assets, images: Images
) -> AssetResponse:
    """Store the body as an image; its bytes, not the header, decide what it is."""
    assets.check_declared_type(request.headers.get("content-type"))
    data = await _read_body(request, assets.limits.max_bytes)
    image = await run_in_threadpool(
        assets.upload,
        tenant_id=tenant_id,
        data=data,
        content_type=request.headers.get("content-type"),
    )
    return AssetResponse(data=asset_data(image, images.url_for(image.id), image_key(image.id)))


async def _read_body(request: Request, max_bytes: int) -> bytes:
    """The body, refusing early once it grows past ``max_bytes``."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise PayloadTooLarge(f"body is larger than {max_bytes} bytes")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise PayloadTooLarge(f"body is larger than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
