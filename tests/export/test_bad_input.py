"""Bad input makes a sensible document, never a crash: no indicators, 200 of them, very long
texts, missing fields, characters XML cannot hold, odd numbers."""

from __future__ import annotations

import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from export.support import SEED_004
from export.support import scored
from jixiao.core.model import Budget
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.model import Value
from jixiao.export import export_evaluation
from jixiao.export.xlsx_table import MAX_CELL_CHARS
from jixiao.schemes import load_scheme

KINDS = ("自评表.xlsx", "自评表.docx", "自评报告.docx")


def many(n: int, text: str = "") -> tuple[Indicator, ...]:
    groups = ("数量指标", "质量指标", "时效指标", "社会效益指标")
    return tuple(
        Indicator(
            level1="产出指标" if i < n // 2 else "效益指标",
            level2=groups[(i // 10) % 4],
            group=i // 10,
            name=f"指标{i + 1}{text}",
            weight=Decimal("0.4"),
            target=Value(text=f"≥{i + 1}次"),
            actual=Value(text=f"{i}次{text}"),
            claimed_score=Decimal("0.4"),
        )
        for i in range(n)
    )


def export_all(ev: Evaluation, tmp_path: Path, scheme: str = "mof-2020") -> dict[str, Path]:
    rules = load_scheme(scheme)
    return {name: export_evaluation(ev, rules, tmp_path / name) for name in KINDS}


def test_no_indicators(tmp_path: Path) -> None:
    ev, _ = scored(SEED_004)
    out = export_all(ev.model_copy(update={"indicators": ()}), tmp_path, "hubei-2019")
    ws = load_workbook(out["自评表.xlsx"]).active
    assert any(c.value == "（未填写绩效指标）" for row in ws.iter_rows() for c in row)
    report = docx.Document(str(out["自评报告.docx"]))
    assert any("本项目未设置三级绩效指标。" in p.text for p in report.paragraphs)


def test_two_hundred_indicators(tmp_path: Path) -> None:
    ev = Evaluation(project=Project(name="大项目", year=2024), indicators=many(200))
    out = export_all(ev, tmp_path)
    ws = load_workbook(out["自评表.xlsx"]).active
    names = [
        c.value
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith("指标")
    ]
    assert len(names) == 200
    table = docx.Document(str(out["自评表.docx"]))
    assert len(table.tables[-2].rows) >= 201  # the last table holds the rows after the indicators
    report = docx.Document(str(out["自评报告.docx"]))
    assert any(p.text.startswith("（100）") for p in report.paragraphs)


def test_very_long_texts(tmp_path: Path) -> None:
    long = "很长的说明" * 2000  # 10,000 characters
    ev = Evaluation(
        project=Project(name="长" * 300, unit="单位" * 200),
        indicators=many(3, long),
        problems=long * 5,
        claimed=Claimed(total=Decimal(90)),
    )
    out = export_all(ev, tmp_path)
    ws = load_workbook(out["自评表.xlsx"]).active
    assert max(ws.row_dimensions[r].height or 0 for r in range(1, ws.max_row + 1)) <= 409
    report = docx.Document(str(out["自评报告.docx"]))
    assert any(len(p.text) >= 50_000 for p in report.paragraphs)


def test_a_text_longer_than_an_excel_cell_is_cut_with_a_note(tmp_path: Path) -> None:
    ev = Evaluation(project=Project(name="x"), indicators=many(1, "字" * 40_000))
    ws = load_workbook(export_evaluation(ev, load_scheme("mof-2020"), tmp_path / "t.xlsx")).active
    cut = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "已截断" in c.value]
    assert cut and all(len(v) == MAX_CELL_CHARS for v in cut)


def test_everything_missing(tmp_path: Path) -> None:
    out = export_all(Evaluation(), tmp_path)
    ws = load_workbook(out["自评表.xlsx"]).active
    assert str(ws["A1"].value) == "项目支出绩效自评表\n（\u3000\u3000年度）"
    table = docx.Document(str(out["自评表.docx"]))
    assert table.paragraphs[0].text == "项目支出绩效自评表"
    report = docx.Document(str(out["自评报告.docx"]))
    assert [p.text for p in report.paragraphs if p.style.name == "Title"] == ["项目支出绩效自评报告"]


@pytest.mark.parametrize("scheme", ["mof-2020", "hubei-2019", "mof-2021", "hebei-2020"])
def test_characters_xml_cannot_hold_are_dropped(tmp_path: Path, scheme: str) -> None:
    dirty = "甲\x00乙\x1f丙\ufffe"
    ev = Evaluation(
        project=Project(name=dirty, unit=dirty, category=dirty, filled_date=dt.date(2024, 1, 2)),
        indicators=(
            Indicator(
                level1=dirty,
                level2=dirty,
                name=dirty,
                target=Value(text=dirty),
                actual=Value(text=dirty),
                deviation_reason=dirty,
            ),
        ),
        problems=dirty,
        claimed=Claimed(grade=dirty),
    )
    out = export_all(ev, tmp_path, scheme)
    ws = load_workbook(out["自评表.xlsx"]).active
    assert any(c.value == "甲乙丙" for row in ws.iter_rows() for c in row)
    assert any(p.text == "甲乙丙" for p in docx.Document(str(out["自评报告.docx"])).paragraphs)


def test_odd_numbers(tmp_path: Path) -> None:
    ev = Evaluation(
        project=Project(name="数字"),
        budget=Budget(
            planned_yuan=Decimal("123456789012345.67"),
            executed_yuan=Decimal("-5.5"),
            initial_yuan=Decimal(0),
        ),
        indicators=(
            Indicator(
                name="甲",
                weight=Decimal("1E+1"),
                claimed_score=Decimal("3.14159265358979"),
                target=Value(text="≥1"),
            ),
        ),
        claimed=Claimed(total=Decimal("-1")),
    )
    out = export_all(ev, tmp_path)
    # a sheet holds numbers to Excel's 15 significant digits (any budget to the fen below 10^11 yuan)
    with zipfile.ZipFile(out["自评表.xlsx"]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>12345678901.23457</v>" in sheet
    table = docx.Document(str(out["自评表.docx"]))
    texts = {
        t.text
        for t in table.element.body.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t")
    }
    assert {"12,345,678,901.234567", "-0.00055", "3.14159265358979", "10", "-1"} <= texts
