"""Encoded status bodies, and a fast lane that answers repeat polls of finished generations.

A finished generation only changes by being deleted, and a link signed within the same second is
the same link, so its encoded body can be reused until the second turns. Pollers of a finished
generation then cost a dictionary lookup instead of a framework round trip and two queries. An
entry is trusted for ``ttl`` seconds, after which the route reads the database again: a deletion
made by another process shows within that interval. Anything the cache cannot answer (unknown
key, unfinished, unseen or stale generation) goes through the normal route.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Receive, Scope, Send

from looksmith.api.middleware import incoming_request_id
from looksmith.api.schemas import generation_status_body
from looksmith.domain.models import Generation, GenerationStatus
from looksmith.ports import Clock
from looksmith.services.images import ImageService
from looksmith.services.keys import KeyService

if TYPE_CHECKING:  # metrics imports this module's STATUS_PREFIX
    from looksmith.api.metrics import HttpMetrics

STATUS_PREFIX = "/v2/photo_avatar/generation/"
_MAX_ENTRIES = 50_000


@dataclass(slots=True)
class _Entry:
    generation: Generation
    expires_at: int
    body: bytes
    valid_until: float


class StatusBodies:
    """Builds status bodies and remembers those of finished generations for ``ttl`` seconds."""

    def __init__(self, images: ImageService, clock: Clock, ttl: float) -> None:
        self._images = images
        self._clock = clock
        self._ttl = ttl
        self._finished: dict[tuple[str, str], _Entry] = {}

    def body(self, generation: Generation) -> bytes:
        """The encoded status envelope, with links signed for this second."""
        expires_at = self._images.link_expiry()
        body = self._encode(generation, expires_at)
        if generation.status.is_terminal:
            if len(self._finished) >= _MAX_ENTRIES:
                del self._finished[next(iter(self._finished))]
            valid_until = self._clock.now() + self._ttl
            key = (generation.tenant_id, generation.id)
            self._finished[key] = _Entry(generation, expires_at, body, valid_until)
        return body

    def clear(self) -> None:
        """Forget every entry, after something was deleted here."""
        self._finished.clear()

    def cached(self, tenant_id: str, generation_id: str) -> bytes | None:
        """The body of a finished generation seen before, re-signed if the second turned."""
        entry = self._finished.get((tenant_id, generation_id))
        if entry is None or entry.valid_until <= self._clock.now():
            return None
        expires_at = self._images.link_expiry()
        if entry.expires_at != expires_at:
            entry.body = self._encode(entry.generation, expires_at)
            entry.expires_at = expires_at
        return entry.body

    def _encode(self, generation: Generation, expires_at: int) -> bytes:
        keys = urls = None
        if generation.status is GenerationStatus.SUCCESS:
            keys, urls = self._images.keys_and_urls(generation.image_ids, expires_at=expires_at)
        return json.dumps(generation_status_body(generation, keys, urls)).encode()


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
        body = self._cached_answer(scope) if scope["type"] == "http" else None
        if body is None:
            await self._app(scope, receive, send)
            return
        request_id = incoming_request_id(scope) or os.urandom(16).hex()
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"x-request-id", request_id.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        self._http.record(scope, 200, time.perf_counter() - started)

    def _cached_answer(self, scope: Scope) -> bytes | None:
        path: str = scope["path"]
        if scope["method"] != "GET" or not path.startswith(STATUS_PREFIX):
            return None
        tenant_id = self._keys.cached_tenant(_api_key(scope))
        if tenant_id is None:
            return None
        return self._bodies.cached(tenant_id, path[len(STATUS_PREFIX) :])


def _api_key(scope: Scope) -> str | None:
    """The key from ``x-api-key`` or a bearer token, as the auth dependency reads it."""
    api_key = bearer = None
    for name, value in scope["headers"]:
        if name == b"x-api-key":
            api_key = value.decode("latin-1")
        elif name == b"authorization" and value[:7].lower() == b"bearer ":
            bearer = value[7:].decode("latin-1").strip()
    return api_key or bearer or None
