"""The embedded worker pool: threads in the server process that take jobs from the database."""

from __future__ import annotations

import logging
import threading

from looksmith.domain.models import JobKind
from looksmith.ports.clock import Clock
from looksmith.ports.jobs import JobStore
from looksmith.queue.leases import LeaseKeeper
from looksmith.queue.runner import JobRunner

log = logging.getLogger(__name__)


class Doorbell:
    """The in-process ``JobQueue``: each job enqueued wakes one idle thread of the worker pool.

    It exists before the pool does, so the services that enqueue jobs and the runner the pool's
    threads call can be built in order. Whether the threads are alive is the pool's to say
    (``InProcessWorkerPool.is_ready``); the doorbell itself is always there to ring.
    """

    def __init__(self) -> None:
        self._wake = threading.Condition()
        self._pending_wakeups = 0

    def enqueue(self, kind: JobKind, target_id: str) -> None:
        """Wake one idle worker; the job itself is already in the database."""
        with self._wake:
            self._pending_wakeups += 1
            self._wake.notify()

    def is_ready(self) -> bool:
        """Always: ringing cannot fail."""
        return True

    def wake_all(self) -> None:
        """Wake every waiting thread, so each sees that the pool is stopping."""
        with self._wake:
            self._wake.notify_all()

    def wait(self, timeout: float, stopping: threading.Event) -> None:
        """Wait up to ``timeout`` seconds unless a wake-up is pending or the pool is stopping."""
        with self._wake:
            if self._pending_wakeups == 0 and not stopping.is_set():
                self._wake.wait(timeout)
            self._pending_wakeups = max(0, self._pending_wakeups - 1)


class InProcessWorkerPool:
    """A fixed number of worker threads, with a ``LeaseKeeper`` that keeps their leases alive."""

    def __init__(
        self,
        *,
        jobs: JobStore,
        runner: JobRunner,
        doorbell: Doorbell,
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
        self._doorbell = doorbell
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._leases = LeaseKeeper(jobs=jobs, clock=clock, lease_seconds=lease_seconds)

    def start(self) -> None:
        """Resume what the last run left unfinished, then start the threads."""
        # The embedded pool is the only worker of its database, so anything still marked running
        # was cut off by a crash or kill and can run again at once.
        resumed = self._jobs.requeue_running(now=self._clock.now())
        if resumed:
            log.info("resuming %d unfinished jobs", resumed)
        self._stopping.clear()
        self._leases.start()
        self._threads = [
            threading.Thread(target=self._work, name=f"looksmith-worker-{i}", daemon=True)
            for i in range(self._size)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the threads to finish their current job and wait for them."""
        self._stopping.set()
        self._doorbell.wake_all()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []
        self._leases.stop()

    def is_ready(self) -> bool:
        """Whether every thread is alive."""
        threads_alive = bool(self._threads) and all(t.is_alive() for t in self._threads)
        return threads_alive and self._leases.is_alive()

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
                self._doorbell.wait(self._poll, self._stopping)
                continue
            try:
                with self._leases.holding(job):
                    self._runner.run(job)
            except Exception:
                # Recording the outcome failed (database down or locked): keep the thread alive;
                # the lease lapses and the job runs again.
                log.exception("job %s ended without its outcome recorded", job.id)
