"""Per-tenant request rates and quotas: what each tenant may send and hold.

Rates are token buckets per tenant and route class: ``read`` (GET), ``write`` (POST, PATCH,
DELETE) and ``upload`` (``POST /v1/asset``). Settings give every class a rate and a burst; a
tenant's row in ``tenant_limits`` overrides the ``write`` class only (``requests_per_second``,
``burst``), because writes are what costs: reads are cheap and uploads have their own budget.

Quotas are counted in the database when a request would add work or images:
``max_queued_jobs`` caps the tenant's queued plus running jobs, ``max_images`` its stored images
plus those its unfinished generations will store. ``max_running_jobs`` is enforced where workers
claim jobs. Every limit left unset (None) is unlimited. Counting then acting is not atomic, so
concurrent requests may overshoot a quota by the number in flight; quotas are guard rails, not
billing.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from enum import StrEnum

from looksmith.domain.limits import Decision, Rate, TenantLimits, Usage
from looksmith.domain.models import Tenant
from looksmith.domain.ttl_cache import TtlCache
from looksmith.errors import InvalidParameter, NotFound, QuotaExceeded, RateLimited
from looksmith.ports.clock import Clock
from looksmith.ports.repositories import TenantLimitRepository

# A full quota frees up when jobs finish (seconds) or when the tenant deletes images (later).
JOB_QUOTA_RETRY_AFTER = 5
IMAGE_QUOTA_RETRY_AFTER = 60
_MAX_CACHED_TENANTS = 10_000


class RouteClass(StrEnum):
    """Which bucket a request draws from."""

    READ = "read"
    WRITE = "write"
    UPLOAD = "upload"


@dataclass(frozen=True, slots=True)
class LimitDefaults:
    """What applies to a tenant without overrides."""

    rates: Mapping[RouteClass, Rate]
    max_running_jobs: int | None = None
    max_queued_jobs: int | None = None
    max_images: int | None = None


@dataclass(frozen=True, slots=True)
class EffectiveLimits:
    """Defaults with a tenant's overrides applied."""

    rates: Mapping[RouteClass, Rate]
    max_running_jobs: int | None
    max_queued_jobs: int | None
    max_images: int | None


@dataclass(frozen=True, slots=True)
class LimitsView:
    """Everything ``limits show`` prints about one tenant."""

    tenant: Tenant
    overrides: TenantLimits
    effective: EffectiveLimits
    usage: Usage


class LimitService:
    """Resolves each tenant's limits (cached briefly) and checks quotas."""

    def __init__(
        self,
        *,
        repo: TenantLimitRepository,
        defaults: LimitDefaults,
        clock: Clock,
        cache_seconds: float = 5.0,
    ) -> None:
        self._repo = repo
        self._defaults = defaults
        self._cached: TtlCache[str, EffectiveLimits] = TtlCache(
            seconds=cache_seconds, now=clock.now, max_entries=_MAX_CACHED_TENANTS
        )

    def cached_limits(self, tenant_id: str) -> EffectiveLimits | None:
        """The tenant's limits if resolved within the cache interval; no database access."""
        return self._cached.get(tenant_id)

    def limits_for(self, tenant_id: str) -> EffectiveLimits:
        """The tenant's limits; a change made elsewhere shows within the cache interval."""
        found = self.cached_limits(tenant_id)
        if found is not None:
            return found
        found = effective(self._defaults, self._repo.get_limits(tenant_id) or TenantLimits())
        self._cached.put(tenant_id, found)
        return found

    def check_quota(self, tenant_id: str, *, jobs: int = 0, images: int = 0) -> None:
        """Raise ``RateLimited`` if adding ``jobs`` and ``images`` would pass a quota."""
        limits = self.limits_for(tenant_id)
        job_cap = limits.max_queued_jobs if jobs else None
        image_cap = limits.max_images if images else None
        if job_cap is None and image_cap is None:
            return  # nothing capped: skip the counting queries
        usage = self._repo.usage(tenant_id)
        _check_jobs(usage, jobs, job_cap)
        _check_images(usage, images, image_cap)

    def set_limits(self, *, tenant: str, changes: TenantLimits, reset: bool = False) -> LimitsView:
        """Merge ``changes`` (its non-None fields) into the tenant's overrides, or replace them."""
        _validate(changes)
        found = self.find_tenant(tenant)
        base = TenantLimits() if reset else self._repo.get_limits(found.id) or TenantLimits()
        given = {f.name: getattr(changes, f.name) for f in fields(changes)}
        merged = replace(
            base, **{name: value for name, value in given.items() if value is not None}
        )
        self._repo.set_limits(found.id, merged)
        self._cached.forget(found.id)
        return self.view(tenant=found.id)

    def view(self, *, tenant: str) -> LimitsView:
        """The tenant's overrides, effective limits and usage."""
        found = self.find_tenant(tenant)
        overrides = self._repo.get_limits(found.id) or TenantLimits()
        return LimitsView(
            tenant=found,
            overrides=overrides,
            effective=effective(self._defaults, overrides),
            usage=self._repo.usage(found.id),
        )

    def find_tenant(self, name_or_id: str) -> Tenant:
        """The one tenant with this id, or else with this name."""
        found = self._repo.find_tenants(name_or_id)
        by_id = [tenant for tenant in found if tenant.id == name_or_id]
        if by_id:
            return by_id[0]
        if not found:
            raise NotFound(f"tenant {name_or_id} not found")
        if len(found) > 1:
            raise InvalidParameter(
                "tenant", f"{len(found)} tenants are named {name_or_id}; give the id"
            )
        return found[0]


