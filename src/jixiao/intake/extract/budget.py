"""The 预算执行情况 block: planned, received and executed amounts, the rate, the budget score.

Two sources. The 自评表's budget rows (预算数 | 执行数 | 执行率 | 得分, in 万元 or 元 as the label
says; read by :mod:`budget_table`), and prose (“2019年预算安排314.65万元……实际资金到位314.65万元，
实际使用310.69694万元”).
A figure is taken from prose only when a keyword in the same clause, right before it, says what
it is. When both state a figure and agree within the table's rounding, the more precise wins.
"""

from __future__ import annotations

import re
from decimal import Decimal

from jixiao.intake.extract.budget_table import BudgetFacts
from jixiao.intake.extract.budget_table import from_table
from jixiao.intake.extract.prose import amounts
from jixiao.intake.extract.prose import clause_before
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.sections import Para

# Prose: the keyword right before an amount says which figure it is.
_PROSE_ROLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("initial", re.compile(r"年初(预算|批复|安排)(安排|批复)?(资金|金额|数)?(为|共|合计|是)?$")),
    ("received", re.compile(r"(到位|拨付|拨入|下拨)(资金|金额|数)?(为|共|合计|了)?$")),
    (
        "executed",
        re.compile(
            r"(实际(使用|支出|执行|开支)|执行(金额|数)|支出(资金|金额|数)?|使用(资金|金额)?|决算(数|金额)?|完成支出)"
            r"(资金|金额)?(为|共|合计|了|达)?$"
        ),
    ),
    (
        "planned",
        re.compile(
            r"(?<!年初)(预算(安排|资金|金额|数|总额|批复)?|(?<!年初)安排(资金|经费)?|(?<!年初)批复(资金|金额)?|下达(资金|预算)?|总投资)"
            r"(资金|金额|总额)?(为|共|合计|是|了)?$"
        ),
    ),
)
_PROSE_SKIP = re.compile(r"节约|结余|收回|多申报|超支|差额|少于|缩减|追加|调减|调增")
_PROSE_RATE = re.compile(r"执行率\s*(?:为|达到|达|是|:)?\s*(\d+(?:\.\d+)?)\s*%")
_BUDGET_SCORE = re.compile(r"(?:该项)?(?:自评)?得分[为：:]?\s*(\d+(?:\.\d+)?)\s*分")


def from_prose(paras: list[Para]) -> BudgetFacts:
    """The first statement of each budget figure in the running text."""
    facts = BudgetFacts()
    for p in paras:
        text = p.text
        for amount in amounts(text):
            clause = clause_before(text, amount.start, 20)
            if _PROSE_SKIP.search(clause):
                continue
            stem = re.sub(r"[\s（(][^）)]*$", "", clause).rstrip()
            for role, pattern in _PROSE_ROLES:
                if getattr(facts, role) is None and pattern.search(stem):
                    setattr(facts, role, amount.yuan)
                    facts.where[role] = p.location
                    break
        if facts.rate is None:
            m = _PROSE_RATE.search(nfkc(text))
            if m:
                facts.rate, facts.where["rate"] = Decimal(m[1]) / 100, p.location
        if facts.score is None and ("预算执行" in text or "预算执行" in p.heading):
            m = _BUDGET_SCORE.search(text)
            if m:
                facts.score, facts.where["score"] = Decimal(m[1]), p.location
    return facts


def _only_initial(facts: BudgetFacts) -> BudgetFacts:
    """A text that states only the 年初 budget: that is the budget the rate is taken against."""
    if facts.planned is None and facts.initial is not None:
        facts.planned = facts.initial
        facts.where["planned"] = facts.where["initial"]
    return facts


def merge(table: BudgetFacts | None, prose: BudgetFacts) -> BudgetFacts:
    """The table's figures, refined by prose that agrees with them more precisely."""
    if table is None:
        return _only_initial(prose)
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


__all__ = ["BudgetFacts", "from_prose", "from_table", "merge"]
