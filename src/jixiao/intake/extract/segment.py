"""One file, several forms: cut a :class:`Document` into the parts that each hold one project.

A department publishes all its projects in one file: eight 自评表 one after another in a docx,
one worksheet per project, one long table holding several forms stacked vertically. Each project
is its own evaluation, so :func:`segment` cuts the document where a new form starts:

- a form is recognised by its 项目名称 (转移支付（项目）名称) label with a name beside it
  (``项目名称 | 乡村道路养护``, ``项目名称：乡村道路养护``, or the name on the line after the label
  when a form's cells come one per line); the form runs until the next form's;
- a cut moves back over the new form's own title lines (``2023年度项目支出绩效自评表``, ``（2023年度）``,
  ``单位：万元``), whether they are paragraphs or the first rows of the same table;
- consecutive 项目名称 of the same project (a form repeated across pages, a report that names its
  project before its 自评表) never start a new part, and a part without a form of its own (no table
  stating a budget or indicators) joins the form before it: a project is never split in two;
- what comes before the first form goes with it, except a table that is no form (a list of the
  projects, 项目名称 as a column heading): it belongs to none of them;
- a document with fewer than two forms is returned whole, exactly as read.

A part keeps its provenance: ``表3``, ``工作表“项目A”``, ``表1 第20–38行``, ``表2、表3``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from dataclasses import replace

from jixiao.intake.document import Block
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.extract.grid import Grid
from jixiao.intake.extract.prose import squash

# 项目名称, and the 转移支付区域（项目）绩效目标自评表's 转移支付（项目）名称.
_NAME = r"(?:项目|转移支付[（(]?项目[）)]?|转移支付|专项资金)名称"
_SAYS_NAME = re.compile(r"名\s*称")
_NAME_LABEL = re.compile(_NAME + r"[：:]?")
_INLINE_NAME = re.compile(rf"^{_NAME}[：:](?P<name>.+)$")
# A value beside 项目名称 that is itself a column heading: a list of projects, not a form.
_HEADING_WORD = re.compile(
    r"(年初|全年|调整后|本年)?(预算(数|金额|资金)?|执行数|执行率|支出数?|实际支出|资金(来源|性质|规模)?|金额|"
    r"分值|得分|自评得分|(实施|主管|预算)?单位(名称)?|主管部门|绩效目标|(一|二|三)级指标|指标|序号|"
    r"项目(类别|类型|属性|编码|代码)|类别|类型|属性|评价等级|等级|备注|完成情况|"
    r"(项目|建设|实施|主要)?内容|(实施|建设|完成)(情况|进度|地点|期限|时间)|起止时间|负责人|责任单位|"
    r"数量|规模|(绩效)?自评(分|结论|结果))"
    r"([（(](万?元|%|个|项)[）)])?"
)
_PAGE_TITLE = re.compile(
    r"^[^，。；;,:：]{0,30}(19|20)\d{2}年度?[^，。；;,:：\d]{0,30}(绩效|自评)[^，。；;,:：\d]{0,20}$"
)
_TITLE = re.compile(r"绩效(目标)?自评(表|报告)|自评表$")
_TITLE_LINE = re.compile(
    r"^(附件?表?\s*\d*[：:]?|[（(]?\s*(19|20)\d{2}\s*年度?\s*[）)]?|(金额)?单位[：:].{0,12}|填报单位[：:].*)$"
)
_FORM_WORDS = re.compile(r"年度资金总额|资金总额|预算数|执行数|三级指标|二级指标|绩效指标|指标值")
_MAX_TITLE = 60
_LINE = re.compile(r"^第(\d+)行")
_SENTENCE = re.compile(r"[。；;！？]")


@dataclass(frozen=True, slots=True)
class Part:
    """The blocks of one form, and where in the file they are (``None`` for the whole file)."""

    document: Document
    place: str | None


@dataclass(frozen=True, slots=True, order=True)
class _Pos:
    """A place to cut before: block ``block``, row ``row`` of it when it is a table."""

    block: int
    row: int = 0


@dataclass(frozen=True, slots=True)
class _Anchor:
    pos: _Pos
    name: str


def segment(doc: Document) -> list[Part]:
    """The parts of ``doc`` that each hold one form (see the module docstring)."""
    if _names_stated(doc) < 2:  # most files: one form, and no grid worth building to know it
        return [Part(doc, None)]
    grids = {i: Grid(b) for i, b in enumerate(doc.blocks) if isinstance(b, Table)}
    anchors = _anchors(doc, grids)
    if len({_project_key(a.name) for a in anchors}) < 2:
        return [Part(doc, None)]
    cuts: list[_Pos] = []
    last_key: str | None = None
    for anchor in anchors:
        key = _project_key(anchor.name)
        if last_key is not None and _same_project(key, last_key):
            continue
        last_key = key
        cut = _pull_back(doc, grids, anchor.pos)
        if not cuts or cut > cuts[-1]:
            cuts.append(cut)
    spans = _keep_forms(doc, grids, cuts)
    if len(spans) < 2:
        return [Part(doc, None)]
    # Before the first form: the page's text goes with it; a table that is no form (a list of the
    # projects) belongs to none of them. The page's title (“2023年度项目支出绩效自评结果”) heads
    # every form: its year is theirs.
    lead = [
        block
        for index, block in enumerate(doc.blocks[: cuts[0].block])
        if isinstance(block, Paragraph)
        or all(_row_is_title(grids[index], r) for r in range(grids[index].n_rows))
    ]
    shared: list[Block] = [b for b in lead if isinstance(b, Paragraph) and _PAGE_TITLE.search(squash(b.text))]
    return [
        _part(doc, start, stop, lead) if i == 0 else _part(doc, start, stop, shared, lead_is_own=False)
        for i, (start, stop) in enumerate(spans)
    ]


def _names_stated(doc: Document) -> int:
    """How often the text says 名称 (spaced out or not), to at most 2."""
    count = 0
    for block in doc.blocks:
        texts = [block.text] if isinstance(block, Paragraph) else [c.text for c in block.cells]
        count += sum(len(_SAYS_NAME.findall(t)) for t in texts if "称" in t)
        if count >= 2:
            break
    return count


def _anchors(doc: Document, grids: dict[int, Grid]) -> list[_Anchor]:
    """Every 项目名称 label with a project name beside it, in reading order."""
    found: list[_Anchor] = []
    for index, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            m = _INLINE_NAME.match(_first_field(block.text))
            if m and _is_name(m["name"]):
                found.append(_Anchor(_Pos(index), m["name"]))
            elif _NAME_LABEL.fullmatch(squash(block.text)) and index + 1 < len(doc.blocks):
                # A form's cells one per line: the label, then its value on the next line.
                after = doc.blocks[index + 1]
                line = squash(after.text) if isinstance(after, Paragraph) else ""
                if _is_name(line) and len(line) <= _MAX_TITLE and not _SENTENCE.search(line):
                    found.append(_Anchor(_Pos(index), line))
            continue
        grid = grids[index]
        for r in range(grid.n_rows):
            for slot in grid.row(r):
                if slot.above:
                    continue
                text = squash(slot.text)
                m = _INLINE_NAME.match(_first_field(slot.text))
                if m and _is_name(m["name"]):
                    found.append(_Anchor(_Pos(index, r), m["name"]))
                    break
                if _NAME_LABEL.fullmatch(text):
                    beside = grid.right_of(r, slot)
                    if beside is not None and _is_name(squash(beside.text)):
                        found.append(_Anchor(_Pos(index, r), squash(beside.text)))
                    break
    return found


def _first_field(text: str) -> str:
    """The first field of a line that may hold several (``项目名称：X    主管部门：Y``)."""
    line = text.strip().split("\n", 1)[0]
    return squash(re.split(r"\t|\s{2,}|　", line, maxsplit=1)[0])


def _is_name(text: str) -> bool:
    return 2 <= len(text) <= 120 and not _HEADING_WORD.fullmatch(text) and not _NAME_LABEL.match(text)


def _project_key(name: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]|项目$|[\s“”\"'《》]", "", name)


def _same_project(a: str, b: str) -> bool:
    return a == b or (len(a) >= 4 and len(b) >= 4 and (a in b or b in a))


def _is_title(text: str) -> bool:
    text = squash(text)
    return not text or (len(text) <= _MAX_TITLE and bool(_TITLE.search(text) or _TITLE_LINE.match(text)))


def _row_is_title(grid: Grid, r: int) -> bool:
    texts = {squash(s.text) for s in grid.row(r) if s.text and not s.above}
    return len(texts) <= 1 and all(_is_title(t) for t in texts)


def _pull_back(doc: Document, grids: dict[int, Grid], pos: _Pos) -> _Pos:
    """Move a cut back over the new form's title rows and title paragraphs."""
    block, row = pos.block, pos.row
    if block in grids:
        grid = grids[block]
        while row > 0 and _row_is_title(grid, row - 1):
            row -= 1
        if row > 0:
            return _Pos(block, row)
    while block > 0:
        before = doc.blocks[block - 1]
        if not isinstance(before, Paragraph) or not _is_title(before.text):
            break
        block -= 1
    return _Pos(block)


