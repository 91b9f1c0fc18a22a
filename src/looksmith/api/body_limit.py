"""Refuses oversized request bodies before anything reads them, on every route but uploads.

FastAPI reads and parses a JSON body before dependencies such as auth run, so without this an
anonymous client could make the server buffer any amount of data.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from looksmith.api.http.error_envelopes import ErrorEnvelopes
from looksmith.api.http.errors import error_response
from looksmith.errors import PayloadTooLarge

UPLOAD_PATH = "/v1/asset"  # has its own, larger limit, enforced while streaming


class BodyLimitMiddleware:
    """413 by ``Content-Length``, or as soon as a streamed body passes ``max_bytes``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, envelopes: ErrorEnvelopes) -> None:
        self._app = app
        self._max = max_bytes
        self._envelopes = envelopes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on with a counting ``receive``."""
        if scope["type"] != "http" or scope["path"] == UPLOAD_PATH:
            await self._app(scope, receive, send)
            return
        too_large = PayloadTooLarge(f"body is larger than {self._max} bytes")
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self._max:
                # Outside the app's exception handlers here, so answer directly.
                envelope = await self._envelopes.of(scope)
                await error_response(too_large, envelope)(scope, receive, send)
                return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self._max:
                raise too_large  # inside the route's body read: the handlers map it to 413
            return message

        await self._app(scope, counting_receive, send)
