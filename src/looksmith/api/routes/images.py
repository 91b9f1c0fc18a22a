"""Serving image bytes behind signed links."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response

from looksmith.api.deps import Images
from looksmith.api.schemas import ErrorResponse

router = APIRouter(tags=["images"])

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
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
    etag = f'"{content.image.etag}"'
    headers = {"ETag": etag, "Cache-Control": _CACHE, "Accept-Ranges": "bytes"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    data, status = content.data, 200
    if range_header:
        span = byte_range(range_header, len(data))
        if span is None:
            headers["Content-Range"] = f"bytes */{len(data)}"
            return Response(status_code=416, headers=headers)
        start, end = span
        headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        data, status = data[start : end + 1], 206
    return Response(
        content=data, status_code=status, media_type=content.image.content_type, headers=headers
    )


router.add_api_route(IMAGE_PATH, get_image, methods=["HEAD"], include_in_schema=False)


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The inclusive span of a single ``bytes=`` range, or None if unsatisfiable."""
    match = _RANGE.fullmatch(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    return (start, end) if start <= end and start < size else None
