"""tenants: each tenant's own error format

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # NULL for every existing tenant: they keep answering in the server's LOOKSMITH_ERROR_FORMAT.
    op.add_column("tenants", sa.Column("error_format", sa.String(length=16), nullable=True))


def downgrade() -> None:
    # The 0005 code answers every tenant in the server's format; the tenants' choices are lost.
    # A plain ALTER TABLE (SQLite 3.35+): a batch copy of tenants would trip the foreign keys
    # of every table that points at it.
    op.drop_column("tenants", "error_format")
