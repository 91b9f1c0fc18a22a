"""``looksmith worker``: a Celery worker that runs jobs, keeps their leases and sweeps dispatch."""

from __future__ import annotations

import logging
import os
import socket
import threading

from celery import Celery

from looksmith.domain.models import JobKind, new_id
from looksmith.ports.clock import Clock
from looksmith.ports.jobs import JobStore, WorkerRegistry
from looksmith.queue.celery import RUN_JOB, send
from looksmith.queue.leases import LeaseKeeper
from looksmith.queue.runner import JobRunner

log = logging.getLogger(__name__)


class CeleryJobWorker:
    """Claims the job a task names, runs it under a kept lease, and re-sends stranded jobs."""

    def __init__(
        self,
        *,
        app: Celery,
        jobs: JobStore,
        runner: JobRunner,
        registry: WorkerRegistry,
        clock: Clock,
        lease_seconds: float,
        sweep_seconds: float,
        redeliver_seconds: float,
    ) -> None:
        self._redeliver = redeliver_seconds
        self._app = app
        self._jobs = jobs
        self._runner = runner
        self._registry = registry
        self._clock = clock
        self._lease = lease_seconds
        self._sweep = sweep_seconds
        self.worker_id = f"{socket.gethostname()}-{os.getpid()}-{new_id()[:8]}"
        self._leases = LeaseKeeper(
            jobs=jobs, clock=clock, lease_seconds=lease_seconds, on_beat=self._beat
        )
        self._stopping = threading.Event()
        app.task(name=RUN_JOB, acks_late=True)(self.run_job)

    def run_job(self, kind: str, target_id: str) -> None:
        """The task body: run the job if its lease can be had, else do nothing."""
        job = self._jobs.claim_target(
            JobKind(kind),
            target_id,
            now=self._clock.now(),
            lease_seconds=self._lease,
            worker_id=self.worker_id,
        )
        if job is None:
            return  # done already, or held by a live worker
        with self._leases.holding(job):
            self._runner.run(job)

    def sweep_once(self) -> int:
        """Send again every job whose task is missing; return how many were sent."""
        due = self._jobs.due_for_dispatch(
            now=self._clock.now(), quiet_seconds=self._sweep, redeliver_seconds=self._redeliver
        )
        for sent, (kind, target_id) in enumerate(due):
            try:
                send(self._app, kind, target_id)
            except Exception as exc:
                log.warning("sweep could not reach the broker: %s", exc)
                # Marked as sent by due_for_dispatch: undo that for the rest, or they would
                # wait a whole visibility timeout before the next try.
                for unsent_kind, unsent_target in due[sent:]:
                    self._jobs.mark_undispatched(unsent_kind, unsent_target)
                return sent
        return len(due)

    def main(self, *, concurrency: int) -> None:
        """Run until stopped: heartbeats, the sweeper, and Celery's thread pool."""
        self._registry.register(
            worker_id=self.worker_id,
            kind="celery",
            host=socket.gethostname(),
            pid=os.getpid(),
            now=self._clock.now(),
        )
        self._leases.start()
        sweeper = threading.Thread(
            target=self._sweep_forever, name="looksmith-sweeper", daemon=True
        )
        sweeper.start()
        try:
            # Threads, not prefork: a killed worker takes its jobs down with it, and their
            # leases lapse, instead of orphaned children finishing behind everyone's back.
            self._app.worker_main(
                [
                    "worker",
                    "--pool=threads",
                    f"--concurrency={concurrency}",
                    f"--hostname={self.worker_id}@%h",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ]
            )
        finally:
            self._stopping.set()
            self._leases.stop()
            self._registry.unregister(worker_id=self.worker_id)

    def _sweep_forever(self) -> None:
        while not self._stopping.wait(self._sweep):
            try:
                self.sweep_once()
            except Exception:
                log.exception("sweep failed")

    def _beat(self) -> None:
        self._registry.heartbeat(worker_id=self.worker_id, now=self._clock.now())
