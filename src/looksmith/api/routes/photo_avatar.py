"""Photo generation and the generation-status endpoint."""

from __future__ import annotations

from fastapi import APIRouter, Response

from looksmith.api.deps import Bodies, CurrentTenant, Generations
from looksmith.api.schemas import (
    ErrorResponse,
    GeneratePhotoRequest,
    GenerateResponse,
    GenerationIdData,
    GenerationStatusResponse,
)

router = APIRouter(prefix="/v2/photo_avatar", tags=["photo avatar"])

_ERRORS: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorResponse, "description": "Invalid parameter"},
    401: {"model": ErrorResponse, "description": "Missing or invalid API key"},
}


@router.post(
    "/photo/generate",
    response_model=GenerateResponse,
    responses=_ERRORS,
    summary="Generate photo avatar photos",
)
def generate_photos(
    body: GeneratePhotoRequest, tenant_id: CurrentTenant, generations: Generations
) -> GenerateResponse:
    """Accept a generation; it is durably stored before this answers."""
    generation = generations.submit(tenant_id=tenant_id, request=body.to_request())
    return GenerateResponse(data=GenerationIdData(generation_id=generation.id))


@router.get(
    "/generation/{generation_id}",
    response_model=None,
    responses={
        200: {"model": GenerationStatusResponse, "description": "Generation status"},
        401: _ERRORS[401],
        404: {"model": ErrorResponse, "description": "Unknown generation"},
    },
    summary="Check photo/look generation status",
)
def generation_status(
    generation_id: str, tenant_id: CurrentTenant, generations: Generations, bodies: Bodies
) -> Response:
    """Status of a generation; image URLs are signed afresh on every read."""
    generation = generations.get(tenant_id=tenant_id, generation_id=generation_id)
    return Response(content=bodies.body(generation), media_type="application/json")
