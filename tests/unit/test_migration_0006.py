"""Migration 0006 (a tenant's error format): the schema matches tables.py, and a downgrade keeps
every tenant and key while forgetting their choices."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from looksmith.composition.api import ApiParts
from looksmith.db.migrate import alembic_config, upgrade
from looksmith.db.tables import metadata
from looksmith.domain.models import ErrorFormat


def test_a_downgrade_to_0005_keeps_tenants_and_an_upgrade_restores_the_column(
    parts: ApiParts,
):
    chosen = parts.services.keys.create_tenant(name="objects", error_format=ErrorFormat.OBJECT)
    plain = parts.services.keys.create_tenant(name="plain")
    listed = {tenant.name: tenant.error_format for _, tenant in parts.services.keys.list_keys()}
    assert listed == {"objects": ErrorFormat.OBJECT, "plain": None}
    url = parts.adapters.settings.sqlalchemy_url
    parts.adapters.database.dispose()

    command.downgrade(alembic_config(url), "0005")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0005"
            columns = {column["name"] for column in inspect(conn).get_columns("tenants")}
            assert "error_format" not in columns
            names = set(conn.execute(text("SELECT name FROM tenants")).scalars())
            assert names == {"objects", "plain"}
            assert conn.execute(text("SELECT count(*) FROM api_keys")).scalar() == 2
    finally:
        engine.dispose()

    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            formats = set(conn.execute(text("SELECT error_format FROM tenants")).scalars())
            assert formats == {None}  # the choices went with the column
    finally:
        engine.dispose()
    assert parts.services.keys.authenticate(key=chosen.key) == chosen.tenant.id
    assert parts.services.keys.authenticate(key=plain.key) == plain.tenant.id
