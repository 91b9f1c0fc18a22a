"""``create_app``: builds the FastAPI application around the API process's wired parts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from looksmith import __version__
from looksmith.api.http.error_envelopes import ErrorEnvelopes
from looksmith.api.http.errors import install_error_handlers
from looksmith.api.live.hub import ChangeHub
from looksmith.api.live.long_poll import StatusWaiters
from looksmith.api.live.progress import ProgressFeed
from looksmith.api.middleware.stack import install_middleware
from looksmith.api.routes import (
    assets,
    console,
    events,
    groups,
    health,
    images,
    looks,
    motion,
    photo_avatar,
    webhooks,
)
from looksmith.api.schemas.base import ErrorResponse
from looksmith.api.status_cache import StatusBodies
from looksmith.composition.api import ApiParts, build_api
from looksmith.config import Settings


def create_app(settings: Settings, *, parts: ApiParts | None = None) -> FastAPI:
    """The app; its workers start with the app's lifespan and stop with it."""
    wired = parts or build_api(settings)
    services = wired.services

    hub = ChangeHub(wired.adapters.events)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        wired.start()
        hub.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            hub.stop()
            wired.stop()

    app = FastAPI(
        title="looksmith",
        version=__version__,
        description="Self-hosted, drop-in server for HeyGen's Photo Avatar v2 API.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        responses={429: {"model": ErrorResponse, "description": "Rate limit or quota exceeded"}},
        # No OpenTelemetry yet; saying so spares FastAPI a provider lookup on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    bodies = StatusBodies(services.images, wired.adapters.clock, ttl=settings.auth_cache_seconds)
    app.state.parts = wired
    app.state.webhooks = services.webhooks
    app.state.status_bodies = bodies
    app.state.hub = hub
    app.state.waiters = StatusWaiters(hub)
    app.state.progress_feed = ProgressFeed(services.progress, hub)
    envelopes = ErrorEnvelopes(keys=services.keys, default=settings.error_format)
    install_error_handlers(app, envelopes)
    for module in (photo_avatar, events, motion, looks, groups, assets, images, webhooks, health):
        app.include_router(module.router)
    app.include_router(console.router)  # the web console; not part of the API schema
    events.describe_streams_in_openapi_3_1(app)
    install_middleware(app, wired, settings, envelopes=envelopes, bodies=bodies)
    return app
