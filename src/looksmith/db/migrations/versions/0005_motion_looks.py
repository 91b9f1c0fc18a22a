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


def upgrade() -> None:
    with op.batch_alter_table("looks", schema=None) as batch_op:
        for flag in ("is_motion", "upscaled"):
            batch_op.add_column(
                sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
            )
        for name, kind in _COLUMNS:
            batch_op.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("looks", schema=None) as batch_op:
        for name, _ in reversed(_COLUMNS):
            batch_op.drop_column(name)
        for flag in ("upscaled", "is_motion"):
            batch_op.drop_column(flag)
