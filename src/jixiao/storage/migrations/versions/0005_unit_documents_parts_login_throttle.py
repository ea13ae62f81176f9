"""documents per unit, evaluation parts, login throttle

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 20:00:00

- ``documents.unit_id``: a document belongs to the unit it was filed under, and the same bytes
  are unique per unit (``uq_documents_sha256_unit``) instead of overall, so a second unit
  submitting a file another unit already holds gets its own document and evaluation (and learns
  nothing about the other). The bytes themselves stay stored once, content-addressed. Existing
  documents get the unit of their evaluation.
- ``evaluations.part``: which table or sheet of the document an evaluation came from, so one file
  can hold several evaluations; ``evaluations.document_id`` is no longer unique on its own, a
  document's evaluations are unique by ``(document_id, part)``. Existing rows keep an empty part.
- ``login_throttle``: failed logins per account and per address, so the back-off holds across
  server processes and restarts.

On SQLite the two tables are rebuilt by copying (batch mode); :func:`jixiao.storage.db.upgrade`
runs migrations with foreign keys off there, so dropping the old tables cascades to nothing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttle")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.drop_constraint("uq_documents_sha256", type_="unique")
        batch_op.create_unique_constraint("uq_documents_sha256_unit", ["sha256", "unit_id"])
        batch_op.create_foreign_key(op.f("fk_documents_unit_id_units"), "units", ["unit_id"], ["id"])
    op.execute(
        "UPDATE documents SET unit_id = (SELECT MIN(evaluations.unit_id) FROM evaluations"
        " WHERE evaluations.document_id = documents.id)"
    )
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("part", sa.Text(), nullable=True))
        batch_op.drop_constraint("uq_evaluations_document_id", type_="unique")
        batch_op.create_unique_constraint("uq_evaluations_document_part", ["document_id", "part"])


def downgrade() -> None:
    # Only possible while no document is held twice and no document has several evaluations.
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_constraint("uq_evaluations_document_part", type_="unique")
        batch_op.create_unique_constraint("uq_evaluations_document_id", ["document_id"])
        batch_op.drop_column("part")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_documents_unit_id_units"), type_="foreignkey")
        batch_op.drop_constraint("uq_documents_sha256_unit", type_="unique")
        batch_op.create_unique_constraint("uq_documents_sha256", ["sha256"])
        batch_op.drop_column("unit_id")
    op.drop_table("login_throttle")
