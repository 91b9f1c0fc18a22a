"""The progress feed of this process: keeps the progress map current and wakes event streams.

Changes arrive from the ``StatusEvents`` port in whatever thread publishes them (a worker
thread here, or the Redis listener); the map is updated there, and waiting streams are woken on
the event loop. A waiting stream costs an ``asyncio.Event`` or a small queue, never a thread.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from starlette.concurrency import run_in_threadpool

from looksmith.domain.models import StatusChange
from looksmith.ports.delivery import StatusEvents
from looksmith.services.progress import ProgressService

_TENANT_QUEUE_SIZE = 1000


class ProgressFeed:
    """Streams waiting for changes, by generation id and by tenant id."""

    def __init__(self, service: ProgressService, events: StatusEvents) -> None:
        self.service = service
        self._events = events
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._by_generation: dict[str, set[asyncio.Event]] = {}
        self._by_tenant: dict[str, set[asyncio.Queue[StatusChange]]] = {}

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Listen to the change feed, waking streams on ``loop``."""
        self._loop = loop
        self._unsubscribe = self._events.subscribe(self._on_change)

    def stop(self) -> None:
        """Stop listening."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @property
    def streams(self) -> int:
        """How many streams wait right now."""
        generations = sum(len(group) for group in self._by_generation.values())
        return generations + sum(len(group) for group in self._by_tenant.values())

    @contextmanager
    def watch(self, generation_id: str) -> Iterator[asyncio.Event]:
        """An event set when the generation changes; watch before reading, so nothing is missed."""
        event = asyncio.Event()
        with _member(self._by_generation, generation_id, event):
            yield event

    @contextmanager
    def watch_tenant(self, tenant_id: str) -> Iterator[asyncio.Queue[StatusChange]]:
        """The tenant's generation changes from now on; the oldest are dropped if unread."""
        queue: asyncio.Queue[StatusChange] = asyncio.Queue(_TENANT_QUEUE_SIZE)
        with _member(self._by_tenant, tenant_id, queue):
            yield queue

    async def report(self, tenant_id: str, generation_id: str) -> dict[str, Any]:
        """The opt-in progress fields of one of the tenant's generations."""

        def read() -> dict[str, Any]:
            generation = self.service.get(tenant_id=tenant_id, generation_id=generation_id)
            return asdict(self.service.report(generation))

        return await run_in_threadpool(read)

    def _on_change(self, change: StatusChange) -> None:
        if not change.kind.startswith("generation"):
            return
        self.service.observe(change)
        loop = self._loop
        wanted = change.id in self._by_generation or change.tenant_id in self._by_tenant
        if loop is not None and wanted:
            loop.call_soon_threadsafe(self._deliver, change)

    def _deliver(self, change: StatusChange) -> None:
        for event in self._by_generation.get(change.id, ()):
            event.set()
        for queue in self._by_tenant.get(change.tenant_id, ()):
            if queue.full():  # a stalled reader loses its oldest news, not the newest
                queue.get_nowait()
            queue.put_nowait(change)


@contextmanager
def _member(groups: dict[str, set[Any]], key: str, member: object) -> Iterator[None]:
    """``member`` belongs to ``groups[key]`` for the duration; empty groups are removed."""
    groups.setdefault(key, set()).add(member)
    try:
        yield
    finally:
        group = groups.get(key)
        if group is not None:
            group.discard(member)
            if not group:
                del groups[key]


def install_progress(app: FastAPI, service: ProgressService, events: StatusEvents) -> None:
    """Give ``app`` a progress feed that runs with its lifespan."""
    feed = ProgressFeed(service, events)
    app.state.progress_feed = feed
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(wrapped: FastAPI) -> AsyncIterator[Any]:
        async with inner(wrapped) as state:
            feed.start(asyncio.get_running_loop())
            try:
                yield state
            finally:
                feed.stop()

    app.router.lifespan_context = lifespan


async def _progress_feed(request: Request) -> ProgressFeed:
    feed: ProgressFeed = request.app.state.progress_feed
    return feed


def wants_progress(include: str | None) -> bool:
    """Whether ``?include=`` (a comma-separated list) asks for the progress fields."""
    return include is not None and "progress" in {part.strip() for part in include.split(",")}


def with_progress(body: bytes, fields: dict[str, Any]) -> bytes:
    """A status envelope with the progress fields added to its ``data``."""
    envelope = json.loads(body)
    envelope["data"].update(fields)
    return json.dumps(envelope).encode()


Progress = Annotated[ProgressFeed, Depends(_progress_feed)]
