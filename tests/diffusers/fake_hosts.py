"""Stand-in engine host entry points (no torch), spawned by ``EngineHost`` in the tests.

Each takes the pipe and options as ``host.main`` does. ``echo`` answers a render job with one
step of progress (the step number is the job id, so a test can tell whose progress it got) and
one picture per seed, the seed's digits as its bytes.
"""

from __future__ import annotations

import os
import time
from multiprocessing.connection import Connection

from looksmith.engines.diffusers.protocol import (
    HostOptions,
    HostReady,
    Progress,
    Rendered,
    RenderJob,
    Shutdown,
)


def _ready(conn: Connection, options: HostOptions) -> None:
    conn.send(HostReady(pid=os.getpid(), device=options.device, pipeline="Fake", resolution=64))


def silent(conn: Connection, options: HostOptions) -> None:
    """Ready, then never answers a job (a hung host)."""
    _ready(conn, options)
    while True:
        time.sleep(60)


def never_ready(conn: Connection, options: HostOptions) -> None:
    """Never finishes loading its model."""
    while True:
        time.sleep(60)


def echo(conn: Connection, options: HostOptions) -> None:
    """Answers every render job: one progress step, then a picture per seed."""
    _ready(conn, options)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if isinstance(message, Shutdown):
            return
        assert isinstance(message, RenderJob)
        conn.send(Progress(job_id=message.job_id, step=message.job_id, total=100))
        images = tuple(str(seed).encode() for seed in message.seeds)
        conn.send(Rendered(message.job_id, images, "image/jpeg"))
