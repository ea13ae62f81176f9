"""upload batches: many files sent at once, read in the background

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 00:10:00

- ``upload_batches``: who sent a batch, under which unit and year; when it started, finished,
  and the heartbeat of the runner reading it (a stale one is taken over).
- ``upload_batch_files``: each file of a batch (each member of an archive): name, size, SHA-256,
  where its bytes wait, and what became of it (status, evaluation, reason).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "upload_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=150), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=True),
        sa.Column("scope_unit_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_upload_batches_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_batches")),
    )
    op.create_index(op.f("ix_upload_batches_user_id"), "upload_batches", ["user_id"], unique=False)
    op.create_table(
        "upload_batch_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("stored_as", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=True),
        sa.Column("forms", sa.Integer(), nullable=False),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["upload_batches.id"],
            name=op.f("fk_upload_batch_files_batch_id_upload_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_upload_batch_files")),
    )
    op.create_index(op.f("ix_upload_batch_files_batch_id"), "upload_batch_files", ["batch_id"], unique=False)
    op.create_index(op.f("ix_upload_batch_files_sha256"), "upload_batch_files", ["sha256"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_upload_batch_files_sha256"), table_name="upload_batch_files")
    op.drop_index(op.f("ix_upload_batch_files_batch_id"), table_name="upload_batch_files")
    op.drop_table("upload_batch_files")
    op.drop_index(op.f("ix_upload_batches_user_id"), table_name="upload_batches")
    op.drop_table("upload_batches")
