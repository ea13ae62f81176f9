"""The budget sentences of a narrative report: budget, received, spent, the rate, the budget score.

A report states its money in sentences worded many ways: “指标金额是110万元，实际拨付金额是108万元”,
“2024年项目资金为14.97万元，实际已支付14.97万元，支付率为100%”, “年初预算560万元，执行中追加预算
1,690,235.03元，全年实际支出7,290,235.03元”, “部门整体支出总额预算数88,799,814.14元”. An amount
is taken only when a keyword right before it, in the same clause, says what it is (the keyword
nearest the amount decides: “项目资金的实际支出X元” is spending). What is never taken:

- an amount after a word that makes it something else (总投资, 结余, 剩余, 节约, 未执行, 收入 …);
- a part of the money: the clauses after “其中” (up to the first clause that names a figure of
  the whole again, or to the end of the sentence after “其中：”), and lists whose items repeat the
  same figure (“1、档案整理费5万元，实际已支付5万元；2、……”), which are sub-items, not the project;
- “项目支出14.97万元”: 项目支出 is a budget category, not a statement that money was spent.

A budget raised or cut during the year (“年初预算560万元，执行中追加预算1,690,235.03元”) gives the
adjusted budget as their sum when no adjusted figure is stated; the 年初 figure alone is the budget
only when nothing was added or cut.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from jixiao.core.numbers import yuan
from jixiao.intake.extract.budget import BudgetFacts
from jixiao.intake.extract.prose import CLAUSE_BREAK
from jixiao.intake.extract.prose import ENUMERATOR
from jixiao.intake.extract.prose import Amount
from jixiao.intake.extract.prose import amounts
from jixiao.intake.extract.prose import earlier_year
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.prose import strip_enumerator
from jixiao.intake.extract.sections import Para
from jixiao.intake.extract.sections import past_years

# What may stand between a keyword and its amount: “为”, “是”, “共计”, “合计”, “:”, “人民币” ….
_LINK = r"(?:资金|金额|总额|总计|合计|共计|累计|共|计|总|为|是|了|达到|达|约|:|人民币|\s)*"
_ROLE_WORDS: tuple[tuple[str, str], ...] = (
    ("initial", r"年初(?:部门)?(?:预算|批复|安排|下达)(?:安排|批复|下达|预算)*(?:数|资金|经费|金额)?"),
    ("raise", r"(?:追加|调增)(?:了)?(?:预算|资金|经费|指标)?"),
    ("cut", r"(?:调减|核减)(?:了)?(?:预算|资金|经费|指标)?"),
    (
        "received",
        r"(?:实际)?(?:资金)?(?:全部|已|实际已)?(?:到位|拨付|拨入|下拨|到账)(?:资金|金额|数)?",
    ),
    (
        "executed",
        r"(?:实际(?:已)?(?:使用|支出|执行|开支|支付|完成支出)|实际总支出|(?:已|共|累计|全年|年度|总)支出"
        r"|支出(?:资金|金额|数)|执行(?:金额|数)|决算(?:数|金额)|(?:已|累计|共)支付|使用资金|完成支出)"
        r"(?:资金|金额|数)?",
    ),
    (
        "planned",
        r"(?:全年预算(?:数)?|调整后(?:的)?预算(?:数)?|预算(?:安排|资金|金额|总额|批复数?|指标|数)?"
        r"|指标金额|资金总额|项目资金|计划投入|实施[\u4e00-\u9fff\d]{0,20}?(?:经费|资金)"
        r"|(?:下达|安排|批复|核定)(?:了)?(?:[\u4e00-\u9fff]{0,4}?(?:资金|经费|预算|指标))?)",
    ),
)
_ROLES = tuple((role, re.compile(f"(?:{words}){_LINK}$")) for role, words in _ROLE_WORDS)
# Words that make the amount after them something other than the project's budget or spending.
_NOT_THE_PROJECT = re.compile(
    r"总投资|概算|结余|结转|剩余|节约|未执行|未支出|未使用|未拨付|差额|缺口|超支|少于|多于|单价|每[月年人户次]|标准"
    r"|收入|项目总预算|较上年|比上年|同比|增长|下降"
)
_CATEGORY = re.compile(r"(?:项目|基本|部门|整体|人员|公用)支出(?:资金|金额|数)?" + _LINK + "$")
_SENTENCE = re.compile(r"[。；;！？!?\n]")
_SUMMED = re.compile(r"合计|共计|总计|总额|累计|共")
_PARTS = re.compile(r"其中")
# A sum of the money named before it in its sentence: “上年结转资金20万元，本年预算安排100万元，
# 合计可用资金120万元”.
_SUM_OF_PARTS = re.compile(
    r"(?:合计|共计|总计)(?:可用|可使用|可支配|安排|下达)?(?:资金|经费|预算)?" + _LINK + "$"
)
_RATE = re.compile(
    r"(?:(?P<word>(?:预算|资金|项目|经费)?(?:执行|支付|支出)(?:率|进度))|(?P<share>占(?:全年|年度|总)?预算(?:数|资金)?(?:的|比例)?))"
    r"(?:为|是|达到|达|:)?\s*(?P<pct>\d+(?:\.\d+)?)\s*%"
)
# The last character of a cost item's name (培训费, 补贴, 补助, 工程, 拨款) before its own rate.
_ITEM_END = frozenset("费贴助程款")
_BUDGET_SCORE = re.compile(
    r"预算执行(?:率|情况)?(?:指标)?[^，,；;。]{0,6}?(?:自评)?得分(?:为|:)?\s*(\d+(?:\.\d+)?)\s*分"
)
_STEM = 24
# A label that carries the unit, then a bare number: “全年预算数（万元）：50.00”.
_UNIT_LABEL = re.compile(
    r"[\u4e00-\u9fff][（(](?P<unit>万元|元)[)）]\s*[:：]?\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\d.,%％万元])"
)
_SCALE = {"元": Decimal(1), "万元": Decimal(10000)}


_FIGURE_NAMES = {"planned": "预算数", "initial": "年初预算数", "received": "到位数", "executed": "执行数"}


@dataclass(frozen=True, slots=True)
class Unsettled:
    """A budget figure the text states but not certainly enough to read (for EXTRACTION_INCOMPLETE)."""

    role: str  # the BudgetFacts field left empty
    where: str
    reason: str


@dataclass(frozen=True, slots=True)
class _Figure:
    role: str
    yuan: Decimal
    sentence: int  # where its sentence starts in the paragraph
    summed: bool  # its keyword says it is a sum (合计, 共计, 总额 …)


def _role(stem: str) -> str | None:
    """The figure a clause's words name right before an amount, or None."""
    if _NOT_THE_PROJECT.search(stem) or _CATEGORY.search(stem):
        return None
    best: tuple[int, str] | None = None
    for role, pattern in _ROLES:
        m = pattern.search(stem)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), role)  # the longest keyword wins: 年初预算数 over 预算数
    return best[1] if best else None


