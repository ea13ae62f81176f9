"""Benchmark: importing an inbox into the database, and the portfolio queries at scale.

    uv run python bench/portfolio.py [--files 10000] [--evaluations 100000] [--skip-import] [--skip-queries]

Part 1 — import. Generates ``--files`` varied reports with ``bench/make_inbox.py`` (docx, xlsx, txt;
no PDFs, whose LibreOffice cost would swamp everything), then on 1 and on 2 workers, side by side:
the extraction alone (``jixiao check``'s batch: read, extract, score, check) and the full import
into a fresh SQLite database (hashing, extraction, archiving the original, one transaction per
file). Prints files/s, the ratio import ÷ extraction (goal ≤ 1.3) and the workers' peak RSS.

Part 2 — queries. Fills a fresh SQLite database and a fresh PostgreSQL database (a throwaway server
started as the tests do) with ``--evaluations`` synthetic evaluations (25 indicator rows each, about
5 findings) and times every portfolio query (p50/p95 over 20 runs; goal p95 < 200 ms).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

from extract import _workers_rss  # noqa: E402
from inbox import generate  # noqa: E402
from jixiao.intake.batch import check_files  # noqa: E402
from jixiao.intake.batch import find_files  # noqa: E402
from jixiao.intake.limits import Limits  # noqa: E402
from jixiao.portfolio.executors import ProcessExecutor  # noqa: E402
from jixiao.portfolio.importer import import_paths  # noqa: E402
from jixiao.storage import synthetic  # noqa: E402
from jixiao.storage.db import open_database  # noqa: E402
from jixiao.storage.store import Store  # noqa: E402


class _RssWatch(ProcessExecutor):
    """The process executor, noting the workers' peak RSS just before they stop."""

    peak: float = 0.0

    def run(self, files: list[Path]):  # type: ignore[no-untyped-def]
        for i, item in enumerate(super().run(files), start=1):
            if i == len(files):
                _RssWatch.peak = _workers_rss()
            yield item


def part_import(n: int, work: Path) -> None:
    inbox = work / "inbox"
    began = time.perf_counter()
    generate(
        inbox, n, seed=7, formats=("docx", "xlsx", "txt"), pdf_share=0.0, defects=0.3, workers=2, log=None
    )
    (inbox / "ground_truth.jsonl").replace(work / "ground_truth.jsonl")  # not a submission
    files = find_files([inbox])
    print(f"generated {len(files)} files in {time.perf_counter() - began:.1f} s")
    print(
        f"{'workers':>7}  {'extract s':>9} {'files/s':>8}  {'import s':>8} {'files/s':>8}  {'ratio':>5}  {'worker RSS':>10}"
    )
    for workers in (1, 2):
        began = time.perf_counter()
        for _ in check_files(files, jobs=workers, limits=Limits()):
            pass
        extract = time.perf_counter() - began
        db = open_database(f"sqlite:///{work / f'import{workers}.db'}")
        executor = _RssWatch(workers, Limits())
        began = time.perf_counter()
        result = import_paths([inbox], Store(db), executor, work / f"data{workers}")
        full = time.perf_counter() - began
        db.close()
        assert result.imported == len(files), result
        print(
            f"{workers:>7}  {extract:9.2f} {len(files) / extract:8.1f}  {full:8.2f} {len(files) / full:8.1f}"
            f"  {full / extract:5.2f}  {_RssWatch.peak:9.0f}M"
        )


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def part_queries(n: int, work: Path) -> None:
    from pgserver import start_server

    server = start_server()
    try:
        for name, url in (
            ("sqlite", f"sqlite:///{work / 'portfolio.db'}"),
            ("postgresql", server.create_database("bench")),
        ):
            db = open_database(url)
            began = time.perf_counter()
            synthetic.fill(db, n, seed=1)
            synthetic.analyze(db)
            print(f"\n{name}: {n} evaluations loaded in {time.perf_counter() - began:.1f} s")
            worst = 0.0
            for query, (wall, cpu) in synthetic.bench(db, repeats=20).items():
                p95 = _p95(wall)
                worst = max(worst, p95)
                print(
                    f"  {query:18} p50 {statistics.median(wall) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms"
                    f"   (client CPU p95 {_p95(cpu) * 1000:6.1f} ms)"
                )
            print(f"  slowest p95 {worst * 1000:.1f} ms (goal < 200 ms)")
            db.close()
    finally:
        server.stop()


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--files", type=int, default=10_000)
    ap.add_argument("--evaluations", type=int, default=100_000)
    ap.add_argument("--skip-import", action="store_true")
    ap.add_argument("--skip-queries", action="store_true")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jixiao-portfolio-bench-"))
    try:
        if not args.skip_import:
            part_import(args.files, work)
        if not args.skip_queries:
            part_queries(args.evaluations, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
