"""The worker's side of the engine hosts: start them, send jobs, replace the ones that die.

Each ``EngineHost`` is one spawned child process holding one model on one device. A job waits
for a free host, is sent over a pipe, and its replies are read until the result comes. If the
host dies on the way (killed, out of memory, a crash in native code) it is started again and
the job is sent to the fresh host, up to ``restarts`` times; the worker itself never dies with
it. A host that says nothing for ``silence_timeout`` seconds while a job runs (no progress, no
result) counts as dead too: it is killed and replaced. A job that fails inside a living host (an
exception) fails at once, and the job runner decides whether to try it again. A job left any
other way (its progress callback raised, a reply could not be read, the worker is interrupted)
kills its host, so no stale reply can reach the next job.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from looksmith.engines.diffusers import host
from looksmith.engines.diffusers.protocol import (
    HostOptions,
    HostReady,
    Job,
    JobFailed,
    Progress,
    Rendered,
    RenderJob,
    Shutdown,
    Trained,
)

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]


class HostDied(RuntimeError):
    """The host process went away before answering."""


class EngineJobFailed(RuntimeError):
    """The job raised inside the host."""


class EngineHost:
    """One child process with one model on one device; one job at a time."""

    def __init__(
        self,
        options: HostOptions,
        *,
        restarts: int,
        start_timeout: float,
        silence_timeout: float = 600.0,
        target: Callable[[Connection, HostOptions], None] = host.main,
    ) -> None:
        self.options = options
        self._restarts = restarts
        self._start_timeout = start_timeout
        self._silence_timeout = silence_timeout
        self._target = target  # the host's entry point; tests give a fake one
        self._context = multiprocessing.get_context("spawn")
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self.ready: HostReady | None = None
        self.starts = 0

    @property
    def pid(self) -> int | None:
        """The host process's id, if one is running."""
        return self._process.pid if self._process is not None else None

    def start(self) -> HostReady:
        """Start the host if it is not running; wait for its model to load."""
        with self._lock:
            return self._ensure_started()

    def run(self, job: Job, on_progress: ProgressCallback | None = None) -> Rendered | Trained:
        """Send ``job``, relay its progress, return its result; survive host deaths."""
        with self._lock:
            for attempt in itertools.count():
                self._ensure_started()
                try:
                    return self._exchange(job, on_progress)
                except EngineJobFailed:
                    raise  # the host is alive and done with the job
                except HostDied as exc:
                    self._discard()
                    if attempt >= self._restarts:
                        raise RuntimeError(
                            f"engine host on {self.options.device} died {attempt + 1} times "
                            f"running job {job.job_id}"
                        ) from exc
                    log.warning(
                        "engine host on %s died during job %d (%s); starting a fresh one",
                        self.options.device,
                        job.job_id,
                        exc,
                    )
                except BaseException:
                    # Left mid-job: the host may still send this job's replies, so it goes.
                    self._discard()
                    raise
            raise AssertionError("unreachable")

    def stop(self, *, wait: float = 10.0) -> None:
        """Ask the host to exit, then make sure it has; no host starts after this.

        A job still running after ``wait`` seconds is cut short: its host is killed.
        """
        self._stopped = True
        if not self._lock.acquire(timeout=wait):
            process = self._process
            if process is not None and process.is_alive():
                process.kill()  # the running job fails; no fresh host replaces this one
            return
        try:
            if self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.send(Shutdown())
            if self._process is not None:
                self._process.join(timeout=wait)
            self._discard()
        finally:
            self._lock.release()

    def _ensure_started(self) -> HostReady:
        if self._process is not None and self._process.is_alive() and self.ready is not None:
            return self.ready
        self._discard()
        if self._stopped:
            raise RuntimeError(f"engine host on {self.options.device} was stopped")
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=self._target,
            args=(child, self.options),
            name=f"looksmith-engine-{self.options.device}",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        self.starts += 1
        try:
            reply = self._receive(timeout=self._start_timeout)
        except BaseException:
            self._discard()  # a host that did not start in time must not live on
            raise
        if not isinstance(reply, HostReady):
            self._discard()
            raise RuntimeError(f"engine host did not start: {reply}")
        self.ready = reply
        log.info(
            "engine host pid %d ready on %s: %s, native %d px",
            reply.pid,
            reply.device,
            reply.pipeline,
            reply.resolution,
        )
        return reply

    def _exchange(self, job: Job, on_progress: ProgressCallback | None) -> Rendered | Trained:
        assert self._conn is not None
        try:
            self._conn.send(job)
        except OSError as exc:
            raise HostDied(str(exc)) from exc
        log.info("engine host pid %s: job %d started", self.pid, job.job_id)
        while True:
            reply = self._receive(timeout=self._silence_timeout)
            if isinstance(reply, Progress | JobFailed) and reply.job_id != job.job_id:
                raise HostDied(f"reply for job {reply.job_id} during job {job.job_id}")
            if isinstance(reply, Progress):
                log.debug("job %d: step %d/%d", reply.job_id, reply.step, reply.total)
                if on_progress is not None:
                    on_progress(reply.step, reply.total)
                continue
            if isinstance(reply, JobFailed):
                raise EngineJobFailed(reply.message)
            if isinstance(reply, Rendered | Trained) and reply.job_id == job.job_id:
                return reply
            raise HostDied(f"unexpected reply {type(reply).__name__}")

    def _receive(self, *, timeout: float | None) -> object:
        """The next message; ``HostDied`` if the process exits first or nothing comes in time."""
        assert self._conn is not None and self._process is not None
        deadline = None if timeout is None else time.monotonic() + timeout
        while deadline is None or (left := deadline - time.monotonic()) > 0:
            try:
                if self._conn.poll(0.5 if deadline is None else min(0.5, left)):
                    return self._conn.recv()
            except (EOFError, OSError) as exc:
                raise HostDied(f"pipe closed, exit code {self._process.exitcode}") from exc
            if not self._process.is_alive():
                raise HostDied(f"exit code {self._process.exitcode}")
        raise HostDied(f"no answer in {timeout:g} s")

    def _discard(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=10)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn, self.ready = None, None, None


