"""Image metadata in SQL."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, and_, bindparam, delete, func, insert, or_, select

from looksmith.db import rows
from looksmith.db.paging import counted_page
from looksmith.db.tables import images
from looksmith.domain.media import AssetType, UploadCursor
from looksmith.domain.models import ImageSource, StoredImage

_IMAGE = select(images).where(images.c.id == bindparam("id"))


class SqlImageRepository:
    """Rows describing stored image blobs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def get_image(self, image_id: str) -> StoredImage | None:
        """The image row with this id."""
        with self._engine.connect() as conn:
            row = conn.execute(_IMAGE, {"id": image_id}).first()
        return rows.image_from_row(row._mapping) if row else None

    def add_image(self, image: StoredImage) -> None:
        """Insert one image row."""
        with self._engine.begin() as conn:
            conn.execute(insert(images).values(**rows.image_values(image)))

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
        return total, [rows.image_from_row(row) for row in found]
