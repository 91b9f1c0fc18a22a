"""Shared fixtures: the wired API parts on a scratch folder, an app client and API keys.

With ``LOOKSMITH_REQUIRE_SERVICES=1`` (set by ``.ci/run``) a skipped test fails instead: tests
that need PostgreSQL, Redis or another service skip when it is missing on a laptop, but CI runs
where those services exist, so a skip there means a broken setup.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from looksmith.api.app import create_app
from looksmith.composition.api import ApiParts, build_api
from looksmith.config import RateLimitSettings, Settings
from looksmith.db.migrate import upgrade
from tests.support import services
from tests.support.webhooks import Receiver, receiving


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """A migrated PostgreSQL database that each test copies (fast) instead of migrating."""
    services.require_postgres()
    with services.postgres_database() as name:
        upgrade(services.database_url(name))
        yield name


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str | None]:
    """Every test that uses the API parts runs on SQLite and again on PostgreSQL."""
    if request.param == "sqlite":
        yield None
        return
    template = request.getfixturevalue("postgres_template")
    with services.postgres_database(template=template) as name:
        yield services.database_url(name)


@pytest.fixture
def settings(tmp_path: Path, database_url: str | None) -> Settings:
    """Settings on a fresh data folder and a fresh database."""
    # Rate limits are tested on their own (tests/api/test_quotas.py); elsewhere they would only
    # turn the suites' bursts of requests into 429s.
    return Settings(
        data_dir=tmp_path / "data",
        workers=2,
        database_url=database_url,
        rate_limit=RateLimitSettings(enabled=False),
    )


@pytest.fixture
def parts(settings: Settings) -> Iterator[ApiParts]:
    """The wired API parts on a migrated database; workers not started."""
    upgrade(settings.sqlalchemy_url)
    built = build_api(settings, default_base_url="http://testserver")
    yield built
    built.adapters.database.dispose()


@pytest.fixture
def client(settings: Settings, parts: ApiParts) -> Iterator[TestClient]:
    """An in-process client of the app, with the worker pool running."""
    with TestClient(create_app(settings, parts=parts)) as test_client:
        yield test_client


@pytest.fixture
def api_key(parts: ApiParts) -> str:
    """A live key of tenant A."""
    return parts.services.keys.create_tenant(name="tenant-a").key


@pytest.fixture
def other_key(parts: ApiParts) -> str:
    """A live key of tenant B."""
    return parts.services.keys.create_tenant(name="tenant-b").key


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback for the test."""
    with receiving() as listening:
        yield listening


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None]:
    """Turn skips into failures where services are required."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and os.environ.get("LOOKSMITH_REQUIRE_SERVICES") == "1":
        report.outcome = "failed"
        report.longrepr = f"skipped, but LOOKSMITH_REQUIRE_SERVICES=1: {report.longrepr}"
