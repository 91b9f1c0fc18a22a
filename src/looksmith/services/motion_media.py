"""Signed links to motion previews and sound effects, and serving the bytes behind them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from looksmith.domain.models import Look, LookStatus, is_hex_id
from looksmith.domain.motion import SoundStatus, preview_key, sound_key
from looksmith.errors import Forbidden, NotFound
from looksmith.ports.clock import Clock
from looksmith.ports.media import BlobStore, UrlSigner
from looksmith.services.signed_links import SignedLinks

MEDIA_TYPES = {"preview.mp4": "video/mp4", "sound_effect.m4a": "audio/mp4"}


@dataclass(frozen=True, slots=True)
class MotionLinks:
    """Freshly signed links to a look's motion preview and sound effect, where they exist."""

    preview_url: str | None = None
    sound_url: str | None = None


@dataclass(frozen=True, slots=True)
class MediaContent:
    """Bytes to send, their media type and a tag of their content."""

    data: bytes
    content_type: str
    etag: str


class MotionMediaService:
    """Signs motion links afresh on every read and checks them when the bytes are fetched."""

    def __init__(
        self, *, blobs: BlobStore, signer: UrlSigner, clock: Clock, url_ttl_seconds: int
    ) -> None:
        self._blobs = blobs
        self._links = SignedLinks(signer=signer, clock=clock, ttl_seconds=url_ttl_seconds)

    def links(self, look: Look) -> MotionLinks:
        """Links of a completed motion look's preview and of its completed sound effect."""
        motion = look.motion
        if motion is None or look.status is not LookStatus.COMPLETED:
            return MotionLinks()
        expires_at = self._links.expiry()
        sound = motion.sound
        sound_ready = sound is not None and sound.status is SoundStatus.COMPLETED
        return MotionLinks(
            preview_url=self._links.sign(preview_key(look.id), expires_at=expires_at),
            sound_url=(
                self._links.sign(sound_key(look.id), expires_at=expires_at) if sound_ready else None
            ),
        )

    def open(
        self, *, look_id: str, name: str, expires: str | None, signature: str | None
    ) -> MediaContent:
        """The bytes behind a signed link: 404 for a malformed path, 403 for a bad signature."""
        content_type = MEDIA_TYPES.get(name)
        if content_type is None or not is_hex_id(look_id):
            raise NotFound(f"motion/{look_id}/{name} not found")
        key = f"motion/{look_id}/{name}"
        if not self._links.verify(key, expires, signature):
            raise Forbidden()
        data = self._blobs.get(key)
        if data is None:
            raise NotFound(f"{key} not found")
        return MediaContent(data, content_type, hashlib.sha256(data).hexdigest()[:32])
