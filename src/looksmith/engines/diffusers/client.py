"""The worker's side of the engine hosts: start them, send jobs, replace the ones that die.

Each ``EngineHost`` is one spawned child process holding one model on one device. A job waits
for a free host, is sent over a pipe, and its replies are read until the result comes. If the
host dies on the way (killed, out of memory, a crash in native code) it is started again and
the job is sent to the fresh host, up to ``restarts`` times; the worker itself never dies with
it. A job that fails inside a living host (an exception) fails at once, and the job runner
decides whether to try it again.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import queue
import threading
from collections.abc import Callable, Sequence
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

    def __init__(self, options: HostOptions, *, restarts: int, start_timeout: float) -> None:
        self.options = options
        self._restarts = restarts
        self._start_timeout = start_timeout
        self._context = multiprocessing.get_context("spawn")
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()
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
            raise AssertionError("unreachable")

    def stop(self) -> None:
        """Ask the host to exit, then make sure it has."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(OSError):
                    self._conn.send(Shutdown())
            if self._process is not None:
                self._process.join(timeout=10)
            self._discard()

    def _ensure_started(self) -> HostReady:
        if self._process is not None and self._process.is_alive() and self.ready is not None:
            return self.ready
        self._discard()
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=host.main,
            args=(child, self.options),
            name=f"looksmith-engine-{self.options.device}",
            daemon=True,
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        self.starts += 1
        reply = self._receive(timeout=self._start_timeout)
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
            reply = self._receive(timeout=None)
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
        """The next message; ``HostDied`` if the process exits first."""
        assert self._conn is not None and self._process is not None
        waited = 0.0
        while timeout is None or waited < timeout:
            try:
                if self._conn.poll(0.5):
                    return self._conn.recv()
            except (EOFError, OSError) as exc:
                raise HostDied(f"pipe closed, exit code {self._process.exitcode}") from exc
            if not self._process.is_alive():
                raise HostDied(f"exit code {self._process.exitcode}")
            waited += 0.5
        raise HostDied(f"no answer in {timeout:.0f} s")

    def _discard(self) -> None:
        if self._process is not None and self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=10)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn, self.ready = None, None, None


class HostPool:
    """One host per device; a job takes whichever host is free."""

    def __init__(self, hosts: Sequence[EngineHost]) -> None:
        self.hosts = list(hosts)
        self._free: queue.Queue[EngineHost] = queue.Queue()
        for each in self.hosts:
            self._free.put(each)
        self._ids = itertools.count(1)
        self._ids_lock = threading.Lock()

    def next_id(self) -> int:
        """A fresh job id."""
        with self._ids_lock:
            return next(self._ids)

    def native_resolution(self) -> int:
        """The native side length of the model (starting a host if none runs yet)."""
        chosen = self._free.get()
        try:
            return chosen.start().resolution
        finally:
            self._free.put(chosen)

    def run(self, job: Job, on_progress: ProgressCallback | None = None) -> Rendered | Trained:
        """Run ``job`` on the next free host."""
        chosen = self._free.get()
        try:
            return chosen.run(job, on_progress)
        finally:
            self._free.put(chosen)

    def stop(self) -> None:
        """Stop every host."""
        for each in self.hosts:
            each.stop()
