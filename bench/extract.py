"""Benchmark: reading submitted .docx reports end to end against the bare python-docx floor.

    uv run python bench/extract.py [--files 2000] [--distinct 200] [--dir DIR]

Builds ``--distinct`` different reports (a 自评表 with 12–30 indicator rows under merged 一级/二级
cells, a budget block, a detail table and 20–40 paragraphs of prose, with varied names and
figures) and copies them up to ``--files`` files, or takes the .docx files already in ``--dir``.
Then, in one run, side by side, on 1 and on 2 worker processes:

- floor: ``docx.Document(path)`` and the text of every paragraph and every table cell;
- pipeline: ``jixiao check``'s batch (read, extract, score, check; worker processes with the
  per-file timeout, results in order) — what a bureau runs.

Prints files/s for each, the ratio pipeline ÷ floor (goal ≤ 3), and the peak RSS of the workers
at 10% and at 100% of the files (goal: flat).

Then the same reports as web pages (``.html``: the document's paragraphs and its tables with
their rowspan/colspan) and as text (``.txt``: paragraphs as lines, table rows as TAB-separated
lines) go through the same pipeline on 1 and 2 workers (files/s; there is no floor for them).
"""

from __future__ import annotations

import argparse
import html
import multiprocessing as mp
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import docx

from jixiao.intake.batch import check_files
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.limits import Limits
from jixiao.intake.readers import read_document

LEVEL2 = {
    "产出指标": ["数量指标", "质量指标", "时效指标", "成本指标"],
    "效益指标": ["社会效益指标", "经济效益指标", "可持续影响指标"],
    "满意度指标": ["服务对象满意度指标"],
}
WORDS = [
    "社区",
    "养老",
    "服务",
    "道路",
    "养护",
    "农村",
    "饮水",
    "学校",
    "图书",
    "培训",
    "文化",
    "体育",
    "卫生",
    "环境",
    "治理",
    "安全",
    "就业",
    "救助",
    "宣传",
    "信息",
]


def _name(rng: random.Random) -> str:
    return "".join(rng.sample(WORDS, 3)) + "项目"


def make_report(path: Path, rng: random.Random) -> None:
    """One varied report: title, prose, a detail table and a 自评表 with merged labels."""
    d = docx.Document()
    name = _name(rng)
    year = rng.randint(2019, 2024)
    planned = Decimal(rng.randint(50_00, 5000_00)) / 100  # 万元
    executed = (planned * Decimal(rng.randint(80, 100)) / 100).quantize(Decimal("0.01"))
    d.add_paragraph(f"{year}年度{name}绩效自评报告")
    d.add_paragraph("一、项目基本情况")
    for _ in range(rng.randint(10, 20)):
        d.add_paragraph("".join(rng.choices(WORDS, k=40)) + "。")
    d.add_paragraph(f"本项目预算安排{planned}万元，实际支出{executed}万元。")
    lines = d.add_table(rows=1, cols=3)
    for c, v in enumerate(("序号", "项目内容", "预算金额（万元）")):
        lines.rows[0].cells[c].text = v
    for i in range(rng.randint(3, 8)):
        cells = lines.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (
            str(i + 1),
            "".join(rng.sample(WORDS, 2)) + "经费",
            "1.00",
        )
    d.add_paragraph("二、绩效目标完成情况")
    for _ in range(rng.randint(10, 20)):
        d.add_paragraph("".join(rng.choices(WORDS, k=50)) + "。")
    t = d.add_table(rows=0, cols=6)
    for label, value in (("项目名称", name), ("主管部门", "某某局"), ("实施单位", "某某中心")):
        cells = t.add_row().cells
        cells[0].text = label
        cells[1].merge(cells[5]).text = value
    for values in (
        ("预算执行情况（万元）（10分）", "预算数", "执行数", "执行率", "得分", ""),
        ("", str(planned), str(executed), f"{executed / planned * 100:.2f}%", "9", ""),
        ("一级指标", "二级指标", "三级指标", "年初目标值", "实际完成值", "得分"),
    ):
        cells = t.add_row().cells
        for c, v in enumerate(values):
            cells[c].text = v
    for level1, level2s in LEVEL2.items():
        top1 = len(t.rows)
        for level2 in level2s:
            top2 = len(t.rows)
            for _ in range(rng.randint(1, 4)):
                cells = t.add_row().cells
                target = rng.randint(5, 100)
                cells[2].text = "".join(rng.sample(WORDS, 2)) + "（5分）"
                cells[3].text = f"≥{target}个"
                cells[4].text = f"{target + rng.randint(-3, 3)}个"
                cells[5].text = str(rng.randint(3, 5))
            t.cell(top2, 1).text = level2
            if len(t.rows) - 1 > top2:
                t.cell(top2, 1).merge(t.cell(len(t.rows) - 1, 1))
        t.cell(top1, 0).text = level1
        if len(t.rows) - 1 > top1:
            t.cell(top1, 0).merge(t.cell(len(t.rows) - 1, 0))
    cells = t.add_row().cells
    cells[0].text, cells[1].text = "总分", str(rng.randint(80, 99))
    d.add_paragraph("三、存在的问题")
    d.add_paragraph("".join(rng.choices(WORDS, k=30)) + "。")
    d.save(str(path))


