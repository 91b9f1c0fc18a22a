"""Read-only job and worker figures for metrics, one aggregate query each."""

from __future__ import annotations

from sqlalchemy import Engine, case, func, select

from looksmith.clock import SystemClock
from looksmith.db.jobs import _claimable
from looksmith.db.tables import jobs, workers
from looksmith.domain.models import JobState
from looksmith.ports.clock import Clock


class SqlJobStats:
    """Aggregates the jobs and workers tables; the workers may run in other processes."""

    def __init__(self, engine: Engine, *, clock: Clock | None = None) -> None:
        self._engine = engine
        self._clock = clock or SystemClock()

    def jobs_by_state(self) -> dict[tuple[str, str], int]:
        """Number of jobs per (kind, state)."""
        query = select(jobs.c.kind, jobs.c.state, func.count()).group_by(jobs.c.kind, jobs.c.state)
        with self._engine.connect() as conn:
            return {(kind, state): count for kind, state, count in conn.execute(query)}

    def queue_depth(self) -> int:
        """Jobs waiting for a worker: queued, or running under a lease that ran out."""
        query = select(func.count()).select_from(jobs).where(_claimable(self._clock.now()))
        with self._engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def attempts_and_failures(self) -> dict[str, tuple[int, int]]:
        """Per kind: attempts made in all, and jobs that ended failed."""
        failed = case((jobs.c.state == JobState.FAILED.value, 1), else_=0)
        query = select(
            jobs.c.kind, func.coalesce(func.sum(jobs.c.attempts), 0), func.sum(failed)
        ).group_by(jobs.c.kind)
        with self._engine.connect() as conn:
            return {kind: (int(tries), int(fails)) for kind, tries, fails in conn.execute(query)}

    def durations(self) -> dict[str, tuple[int, float]]:
        """Per kind, over done jobs: how many, and the seconds their last attempt took in all."""
        took = jobs.c.finished_at - jobs.c.started_at
        query = (
            select(jobs.c.kind, func.count(), func.coalesce(func.sum(took), 0.0))
            .where(jobs.c.state == JobState.DONE.value, jobs.c.started_at.is_not(None))
            .where(jobs.c.finished_at.is_not(None))
            .group_by(jobs.c.kind)
        )
        with self._engine.connect() as conn:
            return {kind: (int(count), float(total)) for kind, count, total in conn.execute(query)}

    def worker_heartbeats(self) -> list[tuple[str, str, float]]:
        """Every registered worker: id, kind and the time of its last heartbeat."""
        query = select(workers.c.id, workers.c.kind, workers.c.heartbeat_at).order_by(workers.c.id)
        with self._engine.connect() as conn:
            return [(row.id, row.kind, float(row.heartbeat_at)) for row in conn.execute(query)]
