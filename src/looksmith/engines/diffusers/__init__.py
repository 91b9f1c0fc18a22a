"""The ``diffusers`` engine: Stable Diffusion photos, LoRA training and looks on GPU workers.

Needs the optional extra (``pip install 'looksmith[diffusers]'``). This package imports no
torch itself: the model runs in engine host processes (``host.py``, ``runtime.py``).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from looksmith.config import DiffusersSettings
from looksmith.engines.diffusers.client import EngineHost, HostPool
from looksmith.engines.diffusers.engine import DiffusersEngine
from looksmith.engines.diffusers.protocol import HostOptions
from looksmith.errors import LooksmithError

REQUIRED_MODULES = ("torch", "diffusers", "transformers", "peft", "accelerate", "safetensors")
INSTALL_HINT = "pip install 'looksmith[diffusers]'"

__all__ = ["INSTALL_HINT", "DiffusersEngine", "build_diffusers_engine", "missing_modules"]


def missing_modules() -> list[str]:
    """The packages of the extra that cannot be imported, found without importing them."""
    missing = []
    for name in REQUIRED_MODULES:
        try:
            found = importlib.util.find_spec(name) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            missing.append(name)
    return missing


def build_diffusers_engine(settings: DiffusersSettings) -> DiffusersEngine:
    """The engine with one (not yet started) host per configured device."""
    missing = missing_modules()
    if missing:
        raise LooksmithError(
            f"the diffusers engine needs {', '.join(missing)}, not installed: {INSTALL_HINT}"
        )
    if not settings.model:
        raise LooksmithError("LOOKSMITH_DIFFUSERS__MODEL is required for the diffusers engine")
    local = settings.model.startswith(("/", "./", "../", "~"))
    if local and not Path(settings.model).expanduser().is_dir():
        raise LooksmithError(
            f"LOOKSMITH_DIFFUSERS__MODEL: no model folder at {settings.model} "
            "(give a folder saved by diffusers, or a hub id such as stabilityai/sdxl-turbo)"
        )
    hosts = [
        EngineHost(
            HostOptions(
                model=str(Path(settings.model).expanduser()) if local else settings.model,
                device=device,
                dtype=settings.dtype,
                steps=settings.steps,
                guidance=settings.guidance,
                scheduler=settings.scheduler,
                resolution=settings.resolution,
                batch_size=settings.batch_size,
                lora_rank=settings.lora_rank,
                lora_steps=settings.lora_steps,
                lora_learning_rate=settings.lora_learning_rate,
                cpu_threads=settings.cpu_threads,
            ),
            restarts=settings.host_restarts,
            start_timeout=settings.start_timeout_seconds,
            silence_timeout=settings.host_silence_seconds,
        )
        for device in settings.device_list
    ]
    pool = HostPool(hosts, batch_size=settings.batch_size)
    return DiffusersEngine(pool, token=settings.identity_token)
