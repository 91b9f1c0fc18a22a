"""The database adapters, one of each over the one engine; they hold no state of their own."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from looksmith.db.groups import SqlGroupRepository
from looksmith.db.idempotency import SqlIdempotencyStore
from looksmith.db.images import SqlImageRepository
from looksmith.db.limits import SqlTenantLimits
from looksmith.db.motion import SqlMotionRepository
from looksmith.db.progress import SqlProgressQueries
from looksmith.db.repositories import SqlGenerationRepository, SqlTenantRepository
from looksmith.db.stats import SqlJobStats
from looksmith.db.webhooks import SqlWebhookStore
from looksmith.db.workers import SqlWorkerRegistry
from looksmith.ports.clock import Clock
from looksmith.ports.jobs import WorkerRegistry
from looksmith.ports.repositories import (
    GenerationRepository,
    GroupRepository,
    IdempotencyStore,
    ImageRepository,
    JobStats,
    MotionRepository,
    ProgressQueries,
    TenantLimitRepository,
    TenantRepository,
    WebhookStore,
)


@dataclass(frozen=True, slots=True)
class Repositories:
    """Where each kind of record is stored."""

    tenants: TenantRepository
    generations: GenerationRepository
    groups: GroupRepository
    images: ImageRepository
    motion: MotionRepository
    webhooks: WebhookStore
    idempotency: IdempotencyStore
    progress: ProgressQueries
    tenant_limits: TenantLimitRepository
    workers: WorkerRegistry
    job_stats: JobStats


def build_repositories(database: Engine, clock: Clock) -> Repositories:
    """Every repository over ``database``."""
    return Repositories(
        tenants=SqlTenantRepository(database),
        generations=SqlGenerationRepository(database),
        groups=SqlGroupRepository(database),
        images=SqlImageRepository(database),
        motion=SqlMotionRepository(database),
        webhooks=SqlWebhookStore(database),
        idempotency=SqlIdempotencyStore(database),
        progress=SqlProgressQueries(database),
        tenant_limits=SqlTenantLimits(database),
        workers=SqlWorkerRegistry(database),
        job_stats=SqlJobStats(database, clock=clock),
    )