def _keep_forms(doc: Document, grids: dict[int, Grid], cuts: list[_Pos]) -> list[tuple[_Pos, _Pos]]:
    """The spans from each cut to the next that hold a form; a span without one (a project named
    again, a report's text) joins the form before it, or the first form when none is before."""
    end = _Pos(len(doc.blocks))
    kept: list[tuple[_Pos, _Pos]] = []
    pending: _Pos | None = None
    for start, stop in zip(cuts, [*cuts[1:], end], strict=True):
        if _has_form(doc, grids, start, stop):
            kept.append((pending or start, stop))
            pending = None
        elif kept:
            kept[-1] = (kept[-1][0], stop)
        elif pending is None:
            pending = start
    if pending is not None and kept:
        kept[-1] = (kept[-1][0], end)
    return kept


def _has_form(doc: Document, grids: dict[int, Grid], start: _Pos, stop: _Pos) -> bool:
    for index in range(start.block, min(stop.block + 1, len(doc.blocks))):
        grid = grids.get(index)
        if grid is None:
            continue
        first = start.row if index == start.block else 0
        last = stop.row if index == stop.block else grid.n_rows
        for r in range(first, last):
            if any(_FORM_WORDS.search(squash(s.text)) for s in grid.row(r) if not s.above):
                return True
    return False


