"""media: which movement test a video shows (single_leg_stance, squat, gait, ...), for its analysis.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("media") as batch_op:
        batch_op.add_column(sa.Column("movement_test", sa.String(length=60), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("media") as batch_op:
        batch_op.drop_column("movement_test")
