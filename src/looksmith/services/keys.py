"""API keys and the tenants they belong to."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from looksmith.domain.models import ApiKeyRecord, Tenant, new_id
from looksmith.errors import InvalidParameter, Unauthorized
from looksmith.ports import Clock, TenantRepository

_KEY_PREFIX = "lk_"
_SHOWN_PREFIX_LENGTH = 10
_MAX_CACHED_KEYS = 10_000


def hash_key(key: str) -> str:
    """The stored form of a key: keys are long random strings, so one SHA-256 suffices."""
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class CreatedKey:
    """A new key in plain text, shown once, with its tenant."""

    key: str
    record: ApiKeyRecord
    tenant: Tenant


class KeyService:
    """Creates, checks, lists and revokes API keys.

    Successful checks are remembered for ``cache_seconds``: a poller's key costs one database
    lookup per interval, and a key revoked by another process stops working within it.
    """

    def __init__(
        self, *, tenants: TenantRepository, clock: Clock, cache_seconds: float = 2.0
    ) -> None:
        self._tenants = tenants
        self._clock = clock
        self._cache_seconds = cache_seconds
        self._checked: dict[str, tuple[str, float]] = {}

    def create_tenant(self, *, name: str) -> CreatedKey:
        """Create a tenant with one new key."""
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidParameter("name", "must be 1 to 200 characters")
        now = self._clock.now()
        tenant = Tenant(id=new_id(), name=name, created_at=now)
        key = _KEY_PREFIX + secrets.token_urlsafe(32)
        record = ApiKeyRecord(
            id=new_id(),
            tenant_id=tenant.id,
            prefix=key[:_SHOWN_PREFIX_LENGTH],
            key_hash=hash_key(key),
            created_at=now,
            revoked_at=None,
        )
        self._tenants.add_tenant_with_key(tenant, record)
        return CreatedKey(key=key, record=record, tenant=tenant)

    def authenticate(self, *, key: str | None) -> str:
        """The tenant id of a live key; ``Unauthorized`` otherwise."""
        tenant_id = self.cached_tenant(key)
        if tenant_id is not None:
            return tenant_id
        if not key:
            raise Unauthorized()
        digest = hash_key(key)
        record = self._tenants.find_key(digest)
        if record is None or record.revoked_at is not None:
            self._checked.pop(digest, None)
            raise Unauthorized()
        if len(self._checked) >= _MAX_CACHED_KEYS:
            self._checked.clear()
        self._checked[digest] = (record.tenant_id, self._clock.now() + self._cache_seconds)
        return record.tenant_id

    def cached_tenant(self, key: str | None) -> str | None:
        """The tenant of a key checked within the cache interval, without asking the database."""
        if not key:
            return None
        hit = self._checked.get(hash_key(key))
        if hit is None or hit[1] <= self._clock.now():
            return None
        return hit[0]

    def list_keys(self) -> Sequence[tuple[ApiKeyRecord, Tenant]]:
        """Every key with its tenant."""
        return self._tenants.list_keys()

    def revoke(self, *, prefix: str) -> int:
        """Revoke the live keys starting with ``prefix``; return how many."""
        if len(prefix) < 4:
            raise InvalidParameter("prefix", "give at least 4 characters of the key")
        # A whole key, pasted by mistake, still names its own prefix.
        revoked = self._tenants.revoke_keys(prefix[:_SHOWN_PREFIX_LENGTH], self._clock.now())
        self._checked.clear()
        return revoked
