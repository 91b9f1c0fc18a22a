"""The Redis limiter against the machine's Redis: same math as memory, shared across instances."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import pytest

from looksmith.ratelimit.memory import MemoryRateLimiter
from looksmith.ratelimit.redis import RedisRateLimiter
from tests.support import services

T0 = 1_750_000_000.0


@pytest.fixture
def prefix() -> Iterator[str]:
    """A key prefix no other test uses; its keys are deleted afterwards."""
    services.require_redis()
    import redis

    name = f"looksmith:test:{uuid.uuid4().hex}:"
    yield name
    client = redis.Redis.from_url(services.REDIS_URL)
    for key in client.scan_iter(f"{name}*"):
        client.delete(key)


def limiter(prefix: str) -> RedisRateLimiter:
    return RedisRateLimiter(services.REDIS_URL, prefix=prefix)


def test_redis_decides_exactly_like_memory(prefix: str):
    shared, local = limiter(prefix), MemoryRateLimiter()
    times = [T0] * 22 + [T0 + 0.05, T0 + 0.101, T0 + 0.15, T0 + 1, T0 + 1, T0 + 3600]
    for now in times:
        assert shared.acquire("t", "write", 10, 20, now) == local.acquire("t", "write", 10, 20, now)


def test_two_instances_share_one_bucket(prefix: str):
    api_1, api_2 = limiter(prefix), limiter(prefix)
    allowed = [
        (api_1 if i % 2 else api_2).acquire("t", "write", 1, 10, T0).allowed for i in range(20)
    ]
    assert sum(allowed) == 10
    refused = api_1.acquire("t", "write", 1, 10, T0 + 0.5)
    assert not refused.allowed and refused.retry_after == 1
    assert api_2.acquire("other", "write", 1, 10, T0).allowed


def test_buckets_expire_once_full_again(prefix: str):
    import redis

    limiter(prefix).acquire("t", "write", 10, 20, T0)
    ttl_ms = redis.Redis.from_url(services.REDIS_URL).pttl(f"{prefix}t:write")
    assert 0 < ttl_ms <= 1100  # one token at 10/s, plus a second's margin


def test_unreachable_redis_fails_open_and_warns_once(caplog: pytest.LogCaptureFixture):
    down = RedisRateLimiter("redis://127.0.0.1:1", timeout=0.2, retry_seconds=60)
    with caplog.at_level(logging.WARNING, logger="looksmith.ratelimit.redis"):
        decisions = [down.acquire("t", "write", 1, 1, T0) for _ in range(5)]
    assert all(decision.allowed for decision in decisions)
    assert len([r for r in caplog.records if "unreachable" in r.getMessage()]) == 1
