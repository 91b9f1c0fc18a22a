"""The one composition root: builds every adapter from ``Settings`` and wires the services."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, text

if TYPE_CHECKING:
    from celery import Celery

from looksmith.clock import SystemClock
from looksmith.config import QueueKind, Settings
from looksmith.db.engine import build_engine
from looksmith.db.groups import SqlGroupRepository
from looksmith.db.idempotency import SqlIdempotencyStore
from looksmith.db.images import SqlImageRepository
from looksmith.db.jobs import SqlJobStore
from looksmith.db.limits import SqlTenantLimits
from looksmith.db.motion import SqlMotionRepository
from looksmith.db.progress import SqlProgressQueries
from looksmith.db.repositories import SqlGenerationRepository, SqlTenantRepository
from looksmith.db.stats import SqlJobStats
from looksmith.db.webhooks import SqlWebhookStore
from looksmith.domain.limits import Rate
from looksmith.domain.models import JobKind
from looksmith.engines.procedural.motion_engine import ProceduralMotionEngine
from looksmith.engines.registry import build_image_engine
from looksmith.events.local import InProcessStatusEvents
from looksmith.faces.detector import build_face_detector
from looksmith.imaging.inspect import PillowInspector
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import StatusEvents
from looksmith.ports.jobs import JobHandler, JobQueue
from looksmith.ports.limits import RateLimiter
from looksmith.ports.media import BlobStore, ImageEngine, MotionEngine
from looksmith.queue.inprocess import InProcessWorkerPool
from looksmith.queue.runner import JobRunner
from looksmith.ratelimit import build_rate_limiter
from looksmith.services.assets import AssetService, UploadLimits
from looksmith.services.generations import GenerationService
from looksmith.services.groups import GroupService
from looksmith.services.idempotency import IdempotencyService
from looksmith.services.images import ImageService
from looksmith.services.keys import KeyService
from looksmith.services.limits import LimitDefaults, LimitService, RouteClass
from looksmith.services.motion import MotionService
from looksmith.services.motion_media import MotionMediaService
from looksmith.services.progress import ProgressService
from looksmith.services.sound_effects import SoundEffectService
from looksmith.services.training import TrainingService
from looksmith.services.webhooks import WebhookDispatcher, WebhookService
from looksmith.storage.factory import build_storage
from looksmith.storage.signing import load_or_create_secret
from looksmith.webhooks.deliverer import WebhookDeliverer
from looksmith.webhooks.sender import AddressGuard, HttpxSender

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Container:
    """The wired services and the resources whose life the app manages."""

    settings: Settings
    clock: Clock
    database: Engine
    keys: KeyService
    generations: GenerationService
    images: ImageService
    assets: AssetService
    groups: GroupService
    training: TrainingService
    jobs: SqlJobStore
    runner: JobRunner
    queue: JobQueue
    workers: InProcessWorkerPool | None
    celery: Celery | None
    events: StatusEvents
    job_stats: SqlJobStats
    limits: LimitService
    rate_limiter: RateLimiter
    webhooks: WebhookService
    deliverer: WebhookDeliverer
    idempotency: IdempotencyService
    progress: ProgressService
    motion: MotionService
    sound_effects: SoundEffectService
    motion_media: MotionMediaService
    image_engine: ImageEngine | None = None  # stopped with the container (engine hosts)

    def start(self) -> None:
        """Start the in-process workers and the webhook deliverer, if this process runs jobs."""
        if self.workers is not None:
            self.workers.start()
            self.deliverer.start()

    def database_ready(self) -> bool:
        """Whether the database answers a trivial query."""
        try:
            with self.database.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            log.exception("database check failed")
            return False
        return True

    def stop(self) -> None:
        """Stop the workers, the image engine's processes, and close database connections."""
        if self.workers is not None:
            self.workers.stop()
        self.deliverer.stop()
        stop_engine = getattr(self.image_engine, "stop", None)  # engines with host processes
        if callable(stop_engine):
            stop_engine()
        self.database.dispose()


@dataclass(frozen=True, slots=True)
class _Adapters:
    """The technology-facing parts every service is built from."""

    settings: Settings
    clock: Clock
    database: Engine
    blobs: BlobStore
    images: ImageService
    queue: JobQueue
    events: StatusEvents
    engine: ImageEngine
    outbox: WebhookDispatcher


