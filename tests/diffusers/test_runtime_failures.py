"""The runtime after a failed job: no LoRA left loaded, no UNet left in training mode."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from looksmith.engines.diffusers.protocol import HostOptions, Photo
from tests.support.photos import astronaut_jpeg

pytestmark = pytest.mark.diffusers


class Broke(Exception):
    pass


def test_a_failed_training_or_lora_load_leaves_the_pipeline_as_it_was(tiny_model: Path):
    from looksmith.engines.diffusers.runtime import Runtime

    runtime = Runtime(
        HostOptions(
            model=str(tiny_model),
            device="cpu",
            dtype="float32",
            steps=2,
            guidance=5.0,
            scheduler=None,
            resolution=None,
            batch_size=4,
            lora_rank=4,
            lora_steps=3,
            lora_learning_rate=1e-3,
            cpu_threads=1,
        )
    )

    def render(lora: bytes | None) -> list[bytes]:
        return runtime.render(
            prompts=("photo of ohwx person",),
            negative_prompts=("blurry",),
            width=64,
            height=64,
            seeds=(1,),
            lora=lora,
            on_step=lambda step, total: None,
        )

    def train(on_step: Any) -> bytes:
        return runtime.train(
            photos=[Photo(astronaut_jpeg(), (170, 40, 120, 150))],
            prompt="photo of ohwx person",
            token="ohwx",
            seed=3,
            on_step=on_step,
        )

    def fail_at_step_2(step: int, total: int) -> None:
        if step == 2:
            raise Broke

    base = render(None)
    with pytest.raises(Broke):
        train(fail_at_step_2)
    assert not runtime.pipe.unet.training
    assert render(None) == base

    adapter = train(lambda step, total: None)
    real_load = runtime.pipe.load_lora_weights

    def load_then_fail(*args: Any, **kwargs: Any) -> None:
        real_load(*args, **kwargs)
        raise Broke

    runtime.pipe.load_lora_weights = load_then_fail
    with pytest.raises(Broke):
        render(adapter)
    runtime.pipe.load_lora_weights = real_load
    assert render(None) == base  # the half-loaded LoRA was unloaded
    looks = render(adapter)  # and its adapter name is free again
    assert looks != base
