"""Avatar groups and their looks in SQL; face checks and trainings are queued atomically.

The row mappers of both tables live here too, the motion columns of a look included.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    RowMapping,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from looksmith.db.images import face_from_row, face_values, image_values
from looksmith.db.jobs import new_job
from looksmith.db.paging import counted_page
from looksmith.db.tables import avatar_groups, generations, images, jobs, looks
from looksmith.domain.models import (
    AvatarGroup,
    BusinessType,
    GroupSummary,
    ImageSource,
    JobKind,
    Look,
    LookStatus,
    StoredImage,
    TrainStatus,
)
from looksmith.domain.motion import LookMotion, MotionType, SoundEffect, SoundStatus
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
            conn.execute(insert(avatar_groups).values(**group_values(group)))
            self._insert_looks(conn, [(look, image)])

    def add_looks(self, pairs: Sequence[tuple[Look, StoredImage]]) -> None:
        """Insert looks with their images and face-check jobs, in one commit."""
        with self._engine.begin() as conn:
            self._insert_looks(conn, pairs)

    def get_group(self, group_id: str, *, tenant_id: str | None = None) -> AvatarGroup | None:
        """The group, or None if unknown or (with ``tenant_id``) someone else's."""
        with self._engine.connect() as conn:
            row = conn.execute(_GROUP, {"id": group_id}).first()
        group = group_from_row(row._mapping) if row else None
        return group if group and tenant_id in (None, group.tenant_id) else None

    def get_look(self, look_id: str, *, tenant_id: str | None = None) -> Look | None:
        """The look, or None if unknown or (with ``tenant_id``) someone else's."""
        with self._engine.connect() as conn:
            row = conn.execute(_LOOK, {"id": look_id}).first()
        look = look_from_row(row._mapping) if row else None
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
            .values(status=status.value, message=message, updated_at=at, **face_values(face))
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
            return [look_from_row(row) for row in conn.execute(query).mappings()]

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
            GroupSummary(group_from_row(row), row["num_looks"], row["preview_id"]) for row in found
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
        return total, [look_from_row(row) for row in found]

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
        conn.execute(insert(images), [image_values(image) for _, image in pairs])
        conn.execute(insert(looks), [look_values(look) for look, _ in pairs])
        conn.execute(
            insert(jobs),
            [
                new_job(JobKind.CHECK_LOOK, look.id, look.created_at, look.tenant_id)
                for look, _ in pairs
            ],
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


def motion_values(motion: LookMotion | None) -> dict[str, Any]:
    """The motion columns of a look: empty (and flags false) for a plain look."""
    sound = motion.sound if motion else None
    return {
        "is_motion": motion is not None,
        "parent_id": motion.parent_id if motion else None,
        "motion_type": motion.motion_type.value if motion else None,
        "motion_prompt": motion.prompt if motion else None,
        "motion_scene": motion.scene if motion else None,
        "upscaled": motion.upscaled if motion else False,
        "upscaled_look_id": motion.upscaled_look_id if motion else None,
        "media_width": motion.width if motion else None,
        "media_height": motion.height if motion else None,
        "media_duration": motion.duration if motion else None,
        "sound_effect_id": sound.id if sound else None,
        "sound_status": sound.status.value if sound else None,
        "sound_size": sound.size if sound else None,
        "sound_duration": sound.duration if sound else None,
        "sound_created_at": sound.created_at if sound else None,
    }


def motion_from_row(row: RowMapping) -> LookMotion | None:
    """The motion of a look row, or None for a plain look."""
    if not row["is_motion"]:
        return None
    return LookMotion(
        parent_id=row["parent_id"],
        motion_type=MotionType(row["motion_type"]),
        prompt=row["motion_prompt"],
        scene=row["motion_scene"] or "",
        upscaled=bool(row["upscaled"]),
        upscaled_look_id=row["upscaled_look_id"],
        width=row["media_width"],
        height=row["media_height"],
        duration=row["media_duration"],
        sound=_sound_from_row(row),
    )


def _sound_from_row(row: RowMapping) -> SoundEffect | None:
    if row["sound_effect_id"] is None:
        return None
    return SoundEffect(
        id=row["sound_effect_id"],
        status=SoundStatus(row["sound_status"]),
        created_at=row["sound_created_at"],
        size=row["sound_size"],
        duration=row["sound_duration"],
    )
