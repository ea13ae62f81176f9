"""Benchmark: how fast the exporters write documents, beside the floor of only building them.

Generates N random but realistic evaluations (about 25 indicator rows each, a few budget lines,
the usual missed targets) and times, per format:

  build   evaluation → scored → laid-out grid → in-memory workbook/document, not saved (the floor);
  save    the same, then serialised to bytes in memory;
  export  ``jixiao.export.export_evaluation`` to a file on disk (what the CLI does).

Formats: the 自评表 as .xlsx and .docx, the 自评报告 draft as .docx, and (fewer) the 自评表 as .pdf
(drawn by the default engine, ReportLab; ``bench/pdf.py`` compares the PDF engines).

    uv run python bench/export.py              # 1,000 evaluations, 50 PDFs
    uv run python bench/export.py --n 200 --pdf 10
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from jixiao.core.engine import evaluate
from jixiao.core.model import Budget
from jixiao.core.model import BudgetLine
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Objectives
from jixiao.core.model import Project
from jixiao.core.model import SchemeRef
from jixiao.core.scheme import Scheme
from jixiao.core.scoring import score_evaluation
from jixiao.core.values import parse_value
from jixiao.export import export_evaluation
from jixiao.export.docx_table import table_document
from jixiao.export.fields import Facts
from jixiao.export.form import build_form
from jixiao.export.layout import layout_for
from jixiao.export.report_docx import report_document
from jixiao.export.report_text import report_blocks
from jixiao.export.xlsx_table import table_workbook
from jixiao.schemes import load_scheme

LEVEL2 = {
    "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
    "效益指标": ("社会效益指标", "经济效益指标", "可持续影响指标"),
    "满意度指标": ("服务对象满意度指标",),
}
WORDS = ("社区", "居民", "服务", "活动", "培训", "宣传", "维修", "老年人", "志愿者", "文化", "救助", "绿化")
UNITS = ("个", "次", "人", "场", "次/年", "户")


def _phrase(rng: random.Random, n: int = 3) -> str:
    return "".join(rng.choice(WORDS) for _ in range(rng.randint(1, n)))


def _row(rng: random.Random, level1: str, level2: str, group: int) -> Indicator:
    weight = Decimal(rng.choice((2, 3, 4, 5)))
    kind = rng.random()
    if kind < 0.6:
        a = rng.randint(1, 500)
        b = a if rng.random() < 0.8 else rng.randint(0, a)
        unit = rng.choice(UNITS)
        target, actual = f"≥{a}{unit}", f"{b}{unit}"
    elif kind < 0.8:
        target, actual = "100%", f"{rng.choice((100, 100, 98.5))}%"
    else:
        target = _phrase(rng, 6) + "明显提升"
        actual = _phrase(rng, 12) + "，" + _phrase(rng, 12) + "得到改善"
    return Indicator(
        level1=level1,
        level2=level2,
        group=group,
        name=_phrase(rng) + rng.choice(("次数", "人数", "覆盖率", "完成率")),
        weight=weight,
        target=parse_value(target),
        actual=parse_value(actual),
        claimed_score=weight if rng.random() < 0.9 else weight - 1,
        deviation_reason=_phrase(rng, 8) + "推进较慢" if rng.random() < 0.1 else None,
    )


def make(rng: random.Random, scheme: Scheme) -> Evaluation:
    """One evaluation of about 25 rows."""
    rows: list[Indicator] = []
    group = 0
    for level1, level2s in LEVEL2.items():
        for level2 in level2s:
            group += 1
            rows += [_row(rng, level1, level2, group) for _ in range(rng.randint(1, 4))]
    planned = Decimal(rng.randint(100_000, 50_000_000)) / 100 * 100
    executed = planned * Decimal(rng.randint(85, 100)) / 100
    lines = tuple(
        BudgetLine(name=_phrase(rng) + "经费", planned_yuan=planned / 4, executed_yuan=executed / 4)
        for _ in range(4)
    )
    return Evaluation(
        project=Project(
            name=_phrase(rng) + "项目",
            year=2024,
            unit=_phrase(rng) + "街道办事处",
            department="民政局",
            implementer="社区办",
        ),
        budget=Budget(planned_yuan=planned, executed_yuan=executed, lines=lines),
        scheme=SchemeRef(id=scheme.id, weights=scheme.weights),
        indicators=tuple(rows),
        claimed=Claimed(total=Decimal(rng.randint(80, 99))),
        objectives=Objectives(planned=_phrase(rng, 20), achieved=_phrase(rng, 20)),
        problems=_phrase(rng, 30),
    )


def _form(ev: Evaluation, scheme: Scheme) -> tuple[Facts, object]:
    scored = evaluate(ev, scheme)
    facts = Facts.of(scored, scheme)
    return facts, build_form(facts, layout_for(scheme.id))


def build_xlsx(ev: Evaluation, scheme: Scheme) -> object:
    return table_workbook(_form(ev, scheme)[1])  # type: ignore[arg-type]


def build_docx(ev: Evaluation, scheme: Scheme) -> object:
    return table_document(_form(ev, scheme)[1])  # type: ignore[arg-type]


def build_report(ev: Evaluation, scheme: Scheme) -> object:
    facts, form = _form(ev, scheme)
    blocks = report_blocks(facts, score_evaluation(facts.ev, scheme), form.title)  # type: ignore[attr-defined]
    return report_document(blocks, form)  # type: ignore[arg-type]


def _time(evs: list[Evaluation], scheme: Scheme, step: Callable[[Evaluation], object]) -> float:
    start = time.perf_counter()
    for ev in evs:
        step(ev)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="evaluations per office format")
    parser.add_argument("--pdf", type=int, default=50, help="evaluations to PDF")
    args = parser.parse_args()
    rng = random.Random(20241122)
    scheme = load_scheme("hubei-2019")
    evs = [make(rng, scheme) for _ in range(args.n)]
    rows = sum(len(ev.indicators) for ev in evs)
    print(
        f"{args.n} evaluations, {rows / args.n:.1f} indicator rows each; scheme {scheme.id}", file=sys.stderr
    )

    def save(build: Callable[[Evaluation, Scheme], object]) -> Callable[[Evaluation], object]:
        return lambda ev: build(ev, scheme).save(io.BytesIO())  # type: ignore[attr-defined]

    results: list[tuple[str, int, float, float, float]] = []
    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        for label, build, name in (
            ("自评表 .xlsx", build_xlsx, "t.xlsx"),
            ("自评表 .docx", build_docx, "t.docx"),
            ("自评报告 .docx", build_report, "r-报告.docx"),
        ):
            floor = _time(evs, scheme, lambda ev, b=build: b(ev, scheme))
            saved = _time(evs, scheme, save(build))
            exported = _time(evs, scheme, lambda ev, n=name: export_evaluation(ev, scheme, out / n))
            results.append((label, len(evs), floor, saved, exported))
        if args.pdf:
            some = evs[: args.pdf]
            floor = _time(some, scheme, lambda ev: build_docx(ev, scheme))
            saved = _time(some, scheme, save(build_docx))
            exported = _time(some, scheme, lambda ev: export_evaluation(ev, scheme, out / "t.pdf"))
            results.append(("自评表 .pdf", len(some), floor, saved, exported))

    print("| 文档 | n | build only (floor) ev/s | build + save ev/s | export to file ev/s | export ÷ floor |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, n, floor, saved, exported in results:
        print(
            f"| {label} | {n} | {n / floor:,.1f} | {n / saved:,.1f} | {n / exported:,.1f} | {exported / floor:.2f} |"
        )


if __name__ == "__main__":
    main()
