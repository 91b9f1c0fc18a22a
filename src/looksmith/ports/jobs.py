"""Durable jobs, the queue that tells workers about them, the workers and what they run."""

from __future__ import annotations

from typing import Protocol

from looksmith.domain.models import Job, JobKind


class JobStore(Protocol):
    """Durable jobs with leases: a job whose worker vanished becomes claimable again."""

    def claim(self, *, now: float, lease_seconds: float, worker_id: str = "") -> Job | None:
        """Take the oldest queued job, or one whose lease ran out, and lease it."""
        ...

    def claim_target(
        self, kind: JobKind, target_id: str, *, now: float, lease_seconds: float, worker_id: str
    ) -> Job | None:
        """Lease the claimable job of ``kind`` for ``target_id``, if any."""
        ...

    def due_for_dispatch(
        self, *, now: float, quiet_seconds: float, redeliver_seconds: float
    ) -> list[tuple[JobKind, str]]:
        """Claimable jobs whose task is missing; marks them dispatched."""
        ...

    def mark_undispatched(self, kind: JobKind, target_id: str) -> None:
        """Record that sending the job's task failed, so the sweeper sends it."""
        ...

    def heartbeat(self, job: Job, *, now: float, lease_seconds: float) -> None:
        """Extend the lease of a running job, if this run (its attempt) still holds it."""
        ...

    def finish(self, job: Job, *, failed: bool, error: str | None, now: float) -> None:
        """Mark the job done, or failed for good."""
        ...

    def release(self, job: Job, *, error: str, now: float) -> None:
        """Put a running job back in the queue after an error, to be tried again."""
        ...

    def requeue_running(self, *, now: float) -> int:
        """Put every running job back in the queue (the only worker pool restarted)."""
        ...


class JobHandler(Protocol):
    """What a worker calls for one kind of job."""

    def run(self, target_id: str) -> None:
        """Do the work; safe to call again after a crash part way through."""
        ...

    def give_up(self, target_id: str, reason: str) -> None:
        """Mark the target failed after too many attempts; ``reason`` completes a sentence
        whose subject is the work, e.g. "failed; please try again"."""
        ...


class JobQueue(Protocol):
    """Runs jobs at least once each, after they are durably stored."""

    def enqueue(self, kind: JobKind, target_id: str) -> None:
        """Tell workers a job for ``target_id`` is waiting; the job row is already committed."""
        ...

    def is_ready(self) -> bool:
        """Whether workers are running and can take jobs."""
        ...


class WorkerRegistry(Protocol):
    """Worker processes announce themselves and heart-beat, so probes and metrics see them."""

    def register(self, *, worker_id: str, kind: str, host: str, pid: int, now: float) -> None:
        """Announce a worker."""
        ...

    def heartbeat(self, *, worker_id: str, now: float) -> None:
        """Say the worker is alive."""
        ...

    def unregister(self, *, worker_id: str) -> None:
        """Remove a worker that stopped cleanly."""
        ...
