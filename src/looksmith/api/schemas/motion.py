"""Wire schemas of add motion, add sound effect and upscale, and of a look's sound effect."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from looksmith.api.schemas.base import RequestBody, V2Envelope
from looksmith.domain.models import derived_id
from looksmith.domain.motion import SoundEffect, SoundStatus

SOUND_MIME_TYPE = "audio/mp4"
# file_meta.status is an integer code, as HeyGen types it; the state's name is in the
# sound effect's own status.
FILE_STATUS_CODES: dict[SoundStatus, int] = {
    SoundStatus.PENDING: 0,
    SoundStatus.COMPLETED: 1,
    SoundStatus.FAILED: 2,
}


class AddMotionRequest(RequestBody):
    """Body of ``POST /v2/photo_avatar/add_motion``."""

    id: str = Field(min_length=1, max_length=64, description="The look to animate")
    prompt: str | None = Field(default=None, description="How the person should move")
    motion_type: str | None = Field(
        default=None,
        description="expressive, consistent (default), consistent_gen_3, hailuo_2, veo2, "
        "seedance_lite or kling; also runway_gen3, runway_gen4, veo3, veo3.1, hailuo_1 and "
        "seedance, each moving like the nearest of those. avatar_iv is refused, as HeyGen does.",
    )


class LookIdRequest(RequestBody):
    """Body of ``POST /v2/photo_avatar/add_sound_effect`` and ``/upscale``: a motion look."""

    id: str = Field(min_length=1, max_length=64, description="A motion look")


class NewLookData(BaseModel):
    """The id of the new look, to poll with the photo avatar details endpoint."""

    id: str


class NewLookResponse(V2Envelope):
    """Answer to add motion and upscale."""

    data: NewLookData


class SoundEffectIdData(BaseModel):
    """The id of the new sound effect."""

    sound_effect_id: str


class SoundEffectIdResponse(V2Envelope):
    """Answer to add sound effect."""

    data: SoundEffectIdData


class FileMeta(BaseModel):
    """The sound effect's file; size and duration are 0 until it is completed."""

    id: str
    size: int = Field(description="Bytes.")
    duration: int = Field(description="Whole seconds, rounded.")
    status: int = Field(description="0 pending, 1 completed, 2 failed.")
    mime_type: str
    meta: dict[str, object] = Field(
        default_factory=dict, description="Always empty: no further facts are kept."
    )
    created_ts: int


class SoundEffectData(BaseModel):
    """A look's background sound effect, as photo avatar details shows it."""

    status: Literal["pending", "completed", "failed"]
    sound_effect_id: str
    sound_effect_preview_url: str = Field(description='"" until the sound effect is completed.')
    file_meta: FileMeta


def sound_effect_data(sound: SoundEffect, preview_url: str | None) -> SoundEffectData:
    """The wire form of a sound effect."""
    ready = sound.status is SoundStatus.COMPLETED
    return SoundEffectData(
        status=sound.status.value,
        sound_effect_id=sound.id,
        sound_effect_preview_url=(preview_url or "") if ready else "",
        file_meta=FileMeta(
            id=derived_id(sound.id, 0),
            size=sound.size or 0,
            duration=round(sound.duration or 0),
            status=FILE_STATUS_CODES[sound.status],
            mime_type=SOUND_MIME_TYPE,
            created_ts=int(sound.created_at),
        ),
    )
