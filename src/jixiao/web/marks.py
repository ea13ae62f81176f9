"""Which findings go to which indicator row, and the most serious of them: the evaluation page
highlights its rows by them, the editor's preview marks its rows the same way."""

from __future__ import annotations

from collections.abc import Sequence

from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Severity


def findings_by_row(findings: Sequence[Finding], rows: int) -> dict[int, list[Finding]]:
    """The findings of each indicator row (by index); findings naming no row, or a row that does
    not exist, are left out (they are listed with the evaluation's findings)."""
    out: dict[int, list[Finding]] = {}
    for f in findings:
        if f.indicator is not None and 0 <= f.indicator < rows:
            out.setdefault(f.indicator, []).append(f)
    return out


def worst(findings: Sequence[Finding]) -> str | None:
    """The most serious severity among ``findings`` (``error`` > ``warning`` > ``info``)."""
    for s in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        if any(f.severity is s for f in findings):
            return s.value
    return None


def row_marks(ev: Evaluation) -> tuple[str | None, ...]:
    """The most serious severity of each indicator row's findings (None: none)."""
    by_row = findings_by_row(ev.findings, len(ev.indicators))
    return tuple(worst(by_row.get(i, ())) for i in range(len(ev.indicators)))
