"""Which kind of self-evaluation a document is: a project's (项目支出) or a department's whole
spending (部门整体支出绩效自评表 / 自评报告).

The kind is named where a document names itself: its title or a title cell of its form, a
heading (“（一）部门整体绩效自评得分”), the opening of one of its first paragraphs when it names a
document (“…部门整体绩效自评表”), or the file name. A sentence that only mentions one (“本项目纳入
部门整体支出绩效自评范围”) does not make a project's report a department's. A 部门整体 rule or notice cited in passing (“《部门整体支出绩效评价管理办法》”) does not
make a project's report a department's.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from jixiao.core.model import Kind
from jixiao.intake.extract.sections import Para

_DEPARTMENT = re.compile(r"部门整体(?:支出)?(?:绩效)?(?:目标)?(?:自评|评价)")
# What follows the name of a rule or a notice, not of an evaluation.
_CITED = re.compile(r"^[\u4e00-\u9fff]{0,6}?(?:办法|通知|制度|规程|指引|指南|方案|规定|意见)")
_DOCUMENT = re.compile(r"^(?:表|报告|结论|结果|情况)")
_SHORT = 40  # a paragraph this short, and not a sentence, is a title line
_SENTENCE = re.compile(r"[，,。；;]")
_OPENING = 60  # the name must stand this close to the start of a paragraph …
_FIRST = 15  # … among the document's first paragraphs


def _names_department(text: str, *, as_title: bool = False) -> bool:
    """Whether ``text`` names a 部门整体 evaluation (with ``as_title``: names the document itself,
    “…部门整体绩效自评表/报告”, as the opening of a paragraph does)."""
    return any(
        not _CITED.match(text[m.end() :]) and (not as_title or _DOCUMENT.match(text[m.end() :]))
        for m in _DEPARTMENT.finditer(text)
    )


def document_kind(paras: list[Para], title_cells: list[Para], path: str | None) -> tuple[Kind, str | None]:
    """The kind of evaluation the document holds, and where it says it is a 部门整体 one."""
    for cell in title_cells:
        if _names_department(cell.text):
            return Kind.DEPARTMENT, cell.location
    for n, p in enumerate(paras):
        if p.level is not None and _names_department(p.text):
            return Kind.DEPARTMENT, p.location
        title_line = len(p.text) <= _SHORT and not _SENTENCE.search(p.text)
        if n < _FIRST and _names_department(p.text[:_OPENING], as_title=not title_line):
            return Kind.DEPARTMENT, p.location
    if path and _names_department(PurePath(path).stem):
        return Kind.DEPARTMENT, f"文件名“{PurePath(path).name}”"
    return Kind.PROJECT, None