def _amounts(text: str) -> list[Amount]:
    """The amounts of a paragraph: with their unit (“50万元”), or after a label that carries it
    (“预算数（万元）：50.00”), in order."""
    found = amounts(text)
    for m in _UNIT_LABEL.finditer(text):
        number = Decimal(m["num"].replace(",", ""))
        found.append(Amount(yuan(number * _SCALE[m["unit"]]), m.start("unit") - 1, m.end(), m["unit"]))
    return sorted(found, key=lambda a: a.start)


def _starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Where the pieces ``pattern`` cuts ``text`` into start (0 and after each break)."""
    return [0, *(m.end() for m in pattern.finditer(text))]


def _last_at_or_before(starts: list[int], pos: int) -> int:
    return starts[bisect_right(starts, pos) - 1]


def _figures(text: str, year: int | None = None) -> tuple[list[_Figure], Decimal | None, set[str]]:
    """The whole-project figures of one paragraph (parts after 其中 left out), its rate, and the
    figures it names ambiguously."""
    found: list[_Figure] = []
    clauses, sentences = _starts(CLAUSE_BREAK, text), _starts(_SENTENCE, text)
    parts_at = [m.start() for m in _PARTS.finditer(text)]
    roles: list[tuple[int, str | None]] = []  # every amount's start and the figure it is
    seen: list[tuple[Amount, str | None, int]] = []  # every amount, its figure and its sentence
    released = -1  # a figure of the whole named after this position ends the 其中 before it
    parts_end: int | None = None  # where the last 其中 scope stopped being open, for the rate
    for amount in _amounts(text):
        clause_start = _last_at_or_before(clauses, amount.start)
        sentence_start = _last_at_or_before(sentences, amount.start)
        stem = text[max(clause_start, amount.start - _STEM) : amount.start]
        role = _role(stem)
        if earlier_year(text[sentence_start : amount.start], year):
            role = None  # “2020年该项目预算200万元”: a year before the one evaluated
        roles.append((amount.start, role))
        seen.append((amount, role, sentence_start))
        if role in (None, "planned") and _SUM_OF_PARTS.search(stem):
            found = _as_sum(found, seen, text, stem_start=max(clause_start, amount.start - _STEM))
        i = bisect_left(parts_at, amount.start) - 1  # the last 其中 before the amount
        last = parts_at[i] if i >= 0 and parts_at[i] >= max(sentence_start, released + 1) else None
        if last is not None:
            listed = text[last + 2 : last + 3] in (":", "：")
            if listed or last >= clause_start or role is None or role in ("raise", "cut"):
                parts_end = amount.end
                continue  # a part of the money (“其中：中央资金60万元”)
            released = amount.start  # a figure of the whole again (“……，实际支出98万元”)
        if role is not None:
            found.append(_Figure(role, amount.yuan, sentence_start, bool(_SUMMED.search(stem))))
    rate: Decimal | None = None
    for m in _RATE.finditer(text):
        if parts_end is not None and _inside_parts(text, m.start(), released):
            continue
        if m["share"] and not _spent_right_before(roles, m.start()):
            continue  # “培训费支出12万元，占预算的24%”: a share of something, not the rate
        if m["word"] and text[m.start() - 1 : m.start()] in _ITEM_END:
            continue  # “培训费执行率90%”: an item's rate
        if earlier_year(text[_last_at_or_before(sentences, m.start()) : m.start()], year):
            continue
        rate = Decimal(m["pct"]) / 100
        break
    kept, unsure = _one_per_sentence(found)
    return kept, rate, unsure


def _as_sum(
    found: list[_Figure], seen: list[tuple[Amount, str | None, int]], text: str, stem_start: int
) -> list[_Figure]:
    """“A万元，B万元，合计C万元” where A + B = C and one part is the budget: C is the budget."""
    total, _, sentence_start = seen[-1]
    parts = [(a, r) for a, r, s in seen[:-1] if s == sentence_start]
    if (
        len(parts) < 2
        or _PARTS.search(text, sentence_start, stem_start)
        or not any(r == "planned" for _, r in parts)
        or any(r in ("executed", "received", "raise", "cut") for _, r in parts)
        or sum((a.yuan for a, _ in parts), Decimal(0)) != total.yuan
    ):
        return found
    kept = [f for f in found if not (f.sentence == sentence_start and f.role == "planned")]
    return [*kept, _Figure("planned", total.yuan, sentence_start, True)]


def _spent_right_before(roles: list[tuple[int, str | None]], pos: int) -> bool:
    """Whether the last amount before ``pos`` is a spending figure (“实际支出X万元，占预算的98%”)."""
    i = bisect_left(roles, pos, key=lambda r: r[0]) - 1
    return i >= 0 and roles[i][1] == "executed"


def _one_per_sentence(found: list[_Figure]) -> tuple[list[_Figure], set[str]]:
    """A sentence that names one figure twice with different amounts (“中央下达资金80万元，省级下达
    资金20万元，合计下达资金100万元”) gives its sum if one is marked as such, else neither."""
    groups: dict[tuple[int, str], list[_Figure]] = {}
    for fig in found:
        groups.setdefault((fig.sentence, fig.role), []).append(fig)
    kept: list[_Figure] = []
    unsure: set[str] = set()
    for (_, role), same in groups.items():
        if role in ("raise", "cut"):
            kept.extend(same)
        elif len({f.yuan for f in same}) == 1:
            kept.append(same[0])
        elif len(summed := [f for f in same if f.summed]) == 1:
            kept.append(summed[0])
        else:
            unsure.add(role)
    order = {id(fig): n for n, fig in enumerate(found)}
    return sorted(kept, key=lambda f: order[id(f)]), unsure


def _inside_parts(text: str, pos: int, released: int) -> bool:
    """Whether ``pos`` sits after a 其中 of its own sentence that no figure of the whole closed."""
    head = text[:pos]
    sentence_start = max((m.end() for m in _SENTENCE.finditer(head)), default=0)
    return any(m.start() > released for m in _PARTS.finditer(text, sentence_start, pos))


def _itemised(paras: list[Para], found: list[list[_Figure]]) -> set[int]:
    """Paragraphs of a list whose items repeat the same figure: sub-items, not the project."""
    skip: set[int] = set()
    run: list[int] = []

    def close() -> None:
        seen: dict[str, int] = {}
        for i in run:
            for role in {f.role for f in found[i]}:
                seen[role] = seen.get(role, 0) + 1
        if any(n >= 2 for n in seen.values()):
            skip.update(run)

    for i, p in enumerate(paras):
        if ENUMERATOR.match(p.text):
            run.append(i)
            continue
        close()
        run = []
    close()
    return skip


def from_prose(paras: list[Para], year: int | None = None) -> tuple[BudgetFacts, list[Unsettled]]:
    """The first statement of each budget figure in the running text, and what could not be
    settled (one figure given several amounts in a sentence; a budget changed during the year in a
    paragraph apart from its 年初 figure)."""
    facts = BudgetFacts()
    notes: list[Unsettled] = []
    per_para: list[list[_Figure]] = []
    rates: list[Decimal | None] = []
    unsure: list[set[str]] = []
    for p in paras:
        text = nfkc(p.text)
        figures: list[_Figure]
        rate: Decimal | None
        unclear: set[str]
        if past_years(p) or _PARTS.match(strip_enumerator(text).lstrip()):
            # a paragraph opening with “其中” lists the parts of money stated elsewhere (sub-projects)
            figures, rate, unclear = [], None, set()
        else:
            figures, rate, unclear = _figures(text, year)
        per_para.append(figures)
        rates.append(rate)
        unsure.append(unclear)
    items = _itemised(paras, per_para)
    initial_at = -1
    changed: dict[int, Decimal] = {}  # paragraph → the budget added (or cut, negative) there
    for i, p in enumerate(paras):
        if i in items:
            continue
        for fig in per_para[i]:
            if fig.role in ("raise", "cut"):
                changed[i] = changed.get(i, Decimal(0)) + (fig.yuan if fig.role == "raise" else -fig.yuan)
            elif getattr(facts, fig.role) is None:
                setattr(facts, fig.role, fig.yuan)
                facts.where[fig.role] = p.location
                if fig.role == "initial":
                    initial_at = i
        for role in sorted(unsure[i]):
            if role in _FIGURE_NAMES and not any(n.role == role for n in notes):
                name = _FIGURE_NAMES[role]
                notes.append(
                    Unsettled(
                        role, p.location, f"同一句中写有多个{name}且未注明合计，无法确定项目的{name}，未读取"
                    )
                )
        if facts.rate is None and rates[i] is not None:
            facts.rate, facts.where["rate"] = rates[i], p.location
        if facts.score is None:
            m = _BUDGET_SCORE.search(nfkc(p.text))
            if m:
                facts.score, facts.where["score"] = Decimal(m[1]), p.location
    if facts.planned is None and facts.initial is not None:
        if not changed:
            facts.planned, facts.where["planned"] = facts.initial, facts.where["initial"]
        elif set(changed) == {initial_at} and facts.initial + changed[initial_at] > 0:
            facts.planned = facts.initial + changed[initial_at]
            facts.where["planned"] = f"{facts.where['initial']}（年初预算加执行中调整额）"
        else:
            notes.append(
                Unsettled(
                    "planned",
                    facts.where["initial"],
                    "年初预算在执行中有调整，但调整后的全年预算数无法确定，未读取预算数",
                )
            )
    return facts, notes
