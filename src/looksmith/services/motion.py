"""Motion looks: add motion to a look, upscale a motion look; both render in a worker."""

from __future__ import annotations

import hashlib
import logging

from looksmith.domain.models import (
    BusinessType,
    ImageSource,
    JobKind,
    Look,
    LookStatus,
    StatusChange,
    StoredImage,
    image_key,
    new_id,
    seed_from_id,
)
from looksmith.domain.motion import (
    DEFAULT_MOTION_TYPE,
    HAS_UPSCALE,
    MOTION_PROMPT_MAX_LENGTH,
    LookMotion,
    MotionClip,
    MotionType,
    motion_keys,
    motion_type_named,
    preview_key,
    upscale_refusal,
)
from looksmith.domain.specs import FaceBox
from looksmith.errors import InvalidParameter
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import StatusEvents, WebhookOutbox
from looksmith.ports.jobs import JobQueue
from looksmith.ports.media import BlobStore, MotionEngine
from looksmith.ports.repositories import GroupRepository, ImageRepository, MotionRepository
from looksmith.services.announce import Announcer
from looksmith.services.generations import check_no_nul
from looksmith.services.groups import GroupService

log = logging.getLogger(__name__)

UPSCALE_FACTOR = 2
SOURCE_GONE = "the look it was made from was deleted"