def build_container(
    settings: Settings,
    *,
    default_base_url: str = "http://127.0.0.1:8000",
    clock: Clock | None = None,
    image_engine: ImageEngine | None = None,
    motion_engine: MotionEngine | None = None,
) -> Container:
    """Build every adapter named by ``settings``; nothing starts running yet."""
    clock = clock or SystemClock()
    database = build_engine(settings.sqlalchemy_url)
    blobs, signer = build_storage(
        settings, base_url=settings.public_base_url or default_base_url, clock=clock
    )
    jobs = SqlJobStore(database, default_max_running=settings.rate_limit.max_running_jobs)
    handlers: dict[JobKind, JobHandler] = {}
    runner = JobRunner(
        jobs=jobs, handlers=handlers, clock=clock, max_attempts=settings.job_max_attempts
    )
    workers, celery, queue = _job_dispatch(settings, jobs, runner, clock)
    images = ImageService(
        images=SqlImageRepository(database),
        blobs=blobs,
        signer=signer,
        clock=clock,
        url_ttl_seconds=settings.image_url_ttl_seconds,
    )
    webhooks, outbox = _webhooks(settings, database, clock, images)
    adapters = _Adapters(
        settings=settings,
        clock=clock,
        database=database,
        blobs=blobs,
        images=images,
        queue=queue,
        events=_status_events(settings),
        engine=image_engine or build_image_engine(settings),
        outbox=outbox,
    )
    generations, groups, training = _photo_services(adapters)
    handlers[JobKind.RENDER_GENERATION] = generations
    handlers[JobKind.CHECK_LOOK] = groups
    handlers[JobKind.TRAIN_GROUP] = training
    motion, sound_effects = _motion_services(adapters, groups, motion_engine)
    handlers[JobKind.ADD_MOTION] = handlers[JobKind.UPSCALE_LOOK] = motion
    handlers[JobKind.ADD_SOUND_EFFECT] = sound_effects
    return Container(
        settings=settings,
        clock=clock,
        database=database,
        keys=KeyService(
            tenants=SqlTenantRepository(database),
            clock=clock,
            cache_seconds=settings.auth_cache_seconds,
        ),
        generations=generations,
        assets=AssetService(
            images=SqlImageRepository(database),
            blobs=blobs,
            inspector=PillowInspector(),
            clock=clock,
            limits=UploadLimits(max_bytes=settings.max_upload_bytes),
        ),
        groups=groups,
        training=training,
        images=images,
        jobs=jobs,
        runner=runner,
        queue=queue,
        workers=workers,
        celery=celery,
        events=adapters.events,
        job_stats=SqlJobStats(database, clock=clock),
        limits=build_limit_service(settings, database, clock),
        rate_limiter=build_rate_limiter(settings),
        webhooks=webhooks,
        deliverer=WebhookDeliverer(service=outbox, clock=clock),
        idempotency=IdempotencyService(store=SqlIdempotencyStore(database), clock=clock),
        progress=ProgressService(
            generations=SqlGenerationRepository(database),
            queries=SqlProgressQueries(database),
            clock=clock,
        ),
        motion=motion,
        sound_effects=sound_effects,
        motion_media=MotionMediaService(
            blobs=blobs, signer=signer, clock=clock, url_ttl_seconds=settings.image_url_ttl_seconds
        ),
        image_engine=adapters.engine,
    )


def _photo_services(
    adapters: _Adapters,
) -> tuple[GenerationService, GroupService, TrainingService]:
    """The services that run as jobs: generations, face checks, trainings."""
    group_repo = SqlGroupRepository(adapters.database)
    generations = GenerationService(
        generations=SqlGenerationRepository(adapters.database),
        groups=group_repo,
        blobs=adapters.blobs,
        engine=adapters.engine,
        queue=adapters.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=adapters.outbox,
    )
    groups = GroupService(
        groups=group_repo,
        images=SqlImageRepository(adapters.database),
        blobs=adapters.blobs,
        faces=build_face_detector(),
        queue=adapters.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=adapters.outbox,
    )
    training = TrainingService(
        groups=group_repo,
        group_service=groups,
        blobs=adapters.blobs,
        engine=adapters.engine,
        queue=adapters.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=adapters.outbox,
    )
    return generations, groups, training


