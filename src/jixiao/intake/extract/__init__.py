"""From a read document to the contract: every extractor over one :class:`Document`.

:func:`extract` finds the header, budget, detail lines, indicators (tables and prose), the claimed
total, grade and budget score, the weights the document declares, and the problems section. It
records in ``provenance`` where each fact was stated (and, for a scan, in ``scanned`` the page, box
and confidence OCR read it with: :mod:`.scan_marks`) and returns what it could not place as
notes for ``EXTRACTION_INCOMPLETE`` findings. It knows no particular document: only the wordings
and layouts such reports use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from jixiao.core.checks.catalogue import ROWS_INCOMPLETE
from jixiao.core.model import Budget
from jixiao.core.model import Claimed
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import Objectives
from jixiao.core.model import Project
from jixiao.core.numbers import RATE
from jixiao.core.numbers import round_to
from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.extract import budget as budget_ex
from jixiao.intake.extract import budget_prose
from jixiao.intake.extract import degraded
from jixiao.intake.extract import lines as lines_ex
from jixiao.intake.extract import segment as segment_ex
from jixiao.intake.extract.fields import Field
from jixiao.intake.extract.fields import labelled
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.header import extract_header
from jixiao.intake.extract.indicators import extract_indicators
from jixiao.intake.extract.kind import document_kind
from jixiao.intake.extract.narrative import prose_grade
from jixiao.intake.extract.narrative import prose_indicators
from jixiao.intake.extract.narrative import prose_total
from jixiao.intake.extract.narrative import prose_weights
from jixiao.intake.extract.prose import points
from jixiao.intake.extract.scan_marks import scan_marks
from jixiao.intake.extract.sections import Para
from jixiao.intake.extract.sections import outline
from jixiao.intake.extract.sections import section_text

_PROBLEMS = re.compile(r"存在的?(主要)?问题|问题(及|和|与)(原因|建议|改进|整改)|主要问题|问题分析")
_OBJECTIVES = re.compile(r"绩效目标|预期目标|总体目标")
_TOTAL_LABEL = re.compile(r"(自评)?总分|综合得分|综合评分|自评得分|总得分|最终得分")
_GRADE_LABEL = re.compile(r"(评价|绩效|自评)?等级|评价结论|自评结论|等次")
_GRADE_WORD = re.compile(r"^[“\"]?(优秀|良好|合格|不合格|一般|较差|优|良|中|差)[”\"]?$")
_SHORT_HEADING = 24
_TITLE_IN_TEXT = re.compile(
    r"[^，。；;\s《》]{2,40}?(自评|评价)(报告|表)\s*[（(]\s*(19|20)\d{2}\s*年度?\s*[)）]"
)
_TITLE_CELL = re.compile(
    r"(自评|评价)(报告|表)|^[（(]?\s*(19|20)\d{2}\s*年度?\s*[)）]?$"
)  # title, “（2022年度）”


@dataclass(slots=True)
class Draft:
    """An evaluation as extracted, before a scheme is chosen and it is scored."""

    evaluation: Evaluation
    declared: dict[Group, Decimal] = field(default_factory=dict)
    notes: list[tuple[str, str]] = field(default_factory=list)
    part: str | None = None  # which table / sheet / rows of the file, when it holds several forms


def extract_all(doc: Document) -> list[Draft]:
    """One draft per form the document holds (see :mod:`.segment`); a document with one form
    gives exactly ``[extract(doc)]``."""
    drafts: list[Draft] = []
    for piece in segment_ex.segment(doc):
        draft = extract(piece.document)
        draft.part = piece.place
        drafts.append(draft)
    return drafts


def _lines_before(doc: Document, index: int, count: int = 3) -> str:
    """The last few paragraphs right before block ``index`` (up to the previous table), where a
    form prints “金额单位：元” above its grid."""
    texts: list[str] = []
    for block in reversed(doc.blocks[:index]):
        if isinstance(block, Table) or len(texts) == count:
            break
        texts.append(block.text)
    return "\n".join(reversed(texts))


def extract(doc: Document) -> Draft:
    """Everything a report states that the contract has a place for."""
    grids = {i: Grid(b) for i, b in enumerate(doc.blocks) if isinstance(b, Table)}
    paras = outline(doc)
    body = [p for p in paras if p.level is None]
    fields = list(labelled(doc, grids))
    notes = list(doc.notes)
    prov: dict[str, str] = {}

    titles = _title_cells(grids)
    header = extract_header(fields, paras, titles)
    project = header.project
    prov.update(header.provenance)
    kind, kind_at = document_kind(paras, titles, doc.path)
    if kind_at is not None:
        prov["kind"] = kind_at

    table_budget = None
    for index, grid in grids.items():
        table_budget = budget_ex.from_table(grid, _lines_before(doc, index))
        if table_budget is not None:
            break
    said, said_notes = budget_prose.from_prose(paras, project.year)
    facts = budget_ex.merge(table_budget, said) if table_budget is not None else said
    notes.extend((n.where, n.reason) for n in said_notes if getattr(facts, n.role) is None)
    if table_budget is not None:
        notes.extend(table_budget.notes)  # figures of the budget block that could not be placed
    if table_budget is not None and not table_budget.unit_stated:
        notes.append(
            (table_budget.where.get("planned", "预算执行情况"), "预算表未注明金额单位，已按万元读取")
        )

    found = extract_indicators(list(grids.values()))
    notes.extend(found.notes)
    if found.budget_row is not None:  # a 预算执行率 row of the indicator table scores the budget
        row = found.budget_row
        for role, value in (("score", row.score), ("weight", row.weight), ("rate", row.rate)):
            if value is not None and getattr(facts, role) is None:
                setattr(facts, role, value)
                facts.where[role] = row.location
    indicators: list[Indicator] = list(found.indicators)
    if not indicators:
        indicators = prose_indicators(body)
    indicators = degraded.settle_ocr_targets(indicators, prov, notes)
    degraded.mark_unread_cells(indicators, found.unread_cells, prov, notes)
    if found.rows_unread is not None:  # rows the table reader noted and left out
        prov.setdefault(ROWS_INCOMPLETE, found.rows_unread)

    budget = _budget(grids, body, facts, prov)
    # A 总分 row whose score could not be read gives no total through its label either.
    claimed = _claimed(
        [f for f in fields if f.location not in found.unread_totals],
        body,
        found.total,
        facts,
        prov,
        project.year,
        notes,
    )
    if found.grade is not None and "claimed.grade" not in prov:  # the grade in the 总分 row
        claimed = claimed.model_copy(update={"grade": found.grade[0]})
        prov["claimed.grade"] = found.grade[1]
    declared = _declared(found.level1_weights, facts, body, prov)
    problems = _problems(paras, found.problems, prov)
    objectives = _objectives(paras)
    degraded.mark_incomplete_rows(notes, prov)

    ev = Evaluation(
        kind=kind,
        project=project,
        budget=budget,
        indicators=tuple(indicators),
        claimed=claimed,
        problems=problems,
        objectives=objectives,
        provenance=prov,
    )
    ev = ev.model_copy(update={"scanned": scan_marks(doc, ev, found.rows)})
    if not project.name and not indicators and facts.planned is None and claimed.total is None:
        notes.append(("全文", "没有找到项目名称、预算、绩效指标或自评得分，文件可能不是绩效自评报告"))
    return Draft(ev, {g: w for g, (w, _) in declared.items()}, notes)


def _title_cells(grids: dict[int, Grid]) -> list[Para]:
    """Title-like cells in the first rows of tables (“2020年度社会保障专项项目自评表”)."""
    found: list[Para] = []
    for index, grid in grids.items():
        for r in range(min(grid.n_rows, 8)):
            for slot in grid.row(r):
                text = slot.text.replace("\n", "")
                if r < 3 and len(text) <= 60 and _TITLE_CELL.search(text):
                    found.append(Para(text, "", (), None, grid.place(r), index))
                elif len(text) > 60 and (m := _TITLE_IN_TEXT.search(text)):
                    # a form's title inside a long cell (a portal's 内容概述 holding the whole form)
                    found.append(Para(m[0], "", (), None, grid.place(r), index))
    return found


def _budget(
    grids: dict[int, Grid],
    body: list[Para],
    facts: budget_ex.BudgetFacts,
    prov: dict[str, str],
) -> Budget:
    total = facts.planned if facts.planned is not None else facts.executed
    lines_result = None
    for grid in grids.values():
        lines_result = lines_ex.from_table(grid, total)
        if lines_result is not None:
            break
    if lines_result is None:
        lines_result = lines_ex.from_prose(body)
    if lines_result is None and facts.lines:  # the budget block's 其中 rows
        lines_result = lines_ex.LinesResult(facts.lines, facts.lines[0].location or "预算执行情况")
    rate = facts.rate
    execution = None
    if facts.planned and facts.executed is not None and facts.planned > 0:
        execution = round_to(facts.executed / facts.planned, RATE)
    elif rate is not None:
        execution = rate
    for role, key in (
        ("planned", "budget.planned_yuan"),
        ("initial", "budget.initial_yuan"),
        ("received", "budget.received_yuan"),
        ("executed", "budget.executed_yuan"),
        ("rate", "budget.stated_rate"),
        ("score", "claimed.budget_execution_score"),
    ):
        if role in facts.where:
            prov[key] = facts.where[role]
    if lines_result is not None:
        prov["budget.lines"] = lines_result.where
    return Budget(
        planned_yuan=facts.planned,
        initial_yuan=facts.initial,
        received_yuan=facts.received,
        executed_yuan=facts.executed,
        execution_rate=execution,
        stated_rate=rate,
        lines=lines_result.lines if lines_result else (),
    )


def _claimed(
    fields: list[Field],
    body: list[Para],
    table_total: tuple[Decimal, str] | None,
    facts: budget_ex.BudgetFacts,
    prov: dict[str, str],
    year: int | None = None,
    notes: list[tuple[str, str]] | None = None,
) -> Claimed:
    total = table_total
    if total is None:
        for f in fields:
            if _TOTAL_LABEL.fullmatch(f.label):
                value = points(f.value)
                if value is not None:
                    total = (value, f.location)
                    break
    if total is None:
        total = prose_total(body, year, notes)
    grade: tuple[str, str] | None = None
    for f in fields:
        if _GRADE_LABEL.fullmatch(f.label):
            m = _GRADE_WORD.match(f.value.strip())
            if m:
                grade = (m[1], f.location)
                break
    if grade is None:
        grade = prose_grade(body, year, notes)
    if total:
        prov["claimed.total"] = total[1]
    if grade:
        prov["claimed.grade"] = grade[1]
    return Claimed(
        total=total[0] if total else None,
        grade=grade[0] if grade else None,
        budget_execution_score=facts.score,
    )


def _declared(
    table_weights: dict[Group, tuple[Decimal, str]],
    facts: budget_ex.BudgetFacts,
    body: list[Para],
    prov: dict[str, str],
) -> dict[Group, tuple[Decimal, str]]:
    declared = dict(table_weights)
    if facts.weight is not None:
        declared.setdefault(Group.BUDGET_EXECUTION, (facts.weight, facts.where.get("weight", "预算执行情况")))
    for group, value in prose_weights(body).items():
        declared.setdefault(group, value)
    for group, (_, where) in declared.items():
        prov[f"scheme.weights.{group.value}"] = where
    return declared


def _problems(paras: list[Para], from_table: list[tuple[str, str]], prov: dict[str, str]) -> str | None:
    for i, p in enumerate(paras):
        if not _PROBLEMS.search(p.text):
            continue
        if p.level is not None:
            text, body = section_text(paras, i)
        elif len(p.text) <= _SHORT_HEADING and not p.text.endswith(("。", "；", ";")):
            # An unnumbered heading: its text runs to the next heading.
            body = []
            for q in paras[i + 1 :]:
                if q.level is not None:
                    break
                body.append(q)
            text = "\n".join(q.text for q in body)
        else:
            continue
        prov["problems"] = body[0].location if body else p.location
        return text
    if from_table:
        prov["problems"] = from_table[0][1]
        return "\n".join(text for text, _ in from_table)
    return None


def _objectives(paras: list[Para]) -> Objectives:
    for i, p in enumerate(paras):
        if p.level is not None and _OBJECTIVES.search(p.text) and "完成" not in p.text:
            text, _ = section_text(paras, i)
            if text:
                return Objectives(planned=text)
    return Objectives()


__all__ = ["Draft", "Project", "extract", "extract_all"]
