"""Explicit mappers between table rows and domain objects."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping

from looksmith.db.motion_rows import motion_from_row, motion_values
from looksmith.domain.models import (
    ApiKeyRecord,
    AvatarGroup,
    BusinessType,
    ErrorFormat,
    Generation,
    GenerationKind,
    GenerationStatus,
    ImageSource,
    Look,
    LookStatus,
    StoredImage,
    Tenant,
    TrainStatus,
)
from looksmith.domain.specs import (
    Age,
    Ethnicity,
    FaceBox,
    Gender,
    Orientation,
    PhotoSpec,
    Pose,
    Style,
)


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


def face_values(face: FaceBox | None) -> dict[str, int | None]:
    """The four face columns of a box, all None without one."""
    if face is None:
        return {"face_x": None, "face_y": None, "face_w": None, "face_h": None}
    return {"face_x": face.x, "face_y": face.y, "face_w": face.width, "face_h": face.height}


def face_from_row(row: RowMapping) -> FaceBox | None:
    """The face box stored in a row, if any."""
    if row["face_x"] is None:
        return None
    return FaceBox(x=row["face_x"], y=row["face_y"], width=row["face_w"], height=row["face_h"])


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
        "source": image.source.value,
        "width": image.width,
        "height": image.height,
        **face_values(image.face),
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
        source=ImageSource(row["source"]),
        width=row["width"],
        height=row["height"],
        face=face_from_row(row),
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


def look_values(look: Look) -> dict[str, Any]:
    """Column values for a look row."""
    return {
        "id": look.id,
        "tenant_id": look.tenant_id,
        "group_id": look.group_id,
        "name": look.name,
        "status": look.status.value,
        "message": look.message,
        "business_type": look.business_type.value,
        **face_values(look.face),
        "created_at": look.created_at,
        "updated_at": look.updated_at,
        **motion_values(look.motion),
    }


def look_from_row(row: RowMapping) -> Look:
    """The domain look of a row."""
    return Look(
        id=row["id"],
        tenant_id=row["tenant_id"],
        group_id=row["group_id"],
        name=row["name"],
        status=LookStatus(row["status"]),
        message=row["message"],
        business_type=BusinessType(row["business_type"]),
        face=face_from_row(row),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        motion=motion_from_row(row),
    )


def group_values(group: AvatarGroup) -> dict[str, Any]:
    """Column values for a group row."""
    return {
        "id": group.id,
        "tenant_id": group.tenant_id,
        "name": group.name,
        "created_at": group.created_at,
        "train_status": group.train_status.value if group.train_status else None,
        "train_error": group.train_error,
        "train_created_at": group.train_created_at,
        "train_updated_at": group.train_updated_at,
        "flow_id": group.flow_id,
        "identity_key": group.identity_key,
    }


def group_from_row(row: RowMapping) -> AvatarGroup:
    """The domain group of a row."""
    status = row["train_status"]
    return AvatarGroup(
        id=row["id"],
        tenant_id=row["tenant_id"],
        name=row["name"],
        created_at=row["created_at"],
        train_status=TrainStatus(status) if status else None,
        train_error=row["train_error"],
        train_created_at=row["train_created_at"],
        train_updated_at=row["train_updated_at"],
        flow_id=row["flow_id"],
        identity_key=row["identity_key"],
    )
