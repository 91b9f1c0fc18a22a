"""Wire schemas of photo generation and its status, with explicit mappers."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from looksmith.api.schemas.base import RequestBody, V2Envelope
from looksmith.domain.models import Generation, GenerationStatus
from looksmith.domain.specs import (
    APPEARANCE_MAX_LENGTH,
    Age,
    Ethnicity,
    Gender,
    Orientation,
    PhotoSpec,
    Pose,
    Style,
)
from looksmith.services.generations import NAME_MAX_LENGTH, GenerationRequest

ENUM_FIELDS: dict[str, type[StrEnum]] = {
    "age": Age,
    "gender": Gender,
    "ethnicity": Ethnicity,
    "orientation": Orientation,
    "pose": Pose,
    "style": Style,
}


class GeneratePhotoRequest(RequestBody):
    """Body of ``POST /v2/photo_avatar/photo/generate``; unknown fields are ignored."""

    name: str = Field(min_length=1, max_length=NAME_MAX_LENGTH, description="Display name.")
    age: Age
    gender: Gender
    ethnicity: Ethnicity
    orientation: Orientation
    pose: Pose
    style: Style
    appearance: str = Field(
        min_length=1, max_length=APPEARANCE_MAX_LENGTH, description="Free-text description."
    )
    callback_url: str | None = Field(
        default=None, max_length=2000, description="Receives this generation's webhook events."
    )
    callback_id: str | None = Field(
        default=None, max_length=200, description="Your tracking id, echoed in webhook events."
    )

    def to_request(self) -> GenerationRequest:
        """The service's view of this body."""
        spec = PhotoSpec(
            age=self.age,
            gender=self.gender,
            ethnicity=self.ethnicity,
            orientation=self.orientation,
            pose=self.pose,
            style=self.style,
            appearance=self.appearance,
        )
        return GenerationRequest(
            name=self.name,
            spec=spec,
            callback_url=self.callback_url,
            callback_id=self.callback_id,
        )


class GenerationIdData(BaseModel):
    """The id of an accepted generation."""

    generation_id: str


class GenerateResponse(V2Envelope):
    """Answer to a generate request."""

    data: GenerationIdData


WireGenerationStatus = Literal["in_progress", "success", "failed"]


class GenerationStatusData(BaseModel):
    """Exactly the seed document's fields."""

    id: str
    status: WireGenerationStatus
    msg: str | None
    image_url_list: list[str] | None
    image_key_list: list[str] | None


class GenerationStatusResponse(V2Envelope):
    """Answer to a generation status request."""

    data: GenerationStatusData


def wire_status(status: GenerationStatus) -> WireGenerationStatus:
    """Queued and rendering both read as ``in_progress`` on the wire."""
    if status is GenerationStatus.SUCCESS:
        return "success"
    if status is GenerationStatus.FAILED:
        return "failed"
    return "in_progress"


def generation_status_body(
    generation: Generation, keys: list[str] | None, urls: list[str] | None
) -> dict[str, object]:
    """The status envelope of a generation, as a plain dict ready to encode."""
    return {
        "error": None,
        "data": {
            "id": generation.id,
            "status": wire_status(generation.status),
            "msg": generation.message,
            "image_url_list": urls,
            "image_key_list": keys,
        },
    }
