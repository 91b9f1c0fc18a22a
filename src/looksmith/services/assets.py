"""Uploaded photos: checked from their bytes, stored as they came."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from looksmith.domain.models import ImageSource, StoredImage, image_key, new_id
from looksmith.errors import InvalidParameter, PayloadTooLarge, UnsupportedMediaType
from looksmith.ports import BlobStore, Clock, ImageInspector, ImageRepository

ACCEPTED_TYPES = ("image/jpeg", "image/png", "image/webp")
MAX_PIXELS = 40_000_000
MIN_SHORT_SIDE = 256


@dataclass(frozen=True, slots=True)
class UploadLimits:
    """What an upload may be."""

    max_bytes: int = 10 * 1024 * 1024
    max_pixels: int = MAX_PIXELS
    min_short_side: int = MIN_SHORT_SIDE


class AssetService:
    """Accepts photo uploads; the bytes decide the type, never the declared header alone."""

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

    def check_declared_type(self, content_type: str | None) -> None:
        """415 unless the declared media type is one we take; checked before reading the body."""
        media_type = (content_type or "").split(";")[0].strip().lower()
        if media_type not in ACCEPTED_TYPES:
            allowed = ", ".join(ACCEPTED_TYPES)
            raise UnsupportedMediaType(
                f"Content-Type must be one of {allowed}, not {media_type or 'missing'}"
            )

    def upload(self, *, tenant_id: str, data: bytes, content_type: str | None) -> StoredImage:
        """Check and store an uploaded photo as it came, byte for byte."""
        self.check_declared_type(content_type)
        if len(data) > self.limits.max_bytes:
            raise PayloadTooLarge(f"body is larger than {self.limits.max_bytes} bytes")
        if not data:
            raise InvalidParameter("body", "is empty; send the image bytes as the request body")
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
        image = StoredImage(
            id=new_id(),
            tenant_id=tenant_id,
            generation_id=None,
            content_type=info.content_type,
            size=len(data),
            etag=hashlib.sha256(data).hexdigest()[:32],
            created_at=self._clock.now(),
            source=ImageSource.UPLOAD,
            width=info.width,
            height=info.height,
        )
        # Blob first: a crash in between leaves an unreferenced file, never a row without bytes.
        self._blobs.put(image_key(image.id), data, image.content_type)
        self._images.add_image(image)
        return image
