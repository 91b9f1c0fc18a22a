"""The machine's PostgreSQL and Redis, for tests that need them; private databases per test.

Tests skip when a service is missing (a laptop); ``.ci/run`` sets LOOKSMITH_REQUIRE_SERVICES=1,
which turns those skips into failures (see tests/conftest.py).
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_ADMIN = os.environ.get(
    "LOOKSMITH_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("LOOKSMITH_TEST_REDIS", "redis://127.0.0.1:6379")


def _admin():  # type: ignore[no-untyped-def]
    import psycopg

    return psycopg.connect(POSTGRES_ADMIN, autocommit=True, connect_timeout=3)


def require_postgres() -> None:
    """Skip the test unless the machine's PostgreSQL answers."""
    try:
        with _admin() as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_ADMIN}: {exc}")


def require_redis() -> None:
    """Skip the test unless the machine's Redis answers."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:
        pytest.skip(f"Redis not reachable at {REDIS_URL}: {exc}")


def database_url(name: str) -> str:
    """The SQLAlchemy URL of database ``name`` on the test server."""
    base = POSTGRES_ADMIN.rsplit("/", 1)[0]
    return f"{base}/{name}"


@contextlib.contextmanager
def postgres_database(template: str | None = None) -> Iterator[str]:
    """A fresh database (copied from ``template`` if given), dropped afterwards."""
    name = f"looksmith_test_{uuid.uuid4().hex[:12]}"
    copy = f" TEMPLATE {template}" if template else ""
    with _admin() as conn:
        conn.execute(f"CREATE DATABASE {name}{copy}")
    try:
        yield name
    finally:
        with _admin() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )
            conn.execute(f"DROP DATABASE IF EXISTS {name}")
