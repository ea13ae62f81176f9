"""A block pasted from Excel (TSV) read into indicator rows: by the header, or in the official order."""

from __future__ import annotations

from jixiao.web.form_paste import OFFICIAL_ORDER
from jixiao.web.form_paste import header_columns
from jixiao.web.form_paste import parse_paste
from jixiao.web.form_paste import split_tsv


def block(rows: list[list[str]]) -> str:
    """Cells as Excel copies them: tabs between cells, CRLF after each row, a cell with a line
    break or a quote quoted."""

    def cell(v: str) -> str:
        return '"' + v.replace('"', '""') + '"' if any(c in v for c in '\n\t"') else v

    return "".join("\t".join(cell(v) for v in row) + "\r\n" for row in rows)


def hubei_rows(n: int) -> list[list[str]]:
    """``n`` rows in the official order, 一级 and 二级 written only where a merged cell starts."""
    out = []
    for i in range(n):
        level1 = "产出指标" if i < n // 2 else "效益指标"
        first = i in (0, n // 2)
        out.append(
            [
                level1 if first else "",
                ("数量指标（20分）" if level1 == "产出指标" else "社会效益指标（20分）") if first else "",
                f"指标{i + 1}",
                f"≥{i + 10}人",
                f"{i + 11}人",
                "2",
                "2",
                "",
            ]
        )
    return out


def test_27_rows_without_a_header_land_in_27_rows_in_the_official_order() -> None:
    pasted = parse_paste(block(hubei_rows(27)))
    assert not pasted.header
    assert len(pasted.rows) == 27
    assert pasted.columns == OFFICIAL_ORDER
    first, last = pasted.rows[0], pasted.rows[26]
    assert first == {
        "level1": "产出指标",
        "level2": "数量指标（20分）",
        "name": "指标1",
        "target": "≥10人",
        "actual": "11人",
        "weight": "2",
        "claimed_score": "2",
        "deviation_reason": "",
    }
    # Merged cells: the 一级 and 二级 of the row above carry down.
    assert pasted.rows[5]["level1"] == "产出指标" and pasted.rows[5]["level2"] == "数量指标（20分）"
    assert last["level1"] == "效益指标" and last["level2"] == "社会效益指标（20分）"
    assert last["name"] == "指标27" and last["target"] == "≥36人"


def test_columns_are_mapped_by_the_header_in_any_order() -> None:
    text = block(
        [
            ["三级指标", "分值", "实际完成值", "年度指标值", "得分", "偏差原因分析及改进措施", "备用"],
            ["培训人数", "10", "120人", "≥100人", "10", "无", "x"],
            ["满意度", "10", "93%", "≥90%", "9", "个别投诉", "y"],
        ]
    )
    pasted = parse_paste(text, start="weight")  # the header wins over the column pasted into
    assert pasted.header
    assert pasted.rows == (
        {
            "name": "培训人数",
            "weight": "10",
            "actual": "120人",
            "target": "≥100人",
            "claimed_score": "10",
            "deviation_reason": "无",
        },
        {
            "name": "满意度",
            "weight": "10",
            "actual": "93%",
            "target": "≥90%",
            "claimed_score": "9",
            "deviation_reason": "个别投诉",
        },
    )


def test_a_header_with_weights_in_its_labels_is_still_a_header() -> None:
    assert header_columns(
        ["一级指标", "二级指标", "三级指标（权重）", "年初目标值（A）", "实际完成值（B）", "得分"]
    ) == (
        "level1",
        "level2",
        "name",
        "target",
        "actual",
        "claimed_score",
    )
    # A data row is not a header, even with words that look like column names.
    assert header_columns(["产出指标", "数量指标", "目标完成率", "≥95%", "98%", "10", "10"]) is None


def test_without_a_header_the_columns_start_at_the_column_pasted_into() -> None:
    pasted = parse_paste("≥100人\t120人\t10\r\n≥90%\t93%\t10\r\n", start="target")
    assert pasted.rows == (
        {"target": "≥100人", "actual": "120人", "weight": "10"},
        {"target": "≥90%", "actual": "93%", "weight": "10"},
    )


def test_quoted_cells_keep_their_line_breaks_tabs_and_quotes() -> None:
    text = block([["产出指标", "数量指标", '指标"甲"', "第一行\n第二行", "a\tb"]])
    assert split_tsv(text) == [["产出指标", "数量指标", '指标"甲"', "第一行\n第二行", "a\tb"]]
    row = parse_paste(text).rows[0]
    assert row["target"] == "第一行\n第二行" and row["actual"] == "a\tb" and row["name"] == '指标"甲"'


def test_blank_lines_and_extra_columns_are_dropped_and_nothing_is_nothing() -> None:
    pasted = parse_paste("a\tb\tc\td\te\tf\tg\th\ti\tj\n\n\t\t\n")
    assert len(pasted.rows) == 1
    assert pasted.columns[8:] == (None, None)
    assert parse_paste("").rows == ()
    assert parse_paste("\r\n\r\n").rows == ()
