"""The services, wired over the adapters, and the job handlers among them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from looksmith.composition.adapters import Adapters
from looksmith.config import Settings
from looksmith.domain.limits import Rate
from looksmith.domain.models import JobKind
from looksmith.ports.clock import Clock
from looksmith.ports.jobs import JobHandler
from looksmith.ports.repositories import TenantLimitRepository
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


@dataclass(frozen=True, slots=True)
class Services:
    """Every service, each built once."""

    keys: KeyService
    images: ImageService
    assets: AssetService
    generations: GenerationService
    groups: GroupService
    training: TrainingService
    motion: MotionService
    sound_effects: SoundEffectService
    motion_media: MotionMediaService
    limits: LimitService
    webhooks: WebhookService
    outbox: WebhookDispatcher  # what the job services record webhook events into
    idempotency: IdempotencyService
    progress: ProgressService


def build_services(adapters: Adapters) -> Services:
    """Wire every service over ``adapters``."""
    settings, clock, repos = adapters.settings, adapters.clock, adapters.repos
    images = ImageService(
        images=repos.images,
        blobs=adapters.blobs,
        signer=adapters.signer,
        clock=clock,
        url_ttl_seconds=settings.image_url_ttl_seconds,
    )
    outbox = build_outbox(adapters, images)
    groups = _group_service(adapters, outbox)
    return Services(
        keys=KeyService(
            tenants=repos.tenants, clock=clock, cache_seconds=settings.auth_cache_seconds
        ),
        images=images,
        assets=AssetService(
            images=repos.images,
            blobs=adapters.blobs,
            inspector=adapters.inspector,
            clock=clock,
            limits=UploadLimits(max_bytes=settings.max_upload_bytes),
        ),
        generations=_generation_service(adapters, outbox),
        groups=groups,
        training=_training_service(adapters, outbox, groups),
        motion=_motion_service(adapters, outbox, groups),
        sound_effects=_sound_effect_service(adapters, outbox, groups),
        motion_media=MotionMediaService(
            blobs=adapters.blobs,
            signer=adapters.signer,
            clock=clock,
            url_ttl_seconds=settings.image_url_ttl_seconds,
        ),
        limits=build_limit_service(settings, repos.tenant_limits, clock),
        webhooks=WebhookService(
            store=repos.webhooks,
            guard=adapters.address_guard,
            clock=clock,
            install_secret=adapters.install_secret,
        ),
        outbox=outbox,
        idempotency=IdempotencyService(store=repos.idempotency, clock=clock),
        progress=ProgressService(
            generations=repos.generations, queries=repos.progress, clock=clock
        ),
    )


def job_handlers(services: Services) -> Mapping[JobKind, JobHandler]:
    """The service that runs each kind of job."""
    return MappingProxyType(
        {
            JobKind.RENDER_GENERATION: services.generations,
            JobKind.CHECK_LOOK: services.groups,
            JobKind.TRAIN_GROUP: services.training,
            JobKind.ADD_MOTION: services.motion,
            JobKind.UPSCALE_LOOK: services.motion,
            JobKind.ADD_SOUND_EFFECT: services.sound_effects,
        }
    )


def build_outbox(adapters: Adapters, images: ImageService) -> WebhookDispatcher:
    """The outbox the job services record webhook events into, and that delivers them."""
    repos = adapters.repos
    return WebhookDispatcher(
        store=repos.webhooks,
        generations=repos.generations,
        groups=repos.groups,
        images=images,
        sender=adapters.webhook_sender,
        guard=adapters.address_guard,
        clock=adapters.clock,
        install_secret=adapters.install_secret,
    )


def build_limit_service(
    settings: Settings, repo: TenantLimitRepository, clock: Clock
) -> LimitService:
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
        repo=repo, defaults=defaults, clock=clock, cache_seconds=limits.cache_seconds
    )


def _generation_service(adapters: Adapters, outbox: WebhookDispatcher) -> GenerationService:
    return GenerationService(
        generations=adapters.repos.generations,
        groups=adapters.repos.groups,
        blobs=adapters.blobs,
        engine=adapters.image_engine,
        queue=adapters.dispatch.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=outbox,
    )


def _group_service(adapters: Adapters, outbox: WebhookDispatcher) -> GroupService:
    return GroupService(
        groups=adapters.repos.groups,
        images=adapters.repos.images,
        blobs=adapters.blobs,
        faces=adapters.faces,
        queue=adapters.dispatch.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=outbox,
    )


def _training_service(
    adapters: Adapters, outbox: WebhookDispatcher, groups: GroupService
) -> TrainingService:
    return TrainingService(
        groups=adapters.repos.groups,
        group_service=groups,
        blobs=adapters.blobs,
        engine=adapters.image_engine,
        queue=adapters.dispatch.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=outbox,
    )


def _motion_service(
    adapters: Adapters, outbox: WebhookDispatcher, groups: GroupService
) -> MotionService:
    return MotionService(
        groups=adapters.repos.groups,
        group_service=groups,
        motion=adapters.repos.motion,
        images=adapters.repos.images,
        blobs=adapters.blobs,
        engine=adapters.motion_engine,
        queue=adapters.dispatch.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=outbox,
    )


def _sound_effect_service(
    adapters: Adapters, outbox: WebhookDispatcher, groups: GroupService
) -> SoundEffectService:
    return SoundEffectService(
        groups=adapters.repos.groups,
        group_service=groups,
        motion=adapters.repos.motion,
        blobs=adapters.blobs,
        engine=adapters.motion_engine,
        queue=adapters.dispatch.queue,
        events=adapters.events,
        clock=adapters.clock,
        outbox=outbox,
    )
