"""Request rate counters shared by the API processes."""

from __future__ import annotations

from typing import Protocol

from looksmith.domain.limits import Decision


class RateLimiter(Protocol):
    """Token buckets keyed by tenant and route class."""

    # Whether ``acquire`` does network I/O, so callers on an event loop run it in a thread.
    remote: bool

    def acquire(self, tenant_id: str, klass: str, rate: float, burst: int, now: float) -> Decision:
        """Take one token from the tenant's ``klass`` bucket if it has one."""
        ...
