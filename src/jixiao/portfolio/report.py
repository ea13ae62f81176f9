"""The bureau's portfolio report (绩效自评汇总): what the stored evaluations say as a whole.

The report covers the *current* evaluations — the latest version of each project × year, from a
readable document — optionally of one year and/or one unit; unreadable files are counted apart.
Its sections:

- totals: current evaluations, submitted documents (every version, readable or not), units,
  unreadable files, and evaluations replaced by a resubmission;
- grades per unit: the computed grade and the grade the unit claimed (a document writes 优秀,
  良好, 合格…; each is counted under the grade it names in the evaluation's scheme — 优/良/中/差
  for mof-2020, 优秀/良好/一般/较差 for hebei-2020, whose bands differ);
- the distribution of claimed totals over :data:`CLAIMED_BINS`;
- score inflation per unit: claimed − computed total where both are known — mean, maximum, and
  the share inflated by more than one point — worst unit first;
- execution rate against claimed total: Pearson's r over every pair, a deterministic sample of at
  most ``sample`` points for the scatter, and the mean claimed total per :data:`RATE_BANDS` band;
- the finding codes, most frequent first, with the number of evaluations they occur in;
- the worst evaluations: most errors first, then most inflated.

Every figure is aggregated by the database (:mod:`jixiao.storage.queries`); this module turns the
aggregates into exact Decimals (means to four decimals, shares as fractions) and orders them into
the view model of :mod:`jixiao.portfolio.report_model` (``to_dict`` is its JSON form), which the
writers (``report_xlsx``, ``report_html``) and the terminal renderer (``report_render``) draw.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from decimal import localcontext
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.export.files import check_suffix
from jixiao.export.files import check_target
from jixiao.export.files import saved_bytes
from jixiao.export.files import write_atomic
from jixiao.portfolio.report_model import NO_GRADE
from jixiao.portfolio.report_model import BandMean
from jixiao.portfolio.report_model import BinCount
from jixiao.portfolio.report_model import Distribution
from jixiao.portfolio.report_model import Execution
from jixiao.portfolio.report_model import FindingCount
from jixiao.portfolio.report_model import GradeTable
from jixiao.portfolio.report_model import Inflation
from jixiao.portfolio.report_model import MissedProject
from jixiao.portfolio.report_model import PortfolioReport
from jixiao.portfolio.report_model import Questions
from jixiao.portfolio.report_model import ScatterPoint
from jixiao.portfolio.report_model import Totals
from jixiao.portfolio.report_model import UnitGrades
from jixiao.portfolio.report_model import UnitRisk
from jixiao.schemes import builtin_schemes
from jixiao.storage import questions
from jixiao.storage.db import Database
from jixiao.storage.queries import Bound
from jixiao.storage.queries import CorrelationSums
from jixiao.storage.queries import Filter
from jixiao.storage.queries import PortfolioReader
from jixiao.storage.queries import UnitGrade
from jixiao.storage.questions import UnitRiskRow
from jixiao.storage.store import UNKNOWN_UNIT

DEFAULT_LIMIT = 20
DEFAULT_SAMPLE = 5000
MEAN_PLACES = Decimal("0.0001")
SHARE_PLACES = Decimal("0.0001")
CORRELATION_PLACES = Decimal("0.0001")


@dataclass(frozen=True, slots=True)
class BinSpec:
    """A bin of a distribution: its label and its range ``[low, high)`` (``high`` included when
    ``inclusive``; ``None`` is open)."""

    label: str
    low: Decimal | None
    high: Decimal | None
    inclusive: bool = False


def _bins(labels: Iterable[str], edges: Iterable[str | int]) -> tuple[BinSpec, ...]:
    """Half-open bins between consecutive edges, then ``= last edge`` and ``> last edge``."""
    cuts = [Decimal(str(e)) for e in edges]
    names = list(labels)
    specs = [BinSpec(names[0], None, cuts[0])]
    specs += [BinSpec(names[i], cuts[i - 1], cuts[i]) for i in range(1, len(cuts))]
    specs.append(BinSpec(names[len(cuts)], cuts[-1], cuts[-1], inclusive=True))
    specs.append(BinSpec(names[len(cuts) + 1], cuts[-1], None))
    return tuple(specs)


CLAIMED_BINS = _bins(
    ("<60", "60–70", "70–80", "80–85", "85–90", "90–95", "95–100", "100", ">100"),
    (60, 70, 80, 85, 90, 95, 100),
)
"""Claimed totals: ``[60, 70)`` and so on; ``100`` is exactly full marks; above 100 (which the
checks flag) is a bin of its own rather than hidden in another."""

CLAIMED_FINE = _bins(
    ("<60", *(f"{n}–{n + 1}" for n in range(60, 100)), "100", ">100"),
    range(60, 101),
)
"""Claimed totals in one-point bins from 60 to 100: the histogram drawn from the lowest bin
that holds an evaluation, so a portfolio crowded between 95 and 100 is not one bar."""

LOW_RATE = Decimal("0.8")
HIGH_SCORE = Decimal(90)
"""An evaluation spending below 80 % of its budget while claiming 90 or more is counted apart."""

RATE_BANDS = _bins(
    ("<80%", "80–90%", "90–95%", "95–100%", "100%", ">100%"),
    ("0.8", "0.9", "0.95", "1"),
)
"""Execution rates (fractions): ``100%`` is exactly fully spent; over-spending is its own band."""


def _bounds(specs: tuple[BinSpec, ...]) -> tuple[Bound, ...]:
    """The SQL bins' upper bounds (the last bin is everything above)."""
    return tuple(Bound(s.high, s.inclusive) for s in specs if s.high is not None)


