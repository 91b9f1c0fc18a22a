"""Bytes and pictures: blob storage, links to blobs, the engines that draw and animate, image
and face inspection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from looksmith.domain.models import ImageInfo, RenderedImage
from looksmith.domain.motion import MotionClip, MotionType, SoundTrack
from looksmith.domain.specs import FaceBox, LookSpec, PhotoSpec, TrainingPhoto


class BlobStore(Protocol):
    """Bytes under keys; knows nothing of file paths or buckets in its interface."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store ``data`` under ``key``, replacing what was there, atomically."""
        ...

    def get(self, key: str) -> bytes | None:
        """The bytes under ``key``, or None."""
        ...

    def delete(self, key: str) -> None:
        """Remove ``key`` if present."""
        ...

    def keys(self, prefix: str = "") -> Sequence[str]:
        """Every stored key that starts with ``prefix``."""
        ...


class UrlSigner(Protocol):
    """Makes expiring links to blobs."""

    def sign(self, key: str, *, expires_at: int) -> str:
        """The absolute URL for ``key``, valid until ``expires_at``."""
        ...


@runtime_checkable
class LinkVerifier(Protocol):
    """Checks the links of a signer whose links this server serves itself.

    A signer whose links point at an object store (S3) is none: the store checks its own
    signatures, and no link to this server's blob routes is genuine.
    """

    def verify(self, key: str, *, expires_at: int, signature: str, now: float) -> bool:
        """Whether ``signature`` is genuine for ``key`` and not yet expired."""
        ...


class ImageEngine(Protocol):
    """Renders photos of people from attributes, learns a person, renders looks of them.

    An identity is opaque bytes the engine alone reads: a face crop and colours for the
    procedural engine, LoRA weights for a diffusion engine.
    """

    name: str

    def render_photos(self, spec: PhotoSpec, *, seed: int, count: int) -> Sequence[RenderedImage]:
        """Render pictures ``0 .. count-1`` of a generation, in one batch where the engine can;
        same inputs, same pictures."""
        ...

    def train(self, photos: Sequence[TrainingPhoto], *, seed: int) -> bytes:
        """Learn the person shown in ``photos`` (at least one); return the identity."""
        ...

    def render_looks(
        self, identity: bytes, spec: LookSpec, *, seed: int, count: int
    ) -> Sequence[RenderedImage]:
        """Render looks ``0 .. count-1`` of the trained person; same inputs, same pictures."""
        ...


class MotionEngine(Protocol):
    """Animates a look into a short looping clip, makes ambient sound for it, upscales clips.

    Separate from ``ImageEngine``: a video model can play this role whichever engine draws the
    pictures. Clips are MP4 (H.264) bytes; sound tracks are encoded audio.
    """

    name: str

    def animate(
        self,
        image: bytes,
        *,
        face: FaceBox | None,
        motion_type: MotionType,
        prompt: str | None,
        seed: int,
    ) -> MotionClip:
        """A looping clip of the person in the encoded ``image``; same inputs, same bytes."""
        ...

    def ambience(self, *, scene: str, seconds: float, seed: int) -> SoundTrack:
        """An ambient track that fits the ``scene`` description, ``seconds`` long."""
        ...

    def add_sound(self, video: bytes, sound: SoundTrack) -> bytes:
        """The clip with ``sound`` as its only sound track."""
        ...

    def upscale(self, video: bytes, *, factor: int) -> MotionClip:
        """The clip ``factor`` times larger each way, sharpened; its sound is dropped."""
        ...


class ImageInspector(Protocol):
    """Reads what an uploaded image is, from its bytes alone."""

    def inspect(self, data: bytes, *, max_pixels: int) -> ImageInfo:
        """Format and size; ``ValueError`` with a reason if it is not a usable image."""
        ...


class FaceDetector(Protocol):
    """Finds faces in photos."""

    def find_faces(self, data: bytes) -> Sequence[FaceBox]:
        """Every face in the encoded image ``data``, largest first; empty if none."""
        ...
