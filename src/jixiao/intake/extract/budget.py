"""The 预算执行情况 block: planned, received and executed amounts, the rate, the budget score.

Two sources. The 自评表's budget rows (预算数 | 执行数 | 执行率 | 得分, in 万元 or 元 as the label
says; read by :mod:`budget_table`), and prose (“2019年预算安排314.65万元……实际资金到位314.65万元，
实际使用310.69694万元”; read by :mod:`budget_prose`). When both state a figure and agree within
the table's rounding, the more precise wins.
"""

from __future__ import annotations

from decimal import Decimal

from jixiao.intake.extract.budget_table import BudgetFacts
from jixiao.intake.extract.budget_table import from_table


def merge(table: BudgetFacts | None, prose: BudgetFacts) -> BudgetFacts:
    """The table's figures, refined by prose that agrees with them more precisely."""
    if table is None:
        return prose
    merged = BudgetFacts(
        planned=table.planned,
        initial=table.initial,
        received=table.received,
        executed=table.executed,
        rate=table.rate if table.rate is not None else prose.rate,
        score=table.score if table.score is not None else prose.score,
        weight=table.weight,
        unit_stated=table.unit_stated,
        where=dict(table.where),
        lines=table.lines,
    )
    if table.rate is None and prose.rate is not None:
        merged.where["rate"] = prose.where["rate"]
    if table.score is None and prose.score is not None:
        merged.where["score"] = prose.where["score"]
    half = table.precision / 2
    for role in ("planned", "initial", "received", "executed"):
        stated: Decimal | None = getattr(table, role)
        said: Decimal | None = getattr(prose, role)
        if said is None:
            continue
        if stated is None:
            if role == "received" or any(getattr(table, r) is not None for r in ("planned", "executed")):
                # Prose states what the table has no column for (到位), or fills a gap.
                setattr(merged, role, said)
                merged.where[role] = prose.where[role]
            continue
        if abs(stated - said) <= half and said != stated:
            setattr(merged, role, said)
            merged.where[role] = prose.where[role]
    return merged


__all__ = ["BudgetFacts", "from_table", "merge"]
