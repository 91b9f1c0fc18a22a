"""The SDXL path of the runtime (two text encoders, micro-conditioning), in this process."""

from __future__ import annotations

from pathlib import Path

import pytest

from looksmith.engines.diffusers.protocol import HostOptions, Photo
from tests.diffusers.conftest import require_extra
from tests.support.photos import astronaut_jpeg

pytestmark = pytest.mark.diffusers


def test_sdxl_renders_trains_a_lora_and_unloads_it(tmp_path: Path):
    require_extra()
    from looksmith.engines.diffusers.runtime import Runtime
    from tests.diffusers.tiny import build_tiny_xl_pipeline

    model = build_tiny_xl_pipeline(tmp_path / "tiny-xl")
    runtime = Runtime(
        HostOptions(
            model=str(model),
            device="cpu",
            dtype="float32",
            steps=2,
            guidance=5.0,
            scheduler="DPMSolverMultistepScheduler",
            resolution=None,
            batch_size=4,
            lora_rank=4,
            lora_steps=3,
            lora_learning_rate=1e-3,
            cpu_threads=1,
        )
    )
    assert runtime.pipeline_name == "StableDiffusionXLPipeline"
    assert type(runtime.pipe.scheduler).__name__ == "DPMSolverMultistepScheduler"
    steps: list[tuple[int, int]] = []

    def render(lora: bytes | None) -> list[bytes]:
        return runtime.render(
            prompts=("photo of ohwx person",) * 2,
            negative_prompts=("blurry",) * 2,
            width=1344,
            height=768,
            seeds=(1, 2),
            lora=lora,
            on_step=lambda step, total: steps.append((step, total)),
        )

    base = render(None)
    assert steps == [(1, 2), (2, 2)]
    adapter = runtime.train(
        photos=[Photo(astronaut_jpeg(), (170, 40, 120, 150))],
        prompt="photo of ohwx person",
        token="ohwx",
        seed=3,
        on_step=lambda step, total: steps.append((step, total)),
    )
    assert steps[-3:] == [(1, 3), (2, 3), (3, 3)]
    looks = render(adapter)
    assert all(a != b for a, b in zip(base, looks, strict=True))
    assert render(None) == base  # the LoRA was unloaded
