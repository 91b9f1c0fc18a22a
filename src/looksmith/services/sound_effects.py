"""Sound effects: an ambient track for a motion look, also laid under its preview."""

from __future__ import annotations

from looksmith.domain.models import JobKind, LookStatus, StatusChange, new_id, seed_from_id
from looksmith.domain.motion import SoundStatus, motion_keys, preview_key, sound_key
from looksmith.errors import InvalidParameter
from looksmith.ports.clock import Clock
from looksmith.ports.delivery import StatusEvents, WebhookOutbox
from looksmith.ports.jobs import JobQueue
from looksmith.ports.media import BlobStore, MotionEngine
from looksmith.ports.repositories import GroupRepository, MotionRepository
from looksmith.services.announce import Announcer
from looksmith.services.groups import GroupService

DEFAULT_SECONDS = 4.0


class SoundEffectService:
    """Starts sound effects and makes them in a worker."""

    def __init__(
        self,
        *,
        groups: GroupRepository,
        group_service: GroupService,
        motion: MotionRepository,
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
        self._blobs = blobs
        self._engine = engine
        self._queue = queue
        self._announcer = Announcer(events, outbox)
        self._clock = clock

    def add(self, *, tenant_id: str, look_id: str) -> str:
        """Start a sound effect for the tenant's completed motion look; returns its id."""
        look = self._group_service.look(tenant_id=tenant_id, look_id=look_id)
        if look.motion is None:
            raise InvalidParameter(
                "id",
                f"photo avatar {look_id} has no motion; add motion first and use the motion "
                "look's id",
            )
        if look.status is not LookStatus.COMPLETED:
            raise InvalidParameter(
                "id", f"photo avatar {look_id} is {look.status.value}, not completed"
            )
        sound_id = new_id()
        started = self._motion.start_sound_effect(
            look.id, tenant_id=tenant_id, sound_id=sound_id, at=self._clock.now()
        )
        if not started:
            raise InvalidParameter("id", "a sound effect for this look is still being made")
        self._queue.enqueue(JobKind.ADD_SOUND_EFFECT, look.id)
        return sound_id

    def run(self, target_id: str) -> None:
        """Make the pending sound effect of a motion look and lay it under the preview."""
        look = self._groups.get_look(target_id)
        motion = look.motion if look else None
        sound = motion.sound if motion else None
        if look is None or motion is None or sound is None:
            return
        if sound.status is not SoundStatus.PENDING:
            return
        video = self._blobs.get(preview_key(look.id))
        if video is None:
            self._finish(look.id, look.tenant_id, sound.id, SoundStatus.FAILED)
            return
        track = self._engine.ambience(
            scene=motion.scene,
            seconds=motion.duration or DEFAULT_SECONDS,
            seed=seed_from_id(sound.id),
        )
        self._blobs.put(sound_key(look.id), track.data, track.content_type)
        # The video stream is copied, so a rerun after a crash here gives the same preview.
        self._blobs.put(preview_key(look.id), self._engine.add_sound(video, track), "video/mp4")
        finished = self._finish(
            look.id, look.tenant_id, sound.id, SoundStatus.COMPLETED,
            size=len(track.data), duration=track.duration,
        )  # fmt: skip
        if not finished and self._groups.get_look(look.id) is None:  # deleted while making
            for key in motion_keys(look.id):
                self._blobs.delete(key)

    def give_up(self, target_id: str, reason: str) -> None:
        """Fail a sound effect that kept failing."""
        look = self._groups.get_look(target_id)
        sound = look.motion.sound if look and look.motion else None
        if look is not None and sound is not None:
            self._finish(look.id, look.tenant_id, sound.id, SoundStatus.FAILED)

    def _finish(
        self,
        look_id: str,
        tenant_id: str,
        sound_id: str,
        status: SoundStatus,
        *,
        size: int | None = None,
        duration: float | None = None,
    ) -> bool:
        """Record the outcome; False if the sound effect was no longer pending (or is gone)."""
        if not self._motion.finish_sound_effect(
            look_id,
            sound_id=sound_id,
            status=status,
            size=size,
            duration=duration,
            at=self._clock.now(),
        ):
            return False
        self._announcer.look_finished(
            StatusChange("look", look_id, tenant_id, LookStatus.COMPLETED.value),
            webhook=StatusChange("sound_effect", look_id, tenant_id, status.value),
        )
        return True
