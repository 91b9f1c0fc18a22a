"""HeyGen's Photo Avatar v2 answers as a strict typed client reads them.

Written from /work/shared/reference/heygen-v2-photo-avatar-facts.md (the section is named on each
model), not from looksmith's own schemas: strict mode, so a string is never ``null``, an integer
is never ``1.0`` and a boolean is never ``0``; every field the reference names is required; URLs
must parse as URLs; ``float`` only where the reference shows floats. Unknown fields are ignored,
as HeyGen's clients do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    HttpUrl,
    StrictBool,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)

Hex32 = Annotated[StrictStr, StringConstraints(pattern=r"^[0-9a-f]{32}$")]  # §1.5
ImageKey = Annotated[StrictStr, StringConstraints(pattern=r"^image/[0-9a-f]{32}/original")]  # §7


def _iso(value: str) -> str:
    datetime.fromisoformat(value)
    return value


IsoTime = Annotated[StrictStr, AfterValidator(_iso)]  # §1.6: webhook endpoint created_at
DataT = TypeVar("DataT")


class Strict(BaseModel):
    """Strict types, every named field required, unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class V2(Strict, Generic[DataT]):
    """§1.3 (1): the v2 success envelope."""

    error: None
    data: DataT


class V1(Strict, Generic[DataT]):
    """§1.3 (2): the v1 success envelope; ``code`` 100 is success."""

    code: Literal[100]
    data: DataT
    msg: StrictStr | None
    message: StrictStr | None


class V2Error(Strict):
    """§6.1 and DESIGN's default error form: a string message and a machine code."""

    error: StrictStr
    code: StrictStr
    data: None


class V1Error(Strict):
    """§6.2: v1 errors carry HeyGen's integer ``code`` and a ``message``."""

    code: StrictInt
    message: StrictStr
    data: None


class Asset(Strict):
    """§3.1: ``POST /v1/asset``."""

    id: Hex32
    name: StrictStr
    file_type: Literal["image", "video", "audio"]
    folder_id: StrictStr
    meta: StrictStr | None
    created_ts: StrictInt
    url: HttpUrl
    image_key: ImageKey | None


class GenerationId(Strict):
    """§3.2 and §3.4: an accepted photo or look generation."""

    generation_id: Hex32


class GenerationStatus(Strict):
    """§3.3: lists are null while in progress, four keys and their URLs on success."""

    id: Hex32
    status: Literal["in_progress", "success", "failed"]
    msg: StrictStr | None
    image_url_list: list[HttpUrl] | None
    image_key_list: list[ImageKey] | None

    @model_validator(mode="after")
    def _lists_follow_the_status(self) -> GenerationStatus:
        if self.status == "success":
            assert self.image_url_list is not None and self.image_key_list is not None
            assert len(self.image_url_list) == len(self.image_key_list) == 4
        else:
            assert self.image_url_list is None and self.image_key_list is None
        return self


class UpscaleAvailability(Strict):
    """§3.5 / §3.16: ``reason`` is a string."""

    available: StrictBool
    reason: StrictStr


class FileMeta(Strict):
    """§3.9 (AH): the sound effect's file; size, duration and status are integers."""

    id: StrictStr
    size: StrictInt
    duration: StrictInt
    status: StrictInt
    mime_type: StrictStr
    meta: dict[str, Any]
    created_ts: StrictInt


class SoundEffect(Strict):
    """§3.9 (AH): ``background_sound_effect`` once a sound effect exists."""

    status: Literal["pending", "completed", "failed"]
    sound_effect_id: StrictStr
    sound_effect_preview_url: HttpUrl | Literal[""]
    file_meta: FileMeta


class Look(Strict):
    """§3.5, §3.6, §3.9, §3.16: a look (photo avatar); ``created_at`` is a float."""

    id: Hex32
    image_url: HttpUrl | Literal[""]  # "" while a motion look is pending (§3.9 example)
    created_at: float
    name: StrictStr
    status: Literal["pending", "completed", "failed", "in_appeal", "moderation_rejected"]
    group_id: Hex32
    is_motion: StrictBool
    motion_preview_url: HttpUrl | None
    business_type: Literal["user_upload", "generated"]
    upscale_availability: UpscaleAvailability
    upscaled: StrictBool
    background_sound_effect: SoundEffect | None
    default_voice_id: StrictStr | None
    moderation_msg: StrictStr | None


class LookList(Strict):
    """§3.6: looks added to a group."""

    photo_avatar_list: list[Look]


class Flow(Strict):
    """§3.7 (recommendation): a started training."""

    flow_id: StrictStr


class TrainStatus(Strict):
    """§3.8: integer timestamps."""

    status: Literal["pending", "ready", "failed"]
    error_msg: StrictStr | None
    created_at: StrictInt
    updated_at: StrictInt | None


class NewLook(Strict):
    """§3.10 and §3.12: the id of the new motion or upscaled look."""

    id: Hex32


class SoundEffectId(Strict):
    """§3.11 (TD's flat form)."""

    sound_effect_id: StrictStr


class Group(Strict):
    """§3.15 (SB's pydantic model): ``created_at`` an int, ``preview_image`` a URL."""

    id: Hex32
    name: StrictStr
    created_at: StrictInt
    num_looks: StrictInt
    preview_image: HttpUrl
    group_type: StrictStr
    train_status: StrictStr | None
    default_voice_id: StrictStr  # §3.15's example shows a string


class GroupList(Strict):
    """§3.15."""

    total_count: StrictInt
    avatar_group_list: list[Group]


class GroupAvatar(Look):
    """§3.16 as HeyGen's own MCP server (heygen-mcp 0.0.3 on PyPI) types an avatar row: it also
    requires the avatar names of HeyGen's avatar rows, with URLs for both previews."""

    default_voice_id: StrictStr  # §3.16 types it a string
    avatar_id: Hex32
    avatar_name: StrictStr
    gender: StrictStr
    preview_image_url: HttpUrl
    preview_video_url: HttpUrl
    premium: StrictBool


class AvatarList(Strict):
    """§3.16."""

    avatar_list: list[GroupAvatar]


class Endpoint(Strict):
    """§8 (AE-WH): a webhook endpoint; it carries its ``secret``."""

    endpoint_id: StrictStr
    url: HttpUrl
    events: list[StrictStr] | None
    status: StrictStr
    created_at: IsoTime
    secret: StrictStr


class WebhookEvent(Strict):
    """§8: what a receiver gets."""

    event_type: StrictStr
    event_data: dict[str, Any]
