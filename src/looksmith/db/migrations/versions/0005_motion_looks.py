"""motion looks: origin, preview size, upscales and sound effects

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 16:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("parent_id", sa.String(length=32)),
    ("motion_type", sa.String(length=32)),
    ("motion_prompt", sa.Text()),
    ("motion_scene", sa.Text()),
    ("upscaled_look_id", sa.String(length=32)),
    ("media_width", sa.Integer()),
    ("media_height", sa.Integer()),
    ("media_duration", sa.Float()),
    ("sound_effect_id", sa.String(length=32)),
    ("sound_status", sa.String(length=16)),
    ("sound_size", sa.Integer()),
    ("sound_duration", sa.Float()),
    ("sound_created_at", sa.Float()),
)

_JOB_KINDS = ("add_motion", "add_sound_effect", "upscale_look")


def upgrade() -> None:
    with op.batch_alter_table("looks", schema=None) as batch_op:
        for flag in ("is_motion", "upscaled"):
            batch_op.add_column(
                sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        for name, kind in _COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))
        # Deleting or failing a look frees the parent that points at it as its upscale.
        batch_op.create_index(
            batch_op.f("ix_looks_upscaled_look_id"), ["upscaled_look_id"], unique=False
        )


def downgrade() -> None:
    # The 0004 code knows neither these job kinds nor motion looks: a claimed job of an unknown
    # kind would fail after its claim committed, and a motion look would pass for a plain one.
    # Their blobs (motion/<id>/..., images/<id>) stay in storage; the database forgets them.
    jobs = sa.table("jobs", sa.column("kind", sa.String))
    looks = sa.table("looks", sa.column("id", sa.String), sa.column("is_motion", sa.Boolean))
    images = sa.table("images", sa.column("id", sa.String))
    motion_looks = sa.select(looks.c.id).where(looks.c.is_motion.is_(True))
    op.execute(sa.delete(jobs).where(jobs.c.kind.in_(_JOB_KINDS)))
    op.execute(sa.delete(images).where(images.c.id.in_(motion_looks)))
    op.execute(sa.delete(looks).where(looks.c.is_motion.is_(True)))
    with op.batch_alter_table("looks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_looks_upscaled_look_id"))
        for name, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)
        for flag in ("upscaled", "is_motion"):
            batch_op.drop_column(flag)
