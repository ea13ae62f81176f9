"""Scores that are not the unit's self-score and reports that state two of them, in wordings written
here (not taken from any held-out or corpus file)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.model import Evaluation
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.extract.narrative import prose_grade
from jixiao.intake.extract.narrative import prose_total
from jixiao.intake.extract.sections import Para
from jixiao.intake.extract.sections import outline
from jixiao.intake.pipeline import extract_file


def paras(*texts: str) -> list[Para]:
    doc = Document(path="x", format="txt", blocks=[Paragraph(t, f"第{i + 1}行") for i, t in enumerate(texts)])
    return outline(doc)


@pytest.mark.parametrize(
    ("texts", "total"),
    [
        (("市财政局组织专家评审，专家评审得分78分。", "经单位自评，本项目得分88分。"), Decimal(88)),
        (("受托的第三方机构评价得分80.5分；", "本单位自评得分为91分，等级为优。"), Decimal(91)),
        (("财政重点评价得分76分。", "项目自评分95分。"), Decimal(95)),
        (("主管部门复核得分83分。", "自评得分86分。"), Decimal(86)),
    ],
)
def test_another_evaluators_score_is_not_the_self_score(texts: tuple[str, ...], total: Decimal) -> None:
    found = prose_total(paras(*texts))
    assert found is not None and found[0] == total


def test_a_third_party_score_alone_is_not_read_as_the_self_score() -> None:
    assert prose_total(paras("第三方评价得分为82分，评价等级为良。")) is None


def test_two_different_self_scores_are_left_unread_with_a_note() -> None:
    notes: list[tuple[str, str]] = []
    texts = ("一、结论", "本项目自评得分87分，等级为良。", "二、打分", "逐项打分后，本项目自评得分为93分。")
    assert prose_total(paras(*texts), notes=notes) is None
    assert len(notes) == 1 and "87" in notes[0][1] and "93" in notes[0][1]


def test_the_same_self_score_stated_twice_is_read() -> None:
    found = prose_total(paras("本项目自评得分87分。", "综上，自评得分为87分，等级为良。"))
    assert found is not None and found[0] == Decimal(87)


def test_two_different_grades_are_left_unread_with_a_note() -> None:
    notes: list[tuple[str, str]] = []
    texts = ("本项目自评得分91分，评价等级为“优”。", "按评分标准复算，评价等级为“良”。")
    assert prose_grade(paras(*texts), notes=notes) is None
    assert len(notes) == 1 and "优" in notes[0][1] and "良" in notes[0][1]


def test_the_same_grade_in_two_words_is_read() -> None:
    found = prose_grade(paras("评价等级为优。", "综上，绩效评价等级为“优秀”。"))
    assert found is not None and found[0] == "优"


def _budget(text: str) -> tuple[Decimal | None, Decimal | None]:
    from jixiao.intake.extract.budget_prose import from_prose

    facts, _ = from_prose(paras(text))
    return facts.planned, facts.executed


@pytest.mark.parametrize(
    ("text", "planned"),
    [
        # carried-over money + this year's budget = the money available: the sum is the budget
        (
            "该项目上年结转资金35万元，本年预算安排65万元，合计可用资金100万元；全年实际支出96万元。",
            Decimal(1000000),
        ),
        (
            "本年度预算安排80万元，上级追加结转资金12万元，共计可用资金92万元，实际支出90万元。",
            Decimal(920000),
        ),
        # parts that do not add up to the 合计: the sum is not taken, the 预算安排 stays
        (
            "上年结转资金35万元，本年预算安排65万元，合计可用资金110万元，全年实际支出96万元。",
            Decimal(650000),
        ),
    ],
)
def test_parts_and_their_sum_give_the_sum_as_the_budget(text: str, planned: Decimal) -> None:
    assert _budget(text)[0] == planned


def _table(tmp_path: Path, figures: str) -> Evaluation:
    path = tmp_path / "表.txt"
    path.write_text(
        "项目支出绩效自评表（2023年度）\n项目名称 城区路灯维护\n"
        "| 项目资金（万元） | 年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分 |\n"
        f"| 年度资金总额 | {figures} | 10 | 98% | 9.8 |\n",
        encoding="utf-8",
    )
    return extract_file(path)


def test_figures_in_yuan_under_a_wan_label_are_left_unread_with_a_note(tmp_path: Path) -> None:
    ev = _table(tmp_path, "3,400,000.00 | 3,400,000.00 | 3,332,000.00")  # 340亿元 if read as 万元
    assert ev.budget.planned_yuan is None and ev.budget.executed_yuan is None
    notes = [f.message for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE"]
    assert any("万元" in n and "元填列" in n for n in notes), notes


def test_plausible_figures_under_a_wan_label_are_read(tmp_path: Path) -> None:
    ev = _table(tmp_path, "340.00 | 340.00 | 333.20")
    assert ev.budget.planned_yuan == Decimal(3400000) and ev.budget.executed_yuan == Decimal(3332000)


def test_a_report_with_two_self_scores_has_neither_and_a_finding_names_both(tmp_path: Path) -> None:
    path = tmp_path / "报告.txt"
    path.write_text(
        "2024年度河道保洁项目绩效自评报告\n一、资金情况\n全年预算30万元，实际支出30万元。\n"
        "二、自评结论\n本项目自评得分95分，评价等级为“优”。\n"
        "三、打分情况\n经逐项打分，项目自评得分为84分，评价等级为“良”。\n",
        encoding="utf-8",
    )
    ev = extract_file(path)
    assert ev.claimed.total is None and ev.claimed.grade is None
    notes = [f.message for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE"]
    assert any("95" in n and "84" in n for n in notes), notes
    assert any("“优”" in n and "“良”" in n for n in notes), notes


def test_a_paragraph_of_sub_project_amounts_is_not_the_projects_budget() -> None:
    from jixiao.intake.extract.budget_prose import from_prose

    text = "其中：东片区供水管网子项目安排资金60万元，实际支出58万元；西片区泵站改造子项目安排资金30万元，实际支出30万元。"
    facts, _ = from_prose(paras(text))
    assert facts.planned is None and facts.executed is None
    # the whole stated before its parts is read
    facts, _ = from_prose(paras("项目预算资金90万元，实际支出88万元。", text))
    assert facts.planned == Decimal(900000) and facts.executed == Decimal(880000)
