"""The change hub: this process's one subscription to the status-change feed.

Changes arrive from the ``StatusEvents`` port in whatever thread publishes them (a worker thread
here, or the Redis listener). Observers see each change there; requests that wait (long polls,
progress reads, event streams) are woken on the event loop, thread-safely. A waiting request
costs an ``asyncio.Event`` or a small queue and a set entry: no thread and no database query.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

from looksmith.domain.models import StatusChange
from looksmith.ports.delivery import StatusEvents

Accepts = Callable[[StatusChange], bool]
Observer = Callable[[StatusChange], None]

_TENANT_QUEUE_SIZE = 1000
log = logging.getLogger(__name__)
M = TypeVar("M")


@dataclass(eq=False)
class _Waiter:
    """An event set by the changes of one object that ``accepts`` lets through."""

    accepts: Accepts
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, change: StatusChange) -> None:
        if self.accepts(change):
            self.changed.set()


@dataclass(eq=False)
class _Follower:
    """A queue of one tenant's changes that ``accepts`` lets through; the oldest go if unread."""

    accepts: Accepts
    changes: asyncio.Queue[StatusChange | None] = field(
        default_factory=lambda: asyncio.Queue(_TENANT_QUEUE_SIZE)
    )

    def offer(self, change: StatusChange) -> None:
        if not self.accepts(change):
            return
        if self.changes.full():  # a stalled reader loses its oldest news, not the newest
            self.changes.get_nowait()
        self.changes.put_nowait(change)


class ChangeHub:
    """Who waits for which object or tenant, woken by the one subscription to ``events``."""

    def __init__(self, events: StatusEvents) -> None:
        self._events = events
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._observers: list[Observer] = []
        self._by_object: dict[str, set[_Waiter]] = {}
        self._by_tenant: dict[str, set[_Follower]] = {}
        self.closing = False

    def observe(self, observer: Observer) -> None:
        """Call ``observer`` with every change, in the publishing thread, while started."""
        self._observers.append(observer)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Subscribe to the change feed, waking waiters on ``loop``."""
        self._loop = loop
        self.closing = False
        self._unsubscribe = self._events.subscribe(self._on_change)

    def stop(self) -> None:
        """Unsubscribe."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def close_soon(self) -> None:
        """From any thread: wake every waiter for the last time, so streams end on shutdown."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._close)

    def _close(self) -> None:
        # Long polls answer what they have; streams see ``closing`` (or a None change) and end.
        self.closing = True
        for waiter in (w for group in self._by_object.values() for w in group):
            waiter.changed.set()
        for follower in (f for group in self._by_tenant.values() for f in group):
            if follower.changes.full():
                follower.changes.get_nowait()
            follower.changes.put_nowait(None)

    def waiting(self, accepts: Accepts | None = None) -> int:
        """How many wait right now (those with the filter ``accepts``, if given)."""
        members: list[_Waiter | _Follower] = [m for g in self._by_object.values() for m in g]
        members += [m for g in self._by_tenant.values() for m in g]
        return sum(accepts is None or member.accepts is accepts for member in members)

    @contextmanager
    def watch(self, object_id: str, accepts: Accepts) -> Iterator[asyncio.Event]:
        """An event set when ``object_id`` changes; watch before reading, so nothing is missed."""
        waiter = _Waiter(accepts)
        if self.closing:
            waiter.changed.set()
        with _member(self._by_object, object_id, waiter):
            yield waiter.changed

    @contextmanager
    def follow(
        self, tenant_id: str, accepts: Accepts
    ) -> Iterator[asyncio.Queue[StatusChange | None]]:
        """The tenant's changes from now on, queued (None: the server is closing)."""
        follower = _Follower(accepts)
        if self.closing:
            follower.changes.put_nowait(None)
        with _member(self._by_tenant, tenant_id, follower):
            yield follower.changes

    def _on_change(self, change: StatusChange) -> None:
        for observer in self._observers:
            try:
                observer(change)
            except Exception:  # one failing observer must not keep the waiters asleep
                log.exception("status-change observer failed")
        loop = self._loop
        wanted = change.id in self._by_object or change.tenant_id in self._by_tenant
        if loop is not None and wanted:
            loop.call_soon_threadsafe(self._deliver, change)

    def _deliver(self, change: StatusChange) -> None:
        for waiter in self._by_object.get(change.id, ()):
            waiter.offer(change)
        for follower in self._by_tenant.get(change.tenant_id, ()):
            follower.offer(change)


@contextmanager
def _member(groups: dict[str, set[M]], key: str, member: M) -> Iterator[None]:
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
