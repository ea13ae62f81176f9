"""the evaluation list's sort orders as indexes (PostgreSQL)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 14:40:00

The web list sorts the current evaluations by a column and shows one page of 50. Without an index
in that order, PostgreSQL sorts every current row for each page: at 100,000 evaluations a sort
by a score cost 25–50 ms, most of a list request. Each index below holds the current rows
(``WHERE latest``) in exactly the order :mod:`jixiao.storage.browse` asks for, so a page is
read off the index. Blank values come last in both directions (``NULLS LAST``), which one index
cannot give both ways: the nullable columns get one index per direction. The unit and project
orders are read unit by unit (project by project) in name order, each one's rows by id.

PostgreSQL only: SQLite cannot put blanks last in an ascending index, and a database on a laptop
holds few enough evaluations to sort. The names are :data:`jixiao.storage.schema.SORT_INDEXES`.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_NULLABLE = {
    "claimed": "claimed_total",
    "computed": "computed_total",
    "difference": "(claimed_total - computed_total)",
    "rate": "execution_rate",
}
INDEXES: dict[str, tuple[str, str]] = {
    **{f"ix_evaluations_sort_{name}_asc": ("evaluations", f"{expr}, id") for name, expr in _NULLABLE.items()},
    **{
        f"ix_evaluations_sort_{name}_desc": ("evaluations", f"{expr} DESC NULLS LAST, id DESC")
        for name, expr in _NULLABLE.items()
    },
    "ix_evaluations_sort_errors": ("evaluations", "errors, id"),
    "ix_evaluations_sort_unit": ("evaluations", "unit_id, id"),
    "ix_evaluations_sort_project": ("evaluations", "project_id, id"),
}
NAME_INDEXES = {"ix_projects_name": ("projects", "name")}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, (table, columns) in INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({columns}) WHERE latest")
    for name, (table, columns) in NAME_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")


def downgrade() -> None:
    for name in (*INDEXES, *NAME_INDEXES):
        op.execute(f"DROP INDEX IF EXISTS {name}")
