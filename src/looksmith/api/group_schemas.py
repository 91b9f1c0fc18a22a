"""Wire schemas of uploads, groups, looks and training, with explicit mappers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from looksmith.api.motion_schemas import SoundEffectData, sound_effect_data
from looksmith.domain.media import AssetType, asset_type
from looksmith.domain.models import (
    AvatarGroup,
    GroupSummary,
    Look,
    LookStatus,
    StoredImage,
    image_key,
)
from looksmith.domain.motion import upscale_refusal
from looksmith.domain.specs import PROMPT_MAX_LENGTH, LookSpec, Orientation, Pose, Style
from looksmith.services.generations import LookRequest
from looksmith.services.motion_media import MotionLinks


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class CreateGroupRequest(_Body):
    """Body of ``POST /v2/photo_avatar/avatar_group/create``."""

    name: str = Field(min_length=1, max_length=200)
    image_key: str = Field(min_length=1, max_length=200)
    generation_id: str | None = None


class AddLooksRequest(_Body):
    """Body of ``POST /v2/photo_avatar/avatar_group/add``."""

    group_id: str = Field(min_length=1, max_length=64)
    image_keys: list[str] = Field(min_length=1, max_length=4)
    name: str = Field(min_length=1, max_length=200)
    generation_id: str | None = None


class TrainRequest(_Body):
    """Body of ``POST /v2/photo_avatar/train``."""

    group_id: str = Field(min_length=1, max_length=64)


class GenerateLooksRequest(_Body):
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


class LookResponse(BaseModel):
    """One look."""

    error: None = None
    data: LookData


class LookListData(BaseModel):
    """Looks added to a group."""

    photo_avatar_list: list[LookData]


class LookListResponse(BaseModel):
    """Answer to adding looks."""

    error: None = None
    data: LookListData


class FlowData(BaseModel):
    """A started training."""

    flow_id: str


class FlowResponse(BaseModel):
    """Answer to a training request."""

    error: None = None
    data: FlowData


class TrainStatusData(BaseModel):
    """A group's training, with integer timestamps as HeyGen sent them."""

    status: Literal["pending", "ready", "failed"]
    error_msg: str | None
    created_at: int
    updated_at: int = Field(description="Equals created_at while the training is pending.")


class TrainStatusResponse(BaseModel):
    """Answer to a training status request."""

    error: None = None
    data: TrainStatusData


class GroupData(BaseModel):
    """A group in the group list; ``created_at`` is a whole number. ``preview_image`` is always
    a link, and ``preview_image_url`` (HeyGen's newer name) the same one."""

    id: str
    name: str
    created_at: int
    num_looks: int
    preview_image: str
    preview_image_url: str
    group_type: Literal["PHOTO"]
    train_status: Literal["pending", "ready", "failed"] | None
    default_voice_id: str = Field(description='"": groups have no voice of their own yet.')


class GroupListData(BaseModel):
    """One page of groups and the total."""

    total_count: int
    avatar_group_list: list[GroupData]


class GroupListResponse(BaseModel):
    """Answer to listing groups."""

    error: None = None
    data: GroupListData


class GroupAvatarData(LookData):
    """A look as a group's avatar list shows it: also under the names HeyGen's avatar rows use
    (``avatar_id``, ``avatar_name``, preview links, ``premium``), which some clients require."""

    default_voice_id: str = Field(description='"": looks have no voice of their own yet.')
    avatar_id: str = Field(description="The same as id.")
    avatar_name: str = Field(description="The same as name.")
    gender: str = Field(description='"unknown": looks keep no gender.')
    preview_image_url: str = Field(description="The look's picture, signed like image_url.")
    preview_video_url: str = Field(
        description="A motion look's preview video; for a still look, its picture."
    )
    premium: bool = Field(description="Always false.")


class AvatarListData(BaseModel):
    """One page of a group's looks and the total."""

    total_count: int
    avatar_list: list[GroupAvatarData]


class AvatarListResponse(BaseModel):
    """Answer to listing a group's looks."""

    error: None = None
    data: AvatarListData


class AssetData(BaseModel):
    """An uploaded file, as ``POST /v1/asset`` and ``GET /v1/asset/list`` show it."""

    id: str
    asset_id: str = Field(description="The same as id, for clients of HeyGen's newer naming.")
    name: str
    file_type: Literal["image", "video", "audio"]
    folder_id: str
    meta: str | None
    created_ts: int
    url: str
    image_key: str | None = Field(description="Images only: what starts a group; null else.")


class AssetResponse(BaseModel):
    """The v1 envelope around an uploaded asset."""

    code: int = 100
    data: AssetData
    msg: None = None
    message: None = None


class AssetListData(BaseModel):
    """One page of assets, newest first."""

    assets: list[AssetData]
    total: int = Field(description="The tenant's assets of the asked file_type, on all pages.")
    token: str | None = Field(description="Pass as token for the next page; null on the last.")


class AssetListResponse(BaseModel):
    """The v1 envelope around a page of assets; ``error`` too, for clients that check it."""

    code: int = 100
    data: AssetListData
    msg: None = None
    message: None = None
    error: None = None


class DeletedResponse(BaseModel):
    """The v1 envelope of a successful delete."""

    code: int = 100
    data: None = None
    msg: None = None
    message: None = None


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
        created_at=float(_whole(look.created_at)),
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


def group_avatar_data(look: Look, image_url: str, links: MotionLinks) -> GroupAvatarData:
    """The wire form of a look in its group's avatar list."""
    shown = look_data(look, image_url, links).model_dump() | {"default_voice_id": ""}
    return GroupAvatarData(
        **shown,
        avatar_id=look.id,
        avatar_name=look.name,
        gender="unknown",
        preview_image_url=image_url,
        preview_video_url=links.preview_url or image_url,
        premium=False,
    )


def train_status_data(group: AvatarGroup) -> TrainStatusData:
    """The wire form of a group's training; a pending one was last updated when it began."""
    assert group.train_status is not None
    created_at = group.train_created_at or group.created_at
    return TrainStatusData(
        status=group.train_status.value,
        error_msg=group.train_error,
        created_at=_whole(created_at),
        updated_at=_whole(group.train_updated_at or created_at),
    )


def group_data(summary: GroupSummary, preview_url: str) -> GroupData:
    """The wire form of a group in the list."""
    group = summary.group
    return GroupData(
        id=group.id,
        name=group.name,
        created_at=int(group.created_at),
        num_looks=summary.num_looks,
        preview_image=preview_url,
        preview_image_url=preview_url,
        group_type="PHOTO",
        train_status=group.train_status.value if group.train_status else None,
        default_voice_id="",
    )


def asset_data(image: StoredImage, url: str) -> AssetData:
    """The wire form of an uploaded file; only an image has an ``image_key``."""
    kind = asset_type(image.content_type)
    return AssetData(
        id=image.id,
        asset_id=image.id,
        name=image.id,
        file_type=kind.value,
        folder_id="",
        meta=None,
        created_ts=int(image.created_at),
        url=url,
        image_key=image_key(image.id) if kind is AssetType.IMAGE else None,
    )


def _whole(timestamp: float) -> int:
    """Unix seconds without their fraction: HeyGen's timestamps are whole seconds."""
    return int(timestamp)
