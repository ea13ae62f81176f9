"""Benchmark: PDF engines drawing the same 自评表, side by side — ReportLab, Chromium, LibreOffice.

    uv run python bench/pdf.py                      # 40 PDFs per engine, on 1 and 2 processes
    uv run python bench/pdf.py --n 20 --jobs 2 --engines reportlab,libreoffice

Generates ``--n`` evaluations (``bench/export.py``'s generator: about 25 indicator rows, 3–4
pages in the hubei-2019 layout) and lays each out once as a :class:`~jixiao.export.form.Form`.
Then each engine turns the same forms into PDFs, every process with its engine kept warm (the
font registered, the browser or the office started once):

- ``reportlab``: ``jixiao.export.pdf_form.form_pdf_bytes`` — the grid drawn straight into the PDF
  (TrueType CJK faces AR PL UMing / WenQuanYi Zen Hei, subset and embedded);
- ``chromium``: the grid as an HTML table (three tables as the .docx has, the indicator header a
  ``thead`` repeated on each page, ``@page`` size and margins from the layout, Noto Serif CJK),
  printed by a warm Debian Chromium through Playwright's ``page.pdf``;
- ``libreoffice``: today's path — the .docx ``docx_table`` draws, printed by jixiao's long-lived
  LibreOffice (``jixiao.export.pdf.pdf_bytes``);
- ``export``: what a user gets — ``evaluation_bytes(ev, scheme, ".pdf")`` end to end (scoring,
  layout, the default engine).

For each: PDFs/s on the wall clock, CPU seconds per PDF (the worker's own and every process it
started: browser, office), in brackets the rate two idle cores would give at that CPU cost, the
resident memory of the worker and its helper processes at the end, and the mean file size.
Figures only: nothing is asserted. Goal (issue 17): ≥ 10 自评表 PDFs/s on 2 cores.
"""

from __future__ import annotations

import argparse
import html
import multiprocessing as mp
import os
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from export import make  # noqa: E402
from jixiao import office  # noqa: E402
from jixiao.core.engine import evaluate  # noqa: E402
from jixiao.core.model import Evaluation  # noqa: E402
from jixiao.export.docx_table import table_document  # noqa: E402
from jixiao.export.fields import Facts  # noqa: E402
from jixiao.export.files import saved_bytes  # noqa: E402
from jixiao.export.form import Form  # noqa: E402
from jixiao.export.form import FormCell  # noqa: E402
from jixiao.export.form import build_form  # noqa: E402
from jixiao.export.layout import layout_for  # noqa: E402
from jixiao.export.pdf import pdf_bytes  # noqa: E402
from jixiao.export.pdf_form import form_pdf_bytes  # noqa: E402
from jixiao.schemes import load_scheme  # noqa: E402
from jixiao.services import evaluation_bytes  # noqa: E402

SCHEME = "hubei-2019"
ENGINES = ("reportlab", "chromium", "libreoffice", "export")


# --- Chromium: the grid as HTML --------------------------------------------------------------------


def _td(cell: FormCell) -> str:
    span = (f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else "") + (
        f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    )
    style = f"text-align:{cell.align}" + (";font-weight:bold" if cell.bold else "")
    style += ";border-bottom:none" if cell.open_bottom else ""
    style += ";border-top:none" if cell.open_top else ""
    text = "<br>".join(html.escape(line) for line in cell.text.split("\n"))
    return f'<td{span} style="{style}">{text}</td>'


def _table(form: Form, rows: range, header: int | None) -> str:
    by_row: dict[int, list[FormCell]] = {}
    for cell in form.cells:
        by_row.setdefault(cell.row, []).append(cell)
    cols = "".join(
        f'<col style="width:{w / sum(form.layout.columns) * 100:.3f}%">' for w in form.layout.columns
    )
    head = ""
    body = []
    for r in rows:
        tr = "<tr>" + "".join(_td(c) for c in sorted(by_row.get(r, []), key=lambda c: c.col)) + "</tr>"
        if r == header:
            head = f"<thead>{tr}</thead>"
        else:
            body.append(tr)
    return f"<table><colgroup>{cols}</colgroup>{head}<tbody>{''.join(body)}</tbody></table>"


def form_html(form: Form) -> str:
    """The 自评表 as an HTML page: title, lines, and the grid as the .docx splits it."""
    layout = form.layout
    m = layout.margins_mm
    split = form.indicator_row if form.repeat_header and form.indicator_row > 0 else 0
    end = (
        form.indicator_end if form.repeat_header and split < form.indicator_end < form.n_rows else form.n_rows
    )
    tables = []
    if split:
        tables.append(_table(form, range(0, split), None))
    tables.append(_table(form, range(split, end), form.header_row if form.repeat_header else None))
    if end < form.n_rows:
        tables.append(_table(form, range(end, form.n_rows), None))
    lines = "".join(f"<p>{html.escape(''.join(c.text for c in line))}</p>" for line in form.lines)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><style>"
        f"@page{{size:A4 {layout.orientation};margin:{m.top}mm {m.right}mm {m.bottom}mm {m.left}mm}}"
        f"body{{margin:0;font-family:'Noto Serif CJK SC',serif;font-size:{layout.font_size}pt}}"
        f"h1{{text-align:center;font-size:{layout.title_size}pt;margin:0 0 6pt}}p{{margin:0 0 3pt}}"
        "table{border-collapse:collapse;width:100%;table-layout:fixed;margin:0}"
        "td{border:0.5pt solid #000;padding:1.5pt 2.85pt;vertical-align:middle;line-height:1.3}"
        "tr{break-inside:avoid}thead{display:table-header-group}"
        f"</style></head><body><h1>{html.escape(form.title)}</h1>{lines}{''.join(tables)}</body></html>"
    )


