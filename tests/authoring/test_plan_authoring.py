"""The authoring files of a declaration and a monitoring record (``jixiao new --kind 目标/监控``):
templates that load as they are, filled files read exactly, and errors naming the line."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.authoring.plan import is_plan_text
from jixiao.authoring.plan import load_plan
from jixiao.authoring.plan import load_plan_text
from jixiao.authoring.plan import render_plan_template
from jixiao.core.plan import Declaration
from jixiao.core.plan import DeviationCause
from jixiao.core.plan import Likelihood
from jixiao.core.plan import Monitoring
from jixiao.core.year import check_declaration
from jixiao.errors import AuthoringError
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import load_scheme

DECLARATION = """\
类型: 绩效目标申报
方案: mof-2020
项目:
  项目名称: 社区养老服务提升项目
  年度: 2024
  单位名称: 某市民政局
  填报日期: 2024年1月15日
资金:
  金额单位: 万元
  年度资金总额: 200
  财政拨款: 180
  其他资金: 200,000.00元
年度总体目标: 新建社区养老服务站12个。
指标:
  - 名称: 产出指标
    二级指标:
      - 名称: 数量指标
        三级指标:
          - 名称: 新建社区养老服务站数量
            权重: 50
            指标值: ≥12个
  - 名称: 效益指标
    二级指标:
      - 名称: 社会效益指标
        三级指标:
          - 名称: 受益老年人数
            权重: 30
            指标值: ≥3000人
  - 名称: 满意度指标
    三级指标:
      - 名称: 服务对象满意度
        权重: 10
        指标值: ≥90%
"""

MONITORING = """\
类型: 绩效监控
项目:
  项目名称: 社区养老服务提升项目
  年度: 2024
  单位名称: 某市民政局
监控期间: 1-7月
资金:
  全年预算数: 200
  执行数: 65
  全年预计执行数: 190
年度总体目标:
  年初目标: 新建社区养老服务站12个。
  执行情况: 已建成5个。
指标:
  - 名称: 效益指标
    二级指标:
      - 名称: 社会效益指标
        三级指标:
          - 名称: 受益老年人数
            指标值: ≥3000人
            执行情况: 900人
            全年预计: 2500人
            偏差原因类别: 经费保障
            偏差原因: 上级资金7月才到位
            完成目标可能性: 完全不可能
