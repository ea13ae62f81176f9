"""The batch review workbook: two sheets whatever the size, summary by severity with a unit
column, findings grouped by file, relative file names and no server path anywhere."""

from __future__ import annotations

import io
import random
import re
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Project
from jixiao.core.model import Severity
from jixiao.core.model import Source
from jixiao.export.batch_review import BatchItem
from jixiao.export.batch_review import batch_workbook
from jixiao.export.batch_review import relative_name
from jixiao.export.batch_review import without_paths

SERVER = "/srv/jixiao/data/uploads"
ABSOLUTE = re.compile(r"(^|[\s“\"（(])/[^/\s]+/")
REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def _generated(n: int) -> list[BatchItem]:
    """``n`` evaluations with 0–4 errors, warnings and notes each; every one's source is an
    absolute server path, and some messages name one too (as an unreadable file's reason may)."""
    rng = random.Random(19)
    items = []
    for i in range(n):
        findings = []
        for severity in Severity:
            for k in range(rng.randint(0, 4)):
                findings.append(
                    Finding(
                        code=f"C{k}",
                        severity=severity,
                        message=f"三级指标“指标{k}”有问题，见 {SERVER}/{i:03d}/报告.docx",
                        location=f"自评表 第{k + 3}行 三级指标“指标{k}”",
                    )
                )
        ev = Evaluation(
            project=Project(name=f"项目{i}", unit=f"单位{i % 7}", year=2024),
            claimed=Claimed(total=Decimal(90)),
            source=Source(path=f"{SERVER}/{i:03d}/报告{i}.docx"),
            findings=tuple(findings),
        )
        items.append(
            BatchItem(f"{SERVER}/{i:03d}/报告{i}.docx" if i % 50 == 0 else f"第{i % 3}批/报告{i}.docx", ev)
        )
    return items


def test_300_files_make_two_sheets_sorted_by_severity_without_server_paths() -> None:
    items = _generated(300)
    book = load_workbook(io.BytesIO(batch_workbook(items, scope="本批")))
    assert book.sheetnames == ["汇总", "问题明细"]
    summary, details = book["汇总"], book["问题明细"]
    head = [c.value for c in summary[3]]
    assert "单位" in head and "文件" in head
    rows = list(summary.iter_rows(min_row=4, values_only=True))
    assert len(rows) == 300
    col = {name: head.index(name) for name in ("错误", "警告", "提示", "文件", "单位")}
    keys = [(-r[col["错误"]], -r[col["警告"]], -r[col["提示"]]) for r in rows]
    assert keys == sorted(keys)
    assert all(r[col["单位"]].startswith("单位") for r in rows)
    text = [
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert not [t for t in text if SERVER in t or ABSOLUTE.search(t)]
    assert "报告0.docx" in {r[col["文件"]] for r in rows}  # an absolute name keeps its file name
    # Details: each evaluation's findings follow its heading, in the summary's order.
    total = sum(len(i.evaluation.findings) or 1 for i in items)
    detail_rows = list(details.iter_rows(min_row=2, values_only=True))
    assert len(detail_rows) == total + 300
    order = []
    for r in detail_rows:
        if not order or order[-1] != r[0]:
            order.append(r[0])
    assert order == list(range(1, 301))  # one group per evaluation, never split
    # The place is printed once: the message no longer starts with the indicator.
    first = next(r for r in detail_rows if r[4] == "C1")
    assert first[6].endswith("三级指标“指标1”") and first[5].startswith("有问题")


def test_summary_links_to_the_group_of_its_file() -> None:
    items = _generated(5)
    book = load_workbook(io.BytesIO(batch_workbook(items)))
    summary, details = book["汇总"], book["问题明细"]
    for row in summary.iter_rows(min_row=4):
        target = row[1].hyperlink.location
        sheet, cell = target.split("!")
        assert sheet == "'问题明细'"
        assert details[cell].value == row[0].value  # the heading of the same 序号


def test_relative_names_and_path_scrubbing(tmp_path: Path) -> None:
    inbox = tmp_path / "收件箱"
    (inbox / "二级").mkdir(parents=True)
    f = inbox / "二级" / "a.docx"
    assert relative_name(f, [inbox]) == "收件箱/二级/a.docx"
    assert relative_name(f, [f]) == "a.docx"
    assert relative_name(f, [tmp_path / "other"]) == "a.docx"
    assert without_paths(f"无法读取 {f}：损坏") == "无法读取 a.docx：损坏"
    assert without_paths("C:\\Users\\x\\报告.docx") == "报告.docx"
    assert without_paths("完成率 1/2，比例 3/4") == "完成率 1/2，比例 3/4"


def test_cli_report_is_the_batch_workbook_with_relative_names(tmp_path: Path) -> None:
    out = tmp_path / "复核.xlsx"
    result = CliRunner().invoke(app, ["check", str(REAL), "--jobs", "2", "--quiet", "--report", str(out)])
    assert result.exit_code == 1, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["汇总", "问题明细"]
    files = [r[1] for r in book["汇总"].iter_rows(min_row=4, values_only=True)]
    assert len(files) == len(list(REAL.iterdir()))
    assert all(f.startswith("real/") for f in files)
    text = [
        str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None
    ]
    assert not [t for t in text if str(REAL) in t]


def test_a_scans_finding_place_names_the_ocr_confidence_and_page() -> None:
    from jixiao.core.model import ScanMark

    finding = Finding(
        code="SCORE_ABOVE_WEIGHT",
        severity=Severity.ERROR,
        message="得分高于分值",
        location="第1页 自评表 第12行",
        indicator=0,
    )
    mark = ScanMark(page=1, box=(10, 10, 90, 40), width=2480, height=3508, confidence=Decimal("0.93"))
    ev = Evaluation(
        project=Project(name="扫描件项目"), findings=(finding,), scanned={"indicators.0.claimed_score": mark}
    )
    details = load_workbook(io.BytesIO(batch_workbook([BatchItem("扫描/自评表.png", ev)])))["问题明细"]
    places = [
        c.value
        for row in details.iter_rows()
        for c in row
        if isinstance(c.value, str) and "第12行" in c.value
    ]
    assert places == ["第1页 自评表 第12行（识别置信度 0.93，第1页）"]
