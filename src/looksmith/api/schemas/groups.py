"""Wire schemas of avatar groups, their looks and their training, with explicit mappers."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from looksmith.api.schemas.base import RequestBody, V2Envelope, whole_seconds
from looksmith.api.schemas.looks import LookData, look_data
from looksmith.domain.models import AvatarGroup, GroupSummary, Look
from looksmith.services.motion_media import MotionLinks


class CreateGroupRequest(RequestBody):
    """Body of ``POST /v2/photo_avatar/avatar_group/create``."""

    name: str = Field(min_length=1, max_length=200)
    image_key: str = Field(min_length=1, max_length=200)
    generation_id: str | None = None


class AddLooksRequest(RequestBody):
    """Body of ``POST /v2/photo_avatar/avatar_group/add``."""

    group_id: str = Field(min_length=1, max_length=64)
    image_keys: list[str] = Field(min_length=1, max_length=4)
    name: str = Field(min_length=1, max_length=200)
    generation_id: str | None = None


class TrainRequest(RequestBody):
    """Body of ``POST /v2/photo_avatar/train``."""

    group_id: str = Field(min_length=1, max_length=64)


class LookListData(BaseModel):
    """Looks added to a group."""

    photo_avatar_list: list[LookData]


class LookListResponse(V2Envelope):
    """Answer to adding looks."""

    data: LookListData


class FlowData(BaseModel):
    """A started training."""

    flow_id: str


class FlowResponse(V2Envelope):
    """Answer to a training request."""

    data: FlowData


class TrainStatusData(BaseModel):
    """A group's training, with integer timestamps as HeyGen sent them."""

    status: Literal["pending", "ready", "failed"]
    error_msg: str | None
    created_at: int
    updated_at: int = Field(description="Equals created_at while the training is pending.")


class TrainStatusResponse(V2Envelope):
    """Answer to a training status request."""

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


class GroupListResponse(V2Envelope):
    """Answer to listing groups."""

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


class AvatarListResponse(V2Envelope):
    """Answer to listing a group's looks."""

    data: AvatarListData


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
        created_at=whole_seconds(created_at),
        updated_at=whole_seconds(group.train_updated_at or created_at),
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
