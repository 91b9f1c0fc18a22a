"""Migration 0005 (motion looks): the schema matches tables.py, and a downgrade leaves a database
the 0004 code can run on."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, func, select, text

from looksmith.composition.api import ApiParts
from looksmith.db.migrate import alembic_config, upgrade
from looksmith.db.tables import images, jobs, looks, metadata
from looksmith.domain.models import JobKind, LookStatus, image_key
from tests.support.photos import astronaut_jpeg


def _motion_rows(parts: ApiParts) -> tuple[str, str]:
    """A completed plain look and a pending motion look of it, with its queued job."""
    tenant_id = parts.services.keys.authenticate(
        key=parts.services.keys.create_tenant(name="t").key
    )
    image = parts.services.assets.upload(
        tenant_id=tenant_id, data=astronaut_jpeg(), content_type="image/jpeg"
    )
    look = parts.services.groups.create_group(
        tenant_id=tenant_id, name="Eileen", key=image_key(image.id), generation_id=None
    )
    parts.services.groups.run(look.id)
    completed = parts.services.groups.look(tenant_id=tenant_id, look_id=look.id)
    assert completed.status is LookStatus.COMPLETED
    done = parts.services.motion.add_motion(
        tenant_id=tenant_id, look_id=look.id, prompt=None, motion_type=None
    )
    parts.services.motion.run(done.id)  # a completed motion look, with its still's image row
    pending = parts.services.motion.add_motion(
        tenant_id=tenant_id, look_id=look.id, prompt=None, motion_type=None
    )
    assert pending.motion is not None
    return look.id, done.id


def test_the_migrated_schema_matches_the_tables(parts: ApiParts):
    with parts.adapters.database.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_a_downgrade_to_0004_forgets_motion_looks_and_their_jobs(parts: ApiParts):
    plain_id, motion_id = _motion_rows(parts)
    url = parts.adapters.settings.sqlalchemy_url
    with parts.adapters.database.connect() as conn:
        kinds = set(conn.execute(select(jobs.c.kind)).scalars())
        assert JobKind.ADD_MOTION.value in kinds
        assert conn.execute(select(images.c.id).where(images.c.id == motion_id)).first()
    parts.adapters.database.dispose()

    command.downgrade(alembic_config(url), "0004")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
            left = set(conn.execute(text("SELECT kind FROM jobs")).scalars())
            assert left and left.isdisjoint({"add_motion", "add_sound_effect", "upscale_look"})
            assert set(conn.execute(text("SELECT id FROM looks")).scalars()) == {plain_id}
            image_ids = set(conn.execute(text("SELECT id FROM images")).scalars())
            assert motion_id not in image_ids and plain_id in image_ids
    finally:
        engine.dispose()

    upgrade(url)
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            count = conn.execute(select(func.count()).select_from(looks)).scalar()
            assert count == 1
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    finally:
        engine.dispose()
