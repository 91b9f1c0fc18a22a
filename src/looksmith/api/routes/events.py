"""Server-sent events: the steps of one generation, or of all of a tenant's generations.

Every event is derived from stored state (and the progress map), so a reconnecting client that
sends ``Last-Event-ID`` gets exactly the steps it missed. Streams wait on the status-change
feed; nothing polls the database.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from looksmith.api.deps import CurrentTenant
from looksmith.api.progress import Progress, ProgressFeed
from looksmith.api.schemas.base import ErrorResponse
from looksmith.domain.models import Generation, StatusChange
from looksmith.services.progress import FINAL_STEP, Step, steps

router = APIRouter(prefix="/v2/photo_avatar", tags=["photo avatar"])

KEEPALIVE_SECONDS = 15.0
REPLAY_LIMIT = 100
_KEEPALIVE = ": keepalive\n\n"
_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # proxies must not buffer
_STREAM: dict[str, object] = {
    "content": {"text/event-stream": {}},
    "description": "An event stream",
}
_ERRORS: dict[int | str, dict[str, object]] = {
    200: _STREAM,
    401: {"model": ErrorResponse, "description": "Missing or invalid API key"},
}
LastEventId = Annotated[str | None, Header(description="Resume after this event id.")]


@router.get(
    "/generation/{generation_id}/events",
    response_class=StreamingResponse,
    responses={**_ERRORS, 404: {"model": ErrorResponse, "description": "Unknown generation"}},
    summary="Stream a generation's progress (server-sent events)",
)
async def generation_events(
    generation_id: str,
    request: Request,
    tenant_id: CurrentTenant,
    feed: Progress,
    last_event_id: LastEventId = None,
) -> StreamingResponse:
    """Steps 1 queued, 2 rendering, 3-6 image 1-4 done, 7 success or failed; then the end.

    On connect every step after ``Last-Event-ID`` (or from 1) up to the current one is sent,
    then new steps as they happen; a ``: keepalive`` comment comes every 15 seconds.
    """
    # Read before streaming, so an unknown or foreign id answers 404 like the status route.
    await run_in_threadpool(feed.service.get, tenant_id=tenant_id, generation_id=generation_id)
    after = _step_number(last_event_id)
    stream = _generation_stream(request, feed, tenant_id, generation_id, after)
    return StreamingResponse(stream, media_type="text/event-stream", headers=_HEADERS)


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses=_ERRORS,
    summary="Stream the progress of all the tenant's generations (server-sent events)",
)
async def tenant_events(
    request: Request, tenant_id: CurrentTenant, feed: Progress, last_event_id: LastEventId = None
) -> StreamingResponse:
    """Steps of every generation of the tenant, with ids ``<unix_ms>-<generation_id>-<step>``.

    With ``Last-Event-ID``, the final events of generations that finished after that time (at
    most 100) are sent first.
    """
    since = _event_time(last_event_id)
    stream = _tenant_stream(request, feed, tenant_id, since)
    return StreamingResponse(stream, media_type="text/event-stream", headers=_HEADERS)


async def _generation_stream(
    request: Request, feed: ProgressFeed, tenant_id: str, generation_id: str, after: int
) -> AsyncIterator[str]:
    """Replay, then follow one generation until its final step."""

    def read() -> Generation:
        return feed.service.get(tenant_id=tenant_id, generation_id=generation_id)

    # A client disconnect cancels this generator at an ``await`` (or the next write fails, or
    # the keepalive check notices); ``watch`` then unregisters in every case.
    with feed.watch(generation_id) as changed:
        while True:
            changed.clear()  # before the read: a change during the read wakes the next wait
            generation = await run_in_threadpool(read)
            current = feed.service.step_of(generation)
            for step in steps(generation, after=after, upto=current):
                yield _encode(str(step.number), generation.id, step)
            after = max(after, current)
            if after >= FINAL_STEP:
                return
            while not await _woken(changed):
                if await request.is_disconnected():
                    return
                yield _KEEPALIVE


async def _woken(changed: asyncio.Event) -> bool:
    """Wait for a change, at most the keepalive interval; whether it came."""
    try:
        await asyncio.wait_for(changed.wait(), KEEPALIVE_SECONDS)
    except TimeoutError:
        return False
    return True


async def _tenant_stream(
    request: Request, feed: ProgressFeed, tenant_id: str, since: float | None
) -> AsyncIterator[str]:
    """Replay recent final events, then follow the tenant's changes."""
    sent: dict[str, int] = {}
    with feed.watch_tenant(tenant_id) as changes:
        if since is not None:
            finished = await run_in_threadpool(
                feed.service.finished_since, tenant_id=tenant_id, since=since, limit=REPLAY_LIMIT
            )
            for generation in finished:
                sent[generation.id] = FINAL_STEP
                yield _final_event(generation)
        while True:
            try:
                change = await asyncio.wait_for(changes.get(), KEEPALIVE_SECONDS)
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield _KEEPALIVE
                continue
            for event in await _tenant_events(feed, tenant_id, change, sent):
                yield event


async def _tenant_events(
    feed: ProgressFeed, tenant_id: str, change: StatusChange, sent: dict[str, int]
) -> list[str]:
    """The new step of a changed generation, if it moved on since this stream last said."""
    get = feed.service.get
    generation = await run_in_threadpool(get, tenant_id=tenant_id, generation_id=change.id)
    current = feed.service.step_of(generation)
    if current <= sent.get(generation.id, 0):
        return []
    # Only the latest step: a tenant stream tells what happens now, not each generation's past.
    sent[generation.id] = current
    if len(sent) > 10_000:
        del sent[next(iter(sent))]
    if current >= FINAL_STEP:
        return [_final_event(generation)]
    step = steps(generation, after=current - 1, upto=current)[0]
    return [_encode(f"{int(time.time() * 1000)}-{generation.id}-{current}", generation.id, step)]


def _final_event(generation: Generation) -> str:
    """The final event, with an id built from the time it finished, so replays repeat it."""
    step = steps(generation, after=FINAL_STEP - 1, upto=FINAL_STEP)[0]
    millis = int(generation.updated_at * 1000)
    return _encode(f"{millis}-{generation.id}-{FINAL_STEP}", generation.id, step)


def _encode(event_id: str, generation_id: str, step: Step) -> str:
    data = {"id": generation_id, "status": step.status, "progress": step.progress, "msg": step.msg}
    return f"id: {event_id}\nevent: {step.event}\ndata: {json.dumps(data)}\n\n"


def _step_number(last_event_id: str | None) -> int:
    """The step after which to resume; 0 (from the start) for a missing or foreign id."""
    value = (last_event_id or "").strip()
    return min(int(value), FINAL_STEP) if value.isdigit() else 0


def _event_time(last_event_id: str | None) -> float | None:
    """The Unix time just after a tenant event id's millisecond, or None without one."""
    millis, _, _ = (last_event_id or "").strip().partition("-")
    # Ids carry whole milliseconds: everything in that millisecond was already sent.
    return (int(millis) + 1) / 1000 if millis.isdigit() else None
