"""Rate limiter adapters: in memory (embedded) or in Redis (shared by scaled-out API processes)."""

from __future__ import annotations

from looksmith.config import QueueKind, Settings
from looksmith.ports.limits import RateLimiter


def redis_url_for(settings: Settings) -> str | None:
    """The Redis holding shared buckets: the setting, else a Celery broker that is Redis."""
    if settings.rate_limit.redis_url:
        return settings.rate_limit.redis_url
    broker = settings.queue.broker_url or ""
    if settings.queue.kind is QueueKind.CELERY and broker.startswith(("redis://", "rediss://")):
        return broker
    return None


def build_rate_limiter(settings: Settings) -> RateLimiter:
    """Redis buckets when several processes must share them, else buckets in this process."""
    url = redis_url_for(settings)
    if url is None:
        from looksmith.ratelimit.memory import MemoryRateLimiter

        return MemoryRateLimiter()
    from looksmith.ratelimit.redis import RedisRateLimiter

    return RedisRateLimiter(url)
