"""The default rate limits let batch clients through: a folder of photos, a batch of writes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from looksmith.composition.api import ApiParts
from looksmith.config import RateLimitSettings, Settings
from tests.support.limits import generate, limited_app
from tests.support.photos import astronaut_jpeg


@pytest.fixture
def defaults(settings: Settings) -> Settings:
    """The suite's settings with rate limits on, at their defaults."""
    return settings.model_copy(update={"rate_limit": RateLimitSettings()})


def test_a_folder_of_fifty_photos_uploads_without_a_429(
    defaults: Settings, parts: ApiParts, api_key: str
):
    client = TestClient(limited_app(defaults, parts))
    headers = {"x-api-key": api_key, "content-type": "image/jpeg"}
    photo = astronaut_jpeg()
    answers = [client.post("/v1/asset", content=photo, headers=headers) for _ in range(50)]
    assert [a.status_code for a in answers] == [200] * 50
    assert answers[-1].headers["ratelimit-policy"] == '"upload";q=50;w=3'


def test_a_hundred_writes_and_two_hundred_reads_pass_at_once(
    defaults: Settings, parts: ApiParts, api_key: str
):
    client = TestClient(limited_app(defaults, parts))
    assert [generate(client, api_key) for _ in range(100)] == [200] * 100
    reads = [
        client.get("/v2/avatar_group.list", headers={"x-api-key": api_key}).status_code
        for _ in range(200)
    ]
    assert reads == [200] * 200
