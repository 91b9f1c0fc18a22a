"""Idempotency keys in SQL; the primary key (tenant, key) decides races between processes."""

from __future__ import annotations

import base64

from sqlalchemy import Engine, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from looksmith.db.tables import idempotency_keys as keys
from looksmith.domain.models import RecordedRequest

_PENDING, _DONE = "pending", "done"


class SqlIdempotencyStore:
    """Rows of (tenant, key) with the request's fingerprint and, once done, its answer."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(
        self,
        tenant_id: str,
        key: str,
        *,
        fingerprint: str,
        now: float,
        expires_at: float,
        abandoned_before: float,
    ) -> RecordedRequest | None:
        """Insert a pending row, or report the live row that holds the key."""
        mine = (keys.c.tenant_id == tenant_id) & (keys.c.key == key)
        stale = or_(
            keys.c.expires_at <= now,
            (keys.c.state == _PENDING) & (keys.c.created_at < abandoned_before),
        )
        row = {
            "tenant_id": tenant_id,
            "key": key,
            "request_hash": fingerprint,
            "state": _PENDING,
            "created_at": now,
            "expires_at": expires_at,
        }
        try:
            with self._engine.begin() as conn:
                conn.execute(delete(keys).where(mine, stale))
                conn.execute(insert(keys).values(**row))
            return None
        except IntegrityError:
            pass  # the key is live: read what holds it
        with self._engine.connect() as conn:
            found = conn.execute(select(keys).where(mine)).mappings().first()
        if found is None:  # released in between: the caller may simply retry
            return RecordedRequest(fingerprint=fingerprint, status=None, body=b"")
        body = base64.b64decode(found["response_body"]) if found["response_body"] else b""
        status = found["response_status"] if found["state"] == _DONE else None
        return RecordedRequest(fingerprint=found["request_hash"], status=status, body=body)

    def record(self, tenant_id: str, key: str, *, status: int, body: bytes) -> None:
        """Mark the key done with its answer."""
        query = (
            update(keys)
            .where(keys.c.tenant_id == tenant_id, keys.c.key == key)
            .values(
                state=_DONE,
                response_status=status,
                response_body=base64.b64encode(body).decode(),
            )
        )
        with self._engine.begin() as conn:
            conn.execute(query)

    def forget(self, tenant_id: str, key: str) -> None:
        """Delete the key's row."""
        with self._engine.begin() as conn:
            conn.execute(delete(keys).where(keys.c.tenant_id == tenant_id, keys.c.key == key))
