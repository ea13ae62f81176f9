"""Benchmark: reading scans (OCR) beside reading the text-layer PDFs they were printed from.

    uv run python bench/ocr.py                                # out/scans (made first if missing)
    uv run python bench/ocr.py --conditions 300dpi,150dpi,photo --jobs 1,2

The scans come from ``tests/data/scans/make.py`` (``manifest.json``). For each condition asked
for, on 1 and on 2 worker processes, side by side in one run: the text-layer PDFs through
``jixiao check``'s pipeline (read, extract, score, check — the path a PDF with text takes), then
the scans of that condition through the same pipeline (page preparation, OCR, table grid,
extract, score, check). Prints pages/s for each and the workers' peak RSS (VmHWM of the worker
processes while the batch runs) and the workers' CPU seconds per page (user + system, read from
/proc: on a shared machine the figure that moves least with the load). Figures only: nothing is asserted (machines are noisy; run it
on an idle machine for figures to keep).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
import time
from pathlib import Path

from extract import _workers_rss
from jixiao.intake.batch import check_files_grouped
from jixiao.intake.limits import MB
from jixiao.intake.limits import Limits
from ocr_accuracy import CONDITIONS
from ocr_accuracy import ROOT
from ocr_accuracy import ensure_material


def _workers_cpu(seen: dict[int, float]) -> None:
    """Record the CPU seconds (user + system) each live worker process has used so far."""
    me = str(os.getpid())
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == me:  # field 4, the parent
            seen[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime


def run(files: list[Path], jobs: int, limits: Limits) -> tuple[float, float, float, int]:
    """(seconds, worker CPU seconds, peak worker RSS in MiB, evaluations with a total) for one batch."""
    start = time.perf_counter()
    peak = 0.0
    cpu: dict[int, float] = {}
    totals = 0
    for _path, evaluations in check_files_grouped(files, jobs=jobs, limits=limits):
        peak = max(peak, _workers_rss())  # the workers live until the batch ends
        _workers_cpu(cpu)
        totals += evaluations[0].claimed.total is not None
    return time.perf_counter() - start, sum(cpu.values()), peak, totals


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "out" / "scans")
    parser.add_argument(
        "--generated", type=int, default=4, help="when making the material: generated evaluations"
    )
    parser.add_argument("--conditions", default="300dpi,150dpi,photo")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument(
        "--worker-mb", type=float, help="address-space cap of a worker (MB; 0: none); default as jixiao check"
    )
    parser.add_argument("--limit", type=int, default=0, help="at most this many scans of each condition")
    args = parser.parse_args(argv)
    ensure_material(args.dir, args.generated, ",".join(CONDITIONS))
    limits = Limits()
    if args.worker_mb is not None:
        limits = dataclasses.replace(limits, max_worker_bytes=int(args.worker_mb * MB))
    manifest = json.loads((args.dir / "manifest.json").read_text(encoding="utf-8"))
    print(
        f"{'input':>16} {'jobs':>4} {'files':>5} {'pages':>5} {'seconds':>8} {'pages/s':>8} {'CPU s/page':>10} {'read':>5} {'worker RSS':>10}"
    )
    for condition in [c for c in args.conditions.split(",") if c]:
        scans = [m for m in manifest if m["condition"] == condition][: args.limit or None]
        if not scans:
            print(f"no scans of condition {condition} in {args.dir}", file=sys.stderr)
            continue
        pages = sum(m["pages"] for m in scans)
        inputs = {
            "text-layer PDF": [args.dir / m["truth"] for m in scans],
            f"scan {condition}": [args.dir / m["scan"] for m in scans],
        }
        for jobs in [int(j) for j in args.jobs.split(",")]:
            for label, files in inputs.items():
                seconds, cpu, rss, totals = run(files, jobs, limits)
                print(
                    f"{label:>16} {jobs:>4} {len(files):>5} {pages:>5} {seconds:8.1f} {pages / seconds:8.2f} "
                    f"{cpu / pages:10.2f} {totals:>5} {rss:9.0f}M",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
