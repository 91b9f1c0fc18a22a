"""The tiny pipeline, built once per session; tests that need torch skip without the extra.

``.ci/run`` installs the extra, and there a skip fails (``LOOKSMITH_REQUIRE_SERVICES=1``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

EXTRA = ("torch", "diffusers", "transformers", "peft", "accelerate", "safetensors")


def require_extra() -> None:
    """Skip the test unless the diffusers extra is installed."""
    missing = [name for name in EXTRA if importlib.util.find_spec(name) is None]
    if missing:
        pytest.skip(
            f"needs the diffusers extra ({', '.join(missing)} missing): "
            "pip install -c constraints.txt -e '.[dev,diffusers]'"
        )


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding a tiny random Stable Diffusion pipeline, saved by diffusers."""
    require_extra()
    from tests.diffusers.tiny import build_tiny_pipeline

    return build_tiny_pipeline(tmp_path_factory.mktemp("models") / "tiny-sd")


def engine_env(model: Path, **extra: str) -> dict[str, str]:
    """Server settings that select the diffusers engine on the CPU with the tiny model."""
    return {
        "LOOKSMITH_ENGINE": "diffusers",
        "LOOKSMITH_DIFFUSERS__MODEL": str(model),
        "LOOKSMITH_DIFFUSERS__DEVICES": "cpu",
        "LOOKSMITH_DIFFUSERS__DTYPE": "float32",
        "LOOKSMITH_DIFFUSERS__STEPS": "3",
        "LOOKSMITH_DIFFUSERS__LORA_STEPS": "4",
        "LOOKSMITH_DIFFUSERS__LORA_RANK": "4",
        "LOOKSMITH_DIFFUSERS__LORA_LEARNING_RATE": "0.001",
        **extra,
    }
