"""Photo generations: accept a request, render it in a worker, report its status."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass

from looksmith.domain.models import (
    Generation,
    GenerationStatus,
    JobKind,
    StoredImage,
    derived_id,
    image_key,
    is_hex_id,
    new_id,
)
from looksmith.domain.specs import APPEARANCE_MAX_LENGTH, IMAGES_PER_GENERATION, PhotoSpec
from looksmith.errors import InvalidParameter, NotFound
from looksmith.ports import BlobStore, Clock, GenerationRepository, ImageEngine, JobQueue

log = logging.getLogger(__name__)

NAME_MAX_LENGTH = 200


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """A validated request to generate photos."""

    name: str
    spec: PhotoSpec
    callback_url: str | None = None
    callback_id: str | None = None


class GenerationService:
    """Owns the life of a photo generation, from request to four stored images."""

    def __init__(
        self,
        *,
        generations: GenerationRepository,
        blobs: BlobStore,
        engine: ImageEngine,
        queue: JobQueue,
        clock: Clock,
    ) -> None:
        self._generations = generations
        self._blobs = blobs
        self._engine = engine
        self._queue = queue
        self._clock = clock

    def submit(self, *, tenant_id: str, request: GenerationRequest) -> Generation:
        """Durably store a new generation and its job, then wake a worker."""
        _check_request(request)
        now = self._clock.now()
        generation = Generation(
            id=new_id(),
            tenant_id=tenant_id,
            name=request.name,
            spec=request.spec,
            seed=secrets.randbelow(2**31),
            status=GenerationStatus.QUEUED,
            message=None,
            image_ids=(),
            callback_url=request.callback_url,
            callback_id=request.callback_id,
            created_at=now,
            updated_at=now,
        )
        self._generations.add(generation)
        self._queue.enqueue(JobKind.RENDER_GENERATION, generation.id)
        return generation

    def get(self, *, tenant_id: str, generation_id: str) -> Generation:
        """The tenant's generation; someone else's answers exactly like an unknown one."""
        found = None
        if is_hex_id(generation_id):
            found = self._generations.get(generation_id, tenant_id=tenant_id)
        if found is None:
            raise NotFound(f"generation {generation_id} not found")
        return found

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
        images = [self._render_one(generation, index) for index in range(IMAGES_PER_GENERATION)]
        if not self._generations.complete(target_id, images=images, at=self._clock.now()):
            log.warning("generation %s changed while rendering; result dropped", target_id)

    def give_up(self, target_id: str, reason: str) -> None:
        """Fail a generation whose job ran out of attempts."""
        generation = self._generations.get(target_id)
        if generation is None or generation.status.is_terminal:
            return
        self._generations.set_status(
            target_id,
            expected=generation.status,
            status=GenerationStatus.FAILED,
            message=reason,
            at=self._clock.now(),
        )

    def _render_one(self, generation: Generation, index: int) -> StoredImage:
        # Ids derive from the generation, so a rerun overwrites the same blobs.
        image_id = derived_id(generation.id, index)
        rendered = self._engine.render_photo(generation.spec, seed=generation.seed, variant=index)
        self._blobs.put(image_key(image_id), rendered.data, rendered.content_type)
        return StoredImage(
            id=image_id,
            tenant_id=generation.tenant_id,
            generation_id=generation.id,
            content_type=rendered.content_type,
            size=len(rendered.data),
            etag=hashlib.sha256(rendered.data).hexdigest()[:32],
            created_at=self._clock.now(),
        )


def _check_request(request: GenerationRequest) -> None:
    if not request.name.strip():
        raise InvalidParameter("name", "must not be empty")
    if len(request.name) > NAME_MAX_LENGTH:
        raise InvalidParameter("name", f"at most {NAME_MAX_LENGTH} characters")
    appearance = request.spec.appearance
    if not appearance.strip():
        raise InvalidParameter("appearance", "must not be empty")
    if len(appearance) > APPEARANCE_MAX_LENGTH:
        raise InvalidParameter("appearance", f"at most {APPEARANCE_MAX_LENGTH} characters")
