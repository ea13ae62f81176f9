"""scoring schemes kept by content hash

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 21:30:00

- ``schemes``: every scheme an evaluation was scored under that is not built in (a user's own
  TOML file), as canonical JSON keyed by its SHA-256 (the ``scheme.sha256`` an evaluation's
  contract records), so the web app re-scores and exports an imported evaluation under its own
  scheme rather than a default.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schemes",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("scheme_id", sa.String(length=200), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_schemes")),
    )


def downgrade() -> None:
    op.drop_table("schemes")
