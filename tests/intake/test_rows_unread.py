"""Rows of degraded text whose cells were printed but not read (issue 13): no false finding, no
value out of its column.

- A row read by its name only (its figures could not be placed) did not leave its target or actual
  blank: the checks that say “未填写年初目标值 / 未填写实际完成值” skip it, told so by structured
  provenance keys (not by the wording of a note), and one note says which rows they skip.
- A pipe-table row whose name cell is empty keeps its cells in their columns: its target is not
  read as a name; the row is noted, not read, and the sums stand down.
- A row printing an OCR'd “≥” as “Z” (``Z90%``) is read, the target settled as extract/degraded
  settles ``295%``.

Every document here is written for these tests (not a corpus file).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.core.checks.catalogue import ACTUAL_UNREAD
from jixiao.core.checks.catalogue import ROWS_INCOMPLETE
from jixiao.core.checks.catalogue import SCORE_UNREAD
from jixiao.core.checks.catalogue import TARGET_UNREAD
from jixiao.core.model import Evaluation
from jixiao.core.model import Op
from jixiao.intake.extract import degraded
from jixiao.intake.pipeline import extract_evaluations


def _extract(tmp_path: Path, text: str, suffix: str = ".txt") -> Evaluation:
    path = tmp_path / f"自评表{suffix}"
    path.write_text(text, encoding="utf-8")
    evs = extract_evaluations(path)
    assert len(evs) == 1
    return evs[0]


def _codes(ev: Evaluation) -> list[str]:
    return [f.code for f in ev.findings]


def _incomplete(ev: Evaluation) -> list[str]:
    return [f.message for f in ev.findings if f.code == "EXTRACTION_INCOMPLETE"]


# --- rows read by name only ---------------------------------------------------------------------

# 指标值 and 完成值 glued with no 分值/得分 column to check a cut against: “3030” may be 30 | 30
# or 303 | 0, so each row is read by its name and its figures are left unread.
NAME_ONLY = """\
村级图书室运行经费绩效目标自评表
绩效指标一级
指标
二级指标三级指标指标值全年实际完成值未完成原因和改进措施
数量指标开放图书室个数3030

时效指标全年开放天数300312
社会效益
指标
年度借阅总量12001350
服务对象
满意度指标
借阅村民满意度9092
说明
注:请如实填写。
"""


def test_rows_read_by_name_only_are_not_reported_as_left_blank(tmp_path: Path) -> None:
    ev = _extract(tmp_path, NAME_ONLY)
    names = [i.name for i in ev.indicators]
    assert names == ["开放图书室个数", "全年开放天数", "年度借阅总量", "借阅村民满意度"]
    assert all(i.target is None and i.actual is None for i in ev.indicators)
    codes = _codes(ev)
    assert "TARGET_NOT_QUANTIFIED" not in codes
    assert "ACTUAL_MISSING" not in codes
    assert "NO_INDICATOR_TABLE" not in codes  # the figures are printed, not missing
    for index in range(len(names)):
        assert f"{TARGET_UNREAD}{index}" in ev.provenance
        assert f"{ACTUAL_UNREAD}{index}" in ev.provenance
    said = [m for m in _incomplete(ev) if "印有数值但未能读取" in m]
    assert len(said) == 1
    assert "4个指标行" in said[0] and "“开放图书室个数”" in said[0] and "未填写实际完成值" in said[0]


# A unit column between name and figures, every figure glued: 指标值 | 分值 | 完成值 | 得分 cut
# more than one well-formed way, so 分值/得分 are not read either; the total is printed.
GLUED_WITH_SCORES = (
    "2023年度项目支出绩效自评表自评总分(分)95"
    "绩效指标指标名称计量单位指标值指标权重(分)全年完成值指标得分(分)说明"
    "新建机耕路里程公里1515158病虫害统防统治率%901092.510渠道清淤长度公里2010218"
)


def test_rows_whose_scores_were_not_read_stand_the_sums_down_by_a_structured_key(tmp_path: Path) -> None:
    ev = _extract(tmp_path, GLUED_WITH_SCORES)
    assert [i.name for i in ev.indicators] == ["新建机耕路里程", "病虫害统防统治率", "渠道清淤长度"]
    assert all(i.claimed_score is None and i.weight is None for i in ev.indicators)
    assert all(f"{SCORE_UNREAD}{k}" in ev.provenance for k in range(3))
    assert ROWS_INCOMPLETE in ev.provenance
    codes = _codes(ev)
    for code in ("ACTUAL_MISSING", "TARGET_NOT_QUANTIFIED", "UNVERIFIABLE_TOTAL", "NO_INDICATOR_TABLE"):
        assert code not in codes, code


def test_a_row_that_printed_no_figures_is_still_reported(tmp_path: Path) -> None:
    # A pipe table read in place: a 实际完成值 cell that is really empty is reported.
    text = """\
