"""Strong ETags from visible state, and 304 answers to ``If-None-Match``."""

from __future__ import annotations

import hashlib

from fastapi import Response
from pydantic import BaseModel


def state_tag(*parts: object) -> str:
    """A strong ETag of the parts a client can see (never of signed, per-read URLs)."""
    visible = "|".join("" if part is None else str(part) for part in parts)
    return '"' + hashlib.sha256(visible.encode()).hexdigest()[:20] + '"'


def conditional(body: BaseModel, etag: str, if_none_match: str | None) -> Response:
    """304 when the client holds ``etag`` already, else the body as JSON; both carry the tag."""
    headers = {"ETag": etag}
    if if_none_match == etag:
        return Response(status_code=304, headers=headers)
    return Response(body.model_dump_json(), media_type="application/json", headers=headers)
