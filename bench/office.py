"""Benchmark: jixiao's long-lived LibreOffice against LibreOffice's own batch conversion.

    uv run python bench/office.py                     # 200 .doc, the same as .wps, 100 PDFs
    uv run python bench/office.py --files 60 --pdf 40 --jobs 2

Builds (once: kept under ``out/bench/office/``, which git ignores) ``--files`` distinct reports
(``bench/extract.py``'s generator) saved as Word 97 ``.doc`` by LibreOffice, and the same bytes
named ``.wps`` (WPS Writer's files are Word's binary format). Then, in one run, side by side, on
1 and on ``--jobs`` processes:

- floor: a warm LibreOffice conversion — one ``soffice --convert-to docx`` call per process for
  all its files (LibreOffice started once per call, then converting file after file);
- ``jixiao.office.convert`` file by file in each process (its office started on first need and
  reused): the runner itself;
- ``jixiao check``'s batch (``check_files``: worker processes, each with its own office, then
  reading, extracting, scoring and checking the converted .docx): .doc and .wps end to end;
- 自评表 PDFs: ``evaluation_bytes(ev, scheme, ".pdf", pdf_engine="libreoffice")`` for ``--pdf`` generated evaluations
  (``bench/export.py``'s generator), against the floor of one ``soffice --convert-to pdf`` call
  per process for the same .docx 自评表 (with jixiao's fonts.conf, as the export uses).

Beside each rate, in brackets, the rate two idle cores would give at the CPU time measured per
file (the processes' own CPU seconds, LibreOffice's included): on a shared machine the wall-clock
rates fall with the load, the CPU cost much less. ``JIXIAO_OFFICE_PYTHON= uv run python
bench/office.py`` measures the fallback (one LibreOffice per file, without python3-uno).

Goals (issue 17): .doc/.wps within 2× of the warm conversion and ≥ 10 files/s on 2 cores; batch
自评表 PDF export ≥ 10 PDFs/s on 2 cores. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from export import make  # noqa: E402
from extract import make_report  # noqa: E402
from extract import time_pipeline  # noqa: E402
from inbox.pdf import convert_batch  # noqa: E402
from jixiao import office  # noqa: E402
from jixiao.core.model import Evaluation  # noqa: E402
from jixiao.schemes import load_scheme  # noqa: E402
from jixiao.services import evaluation_bytes  # noqa: E402

CACHE = HERE.parent / "out" / "bench" / "office"
SCHEME = "hubei-2019"


def soffice_batch(files: list[Path], target: str, outdir: Path) -> float:
    """One LibreOffice for all ``files`` (``bench/inbox/pdf.py``'s multi-file call, with its own
    profile and jixiao's fonts.conf). Returns the CPU seconds it took (``oosplash`` waits for
    ``soffice.bin``, so they add up in the children this process waited for)."""
    before = os.times()
    done, problem = convert_batch(files, outdir, 3600, target)
    if problem or len(done) != len(files):
        raise SystemExit(f"LibreOffice converted {len(done)} of {len(files)} files: {problem}")
    after = os.times()
    return after.children_user + after.children_system - before.children_user - before.children_system


def build(n: int) -> list[Path]:
    """``n`` distinct .doc reports (cached), converted from generated .docx in one call."""
    docs = CACHE / f"doc-{n}"
    files = sorted(docs.glob("*.doc"))
    if len(files) == n:
        return files
    shutil.rmtree(docs, ignore_errors=True)
    rng = random.Random(20261207)
    with tempfile.TemporaryDirectory() as tmp:
        sources = []
        for i in range(n):
            path = Path(tmp) / f"report{i:04d}.docx"
            make_report(path, rng)
            sources.append(path)
        soffice_batch(sources, "doc", docs)
    return sorted(docs.glob("*.doc"))


def as_wps(files: list[Path]) -> list[Path]:
    wps = CACHE / f"wps-{len(files)}"
    wps.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = wps / f"{f.stem}.wps"
        if not target.exists():
            shutil.copyfile(f, target)
    return sorted(wps.glob("*.wps"))


def _split(items: list[Path], jobs: int) -> list[list[Path]]:
    return [items[i::jobs] for i in range(jobs)]


def time_floor(files: list[Path], target: str, jobs: int) -> tuple[float, float]:
    """Seconds and CPU seconds for ``jobs`` concurrent multi-file ``soffice --convert-to`` calls."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        with mp.get_context("fork").Pool(jobs) as pool:
            cpu = pool.starmap(
                soffice_batch,
                [(part, target, Path(out) / str(i)) for i, part in enumerate(_split(files, jobs))],
            )
        return time.perf_counter() - start, sum(cpu)


