"""``install_middleware``: every layer around the routes, in one list, outermost first."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware import Middleware

from looksmith.api.body_limit import BodyLimitMiddleware
from looksmith.api.http.error_envelopes import ErrorEnvelopes
from looksmith.api.middleware.fast_lane import StatusFastLane
from looksmith.api.middleware.idempotency import IdempotencyMiddleware
from looksmith.api.middleware.metrics import HttpMetrics, MetricsMiddleware, install_metrics
from looksmith.api.middleware.ratelimit import install_rate_limits
from looksmith.api.middleware.request_id import RequestIdMiddleware
from looksmith.api.status_cache import StatusBodies
from looksmith.composition.api import ApiParts
from looksmith.config import Settings


def install_middleware(
    app: FastAPI,
    parts: ApiParts,
    settings: Settings,
    *,
    envelopes: ErrorEnvelopes,
    bodies: StatusBodies,
) -> None:
    """Wrap ``app`` in its layers, and serve ``GET /metrics``; call it after the routers.

    Rate limits are no layer: the auth dependency applies them once the tenant is known.
    """
    if settings.rate_limit.enabled:
        install_rate_limits(app, parts, parts.adapters.rate_limiter)
    http = install_metrics(app, parts)
    for layer in reversed(middleware_stack(parts, settings, envelopes, bodies, http)):
        app.add_middleware(layer.cls, *layer.args, **layer.kwargs)


def middleware_stack(
    parts: ApiParts,
    settings: Settings,
    envelopes: ErrorEnvelopes,
    bodies: StatusBodies,
    http: HttpMetrics,
) -> list[Middleware]:
    """The layers, outermost first: each one wraps every layer after it and then the routes."""
    keys = parts.services.keys
    return [
        # Answers repeat polls before any other layer runs; it tags and counts its answers itself.
        Middleware(StatusFastLane, keys=keys, bodies=bodies, http=http),
        Middleware(MetricsMiddleware, http=http),
        # Outside the layers that answer early, so that their answers carry the id too.
        Middleware(RequestIdMiddleware, envelopes=envelopes),
        # Outside idempotency, which buffers bodies: it never buffers more than the limit.
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_json_bytes, envelopes=envelopes),
        Middleware(
            IdempotencyMiddleware,
            keys=keys,
            service=parts.services.idempotency,
            envelopes=envelopes,
        ),
    ]
