"""The worker's side of the engine hosts, with fake host processes (no torch, no model)."""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path

import pytest
from pydantic import ValidationError

from looksmith.clock import ManualClock
from looksmith.composition.api import build_api
from looksmith.config import DiffusersSettings, Settings
from looksmith.db.migrate import upgrade
from looksmith.engines.diffusers.client import (
    EngineHost,
    EngineJobFailed,
    HostDied,
    HostPool,
    _Waiting,
)
from looksmith.engines.diffusers.protocol import HostOptions, Rendered, RenderJob, Trained
from looksmith.engines.procedural import ProceduralEngine
from tests.diffusers import fake_hosts

OPTIONS = HostOptions(
    model="fake",
    device="fake0",
    dtype="float32",
    steps=1,
    guidance=0.0,
    scheduler=None,
    resolution=None,
    batch_size=8,
    lora_rank=1,
    lora_steps=1,
    lora_learning_rate=1e-4,
)

Target = Callable[[Connection, HostOptions], None]


@pytest.fixture
def hosts() -> Iterator[Callable[..., EngineHost]]:
    made: list[EngineHost] = []

    def make(target: Target, **kwargs: float) -> EngineHost:
        settings: dict[str, float] = {"restarts": 1, "start_timeout": 30, "silence_timeout": 600}
        settings.update(kwargs)
        made.append(
            EngineHost(
                OPTIONS,
                restarts=int(settings["restarts"]),
                start_timeout=settings["start_timeout"],
                silence_timeout=settings["silence_timeout"],
                target=target,
            )
        )
        return made[-1]

    yield make
    for each in made:
        each.stop()


def job(job_id: int, seeds: tuple[int, ...] = (1, 2, 3, 4)) -> RenderJob:
    return RenderJob(
        job_id=job_id,
        prompts=("p",) * len(seeds),
        negative_prompts=("n",) * len(seeds),
        width=64,
        height=64,
        seeds=seeds,
    )


def engine_children() -> list[multiprocessing.process.BaseProcess]:
    return [p for p in multiprocessing.active_children() if p.name == "looksmith-engine-fake0"]


def test_a_hung_host_is_killed_after_its_silence_and_restarted(hosts):
    host = hosts(fake_hosts.silent, restarts=1, silence_timeout=0.5)

    with pytest.raises(RuntimeError, match="died 2 times") as caught:
        host.run(job(1))

    assert isinstance(caught.value.__cause__, HostDied)
    assert "no answer in 0.5 s" in str(caught.value.__cause__)
    assert host.starts == 2  # the first hung host was replaced once, then the job gave up
    assert host.pid is None
    assert engine_children() == []


def test_a_job_left_by_a_raising_progress_callback_kills_its_host(hosts):
    host = hosts(fake_hosts.echo)
    host.start()
    first_pid = host.pid

    def broken(step: int, total: int) -> None:
        raise KeyError("callback broke")

    with pytest.raises(KeyError):
        host.run(job(1), broken)

    assert host.pid is None  # the host, mid-job, was killed rather than reused
    assert engine_children() == []
    steps: list[int] = []
    result = host.run(job(2, seeds=(7, 8)), lambda step, total: steps.append(step))
    assert result == Rendered(2, (b"7", b"8"), "image/jpeg")
    assert steps == [2]  # only its own progress, none of job 1's
    assert host.pid != first_pid
    assert host.starts == 2


def test_progress_of_another_job_counts_as_a_dead_host(hosts):
    host = hosts(fake_hosts.echo, restarts=0)
    host.start()
    assert host._conn is not None
    host._conn.send(job(5))  # its replies wait in the pipe, as if a job had been abandoned

    with pytest.raises(RuntimeError, match="died 1 times") as caught:
        host.run(job(6))

    assert "reply for job 5 during job 6" in str(caught.value.__cause__)
    assert host.pid is None


def test_a_host_that_does_not_start_in_time_is_killed(hosts):
    host = hosts(fake_hosts.never_ready, start_timeout=0.5)

    with pytest.raises(HostDied, match="no answer"):
        host.start()

    assert host.pid is None
    assert engine_children() == []


class ShortHost:
    """Renders one picture fewer than asked."""

    def run(self, job: RenderJob, on_progress: object = None) -> Rendered | Trained:
        return Rendered(job.job_id, tuple(b"x" for _ in job.seeds[1:]), "image/jpeg")


def test_a_joined_batch_with_too_few_pictures_fails_every_job():
    short: EngineHost = ShortHost()  # type: ignore[assignment]
    pool = HostPool([short])
    batch = [_Waiting(job(1, (1, 2)), None), _Waiting(job(2, (3, 4)), None)]

    pool._run_batch(short, batch)

    for entry in batch:
        assert isinstance(entry.error, EngineJobFailed)
        assert "returned 3 pictures for 4 seeds" in str(entry.error)
        assert entry.result is None


def test_a_pool_needs_a_host():
    with pytest.raises(ValueError, match="at least one engine host"):
        HostPool([])


@pytest.mark.parametrize("devices", [",", "", " , "])
def test_no_device_is_refused_naming_the_setting(devices: str):
    with pytest.raises(ValidationError, match="LOOKSMITH_DIFFUSERS__DEVICES names no device"):
        DiffusersSettings(devices=devices)
    assert DiffusersSettings(devices="cuda:0, ,cuda:1").device_list == ["cuda:0", "cuda:1"]


def test_batches_join_generations_by_default():
    assert DiffusersSettings().batch_size == 8


def test_stop_cuts_a_running_job_short_and_starts_no_new_host(hosts):
    host = hosts(fake_hosts.silent, restarts=2)
    host.start()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            host.run(job(1))
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    host.stop(wait=0.2)  # the job holds the host: it is killed, not waited for
    worker.join(timeout=30)

    assert not worker.is_alive()
    assert len(outcome) == 1 and "was stopped" in str(outcome[0])
    assert host.starts == 1  # no fresh host after stop
    assert engine_children() == []


class StoppableEngine(ProceduralEngine):
    stopped = 0

    def stop(self) -> None:
        self.stopped += 1


def test_stopping_the_container_stops_its_image_engine(tmp_path: Path):
    settings = Settings(data_dir=tmp_path / "data")
    upgrade(settings.sqlalchemy_url)
    engine = StoppableEngine()
    parts = build_api(settings, clock=ManualClock(), image_engine=engine)

    parts.stop()

    assert engine.stopped == 1
