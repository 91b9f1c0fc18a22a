"""Long polls: status reads held until their object changes, and the reads they share.

A waiting request is an event on the change hub, woken by any change of its object but a
progress step: those leave the status (and ETag) unchanged, so waking long polls on them would
only answer them early with the same state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar, cast

from looksmith.api.live.hub import ChangeHub
from looksmith.domain.models import StatusChange
from looksmith.services.progress import PROGRESS_KIND

MAX_WAIT_SECONDS = 60
T = TypeVar("T")


def changes_the_status(change: StatusChange) -> bool:
    """Whether a long poll should wake for ``change``: any change but a progress step."""
    return change.kind != PROGRESS_KIND


class StatusWaiters:
    """Requests waiting for a change of one object, by object id."""

    def __init__(self, hub: ChangeHub) -> None:
        self._hub = hub
        self.reads = SingleFlight()

    @property
    def waiting(self) -> int:
        """How many requests wait right now."""
        return self._hub.waiting(changes_the_status)

    @contextmanager
    def watch(self, object_id: str) -> Iterator[asyncio.Event]:
        """An event set when ``object_id`` changes; watch before reading, so nothing is missed."""
        with self._hub.watch(object_id, changes_the_status) as changed:
            yield changed


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
