"""Avatar groups: create, add looks, train, list, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from looksmith.api.deps import Bodies, CurrentTenant, Groups, Images, MotionMedia, Training
from looksmith.api.http.conditional import conditional, state_tag
from looksmith.api.schemas.base import DeletedResponse, ErrorResponse, V1ErrorResponse
from looksmith.api.schemas.groups import (
    AddLooksRequest,
    AvatarListData,
    AvatarListResponse,
    CreateGroupRequest,
    FlowData,
    FlowResponse,
    GroupListData,
    GroupListResponse,
    LookListData,
    LookListResponse,
    TrainRequest,
    TrainStatusResponse,
    group_avatar_data,
    group_data,
    train_status_data,
)
from looksmith.api.schemas.looks import LookResponse, look_data
from looksmith.services.groups import Page

router = APIRouter(tags=["avatar groups"])

_ERR = {"model": ErrorResponse}
_BAD_INPUT: dict[int | str, dict[str, object]] = {
    400: {**_ERR, "description": "Invalid parameter or wrong state"},
    401: {**_ERR, "description": "Missing or invalid API key"},
}
_BY_PATH: dict[int | str, dict[str, object]] = {
    **_BAD_INPUT,
    404: {**_ERR, "description": "Unknown group"},
}

PageNumber = Annotated[
    int | None, Query(ge=1, le=1_000_000, description="Page, from 1; 1 if only a size is sent.")
]
PageSize = Annotated[
    int | None,
    Query(
        ge=1,
        description="Items per page: 50 if only a page is sent, more than 100 read as 100. "
        "Without page, limit and page_size every item is returned.",
    ),
]
PageSizeAlias = Annotated[
    int | None, Query(ge=1, description="Another name of limit; limit wins if both are sent.")
]


@router.post(
    "/v2/photo_avatar/avatar_group/create",
    response_model=LookResponse,
    responses=_BAD_INPUT,
    summary="Create a photo avatar group",
)
def create_group(
    body: CreateGroupRequest, tenant_id: CurrentTenant, groups: Groups, images: Images
) -> LookResponse:
    """A group from one uploaded or generated image; its first look's id is the group's."""
    look = groups.create_group(
        tenant_id=tenant_id, name=body.name, key=body.image_key, generation_id=body.generation_id
    )
    return LookResponse(data=look_data(look, images.url_for(look.id)))


@router.post(
    "/v2/photo_avatar/avatar_group/add",
    response_model=LookListResponse,
    responses=_BAD_INPUT,
    summary="Add looks to a photo avatar group",
)
def add_looks(
    body: AddLooksRequest, tenant_id: CurrentTenant, groups: Groups, images: Images
) -> LookListResponse:
    """One new pending look per image key (1 to 4)."""
    looks = groups.add_looks(
        tenant_id=tenant_id,
        group_id=body.group_id,
        name=body.name,
        keys=body.image_keys,
        generation_id=body.generation_id,
    )
    listed = [look_data(look, images.url_for(look.id)) for look in looks]
    return LookListResponse(data=LookListData(photo_avatar_list=listed))


@router.post(
    "/v2/photo_avatar/train",
    response_model=FlowResponse,
    responses=_BAD_INPUT,
    summary="Train a photo avatar group",
)
def train_group(body: TrainRequest, tenant_id: CurrentTenant, training: Training) -> FlowResponse:
    """Queue a training; 400 when no look has a checked face or one is already running."""
    flow_id = training.start(tenant_id=tenant_id, group_id=body.group_id)
    return FlowResponse(data=FlowData(flow_id=flow_id))


@router.get(
    "/v2/photo_avatar/train/status/{group_id}",
    response_model=None,
    responses={
        200: {"model": TrainStatusResponse, "description": "The training's state"},
        304: {"description": "Not modified: the ETag given in If-None-Match is current"},
        **_BY_PATH,
    },
    summary="Get training job status",
)
def train_status(
    group_id: str,
    tenant_id: CurrentTenant,
    training: Training,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """``pending``, ``ready`` or ``failed`` with ``error_msg``; 304 while unchanged."""
    data = train_status_data(training.status(tenant_id=tenant_id, group_id=group_id))
    etag = state_tag(group_id, data.status, data.error_msg, data.created_at, data.updated_at)
    return conditional(TrainStatusResponse(data=data), etag, if_none_match)


@router.get(
    "/v2/avatar_group.list",
    response_model=GroupListResponse,
    responses=_BAD_INPUT,
    summary="List all avatar groups",
)
def list_groups(
    tenant_id: CurrentTenant,
    groups: Groups,
    images: Images,
    include_public: bool = Query(
        default=False, description="Accepted; there are no public groups."
    ),
    page: PageNumber = None,
    limit: PageSize = None,
    page_size: PageSizeAlias = None,
) -> GroupListResponse:
    """The tenant's groups, newest first: all of them, or one page when paging is asked for."""
    total, found = groups.list_groups(tenant_id=tenant_id, page=_page(page, limit, page_size))
    listed = [group_data(summary, images.url_for(summary.preview_image_id)) for summary in found]
    return GroupListResponse(data=GroupListData(total_count=total, avatar_group_list=listed))


@router.get(
    "/v2/avatar_group/{group_id}/avatars",
    response_model=AvatarListResponse,
    responses=_BY_PATH,
    summary="List all avatars in one avatar group",
)
def list_looks(
    group_id: str,
    tenant_id: CurrentTenant,
    groups: Groups,
    images: Images,
    media: MotionMedia,
    page: PageNumber = None,
    limit: PageSize = None,
    page_size: PageSizeAlias = None,
) -> AvatarListResponse:
    """A group's looks, oldest first: all of them, or one page when paging is asked for."""
    total, found = groups.list_looks(
        tenant_id=tenant_id, group_id=group_id, page=_page(page, limit, page_size)
    )
    listed = [group_avatar_data(look, images.url_for(look.id), media.links(look)) for look in found]
    return AvatarListResponse(data=AvatarListData(total_count=total, avatar_list=listed))


def _page(page: int | None, limit: int | None, page_size: int | None) -> Page:
    return Page.requested(page, limit if limit is not None else page_size)


def _delete_group(
    group_id: str, tenant_id: CurrentTenant, groups: Groups, bodies: Bodies
) -> DeletedResponse:
    """Delete the group and everything in it; a repeat is a 404."""
    groups.delete_group(tenant_id=tenant_id, group_id=group_id)
    bodies.clear()  # its look generations are gone too
    return DeletedResponse()


for _path, _name in (
    ("/v2/photo_avatar_group/{group_id}", "delete_photo_avatar_group"),
    ("/v2/avatar_group/{group_id}", "delete_avatar_group"),
):
    router.add_api_route(
        _path,
        _delete_group,
        methods=["DELETE"],
        response_model=DeletedResponse,
        responses={
            401: {"model": V1ErrorResponse, "description": "Missing or invalid API key"},
            404: {"model": V1ErrorResponse, "description": "Unknown group"},
        },
        summary="Delete a photo avatar group",
        operation_id=_name,
    )
