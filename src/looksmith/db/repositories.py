"""Tenants, keys and generations in SQL, on SQLAlchemy Core, with the mappers of their rows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, RowMapping, bindparam, insert, select, update

from looksmith.db.groups import look_values
from looksmith.db.images import image_values
from looksmith.db.jobs import new_job
from looksmith.db.tables import api_keys, generations, jobs, looks, tenants
from looksmith.db.tables import images as images_table
from looksmith.domain.models import (
    ApiKeyRecord,
    ErrorFormat,
    Generation,
    GenerationKind,
    GenerationStatus,
    JobKind,
    Look,
    StoredImage,
    Tenant,
)
from looksmith.domain.specs import (
    Age,
    Ethnicity,
    Gender,
    Orientation,
    PhotoSpec,
    Pose,
    Style,
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
        return (key_from_row(row), key_tenant_from_row(row)) if row else None

    def list_keys(self) -> Sequence[tuple[ApiKeyRecord, Tenant]]:
        """Every key joined with its tenant, oldest first."""
        query = _KEYS_WITH_TENANTS.order_by(api_keys.c.created_at)
        with self._engine.connect() as conn:
            found = conn.execute(query).mappings().all()
        return [(key_from_row(row), key_tenant_from_row(row)) for row in found]

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
            return [tenant_from_row(row) for row in conn.execute(query).mappings()]

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


def key_tenant_from_row(row: RowMapping) -> Tenant:
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
            conn.execute(insert(generations).values(**generation_values(generation)))
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
        return generation_from_row(row._mapping) if row else None

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
            conn.execute(insert(images_table), [image_values(image) for image in images])
            if new_looks:
                conn.execute(insert(looks), [look_values(look) for look in new_looks])
        return True


def generation_values(generation: Generation) -> dict[str, Any]:
    """Column values for a new generation row."""
    spec = generation.spec
    return {
        "id": generation.id,
        "tenant_id": generation.tenant_id,
        "name": generation.name,
        "age": spec.age.value,
        "gender": spec.gender.value,
        "ethnicity": spec.ethnicity.value,
        "orientation": spec.orientation.value,
        "pose": spec.pose.value,
        "style": spec.style.value,
        "appearance": spec.appearance,
        "seed": generation.seed,
        "status": generation.status.value,
        "message": generation.message,
        "image_ids": " ".join(generation.image_ids),
        "callback_url": generation.callback_url,
        "callback_id": generation.callback_id,
        "created_at": generation.created_at,
        "updated_at": generation.updated_at,
        "kind": generation.kind.value,
        "group_id": generation.group_id,
    }


def generation_from_row(row: RowMapping) -> Generation:
    """The domain generation of a row."""
    spec = PhotoSpec(
        age=Age(row["age"]),
        gender=Gender(row["gender"]),
        ethnicity=Ethnicity(row["ethnicity"]),
        orientation=Orientation(row["orientation"]),
        pose=Pose(row["pose"]),
        style=Style(row["style"]),
        appearance=row["appearance"],
    )
    return Generation(
        id=row["id"],
        tenant_id=row["tenant_id"],
        name=row["name"],
        spec=spec,
        seed=row["seed"],
        status=GenerationStatus(row["status"]),
        message=row["message"],
        image_ids=tuple(row["image_ids"].split()),
        callback_url=row["callback_url"],
        callback_id=row["callback_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        kind=GenerationKind(row["kind"]),
        group_id=row["group_id"],
    )


def tenant_from_row(row: RowMapping) -> Tenant:
    """The domain tenant of a row."""
    return Tenant(
        id=row["id"],
        name=row["name"],
        created_at=row["created_at"],
        error_format=ErrorFormat(row["error_format"]) if row["error_format"] else None,
    )


def key_from_row(row: RowMapping) -> ApiKeyRecord:
    """The domain key record of a row."""
    return ApiKeyRecord(
        id=row["id"],
        tenant_id=row["tenant_id"],
        prefix=row["prefix"],
        key_hash=row["key_hash"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
