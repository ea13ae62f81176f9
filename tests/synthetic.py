"""A synthetic portfolio for benchmarks, and the portfolio queries' timings over it.

``fill(db, 100_000)`` inserts evaluations directly into the tables (bulk inserts in batches;
:meth:`Store.save` does one transaction per evaluation and would take an hour): about 400
evaluations per unit, projects evaluated in 1–4 years, 8 % of them resubmitted (version 2), 1 %
unreadable files, 25 indicator rows, 3 budget lines and on average 5 findings per evaluation,
and a contract text of realistic size (12 KB) — a stored contract is what makes an evaluations
row large, and so what a query that reads the table instead of an index pays for. Everything is
drawn from a seeded generator: the same arguments give the same database.

The rows look like imported ones but are not: their contracts are filler, not evaluations
(``jixiao show`` cannot read them). Use a throwaway database. It is a test and benchmark helper,
not part of the product: the tests import it as ``synthetic`` (``tests/`` is on their path), the
benchmarks (``bench/portfolio.py``, ``bench/web.py``) put ``tests/`` on theirs, and it runs on
its own:

    uv run python tests/synthetic.py sqlite:////tmp/bench.db --evaluations 100000
    uv run python tests/synthetic.py sqlite:////tmp/bench.db --bench-only --repeats 30

prints, per query, the median and 95th percentile of its time over ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import string
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP
from decimal import Decimal
from typing import Any

from sqlalchemy import Table
from sqlalchemy import text

from jixiao.core.checks import CATALOGUE
from jixiao.storage.db import Database
from jixiao.storage.db import open_database
from jixiao.storage.queries import Bound
from jixiao.storage.queries import Filter
from jixiao.storage.queries import PortfolioReader
from jixiao.storage.schema import BudgetLineRow
from jixiao.storage.schema import Document
from jixiao.storage.schema import EvaluationRow
from jixiao.storage.schema import FindingRow
from jixiao.storage.schema import IndicatorRow
from jixiao.storage.schema import Project
from jixiao.storage.schema import Unit
from jixiao.storage.store import UNKNOWN_PROJECT
from jixiao.storage.store import UNKNOWN_UNIT

YEARS = (2021, 2022, 2023, 2024)
GRADES = (
    (Decimal(90), "优", "优秀"),
    (Decimal(80), "良", "良好"),
    (Decimal(60), "中", "合格"),
    (Decimal(0), "差", "较差"),
)
_CODES = [(c.code, c.severity.value) for c in CATALOGUE if c.code != "UNREADABLE_DOCUMENT"]
_CODE_WEIGHTS = [1 / (i + 1) for i in range(len(_CODES))]  # a few codes are common, most are rare
_CENT = Decimal("0.01")
_TENTH = Decimal("0.1")
_RATE = Decimal("0.000001")


def _table(model: type[Any]) -> Table:
    table: Table = model.__table__
    return table


@dataclass(slots=True)
class _Batch:
    units: list[dict[str, object]]
    projects: list[dict[str, object]]
    documents: list[dict[str, object]]
    evaluations: list[dict[str, object]]
    indicators: list[dict[str, object]]
    lines: list[dict[str, object]]
    findings: list[dict[str, object]]

    @classmethod
    def empty(cls) -> _Batch:
        return cls([], [], [], [], [], [], [])

    def tables(self) -> Iterator[tuple[Table, list[dict[str, object]]]]:
        yield _table(Unit), self.units
        yield _table(Project), self.projects
        yield _table(Document), self.documents
        yield _table(EvaluationRow), self.evaluations
        yield _table(IndicatorRow), self.indicators
        yield _table(BudgetLineRow), self.lines
        yield _table(FindingRow), self.findings

    def __len__(self) -> int:
        return len(self.evaluations)


def _grade(total: Decimal | None) -> tuple[str, str] | None:
    if total is None:
        return None
    for low, grade, alias in GRADES:
        if total >= low:
            return grade, alias
    return GRADES[-1][1], GRADES[-1][2]


class _Generator:
    def __init__(self, evaluations: int, seed: int, indicators: int, findings: float, contract_bytes: int):
        self.rng = random.Random(seed)
        self.total = evaluations
        self.indicators = indicators
        self.findings = findings
        self.unit_count = max(1, evaluations // 400)
        self.unit_names = [f"合成单位{i:04d}" for i in range(1, self.unit_count + 1)]
        letters = string.ascii_letters + string.digits + "预算执行产出效益满意度指标目标完成情况"
        self.contracts = [
            '{"schema":"jixiao.evaluation/1","synthetic":"'
            + "".join(self.rng.choice(letters) for _ in range(max(0, contract_bytes - 48)))
            + '"}'
            for _ in range(32)
        ]
        self.ids = dict.fromkeys(
            ("unit", "project", "document", "evaluation", "indicator", "line", "finding"), 0
        )

    def _next(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    def rows(self) -> Iterator[_Batch]:
        """The whole portfolio in batches of whole evaluations (with their projects and units)."""
        batch = _Batch.empty()
        made = 0
        units_made = 0
        while made < self.total:
            if units_made < self.unit_count:
                units_made += 1
                batch.units.append({"id": self._next("unit"), "name": self.unit_names[units_made - 1]})
                if units_made == 1:
                    batch.units.append({"id": self._next("unit"), "name": UNKNOWN_UNIT})
            unit_id = self.rng.randint(1, units_made + 1)  # unit 2 is the unknown one: rare
            if unit_id == 2 and self.rng.random() > 0.05:
                unit_id = 1
            if self.rng.random() < 0.01:
                made += self._unreadable(batch)
            else:
                made += self._project(batch, unit_id, self.total - made)
            if len(batch) >= 1000:
                yield batch
                batch = _Batch.empty()
        if len(batch):
            yield batch

    def _project(self, batch: _Batch, unit_id: int, room: int) -> int:
        rng = self.rng
        project_id = self._next("project")
        batch.projects.append({"id": project_id, "unit_id": unit_id, "name": f"合成项目{project_id:06d}"})
        first = rng.randrange(len(YEARS))
        span = rng.randint(1, len(YEARS) - first)
        # A document that names no year, imported without --year, has none.
        years: tuple[int | None, ...] = (None,) if rng.random() < 0.03 else YEARS[first : first + span]
        made = 0
        for year in years:
            versions = 2 if rng.random() < 0.08 else 1
            for version in range(1, versions + 1):
                if made >= room:
                    return made
                if version > 1:  # it replaces the version just made
                    batch.evaluations[-1]["latest"] = False
                self._evaluation(batch, unit_id, project_id, year, version)
                made += 1
        return made

    def _unreadable(self, batch: _Batch) -> int:
        project_id = self._next("project")
        name = f"报送{project_id:06d}.pdf"
        batch.projects.append({"id": project_id, "unit_id": 2, "name": f"{UNKNOWN_PROJECT}{name}"})
        ev_id = self._evaluation_row(batch, 2, project_id, self.rng.choice((*YEARS, None)), 1, name)
        ev = batch.evaluations[-1]
        ev.update(errors=1, warnings=0, infos=0, unreadable=True)
        batch.findings.append(
            {
                "id": self._next("finding"),
                "evaluation_id": ev_id,
                "position": 0,
                "code": "UNREADABLE_DOCUMENT",
                "severity": "error",
                "message": "无法读取该文件",
                "location": name,
            }
        )
        return 1

    def _evaluation_row(
        self, batch: _Batch, unit_id: int, project_id: int, year: int | None, version: int, name: str
    ) -> int:
        doc_id = self._next("document")
        ev_id = self._next("evaluation")
        batch.documents.append(
            {
                "id": doc_id,
                "sha256": hashlib.sha256(f"synthetic-{doc_id}".encode()).hexdigest(),
                "name": name,
                "path": f"/收件箱/{name}",
                "format": name.rsplit(".", 1)[-1],
                "size": 20_000 + doc_id % 50_000,
            }
        )
        batch.evaluations.append(
            {
                "id": ev_id,
                "project_id": project_id,
                "unit_id": unit_id,
                "year": year,
                "version": version,
                "document_id": doc_id,
                "scheme_id": "mof-2020",
                "planned_fen": None,
                "executed_fen": None,
                "execution_rate": None,
                "claimed_total": None,
                "claimed_grade": None,
                "computed_total": None,
                "computed_grade": None,
                "errors": 0,
                "warnings": 0,
                "infos": 0,
                "unreadable": False,
                "latest": True,
                "contract": self.contracts[ev_id % len(self.contracts)],
            }
        )
        return ev_id

    def _evaluation(
        self, batch: _Batch, unit_id: int, project_id: int, year: int | None, version: int
    ) -> None:
        rng = self.rng
        name = f"{year or '无年度'}-合成项目{project_id:06d}{'-修改' if version > 1 else ''}.docx"
        ev_id = self._evaluation_row(batch, unit_id, project_id, year, version, name)
        ev = batch.evaluations[-1]
        planned = rng.randint(50_000, 500_000_000)  # fen: 500 yuan … 5 million yuan
        rate = min(1.08, max(0.2, rng.gauss(0.93, 0.09)))
        executed = int(planned * rate)
        exact_rate = (Decimal(executed) / Decimal(planned)).quantize(_RATE, ROUND_HALF_UP)
        computed = Decimal(min(100.0, max(35.0, rng.gauss(72 + 15 * rate, 6)))).quantize(_CENT, ROUND_HALF_UP)
        claimed = min(Decimal(100), computed + Decimal(max(0.0, rng.gauss(1.5, 3)))).quantize(
            _TENTH, ROUND_HALF_UP
        )
        has_rate = rng.random() > 0.04
        has_claimed = rng.random() > 0.05
        has_computed = rng.random() > 0.03
        claimed_grade = _grade(claimed) if has_claimed else None
        computed_grade = _grade(computed) if has_computed else None
        ev.update(
            planned_fen=planned if has_rate else None,
            executed_fen=executed if has_rate else None,
            execution_rate=exact_rate if has_rate else None,
            claimed_total=claimed if has_claimed else None,
            claimed_grade=(claimed_grade[1] if rng.random() < 0.3 else claimed_grade[0])
            if claimed_grade
            else None,
            computed_total=computed if has_computed else None,
            computed_grade=computed_grade[0] if computed_grade else None,
        )
        weight = Decimal(100) / self.indicators
        for i in range(self.indicators):
            score = (weight * Decimal(rng.choice((1, 1, 1, 0.8, 0.5)))).quantize(_CENT)
            batch.indicators.append(
                {
                    "id": self._next("indicator"),
                    "evaluation_id": ev_id,
                    "position": i,
                    "level1": "产出指标" if i < self.indicators // 2 else "效益指标",
                    "level2": "数量指标",
                    "name": f"合成指标{i}",
                    "weight": weight.quantize(_CENT),
                    "claimed_score": score,
                    "computed_score": score,
                    "target": f"≥{rng.randint(1, 500)}个",
                    "actual": f"{rng.randint(1, 500)}个",
                }
            )
        for i in range(3):
            batch.lines.append(
                {
                    "id": self._next("line"),
                    "evaluation_id": ev_id,
                    "position": i,
                    "name": f"支出明细{i + 1}",
                    "planned_fen": planned // 3,
                    "executed_fen": executed // 3,
                    "group_name": None,
                }
            )
        count = min(15, int(rng.expovariate(1 / self.findings))) if self.findings > 0 else 0
        counts = {"error": 0, "warning": 0, "info": 0}
        for i, (code, severity) in enumerate(rng.choices(_CODES, _CODE_WEIGHTS, k=count)):
            counts[severity] += 1
            batch.findings.append(
                {
                    "id": self._next("finding"),
                    "evaluation_id": ev_id,
                    "position": i,
                    "code": code,
                    "severity": severity,
                    "message": f"合成问题 {code}",
                    "location": f"第{i + 1}行",
                }
            )
        ev.update(errors=counts["error"], warnings=counts["warning"], infos=counts["info"])


def fill(
    db: Database,
    evaluations: int,
    *,
    seed: int = 0,
    indicators: int = 25,
    findings: float = 5.0,
    contract_bytes: int = 12_000,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Insert a synthetic portfolio of ``evaluations`` rows into an empty database."""
    gen = _Generator(evaluations, seed, indicators, findings, contract_bytes)
    done = 0
    for batch in gen.rows():
        with db.engine.begin() as conn:
            for table, rows in batch.tables():
                if rows:
                    conn.execute(table.insert(), rows)
        done += len(batch)
        if progress is not None:
            progress(done)
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            # The id sequences stay behind the explicit ids; move them on so Store.save still works.
            for model in (Unit, Project, Document, EvaluationRow, IndicatorRow, BudgetLineRow, FindingRow):
                name = _table(model).name
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
                )
            conn.commit()


