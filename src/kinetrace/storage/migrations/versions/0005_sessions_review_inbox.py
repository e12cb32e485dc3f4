"""Clinician in the loop: session versions, inbox acknowledgement, plan approval, landmark review, archive.

- app_user.session_version: bumped on sign-out, password change and disabling, so every copy of an older
  session cookie stops working at once.
- assessment.acknowledged_at / released_at / archived_at: the self-screen inbox, how long released results stay
  readable, and archiving instead of losing records.
- patient.archived_at: archived patients leave the default list.
- plan.approved_at / approved_by / version: the suggested plan is a draft until the clinician approves it.
- media.reviewed_at: photo findings enter an assessment only after the clinician reviewed the landmarks.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_COLUMNS: tuple[tuple[str, sa.Column[object]], ...] = (
    ("app_user", sa.Column("session_version", sa.Integer(), nullable=False, server_default="1")),
    ("assessment", sa.Column("acknowledged_at", sa.DateTime(), nullable=True)),
    ("assessment", sa.Column("released_at", sa.DateTime(), nullable=True)),
    ("assessment", sa.Column("archived_at", sa.DateTime(), nullable=True)),
    ("patient", sa.Column("archived_at", sa.DateTime(), nullable=True)),
    ("plan", sa.Column("approved_at", sa.DateTime(), nullable=True)),
    ("plan", sa.Column("approved_by", sa.Integer(), nullable=True)),
    ("plan", sa.Column("version", sa.Integer(), nullable=False, server_default="1")),
    ("media", sa.Column("reviewed_at", sa.DateTime(), nullable=True)),
)


def upgrade() -> None:
    for table, column in _COLUMNS:
        op.add_column(table, column)
    op.create_index("ix_assessment_clinic_origin_ack", "assessment", ["clinic_id", "origin", "acknowledged_at"])


def downgrade() -> None:
    op.drop_index("ix_assessment_clinic_origin_ack", table_name="assessment")
    for table, column in reversed(_COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column.name)
