"""Durable, leased jobs in SQL: the source of truth that every worker pool takes work from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, FromClause, Subquery, func, or_, select, update

from looksmith.db.tables import jobs
from looksmith.domain.models import Job, JobKind, JobState


def new_job(kind: JobKind, target_id: str, at: float, tenant_id: str) -> dict[str, object]:
    """Values of a queued job row; inserted in the same transaction as its target."""
    return {
        "kind": kind.value,
        "target_id": target_id,
        "tenant_id": tenant_id,
        "state": JobState.QUEUED.value,
        "attempts": 0,
        "created_at": at,
        "updated_at": at,
    }


# How far back a tenant's last job start counts when choosing whom to serve next.
_FAIRNESS_WINDOW_SECONDS = 3600.0


def _claimable(now: float) -> ColumnElement[bool]:
    """Queued, or running under a lease that ran out (its worker died or hangs)."""
    return or_(
        jobs.c.state == JobState.QUEUED.value,
        (jobs.c.state == JobState.RUNNING.value) & (jobs.c.lease_until < now),
    )


class SqlJobStore:
    """Claims jobs with one atomic statement, so concurrent workers never share a job."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def claim(self, *, now: float, lease_seconds: float, worker_id: str = "") -> Job | None:
        """Lease a claimable job, fairly: the tenant served least recently goes first.

        Within a tenant the oldest job goes first. A tenant whose 1,000 queued jobs keep the
        workers busy therefore cannot starve another tenant's single job: that tenant's last
        start is older (or absent), so its job is next.
        """
        served = (
            select(jobs.c.tenant_id, func.max(jobs.c.started_at).label("served_at"))
            .where(jobs.c.started_at > now - _FAIRNESS_WINDOW_SECONDS)
            .group_by(jobs.c.tenant_id)
            .subquery()
        )
        order = (func.coalesce(served.c.served_at, 0.0), jobs.c.id)
        return self._claim(
            _claimable(now), now=now, lease_seconds=lease_seconds, worker=worker_id,
            join=served, order=order,
        )  # fmt: skip

    def claim_target(
        self, kind: JobKind, target_id: str, *, now: float, lease_seconds: float, worker_id: str
    ) -> Job | None:
        """Lease the claimable job of ``kind`` for ``target_id``, if there is one."""
        mine = (jobs.c.kind == kind.value) & (jobs.c.target_id == target_id) & _claimable(now)
        return self._claim(mine, now=now, lease_seconds=lease_seconds, worker=worker_id)

    def due_for_dispatch(self, *, now: float, quiet_seconds: float) -> list[tuple[JobKind, str]]:
        """Claimable jobs not dispatched for ``quiet_seconds``; marks them dispatched now."""
        stale = or_(jobs.c.dispatched_at.is_(None), jobs.c.dispatched_at < now - quiet_seconds)
        due = _claimable(now) & stale & (jobs.c.created_at < now - quiet_seconds)
        query = update(jobs).where(due).values(dispatched_at=now)
        with self._engine.begin() as conn:
            found = conn.execute(query.returning(jobs.c.kind, jobs.c.target_id)).all()
        return [(JobKind(row.kind), row.target_id) for row in found]

    def _claim(
        self,
        where: ColumnElement[bool],
        *,
        now: float,
        lease_seconds: float,
        worker: str,
        join: Subquery | None = None,
        order: tuple[ColumnElement[Any], ...] = (jobs.c.id,),
    ) -> Job | None:
        source: FromClause = jobs
        if join is not None:
            source = jobs.outerjoin(join, join.c.tenant_id == jobs.c.tenant_id)
        oldest = select(jobs.c.id).select_from(source).where(where).order_by(*order).limit(1)
        if self._engine.dialect.name == "postgresql":
            oldest = oldest.with_for_update(of=jobs, skip_locked=True)
        query = (
            update(jobs)
            .where(jobs.c.id == oldest.scalar_subquery(), where)
            .values(
                state=JobState.RUNNING.value,
                attempts=jobs.c.attempts + 1,
                lease_until=now + lease_seconds,
                started_at=now,
                worker_id=worker or None,
                updated_at=now,
            )
            .returning(jobs.c.id, jobs.c.kind, jobs.c.target_id, jobs.c.attempts)
        )
        with self._engine.begin() as conn:
            row = conn.execute(query).first()
        if row is None:
            return None
        return Job(
            id=row.id, kind=JobKind(row.kind), target_id=row.target_id, attempts=row.attempts
        )

    def heartbeat(self, job_id: int, *, now: float, lease_seconds: float) -> None:
        """Push the lease forward while the job is still running."""
        self._update(job_id, JobState.RUNNING, lease_until=now + lease_seconds, updated_at=now)

    def finish(self, job_id: int, *, failed: bool, error: str | None, now: float) -> None:
        """Close the job for good."""
        state = JobState.FAILED if failed else JobState.DONE
        with self._engine.begin() as conn:
            conn.execute(
                update(jobs)
                .where(jobs.c.id == job_id)
                .values(
                    state=state.value,
                    lease_until=None,
                    last_error=error,
                    finished_at=now,
                    updated_at=now,
                )
            )

    def release(self, job_id: int, *, error: str, now: float) -> None:
        """Return a running job to the queue."""
        self._update(
            job_id,
            JobState.RUNNING,
            state=JobState.QUEUED.value,
            lease_until=None,
            last_error=error,
            updated_at=now,
        )

    def requeue_running(self, *, now: float) -> int:
        """Return every running job to the queue."""
        query = (
            update(jobs)
            .where(jobs.c.state == JobState.RUNNING.value)
            .values(state=JobState.QUEUED.value, lease_until=None, updated_at=now)
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount

    def _update(self, job_id: int, only_if: JobState, **values: object) -> None:
        query = update(jobs).where(jobs.c.id == job_id, jobs.c.state == only_if.value)
        query = query.values(**values)
        with self._engine.begin() as conn:
            conn.execute(query)
