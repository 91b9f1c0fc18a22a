"""SQL implementations of the repository ports, on SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, bindparam, insert, select, update

from looksmith.db import rows
from looksmith.db.jobs import new_job
from looksmith.db.tables import api_keys, generations, jobs, looks, tenants
from looksmith.db.tables import images as images_table
from looksmith.domain.models import (
    ApiKeyRecord,
    Generation,
    GenerationStatus,
    JobKind,
    Look,
    StoredImage,
    Tenant,
)

_UNFINISHED = (GenerationStatus.QUEUED.value, GenerationStatus.RENDERING.value)

# The hot lookups are built once: constructing a statement costs more than running it on SQLite.
_KEY_BY_HASH = select(api_keys).where(api_keys.c.key_hash == bindparam("key_hash"))
_GENERATION = select(generations).where(generations.c.id == bindparam("id"))
_TENANT_GENERATION = _GENERATION.where(generations.c.tenant_id == bindparam("tenant_id"))


class SqlTenantRepository:
    """Tenants and API keys in SQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_tenant_with_key(self, tenant: Tenant, key: ApiKeyRecord) -> None:
        """Insert both rows in one transaction."""
        with self._engine.begin() as conn:
            conn.execute(
                insert(tenants).values(id=tenant.id, name=tenant.name, created_at=tenant.created_at)
            )
            conn.execute(
                insert(api_keys).values(
                    id=key.id,
                    tenant_id=key.tenant_id,
                    prefix=key.prefix,
                    key_hash=key.key_hash,
                    created_at=key.created_at,
                    revoked_at=key.revoked_at,
                )
            )

    def find_key(self, key_hash: str) -> ApiKeyRecord | None:
        """The key row with this hash."""
        with self._engine.connect() as conn:
            row = conn.execute(_KEY_BY_HASH, {"key_hash": key_hash}).first()
        return rows.key_from_row(row._mapping) if row else None

    def list_keys(self) -> Sequence[tuple[ApiKeyRecord, Tenant]]:
        """Every key joined with its tenant, oldest first."""
        query = (
            select(api_keys, tenants.c.name, tenants.c.created_at.label("tenant_created_at"))
            .join(tenants, tenants.c.id == api_keys.c.tenant_id)
            .order_by(api_keys.c.created_at)
        )
        with self._engine.connect() as conn:
            found = conn.execute(query).mappings().all()
        return [
            (
                rows.key_from_row(row),
                Tenant(id=row["tenant_id"], name=row["name"], created_at=row["tenant_created_at"]),
            )
            for row in found
        ]

    def revoke_keys(self, prefix: str, at: float) -> int:
        """Set ``revoked_at`` on live keys whose prefix starts with ``prefix``."""
        query = (
            update(api_keys)
            .where(api_keys.c.prefix.startswith(prefix, autoescape=True))
            .where(api_keys.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount


class SqlGenerationRepository:
    """Generations, their images and their render jobs in SQL."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, generation: Generation) -> None:
        """Insert the generation and its render job in one commit."""
        with self._engine.begin() as conn:
            conn.execute(insert(generations).values(**rows.generation_values(generation)))
            job = new_job(
                JobKind.RENDER_GENERATION,
                generation.id,
                generation.created_at,
                generation.tenant_id,
            )
            conn.execute(insert(jobs).values(**job))

    def get(self, generation_id: str, *, tenant_id: str | None = None) -> Generation | None:
        """One primary-key lookup, narrowed to the tenant when given."""
        with self._engine.connect() as conn:
            if tenant_id is None:
                row = conn.execute(_GENERATION, {"id": generation_id}).first()
            else:
                params = {"id": generation_id, "tenant_id": tenant_id}
                row = conn.execute(_TENANT_GENERATION, params).first()
        return rows.generation_from_row(row._mapping) if row else None

    def set_status(
        self,
        generation_id: str,
        *,
        expected: GenerationStatus,
        status: GenerationStatus,
        message: str | None,
        at: float,
    ) -> bool:
        """Compare-and-set the status."""
        expected.become(status)
        query = (
            update(generations)
            .where(generations.c.id == generation_id, generations.c.status == expected.value)
            .values(status=status.value, message=message, updated_at=at)
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    def complete(
        self,
        generation_id: str,
        *,
        images: Sequence[StoredImage],
        at: float,
        new_looks: Sequence[Look] = (),
    ) -> bool:
        """Mark success, insert the image rows and any looks they became, in one commit."""
        query = (
            update(generations)
            .where(
                generations.c.id == generation_id,
                generations.c.status == GenerationStatus.RENDERING.value,
            )
            .values(
                status=GenerationStatus.SUCCESS.value,
                message=None,
                image_ids=" ".join(image.id for image in images),
                updated_at=at,
            )
        )
        with self._engine.begin() as conn:
            if conn.execute(query).rowcount != 1:
                return False
            conn.execute(insert(images_table), [rows.image_values(image) for image in images])
            if new_looks:
                conn.execute(insert(looks), [rows.look_values(look) for look in new_looks])
        return True

    def unfinished_ids(self) -> Sequence[str]:
        """Ids of generations still queued or rendering, oldest first."""
        query = (
            select(generations.c.id)
            .where(generations.c.status.in_(_UNFINISHED))
            .order_by(generations.c.created_at)
        )
        with self._engine.connect() as conn:
            return list(conn.execute(query).scalars())
