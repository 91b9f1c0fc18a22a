"""What to render: the attributes of a photo generation, with HeyGen's exact enum values."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Age(StrEnum):
    """Age band of the person."""

    YOUNG_ADULT = "Young Adult"
    EARLY_MIDDLE_AGE = "Early Middle Age"
    LATE_MIDDLE_AGE = "Late Middle Age"
    SENIOR = "Senior"
    UNSPECIFIED = "Unspecified"


class Gender(StrEnum):
    """Gender presentation of the person."""

    WOMAN = "Woman"
    MAN = "Man"
    UNSPECIFIED = "Unspecified"


class Ethnicity(StrEnum):
    """Ethnicity of the person, as HeyGen names them."""

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
    """Shape of the picture."""

    SQUARE = "square"
    HORIZONTAL = "horizontal"
    VERTICAL = "vertical"

    @property
    def size(self) -> tuple[int, int]:
        """Width and height in pixels."""
        return _SIZES[self]


_SIZES = {
    Orientation.SQUARE: (1024, 1024),
    Orientation.HORIZONTAL: (1344, 768),
    Orientation.VERTICAL: (768, 1344),
}


class Pose(StrEnum):
    """Framing of the person."""

    HALF_BODY = "half_body"
    CLOSE_UP = "close_up"
    FULL_BODY = "full_body"


class Style(StrEnum):
    """Palette and grading of the picture."""

    REALISTIC = "Realistic"
    PIXAR = "Pixar"
    CINEMATIC = "Cinematic"
    VINTAGE = "Vintage"
    NOIR = "Noir"
    CYBERPUNK = "Cyberpunk"
    UNSPECIFIED = "Unspecified"


APPEARANCE_MAX_LENGTH = 1000
IMAGES_PER_GENERATION = 4


@dataclass(frozen=True, slots=True)
class PhotoSpec:
    """Everything that decides the pixels of a photo generation."""

    age: Age
    gender: Gender
    ethnicity: Ethnicity
    orientation: Orientation
    pose: Pose
    style: Style
    appearance: str


PROMPT_MAX_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class FaceBox:
    """Where a face is in a picture, in pixels from the top-left corner."""

    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class TrainingPhoto:
    """One photo of a group's person, with the face the detector found in it."""

    data: bytes
    face: FaceBox


@dataclass(frozen=True, slots=True)
class LookSpec:
    """What to render for a new look of a trained person."""

    prompt: str
    orientation: Orientation
    pose: Pose
    style: Style
