"""The app with rate limits on, for the quota and default-limit suites."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from looksmith.api.app import create_app
from looksmith.api.middleware.ratelimit import install_rate_limits
from looksmith.composition.api import ApiParts
from looksmith.config import Settings
from looksmith.ratelimit.memory import MemoryRateLimiter
from tests.support import VALID_BODY

GENERATE = "/v2/photo_avatar/photo/generate"


def limited_app(settings: Settings, parts: ApiParts) -> FastAPI:
    """The app as ``create_app`` builds it, with limits on a fresh in-memory limiter."""
    app = create_app(settings, parts=parts)
    install_rate_limits(app, parts, MemoryRateLimiter())
    return app


def generate(client: TestClient, key: str) -> int:
    """Submit a valid generation; the HTTP status it got."""
    return client.post(GENERATE, json=VALID_BODY, headers={"x-api-key": key}).status_code
