"""The facts of one synthetic report, the defects injected into them, and its ground truth.

A report is generated in two steps. :func:`build_facts` draws a clean evaluation that is
internally consistent under the scheme its weights select: item weights add up to their 二级 and
一级 labels and, with the budget block, to 100; every quantitative row's stated score is what the
scheme's formula gives (full marks when the target is met, ``weight × B/A`` (or ``A/B`` for ≤
targets) rounded 四舍五入 to two places when it is missed); qualitative rows keep a score within
their weight; the budget score is ``weight × 执行数/预算数``; the total is the budget score plus the
item scores; the grade, when stated, is the band of the total; every missed target is explained
(named in the problems section, and on its row where the table has a 偏差原因 column); no row
carries a money target as a 数量指标, no budget was adjusted down to the spending. :func:`inject` then breaks some of that on purpose and records, for each defect, the
finding codes it must raise, including the ones that follow from it (a full score on a missed
target also makes the row's score disagree with its formula, and may lift the total above what
the facts allow).

Everything is drawn from the ``random.Random`` passed in, so a seed fixes the report.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from dataclasses import field
from decimal import ROUND_HALF_UP
from decimal import Decimal

from inbox import vocab

ZERO = Decimal(0)
CENT = Decimal("0.01")
TOLERANCE = Decimal("0.01")  # the schemes' score tolerance
RATE_TOLERANCE = Decimal("0.005")  # half a percentage point


def q2(value: Decimal) -> Decimal:
    """Round 四舍五入 to two places, as the schemes do."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def show(value: Decimal) -> str:
    """A score or weight as a form prints it: no needless zeros (9.60 → 9.6, 20.00 → 20)."""
    text = format(value.normalize(), "f")
    return "0" if text in {"-0", ""} else text


# ---------------------------------------------------------------------------------------------
# Weight profiles: the level-1 weights a report states, and the built-in scheme they select.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Profile:
    budget: int
    output: int
    effect: int
    satisfaction: int
    scheme: str  # the built-in scheme jixiao picks for these weights (mof-2020 when none matches)

    @property
    def bands(self) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
        """Grade bands (lowest score, canonical grade, the words units write for it)."""
        if self.scheme == "hebei-2020":
            return (
                (85, "优秀", ("优秀",)),
                (75, "良好", ("良好",)),
                (60, "一般", ("一般", "合格")),
                (0, "较差", ("较差",)),
            )
        return (
            (90, "优", ("优", "优秀")),
            (80, "良", ("良", "良好")),
            (60, "中", ("中", "一般", "合格")),
            (0, "差", ("差", "较差")),
        )

    def band_of(self, total: Decimal) -> int:
        """Index of the band a total falls in."""
        for i, (low, _, _) in enumerate(self.bands):
            if total >= low:
                return i
        return len(self.bands) - 1


PROFILES_WITH_SATISFACTION = (
    Profile(10, 50, 30, 10, "mof-2020"),
    Profile(10, 40, 40, 10, "hebei-2020"),
    Profile(20, 30, 40, 10, "mof-2020"),
    Profile(15, 40, 35, 10, "mof-2020"),
)
PROFILES_WITHOUT_SATISFACTION = (
    Profile(20, 40, 40, 0, "hubei-2019"),
    Profile(10, 50, 40, 0, "mof-2020"),
    Profile(10, 60, 30, 0, "mof-2020"),
)
DEFAULT_PROFILE = PROFILES_WITH_SATISFACTION[0]  # mof-2020, what jixiao assumes when nothing is stated


# ---------------------------------------------------------------------------------------------
# The facts
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class Row:
    """One 三级指标 row as the report states it, with what the rules make of it."""

    level1: str
    level2: str
    name: str
    weight: Decimal
    target: str
    actual: str
    score: Decimal  # the stated (claimed) score
    kind: str  # ge, eq, le, pct, binary, qual, sat
    computed: Decimal | None  # the rule's score when the rules fix it, else None
    met: bool | None
    reason: str = ""  # 偏差原因分析 (only for rows that miss their target)
    # For quantitative rows, the numbers behind the texts (to rewrite a row as a defect).
    op: str = ""
    a: Decimal | None = None
    b: Decimal | None = None
    unit: str = ""