def render_html(doc: Document) -> str:
    """A web page holding the document: paragraphs as ``<p>``, tables with their merged cells."""
    out = ['<!DOCTYPE html><html><head><meta charset="utf-8"><title>自评报告</title></head><body>']
    out.append('<div class="nav"><a href="/">首页</a></div>')
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            out.append(f"<p>{html.escape(block.text)}</p>")
            continue
        starts = {(c.row, c.col): c for c in block.cells}
        covered = {
            (r, k)
            for c in block.cells
            for r in range(c.row, c.row + c.rowspan)
            for k in range(c.col, c.col + c.colspan)
        }
        out.append('<table border="1">')
        for r in range(block.n_rows):
            out.append("<tr>")
            for k in range(block.n_cols):
                cell = starts.get((r, k))
                if cell is not None:
                    text = "<br>".join(html.escape(x) for x in cell.text.split("\n"))
                    out.append(f'<td rowspan="{cell.rowspan}" colspan="{cell.colspan}">{text}</td>')
                elif (r, k) not in covered:
                    out.append("<td></td>")
            out.append("</tr>")
        out.append("</table>")
    out.append('<div class="footer">版权所有</div></body></html>')
    return "".join(out)


def time_other(files: list[Path], label: str) -> None:
    """Files/s of the pipeline on 1 and 2 workers for files that have no floor to compare with."""
    for jobs in (1, 2):
        full, _rss10, rss100 = time_pipeline(files, jobs)
        print(f"{label:>5} {jobs:>4}  {full:10.2f} {len(files) / full:10.1f}  {rss100:8.0f}M")


def floor_read(path: str) -> int:
    """The bare floor: python-docx's own reading of every paragraph and table cell."""
    document = docx.Document(path)
    n = sum(len(p.text) for p in document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                n += len(cell.text)
    return n


def time_floor(files: list[Path], jobs: int, read: Callable[[str], int] = floor_read) -> float:
    """Seconds to ``read`` every file in ``jobs`` forked processes (python-docx's read by default)."""
    start = time.perf_counter()
    with mp.get_context("fork").Pool(jobs) as pool:
        for _ in pool.imap_unordered(read, [str(f) for f in files], chunksize=8):
            pass
    return time.perf_counter() - start


def time_pipeline(files: list[Path], jobs: int) -> tuple[float, float, float]:
    start = time.perf_counter()
    tenth = max(1, len(files) // 10)
    rss_tenth = rss_full = 0.0
    for done, (_path, ev) in enumerate(check_files(files, jobs=jobs, limits=Limits()), start=1):
        if ev.claimed.total is None:
            raise SystemExit(f"extraction failed on {_path}: {[f.message for f in ev.findings]}")
        if done == tenth:
            rss_tenth = _workers_rss()
        if done == len(files):
            rss_full = _workers_rss()  # before the batch stops its workers
    return time.perf_counter() - start, rss_tenth, rss_full


def _workers_rss() -> float:
    """Largest peak RSS (VmHWM) among this process's live child processes (the workers), MiB."""
    me = str(os.getpid())
    best = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text(encoding="ascii").splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == me and "VmHWM" in fields:
            best = max(best, int(fields["VmHWM"].split()[0]) / 1024)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=2000)
    ap.add_argument("--distinct", type=int, default=200)
    ap.add_argument("--dir", type=Path, default=None, help="take the .docx files in this folder instead")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jixiao-bench-"))
    try:
        if args.dir:
            files = sorted(args.dir.rglob("*.docx"))
        else:
            rng = random.Random(20261122)
            t0 = time.perf_counter()
            originals = []
            for i in range(args.distinct):
                path = work / f"r{i:04d}.docx"
                make_report(path, rng)
                originals.append(path)
            files = []
            for i in range(args.files):
                src = originals[i % len(originals)]
                dst = work / f"report{i:05d}.docx"
                shutil.copyfile(src, dst)
                files.append(dst)
            print(
                f"built {args.distinct} distinct reports, {len(files)} files, in {time.perf_counter() - t0:.1f} s"
            )
        if not files:
            print("no .docx files", file=sys.stderr)
            return 1
        n = len(files)
        print(f"{n} docx files, mean size {sum(f.stat().st_size for f in files) / n / 1024:.0f} KiB")
        print(
            f"{'jobs':>4}  {'floor s':>8} {'floor/s':>8}  {'pipeline s':>10} {'pipeline/s':>10}  {'ratio':>5}  {'RSS@10%':>8} {'RSS@100%':>9}"
        )
        for jobs in (1, 2):
            floor = time_floor(files, jobs)
            full, rss10, rss100 = time_pipeline(files, jobs)
            print(
                f"{jobs:>4}  {floor:8.2f} {n / floor:8.1f}  {full:10.2f} {n / full:10.1f}  {full / floor:5.2f}"
                f"  {rss10:7.0f}M {rss100:8.0f}M"
            )
        distinct = files[: args.distinct]  # the copies cycle through the distinct reports
        html_files: list[Path] = []
        text_files: list[Path] = []
        for i in range(n):
            source = distinct[i % len(distinct)]
            html_files.append(work / f"page{i:05d}.html")
            text_files.append(work / f"text{i:05d}.txt")
            if i < len(distinct):
                doc = read_document(source)
                html_files[-1].write_text(render_html(doc), encoding="utf-8")
                text_files[-1].write_text(doc.text(), encoding="utf-8")
            else:
                shutil.copyfile(html_files[i % len(distinct)], html_files[-1])
                shutil.copyfile(text_files[i % len(distinct)], text_files[-1])
        print(f"{'input':>5} {'jobs':>4}  {'pipeline s':>10} {'pipeline/s':>10}  {'RSS@100%':>9}")
        time_other(html_files, "html")
        time_other(text_files, "txt")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
