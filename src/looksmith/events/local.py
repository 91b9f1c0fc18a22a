"""Status changes delivered to subscribers in this process."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from looksmith.domain.models import StatusChange

log = logging.getLogger(__name__)


class InProcessStatusEvents:
    """Calls every subscriber in the publishing thread; a failing subscriber is logged, skipped."""

    def __init__(self) -> None:
        self._subscribers: list[Callable[[StatusChange], None]] = []
        self._lock = threading.Lock()

    def publish(self, change: StatusChange) -> None:
        """Deliver ``change`` to every subscriber."""
        with self._lock:
            subscribers = list(self._subscribers)
        for subscriber in subscribers:
            try:
                subscriber(change)
            except Exception:
                log.exception("status subscriber failed on %s", change)

    def subscribe(self, callback: Callable[[StatusChange], None]) -> Callable[[], None]:
        """Call ``callback`` on every change from now on; returns the unsubscribe function."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe
