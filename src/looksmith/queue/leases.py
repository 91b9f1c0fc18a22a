"""Keeps the leases of running jobs alive, and says the worker process is alive, from one thread."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from looksmith.domain.models import Job
from looksmith.ports.clock import Clock
from looksmith.ports.jobs import JobStore

log = logging.getLogger(__name__)


class LeaseKeeper:
    """Extends every held lease each ``lease_seconds / 3``; a dead process stops extending them."""

    def __init__(
        self,
        *,
        jobs: JobStore,
        clock: Clock,
        lease_seconds: float,
        on_beat: Callable[[], None] | None = None,
    ) -> None:
        self._jobs = jobs
        self._clock = clock
        self._lease = lease_seconds
        self._on_beat = on_beat
        self._held: dict[int, Job] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start beating in a daemon thread."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._beat, name="looksmith-leases", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop beating."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def is_alive(self) -> bool:
        """Whether the beating thread runs."""
        return self._thread is not None and self._thread.is_alive()

    @contextmanager
    def holding(self, job: Job) -> Iterator[None]:
        """Keep ``job``'s lease alive for the duration of the block."""
        with self._lock:
            self._held[job.id] = job
        try:
            yield
        finally:
            with self._lock:
                self._held.pop(job.id, None)

    def _beat(self) -> None:
        while not self._stopping.wait(self._lease / 3):
            with self._lock:
                held = list(self._held.values())
            now = self._clock.now()
            try:
                for job in held:
                    self._jobs.heartbeat(job, now=now, lease_seconds=self._lease)
                if self._on_beat is not None:
                    self._on_beat()
            except Exception:
                log.exception("could not extend leases")
