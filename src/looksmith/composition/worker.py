"""What runs jobs: the runner over the job services, in-process threads or a Celery worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from looksmith.composition.adapters import Adapters, build_adapters
from looksmith.composition.services import Services, build_services, job_handlers
from looksmith.config import Settings
from looksmith.queue.inprocess import InProcessWorkerPool
from looksmith.queue.runner import JobRunner
from looksmith.webhooks.deliverer import WebhookDeliverer

if TYPE_CHECKING:
    from looksmith.queue.celery_worker import CeleryJobWorker


@dataclass(frozen=True, slots=True)
class JobWork:
    """The runner, the in-process pool that calls it (if jobs run here), and the deliverer."""

    runner: JobRunner
    pool: InProcessWorkerPool | None  # None where Celery workers run the jobs
    deliverer: WebhookDeliverer


def build_job_work(adapters: Adapters, services: Services) -> JobWork:
    """The runner over the job services; a thread pool when the queue is the in-process one."""
    settings, clock = adapters.settings, adapters.clock
    runner = JobRunner(
        jobs=adapters.jobs,
        handlers=job_handlers(services),
        clock=clock,
        max_attempts=settings.job_max_attempts,
    )
    doorbell = adapters.dispatch.doorbell
    pool = None
    if doorbell is not None:
        pool = InProcessWorkerPool(
            jobs=adapters.jobs,
            runner=runner,
            doorbell=doorbell,
            clock=clock,
            size=settings.workers,
            lease_seconds=settings.job_lease_seconds,
        )
    return JobWork(
        runner=runner, pool=pool, deliverer=WebhookDeliverer(service=services.outbox, clock=clock)
    )


@dataclass(frozen=True, slots=True)
class CeleryWorkerProcess:
    """What ``looksmith worker`` runs: a Celery worker, and the webhook deliverer beside it."""

    adapters: Adapters
    work: JobWork
    worker: CeleryJobWorker

    def run(self, *, concurrency: int) -> None:
        """Run jobs until Celery stops, then stop the deliverer and close the adapters."""
        # Each worker process also sends webhooks; leases keep two workers off the same delivery.
        self.work.deliverer.start()
        try:
            self.worker.main(concurrency=concurrency)
        finally:
            self.work.deliverer.stop()
            self.adapters.close()  # the engine's host processes, the database pool


def build_celery_worker(settings: Settings) -> CeleryWorkerProcess:
    """A Celery worker over every adapter and service (``settings`` name the Celery queue)."""
    from looksmith.queue.celery_worker import CeleryJobWorker

    adapters = build_adapters(settings)
    app = adapters.dispatch.celery
    if app is None:
        raise RuntimeError("a Celery worker needs LOOKSMITH_QUEUE__KIND=celery")
    work = build_job_work(adapters, build_services(adapters))
    worker = CeleryJobWorker(
        app=app,
        jobs=adapters.jobs,
        runner=work.runner,
        registry=adapters.repos.workers,
        clock=adapters.clock,
        lease_seconds=settings.job_lease_seconds,
        sweep_seconds=settings.queue.sweep_seconds,
        redeliver_seconds=settings.queue.redispatch_seconds,
    )
    return CeleryWorkerProcess(adapters=adapters, work=work, worker=worker)
