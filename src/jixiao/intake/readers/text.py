"""Plain-text reports: decoding, and recovering the tables that text dumps flatten.

Text reports reach a bureau as exports from other systems and as copies out of Word, so they carry
the residue of tables in two shapes, both handled here:

- **cell per line** (what Tika-style extractors and copying a Word table cell by cell produce):
  every cell starts with a TAB, its further paragraphs follow on lines without one, and a blank
  line ends a row. A cell may itself contain blank paragraphs; a blank line is therefore a row end
  only when a TAB line follows it. Lines after a row's blank line that hold a section heading of
  the report (“三、绩效指标完成情况”) are the report's text between two tables, not the last
  cell's: the table ends there.
- **row per line** (TSV, what copying from Excel produces): the cells of a row on one line,
  separated by TABs; merged cells show as empty or repeated fields.
- **pipes** (Markdown, converters, web archives): see :mod:`jixiao.intake.readers.text_pipes`.

The structure is read from the lines as written; each paragraph and cell is then normalised
(:func:`~jixiao.intake.document.clean_text`), keeping the text as written in ``original`` when
normalisation changed it. A paragraph's place is its line number in the file.

Encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK and
GB2312, what Chinese Windows writes). Bytes that decode as neither, or that are mostly control
characters, are not a text report.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from jixiao.intake.document import Block
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.document import cleaned
from jixiao.intake.limits import Limits
from jixiao.intake.readers import text_pipes
from jixiao.intake.recover import recover_forms

# Residue of Word bookmarks in Tika-style dumps: “[bookmark: _GoBack]”.
_BOOKMARK = re.compile(r"\[bookmark: [^\]\n]*\]")
# How long a run of cell text may be and still continue a cell across a blank line.
_SHORT_RUN = 3
_SHORT_LINE = 30
# A report's section heading (“二、绩效指标完成情况”, “第二部分 …”): short, no sentence in it.
_SECTION = re.compile(
    r"^\s*(?:第[一二三四五六七八九十]+(?:部分|章)|[一二三四五六七八九十]+\s*[、．.])[^，。；,;]{1,18}$"
)
_ALLOWED_CONTROL = {"\t", "\n", "\r", "\f", "\v"}
RUN_TOGETHER_NOTE = (
    "竖线表格没有标出行尾，多行单元格连成一行且各列内容对不齐，无法可靠拆分成表格行，其中的数据可能未读取"
)


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes; return the text and the encoding used."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument("无法识别文本编码（既不是 UTF-8 也不是 GBK/GB18030），可能不是文本文件")


def _looks_binary(text: str) -> bool:
    sample = text[:20000]
    if not sample:
        return False
    bad = sum(1 for ch in sample if (ch < " " and ch not in _ALLOWED_CONTROL) or ch == "\ufffd")
    return bad / len(sample) > 0.02


def read_text(path: Path, limits: Limits) -> Document:
    """Read a .txt report into paragraphs and the tables its TAB residue describes."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件（{exc.strerror or exc}）") from None
    text, _encoding = decode(data)
    if _looks_binary(text):
        raise UnreadableDocument("文件含大量控制字符，不是文本文件（可能是改了扩展名的其他格式）")
    if not text.strip():
        raise UnreadableDocument("文件没有任何文字内容")
    # A GBK/GB18030 text that decodes is read in full: nothing to report (a note here would
    # become an EXTRACTION_INCOMPLETE finding saying 全文未能识别).
    doc = Document(path=str(path), format="txt")
    text = _BOOKMARK.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    doc.blocks = parse_lines(text.split("\n"), doc.notes)
    # Forms whose cells ran together (issue 13 part 2, jixiao.intake.recover): tables rebuilt
    # from what is arithmetically certain, and notes on what could not be read.
    doc.blocks, recovered = recover_forms(doc.blocks)
    doc.notes.extend(recovered)
    return doc


def _fields(line: str) -> list[str]:
    return [f.strip() for f in line.split("\t")]


def _is_row_line(line: str) -> bool:
    """A TSV row: at least two non-empty TAB-separated fields."""
    return "\t" in line and sum(1 for f in _fields(line) if f) >= 2


def _is_cell_line(line: str) -> bool:
    """The start of a cell in the cell-per-line shape: a leading TAB, one field at most."""
    return line.startswith("\t") and not _is_row_line(line)


