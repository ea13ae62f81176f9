"""The portfolio report's view model: the figures :func:`jixiao.portfolio.report.build_report`
computed, as frozen dataclasses the writers draw (``report_xlsx``, ``report_html``, the terminal's
``report_render``, the web dashboard) and ``to_dict``/``to_json`` serialise.

It sits apart from the building in :mod:`jixiao.portfolio.report` so the writers, which the
builder's ``write_report`` calls, import the model without importing their caller back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal

from jixiao.core.checks import BY_CODE
from jixiao.core.model import Severity
from jixiao.export.review import SEVERITY_NAMES
from jixiao.storage.queries import DocumentRow

NO_GRADE = "无等级"


def severity_name(severity: str) -> str:
    """错误/警告/提示 for a stored severity; an unknown one as stored."""
    try:
        return SEVERITY_NAMES[Severity(severity)]
    except ValueError:
        return severity


@dataclass(frozen=True, slots=True)
class Totals:
    evaluations: int  # current: latest version of each project × year, readable
    documents: int  # submitted files in scope, every version, readable or not
    units: int  # units with a current evaluation
    unreadable: int  # files that could not be read
    superseded: int  # readable evaluations replaced by a newer version


@dataclass(frozen=True, slots=True)
class UnitGrades:
    """One unit's current evaluations by grade: ``computed[i]``/``claimed[i]`` count the grade
    ``GradeTable.labels[i]``."""

    unit: str
    evaluations: int
    computed: tuple[int, ...]
    claimed: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class GradeTable:
    """Counts by grade. ``labels``: the grade scale best first — one label per rank, the schemes'
    names for it joined (“优/优秀” when mof-2020 and hebei-2020 are both in use) — its first
    ``ranked`` entries; then words no scheme knows, then 无等级."""

    labels: tuple[str, ...]
    units: tuple[UnitGrades, ...]
    computed: tuple[int, ...]  # all units
    claimed: tuple[int, ...]
    ranked: int = 0


@dataclass(frozen=True, slots=True)
class BinCount:
    label: str
    low: Decimal | None
    high: Decimal | None
    count: int


@dataclass(frozen=True, slots=True)
class Distribution:
    bins: tuple[BinCount, ...]
    missing: int  # current evaluations without a claimed total

    def share(self, count: int) -> Decimal:
        """``count`` as a fraction of the evaluations placed in a bin (to six decimals)."""
        placed = sum(b.count for b in self.bins)
        if not placed:
            return Decimal(0)
        return (Decimal(count) / Decimal(placed)).quantize(Decimal("0.000001"), ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class Inflation:
    """Claimed − computed total over a unit's current evaluations that have both."""

    unit: str
    count: int
    mean: Decimal
    max: Decimal
    inflated: int  # claimed above computed by more than one point
    share: Decimal  # inflated / count


@dataclass(frozen=True, slots=True)
class ScatterPoint:
    id: int
    rate: Decimal
    claimed: Decimal


@dataclass(frozen=True, slots=True)
class BandMean:
    label: str
    low: Decimal | None
    high: Decimal | None
    count: int
    mean_claimed: Decimal | None


@dataclass(frozen=True, slots=True)
class Execution:
    pairs: int  # current evaluations with both an execution rate and a claimed total
    correlation: Decimal | None  # Pearson's r over all pairs; None below two pairs or without spread
    points: tuple[ScatterPoint, ...]  # every pair, or a sample of them (``sampled``)
    sampled: bool
    bands: tuple[BandMean, ...]


@dataclass(frozen=True, slots=True)
class FindingCount:
    code: str
    severity: str  # error / warning / info
    count: int
    evaluations: int

    @property
    def title(self) -> str:
        """What the code means (the check catalogue's title; empty for a code it lacks)."""
        check = BY_CODE.get(self.code)
        return check.title if check is not None else ""

    @property
    def severity_name(self) -> str:
        return severity_name(self.severity)


@dataclass(frozen=True, slots=True)
class UnitRisk:
    """One unit's answer to “which units carry risk”: its evaluations with an error, with a
    missed target, and its inflation (claimed − computed total): the mean over the evaluations
    that have both, and per 100 points the rules verified (Σ difference ÷ Σ verified indicator
    weight × 100), with the share of the indicator weight carried over unverified."""

    unit: str
    unit_id: int
    evaluations: int
    with_errors: int
    missed: int
    compared: int
    mean_difference: Decimal | None
    inflated: int
    per_verified: Decimal | None = None
    carried_share: Decimal | None = None

    @property
    def flagged(self) -> int:
        """Inflated, erroneous and target-missing evaluations (one evaluation may count thrice)."""
        return self.inflated + self.with_errors + self.missed


@dataclass(frozen=True, slots=True)
class MissedProject:
    """A current evaluation with indicator rows scored below their weight."""

    id: int
    unit: str
    project: str
    year: int | None
    rows: int
    lost: Decimal  # points below the rows' weights


