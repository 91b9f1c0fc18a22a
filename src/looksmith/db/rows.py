"""Explicit mappers between table rows and domain objects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from looksmith.domain.models import ApiKeyRecord, Generation, GenerationStatus, StoredImage, Tenant
from looksmith.domain.specs import Age, Ethnicity, Gender, Orientation, PhotoSpec, Pose, Style


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
    )


def image_values(image: StoredImage) -> dict[str, Any]:
    """Column values for an image row."""
    return {
        "id": image.id,
        "tenant_id": image.tenant_id,
        "generation_id": image.generation_id,
        "content_type": image.content_type,
        "size": image.size,
        "etag": image.etag,
        "created_at": image.created_at,
    }


def image_from_row(row: RowMapping) -> StoredImage:
    """The domain image of a row."""
    return StoredImage(
        id=row["id"],
        tenant_id=row["tenant_id"],
        generation_id=row["generation_id"],
        content_type=row["content_type"],
        size=row["size"],
        etag=row["etag"],
        created_at=row["created_at"],
    )


def tenant_from_row(row: RowMapping) -> Tenant:
    """The domain tenant of a row."""
    return Tenant(id=row["id"], name=row["name"], created_at=row["created_at"])


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
