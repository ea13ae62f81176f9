"""evaluations.latest: the highest version of each project × year, kept at save

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:20:00

Every list, dashboard and report asks for the current evaluations; looking for a newer version
of every row made each of those queries scan the whole table. The flag is filled here from the
versions already stored, and kept by ``Store.save`` from now on.

On PostgreSQL, the names the list's search looks in (projects, documents) get trigram indexes,
when the ``pg_trgm`` extension can be created (it ships with PostgreSQL and is trusted since
version 13); without it the search scans the names, as on SQLite.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TRIGRAM_TABLES = ("projects", "documents")
_UNIT_COLUMNS = [
    "unit_id",
    "scheme_id",
    "computed_grade",
    "claimed_grade",
    "year",
    "latest",
    "unreadable",
    "claimed_total",
    "computed_total",
    "execution_rate",
    "errors",
    "warnings",
    "document_id",
]
_REPORT_COLUMNS = [
    "year",
    "unit_id",
    "scheme_id",
    "computed_grade",
    "claimed_grade",
    "project_id",
    "version",
    "unreadable",
    "claimed_total",
    "computed_total",
    "execution_rate",
    "errors",
    "warnings",
    "document_id",
]


def upgrade() -> None:
    op.add_column("evaluations", sa.Column("latest", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.execute(
        "UPDATE evaluations SET latest = false WHERE EXISTS (SELECT 1 FROM evaluations AS newer"
        " WHERE newer.project_id = evaluations.project_id"
        " AND COALESCE(newer.year, -1) = COALESCE(evaluations.year, -1)"
        " AND newer.version > evaluations.version)"
    )
    op.drop_index("ix_evaluations_report", table_name="evaluations")
    op.create_index("ix_evaluations_report", "evaluations", [*_REPORT_COLUMNS, "latest"], unique=False)
    op.create_index("ix_evaluations_unit", "evaluations", _UNIT_COLUMNS, unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        _trigram_indexes(bind)


def _trigram_indexes(bind: sa.Connection) -> None:
    savepoint = bind.begin_nested()
    try:
        bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:  # not installed, or not allowed: the search scans instead
        savepoint.rollback()
        return
    savepoint.commit()
    for table in TRIGRAM_TABLES:
        op.create_index(
            f"ix_{table}_name_trgm",
            table,
            ["name"],
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        )


def downgrade() -> None:
    for table in TRIGRAM_TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_name_trgm")
    op.drop_index("ix_evaluations_unit", table_name="evaluations")
    op.drop_index("ix_evaluations_report", table_name="evaluations")
    op.create_index("ix_evaluations_report", "evaluations", _REPORT_COLUMNS, unique=False)
    with op.batch_alter_table("evaluations", schema=None) as batch_op:
        batch_op.drop_column("latest")
