"""``create_app``: builds the FastAPI application around the API process's wired parts."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from looksmith import __version__
from looksmith.api.body_limit import BodyLimitMiddleware
from looksmith.api.error_envelopes import ErrorEnvelopes
from looksmith.api.errors import install_error_handlers
from looksmith.api.idempotency import IdempotencyMiddleware
from looksmith.api.metrics import install_metrics
from looksmith.api.middleware import RequestIdMiddleware
from looksmith.api.progress import install_progress
from looksmith.api.ratelimit import install_rate_limits
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
from looksmith.api.schemas import ErrorResponse
from looksmith.api.status_cache import StatusBodies, StatusFastLane
from looksmith.api.waiters import StatusWaiters
from looksmith.composition.api import ApiParts, build_api
from looksmith.config import Settings


def create_app(settings: Settings, *, parts: ApiParts | None = None) -> FastAPI:
    """The app; its workers start with the app's lifespan and stop with it."""
    wired = parts or build_api(settings)
    services = wired.services

    waiters = StatusWaiters(wired.adapters.events)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        wired.start()
        waiters.start(asyncio.get_running_loop())
        try:
            yield
        finally:
            waiters.stop()
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
    app.state.waiters = waiters
    install_progress(app, services.progress, wired.adapters.events)
    envelopes = ErrorEnvelopes(keys=services.keys, default=settings.error_format)
    install_error_handlers(app, envelopes)
    if settings.rate_limit.enabled:
        install_rate_limits(app, wired, wired.adapters.rate_limiter)
    app.add_middleware(
        IdempotencyMiddleware, keys=services.keys, service=services.idempotency, envelopes=envelopes
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_json_bytes, envelopes=envelopes)
    app.add_middleware(RequestIdMiddleware, envelopes=envelopes)
    for module in (photo_avatar, events, motion, looks, groups, assets, images, webhooks, health):
        app.include_router(module.router)
    app.include_router(console.router)  # the web console; not part of the API schema
    # Middleware added later wraps what came before: metrics time everything the routes do, and
    # the fast lane, outermost, answers repeat polls before any other layer runs.
    http = install_metrics(app, wired)
    app.add_middleware(StatusFastLane, keys=services.keys, bodies=bodies, http=http)
    return app
