"""The diffusers engine on the tiny model: batches, LoRA training, looks, host restarts.

Each test runs the real engine host process (spawned, loads the model from its folder).
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from looksmith.config import DiffusersSettings
from looksmith.domain.specs import (
    Age,
    Ethnicity,
    FaceBox,
    Gender,
    LookSpec,
    Orientation,
    PhotoSpec,
    Pose,
    Style,
    TrainingPhoto,
)
from looksmith.engines.diffusers import DiffusersEngine, build_diffusers_engine
from looksmith.engines.diffusers.engine import image_seed
from looksmith.engines.diffusers.prompts import look_prompt, negative_prompt
from looksmith.engines.diffusers.protocol import Rendered, RenderJob
from tests.support.photos import astronaut_jpeg

pytestmark = pytest.mark.diffusers

SPEC = PhotoSpec(
    age=Age.YOUNG_ADULT,
    gender=Gender.WOMAN,
    ethnicity=Ethnicity.EAST_ASIAN,
    orientation=Orientation.SQUARE,
    pose=Pose.HALF_BODY,
    style=Style.REALISTIC,
    appearance="red hoodie, glasses",
)


def settings(model: Path, **changes: object) -> DiffusersSettings:
    values: dict[str, object] = {
        "model": str(model),
        "devices": "cpu",
        "dtype": "float32",
        "steps": 3,
        "lora_steps": 4,
        "lora_rank": 4,
        "lora_learning_rate": 1e-3,
        "cpu_threads": 1,
        "batch_size": 8,  # two generations of four can share a batch
    }
    values.update(changes)
    return DiffusersSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def engine(tiny_model: Path) -> Iterator[DiffusersEngine]:
    built = build_diffusers_engine(settings(tiny_model))
    yield built
    built.stop()


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        return image.size


@pytest.mark.parametrize("orientation", list(Orientation))
def test_photos_come_in_the_procedural_engines_sizes(
    engine: DiffusersEngine, orientation: Orientation
):
    spec = PhotoSpec(
        **{**{f: getattr(SPEC, f) for f in SPEC.__slots__}, "orientation": orientation}
    )
    images = engine.render_photos(spec, seed=11, count=4)
    assert len(images) == 4
    for image in images:
        assert (image.width, image.height) == orientation.size
        assert size_of(image.data) == orientation.size
        assert image.content_type == "image/jpeg"


def test_same_seed_same_pictures_each_picture_its_own(engine: DiffusersEngine):
    first = [image.data for image in engine.render_photos(SPEC, seed=5, count=4)]
    again = [image.data for image in engine.render_photos(SPEC, seed=5, count=4)]
    other = [image.data for image in engine.render_photos(SPEC, seed=6, count=4)]
    assert first == again
    assert len(set(first)) == 4
    assert not set(first) & set(other)


def test_a_trained_lora_changes_the_looks(engine: DiffusersEngine):
    identity = engine.train(
        [TrainingPhoto(astronaut_jpeg(), FaceBox(x=170, y=40, width=120, height=150))], seed=3
    )
    assert identity[8:].lstrip().startswith(b"{")  # a safetensors file
    look = LookSpec(
        prompt="green dress", orientation=Orientation.SQUARE, pose=Pose.CLOSE_UP, style=Style.NOIR
    )
    looks = [image.data for image in engine.render_looks(identity, look, seed=9, count=4)]
    # The base model, same prompt and seeds, no LoRA: what the looks would be untrained.
    base = engine._pool.run(
        RenderJob(
            job_id=engine._pool.next_id(),
            prompts=(look_prompt(look, "ohwx"),) * 4,
            negative_prompts=(negative_prompt(look.style),) * 4,
            width=1024,
            height=1024,
            seeds=tuple(image_seed(9, i) for i in range(4)),
        )
    )
    assert isinstance(base, Rendered)
    assert len(looks) == 4
    assert all(a != b for a, b in zip(looks, base.images, strict=True))
    # The LoRA is unloaded after the looks: photos render as before.
    assert [i.data for i in engine.render_looks(identity, look, seed=9, count=4)] == looks
    again = engine._pool.run(
        RenderJob(
            job_id=engine._pool.next_id(),
            prompts=(look_prompt(look, "ohwx"),) * 4,
            negative_prompts=(negative_prompt(look.style),) * 4,
            width=1024,
            height=1024,
            seeds=tuple(image_seed(9, i) for i in range(4)),
        )
    )
    assert isinstance(again, Rendered)
    assert again.images == base.images


def test_a_host_killed_mid_job_is_replaced_and_the_job_completes(engine: DiffusersEngine):
    host = engine._pool.hosts[0]
    expected = [i.data for i in engine.render_photos(SPEC, seed=21, count=4)]
    starts = host.starts
    killed: list[int] = []

    def kill_at_first_step(step: int, total: int) -> None:
        if not killed:
            assert step < total  # the host is in the middle of the job
            killed.append(host.pid or 0)
            os.kill(host.pid or 0, signal.SIGKILL)

    job = RenderJob(
        job_id=engine._pool.next_id(),
        prompts=("portrait",) * 4,
        negative_prompts=("",) * 4,
        width=1024,
        height=1024,
        seeds=tuple(image_seed(21, i) for i in range(4)),
        steps=50,  # long enough that the kill lands before the host finishes
    )
    result = host.run(job, kill_at_first_step)
    assert killed and killed[0] != host.pid
    assert host.starts == starts + 1
    assert isinstance(result, Rendered) and len(result.images) == 4
    # The fresh host loaded the same model: the generation renders as before.
    assert [i.data for i in engine.render_photos(SPEC, seed=21, count=4)] == expected


def test_a_failing_job_leaves_the_host_alive(engine: DiffusersEngine):
    host = engine._pool.hosts[0]
    starts = host.starts
    with pytest.raises(ValueError, match="train the group again"):
        engine.render_looks(b"not an adapter", _look(), seed=1, count=4)
    bad = RenderJob(
        job_id=99,
        prompts=("x",),
        negative_prompts=("",),
        width=64,
        height=64,
        seeds=(1,),
        lora=b"junk",
    )
    with pytest.raises(RuntimeError, match="Error"):
        engine._pool.run(bad)
    assert len(engine.render_photos(SPEC, seed=1, count=4)) == 4
    assert host.starts == starts


def _look() -> LookSpec:
    return LookSpec(
        prompt="x", orientation=Orientation.SQUARE, pose=Pose.CLOSE_UP, style=Style.NOIR
    )


def test_jobs_waiting_together_are_rendered_in_one_batch(engine: DiffusersEngine):
    pool = engine._pool
    alone = {
        style: [i.data for i in engine.render_photos(_spec(style), seed=31, count=4)]
        for style in (Style.NOIR, Style.PIXAR)
    }
    busy = threading.Event()
    blocker = RenderJob(
        job_id=pool.next_id(),
        prompts=("busy",) * 4,
        negative_prompts=("",) * 4,
        width=1024,
        height=1024,
        seeds=(1, 2, 3, 4),
        steps=150,  # holds the only host while the two generations queue behind it
    )
    threads = [threading.Thread(target=pool.run, args=(blocker, lambda s, t: busy.set()))]
    threads[0].start()
    assert busy.wait(120)
    together: dict[Style, list[bytes]] = {}

    def render(style: Style) -> None:
        together[style] = [i.data for i in engine.render_photos(_spec(style), seed=31, count=4)]

    batches, joined = pool.batches_run, pool.jobs_joined
    for style in (Style.NOIR, Style.PIXAR):
        threads.append(threading.Thread(target=render, args=(style,)))
        threads[-1].start()
    deadline = time.monotonic() + 60
    while pool.waiting() < 2:
        assert time.monotonic() < deadline, "the generations never queued"
        time.sleep(0.01)
    for thread in threads:
        thread.join(timeout=300)
    assert pool.jobs_joined == joined + 2
    assert pool.batches_run == batches + 2  # the blocker, then both generations at once
    for style, images in together.items():
        assert len(images) == 4
        assert [size_of(data) for data in images] == [(1024, 1024)] * 4
        # Each picture keeps its own prompt and seed: the same as when rendered alone.
        for mine, reference in zip(images, alone[style], strict=True):
            assert _difference(mine, reference) < 2.0


def _spec(style: Style) -> PhotoSpec:
    return PhotoSpec(**{**{f: getattr(SPEC, f) for f in SPEC.__slots__}, "style": style})


def _difference(a: bytes, b: bytes) -> float:
    """Mean absolute difference of two JPEGs' pixels, 0 to 255."""
    import numpy as np

    first = np.asarray(Image.open(io.BytesIO(a)), dtype=np.float64)
    second = np.asarray(Image.open(io.BytesIO(b)), dtype=np.float64)
    return float(np.abs(first - second).mean())
