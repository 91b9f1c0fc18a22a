"""Wire schemas of uploaded assets, in HeyGen's v1 envelope, with their mapper."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from looksmith.domain.media import AssetType, asset_type
from looksmith.domain.models import StoredImage, image_key


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
