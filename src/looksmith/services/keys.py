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
    """Creates, checks, lists and revokes API keys."""

    def __init__(self, *, tenants: TenantRepository, clock: Clock) -> None:
        self._tenants = tenants
        self._clock = clock

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
        if not key:
            raise Unauthorized()
        record = self._tenants.find_key(hash_key(key))
        if record is None or record.revoked_at is not None:
            raise Unauthorized()
        return record.tenant_id

    def list_keys(self) -> Sequence[tuple[ApiKeyRecord, Tenant]]:
        """Every key with its tenant."""
        return self._tenants.list_keys()

    def revoke(self, *, prefix: str) -> int:
        """Revoke the live keys starting with ``prefix``; return how many."""
        if len(prefix) < 4:
            raise InvalidParameter("prefix", "give at least 4 characters of the key")
        # A whole key, pasted by mistake, still names its own prefix.
        return self._tenants.revoke_keys(prefix[:_SHOWN_PREFIX_LENGTH], self._clock.now())
