"""Progress of generations, derived from state: steps a stream can replay, queue position, ETA.

Nothing new is stored. A generation's step follows from its status and, while it renders, from
how many of its images are done; that count arrives as ``generation_progress`` status changes
(from workers in this process or over the event bus) and is kept in a bounded in-memory map.
"""

from __future__ import annotations

import statistics
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from looksmith.domain.models import Generation, GenerationStatus, StatusChange
from looksmith.domain.progress import QueueSnapshot
from looksmith.domain.specs import IMAGES_PER_GENERATION
from looksmith.ports.clock import Clock
from looksmith.ports.repositories import GenerationRepository, ProgressQueries
from looksmith.services.generations import tenant_generation

PROGRESS_KIND = "generation_progress"
QUEUED_STEP, RENDERING_STEP, FINAL_STEP = 1, 2, 3 + IMAGES_PER_GENERATION
_MAX_TRACKED = 10_000


@dataclass(frozen=True, slots=True)
class ProgressReport:
    """The opt-in progress fields of a status answer."""

    progress: float
    queue_position: int | None
    eta_seconds: float | None
    started_at: float | None
    finished_at: float | None


@dataclass(frozen=True, slots=True)
class Step:
    """One replayable event of a generation's life; ``number`` is its event id."""

    number: int
    event: str  # "status" or "progress"
    status: str  # as the client sees it: in_progress, success or failed
    progress: float
    msg: str | None


class ProgressMap:
    """Images done per rendering generation, latest report wins; forgets finished ones."""

    def __init__(self, max_entries: int = _MAX_TRACKED) -> None:
        self._done: dict[str, int] = {}
        self._max = max_entries
        self._lock = threading.Lock()  # fed from publisher threads, read on the event loop

    def observe(self, change: StatusChange) -> None:
        """Take note of a change from the status feed."""
        if change.kind == PROGRESS_KIND:
            done = parse_done(change.status)
            if done is not None:
                self._set(change.id, done)
        elif change.kind == "generation" and GenerationStatus(change.status).is_terminal:
            with self._lock:
                self._done.pop(change.id, None)

    def done(self, generation_id: str) -> int:
        """Images known to be done; 0 when nothing was heard."""
        return self._done.get(generation_id, 0)

    def _set(self, generation_id: str, done: int) -> None:
        with self._lock:
            self._done.pop(generation_id, None)  # re-insert: the oldest entry is evicted first
            if len(self._done) >= self._max:
                del self._done[next(iter(self._done))]
            self._done[generation_id] = done


def parse_done(status: str) -> int | None:
    """The images done in a ``"<done>/<total>"`` progress status, or None if malformed."""
    done, _, total = status.partition("/")
    if not (done.isdigit() and total.isdigit()):
        return None
    return min(int(done), IMAGES_PER_GENERATION)


def current_step(generation: Generation, done: int) -> int:
    """The step a generation has reached: 1 queued, 2 rendering, 3..6 image done, 7 final."""
    if generation.status.is_terminal:
        return FINAL_STEP
    if generation.status is GenerationStatus.QUEUED:
        return QUEUED_STEP
    return RENDERING_STEP + min(done, IMAGES_PER_GENERATION)


def progress_of(generation: Generation, done: int) -> float:
    """0 queued, the fraction of images done while rendering, 1 finished."""
    if generation.status.is_terminal:
        return 1.0
    if generation.status is GenerationStatus.QUEUED:
        return 0.0
    return min(done, IMAGES_PER_GENERATION) / IMAGES_PER_GENERATION


def steps(generation: Generation, *, after: int, upto: int) -> list[Step]:
    """The events numbered ``after + 1`` to ``upto``, as they read for this generation."""
    numbers = range(after + 1, min(upto, FINAL_STEP) + 1)
    # A failed generation's images were never all done: its ids jump from 2 to 7.
    failed = generation.status is GenerationStatus.FAILED
    return [_step(generation, n) for n in numbers if not (failed and _is_image_step(n))]


def _is_image_step(number: int) -> bool:
    return RENDERING_STEP < number < FINAL_STEP


def _step(generation: Generation, number: int) -> Step:
    if number == FINAL_STEP:
        status = generation.status.value if generation.status.is_terminal else "in_progress"
        return Step(number, "status", status, 1.0, generation.message)
    if number == QUEUED_STEP:
        return Step(number, "status", "in_progress", 0.0, "queued")
    if number == RENDERING_STEP:
        return Step(number, "status", "in_progress", 0.0, "rendering")
    image = number - RENDERING_STEP
    fraction = image / IMAGES_PER_GENERATION
    msg = f"image {image} of {IMAGES_PER_GENERATION} done"
    return Step(number, "progress", "in_progress", fraction, msg)


class ProgressService:
    """Progress of the tenant's generations: the live map plus the job queue's figures."""

    def __init__(
        self, *, generations: GenerationRepository, queries: ProgressQueries, clock: Clock
    ) -> None:
        self._generations = generations
        self._queries = queries
        self._clock = clock
        self.map = ProgressMap()

    def observe(self, change: StatusChange) -> None:
        """Feed a change from the status feed; cheap, called from publisher threads."""
        self.map.observe(change)

    def get(self, *, tenant_id: str, generation_id: str) -> Generation:
        """The tenant's generation; someone else's answers exactly like an unknown one."""
        return tenant_generation(self._generations, tenant_id, generation_id)

    def step_of(self, generation: Generation) -> int:
        """The step the generation has reached, as far as this process has heard."""
        return current_step(generation, self.map.done(generation.id))

    def finished_since(self, *, tenant_id: str, since: float, limit: int) -> Sequence[Generation]:
        """The tenant's generations that finished at or after ``since``, oldest first."""
        return self._queries.finished_since(tenant_id, since=since, limit=limit)

    def report(self, generation: Generation) -> ProgressReport:
        """Progress, queue position and an estimate of the seconds left."""
        fraction = progress_of(generation, self.map.done(generation.id))
        snapshot = self._queries.queue_snapshot(generation.id, now=self._clock.now())
        job = snapshot.job
        started = job.started_at if job else None
        finished = job.finished_at if job else None
        if generation.status.is_terminal:
            # The status commits before the runner marks its job done: until then the
            # generation's own terminal time is when it finished.
            return ProgressReport(1.0, None, 0.0, started, finished or generation.updated_at)
        position = snapshot.jobs_ahead if job is None or job.claimable else 0
        eta = _estimate(position, fraction, snapshot)
        return ProgressReport(fraction, position, eta, started, finished)


def _estimate(position: int, fraction: float, snapshot: QueueSnapshot) -> float | None:
    """Jobs ahead share the busy workers; then this job's unrendered part takes its share."""
    if not snapshot.recent_durations:
        return None
    median = statistics.median(snapshot.recent_durations)
    waiting = position * median / max(1, snapshot.running)
    return round(waiting + (1.0 - fraction) * median, 3)
