"""Request headers read straight from the ASGI scope, by middleware that runs before routing."""

from __future__ import annotations

import re

from starlette.types import Scope

_GOOD_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def incoming_request_id(scope: Scope) -> str | None:
    """The client's own ``X-Request-Id``, if it is short and plain enough to echo."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            text = value.decode("latin-1")
            return text if _GOOD_REQUEST_ID.fullmatch(text) else None
    return None


def read_api_key(scope: Scope) -> str | None:
    """The key from ``x-api-key`` or a bearer token, as the auth dependency reads it."""
    return read_poll_headers(scope)[0]


def read_poll_headers(scope: Scope) -> tuple[str | None, str | None, bool]:
    """The API key, ``If-None-Match``, and whether a ``Prefer`` header asks for something."""
    api_key = bearer = if_none_match = None
    prefers = False
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            api_key = value.decode("latin-1")
        elif name == b"authorization" and value[:7].lower() == b"bearer ":
            bearer = value[7:].decode("latin-1").strip()
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1").strip()
        elif name == b"prefer":
            prefers = True
    return api_key or bearer or None, if_none_match, prefers
