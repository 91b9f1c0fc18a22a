"""The embedded worker pool: threads in the server process that take jobs from the database."""

from __future__ import annotations

import logging
import threading

from looksmith.domain.models import Job, JobKind
from looksmith.ports import Clock, JobStore
from looksmith.queue.runner import JobRunner

log = logging.getLogger(__name__)


class InProcessWorkerPool:
    """A fixed number of worker threads plus one heartbeat thread that keeps leases alive."""

    def __init__(
        self,
        *,
        jobs: JobStore,
        runner: JobRunner,
        clock: Clock,
        size: int,
        lease_seconds: float,
        poll_seconds: float = 1.0,
    ) -> None:
        self._jobs = jobs
        self._runner = runner
        self._clock = clock
        self._size = size
        self._lease = lease_seconds
        self._poll = poll_seconds
        self._wake = threading.Condition()
        self._pending_wakeups = 0
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[int, Job] = {}
        self._running_lock = threading.Lock()

    def start(self) -> None:
        """Resume what the last run left unfinished, then start the threads."""
        # The embedded pool is the only worker of its database, so anything still marked running
        # was cut off by a crash or kill and can run again at once.
        resumed = self._jobs.requeue_running(now=self._clock.now())
        if resumed:
            log.info("resuming %d unfinished jobs", resumed)
        self._stopping.clear()
        targets = [self._work] * self._size + [self._heartbeat]
        self._threads = [
            threading.Thread(target=target, name=f"looksmith-worker-{i}", daemon=True)
            for i, target in enumerate(targets)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to finish their current job and wait for them."""
        self._stopping.set()
        with self._wake:
            self._wake.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    def enqueue(self, kind: JobKind, target_id: str) -> None:
        """Wake one idle worker; the job itself is already in the database."""
        with self._wake:
            self._pending_wakeups += 1
            self._wake.notify()

    def is_ready(self) -> bool:
        """Whether every thread is alive."""
        return bool(self._threads) and all(thread.is_alive() for thread in self._threads)

    def run_until_idle(self) -> int:
        """Run claimable jobs in the calling thread until none is left; for tests and tools."""
        done = 0
        while (
            job := self._jobs.claim(now=self._clock.now(), lease_seconds=self._lease)
        ) is not None:
            self._runner.run(job)
            done += 1
        return done

    def _work(self) -> None:
        while not self._stopping.is_set():
            try:
                job = self._jobs.claim(now=self._clock.now(), lease_seconds=self._lease)
            except Exception:
                log.exception("could not claim a job")
                job = None
            if job is None:
                self._wait_for_work()
                continue
            with self._running_lock:
                self._running[job.id] = job
            try:
                self._runner.run(job)
            finally:
                with self._running_lock:
                    del self._running[job.id]

    def _wait_for_work(self) -> None:
        with self._wake:
            if self._pending_wakeups == 0 and not self._stopping.is_set():
                self._wake.wait(self._poll)
            self._pending_wakeups = max(0, self._pending_wakeups - 1)

    def _heartbeat(self) -> None:
        while not self._stopping.wait(self._lease / 3):
            with self._running_lock:
                running = list(self._running)
            for job_id in running:
                try:
                    self._jobs.heartbeat(job_id, now=self._clock.now(), lease_seconds=self._lease)
                except Exception:
                    log.exception("could not extend the lease of job %s", job_id)
