"""The laid-out grid: merges over 一级/二级 cells, printed values, choices, blanks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from export.support import SEED_002
from export.support import SEED_004
from export.support import scored
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.export import load_layout
from jixiao.export.fields import Facts
from jixiao.export.form import DATE_FORMAT
from jixiao.export.form import MONEY_FORMAT
from jixiao.export.form import RATE_FORMAT
from jixiao.export.form import Form
from jixiao.export.form import FormCell
from jixiao.export.form import build_form
from jixiao.schemes import load_scheme


def form_of(ev: Evaluation, layout: str, scheme: str | None = None) -> Form:
    rules = load_scheme(scheme or ev.scheme.id)
    return build_form(Facts.of(evaluate(ev, rules), rules), load_layout(layout))


def cell(form: Form, text: str) -> FormCell:
    return next(c for c in form.cells if c.text == text)


def column(form: Form, col: int, below: int) -> list[FormCell]:
    return sorted((c for c in form.cells if c.col == col and c.row > below), key=lambda c: c.row)


def test_hubei_form_of_004_merges_like_the_original() -> None:
    ev, _ = scored(SEED_004)
    form = form_of(ev, "hubei-2019")
    assert form.title == "2020年度社会保障专项项目绩效自评表"
    head = cell(form, "一级指标").row
    assert form.header_row == head
    level1 = [(c.text, c.rowspan) for c in column(form, 1, head) if c.row < head + 1 + 27]
    assert level1 == [("产出指标\n（40分）", 16), ("效益指标\n（40分）", 11)]
    level2 = [(c.text, c.rowspan) for c in column(form, 2, head) if c.row < head + 1 + 27]
    assert level2 == [
        ("数量指标\n（20分）", 8),
        ("质量指标\n（10分）", 4),
        ("时效指标\n（3分）", 2),
        ("成本指标\n（7分）", 2),
        ("社会效益指标\n（20分）", 5),
        ("环境效益指标\n（5分）", 6),
    ]
    label, body = cell(form, "项目年度绩效指标"), next(c for c in form.cells if c.open_top)
    assert (label.row, label.rowspan, label.open_bottom) == (head, 1, True)
    assert (body.row, body.rowspan, body.col) == (head + 1, 27, 0)
    assert cell(form, "青少年活动参与人数（2分）").row == head + 9


def test_budget_cells_hold_exact_amounts_and_print_wan() -> None:
    ev, _ = scored(SEED_002)
    form = form_of(ev, "hubei-2019")
    planned = next(c for c in form.cells if c.number_format == MONEY_FORMAT)
    assert (planned.text, planned.value) == ("535.8672", Decimal("535.8672"))
    rate = next(c for c in form.cells if c.number_format == RATE_FORMAT)
    assert (rate.text, rate.value) == ("100.00%", Decimal(1))
    assert cell(form, "预算执行情况（万元）\n（20分）").rowspan == 2
    assert cell(form, "得分\n（20分*执行率）")
    date = next(c for line in form.lines for c in line if c.number_format == DATE_FORMAT)
    assert (date.text, date.value) == ("2019年7月28日", dt.date(2019, 7, 28))


def test_two_level2_cells_of_the_same_name_stay_two_cells() -> None:
    ev, _ = scored(SEED_002)
    form = form_of(ev, "hubei-2019")
    quality = [c for c in form.cells if c.text == "质量指标\n（10分）"]
    assert [(c.rowspan, c.row) for c in quality] == [(1, quality[0].row), (1, quality[0].row + 1)]


def test_choices_tick_the_stated_option_and_add_an_unlisted_one() -> None:
    ev, _ = scored(SEED_002)
    form = form_of(ev, "hubei-2019")
    assert cell(form, "1、部门预算项目 □\u30002、专项资金 ■\u30003、上级转移支付项目 □")
    odd = ev.model_copy(update={"project": ev.project.model_copy(update={"category": "区级专项"})})
    assert cell(
        form_of(odd, "hubei-2019"),
        "1、部门预算项目 □\u30002、专项资金 □\u30003、上级转移支付项目 □\u30004、区级专项 ■",
    )


def test_national_form_adds_category_rows_only_when_stated() -> None:
    ev, _ = scored(SEED_002)
    with_category = form_of(ev, "mof-2020")
    assert cell(with_category, "项目类别")
    bare = ev.model_copy(update={"project": Project(name="测试项目", year=2024)})
    without = form_of(bare, "mof-2020")
    assert not [c for c in without.cells if c.text in ("项目类别", "项目属性", "项目类型")]
    assert without.n_rows == with_category.n_rows - 3
    assert without.subtitle == "（2024年度）"


def test_a_missing_score_prints_the_rules_one() -> None:
    ev, _ = scored(SEED_004)
    rows = tuple(i.model_copy(update={"claimed_score": None}) for i in ev.indicators)
    unscored = ev.model_copy(
        update={"indicators": rows, "claimed": ev.claimed.model_copy(update={"total": None})}
    )
    form = form_of(unscored, "hubei-2019")
    youth = cell(form, "青少年活动参与人数（2分）")
    score = next(c for c in form.cells if c.row == youth.row and c.col == 6)
    assert (score.text, score.value) == ("1.67", Decimal("1.67"))
    total = next(c for c in form.cells if c.row == cell(form, "总分").row and c.col == 2)
    # Qualitative rows without a stated score count 0 in the rules' total, as they print blank.
    assert total.text == "52.67"
    qualitative = cell(form, "宣传贯彻好党的十九大精神（4分）")
    assert next(c for c in form.cells if c.row == qualitative.row and c.col == 6).text == ""


def test_an_empty_evaluation_still_makes_a_form() -> None:
    form = form_of(Evaluation(), "hubei-2019", "hubei-2019")
    assert form.title == "\u3000\u3000年度\u3000\u3000项目绩效自评表"
    empty = cell(form, "（未填写绩效指标）")
    assert (empty.col, empty.colspan) == (1, 6)
    assert form.lines[0][0].text == "单位名称：\u3000\u3000"


def test_a_long_level1_block_repeats_its_label_but_keeps_its_level2_cells() -> None:
    rows = tuple(
        Indicator(
            level1="产出指标", level2="数量指标", group=1 if i < 60 else 2, name=f"指标{i}", weight=Decimal(1)
        )
        for i in range(100)
    )
    form = form_of(Evaluation(indicators=rows), "mof-2020")
    head = cell(form, "一级指标").row
    level1 = [(c.row - head - 1, c.rowspan) for c in column(form, 1, head) if c.text == "产出指标"]
    assert level1 == [(0, 20), (20, 20), (40, 20), (60, 20), (80, 20)]
    level2 = [(c.row - head - 1, c.rowspan) for c in column(form, 2, head) if c.text == "数量指标"]
    assert level2 == [(0, 60), (60, 40)]
