"""Indicators stated in prose, conclusions and weights written as sentences.

- “业务处理及时性预期指标值为80%以上，1-12月实际完成值97%” → an indicator with its target and
  actual (no weight, no score: a report that states its indicators only in prose has no table).
- “最终得分96分，绩效评价等级为“优秀””, “综合评分100分”, “自评总分97分” → the claimed total/grade.
- “一级指标权重统一设置为：产出指标40分……预算执行率指标10分……” → the scheme's weights.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal

from jixiao.core.groups import classify_level1
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.values import parse_value
from jixiao.intake.extract.prose import CLAUSE_BREAK
from jixiao.intake.extract.prose import ENUMERATOR
from jixiao.intake.extract.prose import earlier_year
from jixiao.intake.extract.prose import nfkc
from jixiao.intake.extract.prose import strip_enumerator
from jixiao.intake.extract.sections import Para
from jixiao.intake.extract.sections import past_years

# <name>[，](预期|年初|计划)?(指标值|目标值)为<target>，…(实际)?完成值(为)?<actual>[，自评得分<score>分]
_PAIR = re.compile(
    r"(?P<name>[^，,。；;：:\n]{2,40}?)[，,]?\s*(?:的)?(?:预期|年初|初|计划|年度)?(?:指标值|目标值|目标)(?:为|是|:|：)?\s*"
    r"(?P<target>[^，,。；;\n]{1,20}?)\s*[，,；;]\s*(?:[^，,。；;\n]{0,12}?)(?:实际)?(?:完成值|完成|达到|实现)(?:值)?(?:为|是|:|：)?\s*"
    r"(?P<actual>[≥≤<>=＞＜约]?\s*\d+(?:\.\d+)?\s*(?:%|％|[^\s，,。；;\n]{0,4}))"
    r"(?:\s*[，,]\s*(?:自评|该项)?得分(?:为|:|：)?\s*(?P<score>\d+(?:\.\d+)?)\s*分)?"
)
# A “name” that is only the words before a target (“年初”, “预期”) names nothing.
_NO_NAME = re.compile(r"^(?:预期|年初|初|计划|年度|全年|本年)?$")
# The claimed total: a word for the whole score (rank 0) outranks a generic 得分 (rank 1).
_TOTAL_WORDS = (
    r"自评总分|评价总分|绩效总分|综合评价得分|综合评分|综合得分|最终得分|总得分|得分合计|自评分数|评价分数"
    r"|项目自评分|自评分"
    r"|评价分|总分"
)
_GENERIC_WORDS = r"自评得分|评价得分|绩效得分|考核得分|得分"
_TOTAL = re.compile(
    rf"(?<!该项)(?<!满分)(?P<key>{_TOTAL_WORDS}|{_GENERIC_WORDS})"
    r"(?:为|是|:|：|达到|达|共|合计)?\s*(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>分)?"
)
_GENERIC = re.compile(rf"^(?:{_GENERIC_WORDS})$")
# A score whose own clause names a part of the form before it is that part's (预算执行率得分,
# 满意度指标得分, 该项自评得分), not the total.
_PART_BEFORE = re.compile(
    r"(?:指标|率|度|性|情况|执行|数量|质量|时效|成本|效益|产出|满意|决策|过程|管理|该项|此项|本项|单项|分项|各项|每项|平均|最高|最低)(?:自评|评价|绩效|考核)?$"
)
_SENTENCE_END = re.compile(r"[。；;！？!?\n]")
# A score its clause gives to someone else's evaluation (第三方评价得分, 专家评审得分, 复核得分,
# 财政重点评价得分) is not the unit's self-score.
_OTHER_EVALUATOR = re.compile(r"第三方|重点评价|财政评价|外部评价|专家|复核|复评|抽评|抽查|再评价")
_NEAR = 40  # how far back a clause's words can describe a score
_SENTENCE_MAX = 200  # how far a sentence reaches, at most
# A sentence about one indicator or group, or about budget execution (a part of the form with its
# own points): “数量指标：…”, “2.满意度指标，…”, “预算执行情况：执行率90.98%，得分9.1分”.
_ITEM_SUBJECT = re.compile(
    r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）、.．]?)?\s*[\u4e00-\u9fff]{0,8}"
    r"(?:指标|执行(?:情况|率))\s*[:：，,]"
)
# What follows a form's maximum: how its points are split.
_SPLIT = re.compile(r"其中|(?:产出|效益|效果|满意度|成本|预算执行)[^，,。；;]{0,6}?\d+(?:\.\d+)?分")
# A line that states an indicator's target or actual is a row of the table written as a sentence.
_INDICATOR_LINE = re.compile(r"(?:目标值|完成值|指标值|权重)(?:为|是|:)?\s*[≥≤=<>＞＜]?\s*\d")
_BAND = re.compile(
    r"^\s*分?\s*(?:（含）|\(含\))?\s*(?:以上|以下|及以上|至|-|—|~|～|为优|为良|为中|为合格|为差|的为)"
)
_GRADES = "不合格|优秀|良好|合格|一般|较差|优|良|中|差"
_OPEN, _CLOSE = r"[“\"「『‘]?", r"[”\"」』’]?"  # quotes a grade may stand in
_GRADE = re.compile(
    r"(?:(?:评价|绩效|自评|考核|综合)(?:等级|等次|结论|结果|档次)|评定等级|等级评定)"
    rf"(?:为|是|:|：|评定为|确定为|评为|定为|达到)?\s*{_OPEN}(?P<grade>{_GRADES}){_CLOSE}"
    rf"|(?:自评|评价|绩效|等级|综合)[^，,。；;\n]{{0,6}}?(?:评定为|确定为|评为|定为)\s*{_OPEN}(?P<grade2>{_GRADES}){_CLOSE}"
    rf"|(?P<bare>等级|等次)(?:为|是|:|：)?\s*{_OPEN}(?P<grade3>{_GRADES}){_CLOSE}"
)
# A bare “等级为…” is the evaluation's only in a sentence that has just given its score.
_SCORED_BEFORE = re.compile(r"得分|总分|自评分|评分|评价分")
# After a grade: the end of its clause, or “等级/等次”. Anything else (“有37个”, “率”, “的”,
# “、良”) means the word is not the evaluation's grade.
_GRADE_END = re.compile(r"^(?:等级|等次|档次)?(?:[，,。；;！!\s)）]|$)")
_WEIGHTS = re.compile(
    r"(?P<label>产出|效益|满意度|成本|预算执行率?|预算执行情况)指标?\s*(?:权重)?(?:为|:|：)?\s*(?P<w>\d+(?:\.\d+)?)\s*分"
)
_LEVEL1_HEAD = {Group.OUTPUT: "产出指标", Group.EFFECT: "效益指标", Group.SATISFACTION: "满意度指标"}


def prose_indicators(paras: list[Para]) -> list[Indicator]:
    """Indicators with a target and an actual written in one sentence."""
    found: list[Indicator] = []
    for p in paras:
        for m in _PAIR.finditer(p.text):
            name = strip_enumerator(m["name"].strip())
            if _NO_NAME.match(name):
                continue
            target = parse_value(m["target"])
            actual = parse_value(m["actual"])
            if target is None or actual is None or not target.is_quantity or not actual.is_quantity:
                continue
            group = classify_level1(p.heading) or classify_level1(name)
            level1 = _LEVEL1_HEAD.get(group) if group else None
            if "满意" in name:
                level1 = "满意度指标"
            found.append(
                Indicator(
                    level1=level1,
                    name=name,
                    target=target,
                    actual=actual,
                    claimed_score=Decimal(m["score"]) if m["score"] else None,
                    location=f"{p.location} “{name}”",
                )
            )
    return found


def _listed(paras: list[Para], hits: dict[int, list[str]]) -> set[int]:
    """Paragraphs of a numbered list that each state the same kind of score: item scores."""
    skip: set[int] = set()
    run: list[int] = []
    for i, p in enumerate([*paras, None]):
        if p is not None and ENUMERATOR.match(p.text):
            run.append(i)
            continue
        keyed = [j for j in run if hits.get(j)]
        if len(keyed) >= 2:
            skip.update(keyed)
        run = []
    return skip


def _total_hits(text: str, year: int | None = None) -> list[tuple[int, Decimal, str]]:
    """Every (rank, value, key) the paragraph states as a total score."""
    found: list[tuple[int, Decimal, str]] = []
    indicator_line = bool(_INDICATOR_LINE.search(text))
    clauses = _starts(CLAUSE_BREAK, text)
    sentences = _starts(_SENTENCE_END, text)
    for m in _TOTAL.finditer(text):
        key = m["key"]
        generic = bool(_GENERIC.match(key))
        cut = clauses[bisect_right(clauses, m.start()) - 1]
        before = text[max(cut, m.start() - _NEAR) : m.start()]
        after = text[m.end() : m.end() + 6]
        if re.search(r"满分|设定|设置|分值|权重|≥|>=|＞|>|≤|<=", before + m.group()) or _BAND.match(after):
            continue  # a maximum or a grade band, not a score
        if m["unit"] is None and not re.match(r"\s*(?:[，,。；;）)]|$)", after):
            continue  # a bare number that is not closed as a score
        if generic and (indicator_line or _PART_BEFORE.search(before.rstrip())):
            continue  # an indicator's or a group's score
        if _OTHER_EVALUATOR.search(before + key):
            continue  # “第三方评价得分85分”: another evaluator's score
        sentence = text[
            max(sentences[bisect_right(sentences, m.start()) - 1], m.start() - _SENTENCE_MAX) : m.start()
        ]
        if generic and _ITEM_SUBJECT.match(sentence):
            continue  # “数量指标：购置设备6台，得分20分”
        if earlier_year(sentence, year):
            continue  # “2020年……自评得分89分”: an earlier year's
        rest = _sentence_at(text, m.end())
        if key.endswith("总分") and m["value"] == "100" and (_TOTAL.search(rest) or _SPLIT.search(rest)):
            continue  # “总分100分，自评得分96分”, “总分为100分，其中产出指标50分”: the form's maximum
        value = Decimal(m["value"])
        if value > 100:
            continue
        found.append((1 if generic else 0, value, key))
    return found


def _sentence_at(text: str, pos: int) -> str:
    """The rest of the sentence from ``pos`` (as far as a sentence reaches)."""
    tail = text[pos : pos + _SENTENCE_MAX]
    end = _SENTENCE_END.search(tail)
    return tail[: end.start()] if end else tail


def _starts(pattern: re.Pattern[str], text: str) -> list[int]:
    """Where the pieces ``pattern`` cuts ``text`` into start (0 and after each break)."""
    return [0, *(m.end() for m in pattern.finditer(text))]


def prose_total(
    paras: list[Para], year: int | None = None, notes: list[tuple[str, str]] | None = None
) -> tuple[Decimal, str] | None:
    """The claimed total as a sentence states it; a total word outranks a generic 得分, and the
    scores of a numbered list of items (“1.…，自评得分20分；2.…”) are never the total. Two
    different totals of the best rank leave it unread (a note in ``notes`` names both)."""
    hits = {i: [] if past_years(p) else _total_hits(nfkc(p.text), year) for i, p in enumerate(paras)}
    listed = _listed(paras, {i: [k for r, _, k in h if r == 1] for i, h in hits.items()})
    best: tuple[int, Decimal, str] | None = None
    other: tuple[Decimal, str] | None = None
    for i, p in enumerate(paras):
        for rank, value, _ in hits[i]:
            if rank == 1 and i in listed:
                continue
            if best is None or rank < best[0]:
                best, other = (rank, value, p.location), None
            elif rank == best[0] and value != best[1] and other is None:
                other = (value, p.location)
    if best is not None and other is not None:
        if notes is not None:
            notes.append(
                (
                    best[2],
                    f"自评得分有两个不同的数：{best[1]}分（{best[2]}）与{other[0]}分（{other[1]}），未读取",
                )
            )
        return None
    return (best[1], best[2]) if best else None


def prose_grade(
    paras: list[Para], year: int | None = None, notes: list[tuple[str, str]] | None = None
) -> tuple[str, str] | None:
    """The grade a sentence gives the evaluation (“自评等级为优秀”, “综合评价等级为“优””), not a
    count of graded items (“评价等级为“优”有37个”) nor a band (“得分≥85分为优秀”)."""
    found: dict[int, list[str]] = {}
    for i, p in enumerate(paras):
        if past_years(p):
            continue
        text = nfkc(p.text)
        sentences = _starts(_SENTENCE_END, text)
        for m in _GRADE.finditer(text):
            if not _GRADE_END.match(text[m.end() : m.end() + 4]):
                continue
            start = sentences[bisect_right(sentences, m.start()) - 1]
            sentence = text[max(start, m.start() - _SENTENCE_MAX) : m.start()]
            if re.search(r"≥|>=|其中|\d+个", sentence) or earlier_year(sentence, year):
                continue  # a band definition, or the grades of some of the projects
            if m["bare"] and not (
                _SCORED_BEFORE.search(sentence) and text[m.start() - 1 : m.start()] in "，,:： "
            ):
                continue  # “工程质量等级为合格”: some other thing's grade
            found.setdefault(i, []).append(m["grade"] or m["grade2"] or m["grade3"])
    listed = _listed(paras, found)
    first: tuple[str, str] | None = None
    for i, p in enumerate(paras):
        if i not in found or i in listed:
            continue
        if first is None:
            first = found[i][0], p.location
        elif found[i][0][:1] != first[0][:1]:
            if notes is not None:
                notes.append(
                    (
                        first[1],
                        f"自评等级有两个不同的结论：“{first[0]}”（{first[1]}）与“{found[i][0]}”（{p.location}），未读取",
                    )
                )
            return None
    return first


def prose_weights(paras: list[Para]) -> dict[Group, tuple[Decimal, str]]:
    """Level-1 weights from a sentence that lists at least two of them."""
    for p in paras:
        hits = list(_WEIGHTS.finditer(nfkc(p.text)))
        if len(hits) < 2:
            continue
        weights: dict[Group, tuple[Decimal, str]] = {}
        for m in hits:
            label = m["label"]
            group = Group.BUDGET_EXECUTION if label.startswith("预算") else classify_level1(label)
            if group is not None and group not in weights:
                weights[group] = (Decimal(m["w"]), p.location)
        if len(weights) >= 2:
            return weights
    return {}