def _part(doc: Document, start: _Pos, stop: _Pos, lead: list[Block], *, lead_is_own: bool = True) -> Part:
    """The blocks from ``start`` to ``stop`` after ``lead`` (the page's text before the first form,
    or only its title, which ``lead_is_own`` says is not this part's place)."""
    blocks: list[Block] = list(lead)
    places: list[str] = []
    for index in range(start.block, min(stop.block + 1, len(doc.blocks))):
        block = doc.blocks[index]
        first = start.row if index == start.block else 0
        if isinstance(block, Paragraph):
            if index < stop.block:
                blocks.append(block)
            continue
        last = stop.row if index == stop.block else block.n_rows
        if last <= first:
            continue
        piece = _rows(block, first, last)
        blocks.append(piece)
        if first == 0 and last == block.n_rows:
            places.append(block.place)
        else:
            places.append(f"{block.place} 第{first + 1 + block.first_row}–{last + block.first_row}行")
    own = blocks if lead_is_own else blocks[len(lead) :]
    lines = [_LINE.match(b.place) for b in own]
    if own and all(lines):  # a text file's lines (and the tables rebuilt from them)
        numbers = [int(m[1]) for m in lines if m]
        place = f"第{min(numbers)}–{max(numbers)}行"
    else:
        place = "、".join(places) if places or not own else _paragraph_span(own)
    held = set(places) | {b.place for b in blocks}
    notes = [(where, why) for where, why in doc.notes if where == "全文" or _note_in(where, held)]
    return Part(
        Document(
            path=doc.path,
            format=doc.format,
            blocks=blocks,
            title=doc.title,
            pages=doc.pages,
            notes=notes,
            scanned=doc.scanned,
        ),
        place,
    )


def _note_in(where: str, places: set[str]) -> bool:
    return any(where == p or where.startswith(p + " ") for p in places)


def _paragraph_span(blocks: list[Block]) -> str:
    return f"{blocks[0].place}–{blocks[-1].place}" if len(blocks) > 1 else blocks[0].place


def _rows(table: Table, first: int, last: int) -> Table:
    """Rows ``first``..``last`` (exclusive) of ``table``; a merged cell crossing a cut is kept,
    clipped, on both sides."""
    if first == 0 and last == table.n_rows:
        return table
    cells: list[Cell] = []
    for cell in table.cells:
        top, bottom = max(cell.row, first), min(cell.row + cell.rowspan, last)
        if top < bottom:
            cells.append(replace(cell, row=top - first, rowspan=bottom - top))
    return Table(
        cells=tuple(cells),
        n_rows=last - first,
        n_cols=table.n_cols,
        place=table.place,
        page=table.page,
        first_row=table.first_row + first,
        unread=frozenset((r - first, c) for r, c in table.unread if first <= r < last),
    )
