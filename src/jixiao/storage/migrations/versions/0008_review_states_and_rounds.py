"""review states and review rounds

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 23:40:00

- ``reviews.status``: the state once called 待审核 is 已提交 now (草稿 and 已提交 are told apart;
  审核中 is a reviewer's claim); existing rows are renamed, nothing else changes.
- ``review_rounds`` and ``review_round_units``: a round the bureau opens for a year with a
  deadline, and the units (and optionally projects) it expects.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE reviews SET status = '已提交' WHERE status = '待审核'")
    op.create_table(
        "review_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_review_rounds_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_rounds")),
    )
    op.create_table(
        "review_round_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("project", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["review_rounds.id"],
            name=op.f("fk_review_round_units_round_id_review_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_review_round_units_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_round_units")),
    )
    op.create_index(op.f("ix_review_round_units_round_id"), "review_round_units", ["round_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_review_round_units_round_id"), table_name="review_round_units")
    op.drop_table("review_round_units")
    op.drop_table("review_rounds")
    op.execute("UPDATE reviews SET status = '待审核' WHERE status = '已提交'")
