"""Builds the SQLAlchemy engine, with SQLite tuned for durable concurrent use."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, make_url


def build_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL, full fsync on commit and a busy timeout."""
    if not url.startswith("sqlite"):
        return create_engine(
            normalize_url(url),
            # No ping before every checkout: it costs a round trip per query (about 30% of the
            # status route's throughput). After a database restart the first failure answers 503
            # and invalidates the whole pool, so later requests reconnect.
            pool_pre_ping=False,
            pool_size=10,
            max_overflow=20,
            pool_timeout=10,
            pool_recycle=1800,
        )
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    event.listen(engine, "connect", _tune_sqlite)
    return engine


def normalize_url(url: str) -> str:
    """PostgreSQL URLs use psycopg 3, whatever spelling the operator chose."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit is on disk before the API answers, even across a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()
