"""Token bucket math on a fake clock, the memory limiter under threads, header and quota rules."""

from __future__ import annotations

import threading

import pytest

from looksmith.clock import ManualClock
from looksmith.domain.limits import Decision, Rate, TenantLimits, Usage
from looksmith.domain.models import Tenant
from looksmith.errors import InvalidParameter, NotFound, RateLimited
from looksmith.ratelimit.memory import MemoryRateLimiter
from looksmith.services.limits import (
    LimitDefaults,
    LimitService,
    RouteClass,
    rate_headers,
    ratelimit_headers,
    route_class,
)

T0 = 1_750_000_000.0
RATES = {
    RouteClass.READ: Rate(50, 100),
    RouteClass.WRITE: Rate(10, 20),
    RouteClass.UPLOAD: Rate(2, 5),
}


def drain(limiter: MemoryRateLimiter, n: int, *, rate: float = 10, burst: int = 20) -> Decision:
    decision = None
    for _ in range(n):
        decision = limiter.acquire("t", "write", rate, burst, T0)
    assert decision is not None
    return decision


def test_a_new_bucket_allows_exactly_the_burst():
    limiter = MemoryRateLimiter()
    first = limiter.acquire("t", "write", 10, 20, T0)
    assert first == Decision(allowed=True, remaining=19, reset_seconds=1, retry_after=0)
    last = drain(limiter, 19)
    assert last.allowed and last.remaining == 0 and last.reset_seconds == 2
    refused = limiter.acquire("t", "write", 10, 20, T0)
    assert refused == Decision(allowed=False, remaining=0, reset_seconds=2, retry_after=1)


def test_tokens_refill_at_the_rate_and_stop_at_the_burst():
    limiter = MemoryRateLimiter()
    drain(limiter, 20)
    assert not limiter.acquire("t", "write", 10, 20, T0 + 0.05).allowed
    assert limiter.acquire(
        "t", "write", 10, 20, T0 + 0.101
    ).allowed  # one token back (float time: not 0.1 exactly)
    assert not limiter.acquire("t", "write", 10, 20, T0 + 0.15).allowed
    after_idle = limiter.acquire("t", "write", 10, 20, T0 + 3600)
    assert after_idle.remaining == 19  # capped at the burst, not 36,000


def test_retry_after_is_whole_seconds_until_a_token():
    limiter = MemoryRateLimiter()
    for _ in range(2):
        limiter.acquire("t", "slow", 0.1, 2, T0)
    refused = limiter.acquire("t", "slow", 0.1, 2, T0 + 1)
    assert not refused.allowed
    assert refused.retry_after == 9  # 0.1 token after 1 s; 0.9 more takes 9 s
    assert limiter.acquire("t", "slow", 0.1, 2, T0 + 10).allowed


def test_a_clock_going_back_refills_nothing():
    limiter = MemoryRateLimiter()
    drain(limiter, 20)
    assert not limiter.acquire("t", "write", 10, 20, T0 - 100).allowed
    assert not limiter.acquire("t", "write", 10, 20, T0 + 0.05).allowed


def test_buckets_are_per_tenant_and_per_class():
    limiter = MemoryRateLimiter()
    drain(limiter, 21)
    assert limiter.acquire("other", "write", 10, 20, T0).allowed
    assert limiter.acquire("t", "read", 10, 20, T0).allowed


def test_memory_limiter_admits_exactly_the_burst_across_threads():
    limiter = MemoryRateLimiter()
    allowed: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def hammer() -> None:
        start.wait()
        for _ in range(100):
            decision = limiter.acquire("t", "write", 0.001, 250, T0)
            with lock:
                allowed.append(decision.allowed)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) == 250 and len(allowed) == 800


def test_route_classes():
    assert route_class("GET", "/v2/avatar_group.list") is RouteClass.READ
    assert route_class("HEAD", "/image/x/original") is RouteClass.READ
    assert route_class("POST", "/v2/photo_avatar/photo/generate") is RouteClass.WRITE
    assert route_class("DELETE", "/v2/photo_avatar/abc") is RouteClass.WRITE
    assert route_class("PATCH", "/anything") is RouteClass.WRITE
    assert route_class("POST", "/v1/asset") is RouteClass.UPLOAD


def test_headers_use_the_structured_field_form():
    refused = Decision(allowed=False, remaining=0, reset_seconds=2, retry_after=1)
    assert rate_headers(RouteClass.WRITE, Rate(10, 20), refused) == {
        "RateLimit-Policy": '"write";q=20;w=2',
        "RateLimit": '"write";r=0;t=1',
    }
    allowed = Decision(allowed=True, remaining=97, reset_seconds=1, retry_after=0)
    assert rate_headers(RouteClass.READ, Rate(50, 100), allowed) == {
        "RateLimit-Policy": '"read";q=100;w=2',
        "RateLimit": '"read";r=97;t=1',
    }
    assert ratelimit_headers("jobs", 5, None, 0, None) == {
        "RateLimit-Policy": '"jobs";q=5',
        "RateLimit": '"jobs";r=0',
    }


