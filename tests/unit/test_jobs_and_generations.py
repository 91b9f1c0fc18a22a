"""Durable jobs, leases and attempts, and the generation service's run on a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from looksmith.api.schemas.photo_avatar import GeneratePhotoRequest
from looksmith.clock import ManualClock
from looksmith.composition.api import ApiParts, build_api
from looksmith.config import Settings
from looksmith.db.jobs import SqlJobStore
from looksmith.db.migrate import upgrade
from looksmith.db.repositories import SqlGenerationRepository
from looksmith.domain.models import (
    Generation,
    GenerationStatus,
    RenderedImage,
    derived_id,
    image_key,
)
from looksmith.domain.specs import PhotoSpec
from looksmith.engines.procedural import ProceduralEngine
from looksmith.errors import PermanentJobError
from tests.support import VALID_BODY


class FlakyEngine:
    """Fails the first ``failures`` renders, then renders for real."""

    name = "flaky"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0
        self._real = ProceduralEngine()

    def render_photos(self, spec: PhotoSpec, *, seed: int, count: int) -> list[RenderedImage]:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError("GPU on fire")
        return self._real.render_photos(spec, seed=seed, count=count)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


def make_parts(tmp_path: Path, clock: ManualClock, engine=None) -> ApiParts:
    settings = Settings(data_dir=tmp_path / "data", job_max_attempts=2, job_lease_seconds=30)
    upgrade(settings.sqlalchemy_url)
    return build_api(settings, clock=clock, image_engine=engine)


@pytest.fixture
def parts(tmp_path: Path, clock: ManualClock) -> Iterator[ApiParts]:
    built = make_parts(tmp_path, clock)
    yield built
    built.adapters.database.dispose()


def submit(parts: ApiParts) -> str:
    tenant = parts.services.keys.create_tenant(name="t").tenant.id
    request = GeneratePhotoRequest.model_validate(VALID_BODY).to_request()
    return parts.services.generations.submit(tenant_id=tenant, request=request).id


def stored_generation(parts: ApiParts, generation_id: str) -> Generation:
    found = SqlGenerationRepository(parts.adapters.database).get(generation_id)
    assert found is not None
    return found


def blob_keys(parts: ApiParts) -> list[str]:
    return sorted(
        p.relative_to(parts.adapters.settings.blob_dir).as_posix()
        for p in parts.adapters.settings.blob_dir.rglob("*")
        if p.is_file()
    )


def test_a_claimed_job_is_not_claimed_twice_until_its_lease_runs_out(parts, clock):
    submit(parts)
    store = SqlJobStore(parts.adapters.database)
    job = store.claim(now=clock.now(), lease_seconds=30)
    assert job is not None and job.attempts == 1
    assert store.claim(now=clock.now() + 29, lease_seconds=30) is None
    store.heartbeat(job, now=clock.now() + 20, lease_seconds=30)
    assert store.claim(now=clock.now() + 49, lease_seconds=30) is None
    again = store.claim(now=clock.now() + 51, lease_seconds=30)
    assert again is not None and (again.id, again.attempts) == (job.id, 2)


def test_jobs_are_claimed_oldest_first(parts, clock):
    ids = [submit(parts) for _ in range(3)]
    store = SqlJobStore(parts.adapters.database)
    claimed = [store.claim(now=clock.now(), lease_seconds=30) for _ in range(4)]
    assert [job.target_id for job in claimed[:3]] == ids
    assert claimed[3] is None


def test_a_rerun_after_a_crash_overwrites_the_same_four_blobs(parts, clock):
    generation_id = submit(parts)
    repo = SqlGenerationRepository(parts.adapters.database)
    # The state a SIGKILL leaves: status rendering, one blob written, one cut short mid-write.
    repo.set_status(
        generation_id,
        expected=GenerationStatus.QUEUED,
        status=GenerationStatus.RENDERING,
        message=None,
        at=clock.now(),
    )
    first_key = image_key(derived_id(generation_id, 0))
    parts.adapters.settings.blob_dir.joinpath("image", derived_id(generation_id, 0)).mkdir(
        parents=True
    )
    parts.adapters.settings.blob_dir.joinpath(first_key).write_bytes(b"stale")
    parts.adapters.settings.blob_dir.joinpath(first_key + ".partial").write_bytes(b"half")

    parts.services.generations.run(generation_id)

    generation = stored_generation(parts, generation_id)
    assert generation.status is GenerationStatus.SUCCESS
    assert blob_keys(parts) == sorted(image_key(i) for i in generation.image_ids)
    engine = ProceduralEngine()
    for index, image_id in enumerate(generation.image_ids):
        expected = engine.render_photo(generation.spec, seed=generation.seed, variant=index).data
        assert (
            parts.adapters.settings.blob_dir.joinpath(image_key(image_id)).read_bytes() == expected
        )


def test_a_render_error_is_retried_then_succeeds(tmp_path, clock):
    engine = FlakyEngine(failures=1)
    parts = make_parts(tmp_path, clock, engine)
    generation_id = submit(parts)
    assert parts.work.pool.run_until_idle() == 2
    stored = stored_generation(parts, generation_id)
    assert stored.status is GenerationStatus.SUCCESS and len(stored.image_ids) == 4


def test_after_max_attempts_the_generation_fails_with_a_reason(tmp_path, clock):
    parts = make_parts(tmp_path, clock, FlakyEngine(failures=100))
    generation_id = submit(parts)
    assert parts.work.pool.run_until_idle() == 2
    stored = stored_generation(parts, generation_id)
    assert stored.status is GenerationStatus.FAILED
    assert stored.message == "rendering failed; please try again"
    assert stored.image_ids == ()


class ShortEngine:
    """Renders one picture fewer than asked."""

    name = "short"

    def __init__(self) -> None:
        self.calls = 0
        self._real = ProceduralEngine()

    def render_photos(self, spec: PhotoSpec, *, seed: int, count: int) -> list[RenderedImage]:
        self.calls += 1
        return self._real.render_photos(spec, seed=seed, count=count - 1)


def test_too_few_pictures_from_the_engine_fail_the_attempt_and_store_nothing(tmp_path, clock):
    engine = ShortEngine()
    parts = make_parts(tmp_path, clock, engine)
    generation_id = submit(parts)
    assert parts.work.pool.run_until_idle() == 2
    assert engine.calls == 2  # retried like any other engine error, then given up
    stored = stored_generation(parts, generation_id)
    assert stored.status is GenerationStatus.FAILED
    assert stored.message == "rendering failed; please try again"
    assert stored.image_ids == ()
    assert blob_keys(parts) == []


class HopelessEngine(ShortEngine):
    """Refuses every render with a reason no retry can change."""

    def render_photos(self, spec: PhotoSpec, *, seed: int, count: int) -> list[RenderedImage]:
        self.calls += 1
        raise PermanentJobError("the group's identity is unusable; train the group again")


def test_a_job_that_cannot_succeed_fails_at_once_with_its_own_reason(tmp_path, clock):
    engine = HopelessEngine()
    parts = make_parts(tmp_path, clock, engine)
    generation_id = submit(parts)
    assert parts.work.pool.run_until_idle() == 1
    assert engine.calls == 1  # not retried
    stored = stored_generation(parts, generation_id)
    assert stored.status is GenerationStatus.FAILED
    assert stored.message == (
        "rendering failed: the group's identity is unusable; train the group again"
    )


def test_a_job_whose_worker_died_too_often_fails_the_generation(parts, clock):
    generation_id = submit(parts)
    store = SqlJobStore(parts.adapters.database)
    for _ in range(2):  # two workers claim it and vanish
        assert store.claim(now=clock.now(), lease_seconds=30) is not None
        clock.advance(31)
    assert parts.work.pool.run_until_idle() == 1
    stored = stored_generation(parts, generation_id)
    assert stored.status is GenerationStatus.FAILED
    assert stored.message == "rendering was interrupted 2 times; please try again"


def test_requeue_running_resumes_at_once(parts, clock):
    submit(parts)
    store = SqlJobStore(parts.adapters.database)
    assert store.claim(now=clock.now(), lease_seconds=30) is not None
    assert store.claim(now=clock.now(), lease_seconds=30) is None
    assert store.requeue_running(now=clock.now()) == 1
    assert store.claim(now=clock.now(), lease_seconds=30) is not None


def test_a_run_whose_lease_was_taken_over_cannot_touch_the_new_run(parts, clock):
    submit(parts)
    store = SqlJobStore(parts.adapters.database)
    old = store.claim(now=clock.now(), lease_seconds=30)
    assert old is not None
    clock.advance(31)  # the old run stalls; its lease lapses and another worker claims the job
    new = store.claim(now=clock.now(), lease_seconds=30)
    assert new is not None
    assert new.attempts == old.attempts + 1
    store.release(old, error="late failure", now=clock.now())
    store.finish(old, failed=False, error=None, now=clock.now())
    store.heartbeat(old, now=clock.now() + 100, lease_seconds=30)
    # The new run still holds its lease: nothing is claimable until it lapses.
    assert store.claim(now=clock.now() + 29, lease_seconds=30) is None
    store.finish(new, failed=False, error=None, now=clock.now())
    assert store.claim(now=clock.now() + 1000, lease_seconds=30) is None
