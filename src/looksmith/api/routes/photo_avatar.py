"""Photo generation and the generation-status endpoint."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response
from starlette.concurrency import run_in_threadpool

from looksmith.api.deps import Bodies, CurrentTenant, Generations, Waiters
from looksmith.api.live.long_poll import requested_wait
from looksmith.api.live.progress import Progress, wants_progress, with_progress
from looksmith.api.schemas.base import ErrorResponse
from looksmith.api.schemas.photo_avatar import (
    GeneratePhotoRequest,
    GenerateResponse,
    GenerationIdData,
    GenerationStatusResponse,
)
from looksmith.api.status_cache import StatusAnswer

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
        304: {"description": "Not modified: the ETag given in If-None-Match is current"},
        400: _ERRORS[400],
        401: _ERRORS[401],
        404: {"model": ErrorResponse, "description": "Unknown generation"},
    },
    summary="Check photo/look generation status",
)
async def generation_status(
    generation_id: str,
    tenant_id: CurrentTenant,
    generations: Generations,
    bodies: Bodies,
    waiters: Waiters,
    feed: Progress,
    wait: Annotated[
        int | None,
        Query(
            ge=0, description="Long poll: hold up to this many seconds (at most 60) for a change."
        ),
    ] = None,
    prefer: Annotated[str | None, Header(description="RFC 7240, e.g. 'wait=30'.")] = None,
    if_none_match: Annotated[str | None, Header()] = None,
    include: Annotated[
        str | None,
        Query(
            description="Opt-in extra fields: 'progress' adds progress (0..1), queue_position, "
            "eta_seconds, started_at and finished_at to data."
        ),
    ] = None,
) -> Response:
    """Status of a generation; image URLs are signed afresh on every read.

    With ``If-None-Match`` the answer is 304 while the state is unchanged. With ``?wait=N`` or
    ``Prefer: wait=N`` the request is held until the state differs from the one named by
    ``If-None-Match`` (or from ``in_progress`` without it), at most N seconds.

    With ``?include=progress`` the data also carries ``progress`` (0 to 1), ``queue_position``
    (jobs ahead; 0 running, null done), ``eta_seconds`` (null if unknown), ``started_at`` and
    ``finished_at`` (Unix seconds or null); the ETag still follows the status alone.
    """
    seconds = requested_wait(wait, prefer)

    async def read() -> StatusAnswer:
        generation = await run_in_threadpool(
            generations.get, tenant_id=tenant_id, generation_id=generation_id
        )
        return bodies.answer(generation)

    with waiters.watch(generation_id) as changed:
        answer = await read()
        if seconds and _unchanged(answer, if_none_match):
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), seconds)
            # Everyone woken by the same change shares one read.
            answer = await waiters.reads.run((tenant_id, generation_id), read)
    headers = {"ETag": answer.etag}
    if seconds:
        headers["Preference-Applied"] = f"wait={seconds}"
    if if_none_match == answer.etag:
        return Response(status_code=304, headers=headers)
    body = answer.body
    if wants_progress(include):
        body = with_progress(body, await feed.report(tenant_id, generation_id))
    return Response(content=body, media_type="application/json", headers=headers)


def _unchanged(answer: StatusAnswer, if_none_match: str | None) -> bool:
    """Whether a long poll should keep waiting."""
    if if_none_match is not None:
        return answer.etag == if_none_match
    return answer.status == "in_progress"
