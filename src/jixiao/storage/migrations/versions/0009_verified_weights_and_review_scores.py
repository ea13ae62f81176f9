"""verified vs carried-over weights, and the reviewer's 核定得分

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 00:00:00

- ``evaluations.verified_weight``, ``carried_weight``, ``unverified_share``: the indicator
  weights the rules verified exactly and those carried over from the unit's claim (the contract's
  ``computed.verified_weight``/``carried_weight``), so the list can show, sort and filter by the
  unverified share. Existing rows are filled from their contract: a row is verified when it has
  a computed score under a rule other than ``qualitative``.
  On PostgreSQL the list's order by that share is indexed like the others (migration 0004: the
  current rows, blanks last both ways; ``ix_evaluations_sort_unverified_asc``/``_desc``).
- ``review_scores``: a reviewer's 核定得分, 扣分原因 and comment per evaluation version and
  indicator position, with who and when.
"""

from __future__ import annotations

import json
from decimal import Decimal
from decimal import InvalidOperation

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_SHARE = Decimal("0.000001")
_SORT_INDEXES = {
    "ix_evaluations_sort_unverified_asc": "unverified_share, id",
    "ix_evaluations_sort_unverified_desc": "unverified_share DESC NULLS LAST, id DESC",
}


def _number(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _weights(contract: str) -> tuple[Decimal, Decimal] | None:
    try:
        data = json.loads(contract)
    except ValueError:
        return None
    rows = data.get("indicators") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        return None
    verified = carried = Decimal(0)
    weighted = False
    for row in rows:
        weight = _number(row.get("weight")) if isinstance(row, dict) else None
        if weight is None:
            continue
        weighted = True
        if row.get("computed_score") is not None and row.get("rule") not in (None, "qualitative"):
            verified += weight
        else:
            carried += weight
    return (verified, carried) if weighted else None


def upgrade() -> None:
    with op.batch_alter_table("evaluations") as batch:
        batch.add_column(sa.Column("verified_weight", sa.Numeric(precision=12, scale=4), nullable=True))
        batch.add_column(sa.Column("carried_weight", sa.Numeric(precision=12, scale=4), nullable=True))
        batch.add_column(sa.Column("unverified_share", sa.Numeric(precision=14, scale=6), nullable=True))
    op.create_table(
        "review_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=12, scale=4), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["evaluations.id"],
            name=op.f("fk_review_scores_evaluation_id_evaluations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_review_scores_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_scores")),
        sa.UniqueConstraint("evaluation_id", "position", name=op.f("uq_review_scores_evaluation_id")),
    )
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name, columns in _SORT_INDEXES.items():
            op.execute(f"CREATE INDEX {name} ON evaluations ({columns}) WHERE latest")
    evaluations = sa.table(
        "evaluations",
        sa.column("id", sa.Integer()),
        sa.column("contract", sa.Text()),
        sa.column("verified_weight", sa.Numeric(12, 4)),
        sa.column("carried_weight", sa.Numeric(12, 4)),
        sa.column("unverified_share", sa.Numeric(14, 6)),
    )
    last = 0
    while True:  # in batches, so a large database is not read into memory at once
        rows = conn.execute(
            sa.select(evaluations.c.id, evaluations.c.contract)
            .where(evaluations.c.id > last)
            .order_by(evaluations.c.id)
            .limit(1000)
        ).all()
        if not rows:
            break
        last = rows[-1][0]
        for evaluation_id, contract in rows:
            split = _weights(contract or "")
            if split is None:
                continue
            verified, carried = split
            whole = verified + carried
            share = (carried / whole).quantize(_SHARE) if whole > 0 else None
            conn.execute(
                evaluations.update()
                .where(evaluations.c.id == evaluation_id)
                .values(verified_weight=verified, carried_weight=carried, unverified_share=share)
            )


def downgrade() -> None:
    for name in _SORT_INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_table("review_scores")
    with op.batch_alter_table("evaluations") as batch:
        batch.drop_column("unverified_share")
        batch.drop_column("carried_weight")
        batch.drop_column("verified_weight")
