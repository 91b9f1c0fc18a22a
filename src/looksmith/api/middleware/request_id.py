"""Pure ASGI: a request id on every response, and a JSON 500 for any bug."""

from __future__ import annotations

import logging
import os

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from looksmith.api.http.error_envelopes import ErrorEnvelopes
from looksmith.api.http.errors import error_body
from looksmith.api.http.headers import incoming_request_id
from looksmith.errors import LooksmithError
from looksmith.logs import bind_request_id, reset_request_id

log = logging.getLogger(__name__)


class RequestIdMiddleware:
    """Adds ``X-Request-Id``; turns an escaped exception into a generic JSON 500."""

    def __init__(self, app: ASGIApp, *, envelopes: ErrorEnvelopes) -> None:
        self._app = app
        self._envelopes = envelopes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one HTTP request; other scopes pass straight through."""
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        token = bind_request_id(request_id)
        header = (b"x-request-id", request_id.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        try:
            await self._app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error in request %s", request_id)
            if started:
                raise
            await self._send_internal_error(scope, send_with_id, request_id)
        finally:
            reset_request_id(token)

    async def _send_internal_error(self, scope: Scope, send: Send, request_id: str) -> None:
        error = LooksmithError(f"Internal error; quote request id {request_id}")
        body = error_body(error, await self._envelopes.of(scope, ask_database=False))
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
