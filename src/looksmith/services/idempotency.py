"""Idempotency keys: the same key and request replay the first answer; anything else is 409."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import StrEnum

from looksmith.errors import IdempotencyKeyReused, InvalidParameter, RequestInProgress
from looksmith.ports.clock import Clock
from looksmith.ports.repositories import IdempotencyStore

_KEY = re.compile(r"[A-Za-z0-9_:.\-]{1,255}")
REPLAY_SECONDS = 24 * 3600
# A first request still "in flight" after this long died with its process: let a retry take over.
ABANDONED_AFTER_SECONDS = 120.0


_NOT_NOW = frozenset({408, 429})


class Outcome(StrEnum):
    """What to do with a request that carries an idempotency key."""

    PROCEED = "proceed"
    REPLAY = "replay"


@dataclass(frozen=True, slots=True)
class Decision:
    """Proceed (and record the answer afterwards), or replay a recorded answer."""

    outcome: Outcome
    status: int = 0
    body: bytes = b""


def request_hash(method: str, path: str, content_type: str, body: bytes) -> str:
    """What makes two requests "the same request"."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode(), content_type.encode(), body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


class IdempotencyService:
    """Decides per key; remembers answers for 24 hours."""

    def __init__(self, *, store: IdempotencyStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def begin(self, *, tenant_id: str, key: str, fingerprint: str) -> Decision:
        """Claim ``key`` for this request, or say how to answer instead."""
        if not _KEY.fullmatch(key):
            raise InvalidParameter(
                "Idempotency-Key", "must be 1 to 255 characters of A-Z a-z 0-9 _ : . -"
            )
        now = self._clock.now()
        found = self._store.claim(
            tenant_id,
            key,
            fingerprint=fingerprint,
            now=now,
            expires_at=now + REPLAY_SECONDS,
            abandoned_before=now - ABANDONED_AFTER_SECONDS,
        )
        if found is None:
            return Decision(Outcome.PROCEED)
        if found.fingerprint != fingerprint:
            raise IdempotencyKeyReused()
        if found.status is None:
            raise RequestInProgress()
        return Decision(Outcome.REPLAY, found.status, found.body)

    def finish(self, *, tenant_id: str, key: str, status: int, body: bytes) -> None:
        """Record the answer to replay.

        A server error or a "not now" (408, 429: rate limit, quota) is not kept, so the retry
        that ``Retry-After`` invites runs the request afresh instead of replaying the refusal.
        """
        if status >= 500 or status in _NOT_NOW:
            self._store.forget(tenant_id, key)
        else:
            self._store.record(tenant_id, key, status=status, body=body)
