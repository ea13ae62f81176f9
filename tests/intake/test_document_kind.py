"""The 部门整体 kind set by the extractor, on documents written here and on real ones."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import docx

from jixiao.core.model import Evaluation
from jixiao.core.model import Kind
from jixiao.intake.pipeline import extract_file

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
PROJECT_ONLY = {"UNVERIFIABLE_TOTAL", "NO_INDICATOR_TABLE", "NO_SATISFACTION_INDICATOR", "INPUT_AS_OUTPUT"}

DEPARTMENT_REPORT = """\
某县自然资源局2023年度部门整体支出绩效自评报告
一、部门基本情况
我局内设机构9个，下属事业单位3个，年末实有人数86人。
二、部门整体支出绩效自评结论
经自评，本部门2023年度整体支出绩效自评得分为92.5分，综合评价等级为“优”。
三、预算执行情况
2023年部门整体支出全年预算数为45,678,912.30元，全年实际支出4,512.34万元，预算执行率98.78%。
其中：基本支出预算2,100万元，实际支出2,098.6万元；项目支出预算2,467.89万元，实际支出2,413.74万元。
四、存在的问题
部分项目资金支付进度偏慢。
"""

PROJECT_REPORT = """\
2023年度农村公路养护项目支出绩效自评报告
根据《某县部门整体支出绩效评价管理办法》和《关于开展2023年度部门整体支出和项目支出绩效自评工作的通知》，现将本项目自评情况报告如下。
本项目资金已纳入部门整体支出绩效自评范围，由局财务股统一组织。
一、自评结论
项目自评得分90分，自评等级为优。
二、预算执行情况
年初预算安排80万元，实际支出78.4万元，预算执行率98%。
三、存在的问题
养护资金标准偏低。
"""


def codes(ev: Evaluation) -> set[str]:
    return {f.code for f in ev.findings}


def test_a_department_report_is_read_as_one(tmp_path: Path) -> None:
    path = tmp_path / "自评报告.txt"
    path.write_text(DEPARTMENT_REPORT, encoding="utf-8")
    ev = extract_file(path)
    assert ev.kind is Kind.DEPARTMENT
    assert "kind" in ev.provenance
    # what applies is read and checked …
    assert ev.budget.planned_yuan == Decimal("45678912.30")
    assert ev.budget.executed_yuan == Decimal("45123400")  # 4,512.34万元; not a 其中 part
    assert ev.budget.stated_rate == Decimal("0.9878")
    assert ev.claimed.total == Decimal("92.5") and ev.claimed.grade == "优"
    assert "BUDGET_RATE_MISMATCH" not in codes(ev)  # 4512.34 ÷ 4567.89 = 98.78%
    # … and the checks about a project's own form are not raised
    assert not PROJECT_ONLY & codes(ev)


def test_a_project_report_citing_department_rules_stays_a_project(tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    path.write_text(PROJECT_REPORT, encoding="utf-8")
    ev = extract_file(path)
    assert ev.kind is Kind.PROJECT
    assert "UNVERIFIABLE_TOTAL" in codes(ev)  # project-only checks still run on projects


def test_a_department_form_in_word_by_its_title_cell(tmp_path: Path) -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    title = table.rows[0].cells[0].merge(table.rows[0].cells[3])
    title.text = "部门整体支出绩效自评表（2023年度）"
    for c, text in enumerate(["部门名称", "某县林业局", "联系人", "王某"]):
        table.rows[1].cells[c].text = text
    for c, text in enumerate(["自评总分", "96", "评价等级", "优"]):
        table.rows[2].cells[c].text = text
    path = tmp_path / "整体自评.docx"
    document.save(str(path))
    ev = extract_file(path)
    assert ev.kind is Kind.DEPARTMENT
    assert "表" in ev.provenance["kind"]


def test_a_file_named_as_a_department_evaluation(tmp_path: Path) -> None:
    path = tmp_path / "2023年度部门整体绩效自评.txt"
    path.write_text("一、自评结论\n经自评，自评总分95分。\n", encoding="utf-8")
    ev = extract_file(path)
    assert ev.kind is Kind.DEPARTMENT
    assert "文件名" in ev.provenance["kind"]


def test_real_department_narrative_traditional_with_pinyin() -> None:
    ev = extract_file(REAL / "real_19.txt")
    assert ev.kind is Kind.DEPARTMENT
    assert ev.budget.planned_yuan == Decimal("88799814.14")
    assert ev.claimed.total == 97 and ev.claimed.grade == "优"  # not a count of graded projects


def test_real_department_form_ocr() -> None:
    assert extract_file(REAL / "real_12.txt").kind is Kind.DEPARTMENT


def test_real_project_narratives_stay_projects() -> None:
    for name in ("real_16.txt", "real_20.txt", "real_21.txt", "real_22.txt"):
        assert extract_file(REAL / name).kind is Kind.PROJECT, name


def test_real_narrative_figures() -> None:
    ev20 = extract_file(REAL / "real_20.txt")
    assert ev20.claimed.total == 100  # not an item's 自评得分20分
    assert ev20.budget.planned_yuan == Decimal(95500)
    assert [i.claimed_score for i in ev20.indicators] == [20] * 5  # the items, each named
    assert ev20.indicators[0].name == "重大动物强制免疫病种群体免疫密度"
    ev21 = extract_file(REAL / "real_21.txt")
    assert ev21.budget.planned_yuan == Decimal(1100000)  # 指标金额
    assert ev21.budget.received_yuan == Decimal(1080000) and ev21.budget.executed_yuan is None  # 拨付
    assert ev21.claimed.total == 100  # 项目自评分
    ev22 = extract_file(REAL / "real_22.txt")
    assert ev22.budget.initial_yuan == Decimal(5600000)
    assert ev22.budget.executed_yuan == Decimal("7290235.03")
    # 560万元 + 追加1,690,235.03元: the budget the spending is measured against, not 130%
    assert ev22.budget.planned_yuan == Decimal("7290235.03")
    assert ev22.budget.execution_rate == 1