"""


@pytest.mark.parametrize("kind", ["declaration", "monitoring"])
@pytest.mark.parametrize("scheme", BUILTIN_IDS)
def test_every_template_loads_as_it_is(kind: str, scheme: str) -> None:
    text = render_plan_template(kind, load_scheme(scheme))  # type: ignore[arg-type]
    assert is_plan_text(text)
    record = load_plan_text(text, "模板.yaml")
    assert isinstance(record, Declaration if kind == "declaration" else Monitoring)
    assert record.indicators and record.project.name is None
    if isinstance(record, Declaration):
        # the example weights add up to 100 less the 预算执行率 weight set at the self-evaluation
        dec = check_declaration(record, load_scheme(scheme))
        assert "DECLARED_WEIGHTS_SUM" not in {f.code for f in dec.findings}


def test_a_declaration_reads_exactly(tmp_path: Path) -> None:
    path = tmp_path / "目标.yaml"
    path.write_text(DECLARATION, encoding="utf-8")
    dec = load_plan(path)
    assert isinstance(dec, Declaration)
    assert (dec.planned_yuan, dec.fiscal_yuan, dec.other_yuan) == (
        Decimal("2000000.00"),
        Decimal("1800000.00"),
        Decimal("200000.00"),
    )
    assert dec.project.filled_date is not None and dec.project.filled_date.isoformat() == "2024-01-15"
    assert [(i.level1, i.level2, i.name, i.weight) for i in dec.indicators] == [
        ("产出指标", "数量指标", "新建社区养老服务站数量", Decimal(50)),
        ("效益指标", "社会效益指标", "受益老年人数", Decimal(30)),
        ("满意度指标", None, "服务对象满意度", Decimal(10)),
    ]
    assert dec.indicators[0].target is not None and dec.indicators[0].target.value == Decimal(12)
    assert dec.scheme.id == "mof-2020"
    assert dec.source is not None and dec.source.sha256
    assert check_declaration(dec, load_scheme("mof-2020")).findings == ()


def test_a_monitoring_record_reads_exactly() -> None:
    mon = load_plan_text(MONITORING, "监控.yaml")
    assert isinstance(mon, Monitoring)
    assert (mon.planned_yuan, mon.executed_yuan, mon.expected_yuan) == (
        Decimal("2000000.00"),
        Decimal("650000.00"),
        Decimal("1900000.00"),
    )
    assert mon.execution_rate == Decimal("0.325") and mon.time_elapsed == Decimal("0.5833")
    (row,) = mon.indicators
    assert (row.cause, row.cause_text, row.likelihood) == (
        DeviationCause.FUNDING,
        "上级资金7月才到位",
        Likelihood.IMPOSSIBLE,
    )
    assert row.to_date is not None and row.to_date.value == Decimal(900)
    assert (mon.objective, mon.objective_progress) == ("新建社区养老服务站12个。", "已建成5个。")


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("类型: 绩效监控", "类型: 监测", 1, "类型"),
        (
            "            完成目标可能性: 完全不可能",
            "            完成目标可能性: 不好说",
            25,
            "确定能 / 有可能 / 完全不可能",
        ),
        ("            偏差原因类别: 经费保障", "            偏差原因类别: 资金", 23, "偏差原因类别"),
        ("  执行数: 65", "  执行数: 六十五万多", 9, "金额"),
        ("监控期间: 1-7月", "监控期间: 上半年", 6, "1-7月"),
        ("            全年预计: 2500人", "            全年预期: 2500人", 22, "不认识的键“全年预期”"),
    ],
)
def test_errors_name_the_line(old: str, new: str, line: int, words: str) -> None:
    assert old in MONITORING
    with pytest.raises(AuthoringError) as caught:
        load_plan_text(MONITORING.replace(old, new), "监控.yaml")
    assert caught.value.line == line
    assert words in str(caught.value)


def test_a_self_evaluation_file_is_not_a_plan() -> None:
    assert not is_plan_text("方案: mof-2020\n项目:\n  项目名称: 甲\n")


def test_a_monitoring_file_starts_from_the_declaration() -> None:
    from jixiao.authoring.plan import monitoring_from
    from plan_samples import declaration

    declared = declaration()
    mon = load_plan_text(monitoring_from(declared), "监控.yaml")
    assert isinstance(mon, Monitoring)
    assert mon.project == declared.project
    assert mon.planned_yuan == declared.planned_yuan and mon.objective == declared.objective
    assert [(i.level1, i.level2, i.name, i.weight, i.target) for i in mon.indicators] == [
        (i.level1, i.level2, i.name, i.weight, i.target) for i in declared.indicators
    ]
    assert all(i.to_date is None and i.likelihood is None for i in mon.indicators)


def test_the_year_examples_are_the_sample_records() -> None:
    from plan_samples import declaration
    from plan_samples import monitoring

    folder = Path(__file__).resolve().parents[2] / "examples" / "year"
    dec = load_plan(folder / "2024-社区养老-目标.yaml")
    mon = load_plan(folder / "2024-社区养老-监控.yaml")
    keep = {"source", "scheme", "provenance"}
    rows = {"location"}
    for read, sample in ((dec, declaration()), (mon, monitoring().with_rates())):
        assert read.model_dump(exclude=keep | {"indicators"}) == sample.model_dump(
            exclude=keep | {"indicators"}
        )
        assert [i.model_dump(exclude=rows) for i in read.indicators] == [
            i.model_dump(exclude=rows) for i in sample.indicators
        ]


def test_a_record_written_as_its_authoring_file_reads_back_the_same() -> None:
    from jixiao.authoring.plan import plan_to_yaml
    from plan_samples import declaration
    from plan_samples import monitoring

    dec = declaration()
    # a row without a 二级, one without a 一级, and a 一级 that comes back later: order kept
    odd = (
        dec.indicators[0].model_copy(update={"level2": None}),
        dec.indicators[1].model_copy(update={"level1": None, "level2": None}),
        *dec.indicators[2:],
        dec.indicators[0].model_copy(update={"name": "新增一行", "weight": Decimal("0.5")}),
    )
    mon = monitoring().with_rates()
    mon = mon.model_copy(
        update={"stated_rate": Decimal("0.325"), "objective_progress": "第一行\\n第二行：有“引号”"}
    )
    for record in (dec, dec.model_copy(update={"indicators": odd}), mon):
        read = load_plan_text(plan_to_yaml(record, note="测试"), "回读.yaml")
        keep = {"source", "scheme", "provenance", "indicators"}
        assert read.model_dump(exclude=keep) == record.model_dump(exclude=keep)
        assert [i.model_dump(exclude={"location"}) for i in read.indicators] == [
            i.model_dump(exclude={"location"}) for i in record.indicators
        ]
