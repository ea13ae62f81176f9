"""project years: the declaration, the monitoring records and the evaluations of one project-year

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 02:30:00

- ``project_years``: one project × year, which owns its declaration versions, its monitoring
  records and (by project and year) its evaluation versions, with flags saying which it has and
  whether the current declaration or monitoring records carry warnings (kept at save). Filled
  here from the evaluations already stored (every project and year they name), so existing data
  is kept and linked.
- ``declarations``: the versions of a project-year's 绩效目标申报 (``jixiao.declaration/1``).
- ``monitorings``: the versions of its 绩效监控 records, per period (``jixiao.monitoring/1``).
- ``indicator_match_overrides``: a reviewer's correction of which declared indicator a
  self-evaluation's indicator is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.schema import SchemaItem

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def _counts() -> list[SchemaItem]:
    return [
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.Column("infos", sa.Integer(), nullable=False),
        sa.Column("contract", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    ]


def _owned(table: str) -> list[SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_year_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_year_id"],
            ["project_years.id"],
            name=op.f(f"fk_{table}_project_year_id_project_years"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _filed(table: str) -> list[SchemaItem]:
    return [
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("latest", sa.Boolean(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=150), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f(f"fk_{table}_document_id_documents")
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "project_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *(
            sa.Column(flag, sa.Boolean(), server_default=sa.false(), nullable=False)
            for flag in ("declared", "monitored", "evaluated", "declaration_warned", "monitoring_warned")
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_project_years_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_project_years")),
        sa.UniqueConstraint("project_id", "year", name=op.f("uq_project_years_project_id")),
    )
    op.execute(
        "INSERT INTO project_years (project_id, year, evaluated, created_at)"
        " SELECT project_id, year, true, MIN(created_at) FROM evaluations"
        " WHERE year IS NOT NULL GROUP BY project_id, year"
    )
    op.create_table(
        "declarations",
        *_owned("declarations"),
        *_filed("declarations"),
        sa.Column("planned_fen", sa.BigInteger(), nullable=True),
        sa.Column("indicators", sa.Integer(), nullable=False),
        *_counts(),
        sa.UniqueConstraint("project_year_id", "version", name=op.f("uq_declarations_project_year_id")),
    )
    op.create_index(
        "ix_declarations_year_latest", "declarations", ["project_year_id", "latest"], unique=False
    )
    op.create_table(
        "monitorings",
        *_owned("monitorings"),
        sa.Column("first_month", sa.Integer(), nullable=False),
        sa.Column("last_month", sa.Integer(), nullable=False),
        *_filed("monitorings"),
        sa.Column("planned_fen", sa.BigInteger(), nullable=True),
        sa.Column("executed_fen", sa.BigInteger(), nullable=True),
        sa.Column("execution_rate", sa.Numeric(precision=14, scale=6), nullable=True),
        sa.Column("time_elapsed", sa.Numeric(precision=14, scale=6), nullable=True),
        *_counts(),
        sa.UniqueConstraint(
            "project_year_id", "last_month", "version", name=op.f("uq_monitorings_project_year_id")
        ),
    )
    op.create_index("ix_monitorings_year_latest", "monitorings", ["project_year_id", "latest"], unique=False)
    op.create_table(
        "indicator_match_overrides",
        *_owned("indicator_match_overrides"),
        sa.Column("evaluated_name", sa.String(length=500), nullable=False),
        sa.Column("declared_name", sa.String(length=500), nullable=True),
        sa.Column("actor", sa.String(length=150), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "project_year_id", "evaluated_name", name=op.f("uq_indicator_match_overrides_project_year_id")
        ),
    )


def downgrade() -> None:
    op.drop_table("indicator_match_overrides")
    op.drop_index("ix_monitorings_year_latest", table_name="monitorings")
    op.drop_table("monitorings")
    op.drop_index("ix_declarations_year_latest", table_name="declarations")
    op.drop_table("declarations")
    op.drop_table("project_years")
