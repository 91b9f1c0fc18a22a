"""Durable, leased jobs in SQL: the source of truth that every worker pool takes work from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Engine, FromClause, Subquery, func, or_, select, update

from looksmith.db.tables import jobs, tenant_limits
from looksmith.domain.models import Job, JobKind, JobState


def new_job(kind: JobKind, target_id: str, at: float, tenant_id: str) -> dict[str, object]:
    """Values of a queued job row; inserted in the same transaction as its target."""
    return {
        "kind": kind.value,
        "target_id": target_id,
        "tenant_id": tenant_id,
        "state": JobState.QUEUED.value,
        # Counted as sent: the API sends it right after the commit. If that send fails, the
        # dispatcher clears this, and the sweeper sends the job again.
        "dispatched_at": at,
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

    def __init__(self, engine: Engine, *, default_max_running: int | None = None) -> None:
        self._engine = engine
        self._default_max_running = default_max_running

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
            _claimable(now) & self._under_running_cap(now), now=now,
            lease_seconds=lease_seconds, worker=worker_id, join=served, order=order,
        )  # fmt: skip

    def claim_target(
        self, kind: JobKind, target_id: str, *, now: float, lease_seconds: float, worker_id: str
    ) -> Job | None:
        """Lease the claimable job of ``kind`` for ``target_id``, if there is one."""
        mine = (jobs.c.kind == kind.value) & (jobs.c.target_id == target_id) & _claimable(now)
        # Refused at the cap, the task is dropped; the sweeper sends it again later.
        mine = mine & self._under_running_cap(now)
        return self._claim(mine, now=now, lease_seconds=lease_seconds, worker=worker_id)

    def _under_running_cap(self, now: float) -> ColumnElement[bool]:
        """The job's tenant runs fewer live-leased jobs than its ``max_running_jobs``.

        Correlated to the outer ``jobs`` row; a null cap (no row, no default) means no cap. Two
        workers claiming at once may each see room for one, so the cap can overshoot by the
        number of claims in flight.
        """
        running = jobs.alias("running")
        count = (
            select(func.count())
            .where(
                running.c.tenant_id == jobs.c.tenant_id,
                running.c.state == JobState.RUNNING.value,
                running.c.lease_until >= now,
            )
            .scalar_subquery()
        )
        override = (
            select(tenant_limits.c.max_running_jobs)
            .where(tenant_limits.c.tenant_id == jobs.c.tenant_id)
            .scalar_subquery()
        )
        default = self._default_max_running
        cap = override if default is None else func.coalesce(override, default)
        return or_(cap.is_(None), count < cap)

    def due_for_dispatch(
        self, *, now: float, quiet_seconds: float, redeliver_seconds: float
    ) -> list[tuple[JobKind, str]]:
        """Jobs whose task is missing; marks them dispatched now.

        Missing means: never sent (the broker was down), a lease that ran out (the worker
        died) and no send for ``quiet_seconds``, or queued with no taker for
        ``redeliver_seconds`` (the broker lost the task). A healthy backlog is left alone.
        """
        never_sent = jobs.c.dispatched_at.is_(None) & (jobs.c.created_at < now - quiet_seconds)
        lost = (jobs.c.state == JobState.QUEUED.value) & (
            jobs.c.dispatched_at < now - redeliver_seconds
        )
        abandoned = (
            (jobs.c.state == JobState.RUNNING.value)
            & (jobs.c.lease_until < now)
            & (jobs.c.dispatched_at < now - quiet_seconds)
        )
        due = _claimable(now) & or_(never_sent, lost, abandoned)
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

    def heartbeat(self, job: Job, *, now: float, lease_seconds: float) -> None:
        """Push the lease forward while this run still holds the job."""
        self._update_held(job, lease_until=now + lease_seconds, updated_at=now)

    def finish(self, job: Job, *, failed: bool, error: str | None, now: float) -> None:
        """Close the job for good, if this run still holds it."""
        state = JobState.FAILED if failed else JobState.DONE
        self._update_held(
            job,
            state=state.value,
            lease_until=None,
            last_error=error,
            finished_at=now,
            updated_at=now,
        )

    def release(self, job: Job, *, error: str, now: float) -> None:
        """Return the job to the queue, if this run still holds it."""
        self._update_held(
            job, state=JobState.QUEUED.value, lease_until=None, last_error=error, updated_at=now
        )

    def mark_undispatched(self, kind: JobKind, target_id: str) -> None:
        """The send failed: leave the job to the sweeper."""
        query = (
            update(jobs)
            .where(jobs.c.kind == kind.value, jobs.c.target_id == target_id)
            .where(jobs.c.state == JobState.QUEUED.value)
            .values(dispatched_at=None)
        )
        with self._engine.begin() as conn:
            conn.execute(query)

    def requeue_running(self, *, now: float) -> int:
        """Return every running job to the queue."""
        query = (
            update(jobs)
            .where(jobs.c.state == JobState.RUNNING.value)
            .values(state=JobState.QUEUED.value, lease_until=None, updated_at=now)
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount

    def _update_held(self, job: Job, **values: object) -> None:
        # The attempt count fences the lease: a run whose lease lapsed and was claimed again
        # (attempts moved on) can no longer extend, finish or release the newer run's job.
        query = update(jobs).where(
            jobs.c.id == job.id,
            jobs.c.state == JobState.RUNNING.value,
            jobs.c.attempts == job.attempts,
        )
        with self._engine.begin() as conn:
            conn.execute(query.values(**values))
