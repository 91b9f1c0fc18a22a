"""Token buckets in this process's memory: the embedded default, and the reference bucket math."""

from __future__ import annotations

import math
import threading

from looksmith.domain.limits import Decision

_MAX_BUCKETS = 100_000


def refill(tokens: float, updated_at: float, rate: float, burst: int, now: float) -> float:
    """Tokens after refilling since ``updated_at``; a clock that went back refills nothing."""
    return min(float(burst), tokens + max(0.0, now - updated_at) * rate)


def decide(tokens: float, allowed: bool, rate: float, burst: int) -> Decision:
    """The decision for a bucket left with ``tokens`` after the request was taken or refused."""
    reset = math.ceil(max(0.0, burst - tokens) / rate)
    retry_after = 0 if allowed else max(1, math.ceil((1.0 - tokens) / rate))
    return Decision(
        allowed=allowed,
        remaining=max(0, math.floor(tokens)),
        reset_seconds=reset,
        retry_after=retry_after,
    )


class MemoryRateLimiter:
    """Thread-safe buckets for one process; limits hold per process, not across processes."""

    remote = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}

    def acquire(self, tenant_id: str, klass: str, rate: float, burst: int, now: float) -> Decision:
        """Take one token from the tenant's ``klass`` bucket if it has one."""
        key = (tenant_id, klass)
        with self._lock:
            tokens, updated_at = self._buckets.get(key, (float(burst), now))
            tokens = refill(tokens, updated_at, rate, burst, now)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            if key not in self._buckets and len(self._buckets) >= _MAX_BUCKETS:
                # A forgotten bucket comes back full: at worst one extra burst per tenant.
                self._buckets.clear()
            self._buckets[key] = (tokens, max(now, updated_at))
        return decide(tokens, allowed, rate, burst)
