"""Image metadata in SQL, with its row mappers (the face columns, which looks share, too)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, RowMapping, and_, bindparam, delete, func, insert, or_, select

from looksmith.db.paging import counted_page
from looksmith.db.tables import images
from looksmith.domain.media import AssetType, UploadCursor
from looksmith.domain.models import ImageSource, StoredImage
from looksmith.domain.specs import FaceBox

_IMAGE = select(images).where(images.c.id == bindparam("id"))


class SqlImageRepository:
    """Rows describing stored image blobs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_image(self, image_id: str) -> StoredImage | None:
        """The image row with this id."""
        with self._engine.connect() as conn:
            row = conn.execute(_IMAGE, {"id": image_id}).first()
        return image_from_row(row._mapping) if row else None

    def add_image(self, image: StoredImage) -> None:
        """Insert one image row."""
        with self._engine.begin() as conn:
            conn.execute(insert(images).values(**image_values(image)))

    def delete_upload(self, image_id: str, *, tenant_id: str) -> bool:
        """Delete the tenant's upload row; whether there was one."""
        mine = (images.c.id == image_id) & (images.c.tenant_id == tenant_id)
        upload = images.c.source == ImageSource.UPLOAD.value
        with self._engine.begin() as conn:
            return bool(conn.execute(delete(images).where(mine, upload)).rowcount)

    def list_uploads(
        self,
        tenant_id: str,
        *,
        asset_type: AssetType | None,
        after: UploadCursor | None,
        limit: int,
    ) -> tuple[int, Sequence[StoredImage]]:
        """The tenant's upload count and a page of its uploads, newest first, in one query."""
        owned = [images.c.tenant_id == tenant_id, images.c.source == ImageSource.UPLOAD.value]
        if asset_type is not None:
            owned.append(images.c.content_type.startswith(f"{asset_type.value}/", autoescape=True))
        page = select(images).where(*owned)
        if after is not None:
            page = page.where(
                or_(
                    images.c.created_at < after.created_at,
                    and_(images.c.created_at == after.created_at, images.c.id < after.id),
                )
            )
        page = page.order_by(images.c.created_at.desc(), images.c.id.desc()).limit(limit)
        with self._engine.connect() as conn:
            total, found = counted_page(
                conn,
                select(func.count()).select_from(images).where(*owned),
                page,
                lambda listed: [listed.c.created_at.desc(), listed.c.id.desc()],
            )
        return total, [image_from_row(row) for row in found]


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
