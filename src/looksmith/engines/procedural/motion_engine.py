"""The procedural motion engine: animates a still, makes ambient sound, upscales clips.

It plays the ``MotionEngine`` port and is independent of the image engine chosen with
``LOOKSMITH_ENGINE``: any look, whichever engine drew it, is animated the same way.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from looksmith.domain.motion import MotionClip, MotionType, SoundTrack
from looksmith.domain.specs import FaceBox
from looksmith.engines.procedural.ambience import ambience_for, synthesise
from looksmith.engines.procedural.motion import FPS, animate_frames, style_for
from looksmith.engines.procedural.upscale import upscale_frame
from looksmith.engines.procedural.video import (
    AUDIO_RATE,
    decode_frames,
    encode_m4a,
    encode_mp4,
    with_audio_track,
)

PREVIEW_SIDE = 512  # the longest side of a motion preview; an upscale doubles it
WEBP_QUALITY = 90


class ProceduralMotionEngine:
    """Deterministic, CPU-only motion, sound and upscaling; no model weights."""

    name = "procedural"

    def animate(
        self,
        image: bytes,
        *,
        face: FaceBox | None,
        motion_type: MotionType,
        prompt: str | None,
        seed: int,
    ) -> MotionClip:
        """A looping clip of the person in ``image`` and its first frame as a WebP still."""
        still, scale = preview_still(image)
        box = _scaled(face, scale, still.shape[1], still.shape[0]) if face else None
        frames = animate_frames(still, box, style_for(motion_type, prompt), seed=seed)
        return _clip(frames)

    def ambience(self, *, scene: str, seconds: float, seed: int) -> SoundTrack:
        """An ambient track fitting ``scene`` (an M4A), as long as the clip it goes with."""
        track = synthesise(ambience_for(scene), seconds=seconds, rate=AUDIO_RATE, seed=seed)
        return SoundTrack(data=encode_m4a(track), content_type="audio/mp4", duration=seconds)

    def add_sound(self, video: bytes, sound: SoundTrack) -> bytes:
        """The clip with ``sound`` as its only audio track; the video is copied, not re-encoded."""
        return with_audio_track(video, sound.data)

    def upscale(self, video: bytes, *, factor: int) -> MotionClip:
        """The clip ``factor`` times larger each way, sharpened, without its sound."""
        frames, _ = decode_frames(video)
        return _clip([upscale_frame(frame, factor) for frame in frames])


def preview_still(image: bytes) -> tuple[np.ndarray, float]:
    """The picture as RGB, at most ``PREVIEW_SIDE`` on its longest side with even sides."""
    with Image.open(io.BytesIO(image)) as opened:
        rgb = np.asarray(opened.convert("RGB"))
    height, width = rgb.shape[:2]
    scale = min(1.0, PREVIEW_SIDE / max(width, height))
    size = (max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2))
    if size != (width, height):
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
    return np.ascontiguousarray(rgb), size[0] / width


def _scaled(face: FaceBox, scale: float, width: int, height: int) -> FaceBox:
    x, y = min(round(face.x * scale), width - 1), min(round(face.y * scale), height - 1)
    return FaceBox(
        x=x,
        y=y,
        width=max(1, min(round(face.width * scale), width - x)),
        height=max(1, min(round(face.height * scale), height - y)),
    )


def _clip(frames: list[np.ndarray]) -> MotionClip:
    buffer = io.BytesIO()
    Image.fromarray(frames[0]).save(buffer, format="WEBP", quality=WEBP_QUALITY)
    height, width = frames[0].shape[:2]
    return MotionClip(
        video=encode_mp4(frames, FPS),
        still=buffer.getvalue(),
        width=width,
        height=height,
        frames=len(frames),
        duration=len(frames) / FPS,
    )
