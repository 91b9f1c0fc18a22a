"""What the queue knows about a generation's rendering job, for progress estimates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class JobTiming:
    """The rendering job of one generation, as the queue sees it."""

    job_id: int
    claimable: bool  # queued, or running under a lease that ran out
    started_at: float | None
    finished_at: float | None


@dataclass(frozen=True, slots=True)
class QueueSnapshot:
    """What an estimate needs, read together: the job, the work ahead of it, recent speed."""

    job: JobTiming | None
    jobs_ahead: int
    running: int
    recent_durations: Sequence[float]
