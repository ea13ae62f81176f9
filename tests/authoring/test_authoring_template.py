"""The ``jixiao new`` template: commented, laid out for its scheme, and loadable as it is."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from jixiao.authoring import render_template
from jixiao.core.groups import classify_level1
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import load_scheme


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_template_loads(load: Callable[..., Evaluation], scheme_id: str) -> None:
    scheme = load_scheme(scheme_id)
    text = render_template(scheme)
    ev = load(text)
    assert ev.scheme.id == scheme_id
    assert ev.scheme.declared
    assert ev.scheme.weights == scheme.weights
    # One example row per 二级 entry, carrying that entry's weight; rows and budget make 100.
    assert [r.group for r in ev.indicators] == list(range(1, len(ev.indicators) + 1))
    assert all(r.weight == r.level2_weight for r in ev.indicators)
    assert sum(r.weight or 0 for r in ev.indicators) + scheme.weights.budget_execution == 100
    for group in (Group.OUTPUT, Group.EFFECT, Group.SATISFACTION, Group.COST):
        rows = [r for r in ev.indicators if classify_level1(r.level1) is group]
        assert sum(r.weight or 0 for r in rows) == scheme.weights.of(group)
        assert bool(rows) == (scheme.weights.of(group) > 0)
    assert ev.claimed.total is None
    assert ev.project.name is None
    assert ev.budget.lines == ()


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_template_header_names_the_scheme(scheme_id: str) -> None:
    scheme = load_scheme(scheme_id)
    text = render_template(scheme)
    head = text.split("\n\n", 1)[0]
    assert scheme.id in head
    assert scheme.name in head
    assert scheme.source[:20] in head
    assert all(line.startswith("#") for line in head.splitlines())
    assert f"\n方案: {scheme_id}" in text


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_every_field_is_explained(scheme_id: str) -> None:
    text = render_template(load_scheme(scheme_id))
    body = text.split("\n\n", 1)[1]
    for line in body.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key = stripped.removeprefix("- ").split(":", 1)[0]
        if key in {"名称", "二级指标", "三级指标", "指标", "项目", "预算", "年度总体目标", "自评"}:
            continue  # structure lines; their blocks are explained by the comments around them
        assert "# " in line, line


def test_hubei_layout() -> None:
    text = render_template(load_scheme("hubei-2019"))
    assert "  权重: 20" in text
    assert "  - 名称: 产出指标\n    权重: 40" in text
    assert "  - 名称: 效益指标\n    权重: 40" in text
    assert "- 名称: 满意度指标" not in text
    for level2 in (
        "数量指标",
        "质量指标",
        "时效指标",
        "成本指标",
        "经济效益指标",
        "社会效益指标",
        "生态效益指标",
        "可持续影响指标",
    ):
        assert f"- 名称: {level2}\n" in text
    for notation in ("≥50个", "≤200元/人", "100%", "年初目标值: 是"):
        assert notation in text
    assert "20分×执行率" in text


def test_mof_2020_layout(load: Callable[..., Evaluation]) -> None:
    text = render_template(load_scheme("mof-2020"))
    assert "  - 名称: 满意度指标\n    权重: 10" in text
    assert "- 名称: 服务对象满意度指标" in text
    ev = load(text)
    assert ev.scheme.weights.output == 50
    assert ev.scheme.weights.effect == 30
    assert ev.scheme.weights.budget_execution == 10
    satisfaction = [r for r in ev.indicators if r.level1 == "满意度指标"]
    assert [(r.level2, r.weight) for r in satisfaction] == [("服务对象满意度指标", Decimal(10))]


def test_mof_2021_has_a_cost_group(load: Callable[..., Evaluation]) -> None:
    ev = load(render_template(load_scheme("mof-2021")))
    cost = [r for r in ev.indicators if r.level1 == "成本指标"]
    assert sum(r.weight or 0 for r in cost) == 20
    output = [r.level2 for r in ev.indicators if r.level1 == "产出指标"]
    assert "成本指标" not in output


def test_template_with_a_scheme_path(load: Callable[..., Evaluation], write: Callable[..., object]) -> None:
    toml = (
        'id = "my-scheme"\nname = "自定义方案"\ngrades = [{ min = 0, grade = "合格" }]\n'
        "[weights]\nbudget_execution = 15\noutput = 45.5\neffect = 39.5\n"
    )
    write(toml, "my.toml")
    text = render_template(load_scheme(str(write(toml, "my.toml"))), "my.toml")
    assert "\n方案: my.toml" in text
    ev = load(text)
    assert ev.scheme.id == "my-scheme"
    assert sum(r.weight or 0 for r in ev.indicators) == Decimal("85.0")
