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
- 自评表 PDFs: ``evaluation_bytes(ev, scheme, ".pdf")`` for ``--pdf`` generated evaluations
  (``bench/export.py``'s generator), against the floor of one ``soffice --convert-to pdf`` call
  per process for the same .docx 自评表 (with jixiao's fonts.conf, as the export uses).

Goals (issue 17): .doc/.wps within 2× of the warm conversion and ≥ 10 files/s on 2 cores; batch
自评表 PDF export ≥ 10 PDFs/s on 2 cores. Figures only: nothing is asserted.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import subprocess
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
from jixiao import office  # noqa: E402
from jixiao.core.model import Evaluation  # noqa: E402
from jixiao.export.pdf import fonts_conf  # noqa: E402
from jixiao.schemes import load_scheme  # noqa: E402
from jixiao.services import evaluation_bytes  # noqa: E402

CACHE = HERE.parent / "out" / "bench" / "office"
SCHEME = "hubei-2019"


def soffice_batch(files: list[Path], target: str, outdir: Path, env: dict[str, str] | None = None) -> None:
    """One LibreOffice for all ``files`` (its own profile): LibreOffice's multi-file conversion."""
    exe = office.soffice()
    if exe is None:
        raise SystemExit("LibreOffice is not installed")
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="bench-lo-") as profile:
        subprocess.run(
            [
                *(exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore"),
                *("--convert-to", target, "--outdir", str(outdir), *map(str, files)),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp", **(env or {})},
        )


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


def time_floor(files: list[Path], target: str, jobs: int, env: dict[str, str] | None = None) -> float:
    """Seconds for ``jobs`` concurrent multi-file ``soffice --convert-to`` calls over ``files``."""
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        with mp.get_context("fork").Pool(jobs) as pool:
            pool.starmap(
                soffice_batch,
                [(part, target, Path(out) / str(i), env) for i, part in enumerate(_split(files, jobs))],
            )
        return time.perf_counter() - start


def _convert_part(part: list[Path]) -> int:
    with tempfile.TemporaryDirectory() as out:
        for f in part:
            office.convert(f, "docx", Path(out), 120)
    office.shutdown()
    return len(part)


def _pdf_part(evs: list[Evaluation]) -> int:
    scheme = load_scheme(SCHEME)
    made = sum(evaluation_bytes(ev, scheme, ".pdf")[:5] == b"%PDF-" for ev in evs)
    office.shutdown()
    return made


def time_parts(parts: list[list[object]], run: Callable[[list[object]], int]) -> tuple[float, int]:
    """Seconds for ``run`` over each part in its own process (all parts at once), and its total."""
    start = time.perf_counter()
    with mp.get_context("fork").Pool(len(parts)) as pool:
        done = sum(pool.map(run, parts))
    return time.perf_counter() - start, done


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
    print(
        "| input | jobs | floor: soffice --convert-to, files/s | jixiao.office.convert files/s | ÷ floor |",
        end="",
    )
    print(" jixiao check files/s | check ÷ floor |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, files in ((".doc", docs), (".wps", wps)):
        for jobs in jobs_list:
            floor = time_floor(files, "docx", jobs)
            runner, done = time_parts(_split(files, jobs), _convert_part)  # type: ignore[arg-type]
            assert done == len(files)
            check, _rss10, _rss100 = time_pipeline(files, jobs)
            n = len(files)
            print(
                f"| {label} | {jobs} | {n / floor:.1f} | {n / runner:.1f} | {runner / floor:.2f} "
                f"| {n / check:.1f} | {check / floor:.2f} |"
            )

    scheme = load_scheme(SCHEME)
    rng = random.Random(20241122)
    evs = [make(rng, scheme) for _ in range(args.pdf)]
    print(
        "\n| 自评表 PDF | jobs | floor: soffice --convert-to pdf, PDFs/s | jixiao evaluation_bytes(.pdf) PDFs/s | ÷ floor |"
    )
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        tables = []
        for i, ev in enumerate(evs):
            path = Path(tmp) / f"t{i:04d}.docx"
            path.write_bytes(evaluation_bytes(ev, scheme, ".docx"))
            tables.append(path)
        for jobs in jobs_list:
            floor = time_floor(tables, "pdf", jobs, env={"FONTCONFIG_FILE": str(fonts_conf())})
            parts = [evs[i::jobs] for i in range(jobs)]
            exported, made = time_parts(parts, _pdf_part)  # type: ignore[arg-type]
            assert made == len(evs)
            n = len(evs)
            print(f"| {n} | {jobs} | {n / floor:.1f} | {n / exported:.1f} | {exported / floor:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
