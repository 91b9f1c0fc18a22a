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

from looksmith.api.conditional import state_tag
from looksmith.api.middleware import incoming_request_id
from looksmith.api.schemas import generation_status_body, wire_status
from looksmith.domain.models import Generation, GenerationStatus
from looksmith.domain.ttl_cache import TtlCache
from looksmith.ports.clock import Clock
from looksmith.services.images import ImageService
from looksmith.services.keys import KeyService

if TYPE_CHECKING:  # metrics imports this module's STATUS_PREFIX
    from looksmith.api.metrics import HttpMetrics

STATUS_PREFIX = "/v2/photo_avatar/generation/"
_MAX_ENTRIES = 50_000


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    """An encoded status envelope and its entity tag."""

    body: bytes
    etag: str
    status: str  # as the client sees it: in_progress, success or failed


def state_etag(generation: Generation) -> str:
    """A strong tag of what a client can see: it changes exactly when the visible state does.

    Built from the state, not the bytes: links are re-signed on every read, so the bytes change
    every second while nothing a client cares about does.
    """
    return state_tag(
        generation.id,
        wire_status(generation.status),
        generation.message,
        " ".join(generation.image_ids),
    )


@dataclass(slots=True)
class _Entry:
    generation: Generation
    expires_at: int
    answer: StatusAnswer


class StatusBodies:
    """Builds status bodies and remembers those of finished generations for ``ttl`` seconds."""

    def __init__(self, images: ImageService, clock: Clock, ttl: float) -> None:
        self._images = images
        self._finished: TtlCache[tuple[str, str], _Entry] = TtlCache(
            seconds=ttl, now=clock.now, max_entries=_MAX_ENTRIES, drop_oldest=True
        )

    def answer(self, generation: Generation) -> StatusAnswer:
        """The encoded status envelope, with links signed for this second, and its tag."""
        expires_at = self._images.link_expiry()
        answer = StatusAnswer(
            self._encode(generation, expires_at),
            state_etag(generation),
            wire_status(generation.status),
        )
        if generation.status.is_terminal:
            key = (generation.tenant_id, generation.id)
            self._finished.put(key, _Entry(generation, expires_at, answer))
        return answer

    def clear(self) -> None:
        """Forget every entry, after something was deleted here."""
        self._finished.clear()

    def cached(self, tenant_id: str, generation_id: str) -> StatusAnswer | None:
        """The answer for a finished generation seen before, re-signed if the second turned."""
        entry = self._finished.get((tenant_id, generation_id))
        if entry is None:
            return None
        expires_at = self._images.link_expiry()
        if entry.expires_at != expires_at:
            body = self._encode(entry.generation, expires_at)
            entry.answer = StatusAnswer(body, entry.answer.etag, entry.answer.status)
            entry.expires_at = expires_at
        return entry.answer

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
        self._http.record(scope, status, time.perf_counter() - started)

    def _cached_answer(self, scope: Scope) -> tuple[StatusAnswer, str | None] | None:
        path: str = scope["path"]
        if scope["method"] != "GET" or not path.startswith(STATUS_PREFIX) or scope["query_string"]:
            return None  # long polls and opt-ins (query parameters) take the route
        api_key, if_none_match, prefers = _read_headers(scope)
        tenant_id = self._keys.cached_tenant(api_key)
        if tenant_id is None or prefers:
            return None
        answer = self._bodies.cached(tenant_id, path[len(STATUS_PREFIX) :])
        return None if answer is None else (answer, if_none_match)


def read_api_key(scope: Scope) -> str | None:
    """The key from ``x-api-key`` or a bearer token, as the auth dependency reads it."""
    return _read_headers(scope)[0]


def _read_headers(scope: Scope) -> tuple[str | None, str | None, bool]:
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
