"""Rate and quota values: bucket rates, one token's outcome, tenant overrides, current usage."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket's refill rate (tokens per second) and size."""

    per_second: float
    burst: int


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome of taking one token: whole tokens left, seconds until full and until allowed."""

    allowed: bool
    remaining: int
    reset_seconds: int
    retry_after: int


@dataclass(frozen=True, slots=True)
class TenantLimits:
    """A tenant's overrides; None keeps the default."""

    requests_per_second: float | None = None
    burst: int | None = None
    max_running_jobs: int | None = None
    max_queued_jobs: int | None = None
    max_images: int | None = None


@dataclass(frozen=True, slots=True)
class Usage:
    """What a tenant holds now: jobs by state, stored images, images its generations will add."""

    queued_jobs: int
    running_jobs: int
    images: int
    pending_images: int
