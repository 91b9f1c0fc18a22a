"""Serving image bytes behind signed links."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from looksmith.api.deps import Images
from looksmith.api.http.blob_responses import blob_response
from looksmith.api.schemas.base import ErrorResponse

router = APIRouter(tags=["images"])

_CACHE = "public, max-age=31536000, immutable"


IMAGE_PATH = "/image/{image_id}/original"


@router.get(
    IMAGE_PATH,
    response_class=Response,
    responses={
        200: {"content": {"image/jpeg": {}}, "description": "The image bytes"},
        206: {"content": {"image/jpeg": {}}, "description": "Part of the image"},
        304: {"description": "Not modified"},
        403: {"model": ErrorResponse, "description": "Missing, wrong or expired signature"},
        404: {"model": ErrorResponse, "description": "Unknown image"},
        416: {"description": "Range not satisfiable"},
    },
    summary="Fetch an image by signed URL",
)
def get_image(
    request: Request,
    image_id: str,
    images: Images,
    expires: Annotated[str | None, Query(alias="Expires")] = None,
    signature: Annotated[str | None, Query(alias="Signature")] = None,
    range_header: Annotated[str | None, Header(alias="Range")] = None,
) -> Response:
    """The bytes, with ETag and long-lived caching; single byte ranges are honoured."""
    content = images.open(image_id=image_id, expires=expires, signature=signature)
    return blob_response(
        request,
        content.data,
        etag=content.image.etag,
        content_type=content.image.content_type,
        cache_control=_CACHE,
        range_header=range_header,
    )


router.add_api_route(IMAGE_PATH, get_image, methods=["HEAD"], include_in_schema=False)
