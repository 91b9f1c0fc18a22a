"""Typed results: pydantic models of the v2 photo-avatar answers, tolerant of extra fields.

Every field but the identifiers is optional, and statuses are plain strings, so the models read
looksmith and any other server of the same API (which may add fields or use other words).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

SUCCEEDED = frozenset({"success", "completed", "ready", "done"})
FAILED = frozenset({"failed", "error"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class Age(StrEnum):
    """Allowed ``age`` values."""

    YOUNG_ADULT = "Young Adult"
    EARLY_MIDDLE_AGE = "Early Middle Age"
    LATE_MIDDLE_AGE = "Late Middle Age"
    SENIOR = "Senior"
    UNSPECIFIED = "Unspecified"


class Gender(StrEnum):
    """Allowed ``gender`` values."""

    WOMAN = "Woman"
    MAN = "Man"
    UNSPECIFIED = "Unspecified"


class Ethnicity(StrEnum):
    """Allowed ``ethnicity`` values."""

    WHITE = "White"
    BLACK = "Black"
    ASIAN_AMERICAN = "Asian American"
    EAST_ASIAN = "East Asian"
    SOUTH_EAST_ASIAN = "South East Asian"
    SOUTH_ASIAN = "South Asian"
    MIDDLE_EASTERN = "Middle Eastern"
    PACIFIC = "Pacific"
    HISPANIC = "Hispanic"
    UNSPECIFIED = "Unspecified"


class Orientation(StrEnum):
    """Allowed ``orientation`` values."""

    SQUARE = "square"
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"


class Pose(StrEnum):
    """Allowed ``pose`` values."""

    HALF_BODY = "half_body"
    CLOSE_UP = "close_up"
    FULL_BODY = "full_body"


class Style(StrEnum):
    """Allowed ``style`` values."""

    REALISTIC = "Realistic"
    PIXAR = "Pixar"
    CINEMATIC = "Cinematic"
    VINTAGE = "Vintage"
    NOIR = "Noir"
    CYBERPUNK = "Cyberpunk"
    UNSPECIFIED = "Unspecified"


class _Status(_Model):
    status: str

    @property
    def succeeded(self) -> bool:
        """Whether the job finished well."""
        return self.status.lower() in SUCCEEDED

    @property
    def failed(self) -> bool:
        """Whether the job finished badly."""
        return self.status.lower() in FAILED

    @property
    def finished(self) -> bool:
        """Whether the job is over, either way."""
        return self.succeeded or self.failed


class Accepted(_Model):
    """An accepted photo or look generation."""

    generation_id: str


class Generation(_Status):
    """A photo or look generation: ``in_progress``, then ``success`` with images or ``failed``.

    The progress fields are filled only when asked for (``include_progress``) and offered.
    """

    id: str
    msg: str | None = None
    image_url_list: list[str] | None = None
    image_key_list: list[str] | None = None
    progress: float | None = None
    queue_position: int | None = None
    eta_seconds: float | None = None
    started_at: float | None = None
    finished_at: float | None = None


class Asset(_Model):
    """An uploaded file; its ``image_key`` starts a group."""

    id: str
    name: str | None = None
    file_type: str | None = None
    folder_id: str | None = None
    meta: str | None = None
    created_ts: int | None = None
    url: str | None = None
    image_key: str | None = None


class UpscaleAvailability(_Model):
    """Whether a look can be upscaled, and why not."""

    available: bool = False
    reason: str | None = None


class Look(_Status):
    """A look (photo avatar): ``pending`` until checked, then ``completed`` or ``failed``."""

    id: str
    status: str = "pending"
    image_url: str | None = None
    created_at: float | None = None
    name: str | None = None
    group_id: str | None = None
    is_motion: bool | None = None
    motion_preview_url: str | None = None
    business_type: str | None = None
    upscale_availability: UpscaleAvailability | None = None
    upscaled: bool | None = None
    background_sound_effect: Any = None
    default_voice_id: str | None = None
    moderation_msg: str | None = None


class NewLook(_Model):
    """A look being made from another (motion, upscale); poll it with ``wait_look``."""

    id: str


class SoundEffectStarted(_Model):
    """A sound effect being added to a motion look."""

    sound_effect_id: str


class TrainingStarted(_Model):
    """A started training; some servers send no ``flow_id``."""

    flow_id: str | None = None


class Training(_Status):
    """A group's training: ``pending``, then ``ready`` or ``failed`` with ``error_msg``."""

    error_msg: str | None = None
    created_at: float | None = None
    updated_at: float | None = None


class Group(_Model):
    """A group (one identity) in the group list."""

    id: str
    name: str | None = None
    created_at: float | None = None
    num_looks: int | None = None
    preview_image: str | None = None
    group_type: str | None = None
    train_status: str | None = None
    default_voice_id: str | None = None


class GroupList(_Model):
    """One page of groups, with the total."""

    total_count: int = 0
    groups: list[Group] = Field(default_factory=list, alias="avatar_group_list")


class LookList(_Model):
    """One page of a group's looks, with the total."""

    total_count: int = 0
    looks: list[Look] = Field(default_factory=list, alias="avatar_list")
