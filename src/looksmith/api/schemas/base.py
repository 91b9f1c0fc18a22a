"""What every resource's schemas share: the request base, the two success envelopes, the errors.

HeyGen answers its v2 routes as ``{"error": null, "data": ...}`` and its v1 routes as
``{"code": 100, ..., "data": ...}``; every error body takes one of the forms below.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RequestBody(BaseModel):
    """A request body: fields HeyGen's API does not know are ignored, as HeyGen does."""

    model_config = ConfigDict(extra="ignore")


class V2Envelope(BaseModel):
    """HeyGen's v2 success envelope; each answer adds its ``data``."""

    error: None = None


class V1Envelope(BaseModel):
    """HeyGen's v1 success envelope, ``data`` last; each answer adds its ``data``."""

    code: int = 100
    msg: None = None
    message: None = None


class DeletedResponse(BaseModel):
    """The v1 envelope of a successful delete."""

    # Not a V1Envelope: its ``data`` comes second on the wire, as in the asset answers.
    code: int = 100
    data: None = None
    msg: None = None
    message: None = None


class ErrorDetail(BaseModel):
    """The object form of an error, as live HeyGen sent it."""

    code: str
    message: str
    param: str | None = None


class ErrorResponse(BaseModel):
    """An error: a string with a machine ``code`` by default, or the object form by setting."""

    error: str | ErrorDetail
    code: str | None = None
    data: None = None


class V1ErrorResponse(BaseModel):
    """An error on ``/v1`` routes and the v1-envelope deletes, in HeyGen's v1 form."""

    code: int = Field(description="HeyGen's integer error code, e.g. 400175 for bad input.")
    message: str
    data: None = None


def whole_seconds(timestamp: float) -> int:
    """Unix seconds without their fraction: HeyGen's timestamps are whole seconds."""
    return int(timestamp)
