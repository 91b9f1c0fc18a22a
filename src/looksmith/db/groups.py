"""Avatar groups and their looks in SQL; face checks and trainings are queued atomically."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from looksmith.db import rows
from looksmith.db.jobs import new_job
from looksmith.db.paging import counted_page
from looksmith.db.tables import avatar_groups, generations, images, jobs, looks
from looksmith.domain.models import (
    AvatarGroup,
    GroupSummary,
    ImageSource,
    JobKind,
    Look,
    LookStatus,
    StoredImage,
    TrainStatus,
)
from looksmith.domain.specs import FaceBox

_GROUP = select(avatar_groups).where(avatar_groups.c.id == bindparam("id"))
_LOOK = select(looks).where(looks.c.id == bindparam("id"))


class SqlGroupRepository:
    """Groups, looks, their images and the jobs that check and train them."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add_group(self, group: AvatarGroup, look: Look, image: StoredImage) -> None:
        """Insert a group with its first look, that look's image and its face-check job."""
        with self._engine.begin() as conn:
            conn.execute(insert(avatar_groups).values(**rows.group_values(group)))
            self._insert_looks(conn, [(look, image)])

    def add_looks(self, pairs: Sequence[tuple[Look, StoredImage]]) -> None:
        """Insert looks with their images and face-check jobs, in one commit."""
        with self._engine.begin() as conn:
            self._insert_looks(conn, pairs)

    def get_group(self, group_id: str, *, tenant_id: str | None = None) -> AvatarGroup | None:
        """The group, or None if unknown or (with ``tenant_id``) someone else's."""
        with self._engine.connect() as conn:
            row = conn.execute(_GROUP, {"id": group_id}).first()
        group = rows.group_from_row(row._mapping) if row else None
        return group if group and tenant_id in (None, group.tenant_id) else None

    def get_look(self, look_id: str, *, tenant_id: str | None = None) -> Look | None:
        """The look, or None if unknown or (with ``tenant_id``) someone else's."""
        with self._engine.connect() as conn:
            row = conn.execute(_LOOK, {"id": look_id}).first()
        look = rows.look_from_row(row._mapping) if row else None
        return look if look and tenant_id in (None, look.tenant_id) else None

    def finish_look_check(
        self,
        look_id: str,
        *,
        status: LookStatus,
        message: str | None,
        face: FaceBox | None,
        at: float,
    ) -> bool:
        """Record the face check of a pending look."""
        query = (
            update(looks)
            .where(looks.c.id == look_id, looks.c.status == LookStatus.PENDING.value)
            .values(status=status.value, message=message, updated_at=at, **rows.face_values(face))
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    def start_training(self, group_id: str, *, tenant_id: str, flow_id: str, at: float) -> bool:
        """Mark training pending and queue it, unless a training is already pending."""
        query = (
            update(avatar_groups)
            .where(
                avatar_groups.c.id == group_id,
                or_(
                    avatar_groups.c.train_status.is_(None),
                    avatar_groups.c.train_status != TrainStatus.PENDING.value,
                ),
            )
            .values(
                train_status=TrainStatus.PENDING.value,
                train_error=None,
                train_created_at=at,
                train_updated_at=None,
                flow_id=flow_id,
            )
        )
        with self._engine.begin() as conn:
            if conn.execute(query).rowcount != 1:
                return False
            job = new_job(JobKind.TRAIN_GROUP, group_id, at, tenant_id)
            conn.execute(insert(jobs).values(**job))
        return True

    def finish_training(
        self,
        group_id: str,
        *,
        flow_id: str,
        status: TrainStatus,
        error: str | None,
        identity_key: str | None,
        at: float,
    ) -> bool:
        """Close the pending training ``flow_id``; a newer training is left alone."""
        values: dict[str, object] = {
            "train_status": status.value,
            "train_error": error,
            "train_updated_at": at,
        }
        if identity_key is not None:
            values["identity_key"] = identity_key
        query = (
            update(avatar_groups)
            .where(
                avatar_groups.c.id == group_id,
                avatar_groups.c.flow_id == flow_id,
                avatar_groups.c.train_status == TrainStatus.PENDING.value,
            )
            .values(**values)
        )
        with self._engine.begin() as conn:
            return conn.execute(query).rowcount == 1

    def training_looks(self, group_id: str) -> Sequence[Look]:
        """Completed photo looks (not motion looks) of the group whose face is known, oldest
        first."""
        query = (
            select(looks)
            .where(
                looks.c.group_id == group_id,
                looks.c.status == LookStatus.COMPLETED.value,
                looks.c.face_x.is_not(None),
                looks.c.is_motion.is_(False),  # a motion look's still is a copy, not a new photo
            )
            .order_by(looks.c.created_at, looks.c.id)
        )
        with self._engine.connect() as conn:
            return [rows.look_from_row(row) for row in conn.execute(query).mappings()]

    def list_groups(
        self, tenant_id: str, *, offset: int, limit: int | None
    ) -> tuple[int, Sequence[GroupSummary]]:
        """One page of the tenant's groups (all of them without ``limit``), newest first, with
        look counts and a preview: the oldest look that has its picture, else the picture the
        group was created from (image ``group.id``, kept until the group is deleted)."""
        look_count = (
            select(func.count()).where(looks.c.group_id == avatar_groups.c.id).scalar_subquery()
        )
        # A photo look has its picture from the start, even while its face check runs; a motion
        # look has its still only once completed.
        oldest_pictured = (
            select(looks.c.id)
            .where(
                looks.c.group_id == avatar_groups.c.id,
                or_(
                    looks.c.is_motion.is_(False),
                    looks.c.status == LookStatus.COMPLETED.value,
                ),
            )
            .order_by(looks.c.created_at, looks.c.id)
            .limit(1)
            .scalar_subquery()
        )
        preview = func.coalesce(oldest_pictured, avatar_groups.c.id)
        owned = avatar_groups.c.tenant_id == tenant_id
        page = (
            select(avatar_groups, look_count.label("num_looks"), preview.label("preview_id"))
            .where(owned)
            .order_by(avatar_groups.c.created_at.desc(), avatar_groups.c.id)
            .offset(offset)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            total, found = counted_page(
                conn,
                select(func.count()).where(owned),
                page,
                lambda listed: [listed.c.created_at.desc(), listed.c.id],
            )
        return total, [
            GroupSummary(rows.group_from_row(row), row["num_looks"], row["preview_id"])
            for row in found
        ]

    def list_looks(
        self, group_id: str, *, offset: int, limit: int | None
    ) -> tuple[int, Sequence[Look]]:
        """One page of a group's looks (all of them without ``limit``), oldest first."""
        in_group = looks.c.group_id == group_id
        page = (
            select(looks)
            .where(in_group)
            .order_by(looks.c.created_at, looks.c.id)
            .offset(offset)
            .limit(limit)
        )
        with self._engine.connect() as conn:
            total, found = counted_page(
                conn,
                select(func.count()).where(in_group),
                page,
                lambda listed: [listed.c.created_at, listed.c.id],
            )
        return total, [rows.look_from_row(row) for row in found]

    def delete_look(self, look_id: str, *, tenant_id: str) -> list[str] | None:
        """Delete the tenant's look; the image ids freed with it, or None if it did not exist.

        A generated look shares its picture with its generation, which still lists it: that
        image stays. A look made from an upload owns a copy, which goes, except the group's
        first look's (id equal to the group's): that is the picture the group was created from,
        its preview once no look has a picture, and goes with the group.
        """
        mine = (looks.c.id == look_id) & (looks.c.tenant_id == tenant_id)
        with self._engine.begin() as conn:
            group_id = conn.execute(select(looks.c.group_id).where(mine)).scalar()
            if group_id is None or not conn.execute(delete(looks).where(mine)).rowcount:
                return None
            conn.execute(
                update(looks)
                .where(looks.c.upscaled_look_id == look_id)
                .values(upscaled_look_id=None)
            )
            if look_id == group_id:
                return []  # the picture the group was created from: its preview until it goes
            owned = images.c.source == ImageSource.LOOK.value
            freed = conn.execute(delete(images).where(images.c.id == look_id, owned)).rowcount
        return [look_id] if freed else []

    def delete_group(self, group_id: str, *, tenant_id: str) -> list[str] | None:
        """Delete the group, its looks and its look generations; return the freed image ids."""
        owned = (avatar_groups.c.id == group_id) & (avatar_groups.c.tenant_id == tenant_id)
        with self._engine.begin() as conn:
            if conn.execute(select(avatar_groups.c.id).where(owned)).first() is None:
                return None
            look_ids = list(
                conn.execute(select(looks.c.id).where(looks.c.group_id == group_id)).scalars()
            )
            generation_ids = list(
                conn.execute(
                    select(generations.c.id).where(generations.c.group_id == group_id)
                ).scalars()
            )
            image_ids = set(look_ids) | set(
                conn.execute(
                    select(images.c.id).where(
                        or_(
                            images.c.generation_id.in_(generation_ids),
                            images.c.id == group_id,  # kept after its first look was deleted
                        )
                    )
                ).scalars()
            )
            conn.execute(delete(looks).where(looks.c.group_id == group_id))
            conn.execute(delete(images).where(images.c.id.in_(image_ids)))
            conn.execute(
                delete(jobs).where(jobs.c.target_id.in_([group_id, *generation_ids, *look_ids]))
            )
            conn.execute(delete(generations).where(generations.c.id.in_(generation_ids)))
            conn.execute(delete(avatar_groups).where(avatar_groups.c.id == group_id))
        return sorted(image_ids)

    def _insert_looks(self, conn: Connection, pairs: Sequence[tuple[Look, StoredImage]]) -> None:
        conn.execute(insert(images), [rows.image_values(image) for _, image in pairs])
        conn.execute(insert(looks), [rows.look_values(look) for look, _ in pairs])
        conn.execute(
            insert(jobs),
            [
                new_job(JobKind.CHECK_LOOK, look.id, look.created_at, look.tenant_id)
                for look, _ in pairs
            ],
        )
