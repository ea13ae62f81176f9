"""Tests for jixiao.core.values: reading targets, actuals, amounts and rates from cell text."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from jixiao.core.model import Op
from jixiao.core.model import Value
from jixiao.core.values import parse_amount
from jixiao.core.values import parse_rate
from jixiao.core.values import parse_value
from jixiao.core.values import quantities

D = Decimal
GE, LE, EQ, RANGE, QUAL = Op.GE, Op.LE, Op.EQ, Op.RANGE, Op.QUALITATIVE


def _key(v: Value | None) -> tuple[object, ...] | None:
    if v is None:
        return None
    return (v.op, v.value, v.high, v.unit, v.approx)


# (text, op, value, high, unit, approx)
QUANTITY_CASES = [
    # operators in front
    ("≥80%", GE, D(80), None, "%", False),
    (">=80%", GE, D(80), None, "%", False),
    ("＞=80%", GE, D(80), None, "%", False),
    ("≧80%", GE, D(80), None, "%", False),
    ("不低于50个", GE, D(50), None, "个", False),
    ("不少于3次", GE, D(3), None, "次", False),
    ("大于等于90%", GE, D(90), None, "%", False),
    ("大于或等于90%", GE, D(90), None, "%", False),
    ("至少2次", GE, D(2), None, "次", False),
    ("≤90万元", LE, D(90), None, "万元", False),
    ("<=5%", LE, D(5), None, "%", False),
    ("不高于5%", LE, D(5), None, "%", False),
    ("不超过30万元", LE, D(30), None, "万元", False),
    ("不多于2起", LE, D(2), None, "起", False),
    ("小于等于10次", LE, D(10), None, "次", False),
    ("低于或等于3%", LE, D(3), None, "%", False),
    ("控制在30万元以内", LE, D(30), None, "万元", False),
    ("控制在5%以下", LE, D(5), None, "%", False),
    (">95%", GE, D(95), None, "%", False),
    ("大于95%", GE, D(95), None, "%", False),
    ("高于95%", GE, D(95), None, "%", False),
    ("超过100人", GE, D(100), None, "人", False),
    ("<5%", LE, D(5), None, "%", False),
    ("小于5%", LE, D(5), None, "%", False),
    ("低于5%", LE, D(5), None, "%", False),
    ("=100%", EQ, D(100), None, "%", False),
    ("＝100%", EQ, D(100), None, "%", False),
    ("﹦100%", EQ, D(100), None, "%", False),
    ("等于100%", EQ, D(100), None, "%", False),
    ("≥ 95 ％", GE, D(95), None, "%", False),
    ("≥100百分比", GE, D(100), None, "%", False),
    ("≤10次", LE, D(10), None, "次", False),
    ("≥50个", GE, D(50), None, "个", False),
    ("≥-5%", GE, D(-5), None, "%", False),
    # suffix forms
    ("80%以上", GE, D(80), None, "%", False),
    ("80%及以上", GE, D(80), None, "%", False),
    ("80%(含)以上", GE, D(80), None, "%", False),
    ("200元以下", LE, D(200), None, "元", False),
    ("200元以内", LE, D(200), None, "元", False),
    ("3天内", LE, D(3), None, "天", False),
    ("5个工作日内", LE, D(5), None, "个工作日", False),
    # plain numbers and units
    ("100%", EQ, D(100), None, "%", False),
    ("１２３", EQ, D(123), None, None, False),
    ("１２３人", EQ, D(123), None, "人", False),
    ("98.5", EQ, D("98.5"), None, None, False),
    ("0", EQ, D(0), None, None, False),
    ("0起", EQ, D(0), None, "起", False),
    ("13车", EQ, D(13), None, "车", False),
    ("200元/人", EQ, D(200), None, "元/人", False),
    ("16.12万元/社区", EQ, D("16.12"), None, "万元/社区", False),
    ("5,358,672.00 元", EQ, D("5358672.00"), None, "元", False),
    ("5,358,672.00元", EQ, D("5358672"), None, "元", False),
    ("10万人次", EQ, D(10), None, "万人次", False),
    ("100人次", EQ, D(100), None, "人次", False),
    ("36户", EQ, D(36), None, "户", False),
    ("12项", EQ, D(12), None, "项", False),
    ("5千克", EQ, D(5), None, "千克", False),
    ("3千元", EQ, D(3), None, "千元", False),
    ("100㎡", EQ, D(100), None, "m2", False),
    ("12个月", EQ, D(12), None, "个月", False),
    ("3年", EQ, D(3), None, "年", False),
    ("95分", EQ, D(95), None, "分", False),
    ("2个百分点", EQ, D(2), None, "个百分点", False),
    ("-5%", EQ, D(-5), None, "%", False),
    ("😀100人🎉", EQ, D(100), None, "人", False),
    # Chinese numerals
    ("十二次", EQ, D(12), None, "次", False),
    ("两次/年", EQ, D(2), None, "次/年", False),
    ("三点五万元", EQ, D("3.5"), None, "万元", False),
    ("三十万元", EQ, D(30), None, "万元", False),
    ("两万人", EQ, D(2), None, "万人", False),
    ("一万二千元", EQ, D(12000), None, "元", False),
    ("十二点五万元", EQ, D("12.5"), None, "万元", False),
    ("二十", EQ, D(20), None, None, False),
    ("十余次", GE, D(10), None, "次", True),
    ("百分之九十五", EQ, D(95), None, "%", False),
    ("百分之百", EQ, D(100), None, "%", False),
    ("百分之95", EQ, D(95), None, "%", False),
    ("≥百分之九十", GE, D(90), None, "%", False),
    ("满意度达到百分之九十以上", GE, D(90), None, "%", False),
    # frequencies
    ("1次/月", EQ, D(1), None, "次/月", False),
    ("每月1次", EQ, D(1), None, "次/月", False),
    ("每月一次", EQ, D(1), None, "次/月", False),
    ("一周一课", EQ, D(1), None, "课/周", False),
    ("一月一次", EQ, D(1), None, "次/月", False),
    ("每周二次", EQ, D(2), None, "次/周", False),
    ("一年两次", EQ, D(2), None, "次/年", False),
    ("每季度1次", EQ, D(1), None, "次/季度", False),
    ("每月不少于2次", GE, D(2), None, "次/月", False),
    ("每年至少一次", GE, D(1), None, "次/年", False),
    ("每人200元", EQ, D(200), None, "元/人", False),
    ("≥4次/年", GE, D(4), None, "次/年", False),
    # ranges
    ("25~30人", RANGE, D(25), D(30), "人", False),
    ("25～30人", RANGE, D(25), D(30), "人", False),
    ("25-30人", RANGE, D(25), D(30), "人", False),
    ("25—30人", RANGE, D(25), D(30), "人", False),
    ("25至30人", RANGE, D(25), D(30), "人", False),
    ("25到30人", RANGE, D(25), D(30), "人", False),
    ("25人~30人", RANGE, D(25), D(30), "人", False),
    ("80%-90%", RANGE, D(80), D(90), "%", False),
    ("3-5个工作日", RANGE, D(3), D(5), "个工作日", False),
    ("25~30", RANGE, D(25), D(30), None, False),
    ("二十至三十人", RANGE, D(20), D(30), "人", False),
    ("约25~30人", RANGE, D(25), D(30), "人", True),
    # approximations
    ("500余起", GE, D(500), None, "起", True),
    ("1310余处", GE, D(1310), None, "处", True),
    ("100多人", GE, D(100), None, "人", True),
    ("30余人", GE, D(30), None, "人", True),
    ("约100人", EQ, D(100), None, "人", True),
    ("100人左右", EQ, D(100), None, "人", True),
    ("近100人", EQ, D(100), None, "人", True),
    ("大约100人", EQ, D(100), None, "人", True),
    ("逾500人", GE, D(500), None, "人", True),
    ("约80%以上", GE, D(80), None, "%", True),
    # labels and prose around one quantity
    ("调处率100%", EQ, D(100), None, "%", False),
    ("共完成19项", EQ, D(19), None, "项", False),
    ("已成功与戒毒所对接23人并建立了个人基本台帐", EQ, D(23), None, "人", False),
    ("预期指标值为80%以上", GE, D(80), None, "%", False),
    ("满意度≥90%", GE, D(90), None, "%", False),
    ("2020年完成30个", EQ, D(30), None, "个", False),
    ("1、完成30个", EQ, D(30), None, "个", False),
    ("(1)完成30个", EQ, D(30), None, "个", False),
    ("第3季度完成20个", EQ, D(20), None, "个", False),
    ("一次性补贴500元", EQ, D(500), None, "元", False),
    ("Q1完成30%", EQ, D(30), None, "%", False),
    ("全年共开展活动12场，群众反响良好", EQ, D(12), None, "场", False),
    ("截至2019年12月底，发放补贴资金35.6万元", EQ, D("35.6"), None, "万元", False),
    # a leading quantity wins over what follows
    ("≥4次/年、其中体育活动≥2次", GE, D(4), None, "次/年", False),
    ("25~30人(疫情控人)线上活动100人左右", RANGE, D(25), D(30), "人", False),
    ("16.12万/社区(疫情期间预算调)", EQ, D("16.12"), None, "万/社区", False),
    ("30个，2020年12月底前完成", EQ, D(30), None, "个", False),
    ("100%，群众满意", EQ, D(100), None, "%", False),
]


@pytest.mark.parametrize(("text", "op", "value", "high", "unit", "approx"), QUANTITY_CASES)
def test_parse_value_quantities(
    text: str, op: Op, value: Decimal, high: Decimal | None, unit: str | None, approx: bool
) -> None:
    v = parse_value(text)
    assert v is not None
    assert v.text == text.strip()
    assert _key(v) == (op, value, high, unit, approx)
    assert v.is_quantity


QUALITATIVE_CASES = [
    # no quantity
    "没有停水",
    "合格",
    "是",
    "否",
    "惠民项目",
    "效果明显",
    "达成预期指标",
    "美化环境",
    "无",
    "好",
    "一般",
    # dates are not quantities
    "1-12月",
    "2019-7-28",
    "2019.7.28",
    "2019年7月28日",
    "4月15日",
    "11月份",
    "12月底前",
    "2020年度",
    "2018-2020年",
    "二〇一九年",
    "十二月底前完成",
    "4月15日举办了一场活动",
    "8:30-17:30开放",
    # numerals inside fixed phrases and names
    "三会一课",
    "一社区一品牌",
    "一对一",
    "十九大",
    "一把手",
    "一岗双责",
    "两学一做",
    "一起参加活动",
    "一点",
    "5G网络覆盖",
    "G20峰会",
    "COVID-19",
    "V2.0版本",
    "027-87654321",
    "10-5",
    # Chinese numerals only lead a text
    "十二次活动",
    "共十二次",
    # several quantities, none leading: never guess
    "各社区开展手工、绘画等文化活动97次,球赛、棋赛等体育活动23次",
    "认真化解调处成功矛盾纠纷共500余起，调处率达到100%",
    "2018年低保年审取消14户，新增5户",
    "①完成30个②完成20个",
    "全年共开展12场活动，参与群众3000人次",
]


@pytest.mark.parametrize("text", QUALITATIVE_CASES)
def test_parse_value_qualitative(text: str) -> None:
    v = parse_value(text)
    assert v == Value(text=text, op=QUAL)
    assert not v.is_quantity


@pytest.mark.parametrize("text", [None, "", "   ", "\t\n", "\u3000"])
def test_parse_value_blank(text: str | None) -> None:
    assert parse_value(text) is None


def test_parse_value_keeps_original_text() -> None:
    v = parse_value("  ≥８０％ \n")
    assert v is not None
    assert v.text == "≥８０％"
    assert _key(v) == (GE, D(80), None, "%", False)


def test_parse_value_long_prose_is_fast_and_qualitative() -> None:
    text = "社区开展了丰富多彩的文化活动，" * 5000 + "共完成19项"
    v = parse_value(text)
    assert v is not None
    assert _key(v) == (EQ, D(19), None, "项", False)
    assert parse_value(text + "，新增5户") == Value(text=text + "，新增5户", op=QUAL)


def test_parse_value_model_round_trip() -> None:
    v = parse_value("≥16.12万元/社区")
    assert v is not None
    assert Value.model_validate_json(v.model_dump_json()) == v


# --- quantities ---------------------------------------------------------------------------------


def test_quantities_lists_every_figure_with_its_fragment() -> None:
    found = quantities("认真化解调处成功矛盾纠纷共500余起，调处率达到100%")
    assert [(q.text, q.op, q.value, q.unit, q.approx) for q in found] == [
        ("500余起", GE, D(500), "起", True),
        ("100%", EQ, D(100), "%", False),
    ]


def test_quantities_skips_dates_and_keeps_original_fragments() -> None:
    found = quantities("2018年低保年审取消１４户，新增5户；满意度≥９０％")
    assert [(q.text, q.op, q.value, q.unit) for q in found] == [
        ("１４户", EQ, D(14), "户"),
        ("5户", EQ, D(5), "户"),
        ("≥９０％", GE, D(90), "%"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("没有停水", []),
        ("4月15日举办了一场活动", []),
        ("各社区开展手工、绘画等文化活动97次,球赛、棋赛等体育活动23次", [("97次", D(97)), ("23次", D(23))]),
        ("25~30人(疫情控人)线上活动100人左右", [("25~30人", D(25)), ("100人左右", D(100))]),
    ],
)
def test_quantities_table(text: str, expected: list[tuple[str, Decimal]]) -> None:
    assert [(q.text, q.value) for q in quantities(text)] == expected


# --- parse_amount -------------------------------------------------------------------------------

AMOUNT_CASES = [
    ("5,358,672.00", "元", D("5358672.00")),
    ("5,358,672.00 元", "元", D("5358672.00")),
    ("535.87万元", "元", D("5358700.00")),
    ("310.69694万元", "元", D("3106969.40")),
    ("310.696945万元", "元", D("3106969.45")),
    ("0.000005万元", "元", D("0.05")),
    ("11.78万", "元", D("117800.00")),
    ("1.2亿元", "元", D("120000000.00")),
    ("三十万元", "元", D("300000.00")),
    ("三点五万元", "元", D("35000.00")),
    ("叁拾万元整", "元", D("300000.00")),
    ("￥1,000", "元", D("1000.00")),
    ("¥1000.5", "元", D("1000.50")),
    ("人民币1000元", "元", D("1000.00")),
    ("1000元", "元", D("1000.00")),
    ("５０００元", "元", D("5000.00")),
    ("2千元", "元", D("2000.00")),
    ("0", "元", D("0.00")),
    ("-1,000.5元", "元", D("-1000.50")),
    ("535.87", "万元", D("5358700.00")),
    ("535.87元", "万元", D("535.87")),
    ("1.5亿元", "万元", D("150000000.00")),
    ("100", "千元", D("100000.00")),
]


@pytest.mark.parametrize(("text", "default_unit", "expected"), AMOUNT_CASES)
def test_parse_amount(text: str, default_unit: str, expected: Decimal) -> None:
    result = parse_amount(text, default_unit)
    assert result == expected
    assert result is not None
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text",
    [None, "", "  ", "—", "-", "abc", "100%", "1,23", "12,3456", "约100万元", "共计100万元，其中", "1-2万元"],
)
def test_parse_amount_rejects_non_amounts(text: str | None) -> None:
    assert parse_amount(text) is None


# --- parse_rate ---------------------------------------------------------------------------------

RATE_CASES = [
    ("100%", D(1)),
    ("99.24%", D("0.9924")),
    ("９９.２４％", D("0.9924")),
    ("百分之九十", D("0.9")),
    ("百分之百", D(1)),
    ("0.9924", D("0.9924")),
    ("1", D(1)),
    ("98.7", D("0.987")),
    ("100", D(1)),
    ("1000", D(10)),
    ("105%", D("1.05")),
    ("5‰", D("0.005")),
    ("-5%", D("-0.05")),
    ("0", D(0)),
    ("86.2 %", D("0.862")),
]


@pytest.mark.parametrize(("text", "expected"), RATE_CASES)
def test_parse_rate(text: str, expected: Decimal) -> None:
    assert parse_rate(text) == expected


@pytest.mark.parametrize("text", [None, "", "abc", "1001", "执行率高", "80%-90%", "5个", "—"])
def test_parse_rate_rejects_non_rates(text: str | None) -> None:
    assert parse_rate(text) is None


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=300)
@given(st.text())
@example("≥")
@example("百分之")
@example("每月")
@example("一周一")
@example("1" * 400)
@example("点五")
@example("十十")
@example("万")
@example("0.")
def test_parse_value_never_raises(text: str) -> None:
    v = parse_value(text)
    if text.strip():
        assert v is not None
        assert v.text == text.strip()
        assert v.is_quantity == (v.value is not None)
    else:
        assert v is None
    for q in quantities(text):
        assert q.value is not None
    parse_amount(text)
    parse_rate(text)


_CJKISH = st.text(
    alphabet=st.sampled_from("一二两三十百千万亿点零个人次元月年日%~-至每周余约以上下内≥≤=0123456789，、 ")
)


@settings(max_examples=300)
@given(_CJKISH)
def test_parse_value_never_raises_on_numeral_soup(text: str) -> None:
    v = parse_value(text)
    assert v is None or v.text == text.strip()


_OPS = [
    ("", EQ),
    ("=", EQ),
    ("＝", EQ),
    ("﹦", EQ),
    ("等于", EQ),
    ("≥", GE),
    (">=", GE),
    ("＞＝", GE),
    ("不低于", GE),
    ("不少于", GE),
    ("大于等于", GE),
    ("至少", GE),
    ("大于", GE),
    ("超过", GE),
    (">", GE),
    ("≤", LE),
    ("<=", LE),
    ("不高于", LE),
    ("不超过", LE),
    ("小于", LE),
    ("低于", LE),
    ("<", LE),
]
_UNITS = [
    "",
    "%",
    "人",
    "人次",
    "个",
    "项",
    "次",
    "次/月",
    "次/年",
    "元",
    "万元",
    "元/人",
    "万元/社区",
    "户",
    "起",
    "车",
]


@st.composite
def _numbers(draw: st.DrawFn) -> tuple[str, Decimal]:
    whole = draw(st.integers(min_value=0, max_value=10**9))
    decimals = draw(st.integers(min_value=0, max_value=4))
    frac = draw(st.integers(min_value=0, max_value=10**decimals - 1)) if decimals else 0
    text = f"{whole:,}" if draw(st.booleans()) else str(whole)
    if decimals:
        text += "." + str(frac).zfill(decimals)
    return text, Decimal(text.replace(",", ""))


@settings(max_examples=500)
@given(st.sampled_from(_OPS), _numbers(), st.sampled_from(_UNITS), st.booleans())
def test_generated_op_number_unit(
    op: tuple[str, Op], number: tuple[str, Decimal], unit: str, full_width: bool
) -> None:
    op_text, expected_op = op
    num_text, expected_value = number
    text = f"{op_text}{num_text}{unit}"
    if full_width:
        text = text.translate(str.maketrans("0123456789%", "０１２３４５６７８９％"))
    v = parse_value(text)
    assert v is not None
    assert _key(v) == (expected_op, expected_value, None, unit or None, False)


@settings(max_examples=300)
@given(_numbers(), st.sampled_from(["以上", "及以上", "以下", "以内"]), st.sampled_from(_UNITS[1:]))
def test_generated_suffix_forms(number: tuple[str, Decimal], suffix: str, unit: str) -> None:
    num_text, expected_value = number
    v = parse_value(f"{num_text}{unit}{suffix}")
    assert v is not None
    assert _key(v) == (GE if "上" in suffix else LE, expected_value, None, unit, False)


@settings(max_examples=300)
@given(_numbers(), _numbers(), st.sampled_from(["~", "-", "—", "至", "到"]), st.sampled_from(_UNITS[1:]))
def test_generated_ranges(low: tuple[str, Decimal], high: tuple[str, Decimal], sep: str, unit: str) -> None:
    (lo_text, lo), (hi_text, hi) = sorted([low, high], key=lambda n: n[1])
    v = parse_value(f"{lo_text}{sep}{hi_text}{unit}")
    assert v is not None
    assert _key(v) == (RANGE, lo, hi, unit, False)


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**15), st.booleans())
def test_generated_wan_amount_is_exact_yuan(fen: int, with_unit_yuan: bool) -> None:
    yuan = Decimal(fen) / 100
    wan = Decimal(fen) / Decimal(1_000_000)
    text = f"{wan:f}万元" if with_unit_yuan else f"{wan:f}万"
    assert parse_amount(text) == yuan
    assert parse_amount(f"{wan:f}", default_unit="万元") == yuan
    assert parse_amount(f"{yuan:,.2f}元") == yuan


@settings(max_examples=500)
@given(st.decimals(min_value=0, max_value=1000, places=4, allow_nan=False, allow_infinity=False))
def test_generated_percent_rate(d: Decimal) -> None:
    assert parse_rate(f"{d:f}%") == d / 100