# -- grades ------------------------------------------------------------------------------------------------


@functools.cache
def _grade_names() -> tuple[dict[str, tuple[str, ...]], dict[str, dict[str, str]]]:
    """Per built-in scheme: its grades, best first, and every name or alias → its grade."""
    grades: dict[str, tuple[str, ...]] = {}
    names: dict[str, dict[str, str]] = {}
    for scheme in builtin_schemes():
        bands = sorted(scheme.grades, key=lambda b: -b.min)
        grades[scheme.id] = tuple(b.grade for b in bands)
        mapping = names.setdefault(scheme.id, {})
        for band in bands:
            mapping[band.grade] = band.grade
            for alias in band.aliases:
                mapping.setdefault(alias, band.grade)
    return grades, names


def canonical_grade(grade: str | None, scheme_id: str) -> str:
    """The grade a stated one means under its scheme (mof-2020: “优秀” → “优”; hebei-2020:
    “优” → “优秀”); a word the scheme does not know as written; none → 无等级."""
    if grade is None or not grade.strip():
        return NO_GRADE
    text = grade.strip()
    return _grade_names()[1].get(scheme_id, {}).get(text, text)


def _grade_table(rows: Iterable[UnitGrade]) -> GradeTable:
    """Counts per unit and grade on one scale: each scheme's grades, best first, are ranks
    (mof-2020's 优 and hebei-2020's 优秀 are both the first), and a rank's label joins the names
    the schemes in use give it (“优/优秀”; “优” alone when only mof-2020 is in use). Every rank
    is a column, even one nobody got (a column of zeros is worth seeing); then any other word
    found, then 无等级 if some evaluation has none."""
    rows = list(rows)
    schemes = {row.scheme for row in rows}
    grades, _ = _grade_names()
    in_use = [scheme_id for scheme_id in grades if scheme_id in schemes]
    depth = max((len(grades[s]) for s in in_use), default=0)
    rank_names = [
        list(dict.fromkeys(grades[s][k] for s in in_use if k < len(grades[s]))) for k in range(depth)
    ]
    rank_label = ["/".join(names) for names in rank_names]
    label_of: dict[tuple[str, str], str] = {}
    for scheme_id in in_use:
        for k, grade in enumerate(grades[scheme_id]):
            label_of[(scheme_id, grade)] = rank_label[k]
    by_unit: dict[str, tuple[Counter[str], Counter[str]]] = {}
    for row in rows:
        computed, claimed = by_unit.setdefault(row.unit, (Counter(), Counter()))
        for counts, stated in ((computed, row.computed), (claimed, row.claimed)):
            grade = canonical_grade(stated, row.scheme)
            counts[label_of.get((row.scheme, grade), grade)] += row.count
    seen = {g for pair in by_unit.values() for counts in pair for g in counts if counts[g]}
    labels = list(rank_label)
    labels += sorted(seen - set(labels) - {NO_GRADE})
    if NO_GRADE in seen:
        labels.append(NO_GRADE)
    units = tuple(
        UnitGrades(
            unit,
            sum(comp.values()),
            tuple(comp[g] for g in labels),
            tuple(claim[g] for g in labels),
        )
        for unit, (comp, claim) in sorted(by_unit.items())
    )
    return GradeTable(
        tuple(labels),
        units,
        tuple(sum(u.computed[i] for u in units) for i in range(len(labels))),
        tuple(sum(u.claimed[i] for u in units) for i in range(len(labels))),
        ranked=len(rank_label),
    )


