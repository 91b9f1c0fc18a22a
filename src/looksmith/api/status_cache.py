"""Encoded status bodies, remembered for finished generations so repeat polls cost a lookup.

A finished generation only changes by being deleted, and a link signed within the same second is
the same link, so its encoded body can be reused until the second turns. Pollers of a finished
generation then cost a dictionary lookup in the status fast lane (``middleware/fast_lane.py``)
instead of a framework round trip and two queries. An entry is trusted for ``ttl`` seconds, after
which the route reads the database again: a deletion made by another process shows within that
interval. Anything the cache cannot answer (unknown key, unfinished, unseen or stale generation)
goes through the normal route.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from looksmith.api.http.conditional import state_tag
from looksmith.api.schemas.photo_avatar import generation_status_body, wire_status
from looksmith.domain.models import Generation, GenerationStatus
from looksmith.domain.ttl_cache import TtlCache
from looksmith.ports.clock import Clock
from looksmith.services.images import ImageService

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
