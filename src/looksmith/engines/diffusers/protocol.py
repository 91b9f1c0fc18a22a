"""The messages between the worker and its engine host process (pickled over a ``Pipe``).

Worker to host: ``RenderJob``, ``TrainJob``, ``Shutdown``. Host to worker: ``HostReady`` once
the model is loaded, then for each job any number of ``Progress`` followed by one of
``Rendered``, ``Trained`` or ``JobFailed``. Plain data only, so nothing here imports torch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class HostOptions:
    """What a host needs to load its model; fixed for the host's life."""

    model: str
    device: str
    dtype: str
    steps: int
    guidance: float
    scheduler: str | None
    resolution: int | None
    batch_size: int
    lora_rank: int
    lora_steps: int
    lora_learning_rate: float
    cpu_threads: int | None = None
    jpeg_quality: int = 88


@dataclass(frozen=True, slots=True)
class RenderJob:
    """Render one picture per seed, each with its prompts, at ``width`` x ``height``, optionally
    with a LoRA. Jobs of the same size, steps and LoRA can be joined into one batch."""

    job_id: int
    prompts: tuple[str, ...]
    negative_prompts: tuple[str, ...]
    width: int
    height: int
    seeds: tuple[int, ...]
    lora: bytes | None = None
    steps: int | None = None  # default: the host's


@dataclass(frozen=True, slots=True)
class Photo:
    """A training photo and its face box (x, y, width, height) in pixels."""

    data: bytes
    face: tuple[int, int, int, int]


@dataclass(frozen=True, slots=True)
class TrainJob:
    """Train a LoRA on the person in ``photos``, with ``prompt`` naming them."""

    job_id: int
    photos: tuple[Photo, ...]
    prompt: str
    token: str
    seed: int


@dataclass(frozen=True, slots=True)
class Shutdown:
    """Ask the host to exit."""


@dataclass(frozen=True, slots=True)
class HostReady:
    """The model is loaded; ``resolution`` is the side length it renders natively."""

    pid: int
    device: str
    pipeline: str
    resolution: int


@dataclass(frozen=True, slots=True)
class Progress:
    """Step ``step`` of ``total`` of job ``job_id`` is done."""

    job_id: int
    step: int
    total: int


@dataclass(frozen=True, slots=True)
class Rendered:
    """The encoded pictures of a ``RenderJob``, in seed order."""

    job_id: int
    images: tuple[bytes, ...]
    content_type: str


@dataclass(frozen=True, slots=True)
class Trained:
    """The LoRA adapter of a ``TrainJob``, as safetensors bytes."""

    job_id: int
    adapter: bytes


@dataclass(frozen=True, slots=True)
class JobFailed:
    """The job raised in the host (the host itself lives on)."""

    job_id: int
    message: str


Job = RenderJob | TrainJob
Reply = Progress | Rendered | Trained | JobFailed