某县2023年度项目支出绩效自评表
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |
| --- | --- | --- | --- | --- | --- | --- |
| 产出指标 | 数量指标 | 培训农户人次 | ≥500人次 | 520人次 | 40 | 40 |
| 效益指标 | 社会效益指标 | 带动增收户数 | ≥100户 | | 40 | 30 |
| 满意度指标 | 服务对象满意度指标 | 农户满意度 | ≥90% | 93% | 20 | 20 |
| 总分 | | | | | 100 | 90 |
"""
    ev = _extract(tmp_path, text)
    assert not any(k.startswith((TARGET_UNREAD, ACTUAL_UNREAD, SCORE_UNREAD)) for k in ev.provenance)
    assert "ACTUAL_MISSING" in _codes(ev)


# --- a pipe row whose name cell is empty --------------------------------------------------------

PIPES_NO_NAME = """\
某镇2023年度项目支出绩效自评表
项目名称：村级道路亮化工程
| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施 |
| --- | --- | --- | --- | --- | --- | --- | --- |
| 产出指标 | 数量指标 | 安装路灯数量 | ≥120盏 | 126盏 | 20 | 20 | |
| | 时效指标 | | 按时 | 按时 | 10 | 10 | |
| | 质量指标 | 路灯亮灯率 | ≥95% | 98% | 20 | 20 | |
| | 成本指标 | | | | 10 | 10 | |
| 效益指标 | 社会效益指标 | 夜间出行安全改善 | 明显改善 | 明显改善 | 20 | 20 | |
| 满意度指标 | 服务对象满意度指标 | 村民满意度 | ≥90% | 94% | 20 | 20 | |
| 总分 | | | | | 100 | 100 | |
"""


def test_a_pipe_row_without_a_name_keeps_its_cells_in_their_columns(tmp_path: Path) -> None:
    ev = _extract(tmp_path, PIPES_NO_NAME, ".md")
    rows = [(i.name, i.target.text if i.target else "", i.weight) for i in ev.indicators]
    assert [r[0] for r in rows] == ["安装路灯数量", "路灯亮灯率", "夜间出行安全改善", "村民满意度"]
    assert all(name != target for name, target, _ in rows)  # no target read as a name
    notes = _incomplete(ev)
    # 按时 | 按时 | 10 | 10, and the row with only 分值 and 得分: noted, not dropped silently.
    assert len([m for m in notes if "没有指标名称" in m]) == 2
    assert ROWS_INCOMPLETE in ev.provenance  # rows left out: the weights cannot add up
    assert "WEIGHTS_SUM_MISMATCH" not in _codes(ev)
    assert "TOTAL_MISMATCH" not in _codes(ev)


def test_a_shifted_row_is_still_read_in_order(tmp_path: Path) -> None:
    # Name in the target column and every cell one column right (an export's shift): in order.
    text = (
        "| 一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
        "| --- | --- | --- | --- | --- | --- | --- |\n"
        "| 产出指标 | 数量指标 | 新建公厕座数 | ≥12座 | 12座 | 50 | 50 |\n"
        "| | 质量指标 | | 公厕验收合格率 | 100% | 100% | 30 | 30 |\n"
        "| 满意度指标 | 服务对象满意度指标 | 群众满意度 | ≥90% | 95% | 20 | 20 |\n"
    )
    ev = _extract(tmp_path, "某县公厕建设项目绩效自评表\n" + text, ".md")
    row = next(i for i in ev.indicators if i.name == "公厕验收合格率")
    assert row.target is not None and row.target.text == "100%"
    assert row.weight is not None and int(row.weight) == 30


# --- an OCR'd ≥ read as Z ---------------------------------------------------------------------

Z_SPACED = """\
某区2022年度项目支出绩效自评表
一级指标 二级指标 三级指标 年度指标值 实际完成值 分值 得分
产出指标 数量指标 改造小区个数 ≥8个 9个 30 30 质量指标 管网验收合格率 Z90% 97% {weight} {score} 满意度指标 服务对象满意度指标 住户满意度 ≥90% 93% 20 20
"""

Z_RUN_ON = (
    "河道清淤项目绩效自评表\n"
    "一级指标二级指标三级指标年度指标值实际完成值分值得分\n"
    "产出指标数量指标清淤河道长度≥18公里19.5公里2520质量指标验收合格率Z90%96%1515"
    "效益指标生态效益指标河道水质明显好转明显好转3030\n"
    "总分\n"
)


def test_a_z_for_ge_target_in_run_on_rows_is_read(tmp_path: Path) -> None:
    ev = _extract(tmp_path, Z_RUN_ON)
    row = next(i for i in ev.indicators if i.name == "验收合格率")  # not “验收合格率Z”
    assert row.target is not None and row.target.op is Op.GE and row.target.text == "≥90%"
    assert row.weight is not None and int(row.weight) == 15


def test_a_z_for_ge_target_in_spaced_rows_is_confirmed_or_left_unread(tmp_path: Path) -> None:
    confirmed = _extract(tmp_path, Z_SPACED.format(weight=20, score=20))
    row = next(i for i in confirmed.indicators if i.name == "管网验收合格率")
    assert row.target is not None and row.target.op is Op.GE and row.target.value is not None
    assert int(row.target.value) == 90
    # 18 of 20 points: the row does not confirm “≥90%”; the figure is not read, and no finding
    # calls the target unmeasurable.
    doubtful = _extract(tmp_path, Z_SPACED.format(weight=20, score=18))
    row = next(i for i in doubtful.indicators if i.name == "管网验收合格率")
    assert row.target is not None and not row.target.is_quantity
    assert any("Z90%" in m and "目标值未读取" in m for m in _incomplete(doubtful))
    assert "TARGET_NOT_QUANTIFIED" not in _codes(doubtful)


def test_rows_left_out_stand_the_sums_down_whatever_the_note_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stand-down rests on structured marks, not on the wording of the notes: with the note
    # classifier matching nothing, rows left out of a table still stand the sums down.
    monkeypatch.setattr(degraded, "_NOT_READ", ())
    ev = _extract(tmp_path, PIPES_NO_NAME, ".md")
    assert ROWS_INCOMPLETE in ev.provenance
    glued = _extract(tmp_path, GLUED_WITH_SCORES)
    assert ROWS_INCOMPLETE in glued.provenance
