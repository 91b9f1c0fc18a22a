"""Serving images behind signed links: signatures, expiry, caching headers and ranges."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from looksmith.api.app import create_app
from looksmith.clock import ManualClock
from looksmith.composition.api import ApiParts, build_api
from looksmith.config import Settings
from looksmith.db.migrate import upgrade
from tests.support.api import generate


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=2_000_000_000.0)


@pytest.fixture
def timed(settings: Settings, clock: ManualClock) -> Iterator[tuple[TestClient, ApiParts, str]]:
    """A client whose service reads ``clock``; the jobs run by hand."""
    upgrade(settings.sqlalchemy_url)
    parts = build_api(settings, default_base_url="http://testserver", clock=clock)
    key = parts.services.keys.create_tenant(name="timed").key
    yield TestClient(create_app(settings, parts=parts)), parts, key
    parts.adapters.database.dispose()


def image_urls(timed: tuple[TestClient, ApiParts, str]) -> list[str]:
    client, parts, key = timed
    generation_id = generate(client, key)
    parts.work.pool.run_until_idle()
    status = client.get(f"/v2/photo_avatar/generation/{generation_id}", headers={"x-api-key": key})
    urls: list[str] = status.json()["data"]["image_url_list"]
    return urls


def test_links_expire_after_seven_days(timed, clock: ManualClock):
    client = timed[0]
    url = image_urls(timed)[0]
    expires = int(parse_qs(urlsplit(url).query)["Expires"][0])
    assert expires == int(clock.now()) + 7 * 24 * 3600
    clock.advance(7 * 24 * 3600 - 1)
    assert client.get(url).status_code == 200
    clock.advance(1)
    response = client.get(url)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_tampered_or_missing_signatures_are_403(timed):
    client = timed[0]
    url = image_urls(timed)[0]
    path, query = url.split("?")
    params = parse_qs(query)
    expires, signature = params["Expires"][0], params["Signature"][0]
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    for bad in (
        path,
        f"{path}?Expires={expires}",
        f"{path}?Expires={expires}&Signature={flipped}",
        f"{path}?Expires={int(expires) + 1}&Signature={signature}",
        f"{path}?Expires=abc&Signature={signature}",
    ):
        assert client.get(bad).status_code == 403, bad
    other_image = image_urls(timed)[1].split("?")[0]
    assert client.get(f"{other_image}?Expires={expires}&Signature={signature}").status_code == 403


def test_unknown_and_malformed_keys_are_404(timed):
    client = timed[0]
    assert client.get("/image/not-hex/original?Expires=1&Signature=x").status_code == 404
    assert client.get("/image/" + "0" * 32 + "/other").status_code == 404


def test_headers_etag_and_ranges(timed):
    client = timed[0]
    url = image_urls(timed)[0]
    full = client.get(url)
    assert full.status_code == 200
    assert int(full.headers["content-length"]) == len(full.content)
    assert "immutable" in full.headers["cache-control"]
    etag = full.headers["etag"]

    assert client.get(url, headers={"if-none-match": etag}).status_code == 304

    part = client.get(url, headers={"range": "bytes=0-99"})
    assert part.status_code == 206
    assert part.content == full.content[:100]
    assert part.headers["content-range"] == f"bytes 0-99/{len(full.content)}"
    tail = client.get(url, headers={"range": "bytes=-10"})
    assert tail.content == full.content[-10:]
    assert client.get(url, headers={"range": f"bytes={len(full.content)}-"}).status_code == 416

    head = client.head(url)
    assert head.status_code == 200 and head.content == b""


def test_a_non_ascii_digit_in_expires_is_403(client: TestClient):
    response = client.get("/image/" + "a" * 32 + "/original?Expires=²&Signature=x")
    assert response.status_code == 403
