"""Answers carrying stored bytes: ETag, 304 and single byte ranges, as players and caches want."""

from __future__ import annotations

import re

from fastapi import Request, Response

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def blob_response(
    request: Request,
    data: bytes,
    *,
    etag: str,
    content_type: str,
    cache_control: str,
    range_header: str | None,
) -> Response:
    """200 with the bytes, 206 with one range of them, 304 if the client has them, or 416."""
    quoted = f'"{etag}"'
    headers = {"ETag": quoted, "Cache-Control": cache_control, "Accept-Ranges": "bytes"}
    if request.headers.get("if-none-match") == quoted:
        return Response(status_code=304, headers=headers)
    status = 200
    if range_header:
        span = byte_range(range_header, len(data))
        if span is None:
            headers["Content-Range"] = f"bytes */{len(data)}"
            return Response(status_code=416, headers=headers)
        start, end = span
        headers["Content-Range"] = f"bytes {start}-{end}/{len(data)}"
        data, status = data[start : end + 1], 206
    return Response(content=data, status_code=status, media_type=content_type, headers=headers)


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
