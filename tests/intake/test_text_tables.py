"""Tables recovered from text: pipe rows, Markdown, ragged converter pipes, one cell per line."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.readers import read_document
from jixiao.intake.readers.text import RUN_TOGETHER_NOTE

REAL = Path(__file__).resolve().parents[1] / "data" / "real"


def _read(tmp_path: Path, text: str, name: str = "report.txt") -> Document:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path)


def _only_table(doc: Document) -> Table:
    assert len(doc.tables) == 1, [t.text_rows() for t in doc.tables]
    return doc.tables[0]


def test_markdown_table_with_separator(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        "项目自评情况如下：\n\n"
        "| 一级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 |\n"
        "|:---|---|:---:|---:|---|---|\n"
        "| 产出指标 | 改造户数 | ≥120户 | 126户 | 20 | 20 |\n"
        "| 效益指标 | 群众满意度 | ≥90% | 93% | 10 | 10 |\n\n"
        "以上为自评结果。\n",
    )
    assert _only_table(doc).text_rows() == [
        ["一级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
        ["产出指标", "改造户数", "≥120户", "126户", "20", "20"],
        ["效益指标", "群众满意度", "≥90%", "93%", "10", "10"],
    ]
    assert [p.text for p in doc.paragraphs] == ["项目自评情况如下：", "以上为自评结果。"]


def test_markdown_file(tmp_path: Path) -> None:
    doc = _read(tmp_path, "# 自评报告\n\n| 指标 | 得分 |\n| --- | --- |\n| 满意度 | 9 |\n", "报告.md")
    assert doc.format == "txt"
    assert _only_table(doc).text_rows() == [["指标", "得分"], ["满意度", "9"]]


def test_ragged_converter_pipes_and_a_broken_off_label(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        "资金绩效自评表 | |||||\n"
        "项目名称 | 农村饮水安全巩固 | ||||\n"
        "资金投入情况（万元） |\n"
        "全年预算数(A) | 全年执行数(B) | 执行率 | |||\n"
        "年度资金总额： | 250.5 | 240 | 95.81% | |\n"
        "|\n"
        "其中：本级财政资金 | 250.5 | 240 | 95.81% |\n",
    )
    assert _only_table(doc).text_rows() == [
        ["资金绩效自评表", "", "", ""],
        ["项目名称", "农村饮水安全巩固", "", ""],
        ["资金投入情况（万元）", "全年预算数(A)", "全年执行数(B)", "执行率"],
        ["年度资金总额：", "250.5", "240", "95.81%"],
        ["其中：本级财政资金", "250.5", "240", "95.81%"],
    ]


def test_a_title_line_over_full_rows_stays_its_own_row(tmp_path: Path) -> None:
    doc = _read(
        tmp_path,
        "部门项目绩效自评表 |\n"
        "项目名称 | 图书馆免费开放 | 主管部门 | 县文旅局 |\n"
        "实施单位 | 县图书馆 | 自评得分 | 93 |\n",
    )
    assert _only_table(doc).text_rows() == [
        ["部门项目绩效自评表", "", "", ""],
        ["项目名称", "图书馆免费开放", "主管部门", "县文旅局"],
        ["实施单位", "县图书馆", "自评得分", "93"],
    ]


def test_full_width_pipes(tmp_path: Path) -> None:
    doc = _read(tmp_path, "｜单位｜县水利局｜\n｜自评得分｜９２｜\n")
    assert _only_table(doc).text_rows() == [["单位", "县水利局"], ["自评得分", "92"]]


def test_cell_per_line_with_row_marks_and_a_long_unmarked_run(tmp_path: Path) -> None:
    header = ["一级指标", "二级指标", "三级指标", "分值", "指标值", "实际值", "得分"]
    rows = [
        ["产出指标", "数量指标", "培训人次", "20", "≥300人次", "320人次", "20"],
        ["", "质量指标", "合格率", "20", "≥95%", "97%", "20"],
        ["", "时效指标", "完成时间", "10", "12月底前", "11月", "10"],
        ["效益指标", "社会效益", "就业率", "30", "≥80%", "76%", "28"],
        ["满意度", "满意度指标", "学员满意度", "10", "≥90%", "95%", "10"],
    ]
    lines = ["项目名称 |", "职业技能培训 |", "|||||", "预算数 |", "执行数 |", "||", "80 |", "78.4 |", "|||"]
    # the indicator rows carry no row marks at all: an empty cell is a line of one pipe
    for row in [header, *rows]:
        lines.extend(f"{c} |" if c else "|" for c in row)
    doc = _read(tmp_path, "\n".join(lines) + "\n")
    table = _only_table(doc)
    assert table.text_rows()[:3] == [
        ["项目名称", "职业技能培训", "", "", "", "", ""],
        ["预算数", "执行数", "", "", "", "", ""],
        ["80", "78.4", "", "", "", "", ""],
    ]
    assert table.text_rows()[3:] == [header, *rows]
    assert doc.notes == []  # cut at a consistent width: nothing left unread


def test_cell_per_line_where_a_single_pipe_ends_the_row(tmp_path: Path) -> None:
    rows = [["指标", "目标值", "完成值"], ["覆盖率", "100%", "98%"], ["受益人数", "5000", "5120"]]
    lines: list[str] = []
    for row in rows:
        lines.extend(f"{c} |" for c in row)
        lines.append("|")
    doc = _read(tmp_path, "下表为完成情况：\n" + "\n".join(lines) + "\n三、存在问题\n")
    assert _only_table(doc).text_rows() == rows
    assert [p.text for p in doc.paragraphs] == ["下表为完成情况：", "三、存在问题"]


def test_a_long_row_no_width_explains_is_left_whole(tmp_path: Path) -> None:
    cells = ["甲", "1", "乙乙", "", "2%", "丙", "3", "4", "丁", "", "", "5%", "戊", "6", "己", "7"]
    lines = ["A |", "B |", "C |", "||", *[f"{c} |" if c else "|" for c in cells]]
    doc = _read(tmp_path, "\n".join(lines))
    table = _only_table(doc)
    assert table.n_rows == 2
    assert table.text_rows()[1] == cells
    assert doc.notes == [("表1（第1行起） 第2行", RUN_TOGETHER_NOTE)]


@pytest.mark.parametrize(
    ("name", "rows", "cols", "row", "expected"),
    [
        ("real_03.txt", 20, 9, 4, ["", "年度资金总额:", "30", "30", "10", "100%", "10", "", ""]),
        ("real_16.txt", 10, 5, 5, ["产出指标", "数量指标", "受资助本专科学生人数", "14726", "15935"]),
        ("real_09.txt", None, 4, 7, ["年度资金总额:", "808.1", "692.98", "86%"]),
    ],
)
def test_real_pipe_documents(name: str, rows: int | None, cols: int, row: int, expected: list[str]) -> None:
    table = read_document(REAL / name).tables[0]
    if rows is not None:
        assert table.n_rows == rows
    assert table.n_cols == cols
    assert table.text_rows()[row] == expected


def test_real_traditional_with_pinyin() -> None:
    doc = read_document(REAL / "real_19.txt")
    text = doc.text()
    assert "部门整体绩效自评得分" in text
    assert "自评分97分" in text
    assert "(fā)" not in text and "发布机构" in text  # no pinyin left
    para = next(p for p in doc.paragraphs if "自评得分" in p.text)
    assert para.original is not None and "績效" in para.original


def test_the_year_of_a_pipe_form_is_read_from_its_title_cell(tmp_path: Path) -> None:
    from jixiao.intake.extract import extract

    lines = [
        "（乡村学校营养餐）绩效目标自评表",
        "绩效目标自评表 (2021年度) |",
        "|||||||",
        "项目名称 |",
        "乡村学校营养餐 |",
        "||",
        "资金情况(万元) |",
        "全年预算数(A) |",
        "全年执行数(B) |",
        "执行率(B/A) |",
        "||",
        "年度资金总额: |",
        "45 |",
        "45 |",
        "100% |",
        "||",
        "三、本表于2023年公开",
    ]
    doc = _read(tmp_path, "\n".join(lines) + "\n")
    draft = extract(doc)
    assert draft.evaluation.project.year == 2021