@dataclass(eq=False)
class _Waiting:
    """A job waiting for a host, and where its outcome goes."""

    job: Job
    on_progress: ProgressCallback | None
    done: bool = False
    result: Rendered | Trained | None = None
    error: BaseException | None = None
    key: tuple[object, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        job = self.job
        if isinstance(job, RenderJob):
            lora = hashlib.sha256(job.lora).hexdigest() if job.lora is not None else None
            self.key = (job.width, job.height, job.steps, lora)


class HostPool:
    """One host per device; jobs wait for a free host, oldest first.

    Render jobs waiting at the same time with the same size, step count and LoRA (or none) are
    joined into one batch of up to ``batch_size`` pictures (the model is the same for every job
    of a pool). Whichever waiting caller finds a host free runs the oldest job, with the jobs that
    can join it, and hands every joined caller its own pictures.
    """

    def __init__(self, hosts: Sequence[EngineHost], *, batch_size: int = 8) -> None:
        if not hosts:
            raise ValueError("a host pool needs at least one engine host (one per device)")
        self.hosts = list(hosts)
        self.batch_size = batch_size
        self.batches_run = 0
        self.jobs_joined = 0
        self._free = list(self.hosts)
        self._waiting: list[_Waiting] = []
        self._cond = threading.Condition()
        self._ids = itertools.count(1)

    def next_id(self) -> int:
        """A fresh job id."""
        with self._cond:
            return next(self._ids)

    def waiting(self) -> int:
        """How many jobs wait for a host."""
        with self._cond:
            return len(self._waiting)

    def run(self, job: Job, on_progress: ProgressCallback | None = None) -> Rendered | Trained:
        """Run ``job`` on a free host, maybe in one batch with other waiting jobs."""
        mine = _Waiting(job, on_progress)
        with self._cond:
            self._waiting.append(mine)
            self._cond.notify_all()
        while True:
            with self._cond:
                while not mine.done and not (self._free and self._waiting):
                    self._cond.wait()
                if mine.done:
                    break
                chosen = self._free.pop()
                batch = self._take_batch()
            self._run_batch(chosen, batch)
        if mine.error is not None:
            raise mine.error
        assert mine.result is not None
        return mine.result

    def stop(self) -> None:
        """Stop every host."""
        for each in self.hosts:
            each.stop()

    def _take_batch(self) -> list[_Waiting]:
        """The oldest waiting job and those that can join it; called holding the lock."""
        first = self._waiting.pop(0)
        batch = [first]
        if first.key is None:
            return batch
        size = len(first.job.seeds) if isinstance(first.job, RenderJob) else 0
        for other in list(self._waiting):
            other_size = len(other.job.seeds) if isinstance(other.job, RenderJob) else 0
            if other.key == first.key and size + other_size <= self.batch_size:
                self._waiting.remove(other)
                batch.append(other)
                size += other_size
        return batch

    def _run_batch(self, chosen: EngineHost, batch: list[_Waiting]) -> None:
        try:
            if len(batch) == 1:
                outcome: list[Rendered | Trained] = [chosen.run(batch[0].job, batch[0].on_progress)]
            else:
                outcome = self._run_joined(chosen, batch)
            for entry, result in zip(batch, outcome, strict=True):
                entry.result = result
        except BaseException as exc:  # every joined caller gets the failure
            for entry in batch:
                entry.error = exc
        finally:
            with self._cond:
                for entry in batch:
                    entry.done = True
                self.batches_run += 1
                self._free.append(chosen)
                self._cond.notify_all()

    def _run_joined(self, chosen: EngineHost, batch: list[_Waiting]) -> list[Rendered | Trained]:
        jobs = [entry.job for entry in batch]
        assert all(isinstance(job, RenderJob) for job in jobs)
        parts = [job for job in jobs if isinstance(job, RenderJob)]
        first = parts[0]
        joined = RenderJob(
            job_id=self.next_id(),
            prompts=tuple(p for job in parts for p in job.prompts),
            negative_prompts=tuple(p for job in parts for p in job.negative_prompts),
            width=first.width,
            height=first.height,
            seeds=tuple(seed for job in parts for seed in job.seeds),
            lora=first.lora,
            steps=first.steps,
        )
        log.info(
            "render job %d joins jobs %s in one batch of %d pictures",
            joined.job_id,
            [job.job_id for job in parts],
            len(joined.seeds),
        )
        callbacks = [entry.on_progress for entry in batch if entry.on_progress is not None]

        def fan_out(step: int, total: int) -> None:
            for callback in callbacks:
                callback(step, total)

        result = chosen.run(joined, fan_out)
        assert isinstance(result, Rendered)
        if len(result.images) != len(joined.seeds):
            raise EngineJobFailed(
                f"render job {joined.job_id} returned {len(result.images)} pictures "
                f"for {len(joined.seeds)} seeds"
            )
        with self._cond:
            self.jobs_joined += len(parts)
        results: list[Rendered | Trained] = []
        offset = 0
        for job in parts:
            images = result.images[offset : offset + len(job.seeds)]
            offset += len(job.seeds)
            results.append(Rendered(job.job_id, images, result.content_type))
        return results
