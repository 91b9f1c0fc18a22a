"""The console's responses, without a browser: policy, headers, caching, and the API schema."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from looksmith.api.app import create_app
from looksmith.composition.api import build_api
from looksmith.config import RateLimitSettings, Settings, StorageKind, StorageSettings
from looksmith.db.migrate import upgrade


@contextlib.contextmanager
def _client(settings: Settings) -> Iterator[TestClient]:
    upgrade(settings.sqlalchemy_url)
    parts = build_api(settings, default_base_url="http://127.0.0.1:8000")
    try:
        yield TestClient(create_app(settings, parts=parts))  # no lifespan: no workers
    finally:
        parts.adapters.database.dispose()


def _settings(tmp_path: Path, **changes: object) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", rate_limit=RateLimitSettings(enabled=False), **changes
    )


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(_settings(tmp_path)) as opened:
        yield opened


def test_page_is_served_with_a_strict_policy_and_safe_headers(client: TestClient) -> None:
    response = client.get("/console")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="/console/console.js">' in response.text
    directives = _directives(response.headers["content-security-policy"])
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["connect-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    # Links are signed for the address served, which a browser may reach by another name.
    assert directives["img-src"] == "'self' http://127.0.0.1:8000"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["x-frame-options"] == "DENY"


def test_no_inline_script_or_style_in_the_page(client: TestClient) -> None:
    page = client.get("/console").text
    assert "<style" not in page
    assert " style=" not in page
    assert " onclick=" not in page and " onload=" not in page
    assert page.count("<script") == 1 and '<script type="module" src=' in page


def test_assets_have_their_types_and_answer_304_when_unchanged(client: TestClient) -> None:
    for path, kind in (
        ("/console/console.js", "text/javascript"),
        ("/console/console.css", "text/css"),
        ("/console/icon.svg", "image/svg+xml"),
    ):
        first = client.get(path)
        assert first.status_code == 200
        assert first.headers["content-type"].startswith(kind)
        assert "content-security-policy" in first.headers
        again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 304
        assert again.content == b""


def test_unknown_console_file_is_a_json_404(client: TestClient) -> None:
    for path in ("/console/secrets.txt", "/console/index.html", "/console/..%2Fapp.py"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")


def test_trailing_slash_redirects_to_the_page(client: TestClient) -> None:
    response = client.get("/console/", follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == "/console"


def test_console_is_not_part_of_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path.startswith("/console")]


def test_images_on_a_public_base_url_elsewhere_are_allowed(tmp_path: Path) -> None:
    settings = _settings(tmp_path, public_base_url="https://images.example.com/looksmith")
    with _client(settings) as client:
        directives = _directives(client.get("/console").headers["content-security-policy"])
    assert directives["img-src"] == "'self' https://images.example.com"
    assert directives["connect-src"] == "'self'"


def test_presigned_s3_links_are_allowed_by_their_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("boto3")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    storage = StorageSettings(
        kind=StorageKind.S3, bucket="shots", endpoint_url="http://127.0.0.1:9", region="us-east-1"
    )
    with _client(_settings(tmp_path, storage=storage)) as client:
        directives = _directives(client.get("/console").headers["content-security-policy"])
    assert directives["img-src"] == "'self' http://127.0.0.1:9"


class _Forms(HTMLParser):
    """Each form's attributes and the names of the controls inside it."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, tuple[dict[str, str | None], list[str]]] = {}
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict(attrs)
        if tag == "form":
            self._open = fields.get("id") or f"form-{len(self.forms)}"
            self.forms[self._open] = (fields, [])
        elif self._open and tag in {"input", "select", "textarea", "button"} and "name" in fields:
            self.forms[self._open][1].append(fields["name"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._open = None


def test_the_key_form_cannot_put_the_key_into_a_url(client: TestClient) -> None:
    """Enter pressed before console.js runs would submit the form natively (GET /console?key=)."""
    parser = _Forms()
    parser.feed(client.get("/console").text)
    attributes, named = parser.forms["key-form"]
    assert named == [], "a named control would be sent in the query string"
    assert "hidden" in attributes, "the form appears only once console.js handles its submit"
    assert (attributes.get("method") or "get").lower() == "post"
    script = client.get("/console/console.js").text
    handler = script.index('$("key-form").addEventListener("submit", connect);')
    assert script.index('$("key-form").hidden = false;') > handler
