"""Benchmark: a mixed inbox through ``jixiao check`` and the web upload, beside each format's floor.

    uv run python bench/inbox.py [--files 1000] [--jobs 2] [--formats docx,doc,...] [--skip-web]
        [--skip-floors] [--mixed-only] [--export-pdfs 100] [--rebuild]

Builds (once: kept under ``out/bench/``, which git ignores) an inbox of ``--files`` generated
reports (``bench/inbox``, the generator ``bench/make_inbox.py`` uses), spread evenly over
:data:`FORMATS`, each with its ground truth. Then, in one run, side by side:

- floor, per format, on ``--jobs`` processes: what reading the file costs a library alone —
  python-docx (every paragraph and cell) for .docx, a bare LibreOffice conversion to .docx for
  .doc and .wps (one ``soffice --convert-to`` call per worker for all of them: LibreOffice
  started once per call, so a warm conversion), openpyxl (load, every cell) for .xlsx, xlrd (the
  same for .xls), pdfplumber (the text of every page) for .pdf; .txt and .html have none;
- ``jixiao check FILES --jobs N --format json`` as a subprocess, per format and for the whole
  mixed inbox: files/s, the share of files whose claimed total is the ground truth's, and the
  peak resident memory of its process tree (jixiao, its workers and whatever they start) at 10% and
  at 100% of the files (memory flat in the number of files: the two agree);
- batch PDF export (``--export-pdfs``): ``jixiao export FOLDER --to OUT --format pdf --jobs N``
  of that many of the inbox's evaluations (read by ``jixiao check`` beforehand, untimed, and kept
  as contract JSON): 自评表 PDFs/s through the many-files command, its CPU and memory;
- the web upload (``bench/upload.py``'s session: the app on a fresh SQLite database, one
  ``POST /uploads/batches`` with the files, progress polled until read), per format as
  consecutive batches on one server (its warm workers serve them all) and the whole inbox as one
  batch on a fresh server: files/s, files read, and the peak memory of this process's tree.

Each run also sums the CPU seconds of its processes (jixiao, the workers, their LibreOffice; for
the web the server's, which is this process; each web batch counts only the CPU spent during it,
though its workers served the batches before) and prints what two idle cores would give at that CPU
per file: on a shared machine the wall-clock rates move with the load, the CPU much less.

Figures only: nothing is asserted. A format joins the inbox by being added to :data:`FORMATS`
(the generator must make it: ``inbox.ALL_FORMATS``) and, when a library floor exists, to
:data:`FLOORS`.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from extract import floor_read  # noqa: E402
from extract import time_floor  # noqa: E402
from inbox import ALL_FORMATS  # noqa: E402
from inbox import generate  # noqa: E402
from inbox import read_ground_truth  # noqa: E402
from upload import send_batch  # noqa: E402
from upload import web_session  # noqa: E402

# The inbox's formats, in equal shares. Scanned reports join when jixiao reads them (issue 14).
FORMATS = ("docx", "doc", "wps", "xlsx", "xls", "pdf", "txt", "html")
CACHE = ROOT / "out" / "bench"
PAGE = os.sysconf("SC_PAGE_SIZE")


def openpyxl_read(path: str) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, data_only=True)
    return sum(1 for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v)


def xlrd_read(path: str) -> int:
    import xlrd

    book = xlrd.open_workbook(path, formatting_info=True)
    n = 0
    for sheet in book.sheets():
        for r in range(sheet.nrows):
            n += sum(1 for v in sheet.row_values(r) if v not in ("", None))
    return n


def pdfplumber_read(path: str) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return sum(len(page.extract_text() or "") for page in pdf.pages)


def libreoffice_floor(files: list[Path], jobs: int) -> float:
    """Seconds for LibreOffice alone to convert ``files`` to .docx: one multi-file call per worker."""
    from inbox.pdf import convert_all

    with tempfile.TemporaryDirectory(prefix="jixiao-bench-lo-") as out:
        start = time.perf_counter()
        written, problems = convert_all(files, Path(out), jobs, progress=False, target="docx")
        seconds = time.perf_counter() - start
    if problems or len(written) != len(files):
        print(f"  floor: {len(files) - len(written)} files not converted: {problems[:2]}", file=sys.stderr)
    return seconds


def _forked(read: Callable[[str], int]) -> Callable[[list[Path], int], float]:
    return lambda files, jobs: time_floor(files, jobs, read)


FLOORS: dict[str, tuple[str, Callable[[list[Path], int], float]]] = {
    "docx": ("python-docx", _forked(floor_read)),
    "doc": ("LibreOffice → docx", libreoffice_floor),
    "wps": ("LibreOffice → docx", libreoffice_floor),
    "xlsx": ("openpyxl", _forked(openpyxl_read)),
    "xls": ("xlrd", _forked(xlrd_read)),
    "pdf": ("pdfplumber", _forked(pdfplumber_read)),
}


# -- memory ---------------------------------------------------------------------------------------


class TreeMemory:
    """Samples the resident memory of a process and of every process below it (MiB): the sum over
    the tree and the largest single process, peaks kept; :meth:`mark` notes the peaks so far.
    Also the CPU seconds the tree's processes (without ``root`` unless ``count_root``) spent while
    this was measuring — each process's CPU as last seen alive less what it had spent when the
    measuring began, so the long-lived workers of a server serving batch after batch count this
    batch only; a process's final 0.2 s may be missed."""

    def __init__(self, root: int, period: float = 0.2, count_root: bool = True) -> None:
        self.root = root
        self.count_root = count_root
        self.period = period
        self.total = self.largest = 0.0
        self.marks: list[tuple[float, float]] = []
        self._cpu: dict[int, float] = {}
        self._before: dict[int, float] = {}  # CPU spent by the processes alive at the start
        self._tick = os.sysconf("SC_CLK_TCK")
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> TreeMemory:
        self.sample()
        self._before = dict(self._cpu)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.sample()
        self._stop.set()
        self._thread.join()

    @property
    def cpu(self) -> float:
        return sum(seen - self._before.get(pid, 0.0) for pid, seen in self._cpu.items())

    def mark(self) -> None:
        self.sample()
        self.marks.append((self.total, self.largest))

    def _loop(self) -> None:
        while not self._stop.wait(self.period):
            self.sample()

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        ticks: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            pid = int(stat.parent.name)
            children.setdefault(int(fields[1]), []).append(pid)
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
        todo, rss = [self.root], []
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            if (self.count_root or pid != self.root) and pid in ticks:
                self._cpu[pid] = max(self._cpu.get(pid, 0.0), ticks[pid] / self._tick)
            try:
                rss.append(int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE / 2**20)
            except (OSError, IndexError):
                continue
        if rss:
            self.total = max(self.total, sum(rss))
            self.largest = max(self.largest, *rss)


