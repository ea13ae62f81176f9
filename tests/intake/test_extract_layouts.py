"""Extraction on layouts and wordings the corpus does not have (the code must not know the corpus)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx
import pytest

from intake.makers import TSV_REPORT
from intake.makers import gbk_report
from intake.makers import national_docx
from intake.makers import national_xlsx
from jixiao.core.model import Evaluation
from jixiao.intake.pipeline import extract_file


def codes(ev: Evaluation) -> set[str]:
    return {f.code for f in ev.findings}


def rows(ev: Evaluation) -> list[tuple[str | None, str | None, str, Decimal | None, Decimal | None]]:
    return [(i.level1, i.level2, i.name, i.weight, i.claimed_score) for i in ev.indicators]


@pytest.fixture(scope="module", params=["docx", "docx-split", "xlsx"])
def national(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    folder = tmp_path_factory.mktemp("national")
    if request.param == "xlsx":
        return extract_file(national_xlsx(folder / "自评表.xlsx"))
    split = 3 if request.param == "docx-split" else None
    return extract_file(national_docx(folder / "自评表.docx", split_at=split))


def test_national_header_and_budget(national: Evaluation) -> None:
    assert national.project.name == "农村饮水安全巩固提升工程"
    assert national.project.department == "县水利局"
    assert national.project.implementer == "县农村供水管理站"
    assert national.project.year == 2023
    b = national.budget
    assert (b.initial_yuan, b.planned_yuan, b.executed_yuan) == (
        Decimal(12000000),
        Decimal(11500000),
        Decimal(11040000),
    )
    assert b.stated_rate == Decimal("0.96")
    assert national.claimed.budget_execution_score == Decimal("9.6")
    assert national.scheme.weights.budget_execution == 10


def test_national_indicator_rows(national: Evaluation) -> None:
    got = rows(national)
    assert [r[2] for r in got] == [
        "新建供水管网长度",
        "改造水厂数量",
        "水质达标率",
        "工程按期完工率",
        "受益人口",
        "工程运行年限",
        "受益群众满意度",
    ]
    assert [r[0] for r in got] == ["产出指标"] * 4 + ["效益指标"] * 2 + ["满意度指标"]
    assert [r[1] for r in got][:4] == ["数量指标", "数量指标", "质量指标", "时效指标"]
    assert sum(r[3] or 0 for r in got) == 90
    assert [r[4] for r in got] == [Decimal(x) for x in ("15", "6.67", "15", "9", "15", "15", "10")]
    deviations = [i.deviation_reason for i in national.indicators]
    assert deviations[1] == "一座水厂因征地延误，顺延至次年"
    assert deviations[3] == "受汛期影响"


def test_national_total_is_the_score_column_not_the_weight(national: Evaluation) -> None:
    assert national.claimed.total == Decimal("95.27")
    assert national.claimed.grade == "良好"
    assert national.computed.total == Decimal("95.27")
    found = codes(national)
    assert "TOTAL_MISMATCH" not in found
    assert "SCORE_MISMATCH" not in found
    assert "GRADE_MISMATCH" in found  # 95.27 is 优 under mof-2020, the table says 良好
    assert national.problems and "征地延误" in national.problems


def test_national_findings_name_the_row(national: Evaluation) -> None:
    mismatch = next(f for f in national.findings if f.code == "GRADE_MISMATCH")
    assert (mismatch.location and "评价等级" in mismatch.location) or "第" in (mismatch.location or "")
    assert all(i.location and "三级指标“" in i.location and "第" in i.location for i in national.indicators)


def test_tsv_report_with_extra_columns(tmp_path: Path) -> None:
    path = tmp_path / "数字阅读.txt"
    path.write_text(TSV_REPORT, encoding="utf-8")
    ev = extract_file(path)
    assert ev.project.name == "市图书馆数字阅读推广"
    assert ev.project.year == 2022
    assert (ev.budget.planned_yuan, ev.budget.executed_yuan) == (Decimal(860000), Decimal(791200))
    assert ev.budget.stated_rate == Decimal("0.92")
    got = rows(ev)
    assert [r[2] for r in got] == [
        "线上讲座场次",
        "新增数字资源",
        "资源可用率",
        "平台故障修复时间",
        "注册读者增长",
        "读者满意度",
    ]
    assert [r[3] for r in got] == [Decimal(x) for x in (10, 10, 15, 15, 30, 10)]
    assert [r[1] for r in got] == [
        "数量指标",
        "数量指标",
        "质量指标",
        "时效指标",
        "社会效益指标",
        "服务对象满意度指标",
    ]
    assert (
        ev.scheme.weights.output == 50
        and ev.scheme.weights.effect == 30
        and ev.scheme.weights.satisfaction == 10
    )
    assert ev.claimed.total == Decimal("88.6") and ev.claimed.grade == "良好"
    assert ev.claimed.budget_execution_score == Decimal("9.2")
    assert ev.computed.total == Decimal("88.6")
    assert not {"TOTAL_MISMATCH", "SCORE_MISMATCH", "WEIGHTS_SUM_MISMATCH", "BUDGET_RATE_MISMATCH"} & codes(
        ev
    )
    assert ev.problems and "采购合同" in ev.problems


def test_gbk_text_is_decoded_and_read(tmp_path: Path) -> None:
    ev = extract_file(gbk_report(tmp_path / "养护.txt"))
    assert ev.project.name == "乡村道路养护"
    assert ev.budget.planned_yuan == Decimal(1200000)
    assert ev.claimed.total == 92 and ev.claimed.grade == "优秀"
    assert "UNREADABLE_DOCUMENT" not in codes(ev)
    # Decoded in full: no “全文未能识别” for the encoding.
    assert not [f for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE" and "全文" in f.message]


def test_a_blank_header_field_does_not_take_the_next_label_as_its_value(tmp_path: Path) -> None:
    # “主管部门 | (blank) | 实施单位 | (blank)”: the first text after 主管部门 is the next label,
    # which is no department. The blank fields stay unread; the filled ones are read.
    d = docx.Document()
    d.add_paragraph("2024年度项目支出绩效自评表")
    table = d.add_table(rows=3, cols=4)
    for r, values in enumerate(
        (
            ("项目名称", "乡村道路养护", "", ""),
            ("主管部门", "", "实施单位", ""),
            ("预算单位", "某县交通运输局", "项目类型", ""),
        )
    ):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    d.save(str(tmp_path / "blank.docx"))
    project = extract_file(tmp_path / "blank.docx").project
    assert project.name == "乡村道路养护"
    assert project.unit == "某县交通运输局"
    assert project.department is None
    assert project.implementer is None