@dataclass(slots=True)
class Budget:
    planned: Decimal  # 全年预算数, yuan
    initial: Decimal  # 年初预算数, yuan
    received: Decimal  # 到位数, yuan
    executed: Decimal  # 执行数, yuan
    weight: int
    score: Decimal  # stated budget-execution score
    stated_rate: Decimal  # the rate the report prints (a fraction, 4 places)

    @property
    def real_rate(self) -> Decimal:
        return self.executed / self.planned


@dataclass(slots=True)
class Defect:
    kind: str
    codes: list[str]
    detail: str


@dataclass(slots=True)
class Facts:
    unit: str
    department: str
    implementer: str
    name: str
    year: int
    filled: dt.date
    category: str
    attribute: str
    type: str
    profile: Profile
    budget: Budget
    rows: list[Row]
    total: Decimal
    grade: str | None  # as written, None when the report states none
    problems: list[str] | None  # None: no problems section; ["无"]: says nothing
    measures: list[str]
    objectives: tuple[str, str]
    defects: list[Defect] = field(default_factory=list)

    @property
    def has_satisfaction(self) -> bool:
        return any(r.level1 == "满意度指标" for r in self.rows)

    def max_total(self) -> Decimal:
        """The most the facts allow, as the checker reckons it: rows the rules fix at their rule
        score, the other rows at their weight, the budget block at its rule score."""
        items = sum(((r.computed if r.computed is not None else r.weight) for r in self.rows), ZERO)
        return self.budget_rule_score() + items

    def budget_rule_score(self) -> Decimal:
        rate = min(self.budget.real_rate, Decimal(1))
        return q2(self.budget.weight * rate)

    def item_sum(self) -> Decimal:
        return sum((r.score for r in self.rows), ZERO)


# ---------------------------------------------------------------------------------------------
# Drawing the facts
# ---------------------------------------------------------------------------------------------


