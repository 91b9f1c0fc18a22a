"""Photo generations: accept a request, render it in a worker, report its status."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from looksmith.domain.models import (
    BusinessType,
    Generation,
    GenerationKind,
    GenerationStatus,
    JobKind,
    Look,
    LookStatus,
    RenderedImage,
    StatusChange,
    StoredImage,
    TrainStatus,
    derived_id,
    image_key,
    is_hex_id,
    new_id,
    seed_from_id,
)
from looksmith.domain.specs import (
    APPEARANCE_MAX_LENGTH,
    IMAGES_PER_GENERATION,
    PROMPT_MAX_LENGTH,
    Age,
    Ethnicity,
    Gender,
    LookSpec,
    PhotoSpec,
)
from looksmith.errors import InvalidParameter, InvalidState, NotFound
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import StatusEvents, WebhookOutbox
from looksmith.ports.jobs import JobQueue
from looksmith.ports.media import BlobStore, ImageEngine
from looksmith.ports.repositories import GenerationRepository, GroupRepository
from looksmith.services.announce import Announcer

log = logging.getLogger(__name__)

NAME_MAX_LENGTH = 200


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """A validated request to generate photos."""

    name: str
    spec: PhotoSpec
    callback_url: str | None = None
    callback_id: str | None = None


@dataclass(frozen=True, slots=True)
class LookRequest:
    """A validated request to generate looks of a trained group."""

    group_id: str
    look: LookSpec


class GenerationService:
    """Owns the life of a photo generation, from request to four stored images."""

    def __init__(
        self,
        *,
        generations: GenerationRepository,
        groups: GroupRepository,
        blobs: BlobStore,
        engine: ImageEngine,
        queue: JobQueue,
        events: StatusEvents,
        clock: Clock,
        outbox: WebhookOutbox | None = None,
    ) -> None:
        self._events = events
        self._announcer = Announcer(events, outbox)
        self._generations = generations
        self._groups = groups
        self._blobs = blobs
        self._engine = engine
        self._queue = queue
        self._clock = clock

    def submit(self, *, tenant_id: str, request: GenerationRequest) -> Generation:
        """Durably store a new generation and its job, then wake a worker."""
        _check_request(request)
        return self._accept(
            tenant_id=tenant_id,
            name=request.name,
            spec=request.spec,
            callback_url=request.callback_url,
            callback_id=request.callback_id,
        )

    def submit_look(self, *, tenant_id: str, request: LookRequest) -> Generation:
        """Accept a look generation for a group whose training is ready."""
        _check_text("prompt", request.look.prompt, PROMPT_MAX_LENGTH)
        group = None
        if is_hex_id(request.group_id):
            group = self._groups.get_group(request.group_id, tenant_id=tenant_id)
        if group is None:
            raise InvalidParameter("group_id", f"group {request.group_id} not found")
        if group.train_status is not TrainStatus.READY or not group.identity_key:
            raise InvalidState(
                f"group {group.id} is not trained yet: train it and wait for status ready"
            )
        look = request.look
        spec = PhotoSpec(
            age=Age.UNSPECIFIED,
            gender=Gender.UNSPECIFIED,
            ethnicity=Ethnicity.UNSPECIFIED,
            orientation=look.orientation,
            pose=look.pose,
            style=look.style,
            appearance=look.prompt,
        )
        return self._accept(
            tenant_id=tenant_id,
            name=group.name,
            spec=spec,
            kind=GenerationKind.LOOK,
            group_id=group.id,
        )

    def _accept(
        self,
        *,
        tenant_id: str,
        name: str,
        spec: PhotoSpec,
        kind: GenerationKind = GenerationKind.PHOTO,
        group_id: str | None = None,
        callback_url: str | None = None,
        callback_id: str | None = None,
    ) -> Generation:
        now = self._clock.now()
        generation_id = new_id()
        generation = Generation(
            id=generation_id,
            tenant_id=tenant_id,
            name=name,
            spec=spec,
            seed=seed_from_id(generation_id),  # stored with it
            status=GenerationStatus.QUEUED,
            message=None,
            image_ids=(),
            callback_url=callback_url,
            callback_id=callback_id,
            created_at=now,
            updated_at=now,
            kind=kind,
            group_id=group_id,
        )
        self._generations.add(generation)
        self._queue.enqueue(JobKind.RENDER_GENERATION, generation.id)
        return generation

    def get(self, *, tenant_id: str, generation_id: str) -> Generation:
        """The tenant's generation; someone else's answers exactly like an unknown one."""
        return tenant_generation(self._generations, tenant_id, generation_id)

    def run(self, target_id: str) -> None:
        """Render all images and complete the generation; safe to rerun after a crash."""
        generation = self._generations.get(target_id)
        if generation is None or generation.status.is_terminal:
            return
        if generation.status is GenerationStatus.QUEUED:
            self._generations.set_status(
                target_id,
                expected=GenerationStatus.QUEUED,
                status=GenerationStatus.RENDERING,
                message=None,
                at=self._clock.now(),
            )
            self._report_progress(generation, 0)
        render = self._renderer(generation)
        if render is None:
            self._fail(generation, "the group was deleted or is no longer trained")
            return
        # The engine renders the four pictures together (one batch on a GPU); each stored
        # picture still reports its own progress step.
        pictures = list(render(IMAGES_PER_GENERATION))
        if len(pictures) != IMAGES_PER_GENERATION:
            # An engine fault: nothing is stored, and the job runner tries again or gives up.
            raise RuntimeError(
                f"the {self._engine.name} engine returned {len(pictures)} pictures, "
                f"not {IMAGES_PER_GENERATION}"
            )
        images = []
        for index, rendered in enumerate(pictures):
            images.append(self._store(generation, index, rendered))
            self._report_progress(generation, index + 1)
        is_look = generation.kind is GenerationKind.LOOK
        new_looks = [self._as_look(generation, image) for image in images] if is_look else []
        if not self._generations.complete(
            target_id, images=images, at=self._clock.now(), new_looks=new_looks
        ):
            # Keys are deterministic, so another run of this job may have completed with the very
            # same blobs: drop them only if the generation itself is gone (deleted with its group).
            log.warning("generation %s changed while rendering; result dropped", target_id)
            if self._generations.get(target_id) is None:
                for image in images:
                    self._blobs.delete(image_key(image.id))
            return
        self._announce(generation, GenerationStatus.SUCCESS)

    def give_up(self, target_id: str, reason: str) -> None:
        """Fail a generation whose job ran out of attempts."""
        generation = self._generations.get(target_id)
        if generation is not None and not generation.status.is_terminal:
            self._fail(generation, f"rendering {reason}")

    def _fail(self, generation: Generation, reason: str) -> None:
        if self._generations.set_status(
            generation.id,
            expected=generation.status,
            status=GenerationStatus.FAILED,
            message=reason,
            at=self._clock.now(),
        ):
            self._announce(generation, GenerationStatus.FAILED)

    def _report_progress(self, generation: Generation, done: int) -> None:
        # Live only: no outbox record (webhooks announce outcomes, not steps) and no row written.
        progress = f"{done}/{IMAGES_PER_GENERATION}"
        self._events.publish(
            StatusChange("generation_progress", generation.id, generation.tenant_id, progress)
        )

    def _announce(self, generation: Generation, status: GenerationStatus) -> None:
        change = StatusChange("generation", generation.id, generation.tenant_id, status.value)
        self._announcer.finished(change)

    def _renderer(self, generation: Generation) -> Callable[[int], Sequence[RenderedImage]] | None:
        """Renders the first ``n`` pictures of the generation; None if its identity is gone."""
        seed = generation.seed
        if generation.kind is GenerationKind.PHOTO:
            return lambda n: self._engine.render_photos(generation.spec, seed=seed, count=n)
        group = self._groups.get_group(generation.group_id or "")
        if group is None or not group.identity_key:
            return None
        identity = self._blobs.get(group.identity_key)
        if identity is None:
            # A retraining replaced the identity between the two reads: the job runs again.
            raise RuntimeError(f"identity {group.identity_key} vanished while being read")
        spec = generation.spec
        look = LookSpec(
            prompt=spec.appearance, orientation=spec.orientation, pose=spec.pose, style=spec.style
        )
        return lambda n: self._engine.render_looks(identity, look, seed=seed, count=n)

    def _store(self, generation: Generation, index: int, rendered: RenderedImage) -> StoredImage:
        # Ids derive from the generation, so a rerun overwrites the same blobs.
        image_id = derived_id(generation.id, index)
        self._blobs.put(image_key(image_id), rendered.data, rendered.content_type)
        return StoredImage(
            id=image_id,
            tenant_id=generation.tenant_id,
            generation_id=generation.id,
            content_type=rendered.content_type,
            size=len(rendered.data),
            etag=hashlib.sha256(rendered.data).hexdigest()[:32],
            created_at=self._clock.now(),
            width=rendered.width,
            height=rendered.height,
            face=rendered.face,
        )

    def _as_look(self, generation: Generation, image: StoredImage) -> Look:
        """A finished look image, as a completed look of the generation's group."""
        return Look(
            id=image.id,
            tenant_id=generation.tenant_id,
            group_id=generation.group_id or "",
            name=generation.name,
            status=LookStatus.COMPLETED,
            message=None,
            business_type=BusinessType.GENERATED,
            face=image.face,
            created_at=image.created_at,
            updated_at=image.created_at,
        )


def tenant_generation(
    generations: GenerationRepository, tenant_id: str, generation_id: str
) -> Generation:
    """The tenant's generation, or ``NotFound`` exactly as for an unknown or malformed id."""
    found = None
    if is_hex_id(generation_id):
        found = generations.get(generation_id, tenant_id=tenant_id)
    if found is None:
        raise NotFound(f"generation {generation_id} not found")
    return found


def _check_request(request: GenerationRequest) -> None:
    _check_text("name", request.name, NAME_MAX_LENGTH)
    _check_text("appearance", request.spec.appearance, APPEARANCE_MAX_LENGTH)
    check_no_nul("callback_url", request.callback_url)
    check_no_nul("callback_id", request.callback_id)


def _check_text(param: str, value: str, max_length: int) -> None:
    if not value.strip():
        raise InvalidParameter(param, "must not be empty")
    if len(value) > max_length:
        raise InvalidParameter(param, f"at most {max_length} characters")
    check_no_nul(param, value)


def check_no_nul(param: str, value: str | None) -> None:
    """Refuse NUL characters: no database text column can hold them."""
    if value is not None and "\x00" in value:
        raise InvalidParameter(param, "must not contain NUL characters")
