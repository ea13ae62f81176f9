"""The alias table: English and other Chinese spellings load exactly like the canonical keys."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.authoring import load_evaluation
from jixiao.authoring.keys import CONTEXT_KEYS
from jixiao.authoring.keys import KEYS
from jixiao.authoring.keys import Context
from jixiao.authoring.keys import display
from jixiao.authoring.keys import lookup
from jixiao.authoring.keys import suggest
from jixiao.core.model import Evaluation

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CHINESE = """方案: hubei-2019
项目:
  项目名称: 基层政权和社区建设
  年度: 2018
  单位名称: 宝丰街办事处
  主管部门: 基层财政管理科
  实施单位: 宝丰街
  项目类别: 专项资金
  项目属性: 持续性项目
  项目类型: 常年性项目
  填报日期: 2019-07-28
年度总体目标:
  预期目标: 改善民生
  实际完成情况: 基本完成
预算:
  金额单位: 万元
  权重: 20
  年初预算数: 500
  预算数: 535.87
  到位数: 535.87
  执行数: 530
  执行率: 98.9%
  明细:
    - 名称: 惠民资金
      预算数: 20
      执行数: 20
      所属: 社区经费
指标:
  - 名称: 产出指标
    权重: 40
    二级指标:
      - 名称: 数量指标
        权重: 10
        三级指标:
          - 名称: 培训场次
            权重: 10
            年初目标值: ≥50场
            实际完成值: 52场
            自评得分: 10
            偏差原因: 无
  - 名称: 满意度指标
    权重: 10
    三级指标:
      - 名称: 群众满意度
        权重: 10
        年初目标值: ≥90%
        实际完成值: 95%
        自评得分: 10
自评:
  预算执行得分: 19.78
  总分: 97
  等级: 优
存在的问题: 无
下级单位:
  - 名称: 甲社区
    金额单位: 元
    预算数: 1200000
    执行数: 1180000
    指标:
      - 名称: 效益指标
        二级指标:
          - 名称: 社会效益指标
            三级指标:
              - 名称: 受益人数
                年初目标值: ≥1000人
"""

ENGLISH = """scheme: hubei-2019
project:
  name: 基层政权和社区建设
  year: 2018
  unit: 宝丰街办事处
  department: 基层财政管理科
  implementer: 宝丰街
  category: 专项资金
  attribute: 持续性项目
  type: 常年性项目
  filled_date: 2019-07-28
objectives:
  planned: 改善民生
  achieved: 基本完成
budget:
  amount_unit: 万元
  weight: 20
  initial_yuan: 500
  planned_yuan: 535.87
  received_yuan: 535.87
  executed_yuan: 530
  stated_rate: 98.9%
  lines:
    - name: 惠民资金
      planned_yuan: 20
      executed_yuan: 20
      group: 社区经费
indicators:
  - name: 产出指标
    weight: 40
    level2:
      - name: 数量指标
        weight: 10
        indicators:
          - name: 培训场次
            weight: 10
            target: ≥50场
            actual: 52场
            claimed_score: 10
            deviation_reason: 无
  - name: 满意度指标
    weight: 10
    indicators:
      - name: 群众满意度
        weight: 10
        target: ≥90%
        actual: 95%
        claimed_score: 10
claimed:
  budget_execution_score: 19.78
  total: 97
  grade: 优
problems: 无
sub_units:
  - name: 甲社区
    amount_unit: 元
    planned_yuan: 1200000
    executed_yuan: 1180000
    indicators:
      - name: 效益指标
        level2:
          - name: 社会效益指标
            indicators:
              - name: 受益人数
                target: ≥1000人
