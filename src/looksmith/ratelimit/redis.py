"""Token buckets in Redis, shared by every API process; one atomic Lua script per request.

If Redis cannot be reached the limiter fails open: requests pass, a warning is logged once per
outage, and Redis is not tried again for ``retry_seconds``, so an outage costs one short timeout
instead of one per request. Availability matters more here than strictness.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from looksmith.domain.limits import Decision
from looksmith.ratelimit.memory import decide

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "looksmith:ratelimit:"

# KEYS[1] the bucket; ARGV rate, burst, now. A missing bucket is full. The stored time never goes
# back, so an API process with a slow clock cannot refill a bucket twice. The key expires once
# the bucket would be full again: an expired bucket and a full one are the same.
_TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(math.max(now, at)))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
"""


class RedisRateLimiter:
    """Buckets under ``prefix + tenant:class`` keys; fails open while Redis is unreachable."""

    remote = True

    def __init__(
        self,
        url: str,
        *,
        prefix: str = DEFAULT_PREFIX,
        timeout: float = 0.25,
        retry_seconds: float = 5.0,
    ) -> None:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        self._script: Any = client.register_script(_TAKE)
        self._prefix = prefix
        self._retry_seconds = retry_seconds
        self._down_until = 0.0
        self._failing = False

    def acquire(self, tenant_id: str, klass: str, rate: float, burst: int, now: float) -> Decision:
        """Take one token from the shared bucket; allow if Redis is unreachable."""
        if time.monotonic() < self._down_until:
            return _open(burst)
        key = f"{self._prefix}{tenant_id}:{klass}"
        try:
            allowed, tokens = self._script(keys=[key], args=[rate, burst, now])
        except Exception as exc:
            self._went_down(exc)
            return _open(burst)
        if self._failing:
            self._failing = False
            log.warning("rate limiter: Redis reachable again")
        return decide(float(tokens), bool(allowed), rate, burst)

    def _went_down(self, exc: Exception) -> None:
        # Racing threads may both log; a duplicate line beats a lock on every request.
        self._down_until = time.monotonic() + self._retry_seconds
        if not self._failing:
            self._failing = True
            log.warning("rate limiter: Redis unreachable, allowing requests: %s", exc)


def _open(burst: int) -> Decision:
    """The decision when the bucket cannot be read: allowed, nothing promised."""
    return Decision(allowed=True, remaining=burst, reset_seconds=0, retry_after=0)
