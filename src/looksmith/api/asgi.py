"""An app factory for process managers: ``uvicorn --factory looksmith.api.asgi:create_from_env``.

Each process reads the settings from the environment once, at start; nothing happens on import.
"""

from __future__ import annotations

from fastapi import FastAPI

from looksmith.api.app import create_app
from looksmith.composition.api import build_api
from looksmith.config import QueueKind, Settings
from looksmith.logs import configure_logging


def create_from_env() -> FastAPI:
    """The app, configured from ``LOOKSMITH_*`` variables (set the public base URL)."""
    configure_logging()  # each process starts fresh, without the parent's logging
    settings = Settings()
    if settings.queue.kind is QueueKind.INPROCESS:
        # Several processes each with a worker pool would take over each other's running jobs.
        raise RuntimeError("several API processes need LOOKSMITH_QUEUE__KIND=celery")
    return create_app(settings, parts=build_api(settings))