"""

# Other Chinese spellings, line for line.
ALIASES = (
    CHINESE.replace("方案:", "评分方案:")
    .replace("  预算数: 535.87", "  调整后预算数: 535.87")
    .replace("  执行数: 530", "  实际支出: 530")
    .replace("  到位数:", "  到位资金:")
    .replace("  执行率:", "  预算执行率:")
    .replace("  实施单位:", "  项目实施单位:")
    .replace("  单位名称:", "  单位:")
    .replace("年初目标值: ≥50场", "年度指标值: ≥50场")
    .replace("实际完成值: 52场", "实际值: 52场")
    .replace("自评得分: 10\n            偏差原因", "得分: 10\n            偏差原因分析")
    .replace("存在的问题:", "存在的问题及改进措施:")
    .replace("    权重: 40", "    分值: 40")
)


def _comparable(ev: Evaluation) -> dict[str, object]:
    data = ev.model_dump()
    data.pop("source")
    return data


@pytest.fixture
def chinese(tmp_path: Path) -> Evaluation:
    (tmp_path / "zh").mkdir()
    path = tmp_path / "zh" / "自评.yaml"
    path.write_text(CHINESE, encoding="utf-8")
    return load_evaluation(path)


@pytest.mark.parametrize("text", [ENGLISH, ALIASES], ids=["english", "chinese-aliases"])
def test_aliases_load_identically(tmp_path: Path, chinese: Evaluation, text: str) -> None:
    assert text != CHINESE
    path = tmp_path / "自评.yaml"  # same file name: locations and provenance compare equal too
    path.write_text(text, encoding="utf-8")
    assert _comparable(load_evaluation(path)) == _comparable(chinese)


def test_the_sample_uses_every_key(chinese: Evaluation) -> None:
    """The alias test covers the whole table: every key of every block appears in the sample."""
    used = {line.split(":")[0].strip(" -") for line in ENGLISH.splitlines() if ":" in line}
    for ids in CONTEXT_KEYS.values():
        for key_id in ids:
            assert key_id in used or KEYS[key_id].aliases[-1] in used, key_id
    assert chinese.budget.planned_yuan is not None
    assert chinese.budget.planned_yuan == 5358700
    assert chinese.sub_units[0].planned_yuan == 1200000
    assert chinese.indicators[1].group is None
    assert chinese.indicators[1].level2 is None


def test_mixed_languages(load: Callable[..., Evaluation]) -> None:
    ev = load("项目:\n  name: 甲\n  年度: 2018\nclaimed:\n  总分: 90\n")
    assert (ev.project.name, ev.project.year, ev.claimed.total) == ("甲", 2018, 90)


def test_spellings_unique_per_block() -> None:
    for context, ids in CONTEXT_KEYS.items():
        seen: dict[str, str] = {}
        for key_id in ids:
            for spelling in KEYS[key_id].spellings:
                assert spelling not in seen, (context, spelling, key_id, seen.get(spelling))
                seen[spelling] = key_id
                found = lookup(context, spelling)
                assert found is not None and found.id == key_id


def test_english_alias_is_the_contract_name() -> None:
    """Each key accepts the English name of its contract field (or block)."""
    for key in KEYS.values():
        assert key.id in key.spellings, key.id


def test_lookup_is_per_block() -> None:
    assert lookup(Context.OBJECTIVES, "planned").id == "planned"  # type: ignore[union-attr]
    assert lookup(Context.BUDGET, "planned").id == "planned_yuan"  # type: ignore[union-attr]
    assert lookup(Context.PROJECT, "预算数") is None
    assert lookup(Context.INDICATOR, "得分").id == "claimed_score"  # type: ignore[union-attr]
    assert lookup(Context.CLAIMED, "得分") is None


def test_suggest() -> None:
    assert suggest(Context.PROJECT, "项目名字") == "项目名称"
    assert suggest(Context.INDICATOR, "目标") in {"目标值", "年初目标值"}
    assert suggest(Context.BUDGET, "executd") == "executed"
    assert suggest(Context.TOP, "完全无关") is None


def test_readme_documents_every_spelling() -> None:
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for context, ids in CONTEXT_KEYS.items():
        section = readme.split(f"**{context.value}**", 1)[1].split("**", 1)[0]
        for key_id in ids:
            key = KEYS[key_id]
            row = next(
                line for line in section.splitlines() if line.startswith(f"| {display(context, key_id)} |")
            )
            for spelling in key.spellings:
                assert spelling in row, (context, spelling)
