"""Every adapter, built once from ``Settings``: database, blobs, queue, events, engines, clock."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from looksmith.clock import SystemClock
from looksmith.composition.repositories import Repositories, build_repositories
from looksmith.config import QueueKind, Settings
from looksmith.db.engine import build_engine
from looksmith.db.jobs import SqlJobStore
from looksmith.engines.procedural.motion_engine import ProceduralMotionEngine
from looksmith.engines.registry import build_image_engine
from looksmith.events.local import InProcessStatusEvents
from looksmith.faces.detector import build_face_detector
from looksmith.imaging.inspect import PillowInspector
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import StatusEvents, UrlGuard, WebhookSender
from looksmith.ports.jobs import JobQueue, JobStore
from looksmith.ports.limits import RateLimiter
from looksmith.ports.media import (
    BlobStore,
    FaceDetector,
    ImageEngine,
    ImageInspector,
    MotionEngine,
    UrlSigner,
)
from looksmith.queue.inprocess import Doorbell
from looksmith.ratelimit import build_rate_limiter
from looksmith.storage.factory import build_storage
from looksmith.storage.signing import load_or_create_secret
from looksmith.webhooks.sender import AddressGuard, HttpxSender

if TYPE_CHECKING:
    from celery import Celery


@dataclass(frozen=True, slots=True)
class JobDispatch:
    """How a committed job reaches a worker: the pool's doorbell, or a Celery broker."""

    queue: JobQueue
    doorbell: Doorbell | None  # in-process workers wait on it
    celery: Celery | None  # the app Celery workers run


@dataclass(frozen=True, slots=True)
class Adapters:
    """The technology-facing parts every service is built from; nothing runs yet."""

    settings: Settings
    clock: Clock
    database: Engine
    repos: Repositories
    jobs: JobStore
    dispatch: JobDispatch
    events: StatusEvents
    blobs: BlobStore
    signer: UrlSigner
    image_engine: ImageEngine
    motion_engine: MotionEngine
    faces: FaceDetector
    inspector: ImageInspector
    webhook_sender: WebhookSender
    address_guard: UrlGuard
    install_secret: bytes  # also the URL-signing one; derives the per-tenant callback secrets
    rate_limiter: RateLimiter

    def close(self) -> None:
        """Stop the image engine's host processes, if it has any, and close the database pool."""
        stop_engine = getattr(self.image_engine, "stop", None)
        if callable(stop_engine):
            stop_engine()
        self.database.dispose()


def build_adapters(
    settings: Settings,
    *,
    default_base_url: str = "http://127.0.0.1:8000",
    clock: Clock | None = None,
    image_engine: ImageEngine | None = None,
    motion_engine: MotionEngine | None = None,
) -> Adapters:
    """Build every adapter named by ``settings``; the engines given replace the configured ones.

    The motion engine is chosen apart from ``LOOKSMITH_ENGINE``: the procedural one animates any
    look, whichever image engine drew it, until a video model plays the role.
    """
    clock = clock or SystemClock()
    database = build_engine(settings.sqlalchemy_url)
    blobs, signer = build_storage(
        settings, base_url=settings.public_base_url or default_base_url, clock=clock
    )
    jobs = SqlJobStore(database, default_max_running=settings.rate_limit.max_running_jobs)
    return Adapters(
        settings=settings,
        clock=clock,
        database=database,
        repos=build_repositories(database, clock),
        jobs=jobs,
        dispatch=build_job_dispatch(settings, jobs),
        install_secret=load_or_create_secret(settings.secret_file),
        events=build_status_events(settings),
        blobs=blobs,
        signer=signer,
        image_engine=image_engine or build_image_engine(settings),
        faces=build_face_detector(),
        motion_engine=motion_engine or ProceduralMotionEngine(),
        inspector=PillowInspector(),
        webhook_sender=HttpxSender(),
        address_guard=AddressGuard(allow_private=settings.webhook_allow_private),
        rate_limiter=build_rate_limiter(settings),
    )


def build_job_dispatch(settings: Settings, jobs: JobStore) -> JobDispatch:
    """Threads in this process, or Celery workers elsewhere."""
    if settings.queue.kind is QueueKind.INPROCESS:
        doorbell = Doorbell()
        return JobDispatch(queue=doorbell, doorbell=doorbell, celery=None)
    try:
        from looksmith.queue.celery import CeleryDispatcher, build_celery
    except ImportError as exc:  # celery comes with the optional "scale" extra
        raise RuntimeError("queue kind celery needs: pip install 'looksmith[celery]'") from exc
    app = build_celery(settings)
    return JobDispatch(queue=CeleryDispatcher(app, jobs), doorbell=None, celery=app)


def build_status_events(settings: Settings) -> StatusEvents:
    """In-process fan-out, or Redis pub/sub when workers run elsewhere."""
    url = settings.queue.events_url
    broker = settings.queue.broker_url or ""
    if url is None and settings.queue.kind is QueueKind.CELERY and broker.startswith("redis"):
        url = broker
    if url is None:
        return InProcessStatusEvents()
    from looksmith.events.redis import RedisStatusEvents

    return RedisStatusEvents(url)
