"""The review report's content (复核报告): one row per evaluation, with its findings.

A bureau reviewing a batch wants, per document: which project, the key figures (budget,
execution, the stated and the recomputed totals and grades), how many errors, warnings and
notes jixiao found, and then the findings themselves with the place each was found. An
evaluation whose findings say it is inconsistent is reported like any other — that is the
point of the report. :func:`review_rows` builds those rows; ``review_xlsx`` and ``review_html``
draw them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Severity
from jixiao.core.places import place_with_scan
from jixiao.export.formatting import clean

SEVERITY_NAMES = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
# The columns that name an evaluation, first in every summary sheet (here and the batch workbook).
IDENTITY_HEAD = ("序号", "文件", "项目名称", "单位", "年度")
SUMMARY_HEAD = (
    *IDENTITY_HEAD,
    "评分方案",
    "预算数（元）",
    "执行数（元）",
    "执行率",
    "自评总分",
    "复核得分",
    "差异",
    "自评等级",
    "复核等级",
    "错误",
    "警告",
    "提示",
    "复核结论",
)
FINDING_HEAD = ("级别", "问题类别", "问题", "位置")


@dataclass(frozen=True, slots=True)
class ReviewRow:
    """One evaluation in the review report."""

    index: int
    file: str
    project: str
    unit: str
    year: str
    scheme: str
    planned: Decimal | None
    executed: Decimal | None
    rate: Decimal | None
    claimed_total: Decimal | None
    computed_total: Decimal | None
    claimed_grade: str
    computed_grade: str
    findings: tuple[Finding, ...]

    @property
    def difference(self) -> Decimal | None:
        """Stated minus recomputed total, when both are known."""
        if self.claimed_total is None or self.computed_total is None:
            return None
        return self.claimed_total - self.computed_total

    def count(self, severity: Severity) -> int:
        """How many findings of one severity."""
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def verdict(self) -> str:
        """The reviewer's one-word reading: 需更正 (errors), 需关注 (warnings) or 未见问题."""
        if self.count(Severity.ERROR):
            return "需更正"
        if self.count(Severity.WARNING):
            return "需关注"
        return "未见问题"

    @property
    def title(self) -> str:
        """A short name for the document: its project, else its file."""
        return self.project or self.file or f"第{self.index}份"


def _file_of(ev: Evaluation) -> str:
    """The file an evaluation was read from, with the form when the file holds several."""
    if ev.source is None or not ev.source.path:
        return ""
    return ev.source.path + (f"（{ev.source.part}）" if ev.source.part else "")


def review_rows(evaluations: Sequence[Evaluation]) -> list[ReviewRow]:
    """The rows of the review report, in the order given; findings errors first."""
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    rows = []
    for index, ev in enumerate(evaluations, start=1):
        p = ev.project
        rows.append(
            ReviewRow(
                index=index,
                file=clean(_file_of(ev)),
                project=clean(p.name),
                unit=clean(p.unit),
                year=str(p.year) if p.year is not None else "",
                scheme=ev.scheme.id,
                planned=ev.budget.planned_yuan,
                executed=ev.budget.executed_yuan,
                rate=ev.budget.execution_rate,
                claimed_total=ev.claimed.total,
                computed_total=ev.computed.total,
                claimed_grade=clean(ev.claimed.grade),
                computed_grade=clean(ev.computed.grade),
                findings=tuple(
                    f.model_copy(
                        update={
                            "message": clean(f.message),
                            "location": clean(place_with_scan(ev, f)) or None,
                        }
                    )
                    for f in sorted(ev.findings, key=lambda f: order[f.severity])
                ),
            )
        )
    return rows


def review_date() -> str:
    """Today as the report prints it."""
    today = dt.date.today()
    return f"{today.year}年{today.month}月{today.day}日"
