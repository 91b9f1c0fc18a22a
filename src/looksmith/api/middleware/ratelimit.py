"""Rate limits and quotas, applied in the auth dependency once the tenant is known.

The status fast lane answers repeat polls of finished generations before any dependency runs,
so those polls are not rate-limited: they cost a dictionary lookup, less than limiting them
would. Every other request takes a token from its tenant's bucket for its route class; requests
that add jobs or images are also checked against the tenant's quotas before anything is stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from looksmith.composition.api import ApiParts
from looksmith.domain.specs import IMAGES_PER_GENERATION
from looksmith.ports.clock import Clock
from looksmith.ports.limits import RateLimiter
from looksmith.services.limits import LimitService, rate_headers, rate_limited, route_class


@dataclass(frozen=True, slots=True)
class Cost:
    """What a request adds toward the tenant's quotas, before its body is read."""

    jobs: int = 0
    images: int = 0


# What each accepting route stores. ``avatar_group/add`` may queue up to 4 face checks; it is
# counted as one so the cost is known without reading the body.
COSTS: dict[str, Cost] = {
    "/v2/photo_avatar/photo/generate": Cost(jobs=1, images=IMAGES_PER_GENERATION),
    "/v2/photo_avatar/look/generate": Cost(jobs=1, images=IMAGES_PER_GENERATION),
    "/v2/photo_avatar/train": Cost(jobs=1),
    "/v2/photo_avatar/avatar_group/create": Cost(jobs=1),
    "/v2/photo_avatar/avatar_group/add": Cost(jobs=1),
    "/v2/photo_avatar/add_motion": Cost(jobs=1, images=1),
    "/v2/photo_avatar/add_sound_effect": Cost(jobs=1),
    "/v2/photo_avatar/upscale": Cost(jobs=1, images=1),
    "/v1/asset": Cost(images=1),
}


class RateLimitGuard:
    """Takes a token per request and checks quotas; raises ``RateLimited`` when over."""

    def __init__(self, *, limits: LimitService, limiter: RateLimiter, clock: Clock) -> None:
        self._limits = limits
        self._limiter = limiter
        self._clock = clock

    async def check(self, request: Request, response: Response, tenant_id: str) -> None:
        """Admit the request or raise; an admitted one carries its bucket's headers."""
        method: str = request.scope["method"]
        path: str = request.scope["path"]
        klass = route_class(method, path)
        limits = self._limits.cached_limits(tenant_id)
        if limits is None:
            limits = await run_in_threadpool(self._limits.limits_for, tenant_id)
        rate = limits.rates[klass]
        args = (tenant_id, klass.value, rate.per_second, rate.burst, self._clock.now())
        if self._limiter.remote:
            decision = await run_in_threadpool(self._limiter.acquire, *args)
        else:
            decision = self._limiter.acquire(*args)
        if not decision.allowed:
            raise rate_limited(klass, rate, decision)
        response.headers.update(rate_headers(klass, rate, decision))
        cost = COSTS.get(path) if method == "POST" else None
        if cost is not None:
            await run_in_threadpool(
                self._limits.check_quota, tenant_id, jobs=cost.jobs, images=cost.images
            )


def install_rate_limits(app: FastAPI, parts: ApiParts, limiter: RateLimiter) -> None:
    """Limit every authenticated request of ``app`` with ``limiter`` and the tenants' limits."""
    app.state.rate_limits = RateLimitGuard(
        limits=parts.services.limits, limiter=limiter, clock=parts.adapters.clock
    )


async def enforce_rate_limits(request: Request, response: Response, tenant_id: str) -> None:
    """Called by the auth dependency; does nothing in an app without limits installed."""
    guard: RateLimitGuard | None = getattr(request.app.state, "rate_limits", None)
    if guard is not None:
        await guard.check(request, response, tenant_id)
