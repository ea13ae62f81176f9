"""The transcribed examples load with exactly the facts of their source documents."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.authoring import load_evaluation
from jixiao.core.model import Evaluation
from jixiao.core.model import Op
from jixiao.core.model import Weights

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"  # copies of the public corpus seeds

EX_002 = EXAMPLES / "002-基层政权和社区建设-2018.yaml"
EX_004 = EXAMPLES / "004-社会保障专项-2020.yaml"
EX_SUB = EXAMPLES / "sub-units-社区服务-2023.yaml"


@pytest.fixture(scope="module")
def ev002() -> Evaluation:
    return load_evaluation(EX_002)


@pytest.fixture(scope="module")
def ev004() -> Evaluation:
    return load_evaluation(EX_004)


@pytest.fixture(scope="module")
def evsub() -> Evaluation:
    return load_evaluation(EX_SUB)


# --- 002 ---------------------------------------------------------------------------------------


def test_002_header(ev002: Evaluation) -> None:
    p = ev002.project
    assert p.name == "基层政权和社区建设"
    assert p.year == 2018
    assert p.unit == "武汉市硚口区人民政府宝丰街办事处"
    assert p.department == "基层财政管理科"
    assert p.implementer == "宝丰街"
    assert (p.category, p.attribute, p.type) == ("专项资金", "持续性项目", "常年性项目")
    assert p.filled_date == dt.date(2019, 7, 28)


def test_002_budget(ev002: Evaluation) -> None:
    b = ev002.budget
    total = Decimal("5358672.00")
    assert (b.planned_yuan, b.received_yuan, b.executed_yuan) == (total, total, total)
    assert b.stated_rate == 1
    assert b.initial_yuan is None
    assert len(b.lines) == 12
    assert sum(line.planned_yuan or 0 for line in b.lines) == total
    assert sum(line.executed_yuan or 0 for line in b.lines) == total
    assert b.lines[0].name == "2018年惠民项目资金转移支付"
    assert b.lines[0].planned_yuan == Decimal("200000.00")
    assert b.lines[4].name == "社区公共服务综合事务经费"
    assert b.lines[4].executed_yuan == Decimal("2570284.00")
    assert b.lines[11].name == "2018年民政专项补助资金－社区学生托管服务中心"
    assert all(line.group is None for line in b.lines)


def test_002_scheme_and_claims(ev002: Evaluation) -> None:
    assert ev002.scheme.id == "hubei-2019"
    assert ev002.scheme.declared
    assert ev002.scheme.weights == Weights(budget_execution=20, output=40, effect=40)
    assert ev002.claimed.budget_execution_score == 20
    assert ev002.claimed.total == 97
    assert ev002.claimed.grade is None
    assert ev002.computed.total is None
    assert ev002.findings == ()


def test_002_indicators(ev002: Evaluation) -> None:
    rows = ev002.indicators
    assert len(rows) == 9
    assert [r.claimed_score for r in rows] == [10, 10, 10, 7, 8, 8, 8, 8, 8]
    assert [r.weight for r in rows] == [10, 10, 10, 10, 8, 8, 8, 8, 8]
    assert sum(r.weight or 0 for r in rows) == 80
    assert sum(r.claimed_score or 0 for r in rows) == 77
    assert [r.level1 for r in rows] == ["产出指标"] * 4 + ["效益指标"] * 5
    assert [r.level2 for r in rows] == ["质量指标", "质量指标", "数量指标", "数量指标"] + ["社会效益指标"] * 5
    # Each 二级 cell of the table is its own group, even when the names repeat.
    assert [r.group for r in rows] == list(range(1, 10))
    assert [r.level2_weight for r in rows] == [10] * 4 + [8] * 5
    first = rows[0]
    assert first.name == "加强治安防范，降低发案率"
    assert first.target is not None and first.target.text == "调处率100%"
    assert (
        first.actual is not None and first.actual.text == "认真化解调处成功矛盾纠纷共500余起，调处率达到100%"
    )
    assert rows[3].name == "推进基层社区建设"
    assert rows[3].target is not None and rows[3].target.op is Op.QUALITATIVE
    assert rows[3].actual is not None and rows[3].actual.text == "共完成19项"


def test_002_texts(ev002: Evaluation) -> None:
    assert ev002.objectives.planned is not None
    assert ev002.objectives.planned.startswith("我街道紧紧围绕市政府工作报告的各项安排")
    assert ev002.objectives.planned.endswith("不断创新社区服务机制。")
    problems = ev002.problems or ""
    assert problems.startswith("1、在老旧社区综合环境改造")
    assert "\n6、 加大安全生产宣传和教育力度" in problems
    assert problems.endswith("做好“结案、事了、人和”。")
    assert len(problems.splitlines()) == 6


def test_002_places(ev002: Evaluation) -> None:
    name = EX_002.name
    assert set(ev002.provenance) == {
        "budget.planned_yuan",
        "budget.executed_yuan",
        "budget.stated_rate",
        "claimed.budget_execution_score",
        "claimed.total",
        "problems",
    }
    lines = EX_002.read_text(encoding="utf-8").splitlines()
    for fact, place in ev002.provenance.items():
        match = re.fullmatch(rf"{re.escape(name)} 第(\d+)行", place)
        assert match, (fact, place)
        assert (
            lines[int(match.group(1)) - 1]
            .lstrip()
            .startswith(("预算数", "执行数", "执行率", "预算执行得分", "总分", "存在的问题"))
        )
    for row in ev002.indicators:
        assert row.location is not None
        line = int(row.location.removeprefix(f"{name} 第").removesuffix("行"))
        assert lines[line - 1].strip() == f"- 名称: {row.name}"
    assert ev002.source is not None
    assert ev002.source.format == "yaml"
    assert ev002.source.sha256 is not None and len(ev002.source.sha256) == 64


# --- 004 ---------------------------------------------------------------------------------------


def test_004_header_and_budget(ev004: Evaluation) -> None:
    p = ev004.project
    assert p.name == "社会保障专项"
    assert p.year == 2020
    assert p.unit == "武汉市东湖新技术开发区花山街道办事处"
    assert p.department == "花山街道办事处"
    assert p.implementer == "花山街社区办、民政办"
    assert (p.category, p.attribute, p.type) == ("部门预算项目", "持续性项目", "常年性项目")
    assert p.filled_date == dt.date(2021, 6, 30)
    b = ev004.budget
    assert b.planned_yuan == Decimal("24409100.00")
    assert b.executed_yuan == Decimal("24409100.00")
    assert b.received_yuan is None
    assert b.stated_rate == 1
    assert b.lines == ()
    assert ev004.scheme.weights == Weights(budget_execution=20, output=40, effect=40)
    assert ev004.scheme.declared
    assert (ev004.claimed.budget_execution_score, ev004.claimed.total) == (20, 98)


def test_004_rows(ev004: Evaluation) -> None:
    rows = ev004.indicators
    assert len(rows) == 27
    assert sum(r.weight or 0 for r in rows) == 80
    assert sum(r.claimed_score or 0 for r in rows) == 78
    assert all(r.weight is not None and r.claimed_score is not None for r in rows)
    by_level1 = Counter()
    for r in rows:
        by_level1[r.level1] += r.weight or 0
    assert by_level1 == {"产出指标": 36, "效益指标": 44}
    cells = {}
    for r in rows:
        cells.setdefault(r.group, (r.level2, r.level2_weight, []))[2].append(r.weight)
    assert [(name, w, len(ws), sum(ws)) for name, w, ws in cells.values()] == [
        ("数量指标", 20, 8, 16),
        ("质量指标", 10, 4, 9),
        ("时效指标", 3, 2, 5),
        ("成本指标", 7, 2, 6),
        ("社会效益指标", 20, 5, 16),
        ("环境效益指标", 5, 6, 28),
    ]
    names = Counter(r.name for r in rows)
    assert names["开展文艺演出场次"] == 2
    youth = next(r for r in rows if r.name == "青少年活动参与人数")
    assert youth.target is not None and youth.target.text == "≥30人/次"
    assert youth.actual is not None and youth.actual.text == "25~30人(疫情控人)线上活动100人左右"
    assert youth.claimed_score == youth.weight == 2
    assert rows[-1].name == "体现党和政府优抚对象的高度重视, 促进社会和谐发展"
    assert rows[-1].level2 == "环境效益指标"


def test_004_problems(ev004: Evaluation) -> None:
    problems = ev004.problems or ""
    assert problems.startswith("偏差大或目标未完成原因分析：\n1、各社区公共文化服务基础设施建设不足")
    assert "\n改进措施及结果应用方案：\n1、指导和优化社区惠民资金的使用方向" in problems
    assert problems.endswith("加大社区便民设施的资金投入。")


@pytest.mark.parametrize(
    ("example", "seed"),
    [(EX_002, "002_d2da961157e41a94.txt"), (EX_004, "004_4158cb152188c568.txt")],
)
def test_texts_are_verbatim(example: object, seed: str) -> None:
    """Every indicator name, target and actual is written exactly as in the seed document."""
    text = (SEEDS / seed).read_text(encoding="utf-8")
    ev = load_evaluation(example)  # type: ignore[arg-type]
    for row in ev.indicators:
        assert row.name in text, row.name
        for value in (row.target, row.actual):
            assert value is not None
            assert value.text in text, value.text
    for line in (ev.problems or "").splitlines():
        assert line.removesuffix("：") in text, line


# --- sub-units ---------------------------------------------------------------------------------


def test_sub_units(evsub: Evaluation) -> None:
    assert evsub.indicators == ()
    assert [u.name for u in evsub.sub_units] == ["东湖社区", "西园社区", "南桥社区"]
    funds = [u.planned_yuan for u in evsub.sub_units]
    assert funds == [Decimal("1200000.00"), Decimal("800000.00"), Decimal("500000.00")]
    assert len(set(funds)) == 3
    keys = [[(r.level1, r.level2, r.name) for r in u.indicators] for u in evsub.sub_units]
    assert keys[0] == keys[1] == keys[2]
    assert len(keys[0]) == 8
    rows = evsub.sub_units[0].indicators
    ops = {r.target.op for r in rows if r.target is not None}
    assert {Op.GE, Op.LE, Op.QUALITATIVE} <= ops
    assert any(r.target is not None and r.target.unit == "%" for r in rows)
    for unit in evsub.sub_units:
        assert [r.group for r in unit.indicators] == [1, 1, 2, 3, 4, 5, 5, 6]
        assert sum(r.weight or 0 for r in unit.indicators) == 80
    assert evsub.scheme.declared
    assert evsub.scheme.weights == Weights(budget_execution=20, output=40, effect=40)
    assert evsub.budget.planned_yuan is None


def test_every_example_is_documented() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for example in EXAMPLES.glob("*.yaml"):
        assert f"`{example.name}`" in readme