@dataclass(frozen=True, slots=True)
class Questions:
    """What the head asks first: risk by unit, missed targets, the review's progress, who has
    not submitted (see :mod:`jixiao.storage.questions` for each definition)."""

    risks: tuple[UnitRisk, ...]  # most flagged (per evaluation) first
    missed_total: int  # evaluations with a missed target
    missed: tuple[MissedProject, ...]  # the ones that lost most points, at most ``limit``
    with_errors: int  # evaluations with an error-level finding
    inflated: int  # evaluations claiming more than one point above the rules
    review: tuple[tuple[str, int], ...]  # (status, evaluations), most first
    absent: tuple[str, ...]  # units on record without a current evaluation in scope
    low_rate_high_score: int  # execution rate below 80 % with a claimed total of 90 or more

    def to_dict(self) -> dict[str, object]:
        return {
            "risks": [
                {
                    "unit": r.unit,
                    "evaluations": r.evaluations,
                    "with_errors": r.with_errors,
                    "missed": r.missed,
                    "compared": r.compared,
                    "mean_difference": r.mean_difference,
                    "inflated": r.inflated,
                    "per_100_verified": r.per_verified,
                    "carried_share": r.carried_share,
                }
                for r in self.risks
            ],
            "missed_total": self.missed_total,
            "missed": [
                {
                    "id": m.id,
                    "unit": m.unit,
                    "project": m.project,
                    "year": m.year,
                    "rows": m.rows,
                    "lost": m.lost,
                }
                for m in self.missed
            ],
            "with_errors": self.with_errors,
            "inflated": self.inflated,
            "review": dict(self.review),
            "absent": list(self.absent),
            "low_rate_high_score": self.low_rate_high_score,
        }


NO_QUESTIONS = Questions((), 0, (), 0, 0, (), (), 0)


@dataclass(frozen=True, slots=True)
class PortfolioReport:
    year: int | None
    unit: str | None
    limit: int
    totals: Totals
    grades: GradeTable
    claimed_totals: Distribution
    inflation: tuple[Inflation, ...]
    execution: Execution
    findings: tuple[FindingCount, ...]
    worst: tuple[DocumentRow, ...]
    questions: Questions = NO_QUESTIONS
    claimed_fine: Distribution | None = None  # claimed totals in one-point bins (the chart's)

    @property
    def errors(self) -> tuple[FindingCount, ...]:
        """The error-level finding codes, most frequent first."""
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def notices(self) -> tuple[FindingCount, ...]:
        """The warning- and info-level finding codes, most frequent first."""
        return tuple(f for f in self.findings if f.severity != "error")

    @property
    def empty(self) -> bool:
        """No current evaluation in scope (there may still be unreadable files)."""
        return self.totals.evaluations == 0

    @property
    def scope(self) -> str:
        """The scope in words: “2024年 · 某某局”, or “全部”."""
        parts = [f"{self.year}年"] if self.year is not None else []
        if self.unit is not None:
            parts.append(self.unit)
        return " · ".join(parts) or "全部年度与单位"

    @property
    def totals_line(self) -> str:
        """The counts in one line of text (the terminal, the HTML report and the dashboard)."""
        t = self.totals
        return (
            f"评价 {t.evaluations:,} 份（各项目×年度的最新版本）· 单位 {t.units:,} 个 · 报送文件 {t.documents:,} 个"
            f" · 无法读取 {t.unreadable:,} 个 · 被新版本替代 {t.superseded:,} 份"
        )

    def to_dict(self) -> dict[str, object]:
        """The report as JSON-ready data; Decimals stay Decimals (see :func:`to_json`)."""
        g = self.grades
        return {
            "scope": {"year": self.year, "unit": self.unit},
            "totals": {
                "evaluations": self.totals.evaluations,
                "documents": self.totals.documents,
                "units": self.totals.units,
                "unreadable": self.totals.unreadable,
                "superseded": self.totals.superseded,
            },
            "grades": {
                "labels": list(g.labels),
                "units": [
                    {
                        "unit": u.unit,
                        "evaluations": u.evaluations,
                        "computed": dict(zip(g.labels, u.computed, strict=True)),
                        "claimed": dict(zip(g.labels, u.claimed, strict=True)),
                    }
                    for u in g.units
                ],
                "total": {
                    "computed": dict(zip(g.labels, g.computed, strict=True)),
                    "claimed": dict(zip(g.labels, g.claimed, strict=True)),
                },
            },
            "claimed_totals": {
                "bins": [
                    {"label": b.label, "low": b.low, "high": b.high, "count": b.count}
                    for b in self.claimed_totals.bins
                ],
                "missing": self.claimed_totals.missing,
            },
            "inflation": [
                {
                    "unit": i.unit,
                    "count": i.count,
                    "mean": i.mean,
                    "max": i.max,
                    "inflated": i.inflated,
                    "share": i.share,
                }
                for i in self.inflation
            ],
            "execution": {
                "pairs": self.execution.pairs,
                "correlation": self.execution.correlation,
                "sampled": self.execution.sampled,
                "points": [{"id": p.id, "rate": p.rate, "claimed": p.claimed} for p in self.execution.points],
                "bands": [
                    {
                        "label": b.label,
                        "low": b.low,
                        "high": b.high,
                        "count": b.count,
                        "mean_claimed": b.mean_claimed,
                    }
                    for b in self.execution.bands
                ],
            },
            "findings": [
                {
                    "code": f.code,
                    "severity": f.severity,
                    "title": f.title,
                    "count": f.count,
                    "evaluations": f.evaluations,
                }
                for f in self.findings
            ],
            "questions": self.questions.to_dict(),
            "worst": [
                {
                    "id": w.id,
                    "unit": w.unit,
                    "project": w.project,
                    "year": w.year,
                    "version": w.version,
                    "document": w.document,
                    "claimed": w.claimed,
                    "computed": w.computed,
                    "difference": w.difference,
                    "errors": w.errors,
                    "warnings": w.warnings,
                }
                for w in self.worst
            ],
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, default=_json_default) + "\n"


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: integral values as ints; others (at most a few decimals, far
    below 15 significant digits) as the float whose shortest repr is exactly these digits."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _json_default(value: object) -> object:
    if isinstance(value, Decimal):
        return json_number(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")