def analyze(db: Database) -> None:
    """Refresh the planner's statistics (PostgreSQL's autovacuum does this by itself)."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(text("ANALYZE"))


RATE_BOUNDS = (*(Bound(Decimal(v)) for v in ("0.8", "0.9", "0.95", "1")), Bound(Decimal(1), True))
SCORE_BOUNDS = (*(Bound(Decimal(v)) for v in (60, 70, 80, 85, 90, 95, 100)), Bound(Decimal(100), True))


def bench(
    db: Database, *, repeats: int = 20, f: Filter | None = None
) -> dict[str, tuple[list[float], list[float]]]:
    """Each portfolio query ``repeats`` times (after one warm-up run): its wall-clock times and
    this process's CPU times, in seconds (for SQLite, which runs in this process, the CPU time
    is the query's cost without the waits a busy machine adds; for PostgreSQL it is only the
    client's share)."""
    f = f or Filter()
    times: dict[str, tuple[list[float], list[float]]] = {}
    with PortfolioReader(db) as r:
        n = r.correlation_sums(f).n
        current = sum(g.count for g in r.grades(f))
    queries: dict[str, Callable[[PortfolioReader], object]] = {
        "scope_counts": lambda r: r.scope_counts(f),
        "grades": lambda r: r.grades(f),
        "claimed_histogram": lambda r: r.claimed_histogram(f, SCORE_BOUNDS),
        "inflation": lambda r: r.inflation(f),
        "correlation_sums": lambda r: r.correlation_sums(f),
        "rate_bands": lambda r: r.rate_bands(f, RATE_BOUNDS),
        "rate_points": lambda r: r.rate_points(f, available=n, limit=5000),
        "finding_codes": lambda r: r.finding_codes(f, current=current),
        "worst": lambda r: r.worst(f, 20),
    }
    for name, query in queries.items():
        runs: list[float] = []
        cpu: list[float] = []
        for i in range(repeats + 1):
            with PortfolioReader(db) as r:
                began, began_cpu = time.perf_counter(), time.process_time()
                query(r)
                elapsed, elapsed_cpu = time.perf_counter() - began, time.process_time() - began_cpu
            if i:
                runs.append(elapsed)
                cpu.append(elapsed_cpu)
        times[name] = (runs, cpu)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("url", help="a throwaway database (sqlite:///… or postgresql+psycopg://…)")
    parser.add_argument("--evaluations", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--bench-only", action="store_true", help="do not fill; time the queries only")
    parser.add_argument("--analyze", action="store_true", help="ANALYZE before timing (SQLite)")
    parser.add_argument("--year", type=int, default=None)
    parser.add_argument("--unit-id", type=int, default=None)
    args = parser.parse_args(argv)
    db = open_database(args.url)
    try:
        if not args.bench_only:
            began = time.perf_counter()
            fill(db, args.evaluations, seed=args.seed, progress=lambda n: print(f"\r{n} evaluations", end=""))
            print(f"\nfilled in {time.perf_counter() - began:.1f} s")
        if args.analyze or db.engine.dialect.name == "postgresql":
            analyze(db)
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT count(*) FROM evaluations")).scalar_one()
            findings = conn.execute(text("SELECT count(*) FROM findings")).scalar_one()
            indicators = conn.execute(text("SELECT count(*) FROM indicators")).scalar_one()
        print(f"{db.engine.dialect.name}: {rows} evaluations, {indicators} indicators, {findings} findings")
        print(f"{'query':18} {'wall p50':>9} {'wall p95':>9} {'cpu p50':>9} {'cpu p95':>9}  (ms)")
        for name, (runs, cpu) in bench(
            db, repeats=args.repeats, f=Filter(year=args.year, unit_id=args.unit_id)
        ).items():
            figures = (statistics.median(runs), _p95(runs), statistics.median(cpu), _p95(cpu))
            print(f"{name:18} " + " ".join(f"{v * 1000:9.1f}" for v in figures))
    finally:
        db.close()


if __name__ == "__main__":
    main()
