"""Image metadata in SQL."""

from __future__ import annotations

from sqlalchemy import Engine, bindparam, insert, select

from looksmith.db import rows
from looksmith.db.tables import images
from looksmith.domain.models import StoredImage

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
