"""The checks of a project's year, run: a declaration, a monitoring record, and the year-end
link of a self-evaluation to both.

Each runner is pure and never raises on bad data. ``check_declaration`` and ``check_monitoring``
return the record with its findings replaced (idempotent, like ``engine.evaluate``);
``link_year`` returns the match of the evaluation's indicators to the declared ones and the
link's findings, which belong to the three records together and so to none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.core.checks.catalogue import Emit
from jixiao.core.checks.year import BEHIND_GAP
from jixiao.core.checks.year import DECLARATION_CHECKS
from jixiao.core.checks.year import LINK_CHECKS
from jixiao.core.checks.year import MONITORING_CHECKS
from jixiao.core.checks.year import DeclarationContext
from jixiao.core.checks.year import LinkContext
from jixiao.core.checks.year import MonitoringContext
from jixiao.core.matching import THRESHOLD
from jixiao.core.matching import IndicatorMatch
from jixiao.core.matching import match_indicators
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Indicator
from jixiao.core.model import Severity
from jixiao.core.model import Weights
from jixiao.core.plan import Declaration
from jixiao.core.plan import MonitoredIndicator
from jixiao.core.plan import Monitoring
from jixiao.core.scheme import Scheme

_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_DECLARATION_CODES = frozenset(check.code for check, _ in DECLARATION_CHECKS)
_MONITORING_CODES = frozenset(check.code for check, _ in MONITORING_CHECKS)


def _sorted(findings: list[Finding]) -> tuple[Finding, ...]:
    return tuple(sorted(findings, key=lambda f: _ORDER[f.severity]))


def as_indicator(ind: MonitoredIndicator) -> Indicator:
    """A monitored row as an indicator (its names, weight and target), to be matched."""
    return Indicator(
        level1=ind.level1, level2=ind.level2, name=ind.name, weight=ind.weight, target=ind.target
    )


@dataclass(frozen=True, slots=True)
class _Pair:
    declared: int
    evaluated: int


def _pairs(rows: tuple[IndicatorMatch, ...]) -> list[_Pair]:
    """The rows of a match that pair two indicators."""
    return [
        _Pair(m.declared, m.evaluated) for m in rows if m.declared is not None and m.evaluated is not None
    ]


def declaration_weights(dec: Declaration, scheme: Scheme | None) -> Weights:
    """The level-1 weights a declaration is checked against: those it states, else its scheme's."""
    if dec.scheme.declared or dec.scheme.weights.total != 0 or scheme is None:
        return dec.scheme.weights
    return scheme.weights


def check_declaration(dec: Declaration, scheme: Scheme | None = None) -> Declaration:
    """``dec`` with the declaration checks' findings (earlier ones replaced; an importer's kept)."""
    ctx = DeclarationContext(dec, declaration_weights(dec, scheme))
    found = [f for check, run in DECLARATION_CHECKS for f in run(ctx, Emit(check))]
    kept = [f for f in dec.findings if f.code not in _DECLARATION_CODES]
    return dec.model_copy(update={"findings": _sorted(kept + found)})


def check_monitoring(
    mon: Monitoring, declaration: Declaration | None = None, *, behind_gap: Decimal = BEHIND_GAP
) -> Monitoring:
    """``mon`` with its rates filled and the monitoring checks' findings (early warnings),
    compared with ``declaration`` where one is stored."""
    mon = mon.with_rates()
    declared_for: dict[int, Indicator] = {}
    if declaration is not None:
        rows = match_indicators(declaration.indicators, [as_indicator(ind) for ind in mon.indicators])
        declared_for = {m.evaluated: declaration.indicators[m.declared] for m in _pairs(rows)}
    ctx = MonitoringContext(mon, declaration, behind_gap, declared_for)
    found = [f for check, run in MONITORING_CHECKS for f in run(ctx, Emit(check))]
    kept = [f for f in mon.findings if f.code not in _MONITORING_CODES]
    return mon.model_copy(update={"findings": _sorted(kept + found)})


@dataclass(frozen=True, slots=True)
class YearLink:
    """The year-end link: which declared indicator each evaluated one is, and what differs."""

    matches: tuple[IndicatorMatch, ...]
    findings: tuple[Finding, ...]
    # The monitored row of each declared indicator (by the declared index), by the same matching.
    monitored: Mapping[int, MonitoredIndicator] = field(default_factory=dict)

    @property
    def missing(self) -> tuple[int, ...]:
        """Declared indicators (by index) the evaluation does not report."""
        return tuple(m.declared for m in self.matches if m.evaluated is None and m.declared is not None)

    @property
    def added(self) -> tuple[int, ...]:
        """Evaluated indicators (by index) that were not declared."""
        return tuple(m.evaluated for m in self.matches if m.declared is None and m.evaluated is not None)


def link_year(
    evaluation: Evaluation,
    declaration: Declaration,
    monitoring: Monitoring | None = None,
    overrides: Mapping[str, str | None] | None = None,
    *,
    threshold: Decimal = THRESHOLD,
) -> YearLink:
    """Match ``evaluation``'s indicators to ``declaration``'s (a reviewer's ``overrides`` win)
    and run the year-end checks over the three records."""
    matches = match_indicators(declaration.indicators, evaluation.indicators, overrides, threshold=threshold)
    monitored: dict[int, MonitoredIndicator] = {}
    if monitoring is not None:
        rows = match_indicators(declaration.indicators, [as_indicator(ind) for ind in monitoring.indicators])
        monitored = {m.declared: monitoring.indicators[m.evaluated] for m in _pairs(rows)}
    ctx = LinkContext(evaluation, declaration, monitoring, matches, monitored)
    found = [f for check, run in LINK_CHECKS for f in run(ctx, Emit(check))]
    return YearLink(matches, _sorted(found), monitored)
