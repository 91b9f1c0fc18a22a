"""The engine host process: loads the model once, then serves jobs until told to stop.

Started by ``client.EngineHost`` with the spawn method; imports torch only here, in the child.
It exits when its pipe closes (the worker died) or on ``Shutdown``.
"""

from __future__ import annotations

import logging
import os
from multiprocessing.connection import Connection

from looksmith.engines.diffusers.protocol import (
    HostOptions,
    HostReady,
    JobFailed,
    Progress,
    Rendered,
    RenderJob,
    Shutdown,
    Trained,
    TrainJob,
)

log = logging.getLogger(__name__)


def main(conn: Connection, options: HostOptions) -> None:
    """Run the host loop on ``conn``."""
    from looksmith.engines.diffusers.runtime import Runtime
    from looksmith.logs import configure_logging

    configure_logging()
    runtime = Runtime(options)
    conn.send(
        HostReady(
            pid=os.getpid(),
            device=options.device,
            pipeline=runtime.pipeline_name,
            resolution=runtime.resolution,
        )
    )
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(message, Shutdown):
            return
        assert isinstance(message, RenderJob | TrainJob)
        job_id = message.job_id

        def on_step(step: int, total: int, job_id: int = job_id) -> None:
            conn.send(Progress(job_id=job_id, step=step, total=total))

        try:
            if isinstance(message, RenderJob):
                images = runtime.render(
                    prompts=message.prompts,
                    negative_prompts=message.negative_prompts,
                    width=message.width,
                    height=message.height,
                    seeds=message.seeds,
                    lora=message.lora,
                    on_step=on_step,
                    steps=message.steps,
                )
                reply: Rendered | Trained = Rendered(job_id, tuple(images), "image/jpeg")
            else:
                adapter = runtime.train(
                    photos=message.photos,
                    prompt=message.prompt,
                    token=message.token,
                    seed=message.seed,
                    on_step=on_step,
                )
                reply = Trained(job_id, adapter)
        except Exception as exc:  # the job failed; the host and its model live on
            log.exception("engine job %d failed", job_id)
            runtime.release_memory()  # after out-of-memory, the next job starts clean
            conn.send(JobFailed(job_id, f"{type(exc).__name__}: {exc}"))
            continue
        conn.send(reply)
