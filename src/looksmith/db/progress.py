"""Read-only queue figures for progress reports: job timings, work ahead, recent durations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine, func, select

from looksmith.db.jobs import _claimable
from looksmith.db.repositories import generation_from_row
from looksmith.db.tables import generations, jobs
from looksmith.domain.models import Generation, GenerationStatus, JobKind, JobState
from looksmith.domain.progress import JobTiming, QueueSnapshot

# The median of this many recent renders estimates the next: recent enough to follow a model
# or hardware change, enough to smooth out one slow job.
_RECENT_JOBS = 50
_TERMINAL = (GenerationStatus.SUCCESS.value, GenerationStatus.FAILED.value)


class SqlProgressQueries:
    """The jobs and generations tables, read in one connection per report."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def queue_snapshot(self, generation_id: str, *, now: float) -> QueueSnapshot:
        """The generation's latest render job, claimable jobs older than it, live jobs, speed."""
        with self._engine.connect() as conn:
            job = _render_job(conn, generation_id, now)
            ahead = 0 if job is None else _jobs_ahead(conn, job.job_id, now)
            return QueueSnapshot(job, ahead, _running(conn, now), _recent_durations(conn))

    def finished_since(self, tenant_id: str, *, since: float, limit: int) -> Sequence[Generation]:
        """The tenant's terminal generations updated at or after ``since``, oldest first."""
        query = (
            select(generations)
            .where(generations.c.tenant_id == tenant_id, generations.c.updated_at >= since)
            .where(generations.c.status.in_(_TERMINAL))
            .order_by(generations.c.updated_at, generations.c.id)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            return [generation_from_row(row._mapping) for row in conn.execute(query)]


def _render_job(conn: Connection, generation_id: str, now: float) -> JobTiming | None:
    query = (
        select(jobs.c.id, _claimable(now).label("claimable"), jobs.c.started_at, jobs.c.finished_at)
        .where(jobs.c.target_id == generation_id, jobs.c.kind == JobKind.RENDER_GENERATION.value)
        .order_by(jobs.c.id.desc())
        .limit(1)
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    return JobTiming(int(row.id), bool(row.claimable), row.started_at, row.finished_at)


def _jobs_ahead(conn: Connection, job_id: int, now: float) -> int:
    # Ids grow with creation, and ties in created_at would make the time ambiguous.
    query = select(func.count()).select_from(jobs).where(jobs.c.id < job_id, _claimable(now))
    return int(conn.execute(query).scalar_one())


def _running(conn: Connection, now: float) -> int:
    live = (jobs.c.state == JobState.RUNNING.value) & (jobs.c.lease_until >= now)
    return int(conn.execute(select(func.count()).select_from(jobs).where(live)).scalar_one())


def _recent_durations(conn: Connection) -> list[float]:
    took = (jobs.c.finished_at - jobs.c.started_at).label("took")
    query = (
        select(took)
        .where(jobs.c.kind == JobKind.RENDER_GENERATION.value)
        .where(jobs.c.state == JobState.DONE.value, jobs.c.started_at.is_not(None))
        .where(jobs.c.finished_at.is_not(None))
        .order_by(jobs.c.finished_at.desc())
        .limit(_RECENT_JOBS)
    )
    return [float(value) for value in conn.execute(query).scalars()]
