"""Celery over Redis: the API sends job ids, workers on any machine run them.

The database stays the source of truth. A task only names a job (kind and target id); the worker
claims that job's lease in the database before running it, so a task delivered twice runs once,
and a job whose worker died (its lease ran out) or whose dispatch was lost (broker down) is sent
again by the sweeper that runs beside every worker.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from celery import Celery

from looksmith.config import Settings
from looksmith.domain.models import JobKind
from looksmith.domain.ttl_cache import TtlCache
from looksmith.ports.jobs import JobStore

log = logging.getLogger(__name__)

RUN_JOB = "looksmith.run_job"
QUEUE_NAME = "looksmith"
_BROKER = "broker"  # the one thing whose readiness is remembered


def build_celery(settings: Settings) -> Celery:
    """A Celery app with late acks, one task at a time per slot, and short broker timeouts."""
    app = Celery("looksmith", broker=settings.queue.broker_url)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE_NAME,
        task_serializer="json",
        accept_content=["json"],
        # A request must not hang on a broker that is down: the job is already committed, and
        # the sweeper dispatches it once the broker is back.
        task_publish_retry=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            # An unacknowledged task comes back after this long: longer than any job may take.
            "visibility_timeout": int(settings.job_visibility_timeout_seconds),
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
        },
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
    )
    return app


class CeleryDispatcher:
    """Plays ``JobQueue`` for the API: sends a task per committed job."""

    def __init__(self, app: Celery, jobs: JobStore) -> None:
        self._app = app
        self._jobs = jobs
        self._ready: TtlCache[str, bool] = TtlCache(seconds=5, now=time.monotonic, max_entries=1)

    def enqueue(self, kind: JobKind, target_id: str) -> None:
        """Send the job to the broker; if that fails the sweeper sends it later."""
        try:
            send(self._app, kind, target_id)
        except Exception as exc:
            log.warning("broker unreachable, %s %s waits for the sweeper: %s", kind, target_id, exc)
            self._jobs.mark_undispatched(kind, target_id)

    def is_ready(self) -> bool:
        """Whether the broker answered within the last few seconds."""
        now = time.monotonic()
        if self._ready.get(_BROKER):
            return True
        try:
            with self._app.connection_for_write() as connection:
                connection.ensure_connection(max_retries=1, timeout=2)
        except Exception:
            return False
        self._ready.put(_BROKER, True, since=now)  # trusted from when the check began
        return True


def send(app: Celery, kind: JobKind, target_id: str) -> Any:
    """Publish one run-job task."""
    return app.send_task(RUN_JOB, args=[kind.value, target_id], queue=QUEUE_NAME)
