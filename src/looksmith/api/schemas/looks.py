"""Wire schemas of looks: generating them, and a look as every look and group route shows it."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from looksmith.api.schemas.base import RequestBody, V2Envelope, whole_seconds
from looksmith.api.schemas.motion import SoundEffectData, sound_effect_data
from looksmith.domain.models import Look, LookStatus
from looksmith.domain.motion import upscale_refusal
from looksmith.domain.specs import PROMPT_MAX_LENGTH, LookSpec, Orientation, Pose, Style
from looksmith.services.generations import LookRequest
from looksmith.services.motion_media import MotionLinks


class GenerateLooksRequest(RequestBody):
    """Body of ``POST /v2/photo_avatar/look/generate``."""

    group_id: str = Field(min_length=1, max_length=64)
    prompt: str = Field(min_length=1, max_length=PROMPT_MAX_LENGTH)
    orientation: Orientation
    pose: Pose
    style: Style

    def to_request(self) -> LookRequest:
        """The service's view of this body."""
        look = LookSpec(
            prompt=self.prompt, orientation=self.orientation, pose=self.pose, style=self.style
        )
        return LookRequest(group_id=self.group_id, look=look)


class UpscaleAvailability(BaseModel):
    """Whether the look can be upscaled, and why not."""

    available: bool
    reason: str = Field(description='Why not; "" when it is available.')


class LookData(BaseModel):
    """A look (photo avatar), as HeyGen's create, add, details and list endpoints show it."""

    id: str
    image_url: str = Field(description='"" while a motion look is pending.')
    created_at: float = Field(description="Whole Unix seconds, as a float: 1737665964.0.")
    name: str
    status: Literal["pending", "completed", "failed"]
    group_id: str
    is_motion: bool
    motion_preview_url: str | None
    business_type: Literal["user_upload", "generated"]
    upscale_availability: UpscaleAvailability
    upscaled: bool
    background_sound_effect: SoundEffectData | None
    default_voice_id: str | None
    moderation_msg: str | None


class LookResponse(V2Envelope):
    """One look."""

    data: LookData


def look_data(look: Look, image_url: str, links: MotionLinks | None = None) -> LookData:
    """The wire form of a look; a motion look's still exists once it is completed."""
    motion, links = look.motion, links or MotionLinks()
    refusal = upscale_refusal(look.status.value, motion)
    sound = motion.sound if motion else None
    if motion is not None and look.status is not LookStatus.COMPLETED:
        image_url = ""
    return LookData(
        id=look.id,
        image_url=image_url,
        created_at=float(whole_seconds(look.created_at)),
        name=look.name,
        status=look.status.value,
        group_id=look.group_id,
        is_motion=motion is not None,
        motion_preview_url=links.preview_url,
        business_type=look.business_type.value,
        upscale_availability=UpscaleAvailability(available=refusal is None, reason=refusal or ""),
        upscaled=motion.upscaled if motion else False,
        background_sound_effect=sound_effect_data(sound, links.sound_url) if sound else None,
        default_voice_id=None,
        moderation_msg=look.message,
    )
