"""Uploaded photos, voice-overs and videos: checked from their bytes, stored as they came."""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from looksmith.domain.media import (
    AUDIO_VIDEO_TYPES,
    IMAGE_TYPES,
    TYPE_ALIASES,
    AssetType,
    UploadCursor,
    asset_type,
    sniff_audio_video,
)
from looksmith.domain.models import (
    ImageInfo,
    ImageSource,
    StoredImage,
    image_key,
    is_hex_id,
    new_id,
)
from looksmith.errors import InvalidParameter, NotFound, PayloadTooLarge, UnsupportedMediaType
from looksmith.ports.clock import Clock
from looksmith.ports.media import BlobStore, ImageInspector
from looksmith.ports.repositories import ImageRepository

ACCEPTED_TYPES = (*IMAGE_TYPES, *AUDIO_VIDEO_TYPES, *TYPE_ALIASES)
MAX_PIXELS = 40_000_000
MIN_SHORT_SIDE = 256
MAX_LIST_LIMIT = 100
_NOT_A = {
    AssetType.AUDIO: "is not an MP3 or WAV audio file",
    AssetType.VIDEO: "is not an MP4 or WebM video",
}


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """What an upload may be."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = MAX_PIXELS
    min_short_side: int = MIN_SHORT_SIDE


@dataclass(frozen=True, slots=True)
class AssetPage:
    """One page of a tenant's uploads, newest first, and the token of the next (None: last)."""

    total: int
    assets: Sequence[StoredImage]
    next_token: str | None


class AssetService:
    """Accepts uploads; the bytes decide the type, never the declared header alone."""

    def __init__(
        self,
        *,
        images: ImageRepository,
        blobs: BlobStore,
        inspector: ImageInspector,
        clock: Clock,
        limits: UploadLimits,
    ) -> None:
        self._images = images
        self._blobs = blobs
        self._inspector = inspector
        self._clock = clock
        self.limits = limits

    def check_declared_type(self, content_type: str | None) -> str:
        """The declared media type under its usual name; 415 unless it is one we take. Checked
        before reading the body."""
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type not in ACCEPTED_TYPES:
            allowed = ", ".join(ACCEPTED_TYPES)
            raise UnsupportedMediaType(
                f"Content-Type must be one of {allowed}, not {media_type or 'missing'}"
            )
        return TYPE_ALIASES.get(media_type, media_type)

    def upload(self, *, tenant_id: str, data: bytes, content_type: str | None) -> StoredImage:
        """Check and store an uploaded file as it came, byte for byte."""
        declared = self.check_declared_type(content_type)
        if len(data) > self.limits.max_bytes:
            raise PayloadTooLarge(f"body is larger than {self.limits.max_bytes} bytes")
        if not data:
            raise InvalidParameter("body", "is empty; send the file's bytes as the request body")
        if asset_type(declared) is AssetType.IMAGE:
            info = self._inspect_image(data)
            found, width, height = info.content_type, info.width, info.height
        else:
            found, width, height = _sniff(data, declared), None, None
        image = StoredImage(
            id=new_id(),
            tenant_id=tenant_id,
            generation_id=None,
            content_type=found,
            size=len(data),
            etag=hashlib.sha256(data).hexdigest()[:32],
            created_at=self._clock.now(),
            source=ImageSource.UPLOAD,
            width=width,
            height=height,
        )
        # Blob first: a crash in between leaves an unreferenced file, never a row without bytes.
        self._blobs.put(image_key(image.id), data, image.content_type)
        self._images.add_image(image)
        return image

    def delete_asset(self, *, tenant_id: str, asset_id: str) -> None:
        """Delete an upload and its file; groups made from it keep their own copies. A repeat,
        or another tenant's id, is a 404."""
        if not (is_hex_id(asset_id) and self._images.delete_upload(asset_id, tenant_id=tenant_id)):
            raise NotFound(f"asset {asset_id} not found")
        # Row first: a crash in between leaves an unreferenced file, never a row without bytes.
        self._blobs.delete(image_key(asset_id))

    def list_assets(
        self,
        *,
        tenant_id: str,
        file_type: str | None = None,
        folder_id: str | None = None,
        limit: int | None = None,
        token: str | None = None,
    ) -> AssetPage:
        """One page of the tenant's uploads, newest first; ``limit`` 0 or unset means 100, more
        than 100 reads as 100. Every asset is in the root folder, so another folder is empty."""
        kind = _asset_type_param(file_type)
        after = _cursor_from_token(token) if token else None
        if folder_id:
            return AssetPage(total=0, assets=[], next_token=None)
        size = min(limit or MAX_LIST_LIMIT, MAX_LIST_LIMIT)
        total, found = self._images.list_uploads(
            tenant_id, asset_type=kind, after=after, limit=size + 1
        )
        page = list(found[:size])
        more = len(found) > size
        return AssetPage(total=total, assets=page, next_token=_token(page[-1]) if more else None)

    def _inspect_image(self, data: bytes) -> ImageInfo:
        try:
            info = self._inspector.inspect(data, max_pixels=self.limits.max_pixels)
        except ValueError as exc:
            raise InvalidParameter("body", str(exc)) from exc
        if min(info.width, info.height) < self.limits.min_short_side:
            raise InvalidParameter(
                "body",
                f"image is {info.width}x{info.height}; the short side must be at least "
                f"{self.limits.min_short_side} px",
            )
        return info


def _sniff(data: bytes, declared: str) -> str:
    """The real type of audio or video bytes; it must be of the family the header declares."""
    found = sniff_audio_video(data)
    family = asset_type(declared)
    if found is None or asset_type(found) is not family:
        raise InvalidParameter("body", f"{_NOT_A[family]} (Content-Type says {declared})")
    return found


def _asset_type_param(file_type: str | None) -> AssetType | None:
    if not file_type:
        return None
    try:
        return AssetType(file_type)
    except ValueError:
        allowed = ", ".join(kind.value for kind in AssetType)
        raise InvalidParameter("file_type", f"must be one of: {allowed}") from None


def _token(last: StoredImage) -> str:
    """An opaque token for the page after ``last``: its upload time (exactly) and id."""
    raw = f"{last.created_at!r}/{last.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _cursor_from_token(token: str) -> UploadCursor:
    bad = InvalidParameter("token", "is not a token from a previous page of this list")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("ascii")
        created, asset_id = raw.split("/")
        created_at = float(created)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise bad from None
    if not (math.isfinite(created_at) and is_hex_id(asset_id)):
        raise bad
    return UploadCursor(created_at=created_at, id=asset_id)