class _Chromium:
    """One warm browser page per worker process."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        path = os.environ.get("JIXIAO_CHROMIUM") or shutil.which("chromium") or "chromium"
        self._browser = self._pw.chromium.launch(executable_path=path, args=["--no-sandbox"])
        self.page = self._browser.new_page()

    def pdf(self, form: Form) -> bytes:
        self.page.set_content(form_html(form))
        footer = (
            '<div style="font-size:9pt;width:100%;text-align:center">'
            '第 <span class="pageNumber"></span> 页，共 <span class="totalPages"></span> 页</div>'
        )
        return self.page.pdf(
            prefer_css_page_size=True,
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=footer,
        )

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


# --- measuring -------------------------------------------------------------------------------------


def _tree() -> list[int]:
    """This process and every process it started (by parent links), plus jixiao's offices."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    mine = {os.getpid()}
    grew = True
    while grew:
        grew = False
        for pid, ppid in parents.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                grew = True
    groups = {helper for helper, _soffice, _profile in office.running()}
    for pid in parents:
        try:
            if os.getpgid(pid) in groups:
                mine.add(pid)
        except OSError:
            continue
    return sorted(mine)


def _cpu_and_rss(pids: list[int]) -> tuple[float, float]:
    """CPU seconds (user + system) and resident MB of ``pids`` now."""
    tick, page = os.sysconf("SC_CLK_TCK"), os.sysconf("SC_PAGE_SIZE")
    cpu = rss = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            rss_pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except OSError:
            continue
        cpu += (int(fields[11]) + int(fields[12])) / tick
        rss += rss_pages * page / 2**20
    return cpu, rss


_SHARED: dict[str, Any] = {}  # what a worker's initializer hands it (the start barrier)


def _init(barrier: Any) -> None:
    _SHARED["barrier"] = barrier


def _work(task: tuple[str, list[Evaluation]]) -> tuple[int, float, float, int, float, float]:
    """One worker: its evaluations through ``engine``. Returns PDFs made, CPU seconds of the
    worker and its helpers for the PDFs (setup excluded), resident MB at the end, bytes made,
    and when its PDFs started and ended (monotonic clock, shared by the processes)."""
    engine, evs = task
    scheme = load_scheme(SCHEME)
    layout = layout_for(scheme.id)
    forms = [build_form(Facts.of(evaluate(ev, scheme), scheme), layout) for ev in evs]
    draw: Callable[[int], bytes]
    chromium = None
    if engine == "reportlab":
        draw = lambda i: form_pdf_bytes(forms[i])  # noqa: E731
    elif engine == "chromium":
        chromium = _Chromium()
        draw = lambda i: chromium.pdf(forms[i])  # type: ignore[union-attr]  # noqa: E731
    elif engine == "libreoffice":
        draw = lambda i: pdf_bytes(saved_bytes(table_document(forms[i])))  # noqa: E731
    else:
        draw = lambda i: evaluation_bytes(evs[i], scheme, ".pdf")  # noqa: E731
    draw(0)  # warm: fonts registered, browser or office started
    _SHARED["barrier"].wait()  # every worker warm before the clock starts
    before, _ = _cpu_and_rss(_tree())
    start = time.perf_counter()
    size = 0
    for i in range(len(evs)):
        size += len(draw(i))
    end = time.perf_counter()
    after, rss = _cpu_and_rss(_tree())
    if chromium is not None:
        chromium.close()
    office.shutdown()
    return len(evs), after - before, rss, size, start, end


def run(engine: str, evs: list[Evaluation], jobs: int) -> tuple[float, int, float, float, int]:
    """Seconds, PDFs, CPU seconds, summed resident MB and bytes for ``jobs`` workers at once.

    Each worker warms its engine on its first evaluation before the clock starts: the wall time
    covers the PDFs after that, in all workers together (a barrier lines the starts up)."""
    parts = [(engine, evs[i::jobs]) for i in range(jobs)]
    ctx = mp.get_context("fork")
    with ctx.Pool(jobs, initializer=_init, initargs=(ctx.Barrier(jobs),)) as pool:
        results = pool.map(_work, parts)
    seconds = max(r[5] for r in results) - min(r[4] for r in results)
    made = sum(r[0] for r in results)
    return seconds, made, sum(r[1] for r in results), sum(r[2] for r in results), sum(r[3] for r in results)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=40, help="PDFs per engine and run")
    ap.add_argument("--jobs", type=int, default=2, help="most processes (runs 1 and this)")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated, of " + ", ".join(ENGINES))
    args = ap.parse_args()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    scheme = load_scheme(SCHEME)
    rng = random.Random(20241122)
    evs = [make(rng, scheme) for _ in range(args.n)]
    load = os.getloadavg()
    print(f"{args.n} 自评表 ({SCHEME}), {os.cpu_count()} cores, load average {load[0]:.1f} {load[1]:.1f}\n")
    print(
        "| engine | jobs | PDFs/s (2 idle cores at this CPU cost) | CPU s per PDF | RSS MB (all workers) | KB per PDF |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    for engine in engines:
        for jobs in sorted({1, args.jobs}):
            seconds, made, cpu, rss, size = run(engine, evs, jobs)
            print(
                f"| {engine} | {jobs} | {made / seconds:.1f} ({2 * made / cpu:.1f}) | {cpu / made:.3f} "
                f"| {rss:.0f} | {size / made / 1024:.0f} |",
                flush=True,
            )
    print(f"\nload average after: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
