"""API keys and the tenants they belong to."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace

from looksmith.domain.models import ApiKeyRecord, ErrorFormat, Tenant, new_id
from looksmith.domain.ttl_cache import TtlCache
from looksmith.errors import InvalidParameter, NotFound, Unauthorized
from looksmith.ports.clock import Clock
from looksmith.ports.repositories import TenantRepository

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


@dataclass(frozen=True, slots=True)
class Caller:
    """Who a live key speaks for: its tenant, and the error format that tenant chose."""

    tenant_id: str
    error_format: ErrorFormat | None  # None: the server's setting


class KeyService:
    """Creates, checks, lists and revokes API keys, and sets their tenants' error formats.

    Successful checks are remembered for ``cache_seconds``: a poller's key costs one database
    lookup per interval, and a key revoked by another process stops working within it.
    """

    def __init__(
        self, *, tenants: TenantRepository, clock: Clock, cache_seconds: float = 2.0
    ) -> None:
        self._tenants = tenants
        self._clock = clock
        self._checked: TtlCache[str, Caller] = TtlCache(
            seconds=cache_seconds, now=clock.now, max_entries=_MAX_CACHED_KEYS
        )

    def create_tenant(self, *, name: str, error_format: ErrorFormat | None = None) -> CreatedKey:
        """Create a tenant with one new key; ``error_format`` None follows the server's."""
        name = name.strip()
        if not name or len(name) > 200:
            raise InvalidParameter("name", "must be 1 to 200 characters")
        now = self._clock.now()
        tenant = Tenant(id=new_id(), name=name, created_at=now, error_format=error_format)
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
        return self.caller(key=key).tenant_id

    def caller(self, *, key: str | None) -> Caller:
        """The tenant of a live key and its error format; ``Unauthorized`` otherwise."""
        cached = self.cached_caller(key)
        if cached is not None:
            return cached
        if not key:
            raise Unauthorized()
        digest = hash_key(key)
        found = self._tenants.find_key(digest)
        if found is None or found[0].revoked_at is not None:
            self._checked.forget(digest)
            raise Unauthorized()
        record, tenant = found
        caller = Caller(tenant_id=record.tenant_id, error_format=tenant.error_format)
        self._checked.put(digest, caller)
        return caller

    def cached_tenant(self, key: str | None) -> str | None:
        """The tenant of a key checked within the cache interval, without asking the database."""
        cached = self.cached_caller(key)
        return None if cached is None else cached.tenant_id

    def cached_caller(self, key: str | None) -> Caller | None:
        """``caller`` for a key checked within the cache interval, without asking the database."""
        if not key:
            return None
        return self._checked.get(hash_key(key))

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

    def set_error_format(self, *, prefix: str, error_format: ErrorFormat | None) -> Tenant:
        """Set the error format of the one tenant whose key starts with ``prefix``."""
        if len(prefix) < 4:
            raise InvalidParameter("prefix", "give at least 4 characters of the key")
        found = self._tenants.tenants_with_key_prefix(prefix[:_SHOWN_PREFIX_LENGTH])
        if not found:
            raise NotFound(f"no key starts with {prefix}")
        if len(found) > 1:
            raise InvalidParameter(
                "prefix", f"keys of {len(found)} tenants start with {prefix}; give more of it"
            )
        self._tenants.set_error_format(found[0].id, error_format)
        self._checked.clear()  # this process answers in the new format at once; others soon
        return replace(found[0], error_format=error_format)
