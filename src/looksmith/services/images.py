"""Signed links to stored images, and serving the bytes behind them."""

from __future__ import annotations

from dataclasses import dataclass

from looksmith.domain.models import StoredImage, image_key, is_hex_id
from looksmith.errors import Forbidden, NotFound
from looksmith.ports.clock import Clock
from looksmith.ports.media import BlobStore, UrlSigner
from looksmith.ports.repositories import ImageRepository
from looksmith.services.signed_links import SignedLinks


@dataclass(frozen=True, slots=True)
class ImageContent:
    """An image's metadata and bytes, ready to send."""

    image: StoredImage
    data: bytes


class ImageService:
    """Signs image URLs afresh on every read and checks them when the image is fetched."""

    def __init__(
        self,
        *,
        images: ImageRepository,
        blobs: BlobStore,
        signer: UrlSigner,
        clock: Clock,
        url_ttl_seconds: int,
    ) -> None:
        self._images = images
        self._blobs = blobs
        self._links = SignedLinks(signer=signer, clock=clock, ttl_seconds=url_ttl_seconds)

    def link_expiry(self) -> int:
        """When a link signed now expires; it moves once a second."""
        return self._links.expiry()

    def keys_and_urls(
        self, image_ids: tuple[str, ...], *, expires_at: int | None = None
    ) -> tuple[list[str], list[str]]:
        """Wire keys and freshly signed URLs, in the order given."""
        expires_at = expires_at if expires_at is not None else self._links.expiry()
        keys = [image_key(image_id) for image_id in image_ids]
        return keys, [self._links.sign(key, expires_at=expires_at) for key in keys]

    def url_for(self, image_id: str) -> str:
        """A freshly signed URL of one image."""
        return self._links.sign(image_key(image_id))

    def open(self, *, image_id: str, expires: str | None, signature: str | None) -> ImageContent:
        """The image behind a signed link: 404 for a malformed id, 403 for a bad signature."""
        if not is_hex_id(image_id):
            raise NotFound(f"image {image_id} not found")
        if not self._links.verify(image_key(image_id), expires, signature):
            raise Forbidden()
        image = self._images.get_image(image_id)
        data = self._blobs.get(image_key(image_id)) if image else None
        if image is None or data is None:
            raise NotFound(f"image {image_id} not found")
        return ImageContent(image=image, data=data)
