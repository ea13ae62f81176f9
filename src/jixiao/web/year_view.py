"""What the project-year page shows: the three records of one project's year side by side, and
the row-by-row comparison of the declared indicators with the monitored and evaluated ones.

Pure: the records come in, the view model goes out (no I/O, no web framework).
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.checks.year import same_target
from jixiao.core.matching import match_indicators
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Indicator
from jixiao.core.model import Value
from jixiao.core.plan import Declaration
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.year import YearLink
from jixiao.core.year import as_indicator
from jixiao.storage.years import UnitStageCounts

# The state of one row of the comparison, as the page names it.
SAME = "一致"
CHANGED = "目标已改"
MISSING = "自评未填报"
ADDED = "申报后新增"
NOT_YET = "尚未自评"


@dataclass(frozen=True, slots=True)
class CompareRow:
    """One declared indicator (or one added at year end) across the three records."""

    declared: Indicator | None
    monitored: MonitoredIndicator | None
    evaluated: Indicator | None
    evaluated_index: int | None
    score: Decimal | None  # the names' similarity (None: nothing to compare)
    overridden: bool
    state: str
    codes: tuple[str, ...]  # the year-end findings about this row

    @property
    def target_changed(self) -> bool:
        return self.state == CHANGED


def _target_changed(declared: Value | None, evaluated: Value | None) -> bool:
    if declared is None or evaluated is None:
        return declared is not None and evaluated is None
    return not same_target(declared, evaluated)


def _monitored(declaration: Declaration, monitoring: Monitoring | None) -> Mapping[int, MonitoredIndicator]:
    """The monitored row of each declared indicator (by its index), matched as the year-end
    checks match them (:func:`jixiao.core.year.link_year`)."""
    if monitoring is None:
        return {}
    rows = match_indicators(declaration.indicators, [as_indicator(ind) for ind in monitoring.indicators])
    return {
        m.declared: monitoring.indicators[m.evaluated]
        for m in rows
        if m.declared is not None and m.evaluated is not None
    }


def _codes_by_indicator(findings: Sequence[Finding]) -> dict[int, tuple[str, ...]]:
    """The link's findings by the evaluated indicator they name."""
    out: dict[int, list[str]] = {}
    for f in findings:
        if f.indicator is not None:
            out.setdefault(f.indicator, []).append(f.code)
    return {k: tuple(v) for k, v in out.items()}


def compare(
    declaration: Declaration | None,
    monitoring: Monitoring | None,
    evaluation: Evaluation | None,
    link: YearLink | None,
) -> tuple[CompareRow, ...]:
    """The declared indicators in order with their monitored and evaluated rows, then the
    evaluated ones that match no declared indicator."""
    if declaration is None:
        return ()
    if evaluation is None or link is None:
        monitored = _monitored(declaration, monitoring)
        return tuple(
            CompareRow(ind, monitored.get(i), None, None, None, False, NOT_YET, ())
            for i, ind in enumerate(declaration.indicators)
        )
    codes = _codes_by_indicator(link.findings)
    rows = []
    for m in link.matches:
        dec = declaration.indicators[m.declared] if m.declared is not None else None
        ev = evaluation.indicators[m.evaluated] if m.evaluated is not None else None
        if dec is None:
            state = ADDED
        elif ev is None:
            state = MISSING
        else:
            state = CHANGED if _target_changed(dec.target, ev.target) else SAME
        mon = link.monitored.get(m.declared) if m.declared is not None else None
        rows.append(
            CompareRow(
                declared=dec,
                monitored=mon,
                evaluated=ev,
                evaluated_index=m.evaluated,
                score=m.score if dec is not None and ev is not None else None,
                overridden=m.overridden,
                state=state,
                codes=codes.get(m.evaluated, ()) if m.evaluated is not None else (),
            )
        )
    return tuple(rows)


@dataclass(frozen=True, slots=True)
class Tally:
    """How many rows of the comparison are in each state."""

    same: int
    changed: int
    missing: int
    added: int


def tally(rows: Sequence[CompareRow]) -> Tally:
    states = [r.state for r in rows]
    return Tally(states.count(SAME), states.count(CHANGED), states.count(MISSING), states.count(ADDED))


@dataclass(frozen=True, slots=True)
class UnitCounts:
    """The counts per unit the dashboard and the list show (``year``: the year they cover)."""

    counts: tuple[UnitStageCounts, ...]
    year: int | None
