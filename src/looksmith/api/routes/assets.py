"""Uploads: ``POST /v1/asset`` with the raw file bytes as the body, and the list of them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool

from looksmith.api.deps import Assets, CurrentTenant, Images
from looksmith.api.http.form_upload import FORM_TYPE, file_from_form, is_form
from looksmith.api.schemas.assets import AssetListData, AssetListResponse, AssetResponse, asset_data
from looksmith.api.schemas.base import DeletedResponse, V1ErrorResponse
from looksmith.errors import PayloadTooLarge
from looksmith.services.assets import ACCEPTED_TYPES

router = APIRouter(tags=["assets"])

_BINARY = {"schema": {"type": "string", "format": "binary"}}
_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": V1ErrorResponse, "description": "Missing or invalid API key"},
}


@router.post(
    "/v1/asset",
    response_model=AssetResponse,
    summary="Upload an image, audio or video file",
    responses={
        400: {"model": V1ErrorResponse, "description": "Not a usable image, audio or video"},
        **_ERRORS,
        413: {"model": V1ErrorResponse, "description": "Body too large"},
        415: {"model": V1ErrorResponse, "description": "Unsupported media type"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                **dict.fromkeys(ACCEPTED_TYPES, _BINARY),
                FORM_TYPE: {
                    "schema": {
                        "type": "object",
                        "properties": {"file": _BINARY["schema"]},
                        "required": ["file"],
                    }
                },
            },
        }
    },
)
async def upload_asset(
    request: Request, tenant_id: CurrentTenant, assets: Assets, images: Images
) -> AssetResponse:
    """Store the body; its bytes, not the header, decide what it is (the header its family)."""
    content_type = request.headers.get("content-type")
    form = is_form(content_type)
    if not form:
        assets.check_declared_type(content_type)
    data = await _read_body(request, assets.limits.max_bytes)
    if form:  # some clients post the file as a form part named file
        data, content_type = file_from_form(data, content_type or "")
    image = await run_in_threadpool(
        assets.upload, tenant_id=tenant_id, data=data, content_type=content_type
    )
    return AssetResponse(data=asset_data(image, images.url_for(image.id)))


@router.get(
    "/v1/asset/list",
    response_model=AssetListResponse,
    summary="List uploaded assets",
    responses={400: {"model": V1ErrorResponse, "description": "Bad parameter"}, **_ERRORS},
)
def list_assets(
    tenant_id: CurrentTenant,
    assets: Assets,
    images: Images,
    file_type: Annotated[str | None, Query(description="image, video or audio")] = None,
    folder_id: Annotated[
        str | None, Query(description="Every asset is in the root folder ('').")
    ] = None,
    limit: Annotated[
        int | None, Query(ge=0, description="Assets per page; 0 or unset: 100, the most.")
    ] = None,
    token: Annotated[str | None, Query(description="The previous page's token.")] = None,
) -> AssetListResponse:
    """The tenant's uploads, newest first, a page at a time."""
    page = assets.list_assets(
        tenant_id=tenant_id, file_type=file_type, folder_id=folder_id, limit=limit, token=token
    )
    listed = [asset_data(asset, images.url_for(asset.id)) for asset in page.assets]
    return AssetListResponse(
        data=AssetListData(assets=listed, total=page.total, token=page.next_token)
    )


@router.post(
    "/v1/asset/{asset_id}/delete",
    response_model=DeletedResponse,
    summary="Delete an uploaded asset",
    responses={404: {"model": V1ErrorResponse, "description": "Unknown asset"}, **_ERRORS},
)
def delete_asset(asset_id: str, tenant_id: CurrentTenant, assets: Assets) -> DeletedResponse:
    """Delete one upload and its file; groups made from it keep their pictures."""
    assets.delete_asset(tenant_id=tenant_id, asset_id=asset_id)
    return DeletedResponse()


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