def effective(defaults: LimitDefaults, overrides: TenantLimits) -> EffectiveLimits:
    """Defaults with ``overrides`` applied; the override rate and burst replace ``write``'s."""
    write = defaults.rates[RouteClass.WRITE]
    rates = dict(defaults.rates)
    rates[RouteClass.WRITE] = Rate(
        per_second=overrides.requests_per_second or write.per_second,
        burst=overrides.burst or write.burst,
    )
    return EffectiveLimits(
        rates=rates,
        max_running_jobs=_first(overrides.max_running_jobs, defaults.max_running_jobs),
        max_queued_jobs=_first(overrides.max_queued_jobs, defaults.max_queued_jobs),
        max_images=_first(overrides.max_images, defaults.max_images),
    )


def route_class(method: str, path: str) -> RouteClass:
    """The bucket a request draws from; anything not a GET or HEAD counts as a write."""
    if method in ("GET", "HEAD", "OPTIONS"):
        return RouteClass.READ
    return RouteClass.UPLOAD if path == "/v1/asset" else RouteClass.WRITE


def window_seconds(rate: Rate) -> int:
    """The window a bucket's quota is stated over: the time to refill it from empty."""
    return max(1, math.ceil(rate.burst / rate.per_second))


def ratelimit_headers(
    name: str, quota: int, window: int | None, remaining: int, reset: int | None
) -> dict[str, str]:
    """``RateLimit-Policy`` and ``RateLimit`` in draft-ietf-httpapi-ratelimit-headers form."""
    policy = f'"{name}";q={quota}' + (f";w={window}" if window is not None else "")
    state = f'"{name}";r={remaining}' + (f";t={reset}" if reset is not None else "")
    return {"RateLimit-Policy": policy, "RateLimit": state}


def rate_headers(klass: RouteClass, rate: Rate, decision: Decision) -> dict[str, str]:
    """Headers describing a bucket; ``t`` is when the next request may pass if none remain."""
    reset = decision.reset_seconds if decision.allowed else decision.retry_after
    return ratelimit_headers(
        klass.value, rate.burst, window_seconds(rate), decision.remaining, reset
    )


def rate_limited(klass: RouteClass, rate: Rate, decision: Decision) -> RateLimited:
    """The 429 for a request refused by its bucket."""
    return RateLimited(
        f"Too many {klass.value} requests: at most {rate.per_second:g} per second "
        f"(bursts of {rate.burst}); retry in {decision.retry_after} s",
        retry_after=decision.retry_after,
        headers=rate_headers(klass, rate, decision),
    )


def _check_jobs(usage: Usage, adding: int, limit: int | None) -> None:
    held = usage.queued_jobs + usage.running_jobs
    if limit is not None and held + adding > limit:
        raise QuotaExceeded(
            f"Too many unfinished jobs: {held} queued or running, at most {limit}; "
            "retry when some finish",
            retry_after=JOB_QUOTA_RETRY_AFTER,
            headers=ratelimit_headers(
                "jobs", limit, None, max(0, limit - held), JOB_QUOTA_RETRY_AFTER
            ),
        )


def _check_images(usage: Usage, adding: int, limit: int | None) -> None:
    held = usage.images + usage.pending_images
    if limit is not None and held + adding > limit:
        raise QuotaExceeded(
            f"Image quota reached: {held} stored or being generated, at most {limit}; "
            "delete some to make room",
            retry_after=IMAGE_QUOTA_RETRY_AFTER,
            headers=ratelimit_headers("images", limit, None, max(0, limit - held), None),
        )


def _validate(changes: TenantLimits) -> None:
    if changes.requests_per_second is not None and changes.requests_per_second <= 0:
        raise InvalidParameter("rps", "must be greater than 0")
    for name in ("burst", "max_running_jobs", "max_queued_jobs", "max_images"):
        value = getattr(changes, name)
        minimum = 1 if name == "burst" else 0
        if value is not None and value < minimum:
            raise InvalidParameter(name, f"must be at least {minimum}")


def _first(override: int | None, default: int | None) -> int | None:
    return override if override is not None else default
