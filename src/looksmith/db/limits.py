"""Tenant limit overrides and the counts quotas compare against, in SQL."""

from __future__ import annotations

from sqlalchemy import Engine, delete, func, insert, or_, select

from looksmith.db.tables import images, jobs, tenant_limits, tenants
from looksmith.domain.limits import TenantLimits, Usage
from looksmith.domain.models import JobKind, JobState, Tenant
from looksmith.domain.specs import IMAGES_PER_GENERATION

_UNFINISHED = (JobState.QUEUED.value, JobState.RUNNING.value)
_COLUMNS = ("requests_per_second", "burst", "max_running_jobs", "max_queued_jobs", "max_images")


class SqlTenantLimits:
    """The ``tenant_limits`` rows, and counts of a tenant's jobs and images."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_limits(self, tenant_id: str) -> TenantLimits | None:
        """The tenant's row, or None."""
        query = select(tenant_limits).where(tenant_limits.c.tenant_id == tenant_id)
        with self._engine.connect() as conn:
            row = conn.execute(query).mappings().first()
        return TenantLimits(**{name: row[name] for name in _COLUMNS}) if row else None

    def set_limits(self, tenant_id: str, limits: TenantLimits) -> None:
        """Replace the tenant's row (delete and insert: portable across SQLite and PostgreSQL)."""
        values = {name: getattr(limits, name) for name in _COLUMNS}
        with self._engine.begin() as conn:
            conn.execute(delete(tenant_limits).where(tenant_limits.c.tenant_id == tenant_id))
            conn.execute(insert(tenant_limits).values(tenant_id=tenant_id, **values))

    def usage(self, tenant_id: str) -> Usage:
        """Unfinished jobs by state, stored images, and images unfinished renders will store."""
        by_state = (
            select(jobs.c.state, jobs.c.kind, func.count().label("n"))
            .where(jobs.c.tenant_id == tenant_id, jobs.c.state.in_(_UNFINISHED))
            .group_by(jobs.c.state, jobs.c.kind)
        )
        stored = select(func.count()).select_from(images).where(images.c.tenant_id == tenant_id)
        with self._engine.connect() as conn:
            counts = conn.execute(by_state).all()
            image_count = conn.execute(stored).scalar_one()
        renders = sum(row.n for row in counts if row.kind == JobKind.RENDER_GENERATION.value)
        return Usage(
            queued_jobs=sum(row.n for row in counts if row.state == JobState.QUEUED.value),
            running_jobs=sum(row.n for row in counts if row.state == JobState.RUNNING.value),
            images=image_count,
            pending_images=renders * IMAGES_PER_GENERATION,
        )

    def find_tenants(self, name_or_id: str) -> list[Tenant]:
        """Tenants with this id or this name."""
        query = select(tenants).where(or_(tenants.c.id == name_or_id, tenants.c.name == name_or_id))
        with self._engine.connect() as conn:
            found = conn.execute(query.order_by(tenants.c.created_at)).all()
        return [Tenant(id=row.id, name=row.name, created_at=row.created_at) for row in found]
