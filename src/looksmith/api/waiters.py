"""Long-poll waiters: an asyncio event per waiting request, woken by the status-change feed.

A waiting request costs an ``asyncio.Event`` and a set entry: no thread and no database query
while it waits. Changes arrive from the ``StatusEvents`` port (a worker thread in this process,
or Redis pub/sub from other machines) and are handed to the event loop thread-safely.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

from looksmith.domain.models import StatusChange
from looksmith.ports.delivery import StatusEvents

MAX_WAIT_SECONDS = 60
T = TypeVar("T")


class StatusWaiters:
    """Requests waiting for a change of one object, by object id."""

    def __init__(self, events: StatusEvents) -> None:
        self._events = events
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watching: dict[str, set[asyncio.Event]] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self.reads = SingleFlight()

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Listen to the change feed, delivering on ``loop``."""
        self._loop = loop
        self._unsubscribe = self._events.subscribe(self._on_change)

    def stop(self) -> None:
        """Stop listening."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    @property
    def waiting(self) -> int:
        """How many requests wait right now."""
        return sum(len(events) for events in self._watching.values())

    @contextmanager
    def watch(self, object_id: str) -> Iterator[asyncio.Event]:
        """An event set when ``object_id`` changes; watch before reading, so nothing is missed."""
        event = asyncio.Event()
        self._watching.setdefault(object_id, set()).add(event)
        try:
            yield event
        finally:
            events = self._watching.get(object_id)
            if events is not None:
                events.discard(event)
                if not events:
                    del self._watching[object_id]

    def _on_change(self, change: StatusChange) -> None:
        # Progress steps leave the status (and ETag) unchanged: waking long polls on them would
        # only answer them early with the same state.
        if change.kind == "generation_progress":
            return
        loop = self._loop
        if loop is not None and change.id in self._watching:
            loop.call_soon_threadsafe(self._wake, change.id)

    def _wake(self, object_id: str) -> None:
        for event in self._watching.get(object_id, ()):
            event.set()


class SingleFlight:
    """Concurrent identical reads share one: a thousand woken waiters cost one database read."""

    def __init__(self) -> None:
        self._flights: dict[tuple[str, str], asyncio.Future[object]] = {}

    async def run(self, key: tuple[str, str], read: Callable[[], Awaitable[T]]) -> T:
        """The result of ``read()``, or of the identical read already under way."""
        flight = self._flights.get(key)
        if flight is not None:
            return cast(T, await asyncio.shield(flight))
        flight = asyncio.get_running_loop().create_future()
        self._flights[key] = flight
        try:
            result = await read()
        except BaseException as exc:
            flight.set_exception(exc)
            flight.exception()  # mark retrieved: the waiters, if any, re-raise it themselves
            raise
        else:
            flight.set_result(result)
            return result
        finally:
            del self._flights[key]


def requested_wait(query_wait: int | None, prefer: str | None) -> int:
    """Seconds to hold a request: ``?wait=N`` or ``Prefer: wait=N`` (RFC 7240), at most 60."""
    seconds = query_wait
    if seconds is None and prefer:
        for part in prefer.split(","):
            name, _, value = part.strip().partition("=")
            if name.strip().lower() == "wait" and value.strip().isdigit():
                seconds = int(value.strip())
    return max(0, min(seconds or 0, MAX_WAIT_SECONDS))
