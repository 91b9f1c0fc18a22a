"""The diffusion engine: prompts and seeds here, pixels in the engine host processes.

Seeds: a generation's seed derives from its id (``GenerationService``) and is stored with it;
picture ``i`` uses ``image_seed(seed, i)``, and each job logs its seeds. The same generation
rendered again on the same model, device and settings gives the same pictures.
"""

from __future__ import annotations

import hashlib
import json
import logging
import struct
from collections.abc import Sequence

from looksmith.domain.models import RenderedImage
from looksmith.domain.specs import LookSpec, PhotoSpec, TrainingPhoto
from looksmith.engines.diffusers.client import HostPool
from looksmith.engines.diffusers.prompts import (
    look_prompt,
    negative_prompt,
    photo_prompt,
    training_prompt,
)
from looksmith.engines.diffusers.protocol import Photo, Rendered, RenderJob, Trained, TrainJob
from looksmith.errors import PermanentJobError

log = logging.getLogger(__name__)

TOKEN_KEY = "looksmith.token"  # noqa: S105 (a metadata key)


def image_seed(seed: int, index: int) -> int:
    """The seed of picture ``index`` of a generation whose seed is ``seed``."""
    digest = hashlib.sha256(f"{seed}/{index}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


class UnusableIdentity(PermanentJobError, ValueError):
    """The group's identity is no LoRA of this engine: no retry helps, a new training does."""


def adapter_metadata(identity: bytes) -> dict[str, str]:
    """The ``__metadata__`` of a safetensors file, read without torch; ``UnusableIdentity`` if
    not one."""
    if len(identity) < 8:
        raise UnusableIdentity("the group's identity is not a LoRA adapter; train the group again")
    (length,) = struct.unpack("<Q", identity[:8])
    try:
        header = json.loads(identity[8 : 8 + length])
    except ValueError as exc:
        raise UnusableIdentity(
            "the group's identity is not a LoRA adapter; train the group again"
        ) from exc
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(metadata, dict) or TOKEN_KEY not in metadata:
        raise UnusableIdentity(
            "the group was not trained by the diffusers engine; train the group again"
        )
    return {str(k): str(v) for k, v in metadata.items()}


class DiffusersEngine:
    """Stable Diffusion (1.5, 2.1, XL, Turbo) through diffusers, in host processes."""

    name = "diffusers"

    def __init__(self, pool: HostPool, *, token: str) -> None:
        self._pool = pool
        self._token = token

    def render_photos(self, spec: PhotoSpec, *, seed: int, count: int) -> list[RenderedImage]:
        """Render the generation's pictures in one batch."""
        return self._render(photo_prompt(spec), spec, seed, count, lora=None)

    def train(self, photos: Sequence[TrainingPhoto], *, seed: int) -> bytes:
        """Train a LoRA on face-centred crops of ``photos``; the adapter is the identity."""
        job = TrainJob(
            job_id=self._pool.next_id(),
            photos=tuple(
                Photo(p.data, (p.face.x, p.face.y, p.face.width, p.face.height)) for p in photos
            ),
            prompt=training_prompt(self._token),
            token=self._token,
            seed=seed,
        )
        log.info("training a LoRA on %d photos, seed %d", len(photos), seed)
        result = self._pool.run(job, _Every(job.job_id, "training"))
        assert isinstance(result, Trained)
        return result.adapter

    def render_looks(
        self, identity: bytes, spec: LookSpec, *, seed: int, count: int
    ) -> list[RenderedImage]:
        """Render looks of the trained person: the base model with the group's LoRA."""
        token = adapter_metadata(identity)[TOKEN_KEY]
        return self._render(look_prompt(spec, token), spec, seed, count, lora=identity)

    def stop(self) -> None:
        """Stop the host processes."""
        self._pool.stop()

    def _render(
        self, prompt: str, spec: PhotoSpec | LookSpec, seed: int, count: int, *, lora: bytes | None
    ) -> list[RenderedImage]:
        width, height = spec.orientation.size
        seeds = tuple(image_seed(seed, i) for i in range(count))
        job = RenderJob(
            job_id=self._pool.next_id(),
            prompts=(prompt,) * count,
            negative_prompts=(negative_prompt(spec.style),) * count,
            width=width,
            height=height,
            seeds=seeds,
            lora=lora,
        )
        log.info(
            "render job %d: %d pictures %dx%d, seeds %s%s",
            job.job_id,
            count,
            width,
            height,
            list(seeds),
            " with LoRA" if lora is not None else "",
        )
        result = self._pool.run(job)
        assert isinstance(result, Rendered)
        return [
            RenderedImage(data=data, content_type=result.content_type, width=width, height=height)
            for data in result.images
        ]


class _Every:
    """Logs a job's progress at every tenth of its steps."""

    def __init__(self, job_id: int, what: str) -> None:
        self._job_id = job_id
        self._what = what
        self._last = -1

    def __call__(self, step: int, total: int) -> None:
        tenth = step * 10 // max(total, 1)
        if tenth != self._last:
            self._last = tenth
            log.info("job %d %s: step %d/%d", self._job_id, self._what, step, total)
