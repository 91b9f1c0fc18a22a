"""Alembic environment: runs against the connection or URL handed in by ``db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from looksmith.db.engine import build_engine
from looksmith.db.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate the database named in the Alembic config."""
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = build_engine(url)
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


run_migrations_online()