def _fill(rng: random.Random, template: str) -> str:
    return template.format(
        a=rng.choice(vocab.ACTIVITIES),
        a2=rng.choice(vocab.ACTIVITIES),
        p=rng.choice(vocab.GROUPS_OF_PEOPLE),
        t=rng.choice(vocab.THINGS),
    )


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` as ``parts`` positive integers in random proportions."""
    cuts = sorted(rng.sample(range(1, total), parts - 1)) if parts > 1 else []
    bounds = [0, *cuts, total]
    return [bounds[i + 1] - bounds[i] for i in range(parts)]


def _proportional(weight: Decimal, a: Decimal, b: Decimal, negative: bool) -> Decimal:
    """The ratio rule's score for a missed target, rounded as the engine rounds it."""
    share = a / b if negative else b / a
    return (weight * share).quantize(CENT, rounding=ROUND_HALF_UP)


def _number_text(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    if "." not in text and len(text) > 4 and value >= 10000:
        return f"{int(value):,}"
    return text


def _quantitative(
    rng: random.Random, weight: Decimal, op: str, a: Decimal, unit: str, *, miss: bool
) -> tuple[str, str, Decimal, Decimal | None, bool, Decimal]:
    """Target text, actual text, stated score, rule score, met, and the actual number."""
    integral = a == a.to_integral_value() and unit != "%"
    if op == "<=":
        if miss:
            b = a * Decimal(rng.choice((110, 115, 120, 125, 140))) / 100
            b = b.quantize(Decimal(1)) if integral else b.quantize(Decimal("0.1"))
        else:
            b = a * Decimal(rng.randint(50, 100)) / 100
            b = b.quantize(Decimal(1)) if integral else b.quantize(Decimal("0.1"))
        met = b <= a
    else:
        if miss:
            ratio = Decimal(rng.randint(70, 96)) / 100
            b = a * ratio
        else:
            b = a * Decimal(rng.choice((100, 100, 100, 101, 103, 105, 110, 112))) / 100
        if unit == "%":
            b = min(b, Decimal(100)).quantize(Decimal("0.1"))
        elif integral:
            b = b.quantize(Decimal(1))
        else:
            b = b.quantize(Decimal("0.1"))
        met = b >= a
    sign = {">=": rng.choice(("≥", "≥", "≥", "不低于")), "=": "", "<=": rng.choice(("≤", "≤", "不高于"))}[op]
    if unit == "%" and sign == "不低于" and rng.random() < 0.5:
        target = f"达到{_number_text(a)}%以上"
    else:
        target = f"{sign}{_number_text(a)}{unit}"
    actual = f"{_number_text(b)}{unit}"
    if met:
        score, computed = weight, weight
    else:
        computed = _proportional(weight, a, b, op == "<=")
        score = computed
    return target, actual, score, computed, met, b


def _row(
    rng: random.Random,
    level1: str,
    level2: str,
    weight: Decimal,
    used: set[str],
    miss: bool,
) -> Row:
    """One indicator row of the given group (a fresh name, a target, an actual and a score)."""
    for _ in range(40):
        row = _draw_row(rng, level1, level2, weight, miss)
        if row.name not in used:
            used.add(row.name)
            return row
    # Very small vocabularies for a group: number the name to keep it unique.
    row.name = f"{row.name}（{len(used) + 1}）"
    used.add(row.name)
    return row


def _draw_row(rng: random.Random, level1: str, level2: str, weight: Decimal, miss: bool) -> Row:
    if level1 == "满意度指标":
        # Names like a 二级 label (群众满意度) twice as likely: real forms use them often.
        names = vocab.SAT_NAMES + vocab.SAT_NAMES_LABEL_LIKE * 2
        name = _fill(rng, rng.choice(names))
        a = Decimal(rng.choice((80, 85, 90, 90, 90, 95)))
        t, ac, s, c, met, b = _quantitative(rng, weight, ">=", a, "%", miss=miss)
        return Row(level1, level2, name, weight, t, ac, s, "sat", c, met, op=">=", a=a, b=b, unit="%")
    choices: list[str] = []
    if level2 in vocab.COUNT_NAMES:
        choices += ["count"] * 4
    if level2 in vocab.PCT_NAMES:
        choices += ["pct"] * 3
    if level2 in vocab.BINARY_NAMES:
        choices += ["binary"] * 2
    if level2 in vocab.QUAL_NAMES:
        choices += ["qual"] * (4 if level1 == "效益指标" else 1)
    if level2 == "时效指标":
        choices += ["time"] * 2
    if level2 == "成本指标":
        choices += ["cost"] * 3 + ["cap"]
    kind = rng.choice(choices)
    if kind in {"binary", "qual"}:
        miss = False  # a missed qualitative row is scored by judgement, not by a formula
    if kind == "count":
        template = rng.choice(vocab.COUNT_NAMES[level2])
        name = _fill(rng, template)
        key = next(k for k in vocab.COUNT_UNIT_FOR if template.endswith(k))
        unit = rng.choice(vocab.COUNT_UNIT_FOR[key])
        if key == "年限":
            a = Decimal(rng.choice((5, 8, 10, 15, 20)))
        elif unit in {"人", "人次", "户", "份", "件"}:
            a = Decimal(rng.choice((30, 50, 80, 100, 120, 150, 200, 300, 500, 800, 1000, 1200, 2000, 5000)))
        else:
            a = Decimal(rng.randint(2, 60))
        op = ">=" if rng.random() < 0.75 else "="
        t, ac, s, c, met, b = _quantitative(rng, weight, op, a, unit, miss=miss)
        return Row(
            level1,
            level2,
            name,
            weight,
            t,
            ac,
            s,
            "eq" if op == "=" else "ge",
            c,
            met,
            op=op,
            a=a,
            b=b,
            unit=unit,
        )
    if kind == "pct":
        name = _fill(rng, rng.choice(vocab.PCT_NAMES[level2]))
        a = Decimal(rng.choice((80, 85, 90, 95, 95, 98, 100)))
        op = "=" if a == 100 and rng.random() < 0.5 else ">="
        t, ac, s, c, met, b = _quantitative(rng, weight, op, a, "%", miss=miss)
        return Row(level1, level2, name, weight, t, ac, s, "pct", c, met, op=op, a=a, b=b, unit="%")
    if kind == "time":
        name = _fill(rng, rng.choice(vocab.TIME_NAMES))
        unit, low, high = rng.choice(vocab.TIME_UNITS)
        a = Decimal(rng.randint(low, high))
        t, ac, s, c, met, b = _quantitative(rng, weight, "<=", a, unit, miss=miss)
        return Row(level1, level2, name, weight, t, ac, s, "le", c, met, op="<=", a=a, b=b, unit=unit)
    if kind == "cost":
        name = _fill(rng, rng.choice(vocab.COST_NAMES))
        unit, low, high = rng.choice(vocab.COST_UNITS)
        a = Decimal(rng.randint(low // 10, high // 10) * 10)
        t, ac, s, c, met, b = _quantitative(rng, weight, "<=", a, unit, miss=miss)
        return Row(level1, level2, name, weight, t, ac, s, "le", c, met, op="<=", a=a, b=b, unit=unit)
    if kind == "cap":
        name = _fill(rng, rng.choice(vocab.RATE_CAP_NAMES))
        t, ac, s, c, met, b = _quantitative(rng, weight, "<=", Decimal(100), "%", miss=False)
        return Row(
            level1, level2, name, weight, t, ac, s, "le", c, met, op="<=", a=Decimal(100), b=b, unit="%"
        )
    if kind == "binary":
        name = _fill(rng, rng.choice(vocab.BINARY_NAMES[level2]))
        target, actuals = rng.choice(vocab.BINARY_PAIRS[level2])
        return Row(level1, level2, name, weight, target, rng.choice(actuals), weight, "binary", weight, True)
    name = _fill(rng, rng.choice(vocab.QUAL_NAMES[level2]))
    target = rng.choice(vocab.QUAL_TARGETS)
    actual = _fill(rng, rng.choice(vocab.QUAL_ACTUALS))
    score = weight
    if weight >= 2 and rng.random() < 0.35:
        score = weight - Decimal(rng.choice(("0.5", "1")))
    return Row(level1, level2, name, weight, target, actual, score, "qual", None, None)


def _rows(rng: random.Random, profile: Profile, n_rows: int, miss_share: float) -> list[Row]:
    """``n_rows`` rows whose weights add up to the profile's level-1 weights."""
    groups = [("产出指标", profile.output), ("效益指标", profile.effect)]
    if profile.satisfaction:
        groups.append(("满意度指标", profile.satisfaction))
    n_sat = 0
    if profile.satisfaction:
        n_sat = 1 if rng.random() < 0.7 else 2
    rest = n_rows - n_sat
    n_out = max(3, min(profile.output, round(rest * rng.uniform(0.5, 0.65))))
    n_eff = max(2, min(profile.effect, rest - n_out))
    counts = {"产出指标": n_out, "效益指标": n_eff, "满意度指标": n_sat}
    used: set[str] = set()
    rows: list[Row] = []
    for level1, weight in groups:
        count = counts[level1]
        names2 = list(vocab.LEVEL2[level1])
        if level1 == "效益指标":
            names2 = ["社会效益指标", *rng.sample(names2[1:], k=rng.randint(1, 3))]
            names2.sort(key=vocab.LEVEL2[level1].index)
        elif level1 == "产出指标":
            names2 = ["数量指标", "质量指标", *rng.sample(names2[2:], k=rng.randint(0, 2))]
            names2.sort(key=vocab.LEVEL2[level1].index)
        names2 = names2[: max(1, min(len(names2), count))]
        per2 = _split(rng, count, len(names2)) if len(names2) > 1 else [count]
        # Bias rows towards 数量/社会效益 like real tables: the first group gets any remainder.
        row_weights = _split(rng, weight, count)
        k = 0
        for level2, n in zip(names2, per2, strict=True):
            for _ in range(n):
                miss = rng.random() < miss_share
                rows.append(_row(rng, level1, level2, Decimal(row_weights[k]), used, miss))
                k += 1
    for r in rows:
        if r.met is False:
            r.reason = _fill(rng, rng.choice(vocab.DEVIATION_REASONS))
    return rows


def _amount(rng: random.Random, exact_yuan: bool) -> Decimal:
    """A budget in yuan: a multiple of 100 (a whole number of 万元 to two places) unless
    ``exact_yuan``, when it may be any whole-yuan or fen amount."""
    wan = Decimal(str(round(10 ** rng.uniform(0.8, 3.6), 2)))  # 6 to 4,000 万元
    yuan = wan * 10000
    if exact_yuan:
        yuan += Decimal(rng.randint(0, 99))
        if rng.random() < 0.2:
            yuan += Decimal(rng.randint(1, 99)) / 100
    return yuan.quantize(CENT)


def _budget(rng: random.Random, weight: int, exact_yuan: bool) -> Budget:
    planned = _amount(rng, exact_yuan)
    if rng.random() < 0.4:
        executed = planned
    else:
        executed = planned * Decimal(rng.randint(8000, 9995)) / 10000
        executed = executed.quantize(CENT) if exact_yuan else (executed / 100).quantize(Decimal(1)) * 100
        executed = executed.quantize(CENT)
    initial = planned
    if rng.random() < 0.15 and executed != planned:
        initial = planned * Decimal(rng.choice((90, 95, 105, 110))) / 100
        initial = initial.quantize(CENT) if exact_yuan else (initial / 100).quantize(Decimal(1)) * 100
        initial = initial.quantize(CENT)
    received = planned
    rate = executed / planned
    score = q2(weight * min(rate, Decimal(1)))
    return Budget(
        planned, initial, received, executed, weight, score, rate.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    )


def draw_unit(rng: random.Random) -> str:
    city, districts = rng.choice(vocab.CITIES)
    district = rng.choice(districts)
    kind = rng.random()
    if kind < 0.35:
        return f"{city}{district}{rng.choice(vocab.STREETS)}街道办事处"
    if kind < 0.5:
        return f"{district.removesuffix('区')}{rng.choice(vocab.STREETS)}镇人民政府"
    if kind < 0.8:
        return f"{city}{district}{rng.choice(vocab.BUREAUS)}"
    return f"{city}{district}{rng.choice(vocab.CENTRES)}"


def draw_project_name(rng: random.Random) -> str:
    return rng.choice(vocab.PLACES) + rng.choice(vocab.TOPICS) + rng.choice(vocab.TOPIC_SUFFIXES)


def build_facts(
    rng: random.Random,
    unit: str,
    name: str,
    year: int,
    *,
    profile: Profile,
    exact_yuan: bool,
    grade_stated: bool,
) -> Facts:
    """A clean, internally consistent evaluation (see the module docstring)."""
    n_rows = rng.randint(10, 40)
    rows = _rows(rng, profile, n_rows, rng.choice((0.0, 0.05, 0.1, 0.15)))
    budget = _budget(rng, profile.budget, exact_yuan)
    district = re.match(r"^.*?[市县](?:.*?区)?", unit)
    facts = Facts(
        unit=unit,
        department=(district[0] if district else "") + rng.choice(vocab.DEPARTMENT_TAILS),
        implementer=unit,
        name=name,
        year=year,
        filled=dt.date(year + 1, rng.randint(3, 7), rng.randint(1, 28)),
        category=rng.choice(vocab.CATEGORY_OPTIONS),
        attribute=rng.choice(vocab.ATTRIBUTE_OPTIONS),
        type=rng.choice(vocab.TYPE_OPTIONS),
        profile=profile,
        budget=budget,
        rows=rows,
        total=ZERO,
        grade=None,
        problems=[_fill(rng, p) for p in rng.sample(vocab.PROBLEMS, k=rng.randint(1, 3))],
        measures=rng.sample(vocab.MEASURES, k=rng.randint(1, 3)),
        objectives=(_fill(rng, rng.choice(vocab.OBJECTIVES)), _fill(rng, rng.choice(vocab.ACHIEVEMENTS))),
    )
    facts.total = budget.score + facts.item_sum()
    if grade_stated:
        facts.grade = _grade_word(rng, profile, facts.total)
    # Missed rows are named in the problems section too, as careful units do.
    missed = [r for r in rows if r.met is False]
    if missed and facts.problems is not None:
        names = "、".join(f"“{r.name}”" for r in missed)
        facts.problems.insert(0, f"{names}等指标未达到年初目标值，主要原因是{missed[0].reason}。")
    return facts


def _grade_word(rng: random.Random, profile: Profile, total: Decimal, band: int | None = None) -> str:
    index = profile.band_of(total) if band is None else band
    return rng.choice(profile.bands[index][2])


# ---------------------------------------------------------------------------------------------
# Defects
# ---------------------------------------------------------------------------------------------

SCORE_DEFECTS = ("total_mismatch", "full_score_target_missed", "score_exceeds_weight")
OTHER_DEFECTS = ("budget_rate_mismatch", "no_problems", "duplicate_indicator", "grade_mismatch")
DEFECT_KINDS = SCORE_DEFECTS + OTHER_DEFECTS
PRIMARY_CODE = {
    "total_mismatch": "TOTAL_MISMATCH",
    "full_score_target_missed": "FULL_SCORE_TARGET_MISSED",
    "score_exceeds_weight": "SCORE_EXCEEDS_WEIGHT",
    "budget_rate_mismatch": "BUDGET_RATE_MISMATCH",
    "no_problems": "NO_PROBLEMS_REPORTED",
    "duplicate_indicator": "DUPLICATE_INDICATOR",
    "grade_mismatch": "GRADE_MISMATCH",
}


def choose_defects(rng: random.Random, share: float) -> list[str]:
    """The defect kinds for one report: none with probability ``1 - share``; else one to three,
    at most one of those that move the scores (their consequences would otherwise mix)."""
    if rng.random() >= share:
        return []
    n = rng.choices((1, 2, 3), weights=(75, 20, 5))[0]
    kinds: list[str] = []
    pool = list(DEFECT_KINDS)
    while len(kinds) < n and pool:
        kind = rng.choice(pool)
        pool.remove(kind)
        if kind in SCORE_DEFECTS:
            pool = [k for k in pool if k not in SCORE_DEFECTS]
        kinds.append(kind)
    return kinds


def inject(rng: random.Random, facts: Facts, kinds: list[str]) -> None:
    """Break the facts as ``kinds`` say and record each defect with the codes it must raise.

    Score defects go first so that a grade (right or deliberately wrong) is decided on the final
    total.
    """
    ordered = [k for k in DEFECT_KINDS if k in kinds]
    for kind in ordered:
        applied = _APPLY[kind](rng, facts)
        if applied is not None:
            facts.defects.append(Defect(kind, [PRIMARY_CODE[kind], *applied[1]], applied[0]))
    # The total can exceed what the facts allow only through a score defect; say so on it.
    if facts.total > facts.max_total() + TOLERANCE:
        owner = next((d for d in facts.defects if d.kind in SCORE_DEFECTS), None)
        if owner is None:  # pragma: no cover - clean facts never exceed their maximum
            raise AssertionError("clean facts exceed their maximum total")
        owner.codes.append("TOTAL_NOT_ATTAINABLE")
    if facts.grade is not None and not any(d.kind == "grade_mismatch" for d in facts.defects):
        facts.grade = _grade_word(rng, facts.profile, facts.total)


def _total_mismatch(rng: random.Random, facts: Facts) -> tuple[str, list[str]] | None:
    right = facts.total
    for _ in range(20):
        delta = Decimal(rng.choice(("0.5", "1", "1.5", "2", "3", "4", "5", "8", "10")))
        if rng.random() < 0.5:
            delta = -delta
        wrong = right + delta
        if ZERO < wrong <= 100:
            facts.total = wrong
            return f"自评总分写作{show(wrong)}分，分项之和为{show(right)}分", []
    return None


def _full_score_target_missed(rng: random.Random, facts: Facts) -> tuple[str, list[str]] | None:
    candidates = [
        r
        for r in facts.rows
        if r.kind in {"ge", "eq", "pct", "sat"} and r.met and r.a is not None and r.a > 0 and r.weight >= 1
    ]
    if not candidates:
        return None
    row = rng.choice(candidates)
    assert row.a is not None
    ratio = Decimal(rng.randint(60, 92)) / 100
    b = row.a * ratio
    b = (
        b.quantize(Decimal("0.1"))
        if row.unit == "%" or b != b.to_integral_value()
        else b.quantize(Decimal(1))
    )
    if row.a == row.a.to_integral_value() and row.unit != "%":
        b = b.quantize(Decimal(1))
    if b >= row.a:
        return None
    row.b = b
    row.actual = f"{_number_text(b)}{row.unit}"
    row.met = False
    row.computed = _proportional(row.weight, row.a, b, negative=False)
    row.reason = ""
    # row.score stays the full weight: that is the defect.
    return f"三级指标“{row.name}”完成{row.actual}未达到目标{row.target}，仍自评满分{show(row.score)}分", [
        "SCORE_MISMATCH"
    ]


def _score_exceeds_weight(rng: random.Random, facts: Facts) -> tuple[str, list[str]] | None:
    room = Decimal(100) - facts.total
    candidates = [r for r in facts.rows if r.met is not False and r.score == r.weight]
    if not candidates or room < Decimal("0.5"):
        return None
    row = rng.choice(candidates)
    steps = [Decimal(x) for x in ("0.5", "1", "2", "3") if Decimal(x) <= room]
    extra = rng.choice(steps)
    row.score = row.weight + extra
    facts.total += extra
    return f"三级指标“{row.name}”权重{show(row.weight)}分，自评{show(row.score)}分", []


def _budget_rate_mismatch(rng: random.Random, facts: Facts) -> tuple[str, list[str]] | None:
    budget = facts.budget
    real = budget.real_rate
    off = Decimal(rng.randint(2, 9)) / 100
    wrong = real - off if real >= Decimal("0.95") else min(Decimal(1), real + off)
    if rng.random() < 0.3 and real < Decimal("0.97"):
        wrong = Decimal(1)
    wrong = wrong.quantize(Decimal("0.0001"), ROUND_HALF_UP)
    if abs(wrong - real) <= RATE_TOLERANCE * 2:
        return None
    budget.stated_rate = wrong
    return f"执行率写作{show(wrong * 100)}%，执行数÷预算数为{show((real * 100).quantize(CENT))}%", []


def _no_problems(rng: random.Random, facts: Facts) -> tuple[str, list[str]] | None:
    if rng.random() < 0.5:
        facts.problems = None
        return "没有“存在的问题”部分", []
    facts.problems = [rng.choice(("无", "无。", "暂无。", "无明显问题。"))]
    return f"“存在的问题”只写了“{facts.problems[0]}”", []


def _duplicate_indicator(rng: random.Random, facts: Facts) -> tuple[str, list[str]] | None:
    by_group: dict[tuple[str, str], list[Row]] = {}
    for r in facts.rows:
        by_group.setdefault((r.level1, r.level2), []).append(r)
    groups = [rows for rows in by_group.values() if len(rows) >= 2]
    if not groups:
        return None
    rows = rng.choice(groups)
    first, second = rng.sample(rows, 2)
    if facts.rows.index(first) > facts.rows.index(second):
        first, second = second, first
    if second.met is False:
        return None  # renaming it would also lose the problems section's word on its shortfall
    second.name = first.name
    return f"三级指标“{first.name}”在同一二级指标下出现两次", []


def explain_deviations(facts: Facts, row_reasons: bool) -> None:
    """Add DEVIATION_UNEXPLAINED where a defect leaves a missed target unexplained.

    A clean report explains every missed target: on its row (a 偏差原因 column, when the layout
    prints one, ``row_reasons``) and by name in the problems section. A full score on a missed
    target comes without a reason; a missing or empty problems section loses the names.
    """
    said = "\n".join([*(facts.problems or []), *facts.measures])
    unexplained = [
        r for r in facts.rows if r.met is False and not (row_reasons and r.reason) and r.name not in said
    ]
    if not unexplained:
        return
    by_kind = {d.kind: d for d in facts.defects}
    full = by_kind.get("full_score_target_missed")
    for row in unexplained:
        owner = full if full is not None and row.score >= row.weight else by_kind.get("no_problems")
        if owner is None:  # pragma: no cover - clean facts name every missed target
            raise AssertionError(f"missed target “{row.name}” left unexplained")
        if "DEVIATION_UNEXPLAINED" not in owner.codes:
            owner.codes.append("DEVIATION_UNEXPLAINED")


def _grade_mismatch(rng: random.Random, facts: Facts) -> tuple[str, list[str]] | None:
    right = facts.profile.band_of(facts.total)
    bands = facts.profile.bands
    wrong = right - 1 if right > 0 and (right == len(bands) - 1 or rng.random() < 0.5) else right + 1
    facts.grade = _grade_word(rng, facts.profile, facts.total, wrong)
    return f"自评总分{show(facts.total)}分应为“{bands[right][1]}”，写作“{facts.grade}”", []


_APPLY = {
    "total_mismatch": _total_mismatch,
    "full_score_target_missed": _full_score_target_missed,
    "score_exceeds_weight": _score_exceeds_weight,
    "budget_rate_mismatch": _budget_rate_mismatch,
    "no_problems": _no_problems,
    "duplicate_indicator": _duplicate_indicator,
    "grade_mismatch": _grade_mismatch,
}
