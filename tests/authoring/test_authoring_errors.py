"""Every malformed authoring file gives one AuthoringError: the first bad line, in Chinese, with a fix."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.authoring import load_evaluation
from jixiao.errors import AuthoringError
from jixiao.errors import InputError

# English words PyYAML, pydantic or a traceback would leak into a message.
_ENGLISH = re.compile(
    r"\b(expected|found|while|mapping|scanning|scalar|validation|traceback|error|line)\b", re.I
)

ROW = """指标:
  - 名称: 产出指标
    二级指标:
      - 名称: 数量指标
        三级指标:
          - 名称: 培训场次
{field}
"""

CASES: list[tuple[str, str, int | None, tuple[str, ...]]] = [
    # (id, YAML text, line, substrings of the message)
    ("missing-colon", "项目:\n  项目名称: 甲\n  年度 2018\n", 3, ("缺少冒号", "修改建议", "年度: 2018")),
    ("tab-indent", "项目:\n\t项目名称: 甲\n", 2, ("Tab", "修改建议")),
    ("unclosed-quote", '项目:\n  项目名称: "甲\n', 2, ("引号", "成对")),
    ("bad-indent", "项目:\n  项目名称: 甲\n 年度: 2018\n", 3, ("缩进不一致", "只能用空格")),
    ("colon-in-value", "项目:\n  项目名称: 说明: 甲\n", 2, ("多余的冒号", "加引号")),
    ("two-documents", "项目:\n  年度: 2018\n---\n项目:\n  年度: 2019\n", 3, ("多个 YAML 文档", "---")),
    ("top-list", "- 项目\n- 预算\n", 1, ("文件最外层应是键值对", "列表")),
    ("top-scalar", "随便写点什么\n", 1, ("文件最外层应是键值对", "文字“随便写点什么”")),
    (
        "unknown-key",
        "项目:\n  项目名称: 甲\n  项目名字: 乙\n",
        3,
        ("“项目”下没有“项目名字”这个键", "是不是“项目名称”？", "可用的键：项目名称、年度、单位名称"),
    ),
    ("unknown-english-key", "project:\n  nmae: 甲\n", 2, ("没有“nmae”", "是不是“name”？")),
    (
        "unknown-top-key",
        "项目:\n  年度: 2018\n指表:\n  - 名称: 甲\n",
        3,
        ("“文件最外层”下没有“指表”", "是不是“指标”？"),
    ),
    ("list-for-mapping", "项目:\n  - 甲\n  - 乙\n", 2, ("“项目”应是键值对", "而不是列表", "缩进两个空格")),
    ("scalar-for-mapping", "预算: 5358672\n", 1, ("“预算”应是键值对", "文字“5358672”")),
    ("mapping-for-list", "指标:\n  名称: 产出指标\n", 2, ("“指标”下应是列表", "“- ”")),
    ("scalar-item", "指标:\n  - 产出指标\n", 2, ("“一级指标第1项”应是键值对", "- 名称: …")),
    ("list-for-scalar", "自评:\n  总分:\n    - 97\n", 3, ("“总分”应是一个值", "而不是列表")),
    (
        "weight-not-number",
        ROW.format(field="            权重: 两分"),
        7,
        ("权重“两分”不是数字", "阿拉伯数字"),
    ),
    ("weight-negative", ROW.format(field="            权重: -2"), 7, ("权重“-2”不能是负数", "0 或正数")),
    ("score-not-number", ROW.format(field="            自评得分: 满分"), 7, ("自评得分“满分”不是数字",)),
    (
        "level1-weight-not-number",
        "指标:\n  - 名称: 产出指标\n    权重: 四十\n",
        3,
        ("一级指标权重“四十”不是数字",),
    ),
    ("budget-weight-negative", "预算:\n  权重: -20\n", 2, ("预算执行权重“-20”不能是负数",)),
    ("total-not-number", "自评:\n  总分: 九十七\n", 2, ("总分“九十七”不是数字",)),
    ("year-not-number", "项目:\n  年度: 二〇一八\n", 2, ("年度“二〇一八”不是四位数字的年份", "如 2018")),
    ("year-too-short", "项目:\n  年度: 18\n", 2, ("年度“18”不是四位数字的年份",)),
    ("date-unreadable", "项目:\n  填报日期: 七月底\n", 2, ("填报日期“七月底”不是可识别的日期", "2019-07-28")),
    (
        "date-impossible",
        "项目:\n  填报日期: 2019-02-30\n",
        2,
        ("填报日期“2019-02-30”不存在", "2019年没有2月30日"),
    ),
    (
        "unknown-scheme",
        "方案: hubei-2020\n项目:\n  年度: 2018\n",
        1,
        ("没有名为“hubei-2020”的评分方案", "mof-2020、mof-2021、hubei-2019、hebei-2020", ".toml"),
    ),
    (
        "row-without-name",
        ROW.format(field="          - 权重: 5\n            自评得分: 5").replace(
            "          - 名称: 培训场次\n", ""
        ),
        6,
        ("“数量指标”下第1项三级指标缺少“名称”", "名称: …"),
    ),
    ("line-without-name", "预算:\n  明细:\n    - 预算数: 100\n", 3, ("预算明细第1项缺少“名称”",)),
    ("sub-unit-without-name", "下级单位:\n  - 预算数: 100\n", 2, ("下级单位第1项缺少“名称”",)),
    ("duplicate-key", "项目:\n  年度: 2018\n  年度: 2019\n", 3, ("键“年度”重复出现（第2行已经写过）",)),
    ("alias-twice", "项目:\n  项目名称: 甲\n  name: 乙\n", 3, ("“name”与“项目名称”是同一项", "只能写一个")),
    (
        "amount-unreadable",
        "预算:\n  预算数: 五百多万\n",
        2,
        ("预算数“五百多万”不是可识别的金额", "535.87万元"),
    ),
    ("rate-unreadable", "预算:\n  执行率: 全部\n", 2, ("执行率“全部”不是可识别的比率", "99.24%")),
    ("amount-unit-unknown", "预算:\n  金额单位: 千元\n", 2, ("金额单位“千元”无法识别", "“元”或“万元”")),
    (
        "weights-disagree",
        "预算:\n  权重: 20\n指标:\n  - 名称: 产出指标\n    权重: 40\n  - 名称: 产出指标\n    权重: 50\n",
        7,
        ("产出指标的权重前后不一致：第5行是40，这里是50",),
    ),
    (
        "level1-unclassified",
        "指标:\n  - 名称: 其他指标\n    权重: 10\n",
        2,
        ("无法判断一级指标“其他指标”属于哪一类", "“产出”“效益”"),
    ),
    (
        "name-weight-disagrees",
        "指标:\n  - 名称: 产出指标（40分）\n    权重: 50\n",
        3,
        ("名称里写的是40分，权重却是50",),
    ),
    (
        "level2-and-rows",
        "指标:\n  - 名称: 产出指标\n    二级指标: []\n    三级指标: []\n",
        4,
        ("“二级指标”和“三级指标”只能写一个",),
    ),
    (
        "first-problem-wins",
        "项目:\n  年度: 二〇一八\n  填报日期: 2019-02-30\n指标:\n  - 名称: 产出指标\n    权重: 两分\n",
        2,
        ("年度“二〇一八”",),
    ),
    (
        "first-in-file-order-within-a-block",
        "项目:\n  填报日期: 2019-02-30\n  年度: 二〇一八\n",
        2,
        ("填报日期“2019-02-30”不存在",),
    ),
    (
        "first-in-file-order-across-blocks",
        "自评:\n  总分: 九十七\n项目:\n  年度: 二〇一八\n方案: nope\n",
        2,
        ("总分“九十七”不是数字",),
    ),
    (
        "first-in-file-order-in-a-row",
        ROW.format(field="            自评得分: 满分\n            权重: 两分"),
        7,
        ("自评得分“满分”",),
    ),
]


@pytest.mark.parametrize(("text", "line", "parts"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_yaml_problem(write: Callable[..., Path], text: str, line: int, parts: tuple[str, ...]) -> None:
    path = write(text)
    with pytest.raises(AuthoringError) as info:
        load_evaluation(path)
    error = info.value
    assert isinstance(error, InputError)
    assert error.line == line
    message = str(error)
    assert message.startswith(f"{path} 第{line}行")
    for part in parts:
        assert part in message
    assert error.hint, "every problem comes with a hint"
    assert not _ENGLISH.search(error.problem), error.problem
    assert "Traceback" not in message


def _error(path: Path) -> AuthoringError:
    with pytest.raises(AuthoringError) as info:
        load_evaluation(path)
    return info.value


def test_missing_file(tmp_path: Path) -> None:
    error = _error(tmp_path / "没有这个文件.yaml")
    assert error.problem == "文件不存在"
    assert error.line is None
    assert "文件名" in (error.hint or "")


def test_directory(tmp_path: Path) -> None:
    assert "文件夹" in _error(tmp_path).problem


def test_not_utf8(write: Callable[..., Path]) -> None:
    path = write("项目:\n  项目名称: 基层政权和社区建设\n".encode("gbk"))
    error = _error(path)
    assert "不是 UTF-8 编码" in error.problem
    assert error.line == 1
    assert "UTF-8" in (error.hint or "")
    assert "另存为" in (error.hint or "")
    later = write("project:\n  year: 2018\n  name: 社区\n".encode("gbk"), "gbk2.yaml")
    assert _error(later).line == 3


def test_utf8_with_bom_is_accepted(write: Callable[..., Path]) -> None:
    ev = load_evaluation(write("\ufeff项目:\n  项目名称: 甲\n".encode()))
    assert ev.project.name == "甲"


@pytest.mark.parametrize("text", ["", "   \n\n", "# 只有注释\n# 没有内容\n"])
def test_empty(write: Callable[..., Path], text: str) -> None:
    error = _error(write(text))
    assert "空" in error.problem or "没有内容" in error.problem
    assert "jixiao new" in (error.hint or "")


def test_control_character(write: Callable[..., Path]) -> None:
    error = _error(write("项目:\n  项目名称: 甲\x07乙\n"))
    assert error.line == 2
    assert "控制字符" in error.problem


def test_unsupported_suffix(write: Callable[..., Path]) -> None:
    error = _error(write("项目: {}\n", "自评.txt"))
    assert "不支持的文件类型“.txt”" in error.problem
    assert ".yaml" in (error.hint or "")


def test_broken_scheme_file(write: Callable[..., Path]) -> None:
    write('id = "x"\nname = 1\n', "my.toml")
    error = _error(write("方案: my.toml\n"))
    assert error.line == 1
    assert "评分方案文件有误" in error.problem


def test_json_syntax(write: Callable[..., Path]) -> None:
    error = _error(write('{\n  "project": {"name": "甲",}\n}\n', "ev.json"))
    assert error.line == 2
    assert "JSON 格式错误" in error.problem


def test_json_not_object(write: Callable[..., Path]) -> None:
    assert "最外层应是一个对象" in _error(write("[1, 2]\n", "ev.json")).problem


def test_json_bad_field(write: Callable[..., Path]) -> None:
    error = _error(write('{"project": {"year": "二〇一八"}}\n', "ev.json"))
    assert error.problem == "字段“project.year”应是整数"
    assert not _ENGLISH.search(error.problem)


def test_an_alias_bomb_is_refused_quickly(write: Callable[..., Path]) -> None:
    """Nested anchors (“billion laughs”) would expand to 9^8 nodes; the reader stops early."""
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for prev, name in zip("abcdefg", "bcdefgh", strict=True):
        lines.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    path = write("\n".join(lines) + "\n")
    with pytest.raises(AuthoringError) as raised:
        load_evaluation(path)
    assert "锚点引用" in str(raised.value)


def test_an_oversized_file_is_refused_without_reading_it(write: Callable[..., Path]) -> None:
    path = write("")
    with path.open("wb") as out:
        out.truncate(25 * 2**20)  # sparse: 25 MB of nothing
    with pytest.raises(AuthoringError) as raised:
        load_evaluation(path)
    assert "超过自评文件的上限20 MB" in str(raised.value)