def _office_cpu() -> float:
    """CPU seconds of this process and of its offices so far (every process of each office's group:
    the helper, oosplash, soffice.bin), read before they end."""
    tick = os.sysconf("SC_CLK_TCK")
    groups = {helper for helper, _soffice, _profile in office.running()}
    total = sum(os.times()[:4])  # with the children it waited for (one-shot LibreOffices)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) in groups:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _convert_part(part: list[Path]) -> tuple[int, float]:
    with tempfile.TemporaryDirectory() as out:
        for f in part:
            office.convert(f, "docx", Path(out), 120)
    cpu = _office_cpu()
    office.shutdown()
    return len(part), cpu


def _pdf_part(evs: list[Evaluation]) -> tuple[int, float]:
    scheme = load_scheme(SCHEME)
    # the 自评表 printed by LibreOffice (the default engine draws it with ReportLab: bench/pdf.py)
    made = sum(evaluation_bytes(ev, scheme, ".pdf", pdf_engine="libreoffice")[:5] == b"%PDF-" for ev in evs)
    cpu = _office_cpu()
    office.shutdown()
    return made, cpu


def time_parts(
    parts: list[list[object]], run: Callable[[list[object]], tuple[int, float]]
) -> tuple[float, int, float]:
    """Seconds for ``run`` over each part in its own process (all parts at once), the files done,
    and the CPU seconds spent."""
    start = time.perf_counter()
    with mp.get_context("fork").Pool(len(parts)) as pool:
        results = pool.map(run, parts)
    return time.perf_counter() - start, sum(n for n, _ in results), sum(c for _, c in results)


def capacity(n: int, cpu: float, cores: int) -> str:
    """Files/s that ``cores`` idle cores would give at this CPU cost per file."""
    return f"{cores * n / cpu:.1f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=200, help="distinct .doc reports (and as many .wps)")
    ap.add_argument("--pdf", type=int, default=100, help="自评表 PDFs to export")
    ap.add_argument("--jobs", type=int, default=2, help="processes for the parallel runs")
    args = ap.parse_args()
    if office.soffice() is None:
        raise SystemExit("LibreOffice is not installed")
    t0 = time.perf_counter()
    docs = build(args.files)
    wps = as_wps(docs)
    print(
        f"{len(docs)} .doc and {len(wps)} .wps reports ready in {time.perf_counter() - t0:.1f} s",
        file=sys.stderr,
    )
    mode = (
        "long-lived office (UNO)" if office.pool.uno_python() else "one LibreOffice per file (no python3-uno)"
    )
    print(f"jixiao.office: {mode}; {os.cpu_count()} cores\n")

    jobs_list = sorted({1, args.jobs})
    cores = 2
    print(
        "| input | jobs | floor: soffice --convert-to, files/s (CPU-bound on 2 cores) "
        "| jixiao.office.convert files/s (CPU-bound on 2 cores) | ÷ floor | jixiao check files/s | check ÷ floor |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, files in ((".doc", docs), (".wps", wps)):
        for jobs in jobs_list:
            floor, floor_cpu = time_floor(files, "docx", jobs)
            runner, done, runner_cpu = time_parts(_split(files, jobs), _convert_part)  # type: ignore[arg-type]
            assert done == len(files)
            check, _rss10, _rss100 = time_pipeline(files, jobs)
            n = len(files)
            print(
                f"| {label} | {jobs} | {n / floor:.1f} ({capacity(n, floor_cpu, cores)}) "
                f"| {n / runner:.1f} ({capacity(n, runner_cpu, cores)}) | {runner / floor:.2f} "
                f"| {n / check:.1f} | {check / floor:.2f} |"
            )

    scheme = load_scheme(SCHEME)
    rng = random.Random(20241122)
    evs = [make(rng, scheme) for _ in range(args.pdf)]
    print(
        "\n| 自评表 PDFs | jobs | floor: soffice --convert-to pdf, PDFs/s (CPU-bound on 2 cores) "
        "| jixiao evaluation_bytes(.pdf) PDFs/s (CPU-bound on 2 cores) | ÷ floor |"
    )
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        tables = []
        for i, ev in enumerate(evs):
            path = Path(tmp) / f"t{i:04d}.docx"
            path.write_bytes(evaluation_bytes(ev, scheme, ".docx"))
            tables.append(path)
        for jobs in jobs_list:
            floor, floor_cpu = time_floor(tables, "pdf", jobs)
            parts = [evs[i::jobs] for i in range(jobs)]
            exported, made, exported_cpu = time_parts(parts, _pdf_part)  # type: ignore[arg-type]
            assert made == len(evs)
            n = len(evs)
            print(
                f"| {n} | {jobs} | {n / floor:.1f} ({capacity(n, floor_cpu, cores)}) "
                f"| {n / exported:.1f} ({capacity(n, exported_cpu, cores)}) | {exported / floor:.2f} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