def parse_lines(lines: list[str], notes: list[tuple[str, str]] | None = None) -> list[Block]:
    """Turn text lines into paragraphs and tables (see the module docstring); what could not be
    laid out is added to ``notes`` when given."""
    blocks: list[Block] = []
    tables = 0
    i, n = 0, len(lines)
    while i < n:
        line = lines[i]
        if _is_cell_line(line):
            tables += 1
            table, i = _cell_table(lines, i, tables)
            blocks.append(table)
        elif _is_row_line(line):
            tables += 1
            table, i = _row_table(lines, i, tables)
            blocks.append(table)
        elif text_pipes.starts_block(line):
            tables += 1
            end = text_pipes.block_end(lines, i)
            rows = text_pipes.block_rows(lines[i:end])
            place = _place(tables, i)
            blocks.append(make_table(rows, place))
            if notes is not None:
                notes.extend(
                    (f"{place} 第{r + 1}行", RUN_TOGETHER_NOTE) for r in text_pipes.run_together(rows)
                )
            i = end
        else:
            text, original = cleaned(line)
            if text:
                blocks.append(Paragraph(text=text, place=f"第{i + 1}行", original=original))
            i += 1
    return blocks


def make_table(rows: list[list[str]], place: str) -> Table:
    """A table without merged cells from rows of text as written (ragged rows are padded)."""
    cells: list[Cell] = []
    for r, row in enumerate(rows):
        for c, written in enumerate(row):
            text, original = cleaned(written)
            if text:
                cells.append(Cell(text=text, row=r, col=c, original=original))
    width = max((len(r) for r in rows), default=0)
    return Table(cells=tuple(cells), n_rows=len(rows), n_cols=width, place=place)


def _blank(line: str) -> bool:
    """An empty line (a line holding only a TAB is an empty cell, not a blank line)."""
    return "\t" not in line and not line.strip()


def _next_nonblank(lines: list[str], i: int) -> int:
    while i < len(lines) and _blank(lines[i]):
        i += 1
    return i


def _run_reaches_cell(lines: list[str], i: int) -> bool:
    """Whether the non-TAB lines from ``i`` are further paragraphs of the current cell.

    They are when they lead straight to the next cell line. Blank lines may separate them from
    it only while the run stays as short as a vertically centred score or label (“8”, “（8分）”):
    a longer run after a blank line is ordinary text after the table. A run holding a section
    heading of the report (“三、绩效指标完成情况”), which no cell of a form does, is the report's
    own text between two tables.
    """
    seen = 0
    interrupted = False
    while i < len(lines):
        line = lines[i]
        if _blank(line):
            interrupted = True
        elif _is_cell_line(line):
            return True
        elif _is_row_line(line) or _SECTION.match(line):  # a TSV table, or the report's section
            return False
        else:
            seen += 1
            if interrupted and (seen > _SHORT_RUN or len(line.strip()) > _SHORT_LINE):
                return False
            if interrupted and any(len(x.strip()) > _SHORT_LINE for x in lines[i - seen : i]):
                return False
        i += 1
    return False


def _cell_table(lines: list[str], start: int, number: int) -> tuple[Table, int]:
    """Read a cell-per-line table starting at ``start``; return it and the next line index."""
    rows: list[list[list[str]]] = [[]]
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        if _is_cell_line(line):
            rows[-1].append([line[1:].strip()])
            i += 1
            continue
        if _blank(line):
            j = _next_nonblank(lines, i)
            if j < n and _is_cell_line(lines[j]):
                rows.append([])  # a blank line, then a new cell: the row has ended
                i = j
                continue
            if j < n and _run_reaches_cell(lines, j) and rows[-1]:
                rows[-1][-1].extend([""] * (j - i))  # blank paragraphs inside a cell
                i = j
                continue
            break  # the table has ended
        if rows[-1]:
            rows[-1][-1].append(line.strip())  # a further paragraph of the current cell
            i += 1
            continue
        break
    text_rows = [["\n".join(p for p in cell if p) for cell in row] for row in rows if row]
    return make_table(text_rows, _place(number, start)), i


def _row_table(lines: list[str], start: int, number: int) -> tuple[Table, int]:
    """Read consecutive TSV lines (blank lines between them allowed) as one table."""
    rows: list[list[str]] = []
    i, n = start, len(lines)
    while i < n:
        line = lines[i]
        if _is_row_line(line):
            rows.append(_fields(line))
            i += 1
            continue
        if _blank(line):
            j = _next_nonblank(lines, i)
            if j < n and _is_row_line(lines[j]):
                i = j
                continue
        break
    return make_table(rows, _place(number, start)), i


def _place(number: int, start: int) -> str:
    return f"表{number}（第{start + 1}行起）"
