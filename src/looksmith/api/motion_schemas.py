"""Wire schemas of add motion, add sound effect and upscale, and of a look's sound effect."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from looksmith.domain.models import derived_id
from looksmith.domain.motion import SoundEffect, SoundStatus

SOUND_MIME_TYPE = "audio/mp4"


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class AddMotionRequest(_Body):
    """Body of ``POST /v2/photo_avatar/add_motion``."""

    id: str = Field(min_length=1, max_length=64, description="The look to animate")
    prompt: str | None = Field(default=None, description="How the person should move")
    motion_type: str | None = Field(
        default=None,
        description="expressive, consistent (default), consistent_gen_3, hailuo_2, veo2, "
        "seedance_lite or kling",
    )


class LookIdRequest(_Body):
    """Body of ``POST /v2/photo_avatar/add_sound_effect`` and ``/upscale``: a motion look."""

    id: str = Field(min_length=1, max_length=64, description="A motion look")


class NewLookData(BaseModel):
    """The id of the new look, to poll with the photo avatar details endpoint."""

    id: str


class NewLookResponse(BaseModel):
    """Answer to add motion and upscale."""

    error: None = None
    data: NewLookData


class SoundEffectIdData(BaseModel):
    """The id of the new sound effect."""

    sound_effect_id: str


class SoundEffectIdResponse(BaseModel):
    """Answer to add sound effect."""

    error: None = None
    data: SoundEffectIdData


class FileMeta(BaseModel):
    """The sound effect's file."""

    id: str
    size: int | None
    duration: float | None
    status: Literal["pending", "completed", "failed"]
    mime_type: str
    meta: dict[str, object] = Field(
        default_factory=dict, description="Always empty: no further facts are kept."
    )
    created_ts: int


class SoundEffectData(BaseModel):
    """A look's background sound effect, as photo avatar details shows it."""

    status: Literal["pending", "completed", "failed"]
    sound_effect_id: str
    sound_effect_preview_url: str | None
    file_meta: FileMeta


def sound_effect_data(sound: SoundEffect, preview_url: str | None) -> SoundEffectData:
    """The wire form of a sound effect."""
    ready = sound.status is SoundStatus.COMPLETED
    return SoundEffectData(
        status=sound.status.value,
        sound_effect_id=sound.id,
        sound_effect_preview_url=preview_url if ready else None,
        file_meta=FileMeta(
            id=derived_id(sound.id, 0),
            size=sound.size,
            duration=sound.duration,
            status=sound.status.value,
            mime_type=SOUND_MIME_TYPE,
            created_ts=int(sound.created_at),
        ),
    )