# -- arithmetic --------------------------------------------------------------------------------------------


def _mean(total: Decimal, count: int) -> Decimal:
    return (total / Decimal(count)).quantize(MEAN_PLACES, ROUND_HALF_UP)


def pearson(sums: CorrelationSums) -> Decimal | None:
    """Pearson's r from the sums, to four decimals; None below two pairs or when either variable
    does not vary. The sums are floats (rates and scores); the formula runs in Decimal, where
    the float values are exact, so only the database's summation rounds."""
    if sums.n < 2:
        return None
    with localcontext() as ctx:
        ctx.prec = 50
        n = Decimal(sums.n)
        sx, sy = Decimal(sums.sum_x), Decimal(sums.sum_y)
        sxx, syy, sxy = Decimal(sums.sum_xx), Decimal(sums.sum_yy), Decimal(sums.sum_xy)
        var_x = n * sxx - sx * sx
        var_y = n * syy - sy * sy
        # A spread this small next to the sums is the summation's rounding, not data.
        tiny = Decimal("1e-9")
        if var_x <= tiny * n * sxx or var_y <= tiny * n * syy:
            return None
        r = (n * sxy - sx * sy) / (var_x * var_y).sqrt()
    r = max(Decimal(-1), min(Decimal(1), r))
    return r.quantize(CORRELATION_PLACES, ROUND_HALF_UP)


# -- building it -------------------------------------------------------------------------------------------


def build_report(
    db: Database,
    *,
    year: int | None = None,
    unit: str | None = None,
    limit: int = DEFAULT_LIMIT,
    sample: int = DEFAULT_SAMPLE,
) -> PortfolioReport:
    """The portfolio report over ``db``, of one year and/or one unit if given."""
    if limit < 0:
        raise JixiaoError(f"--limit 不能为负数（{limit}）")
    with PortfolioReader(db) as r:
        unit_id = None
        if unit is not None:
            unit_id = r.unit_id(unit)
            if unit_id is None:
                similar = r.similar_units(unit)
                hint = f"；名称中含“{unit}”的单位有：{'、'.join(similar)}" if similar else ""
                raise JixiaoError(f"库中没有名为“{unit}”的单位{hint}")
        f = Filter(year=year, unit_id=unit_id)
        counts = r.scope_counts(f)
        grades = _grade_table(r.grades(f))
        histogram = r.claimed_histogram(f, _bounds(CLAIMED_BINS))
        inflation = r.inflation(f)
        sums = r.correlation_sums(f)
        points = r.rate_points(f, available=sums.n, limit=sample)
        bands = r.rate_bands(f, _bounds(RATE_BANDS))
        codes = r.finding_codes(f, current=sum(u.evaluations for u in grades.units))
        worst = r.worst(f, limit)
        fine = r.claimed_histogram(f, _bounds(CLAIMED_FINE))
        conn = r.conn
        risk_rows = questions.unit_risks(conn, f)
        missed_total, missed = questions.missed_targets(conn, f, limit)
        review = questions.review_counts(conn, f)
        absent = questions.absent_units(conn, f, placeholder=UNKNOWN_UNIT)
        low_high = questions.low_rate_high_score(conn, f, LOW_RATE, HIGH_SCORE)
    current = sum(u.evaluations for u in grades.units)
    totals = Totals(
        evaluations=current,
        documents=counts.documents,
        units=len(grades.units),
        unreadable=counts.unreadable,
        # every stored row in scope is current, replaced or unreadable (current ones never are)
        superseded=counts.rows - counts.unreadable - current,
    )
    inflations = sorted(
        (
            Inflation(
                i.unit,
                i.count,
                _mean(i.total, i.count),
                i.max,
                i.inflated,
                (Decimal(i.inflated) / Decimal(i.count)).quantize(SHARE_PLACES, ROUND_HALF_UP),
            )
            for i in inflation
            if i.count
        ),
        key=lambda i: (-i.mean, -i.share, -i.max, i.unit),
    )
    return PortfolioReport(
        year=year,
        unit=unit,
        limit=limit,
        totals=totals,
        grades=grades,
        claimed_totals=Distribution(
            tuple(
                BinCount(spec.label, spec.low, spec.high, n)
                for spec, n in zip(CLAIMED_BINS, histogram.counts, strict=True)
            ),
            histogram.missing,
        ),
        inflation=tuple(inflations),
        execution=Execution(
            pairs=sums.n,
            correlation=pearson(sums),
            points=tuple(ScatterPoint(p.evaluation_id, p.rate, p.claimed) for p in points),
            sampled=len(points) < sums.n,
            bands=tuple(
                BandMean(
                    spec.label,
                    spec.low,
                    spec.high,
                    band.count,
                    _mean(band.claimed_sum, band.count) if band.count else None,
                )
                for spec, band in zip(RATE_BANDS, bands, strict=True)
            ),
        ),
        findings=tuple(FindingCount(c.code, c.severity, c.count, c.evaluations) for c in codes),
        worst=tuple(worst),
        questions=Questions(
            risks=_risks(risk_rows),
            missed_total=missed_total,
            missed=tuple(MissedProject(m.id, m.unit, m.project, m.year, m.rows, m.lost) for m in missed),
            with_errors=sum(r.with_errors for r in risk_rows),
            inflated=sum(r.inflated for r in risk_rows),
            review=tuple((c.status, c.count) for c in review),
            absent=tuple(a.unit for a in absent),
            low_rate_high_score=low_high,
        ),
        claimed_fine=Distribution(
            tuple(
                BinCount(spec.label, spec.low, spec.high, n)
                for spec, n in zip(CLAIMED_FINE, fine.counts, strict=True)
            ),
            fine.missing,
        ),
    )


