"""Server-sent events: the steps of one generation, or of all of a tenant's generations.

Every event is derived from stored state (and the progress map), so a reconnecting client that
sends ``Last-Event-ID`` gets exactly the steps it missed. Streams wait on the change hub; nothing
polls the database. FastAPI frames the events, sends the keep-alive comments, and ends a stream
(cancelling its generator) as soon as the client goes away.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Header
from fastapi.sse import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from looksmith.api.deps import CurrentTenant
from looksmith.api.live.progress import Progress, ProgressFeed
from looksmith.domain.models import Generation, StatusChange
from looksmith.services.progress import FINAL_STEP, Step, steps

router = APIRouter(prefix="/v2/photo_avatar", tags=["photo avatar"])

REPLAY_LIMIT = 100
_STREAM: dict[str, object] = {
    "content": {"text/event-stream": {}},
    "description": "An event stream",
}
# Spelled out, not as ``model``: FastAPI would list a model under the route's own media type.
_JSON_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
_ERRORS: dict[int | str, dict[str, object]] = {
    200: _STREAM,
    401: {"content": _JSON_ERROR, "description": "Missing or invalid API key"},
    429: {"content": _JSON_ERROR, "description": "Rate limit or quota exceeded"},
}
LastEventId = Annotated[str | None, Header(description="Resume after this event id.")]


async def _known_generation(generation_id: str, tenant_id: CurrentTenant, feed: Progress) -> None:
    """Read before streaming, so an unknown or foreign id answers 404 like the status route."""
    await run_in_threadpool(feed.service.get, tenant_id=tenant_id, generation_id=generation_id)


@router.get(
    "/generation/{generation_id}/events",
    response_class=EventSourceResponse,
    responses={**_ERRORS, 404: {"content": _JSON_ERROR, "description": "Unknown generation"}},
    summary="Stream a generation's progress (server-sent events)",
    dependencies=[Depends(_known_generation)],
)
async def generation_events(
    generation_id: str,
    tenant_id: CurrentTenant,
    feed: Progress,
    last_event_id: LastEventId = None,
) -> AsyncIterator[ServerSentEvent]:
    """Steps 1 queued, 2 rendering, 3-6 image 1-4 done, 7 success or failed; then the end.

    On connect every step after ``Last-Event-ID`` (or from 1) up to the current one is sent,
    then new steps as they happen; a ``: ping`` comment comes after 15 quiet seconds.
    """
    after = _step_number(last_event_id)

    def read() -> Generation:
        return feed.service.get(tenant_id=tenant_id, generation_id=generation_id)

    with feed.watch(generation_id) as changed:
        while True:
            changed.clear()  # before the read: a change during the read wakes the next wait
            generation = await run_in_threadpool(read)
            current = feed.service.step_of(generation)
            for step in steps(generation, after=after, upto=current):
                yield _event(str(step.number), generation.id, step)
            after = max(after, current)
            if after >= FINAL_STEP or feed.closing:
                return
            await changed.wait()


@router.get(
    "/events",
    response_class=EventSourceResponse,
    responses=_ERRORS,
    summary="Stream the progress of all the tenant's generations (server-sent events)",
)
async def tenant_events(
    tenant_id: CurrentTenant, feed: Progress, last_event_id: LastEventId = None
) -> AsyncIterator[ServerSentEvent]:
    """Steps of every generation of the tenant, with ids ``<unix_ms>-<generation_id>-<step>``.

    With ``Last-Event-ID``, the final events of generations that finished after that time (at
    most 100) are sent first.
    """
    since = _event_time(last_event_id)
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
            change = await changes.get()
            if change is None:  # the server is shutting down
                return
            for event in await _tenant_events(feed, tenant_id, change, sent):
                yield event


async def _tenant_events(
    feed: ProgressFeed, tenant_id: str, change: StatusChange, sent: dict[str, int]
) -> list[ServerSentEvent]:
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
    return [_event(f"{int(time.time() * 1000)}-{generation.id}-{current}", generation.id, step)]


def _final_event(generation: Generation) -> ServerSentEvent:
    """The final event, with an id built from the time it finished, so replays repeat it."""
    step = steps(generation, after=FINAL_STEP - 1, upto=FINAL_STEP)[0]
    millis = int(generation.updated_at * 1000)
    return _event(f"{millis}-{generation.id}-{FINAL_STEP}", generation.id, step)


def _event(event_id: str, generation_id: str, step: Step) -> ServerSentEvent:
    data = {"id": generation_id, "status": step.status, "progress": step.progress, "msg": step.msg}
    return ServerSentEvent(id=event_id, event=step.event, data=data)


def _step_number(last_event_id: str | None) -> int:
    """The step after which to resume; 0 (from the start) for a missing or foreign id."""
    value = (last_event_id or "").strip()
    return min(int(value), FINAL_STEP) if value.isdigit() else 0


def _event_time(last_event_id: str | None) -> float | None:
    """The Unix time just after a tenant event id's millisecond, or None without one."""
    millis, _, _ = (last_event_id or "").strip().partition("-")
    # Ids carry whole milliseconds: everything in that millisecond was already sent.
    return (int(millis) + 1) / 1000 if millis.isdigit() else None


def describe_streams_in_openapi_3_1(app: FastAPI) -> None:
    """Drop the ``itemSchema`` FastAPI gives event streams: an OpenAPI 3.2 key; we publish 3.1."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        document = generate()
        for path_item in document.get("paths", {}).values():
            for operation in path_item.values():
                for response in operation.get("responses", {}).values():
                    response.get("content", {}).get("text/event-stream", {}).pop("itemSchema", None)
        return document

    app.openapi = openapi  # type: ignore[method-assign]
