"""SQL implementations of the repository ports, on SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, RowMapping, bindparam, insert, select, update

from looksmith.db import rows
from looksmith.db.jobs import new_job
from looksmith.db.tables import api_keys, generations, jobs, looks, tenants
from looksmith.db.tables import images as images_table
from looksmith.domain.models import (
    ApiKeyRecord,
    ErrorFormat,
    Generation,
    GenerationStatus,
    JobKind,
    Look,
    StoredImage,
    Tenant,
)

# The hot lookups are built once: constructing a statement costs more than running it on SQLite.
_KEYS_WITH_TENANTS = select(
    api_keys,
    tenants.c.name,
    tenants.c.created_at.label("tenant_created_at"),
    tenants.c.error_format,
).join(tenants, tenants.c.id == api_keys.c.tenant_id)
_KEY_BY_HASH = _KEYS_WITH_TENANTS.where(api_keys.c.key_hash == bindparam("key_hash"))
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
                insert(tenants).values(
                    id=tenant.id,
                    name=tenant.name,
                    created_at=tenant.created_at,
                    error_format=tenant.error_format,
                )
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

    def find_key(self, key_hash: str) -> tuple[ApiKeyRecord, Tenant] | None:
        """The key row with this hash, joined with its tenant, in one query."""
        with self._engine.connect() as conn:
            row = conn.execute(_KEY_BY_HASH, {"key_hash": key_hash}).mappings().first()
        return (rows.key_from_row(row), _key_tenant(row)) if row else None

    def list_keys(self) -> Sequence[tuple[ApiKeyRecord, Tenant]]:
        """Every key joined with its tenant, oldest first."""
        query = _KEYS_WITH_TENANTS.order_by(api_keys.c.created_at)
        with self._engine.connect() as conn:
            found = conn.execute(query).mappings().all()
        return [(rows.key_from_row(row), _key_tenant(row)) for row in found]

    def tenants_with_key_prefix(self, prefix: str) -> Sequence[Tenant]:
        """The tenants owning a key (live or revoked) that starts with ``prefix``."""
        query = (
            select(tenants)
            .where(
                tenants.c.id.in_(
                    select(api_keys.c.tenant_id).where(
                        api_keys.c.prefix.startswith(prefix, autoescape=True)
                    )
                )
            )
            .order_by(tenants.c.created_at)
        )
        with self._engine.connect() as conn:
            return [rows.tenant_from_row(row) for row in conn.execute(query).mappings()]

    def set_error_format(self, tenant_id: str, error_format: ErrorFormat | None) -> None:
        """Store the tenant's error format; None follows the server's setting."""
        query = update(tenants).where(tenants.c.id == tenant_id).values(error_format=error_format)
        with self._engine.begin() as conn:
            conn.execute(query)

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


def _key_tenant(row: RowMapping) -> Tenant:
    """The tenant columns of a key row joined with its tenant."""
    error_format = row["error_format"]
    return Tenant(
        id=row["tenant_id"],
        name=row["name"],
        created_at=row["tenant_created_at"],
        error_format=ErrorFormat(error_format) if error_format else None,
    )


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
