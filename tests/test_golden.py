"""Golden tests on the hand-transcribed examples: the documents' own numbers, and exactly the
findings a careful reviewer raises on them."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.model import Evaluation
from jixiao.services import score_file

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SEED_002 = EXAMPLES / "002-基层政权和社区建设-2018.yaml"
SEED_004 = EXAMPLES / "004-社会保障专项-2020.yaml"
SUB_UNITS = EXAMPLES / "sub-units-社区服务-2023.yaml"


def codes_by_row(ev: Evaluation) -> Counter[tuple[str, str | None]]:
    return Counter(
        (f.code, ev.indicators[f.indicator].name if f.indicator is not None else None) for f in ev.findings
    )


def test_002_reproduces_the_documents_numbers() -> None:
    ev = score_file(SEED_002)
    assert ev.claimed.total == 97
    assert ev.claimed.budget_execution_score == 20
    assert ev.computed.budget_execution_score == Decimal("20.00")
    assert ev.computed.total == Decimal("97.00")
    assert ev.computed.grade == "优"
    assert ev.budget.execution_rate == Decimal("1.0000")
    assert sum(i.weight or 0 for i in ev.indicators) == 80
    assert sum(i.claimed_score or 0 for i in ev.indicators) == 77


def test_002_findings_are_only_the_unmeasurable_targets() -> None:
    ev = score_file(SEED_002)
    # Eight of nine targets are prose; the first (调处率100%) is measurable and met.
    assert {f.code for f in ev.findings} == {"TARGET_NOT_QUANTIFIED"}
    assert len(ev.findings) == 8
    assert all(f.location and "第" in f.location for f in ev.findings)
    first = ev.indicators[0]
    assert first.computed_score == Decimal("10.00")
    assert "实际完成值取文中“100%”" in (first.explanation or "")


def test_004_reproduces_the_documents_numbers() -> None:
    ev = score_file(SEED_004)
    assert ev.claimed.total == 98
    assert ev.claimed.budget_execution_score == 20
    assert ev.computed.budget_execution_score == Decimal("20.00")
    assert len(ev.indicators) == 27
    assert sum(i.weight or 0 for i in ev.indicators) == 80
    assert sum(i.claimed_score or 0 for i in ev.indicators) == 78
    # Only 青少年活动参与人数 changes: 2 → 1.67, so the recomputed total is 97.67.
    assert ev.computed.total == Decimal("97.67")


def test_004_findings_are_what_a_careful_reviewer_raises() -> None:
    ev = score_file(SEED_004)
    found = codes_by_row(ev)
    errors = Counter((f.code, ev.indicators[f.indicator].name if f.indicator is not None else None)
                     for f in ev.findings if f.severity == "error")  # fmt: skip
    assert errors == Counter(
        {
            ("FULL_SCORE_TARGET_MISSED", "青少年活动参与人数"): 1,
            ("SCORE_MISMATCH", "青少年活动参与人数"): 1,
            # 产出 and 效益 rows do not add up to 40 each, and six 二级 cells do not add up.
            ("WEIGHTS_SUM_MISMATCH", None): 8,
        }
    )
    assert found[("DUPLICATE_INDICATOR", "开展文艺演出场次")] == 1
    infos = [
        (f.code, ev.indicators[f.indicator].name)
        for f in ev.findings
        if f.severity == "info" and f.indicator is not None
    ]
    # 1次/年 against ≥2次/年 is explained nowhere; 25~30人 carries its reason “(疫情控人)”.
    assert infos == [("DEVIATION_UNEXPLAINED", "年组织开展群众文体活动")]
    weight_messages = [f.message for f in ev.findings if f.code == "WEIGHTS_SUM_MISMATCH"]
    assert "二级指标“数量指标”下8项三级指标权重合计16，应等于其声明的20" in weight_messages
    assert "二级指标“环境效益指标”下6项三级指标权重合计28，应等于其声明的5" in weight_messages
    # Nothing is said about totals or the budget: they are consistent in the document.
    assert not {"TOTAL_MISMATCH", "BUDGET_SCORE_MISMATCH", "BUDGET_RATE_MISMATCH", "MISSING_SELF_SCORE"} & {
        code for code, _ in found
    }
    # Prose and non-comparable actuals are warnings, never silent full marks.
    assert found[("ACTUAL_NOT_QUANTIFIED", "还建社区因各种原因停水后及军人慰问次数")] == 1
    assert found[("ACTUAL_NOT_QUANTIFIED", "四点半学校活动次数")] == 1


def test_sub_units_are_aggregated_by_funds() -> None:
    ev = score_file(SUB_UNITS)
    assert ev.sub_units and len(ev.sub_units) == 3
    assert ev.budget.planned_yuan == sum(u.planned_yuan or 0 for u in ev.sub_units)
    by_name = {i.name: i for i in ev.indicators}
    cost = by_name["人均活动成本"]
    # A per-person cost is relative: averaged by funds, never summed.
    assert cost.actual is not None and cost.actual.value is not None
    assert cost.actual.value < 60
    assert "按资金额度加权平均" in cost.actual.text
    count = by_name["上门为老服务次数"]
    assert count.actual is not None and "累加" in count.actual.text
    assert count.claimed_score is None  # scored on the totals, not on the sub-units' claims


@pytest.mark.parametrize("path", [SEED_002, SEED_004, SUB_UNITS], ids=lambda p: p.stem)
def test_examples_json_is_the_contract_shape(path: Path) -> None:
    data = json.loads(score_file(path).to_json())
    assert data["schema"] == "jixiao.evaluation/1"
    for key in ("source", "project", "budget", "scheme", "indicators", "claimed", "computed", "findings"):
        assert key in data
    for ind in data["indicators"]:
        assert {"level1", "level2", "name", "weight", "target", "actual", "claimed_score", "computed_score",
                "explanation"} <= ind.keys()  # fmt: skip
        for side in ("target", "actual"):
            if ind[side] is not None:
                assert ind[side]["op"] in {">=", "<=", "=", "range", "qualitative"}
    for f in data["findings"]:
        assert f["severity"] in {"error", "warning", "info"}
        assert f["message"] and f["location"]
    assert isinstance(data["budget"]["planned_yuan"], int | float)
