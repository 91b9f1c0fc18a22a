"""Runs one claimed job through its handler, with bounded attempts."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from looksmith.domain.models import Job, JobKind
from looksmith.errors import PermanentJobError
from looksmith.logs import bind_job_id, reset_job_id
from looksmith.ports.clock import Clock
from looksmith.ports.jobs import JobHandler, JobStore

log = logging.getLogger(__name__)


class JobRunner:
    """Calls the handler for a job and records the outcome in the job store."""

    def __init__(
        self,
        *,
        jobs: JobStore,
        handlers: Mapping[JobKind, JobHandler],
        clock: Clock,
        max_attempts: int,
    ) -> None:
        self._jobs = jobs
        self._handlers = handlers
        self._clock = clock
        self._max_attempts = max_attempts

    def run(self, job: Job) -> None:
        """Run ``job``; give up on its target once it has used every attempt."""
        token = bind_job_id(job.id)
        try:
            self._run(job)
        finally:
            reset_job_id(token)

    def _run(self, job: Job) -> None:
        handler = self._handlers[job.kind]
        if job.attempts > self._max_attempts:
            reason = f"was interrupted {self._max_attempts} times; please try again"
            handler.give_up(job.target_id, reason)
            self._jobs.finish(job, failed=True, error=reason, now=self._clock.now())
            return
        try:
            handler.run(job.target_id)
        except PermanentJobError as exc:
            # No attempt can succeed: give up now, with the reason the client can act on.
            log.warning("job %s (%s %s) cannot succeed: %s", job.id, job.kind, job.target_id, exc)
            handler.give_up(job.target_id, f"failed: {exc.message}")
            error = f"{type(exc).__name__}: {exc}"
            self._jobs.finish(job, failed=True, error=error, now=self._clock.now())
        except Exception as exc:
            log.exception("job %s (%s %s) failed", job.id, job.kind, job.target_id)
            self._after_error(job, handler, f"{type(exc).__name__}: {exc}")
        else:
            self._jobs.finish(job, failed=False, error=None, now=self._clock.now())

    def _after_error(self, job: Job, handler: JobHandler, error: str) -> None:
        now = self._clock.now()
        if job.attempts >= self._max_attempts:
            # The client sees a short reason; the details stay in the log and the job row.
            handler.give_up(job.target_id, "failed; please try again")
            self._jobs.finish(job, failed=True, error=error, now=now)
        else:
            self._jobs.release(job, error=error, now=now)
