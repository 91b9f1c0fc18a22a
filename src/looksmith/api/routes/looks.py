"""Looks: generate new ones for a trained group, read one, delete one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response

from looksmith.api.deps import CurrentTenant, Generations, Groups, Images, MotionMedia
from looksmith.api.http import convertors  # noqa: F401  (registers the hex32 path convertor)
from looksmith.api.http.conditional import conditional, state_tag
from looksmith.api.schemas.base import DeletedResponse, ErrorResponse, V1ErrorResponse
from looksmith.api.schemas.looks import GenerateLooksRequest, LookResponse, look_data
from looksmith.api.schemas.photo_avatar import GenerateResponse, GenerationIdData

router = APIRouter(prefix="/v2/photo_avatar", tags=["looks"])

_ERR = {"model": ErrorResponse}


@router.post(
    "/look/generate",
    response_model=GenerateResponse,
    responses={
        400: {**_ERR, "description": "Invalid parameter, or the group is not trained"},
        401: {**_ERR, "description": "Missing or invalid API key"},
    },
    summary="Generate photo avatar looks",
)
def generate_looks(
    body: GenerateLooksRequest, tenant_id: CurrentTenant, generations: Generations
) -> GenerateResponse:
    """Four new looks of the trained person; poll them with the generation status endpoint."""
    generation = generations.submit_look(tenant_id=tenant_id, request=body.to_request())
    return GenerateResponse(data=GenerationIdData(generation_id=generation.id))


@router.get(
    "/{look_id:hex32}",
    response_model=None,
    responses={
        200: {"model": LookResponse, "description": "The look"},
        304: {"description": "Not modified: the ETag given in If-None-Match is current"},
        401: {**_ERR, "description": "Missing or invalid API key"},
        404: {**_ERR, "description": "Unknown look"},
    },
    summary="Photo avatar details",
)
def look_details(
    look_id: str,
    tenant_id: CurrentTenant,
    groups: Groups,
    images: Images,
    media: MotionMedia,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """One look, with freshly signed URLs; 304 while its state is unchanged."""
    look = groups.look(tenant_id=tenant_id, look_id=look_id)
    etag = state_tag(
        look.id, look.status.value, look.message, look.name, look.group_id, look.motion
    )
    body = LookResponse(data=look_data(look, images.url_for(look.id), media.links(look)))
    return conditional(body, etag, if_none_match)


@router.delete(
    "/{look_id:hex32}",
    response_model=DeletedResponse,
    responses={
        401: {"model": V1ErrorResponse, "description": "Missing or invalid API key"},
        404: {"model": V1ErrorResponse, "description": "Unknown look"},
    },
    summary="Delete a photo avatar",
)
def delete_look(look_id: str, tenant_id: CurrentTenant, groups: Groups) -> DeletedResponse:
    """Delete one look and its image; a repeat is a 404."""
    groups.delete_look(tenant_id=tenant_id, look_id=look_id)
    return DeletedResponse()
