"""The review report (复核报告): a row per document with key figures and counts, then its findings."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from export.support import EXAMPLES
from export.support import SEED_004
from export.support import scored
from jixiao.core.check_names import check_title
from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Project
from jixiao.core.model import Severity
from jixiao.export import ExportError
from jixiao.export import write_review
from jixiao.export.review_xlsx import MAX_DOCUMENT_SHEETS


@pytest.fixture(scope="module")
def batch() -> list[Evaluation]:
    return [scored(path)[0] for path in EXAMPLES]


def test_xlsx_summary_has_a_row_per_document(batch: list[Evaluation], tmp_path: Path) -> None:
    wb = load_workbook(write_review(batch, tmp_path / "复核报告.xlsx"))
    assert wb.sheetnames[:2] == ["汇总", "全部问题"]
    assert len(wb.sheetnames) == 2 + len(batch)
    ws = wb["汇总"]
    assert ws["A1"].value == "绩效自评复核报告"
    assert [c.value for c in ws[3]][:4] == ["序号", "文件", "项目名称", "单位"]
    by_name = {ws.cell(row=r, column=3).value: r for r in range(4, 4 + len(batch))}
    r = by_name["社会保障专项"]
    values = [ws.cell(row=r, column=c).value for c in range(7, 19)]
    assert values[:2] == [24409100, 24409100]
    assert (values[3], Decimal(str(values[4])), Decimal(str(values[5]))) == (
        98,
        Decimal("97.67"),
        Decimal("0.33"),
    )
    ev = scored(SEED_004)[0]
    assert values[8:] == [
        sum(f.severity is Severity.ERROR for f in ev.findings),
        sum(f.severity is Severity.WARNING for f in ev.findings),
        sum(f.severity is Severity.INFO for f in ev.findings),
        "需更正",
    ]
    assert ws.cell(row=r, column=7).number_format == '"¥"#,##0.00'
    assert ws.cell(row=r, column=3).hyperlink.location == "'2-社会保障专项'!A1"
    assert ws.freeze_panes == "A4"


def test_every_finding_is_listed_with_its_place(batch: list[Evaluation], tmp_path: Path) -> None:
    wb = load_workbook(write_review(batch, tmp_path / "复核报告.xlsx"))
    everything = wb["全部问题"]
    assert everything.max_row - 1 == sum(len(ev.findings) for ev in batch)
    own = wb["2-社会保障专项"]
    rows = [[c.value for c in r] for r in own.iter_rows(min_row=1)]
    names = [r[1] for r in rows if r and r[0] in ("错误", "警告", "提示")]
    ev = scored(SEED_004)[0]
    # wording change: the 问题类别 column names each finding in Chinese, not by its code
    assert sorted(names) == sorted(check_title(f.code) for f in ev.findings)
    assert names[0] != check_title("DUPLICATE_INDICATOR")  # errors come first
    missed = next(r for r in rows if r[1] == check_title("FULL_SCORE_TARGET_MISSED"))
    assert missed[3] == "004-社会保障专项-2020.yaml 第80行"


def test_a_clean_document_says_so(tmp_path: Path) -> None:
    wb = load_workbook(write_review([Evaluation(project=Project(name="无问题"))], tmp_path / "r.xlsx"))
    assert any(c.value == "未发现问题。" for row in wb["1-无问题"].iter_rows() for c in row)


def test_html_report(batch: list[Evaluation], tmp_path: Path) -> None:
    nasty = Evaluation(
        project=Project(name="<script>alert(1)</script>"),
        findings=(Finding(code="X", severity=Severity.ERROR, message="a & b < c", location="第1\x07行"),),
    )
    page = write_review([*batch, nasty], tmp_path / "复核报告.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "a &amp; b &lt; c" in page
    assert "\x07" not in page
    assert '<a href="#doc-2">社会保障专项</a>' in page
    assert '<section id="doc-2">' in page
    assert "FULL_SCORE_TARGET_MISSED" in page
    assert f"共{len(batch) + 1}份自评" in page


def test_a_large_batch_keeps_one_findings_table(tmp_path: Path) -> None:
    many = [Evaluation(project=Project(name=f"项目{i}")) for i in range(MAX_DOCUMENT_SHEETS + 1)]
    wb = load_workbook(write_review(many, tmp_path / "r.xlsx"))
    assert wb.sheetnames == ["汇总", "全部问题"]
    assert "未按份分表" in wb["汇总"]["A2"].value


def test_empty_batch_and_bad_suffix(tmp_path: Path) -> None:
    assert write_review([], tmp_path / "r.html").exists()
    assert load_workbook(write_review([], tmp_path / "r.xlsx"))["汇总"]["A1"].value == "绩效自评复核报告"
    with pytest.raises(ExportError) as err:
        write_review([], tmp_path / "r.pdf")
    assert err.value.message == "复核报告不能导出为“.pdf”文件：可用 .xlsx、.html。"


def test_a_scans_finding_places_name_the_ocr_confidence_and_page(
    batch: list[Evaluation], tmp_path: Path
) -> None:
    from jixiao.core.model import ScanMark

    ev = scored(SEED_004)[0]
    row = next(f for f in ev.findings if f.indicator is not None)
    assert row.indicator is not None and row.location

    def mark(confidence: str, page: int) -> ScanMark:
        return ScanMark(page=page, box=(5, 5, 50, 20), width=800, height=600, confidence=Decimal(confidence))

    scan = ev.model_copy(
        update={
            "scanned": {
                f"indicators.{row.indicator}.target": mark("0.97", 2),
                f"indicators.{row.indicator}.claimed_score": mark("0.86", 2),
            }
        }
    )
    wb = load_workbook(write_review([scan], tmp_path / "复核报告.xlsx"))
    places = [r[6].value for r in wb["全部问题"].iter_rows(min_row=2) if r[6].value]
    # the row's least sure figure, marked low; findings elsewhere in the form are unchanged
    assert f"{row.location}（识别置信度 0.86，第2页，偏低）" in places
    plain = [f.location for f in ev.findings if f.indicator is None and f.location]
    assert all(p in places for p in plain)
    page = write_review([scan], tmp_path / "复核报告.html").read_text(encoding="utf-8")
    assert "（识别置信度 0.86，第2页，偏低）" in page
    # a file that is no scan: places as they were
    wb = load_workbook(write_review([ev], tmp_path / "原.xlsx"))
    assert not any("识别置信度" in str(c.value) for r in wb["全部问题"].iter_rows() for c in r)
