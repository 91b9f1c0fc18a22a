"""A small cache whose entries are trusted for a fixed number of seconds, on an injected clock."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class TtlCache(Generic[K, V]):
    """Values remembered for ``seconds``; an entry is stale from the instant its deadline comes.

    ``now`` is any clock that returns seconds (a ``Clock``'s ``now``, ``time.monotonic``). At
    ``max_entries`` a new entry first forgets every other, or only the oldest with
    ``drop_oldest``; either way memory stays bounded without a sweep.
    """

    def __init__(
        self,
        *,
        seconds: float,
        now: Callable[[], float],
        max_entries: int,
        drop_oldest: bool = False,
    ) -> None:
        self._seconds = seconds
        self._now = now
        self._max_entries = max_entries
        self._drop_oldest = drop_oldest
        self._entries: dict[K, tuple[V, float]] = {}

    def get(self, key: K) -> V | None:
        """The value stored under ``key`` if its deadline has not come yet, else None."""
        hit = self._entries.get(key)
        if hit is None or hit[1] <= self._now():
            return None
        return hit[0]

    def put(self, key: K, value: V, *, since: float | None = None) -> None:
        """Remember ``value`` for ``seconds`` from ``since`` (by default, from now)."""
        if len(self._entries) >= self._max_entries:
            self._make_room()
        start = self._now() if since is None else since
        self._entries[key] = (value, start + self._seconds)

    def forget(self, key: K) -> None:
        """Drop the entry under ``key``, if any."""
        self._entries.pop(key, None)

    def clear(self) -> None:
        """Drop every entry."""
        self._entries.clear()

    def __len__(self) -> int:
        """How many entries are held, stale ones included."""
        return len(self._entries)

    def _make_room(self) -> None:
        if self._drop_oldest:
            del self._entries[next(iter(self._entries))]
        else:
            self._entries.clear()