def test_rate_limited_always_says_when_to_retry():
    error = RateLimited("slow down", retry_after=0, headers={"RateLimit": '"write";r=0;t=1'})
    assert error.status == 429 and error.code == "rate_limit_exceeded"
    assert error.headers == {"Retry-After": "1", "RateLimit": '"write";r=0;t=1'}


class FakeLimits:
    """An in-memory ``TenantLimitRepository``."""

    def __init__(self, usage: Usage | None = None) -> None:
        self.rows: dict[str, TenantLimits] = {}
        self.tenants = [Tenant("a" * 32, "acme", T0), Tenant("b" * 32, "twin", T0)]
        self.tenants.append(Tenant("c" * 32, "twin", T0))
        self.current = usage or Usage(queued_jobs=0, running_jobs=0, images=0, pending_images=0)
        self.reads = 0

    def get_limits(self, tenant_id: str) -> TenantLimits | None:
        self.reads += 1
        return self.rows.get(tenant_id)

    def set_limits(self, tenant_id: str, limits: TenantLimits) -> None:
        self.rows[tenant_id] = limits

    def usage(self, tenant_id: str) -> Usage:
        return self.current

    def find_tenants(self, name_or_id: str) -> list[Tenant]:
        return [t for t in self.tenants if name_or_id in (t.id, t.name)]


def service(repo: FakeLimits, clock: ManualClock, **defaults: int) -> LimitService:
    return LimitService(
        repo=repo, defaults=LimitDefaults(rates=RATES, **defaults), clock=clock, cache_seconds=5
    )


def test_tenant_overrides_replace_the_write_class_only():
    repo, clock = FakeLimits(), ManualClock(T0)
    limits = service(repo, clock, max_images=100)
    changes = TenantLimits(requests_per_second=1, burst=3, max_images=7)
    view = limits.set_limits(tenant="acme", changes=changes)
    assert view.effective.rates[RouteClass.WRITE] == Rate(1, 3)
    assert view.effective.rates[RouteClass.READ] == RATES[RouteClass.READ]
    assert view.effective.max_images == 7
    merged = limits.set_limits(tenant="a" * 32, changes=TenantLimits(max_queued_jobs=2))
    assert merged.overrides == TenantLimits(1, 3, None, 2, 7)
    reset = limits.set_limits(tenant="acme", changes=TenantLimits(burst=4), reset=True)
    assert reset.overrides == TenantLimits(burst=4)


def test_limits_are_cached_until_the_interval_ends():
    repo, clock = FakeLimits(), ManualClock(T0)
    limits = service(repo, clock)
    assert limits.cached_limits("a" * 32) is None
    limits.limits_for("a" * 32)
    limits.limits_for("a" * 32)
    assert repo.reads == 1 and limits.cached_limits("a" * 32) is not None
    clock.advance(5)
    assert limits.cached_limits("a" * 32) is None


def test_tenants_are_found_by_id_or_unique_name():
    limits = service(FakeLimits(), ManualClock(T0))
    assert limits.find_tenant("acme").id == "a" * 32
    assert limits.find_tenant("b" * 32).name == "twin"
    with pytest.raises(InvalidParameter, match="give the id"):
        limits.find_tenant("twin")
    with pytest.raises(NotFound):
        limits.find_tenant("nobody")


def test_bad_overrides_are_refused():
    limits = service(FakeLimits(), ManualClock(T0))
    with pytest.raises(InvalidParameter, match="rps"):
        limits.set_limits(tenant="acme", changes=TenantLimits(requests_per_second=0))
    with pytest.raises(InvalidParameter, match="burst"):
        limits.set_limits(tenant="acme", changes=TenantLimits(burst=0))
    with pytest.raises(InvalidParameter, match="max_images"):
        limits.set_limits(tenant="acme", changes=TenantLimits(max_images=-1))


def test_job_quota_counts_queued_and_running():
    repo = FakeLimits(Usage(queued_jobs=2, running_jobs=1, images=0, pending_images=0))
    limits = service(repo, ManualClock(T0), max_queued_jobs=4)
    limits.check_quota("a" * 32, jobs=1)
    repo.current = Usage(queued_jobs=3, running_jobs=1, images=0, pending_images=0)
    with pytest.raises(RateLimited) as refused:
        limits.check_quota("a" * 32, jobs=1)
    assert refused.value.headers["Retry-After"] == "5"
    assert refused.value.headers["RateLimit"] == '"jobs";r=0;t=5'
    limits.check_quota("a" * 32, images=1)  # no image quota set


def test_image_quota_counts_what_generations_will_store():
    repo = FakeLimits(Usage(queued_jobs=1, running_jobs=0, images=3, pending_images=4))
    limits = service(repo, ManualClock(T0), max_images=8)
    limits.check_quota("a" * 32, images=1)
    with pytest.raises(RateLimited, match="Image quota"):
        limits.check_quota("a" * 32, jobs=1, images=4)