def _motion_services(
    adapters: _Adapters, groups: GroupService, engine: MotionEngine | None
) -> tuple[MotionService, SoundEffectService]:
    """Motion looks, upscales and sound effects.

    Their engine is chosen apart from ``LOOKSMITH_ENGINE``: the procedural motion engine
    animates any look, whichever image engine drew it, until a video model plays the role.
    """
    engine = engine or ProceduralMotionEngine()
    group_repo = SqlGroupRepository(adapters.database)
    repo = SqlMotionRepository(adapters.database)
    motion = MotionService(
        groups=group_repo,
        group_service=groups,
        motion=repo,
        images=SqlImageRepository(adapters.database),
        blobs=adapters.blobs,
        engine=engine,
        queue=adapters.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=adapters.outbox,
    )
    sound_effects = SoundEffectService(
        groups=group_repo,
        group_service=groups,
        motion=repo,
        blobs=adapters.blobs,
        engine=engine,
        queue=adapters.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=adapters.outbox,
    )
    return motion, sound_effects


def _webhooks(
    settings: Settings, database: Engine, clock: Clock, images: ImageService
) -> tuple[WebhookService, WebhookDispatcher]:
    """Endpoint management, and the outbox the services record events into."""
    store = SqlWebhookStore(database)
    guard = AddressGuard(allow_private=settings.webhook_allow_private)
    # The install's secret (also the URL-signing one) derives the per-tenant callback secrets.
    secret = load_or_create_secret(settings.secret_file)
    outbox = WebhookDispatcher(
        store=store,
        generations=SqlGenerationRepository(database),
        groups=SqlGroupRepository(database),
        images=images,
        sender=HttpxSender(),
        guard=guard,
        clock=clock,
        install_secret=secret,
    )
    service = WebhookService(store=store, guard=guard, clock=clock, install_secret=secret)
    return service, outbox


def _status_events(settings: Settings) -> StatusEvents:
    """In-process fan-out, or Redis pub/sub when workers run elsewhere."""
    url = settings.queue.events_url
    broker = settings.queue.broker_url or ""
    if url is None and settings.queue.kind is QueueKind.CELERY and broker.startswith("redis"):
        url = broker
    if url is None:
        return InProcessStatusEvents()
    from looksmith.events.redis import RedisStatusEvents

    return RedisStatusEvents(url)


def _job_dispatch(
    settings: Settings, jobs: SqlJobStore, runner: JobRunner, clock: Clock
) -> tuple[InProcessWorkerPool | None, Celery | None, JobQueue]:
    """Threads in this process, or Celery workers elsewhere."""
    if settings.queue.kind is QueueKind.INPROCESS:
        pool = InProcessWorkerPool(
            jobs=jobs,
            runner=runner,
            clock=clock,
            size=settings.workers,
            lease_seconds=settings.job_lease_seconds,
        )
        return pool, None, pool
    try:
        from looksmith.queue.celery import CeleryDispatcher, build_celery
    except ImportError as exc:  # celery comes with the optional "scale" extra
        raise RuntimeError("queue kind celery needs: pip install 'looksmith[scale]'") from exc
    app = build_celery(settings)
    return None, app, CeleryDispatcher(app, jobs)


def build_limit_service(settings: Settings, database: Engine, clock: Clock) -> LimitService:
    """Per-tenant limits: the settings' defaults, overridden by ``tenant_limits`` rows."""
    limits = settings.rate_limit
    rates = {
        RouteClass.READ: Rate(limits.read_rps, limits.read_burst),
        RouteClass.WRITE: Rate(limits.write_rps, limits.write_burst),
        RouteClass.UPLOAD: Rate(limits.upload_rps, limits.upload_burst),
    }
    defaults = LimitDefaults(
        rates=rates,
        max_running_jobs=limits.max_running_jobs,
        max_queued_jobs=limits.max_queued_jobs,
        max_images=limits.max_images,
    )
    return LimitService(
        repo=SqlTenantLimits(database),
        defaults=defaults,
        clock=clock,
        cache_seconds=limits.cache_seconds,
    )