def _risks(rows: Iterable[UnitRiskRow]) -> tuple[UnitRisk, ...]:
    """Per unit, most flagged per evaluation first (then the larger mean difference, the name)."""
    risks = [
        UnitRisk(
            unit=r.unit,
            unit_id=r.unit_id,
            evaluations=r.evaluations,
            with_errors=r.with_errors,
            missed=r.missed,
            compared=r.compared,
            mean_difference=_mean(r.difference, r.compared) if r.compared else None,
            inflated=r.inflated,
            per_verified=(
                (r.difference * 100 / r.verified_weight).quantize(MEAN_PLACES, ROUND_HALF_UP)
                if r.verified_weight > 0
                else None
            ),
            carried_share=(
                (r.carried_weight / (r.verified_weight + r.carried_weight)).quantize(
                    SHARE_PLACES, ROUND_HALF_UP
                )
                if r.verified_weight + r.carried_weight > 0
                else None
            ),
        )
        for r in rows
    ]
    return tuple(
        sorted(
            risks,
            key=lambda u: (
                -Decimal(u.flagged) / Decimal(u.evaluations),
                -(u.mean_difference if u.mean_difference is not None else Decimal(-1000)),
                u.unit,
            ),
        )
    )


# -- writing it --------------------------------------------------------------------------------------------

REPORT_SUFFIXES = (".xlsx", ".html")


def check_report_path(out: Path) -> None:
    """Refuse, before any work, a report file that could not be written."""
    check_target(out, REPORT_SUFFIXES, "汇总报告")


def report_bytes(report: PortfolioReport, suffix: str) -> bytes:
    """The report as the bytes of a workbook (``.xlsx``) or of a self-contained page (``.html``)."""
    if check_suffix(suffix, REPORT_SUFFIXES, "汇总报告") == ".xlsx":
        from jixiao.portfolio.report_xlsx import portfolio_workbook

        return saved_bytes(portfolio_workbook(report))
    from jixiao.portfolio.report_html import portfolio_html

    return portfolio_html(report).encode("utf-8")


def write_report(report: PortfolioReport, out: Path) -> Path:
    """Write the report (:func:`report_bytes`) to ``out``, a ``.xlsx`` or ``.html`` file."""
    check_report_path(out)
    return write_atomic(out, report_bytes(report, out.suffix))
