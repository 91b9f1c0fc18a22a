"""The status fast lane: repeat polls of finished generations, answered before any other layer.

It answers from ``StatusBodies`` (see ``status_cache``) when it can and passes every other
request on unchanged.
"""

from __future__ import annotations

import os
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from looksmith.api.http.headers import incoming_request_id, read_poll_headers
from looksmith.api.middleware.metrics import HttpMetrics
from looksmith.api.status_cache import StatusAnswer, StatusBodies
from looksmith.services.keys import KeyService

STATUS_PREFIX = "/v2/photo_avatar/generation/"
# The status route's template: the fast lane's answers are counted under it.
STATUS_ROUTE = STATUS_PREFIX + "{generation_id}"


class StatusFastLane:
    """Pure ASGI, outermost: answers ``GET`` status polls from ``StatusBodies`` when it can.

    It sits outside the request-id and metrics middleware so that a hit pays for neither layer;
    it adds the request id and counts the request itself.
    """

    def __init__(
        self, app: ASGIApp, *, keys: KeyService, bodies: StatusBodies, http: HttpMetrics
    ) -> None:
        self._app = app
        self._keys = keys
        self._bodies = bodies
        self._http = http

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve a cached body, or pass the request on unchanged."""
        started = time.perf_counter()
        found = self._cached_answer(scope) if scope["type"] == "http" else None
        if found is None:
            await self._app(scope, receive, send)
            return
        answer, if_none_match = found
        request_id = incoming_request_id(scope) or os.urandom(16).hex()
        status, body = (304, b"") if if_none_match == answer.etag else (200, answer.body)
        headers = [
            (b"etag", answer.etag.encode()),
            (b"x-request-id", request_id.encode()),
        ]
        if status == 200:
            headers.append((b"content-type", b"application/json"))
            headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        self._http.record(scope, status, time.perf_counter() - started, route=STATUS_ROUTE)

    def _cached_answer(self, scope: Scope) -> tuple[StatusAnswer, str | None] | None:
        path: str = scope["path"]
        if scope["method"] != "GET" or not path.startswith(STATUS_PREFIX) or scope["query_string"]:
            return None  # long polls and opt-ins (query parameters) take the route
        api_key, if_none_match, prefers = read_poll_headers(scope)
        tenant_id = self._keys.cached_tenant(api_key)
        if tenant_id is None or prefers:
            return None
        answer = self._bodies.cached(tenant_id, path[len(STATUS_PREFIX) :])
        return None if answer is None else (answer, if_none_match)
