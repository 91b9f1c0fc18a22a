"""Add motion, add sound effect, upscale; and the signed links to previews and sounds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from looksmith.api.deps import CurrentTenant, Motion, MotionMedia, SoundEffects
from looksmith.api.http.blob_responses import blob_response
from looksmith.api.schemas.base import ErrorResponse
from looksmith.api.schemas.motion import (
    AddMotionRequest,
    LookIdRequest,
    NewLookData,
    NewLookResponse,
    SoundEffectIdData,
    SoundEffectIdResponse,
)

router = APIRouter(tags=["motion"])

_ERR = {"model": ErrorResponse}
_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {**_ERR, "description": "Invalid parameter, or the look cannot take this now"},
    401: {**_ERR, "description": "Missing or invalid API key"},
    404: {**_ERR, "description": "Unknown look"},
}
MEDIA_PATH = "/motion/{look_id}/{name}"


@router.post(
    "/v2/photo_avatar/add_motion",
    response_model=NewLookResponse,
    responses=_RESPONSES,
    summary="Add motion to a photo avatar look",
)
def add_motion(body: AddMotionRequest, tenant_id: CurrentTenant, motion: Motion) -> NewLookResponse:
    """A new motion look of a completed look; poll it with the photo avatar details endpoint."""
    look = motion.add_motion(
        tenant_id=tenant_id, look_id=body.id, prompt=body.prompt, motion_type=body.motion_type
    )
    return NewLookResponse(data=NewLookData(id=look.id))


@router.post(
    "/v2/photo_avatar/add_sound_effect",
    response_model=SoundEffectIdResponse,
    responses=_RESPONSES,
    summary="Add a background sound effect to a motion look",
)
def add_sound_effect(
    body: LookIdRequest, tenant_id: CurrentTenant, sound_effects: SoundEffects
) -> SoundEffectIdResponse:
    """An ambient track fitting the look's scene; it also becomes the preview's sound."""
    sound_id = sound_effects.add(tenant_id=tenant_id, look_id=body.id)
    return SoundEffectIdResponse(data=SoundEffectIdData(sound_effect_id=sound_id))


@router.post(
    "/v2/photo_avatar/upscale",
    response_model=NewLookResponse,
    responses=_RESPONSES,
    summary="Upscale a motion look",
)
def upscale(body: LookIdRequest, tenant_id: CurrentTenant, motion: Motion) -> NewLookResponse:
    """A new look at twice the resolution of a completed motion look."""
    look = motion.upscale(tenant_id=tenant_id, look_id=body.id)
    return NewLookResponse(data=NewLookData(id=look.id))


@router.get(
    MEDIA_PATH,
    response_class=Response,
    responses={
        200: {"content": {"video/mp4": {}, "audio/mp4": {}}, "description": "The bytes"},
        206: {"content": {"video/mp4": {}, "audio/mp4": {}}, "description": "Part of them"},
        304: {"description": "Not modified"},
        403: {**_ERR, "description": "Missing, wrong or expired signature"},
        404: {**_ERR, "description": "Unknown file"},
        416: {"description": "Range not satisfiable"},
    },
    summary="Fetch a motion preview or sound effect by signed URL",
)
def get_media(
    request: Request,
    look_id: str,
    name: str,
    media: MotionMedia,
    expires: Annotated[str | None, Query(alias="Expires")] = None,
    signature: Annotated[str | None, Query(alias="Signature")] = None,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
) -> Response:
    """The bytes, with ETag; single byte ranges are honoured, as video players need."""
    content = media.open(look_id=look_id, name=name, expires=expires, signature=signature)
    return blob_response(
        request,
        content.data,
        etag=content.etag,
        content_type=content.content_type,
        # Not immutable: adding a sound effect replaces the preview under the same link.
        cache_control="private, no-cache",
        range_header=range_header,
    )


router.add_api_route(MEDIA_PATH, get_media, methods=["HEAD"], include_in_schema=False)
