"""Layouts are data: the built-in ones load, every scheme has one, a bad file says what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from export.support import ROOT
from export.support import SEED_004
from export.support import scored
from jixiao.export import LayoutError
from jixiao.export import export_evaluation
from jixiao.export import layout_for
from jixiao.export import load_layout
from jixiao.export.fields import FIELDS
from jixiao.export.fields import INDICATOR_VALUES
from jixiao.export.layout import BUILTIN_LAYOUTS
from jixiao.export.layout import Layout
from jixiao.export.layout import parse_layout
from jixiao.schemes import BUILTIN_IDS

DOC = (ROOT / "docs" / "export.md").read_text(encoding="utf-8")

MINIMAL = """
id = "test-5"
name = "五列表"
title = "{project.year}年度{project.short_name}项目绩效自评表"
columns = [10, 30, 20, 20, 10]

[[sections]]
kind = "rows"
rows = [[{ text = "项目名称" }, { field = "project.name", span = 4 }]]

[[sections]]
kind = "indicators"
columns = [
    { head = "二级指标", value = "level2" },
    { head = "三级指标", value = "name" },
    { head = "年初目标值", value = "target" },
    { head = "实际完成值", value = "actual" },
    { head = "得分", value = "score" },
]
"""


@pytest.mark.parametrize("layout_id", BUILTIN_LAYOUTS)
def test_builtin_layouts_load(layout_id: str) -> None:
    layout = load_layout(layout_id)
    assert layout.id == layout_id
    assert layout.schemes


def test_every_builtin_scheme_has_a_layout() -> None:
    assert {s: layout_for(s).id for s in BUILTIN_IDS} == {
        "mof-2020": "mof-2020",
        "mof-2021": "mof-2020",
        "hubei-2019": "hubei-2019",
        "hebei-2020": "mof-2020",
    }
    assert layout_for("my-own-scheme").id == "mof-2020"


@pytest.mark.parametrize("name", [*FIELDS, *INDICATOR_VALUES])
def test_every_field_is_documented(name: str) -> None:
    assert f"`{name}`" in DOC


@pytest.mark.parametrize("name", sorted(Layout.model_fields))
def test_every_layout_setting_is_documented(name: str) -> None:
    assert f"`{name}`" in DOC


_ROWS = 'rows = [[{ text = "项目名称" }, { field = "project.name", span = 4 }]]'


def _rows(rows: str) -> str:
    """The minimal layout with other fixed rows."""
    return MINIMAL.replace(_ROWS, f"rows = {rows}")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _rows('[[{ text = "项目名称" }, { field = "project.name", span = 3 }]]'),
            "第1行只占了 4 列，应为 5 列",
        ),
        (_rows('[[{ text = "项目名称" }, { field = "project.name", span = 5 }]]'), "第1行超出 5 列"),
        (
            _rows('[[{ text = "甲", rows = 2 }, { text = "乙", span = 4 }], [{ text = "丙", span = 5 }]]'),
            "第2行超出 5 列",
        ),
        (_rows('[[{ text = "甲", rows = 3, span = 5 }]]'), "向下合并 3 行，超出本节"),
        (_rows('[[{ field = "project.nmae", span = 5 }]]'), "未知字段“project.nmae”"),
        (_rows('[[{ text = "{budget.planed}万元", span = 5 }]]'), "“{budget.planed}”不是已知字段"),
        (_rows('[[{ field = "budget.planned", span = 5, choices = ["甲"] }]]'), "不是选项字段"),
        (_rows('[[{ text = "甲", field = "total", span = 5 }]]'), "只能写 text 或 field 之一"),
        (MINIMAL.replace('value = "score"', 'value = "points"'), "未知的指标列内容“points”"),
        (
            _rows('[[{ text = "项目名称" }, { field = "project.name", span = 3 }]]').replace(
                "columns = [10, 30, 20, 20, 10]", "columns = [10, 30, 20, 20]"
            ),
            "sections 第2节（指标表）各列共占 5 列，应为 4 列",
        ),
        (
            MINIMAL.replace('kind = "indicators"', 'kind = "rows"\nrows = []').split("columns = [\n")[0],
            "kind",
        ),
        ("id = ", "TOML 格式错误"),
        (MINIMAL.replace('sheet = "', "").replace('id = "test-5"', 'id = "Test 5"'), "id"),
    ],
)
def test_a_bad_layout_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(LayoutError) as err:
        parse_layout(text, "我的表样.toml")
    assert "表样 我的表样.toml：" in err.value.message
    assert message in err.value.message


def test_a_layout_needs_an_indicator_table() -> None:
    text = MINIMAL.split('[[sections]]\nkind = "indicators"', maxsplit=1)[0]
    with pytest.raises(LayoutError) as err:
        parse_layout(text, "x.toml")
    assert '须有一个 kind = "indicators" 的指标表' in err.value.message


def test_an_unknown_layout_names_the_built_in_ones() -> None:
    with pytest.raises(LayoutError) as err:
        load_layout("guangdong-2023")
    assert "内置表样：mof-2020、hubei-2019" in err.value.message


def test_a_province_adds_its_own_layout_without_code(tmp_path: Path) -> None:
    path = tmp_path / "本省表样.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    ev, scheme = scored(SEED_004)
    out = export_evaluation(ev, scheme, tmp_path / "自评表.xlsx", layout=path)
    from openpyxl import load_workbook

    ws = load_workbook(out).active
    assert ws.max_column == 5
    assert ws["A1"].value == "2020年度社会保障专项项目绩效自评表"
    assert [ws.cell(row=3, column=c).value for c in range(1, 6)] == [
        "二级指标",
        "三级指标",
        "年初目标值",
        "实际完成值",
        "得分",
    ]
    assert ws.cell(row=4, column=2).value == "办公用房、活动室的建设和维修社区数量"