# -- the runs -------------------------------------------------------------------------------------


@dataclass(slots=True)
class Run:
    files: int
    seconds: float
    good: int  # files whose reading matched the ground truth (check) or was read (web)
    memory: list[tuple[float, float]] = field(default_factory=list)  # (tree, largest) at 10%, 100%
    note: str = ""
    cpu: float = 0.0  # CPU seconds of the whole run (jixiao, workers, LibreOffice)

    @property
    def idle_rate(self) -> float:
        """Files/s two idle cores would give at this CPU per file (perfectly shared)."""
        return 2 * self.files / self.cpu if self.cpu else 0.0

    @property
    def rate(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0


def run_check(files: list[Path], jobs: int, truth: dict[Path, str | None]) -> Run:
    """``jixiao check`` over ``files`` (JSON lines, streamed as each file is read)."""
    cmd = [sys.executable, "-m", "jixiao", "check", "--jobs", str(jobs), "--format", "json", *map(str, files)]
    tenth = max(1, len(files) // 10)
    seen: dict[str, object] = {}
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    with TreeMemory(proc.pid) as memory:
        assert proc.stdout is not None
        for line in proc.stdout:
            ev = json.loads(line)
            path = ev["source"]["path"]
            if path not in seen:  # a file with several forms: its first is the one the truth describes
                seen[path] = ev["claimed"]["total"]
                if len(seen) == tenth:
                    memory.mark()
        proc.wait()
        seconds = time.perf_counter() - start
        memory.mark()
    good = sum(1 for f in files if f in truth and _same(seen.get(str(f)), truth[f]))
    return Run(len(files), seconds, good, memory.marks, cpu=memory.cpu)


def _same(read: object, stated: str | None) -> bool:
    from decimal import Decimal

    if read is None or stated is None:
        return read is None and stated is None
    return Decimal(str(read)) == Decimal(stated)


def run_web(session: object, files: list[Path]) -> Run:
    """One batch upload of ``files`` on ``session`` (see ``bench/upload.py``)."""
    parts = [("files", (f.name, f.read_bytes())) for f in files]
    tenth = max(1, len(files) // 10)
    own = time.process_time()
    with TreeMemory(os.getpid(), count_root=False) as memory:

        def poll(body: dict[str, object]) -> None:
            counts = body["counts"]
            assert isinstance(counts, dict)
            if not memory.marks and len(files) - counts.get("waiting", 0) >= tenth:
                memory.mark()

        seconds, counts = send_batch(session, parts, on_poll=poll, every=0.5)  # type: ignore[arg-type]
        memory.mark()
    outcome = ", ".join(f"{k} {v}" for k, v in counts.items() if v)
    cpu = memory.cpu + time.process_time() - own  # the server (and the benchmark's client) too
    return Run(len(files), seconds, counts.get("done", 0), memory.marks, outcome, cpu)


def run_export(files: list[Path], jobs: int, work: Path) -> Run:
    """Batch PDF export: the 自评表 of each of ``files`` as read by ``jixiao check`` (kept as
    contract JSON files, not timed), then ``jixiao export FOLDER --to OUT --format pdf --jobs N``
    — the many-files command, its workers each keeping a warm renderer — timed end to end."""
    inputs, out = work / "contracts", work / "pdf"
    inputs.mkdir(parents=True)
    cmd = [sys.executable, "-m", "jixiao", "check", "--jobs", str(jobs), "--format", "json", *map(str, files)]
    lines = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.splitlines()
    for i, line in enumerate(lines):
        (inputs / f"{i:04d}.json").write_text(line, encoding="utf-8")
    cmd = [sys.executable, "-m", "jixiao", "export", str(inputs), "--to", str(out), "--format", "pdf"]
    start = time.perf_counter()
    proc = subprocess.Popen([*cmd, "--jobs", str(jobs)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tenth = max(1, len(lines) // 10)
    with TreeMemory(proc.pid) as memory:
        while proc.poll() is None:
            if not memory.marks and out.is_dir() and sum(1 for _ in out.glob("*.pdf")) >= tenth:
                memory.mark()
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        memory.mark()
    written = sum(1 for _ in out.glob("*.pdf")) if out.is_dir() else 0
    return Run(len(lines), seconds, written, memory.marks, f"{written} PDFs written", memory.cpu)


# -- the inbox ------------------------------------------------------------------------------------


def build_inbox(n: int, seed: int, formats: tuple[str, ...], rebuild: bool, cache: Path = CACHE) -> Path:
    """The inbox in the cache (built when missing): ``n`` files in equal shares of ``formats``."""
    folder = cache / f"inbox-{n}-seed{seed}-{'-'.join(formats)}"
    done = folder / ".complete"
    if done.is_file() and not rebuild:
        return folder
    if folder.exists():
        import shutil

        shutil.rmtree(folder)
    others = [f for f in formats if f != "pdf"]
    started = time.perf_counter()
    summary = generate(
        folder,
        n,
        seed=seed,
        formats=formats,
        pdf_share=1 / len(formats) if "pdf" in formats and others else 1.0,
        defects=0.3,
        workers=2,
        log=None,
    )
    for problem in summary.problems:
        print(f"warning: {problem}", file=sys.stderr)
    done.write_text(json.dumps(summary.by_format), encoding="utf-8")
    print(f"built the inbox in {time.perf_counter() - started:.0f} s: {folder}")
    return folder


def _mib(marks: list[tuple[float, float]]) -> str:
    if len(marks) < 2:
        return "—"
    (t10, l10), (t100, l100) = marks[0], marks[-1]
    return f"{t10:5.0f} / {t100:5.0f}   {l10:4.0f} / {l100:4.0f}"


def _shown(how: str, fmt: str, run: Run) -> Run:
    """Print a run as soon as it is measured (the table at the end puts them side by side)."""
    print(
        f"{how} {fmt}: {run.files} files in {run.seconds:.1f} s, {run.rate:.1f} files/s, {run.good} right/read,"
        f" CPU {run.cpu:.1f} s ({1000 * run.cpu / run.files:.0f} ms a file: {run.idle_rate:.1f} files/s on 2 idle cores),"
        f" MiB tree/largest at 10% and 100%: {_mib(run.memory)} {run.note}",
        flush=True,
    )
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes (check and web)")
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--skip-floors", action="store_true")
    ap.add_argument("--skip-web", action="store_true")
    ap.add_argument("--skip-check", action="store_true")
    ap.add_argument("--mixed-only", action="store_true", help="only the whole inbox, not each format")
    ap.add_argument(
        "--export-pdfs",
        type=int,
        default=100,
        help="batch PDF export through jixiao export of this many of the inbox's evaluations (0: none)",
    )
    ap.add_argument("--only", default="", help="run only these of the inbox's formats (comma-separated)")
    ap.add_argument("--rebuild", action="store_true", help="build the inbox again")
    ap.add_argument("--build-only", action="store_true", help="build (or find) the inbox and stop")
    ap.add_argument(
        "--cache", type=Path, default=CACHE, help=f"where built inboxes are kept (default {CACHE})"
    )
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    unknown = sorted(set(formats) - set(ALL_FORMATS))
    if unknown:
        ap.error(f"unknown format(s) {', '.join(unknown)}; the generator makes {', '.join(ALL_FORMATS)}")
    folder = build_inbox(args.files, args.seed, formats, args.rebuild, args.cache)
    if args.build_only:
        print(folder)
        return 0
    records = read_ground_truth(folder)
    by_format: dict[str, list[Path]] = {f: [] for f in formats}
    truth: dict[Path, str | None] = {}
    for record in records:
        path = folder / str(record["path"])
        by_format[str(record["format"])].append(path)
        claimed = record["claimed"]
        assert isinstance(claimed, dict)
        truth[path] = claimed["total"]
    only = {f.strip() for f in args.only.split(",") if f.strip()} or set(formats)
    every = [folder / str(r["path"]) for r in records if r["format"] in only]
    counts = Counter(str(r["format"]) for r in records)
    print(
        f"{len(every)} files ({', '.join(f'{f} {counts[f]}' for f in formats if f in only)}), jobs {args.jobs}, cpus {os.cpu_count()}"
    )

    floors: dict[str, tuple[str, float]] = {}
    if not args.skip_floors:
        for fmt in formats:
            if fmt in FLOORS and by_format[fmt] and fmt in only:
                name, timer = FLOORS[fmt]
                floors[fmt] = (name, len(by_format[fmt]) / timer(by_format[fmt], args.jobs))
    checks: dict[str, Run] = {}
    webs: dict[str, Run] = {}
    groups = [] if args.mixed_only else [f for f in formats if by_format[f] and f in only]
    for fmt, (name, rate) in floors.items():
        print(f"floor {fmt}: {name} {rate:.1f} files/s", flush=True)
    for fmt in [] if args.skip_check else groups:
        checks[fmt] = _shown("check", fmt, run_check(by_format[fmt], args.jobs, truth))
    if not args.skip_check:
        checks["mixed"] = _shown("check", "mixed", run_check(every, args.jobs, truth))
    if not args.skip_web:
        with web_session(args.jobs) as session:
            for fmt in groups:
                webs[fmt] = _shown("web", fmt, run_web(session, by_format[fmt]))
        with web_session(args.jobs) as session:
            webs["mixed"] = _shown("web", "mixed", run_web(session, every))
    if args.export_pdfs:
        with tempfile.TemporaryDirectory(prefix="jixiao-bench-export-") as work:
            exported = run_export(every[: args.export_pdfs], args.jobs, Path(work))
        _shown("export", "pdf", exported)

    print()
    print(
        f"{'format':<6} {'files':>5}  {'floor':<19} {'floor/s':>7}  {'check/s':>7} {'÷floor':>6} {'right':>5}"
        f"  {'web/s':>6} {'read':>5}  {'check MiB tree 10%/100%, largest':>33}  {'web MiB tree 10%/100%, largest':>31}"
    )
    for fmt in [*groups, "mixed"]:
        check = checks.get(fmt, Run(0, 0.0, 0))
        web = webs.get(fmt)
        floor_name, floor_rate = floors.get(fmt, ("—", 0.0))
        ratio = f"{floor_rate / check.rate:6.2f}" if floor_rate and check.rate else "     —"
        print(
            f"{fmt:<6} {check.files:>5}  {floor_name:<19} {floor_rate or float('nan'):7.1f}  {check.rate:7.1f} {ratio}"
            f" {check.good:>5}  {web.rate if web else float('nan'):6.1f} {web.good if web else 0:>5}"
            f"  {_mib(check.memory):>33}  {_mib(web.memory) if web else '—':>31}"
        )
    for fmt, web in webs.items():
        if web.note:
            print(f"web {fmt}: {web.note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
