"""Explicit mappers between the motion columns of a look row and ``LookMotion``."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from looksmith.domain.motion import LookMotion, MotionType, SoundEffect, SoundStatus


def motion_values(motion: LookMotion | None) -> dict[str, Any]:
    """The motion columns of a look: empty (and flags false) for a plain look."""
    sound = motion.sound if motion else None
    return {
        "is_motion": motion is not None,
        "parent_id": motion.parent_id if motion else None,
        "motion_type": motion.motion_type.value if motion else None,
        "motion_prompt": motion.prompt if motion else None,
        "motion_scene": motion.scene if motion else None,
        "upscaled": motion.upscaled if motion else False,
        "upscaled_look_id": motion.upscaled_look_id if motion else None,
        "media_width": motion.width if motion else None,
        "media_height": motion.height if motion else None,
        "media_duration": motion.duration if motion else None,
        "sound_effect_id": sound.id if sound else None,
        "sound_status": sound.status.value if sound else None,
        "sound_size": sound.size if sound else None,
        "sound_duration": sound.duration if sound else None,
        "sound_created_at": sound.created_at if sound else None,
    }


def motion_from_row(row: RowMapping) -> LookMotion | None:
    """The motion of a look row, or None for a plain look."""
    if not row["is_motion"]:
        return None
    return LookMotion(
        parent_id=row["parent_id"],
        motion_type=MotionType(row["motion_type"]),
        prompt=row["motion_prompt"],
        scene=row["motion_scene"] or "",
        upscaled=bool(row["upscaled"]),
        upscaled_look_id=row["upscaled_look_id"],
        width=row["media_width"],
        height=row["media_height"],
        duration=row["media_duration"],
        sound=_sound_from_row(row),
    )


def _sound_from_row(row: RowMapping) -> SoundEffect | None:
    if row["sound_effect_id"] is None:
        return None
    return SoundEffect(
        id=row["sound_effect_id"],
        status=SoundStatus(row["sound_status"]),
        created_at=row["sound_created_at"],
        size=row["sound_size"],
        duration=row["sound_duration"],
    )
