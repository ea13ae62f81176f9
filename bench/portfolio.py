"""Benchmark: importing an inbox into the database, and the portfolio queries at scale.

    uv run python bench/portfolio.py [--files 10000] [--evaluations 100000] [--skip-import] [--skip-queries]
        [--workers 1,2] [--repeat 1] [--inbox DIR]

Part 1 — import. Generates ``--files`` varied reports with ``bench/make_inbox.py`` (docx, xlsx, txt;
no PDFs, whose LibreOffice cost would swamp everything), then on 1 and on 2 workers, side by side:
the extraction alone (``jixiao check``'s batch: read, extract, score, check) and the full import
into a fresh SQLite database (hashing, extraction, archiving the original, one transaction per
file). Prints files/s, the ratio import ÷ extraction (goal ≤ 1.3), the workers' peak RSS and the
importing process's, and the CPU time per file of the importing process (its writing thread
included) and of the workers: on a machine whose cores are all busy the import cannot beat its
CPU ratio, and CPU time is steadier than wall time when other work shares the machine.
``--repeat N`` measures each pair N times, alternating, and keeps the fastest of each; ``--inbox
DIR`` keeps the generated inbox in DIR (or reuses the one already there) for the next run.

Part 2 — queries. Fills a fresh SQLite database and a fresh PostgreSQL database (a throwaway server
started as the tests do) with ``--evaluations`` synthetic evaluations (25 indicator rows each, about
5 findings) and times every portfolio query (p50/p95 over 20 runs; goal p95 < 200 ms).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "tests"))

import synthetic  # noqa: E402
from extract import _workers_rss  # noqa: E402
from inbox import generate  # noqa: E402
from jixiao.intake.batch import check_files  # noqa: E402
from jixiao.intake.batch import find_files  # noqa: E402
from jixiao.intake.limits import Limits  # noqa: E402
from jixiao.portfolio.executors import ProcessExecutor  # noqa: E402
from jixiao.portfolio.importer import ImportResult  # noqa: E402
from jixiao.portfolio.importer import import_paths  # noqa: E402
from jixiao.storage.db import open_database  # noqa: E402
from jixiao.storage.store import Store  # noqa: E402


class _RssWatch(ProcessExecutor):
    """The process executor, noting the workers' peak RSS just before they stop."""

    peak: float = 0.0

    def run(self, files: list[Path]):  # type: ignore[no-untyped-def]
        for i, item in enumerate(super().run(files), start=1):
            if i == len(files):
                _RssWatch.peak = max(_RssWatch.peak, _workers_rss())
            yield item


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _own_peak_rss() -> float:
    """This process's peak RSS (VmHWM), MiB."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class _Run(NamedTuple):
    seconds: float
    parent_cpu: float  # this process, the importer's writing thread included
    workers_cpu: float  # the worker processes (reaped children)


def _measured(work: Callable[[], object]) -> _Run:
    cpu, children = _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    work()
    return _Run(
        time.perf_counter() - began,
        _cpu(resource.RUSAGE_SELF) - cpu,
        _cpu(resource.RUSAGE_CHILDREN) - children,
    )


def _extract(files: list[Path], workers: int) -> _Run:
    """The extraction alone."""

    def run() -> None:
        for _ in check_files(files, jobs=workers, limits=Limits()):
            pass

    return _measured(run)


def _import(inbox: Path, files: list[Path], workers: int, work: Path) -> _Run:
    """The full import into a fresh SQLite database."""
    target = work / f"import{workers}"
    shutil.rmtree(target, ignore_errors=True)
    db = open_database(f"sqlite:///{target / 'jixiao.db'}")
    results: list[ImportResult] = []
    run = _measured(
        lambda: results.append(
            import_paths([inbox], Store(db), _RssWatch(workers, Limits()), target / "data")
        )
    )
    db.close()
    assert results[0].imported == len(files), results[0]
    shutil.rmtree(target, ignore_errors=True)
    return run


def part_import(n: int, work: Path, workers_list: list[int], repeat: int, inbox: Path | None) -> None:
    if inbox is None or not inbox.is_dir() or not any(inbox.iterdir()):
        inbox = inbox or work / "inbox"
        began = time.perf_counter()
        generate(
            inbox,
            n,
            seed=7,
            formats=("docx", "xlsx", "txt"),
            pdf_share=0.0,
            defects=0.3,
            workers=2,
            log=None,
        )
        print(f"generated {n} files in {time.perf_counter() - began:.1f} s")
    truth = inbox / "ground_truth.jsonl"  # make_inbox.py's, not a submission
    if truth.exists():
        truth.replace(inbox.parent / f"{inbox.name}.ground_truth.jsonl")
    files = find_files([inbox])
    n = len(files)
    print(f"{n} files in {inbox}")
    rows: list[tuple[int, _Run, _Run]] = []
    for workers in workers_list:
        extract: list[_Run] = []
        full: list[_Run] = []
        _RssWatch.peak = 0.0
        for _ in range(repeat):
            extract.append(_extract(files, workers))
            full.append(_import(inbox, files, workers, work))
        e, i = min(extract), min(full)
        rows.append((workers, e, i))
        print(
            f"{workers} workers: extraction {e.seconds:.2f} s ({n / e.seconds:.1f} files/s), import"
            f" {i.seconds:.2f} s ({n / i.seconds:.1f} files/s), ratio {i.seconds / e.seconds:.2f};"
            f" worker RSS {_RssWatch.peak:.0f} MiB, importer RSS {_own_peak_rss():.0f} MiB",
            flush=True,
        )
        if repeat > 1:
            print(
                f"  all runs, s: extraction {' '.join(f'{r.seconds:.1f}' for r in extract)};"
                f" import {' '.join(f'{r.seconds:.1f}' for r in full)}"
            )
    print(
        f"\n{'workers':>7}  {'extract s':>9} {'files/s':>8}  {'import s':>8} {'files/s':>8}  {'ratio':>5}"
        f"  {'CPU ms/file: importer':>21} {'workers':>15}  {'CPU ratio':>9}"
    )
    for workers, e, i in rows:
        e_total, i_total = e.parent_cpu + e.workers_cpu, i.parent_cpu + i.workers_cpu
        print(
            f"{workers:>7}  {e.seconds:9.2f} {n / e.seconds:8.1f}  {i.seconds:8.2f} {n / i.seconds:8.1f}"
            f"  {i.seconds / e.seconds:5.2f}  {e.parent_cpu / n * 1000:9.2f} / {i.parent_cpu / n * 1000:5.2f}"
            f"  {e.workers_cpu / n * 1000:6.2f} / {i.workers_cpu / n * 1000:5.2f}  {i_total / e_total:9.2f}"
        )
    print(
        "(CPU ms/file: extraction / import, in the importing process and in the workers; CPU ratio:"
        " the import's total CPU over the extraction's, the ratio a machine whose cores are all busy"
        " cannot beat)"
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
    ap.add_argument("--skip-import", action="store_true", help="only part 2 (the queries)")
    ap.add_argument("--skip-queries", action="store_true", help="only part 1 (the import)")
    ap.add_argument(
        "--workers", default="1,2", help="worker counts for part 1, comma-separated (default 1,2)"
    )
    ap.add_argument("--repeat", type=int, default=1, help="measure each pair N times, keep the fastest")
    ap.add_argument("--inbox", type=Path, default=None, help="keep (or reuse) part 1's inbox in this folder")
    args = ap.parse_args()
    workers_list = [int(w) for w in args.workers.split(",") if w.strip()]
    work = Path(tempfile.mkdtemp(prefix="jixiao-portfolio-bench-"))
    try:
        if not args.skip_import:
            part_import(args.files, work, workers_list, max(1, args.repeat), args.inbox)
        if not args.skip_queries:
            part_queries(args.evaluations, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
