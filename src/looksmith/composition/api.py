"""What the API process needs: the services its routes call, and what starts and stops with it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import text

from looksmith.composition.adapters import Adapters, build_adapters
from looksmith.composition.services import Services, build_services
from looksmith.composition.worker import JobWork, build_job_work
from looksmith.config import Settings
from looksmith.ports.clock import Clock
from looksmith.ports.media import ImageEngine, MotionEngine

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ApiParts:
    """The adapters and services of an API process, and the job work it runs in-process."""

    adapters: Adapters
    services: Services
    work: JobWork

    def start(self) -> None:
        """Start the in-process workers and the webhook deliverer, if this process runs jobs."""
        if self.work.pool is not None:
            self.work.pool.start()
            self.work.deliverer.start()

    def stop(self) -> None:
        """Stop the workers, the image engine's processes, and close database connections."""
        if self.work.pool is not None:
            self.work.pool.stop()
        self.work.deliverer.stop()
        self.adapters.close()

    def database_ready(self) -> bool:
        """Whether the database answers a trivial query."""
        try:
            with self.adapters.database.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception:
            log.exception("database check failed")
            return False
        return True

    def workers_ready(self) -> bool:
        """Whether the workers run: this process's threads, or else the broker answers."""
        if self.work.pool is not None:
            return self.work.pool.is_ready()
        return self.adapters.dispatch.queue.is_ready()


def build_api(
    settings: Settings,
    *,
    default_base_url: str = "http://127.0.0.1:8000",
    clock: Clock | None = None,
    image_engine: ImageEngine | None = None,
    motion_engine: MotionEngine | None = None,
) -> ApiParts:
    """Build every adapter named by ``settings`` and wire the services; nothing starts yet."""
    adapters = build_adapters(
        settings,
        default_base_url=default_base_url,
        clock=clock,
        image_engine=image_engine,
        motion_engine=motion_engine,
    )
    services = build_services(adapters)
    return ApiParts(adapters=adapters, services=services, work=build_job_work(adapters, services))
