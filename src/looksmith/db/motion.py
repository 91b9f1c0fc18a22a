"""Motion looks in SQL: each change commits together with the job that carries it on."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select, update

from looksmith.db.groups import look_values
from looksmith.db.images import face_values, image_values
from looksmith.db.jobs import new_job
from looksmith.db.tables import generations, images, jobs, looks
from looksmith.domain.models import JobKind, Look, LookStatus, StoredImage
from looksmith.domain.motion import MotionClip, SoundStatus
from looksmith.domain.specs import FaceBox

_PENDING = LookStatus.PENDING.value
_COMPLETED = LookStatus.COMPLETED.value


class SqlMotionRepository:
    """Adds motion looks, upscales and sound effects, and records how their jobs ended."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_motion_look(self, look: Look) -> None:
        """Insert a pending motion look and its animation job, in one commit."""
        with self._engine.begin() as conn:
            conn.execute(insert(looks).values(**look_values(look)))
            conn.execute(
                insert(jobs).values(
                    **new_job(JobKind.ADD_MOTION, look.id, look.created_at, look.tenant_id)
                )
            )

    def add_upscaled_look(self, look: Look) -> bool:
        """Claim the parent's one upscale and insert the pending upscaled look and its job."""
        assert look.motion is not None
        claim = (
            update(looks)
            .where(
                looks.c.id == look.motion.parent_id,
                looks.c.is_motion.is_(True),
                looks.c.upscaled.is_(False),
                looks.c.status == _COMPLETED,
                looks.c.upscaled_look_id.is_(None),
            )
            .values(upscaled_look_id=look.id)
        )
        with self._engine.begin() as conn:
            if conn.execute(claim).rowcount != 1:
                return False
            conn.execute(insert(looks).values(**look_values(look)))
            job = new_job(JobKind.UPSCALE_LOOK, look.id, look.created_at, look.tenant_id)
            conn.execute(insert(jobs).values(**job))
        return True

    def complete_motion(
        self,
        look_id: str,
        *,
        image: StoredImage,
        face: FaceBox | None,
        clip: MotionClip,
        at: float,
    ) -> bool:
        """Mark the pending look completed and store its still's metadata, in one commit."""
        query = (
            update(looks)
            .where(looks.c.id == look_id, looks.c.status == _PENDING)
            .values(
                status=_COMPLETED,
                message=None,
                updated_at=at,
                media_width=clip.width,
                media_height=clip.height,
                media_duration=clip.duration,
                **face_values(face),
            )
        )
        with self._engine.begin() as conn:
            if conn.execute(query).rowcount != 1:
                return False
            conn.execute(insert(images).values(**image_values(image)))
        return True

    def fail_motion(self, look_id: str, *, message: str, at: float) -> bool:
        """Mark the pending look failed; a failed upscale lets its parent be upscaled again."""
        query = (
            update(looks)
            .where(looks.c.id == look_id, looks.c.status == _PENDING)
            .values(status=LookStatus.FAILED.value, message=message, updated_at=at)
        )
        release = (
            update(looks).where(looks.c.upscaled_look_id == look_id).values(upscaled_look_id=None)
        )
        with self._engine.begin() as conn:
            if conn.execute(query).rowcount != 1:
                return False
            conn.execute(release)
        return True

    def start_sound_effect(self, look_id: str, *, tenant_id: str, sound_id: str, at: float) -> bool:
        """Start a sound effect on a completed motion look without one pending, with its job."""
        query = (
            update(looks)
            .where(
                looks.c.id == look_id,
                looks.c.tenant_id == tenant_id,
                looks.c.is_motion.is_(True),
                looks.c.status == _COMPLETED,
                (looks.c.sound_status.is_(None)) | (looks.c.sound_status != SoundStatus.PENDING),
            )
            .values(
                sound_effect_id=sound_id,
                sound_status=SoundStatus.PENDING.value,
                sound_size=None,
                sound_duration=None,
                sound_created_at=at,
            )
        )
        with self._engine.begin() as conn:
            if conn.execute(query).rowcount != 1:
                return False
            conn.execute(
                insert(jobs).values(**new_job(JobKind.ADD_SOUND_EFFECT, look_id, at, tenant_id))
            )
        return True

    def finish_sound_effect(
        self,
        look_id: str,
        *,
        sound_id: str,
        status: SoundStatus,
        size: int | None,
        duration: float | None,
        at: float,
    ) -> bool:
        """Close the pending sound effect ``sound_id``; a newer one is left alone."""
        query = (
            update(looks)
            .where(
                looks.c.id == look_id,
                looks.c.sound_effect_id == sound_id,
                looks.c.sound_status == SoundStatus.PENDING.value,
            )
            .values(
                sound_status=status.value, sound_size=size, sound_duration=duration, updated_at=at
            )
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    def source_prompt(self, look_id: str) -> str | None:
        """The prompt of the look generation whose picture this look shows, if any."""
        query = (
            select(generations.c.appearance)
            .join(images, images.c.generation_id == generations.c.id)
            .where(images.c.id == look_id)
        )
        with self._engine.connect() as conn:
            found: str | None = conn.execute(query).scalar_one_or_none()
        return found