class MotionService:
    """Starts motion looks and upscales, and renders them in a worker."""

    def __init__(
        self,
        *,
        groups: GroupRepository,
        group_service: GroupService,
        motion: MotionRepository,
        images: ImageRepository,
        blobs: BlobStore,
        engine: MotionEngine,
        queue: JobQueue,
        events: StatusEvents,
        clock: Clock,
        outbox: WebhookOutbox | None = None,
    ) -> None:
        self._groups = groups
        self._group_service = group_service
        self._motion = motion
        self._images = images
        self._blobs = blobs
        self._engine = engine
        self._queue = queue
        self._announcer = Announcer(events, outbox)
        self._clock = clock

    def add_motion(
        self, *, tenant_id: str, look_id: str, prompt: str | None, motion_type: str | None
    ) -> Look:
        """A new pending motion look of the tenant's completed look ``look_id``."""
        kind = _motion_type(motion_type)
        _check_prompt(prompt)
        source = self._group_service.look(tenant_id=tenant_id, look_id=look_id)
        if source.motion is not None:
            raise InvalidParameter("id", f"photo avatar {look_id} is already a motion look")
        if source.status is not LookStatus.COMPLETED:
            raise InvalidParameter(
                "id", f"photo avatar {look_id} is {source.status.value}, not completed"
            )
        parts = (prompt, self._motion.source_prompt(source.id), source.name)
        motion = LookMotion(
            parent_id=source.id,
            motion_type=kind,
            prompt=prompt,
            scene=" ".join(part for part in parts if part),
        )
        look = self._new_look(source, motion)
        self._motion.add_motion_look(look)
        self._queue.enqueue(JobKind.ADD_MOTION, look.id)
        return look

    def upscale(self, *, tenant_id: str, look_id: str) -> Look:
        """A new pending look at twice the size of the tenant's completed motion look."""
        source = self._group_service.look(tenant_id=tenant_id, look_id=look_id)
        refusal = upscale_refusal(source.status.value, source.motion)
        if refusal is not None or source.motion is None:
            raise InvalidParameter("id", refusal or "not a motion look")
        look = self._new_look(source, _upscaled(source.motion, source.id))
        if not self._motion.add_upscaled_look(look):
            raise InvalidParameter("id", HAS_UPSCALE)  # another request won the race
        self._queue.enqueue(JobKind.UPSCALE_LOOK, look.id)
        return look

    def run(self, target_id: str) -> None:
        """Render a pending motion or upscaled look; safe to rerun."""
        look = self._groups.get_look(target_id)
        if look is None or look.status is not LookStatus.PENDING or look.motion is None:
            return
        rendered = self._render(look, look.motion)
        if rendered is None:
            self._fail(look, SOURCE_GONE)
            return
        clip, face = rendered
        self._blobs.put(preview_key(look.id), clip.video, "video/mp4")
        self._blobs.put(image_key(look.id), clip.still, "image/webp")
        image = self._still(look, clip, face)
        if self._motion.complete_motion(look.id, image=image, face=face, clip=clip, at=self._now()):
            self._announce(look, LookStatus.COMPLETED)
        elif self._groups.get_look(look.id) is None:  # deleted while rendering
            for key in (image_key(look.id), *motion_keys(look.id)):
                self._blobs.delete(key)

    def give_up(self, target_id: str, reason: str) -> None:
        """Fail a motion look whose rendering kept failing."""
        look = self._groups.get_look(target_id)
        if look is not None and look.motion is not None:
            work = "upscale" if look.motion.upscaled else "add motion"
            self._fail(look, f"{work} {reason}")

    def _render(self, look: Look, motion: LookMotion) -> tuple[MotionClip, FaceBox | None] | None:
        parent = self._groups.get_look(motion.parent_id)
        if parent is None:
            return None
        if motion.upscaled:
            video = self._blobs.get(preview_key(parent.id))
            if video is None:
                return None
            clip = self._engine.upscale(video, factor=UPSCALE_FACTOR)
            return clip, _scaled(parent.face, UPSCALE_FACTOR)
        data = self._blobs.get(image_key(parent.id))
        if data is None:
            return None
        clip = self._engine.animate(
            data,
            face=parent.face,
            motion_type=motion.motion_type,
            prompt=motion.prompt,
            seed=seed_from_id(look.id),
        )
        source = self._images.get_image(parent.id)
        width = source.width if source and source.width else clip.width
        return clip, _scaled(parent.face, clip.width / width)

    def _still(self, look: Look, clip: MotionClip, face: FaceBox | None) -> StoredImage:
        return StoredImage(
            id=look.id,
            tenant_id=look.tenant_id,
            generation_id=None,
            content_type="image/webp",
            size=len(clip.still),
            etag=hashlib.sha256(clip.still).hexdigest()[:32],
            created_at=self._now(),
            source=ImageSource.LOOK,
            width=clip.width,
            height=clip.height,
            face=face,
        )

    def _fail(self, look: Look, message: str) -> None:
        if self._motion.fail_motion(look.id, message=message, at=self._now()):
            self._announce(look, LookStatus.FAILED)

    def _announce(self, look: Look, status: LookStatus) -> None:
        kind = "upscale" if look.motion is not None and look.motion.upscaled else "motion"
        self._announcer.look_finished(
            StatusChange("look", look.id, look.tenant_id, status.value),
            webhook=StatusChange(kind, look.id, look.tenant_id, status.value),
        )

    def _new_look(self, source: Look, motion: LookMotion) -> Look:
        now = self._now()
        return Look(
            id=new_id(),
            tenant_id=source.tenant_id,
            group_id=source.group_id,
            name=source.name,
            status=LookStatus.PENDING,
            message=None,
            business_type=BusinessType.GENERATED,
            face=None,
            created_at=now,
            updated_at=now,
            motion=motion,
        )

    def _now(self) -> float:
        return self._clock.now()


def _motion_type(value: str | None) -> MotionType:
    if value is None:
        return DEFAULT_MOTION_TYPE
    try:
        return motion_type_named(value)
    except ValueError as exc:
        raise InvalidParameter("motion_type", str(exc)) from None


def _check_prompt(prompt: str | None) -> None:
    if prompt is not None and len(prompt) > MOTION_PROMPT_MAX_LENGTH:
        raise InvalidParameter("prompt", f"at most {MOTION_PROMPT_MAX_LENGTH} characters")
    check_no_nul("prompt", prompt)


def _upscaled(motion: LookMotion, parent_id: str) -> LookMotion:
    return LookMotion(
        parent_id=parent_id,
        motion_type=motion.motion_type,
        prompt=motion.prompt,
        scene=motion.scene,
        upscaled=True,
    )


def _scaled(face: FaceBox | None, factor: float) -> FaceBox | None:
    if face is None:
        return None
    return FaceBox(
        x=round(face.x * factor),
        y=round(face.y * factor),
        width=max(1, round(face.width * factor)),
        height=max(1, round(face.height * factor)),
    )
