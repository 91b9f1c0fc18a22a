"""Motion looks: motion types, sound effects, clips and when a look may be upscaled; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MotionType(StrEnum):
    """The motion models HeyGen clients name; each gives the procedural motion a character."""

    EXPRESSIVE = "expressive"
    CONSISTENT = "consistent"
    CONSISTENT_GEN_3 = "consistent_gen_3"
    HAILUO_2 = "hailuo_2"
    VEO2 = "veo2"
    SEEDANCE_LITE = "seedance_lite"
    KLING = "kling"


# Names HeyGen's guide and its clients send besides the seven above: each moves like the engine's
# character nearest to the model it names (Runway Gen-3 is HeyGen's consistent_gen_3).
MOTION_TYPE_ALIASES: dict[str, MotionType] = {
    "runway_gen3": MotionType.CONSISTENT_GEN_3,
    "runway_gen4": MotionType.CONSISTENT,
    "veo3": MotionType.VEO2,
    "veo3.1": MotionType.VEO2,
    "hailuo_1": MotionType.HAILUO_2,
    "seedance": MotionType.SEEDANCE_LITE,
}
# Named by clients, refused by HeyGen with this message.
NO_MOTION_FOR = "can't create motion for this type '{}'"
UNSUPPORTED_MOTION_TYPES = frozenset({"avatar_iv"})
DEFAULT_MOTION_TYPE = MotionType.CONSISTENT
MOTION_PROMPT_MAX_LENGTH = 1000
# Previews are capped so an upscale (twice the size) stays within this side.
MAX_UPSCALED_SIDE = 2048

NOT_READY = "Photo avatar look upload not completed"
NOT_MOTION = "Upscaling is available for motion looks only"
LOOK_FAILED = "The photo avatar look failed"
ALREADY_UPSCALED = "The photo avatar look is already upscaled"
HAS_UPSCALE = "The photo avatar look has already been upscaled"
TOO_LARGE = "The photo avatar look is too large to upscale"


class SoundStatus(StrEnum):
    """A sound effect is being made, is ready, or could not be made."""

    PENDING = "pending"
    COMPLETED = "completed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class SoundEffect:
    """The ambient track of a motion look; size and duration once completed."""

    id: str
    status: SoundStatus
    created_at: float
    size: int | None = None
    duration: float | None = None


@dataclass(frozen=True, slots=True)
class LookMotion:
    """What makes a look a motion look: where it came from and what its preview is."""

    parent_id: str
    motion_type: MotionType
    prompt: str | None
    scene: str
    upscaled: bool = False
    upscaled_look_id: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    sound: SoundEffect | None = None


@dataclass(frozen=True, slots=True)
class MotionClip:
    """An engine's encoded motion preview: an MP4 and a still of it (WebP)."""

    video: bytes
    still: bytes
    width: int
    height: int
    frames: int
    duration: float


@dataclass(frozen=True, slots=True)
class SoundTrack:
    """An engine's encoded ambient track."""

    data: bytes
    content_type: str
    duration: float


def motion_type_named(name: str) -> MotionType:
    """The motion character a wire ``motion_type`` names; ``ValueError`` saying why not."""
    if name in UNSUPPORTED_MOTION_TYPES:
        raise ValueError(NO_MOTION_FOR.format(name))
    if name in MOTION_TYPE_ALIASES:
        return MOTION_TYPE_ALIASES[name]
    try:
        return MotionType(name)
    except ValueError:
        allowed = ", ".join(kind.value for kind in MotionType)  # the aliases are extras
        raise ValueError(f"must be one of: {allowed}") from None


def preview_key(look_id: str) -> str:
    """Where a motion look's MP4 preview is stored; also the path it is served at."""
    return f"motion/{look_id}/preview.mp4"


def sound_key(look_id: str) -> str:
    """Where a motion look's sound effect is stored; also the path it is served at."""
    return f"motion/{look_id}/sound_effect.m4a"


def motion_keys(look_id: str) -> tuple[str, str]:
    """Every blob a motion look owns besides its still image."""
    return preview_key(look_id), sound_key(look_id)


def upscale_refusal(status: str, motion: LookMotion | None) -> str | None:
    """Why a look with this status and motion cannot be upscaled now, or None if it can."""
    if status == "pending":
        return NOT_READY
    if status != "completed":
        return LOOK_FAILED
    if motion is None:
        return NOT_MOTION
    if motion.upscaled:
        return ALREADY_UPSCALED
    if motion.upscaled_look_id is not None:
        return HAS_UPSCALE
    if max(motion.width or 0, motion.height or 0) * 2 > MAX_UPSCALED_SIDE:
        return TOO_LARGE
    return None
