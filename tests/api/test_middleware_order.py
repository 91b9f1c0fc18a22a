"""The layers around the routes stand in the order ``middleware_stack`` states, outermost first."""

from __future__ import annotations

from looksmith.api.app import create_app
from looksmith.api.body_limit import BodyLimitMiddleware
from looksmith.api.middleware.fast_lane import StatusFastLane
from looksmith.api.middleware.idempotency import IdempotencyMiddleware
from looksmith.api.middleware.metrics import MetricsMiddleware
from looksmith.api.middleware.request_id import RequestIdMiddleware
from looksmith.composition.api import ApiParts
from looksmith.config import Settings


def test_the_app_is_wrapped_in_the_stated_order(settings: Settings, parts: ApiParts):
    app = create_app(settings, parts=parts)
    # Starlette's first user middleware is the outermost.
    assert [layer.cls for layer in app.user_middleware] == [
        StatusFastLane,  # answers repeat polls before anything else runs
        MetricsMiddleware,
        RequestIdMiddleware,  # so that early answers from the layers below carry the id
        BodyLimitMiddleware,  # before idempotency, which buffers bodies
        IdempotencyMiddleware,
    ]
