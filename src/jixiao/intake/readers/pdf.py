"""PDF reports: text layer, ruled tables and paragraphs, through pdfplumber (pdfminer.six).

A PDF is read page by page:

1. Glyphs come from pdfminer, without those a clipping path hides (:mod:`.pdf_layout`). A page
   whose glyphs are mostly ``(cid:N)`` (a font without a Unicode map) is read again with PDFium;
   what neither can decode is left out with a note.
2. Ruled tables are found from the drawn lines and their glyphs binned into cells
   (:mod:`.pdf_tables`); the remaining glyphs form the page's text lines.
3. Page numbers in the top and bottom margins, and running headers/footers repeated on most
   pages, are dropped.
4. Lines and tables are put in reading order (top to bottom); lines join into paragraphs where a
   line is the wrapped continuation of the one above, also across a page break; a table that runs
   on at the top of the next page with the same columns is one table.

Pages without a text layer (a scan; or a page image with no more text than a stamp or a
signature field adds) are rendered and read by OCR (:mod:`.scan`); their blocks take their places
among the others by page.

Every failure becomes :class:`UnreadableDocument` with a Chinese reason: a damaged file, a file
with an open password, too many pages, scans in which OCR finds no text, or a text layer that
cannot be decoded anywhere.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from jixiao.intake.document import Block
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.document import clean_text
from jixiao.intake.limits import Limits
from jixiao.intake.readers.pdf_layout import ClipAwarePage
from jixiao.intake.readers.pdf_layout import Column
from jixiao.intake.readers.pdf_layout import Glyph
from jixiao.intake.readers.pdf_layout import Line
from jixiao.intake.readers.pdf_layout import continues
from jixiao.intake.readers.pdf_layout import estimate_column
from jixiao.intake.readers.pdf_layout import estimate_spacing
from jixiao.intake.readers.pdf_layout import glyphs_from_chars
from jixiao.intake.readers.pdf_layout import group_lines
from jixiao.intake.readers.pdf_layout import join_text
from jixiao.intake.readers.pdf_layout import pdfium_glyphs
from jixiao.intake.readers.pdf_layout import reads_forward
from jixiao.intake.readers.pdf_streams import bounded_streams
from jixiao.intake.readers.pdf_streams import refusal
from jixiao.intake.readers.pdf_tables import TableBuild
from jixiao.intake.readers.pdf_tables import TablePiece
from jixiao.intake.readers.pdf_tables import TooManyGraphics
from jixiao.intake.readers.pdf_tables import assign_glyphs
from jixiao.intake.readers.pdf_tables import fill_texts
from jixiao.intake.readers.pdf_tables import find_pieces

ENCRYPTED = "PDF 已加密（设有打开密码），请提交未加密的文件"
NO_TEXT = "PDF 没有文字层（可能是扫描件），请提供可复制文字的 PDF 或原始 Word/Excel 文件"
ROTATED = "PDF 的文字均为旋转排版（页面内容整体旋转），无法读取；请提供原始 Word/Excel 文件"
UNDECODABLE = (
    "PDF 文字层无法解码（字体缺少 Unicode 映射），请重新导出 PDF（嵌入字体）或提供原始 Word/Excel 文件"
)

# A page is read with PDFium when more than this share of its glyphs are ``(cid:N)``.
_CID_SHARE = 0.3
# Page furniture lives in the top and bottom bands of this share of the page height.
_MARGIN_BAND = 0.12
_PAGE_NUMBER = re.compile(
    r"""^(
        [-—–－~·\s]*\d{1,4}[-—–－~·\s]*
      | 第\s*\d{1,4}\s*页(\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?
      | (共\s*\d{1,4}\s*页\s*[,，]?\s*)?第\s*\d{1,4}\s*页
      | \d{1,4}\s*/\s*\d{1,4}
      | (page|p\.?)\s*\d{1,4}(\s*(of|/)\s*\d{1,4})?
    )$""",
    re.VERBOSE | re.IGNORECASE,
)
# A page with fewer body lines than this takes its text column from all pages of its size.
_FEW_LINES = 8
# A page whose images cover this share of it and that has at most this many characters of text
# (a stamp's, a signature field's) is a scanned page.
_SCAN_COVER = 0.5
_STAMP_CHARS = 30
# Continuation captions that may stand above the rest of a table on the next page.
_CONTINUED = re.compile(r"^[（(]?续(表|上表|前表)?[）)]?\S{0,20}$")


@dataclass(slots=True)
class _Page:
    """What one page yielded before the document-wide pass."""

    number: int
    width: float
    height: float
    pieces: list[TablePiece] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    undecodable: bool = False
    rotated: bool = False
    failed: bool = False
    # Most of the page's text runs sideways (it is read again turned, see ``_Reader._turned``).
    sideways: bool = False
    # The page is a scan: it is read by OCR.
    scan: bool = False


def read_pdf(path: Path, limits: Limits) -> Document:
    """Read a PDF into paragraphs and tables (format ``"pdf"``, ``pages`` set); no stream may
    inflate beyond the limits (:mod:`.pdf_streams`)."""
    with bounded_streams(limits) as budget:
        try:
            doc = _read_pdf(path, limits)
        except UnreadableDocument:
            raise
        except Exception as exc:
            raise refusal(exc) or exc from None
        if budget.refused is not None:  # refused where pdfminer swallowed the error
            raise budget.refused
    return doc


def _read_pdf(path: Path, limits: Limits) -> Document:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if (refused := refusal(exc)) is not None:
            raise refused from None
        if isinstance(cause, PDFPasswordIncorrect):
            raise UnreadableDocument(ENCRYPTED) from None
        if isinstance(cause, PDFEncryptionError):
            raise UnreadableDocument("PDF 已加密（加密方式不受支持），请提交未加密的文件") from None
        raise UnreadableDocument(f"文件已损坏：{_damage(cause)}") from None
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件（{exc.strerror or exc}）") from None
    except Exception as exc:  # pdfminer raises many kinds of errors on a broken file
        raise refusal(exc) or UnreadableDocument(f"文件已损坏：{_damage(exc)}") from None
    with pdf:
        reader = _Reader(path, pdf, limits)
        try:
            pages = reader.read_pages()
        except UnreadableDocument:
            raise
        except Exception as exc:
            raise refusal(exc) or UnreadableDocument(f"文件已损坏：{_damage(exc)}") from None
        finally:
            reader.close()
        title = _title(pdf)
    doc = Document(path=str(path), format="pdf", title=title, pages=len(pages), notes=reader.notes)
    scans = [page.number for page in pages if page.scan]
    has_text = any(page.lines or page.pieces for page in pages)
    if not has_text and not scans:
        if all(page.failed for page in pages):
            raise UnreadableDocument("文件已损坏：所有页面都无法解析")
        if any(page.rotated for page in pages):
            raise UnreadableDocument(ROTATED)
        if any(page.undecodable for page in pages):
            raise UnreadableDocument(UNDECODABLE)
        raise UnreadableDocument(NO_TEXT)
    doc.blocks = _assemble(pages, limits) if has_text else []
    if scans:
        _read_scans(path, doc, scans, limits)
    return doc


def _read_scans(path: Path, doc: Document, numbers: list[int], limits: Limits) -> None:
    """OCR the scanned pages ``numbers`` of ``doc`` and put their blocks in page order."""
    from jixiao.intake.readers.scan import NOTHING_READ
    from jixiao.intake.readers.scan import pdf_page_loaders
    from jixiao.intake.readers.scan import read_pages

    before = len(doc.notes)
    tables = sum(1 for b in doc.blocks if isinstance(b, Table))
    loaders, pdf = pdf_page_loaders(path, numbers, limits)
    try:
        scanned, doc.scanned = read_pages(loaders, limits, doc.notes, tables_before=tables)
    finally:
        pdf.close()
    if not doc.blocks and not scanned:
        refused = [reason for _, reason in doc.notes[before:]]
        raise UnreadableDocument(refused[0] if len(refused) == 1 and len(numbers) == 1 else NOTHING_READ)
    doc.blocks = sorted([*doc.blocks, *scanned], key=lambda b: b.page or 0)


def _damage(exc: BaseException) -> str:
    """A Chinese account of why pdfminer could not parse the file."""
    text = str(exc)
    if "EOF" in text or "startxref" in text.lower():
        return "PDF 文件不完整（可能在传输或保存时被截断）"
    if "No /Root" in text or "Is this really a PDF" in text:
        return "不是有效的 PDF 文件"
    detail = f"（{text[:80]}）" if text and text.isascii() else ""
    return f"无法解析 PDF 结构{detail}"


def _title(pdf: Any) -> str | None:
    try:
        info = pdf.metadata or {}
    except Exception:
        return None
    value = info.get("Title")
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and value.strip():
        return clean_text(value.strip())
    return None


class _Reader:
    """Page-by-page reading, with the notes it takes."""

    def __init__(self, path: Path, pdf: Any, limits: Limits) -> None:
        self.path = path
        self.pdf = pdf
        self.limits = limits
        self.notes: list[tuple[str, str]] = []
        self._pdfium: Any = None

    def close(self) -> None:
        if self._pdfium is not None:
            self._pdfium.close()
            self._pdfium = None

    def read_pages(self) -> list[_Page]:
        from pdfminer.pdfpage import PDFPage
        from pdfminer.pdftypes import resolve1

        pdf = self.pdf
        try:
            declared = int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
        except Exception:
            declared = 0
        self._check_pages(declared)
        pages: list[_Page] = []
        doctop = 0.0
        for index, page_obj in enumerate(PDFPage.create_pages(pdf.doc)):
            self._check_pages(index + 1)
            page = ClipAwarePage(pdf, page_obj, page_number=index + 1, initial_doctop=doctop)
            doctop += float(page.height)
            try:
                mark = len(self.notes)
                read = self._read_page(page, index)
                if read.sideways:
                    read = self._turned(page_obj, index, mark) or read
                pages.append(read)
            except UnreadableDocument:
                raise
            except Exception as exc:  # one broken page does not sink the others
                if (refused := refusal(exc)) is not None:
                    raise refused from None
                self.notes.append((f"第{index + 1}页", f"无法解析（{_damage(exc)}），已跳过"))
                pages.append(_Page(index + 1, float(page.width), float(page.height), failed=True))
            finally:
                page.close()
        if not pages:
            raise UnreadableDocument("文件已损坏：PDF 中找不到任何页面")
        return pages

    def _turned(self, page_obj: Any, index: int, mark: int) -> _Page | None:
        """The page read again turned a quarter or half turn, when its text runs sideways or upside
        down (a page rotated in a viewer, a landscape table drawn rotated on a portrait page).
        The notes the page took since ``mark`` are replaced by those of the turned reading."""
        original = page_obj.rotate
        attrs = page_obj.attrs
        kept = self.notes[mark:]
        try:
            for turn in (90, 270, 180):
                page_obj.rotate = (original + turn) % 360
                page_obj.attrs = {**attrs, "Rotate": page_obj.rotate}
                del self.notes[mark:]
                page = ClipAwarePage(self.pdf, page_obj, page_number=index + 1)
                try:
                    read = self._read_page(page, index)
                finally:
                    page.close()
                if not read.sideways:
                    return read
        finally:
            page_obj.rotate = original
            page_obj.attrs = attrs
        self.notes[mark:] = kept
        return None

    def _check_pages(self, count: int) -> None:
        if count > self.limits.max_pages:
            raise UnreadableDocument(
                f"PDF 页数过多（{count} 页），超过上限 {self.limits.max_pages} 页；可用环境变量 JIXIAO_MAX_PAGES 调整"
            )

    def _read_page(self, page: Any, index: int) -> _Page:
        number = index + 1
        out = _Page(number, float(page.width), float(page.height))
        place = f"第{number}页"
        chars = page.chars
        glyphs, visible, undecodable = glyphs_from_chars(chars)
        rotated = sum(1 for c in chars if not reads_forward(c) and c["text"].strip())
        out.sideways = rotated > visible
        if visible == 0:
            if rotated:
                out.rotated = True
                self.notes.append((place, "文字为旋转排版，未能读取"))
            elif page.images or page.curves:  # a scan, or text drawn as outlines
                out.scan = True
            return out
        if visible <= _STAMP_CHARS and _image_cover(page) >= _SCAN_COVER:
            out.scan = True  # a scanned page with a stamp's or a signature's few characters
            return out
        if undecodable > _CID_SHARE * visible:
            glyphs, visible, undecodable = self._pdfium_page(page, index)
            if visible == 0 or undecodable > _CID_SHARE * visible:
                out.undecodable = True
                self.notes.append((place, "文字无法解码（字体缺少 Unicode 映射），未读取"))
                return out
        if undecodable:
            self.notes.append((place, f"有 {undecodable} 个字符无法解码（字体缺少 Unicode 映射），已略去"))
        if rotated > 0.2 * (visible + rotated):
            self.notes.append((place, f"有 {rotated} 个旋转排版的字符，未读取"))
        try:
            pieces = find_pieces(page, number)
        except TooManyGraphics as exc:
            self.notes.append((place, f"图形过多（{exc.args[0]} 个），未识别其中的表格"))
            pieces = []
        body = assign_glyphs(pieces, glyphs)
        for piece in pieces:
            fill_texts(piece)
        out.pieces = [p for p in pieces if any(c.text for c in p.cells) or not p.weak]
        out.lines = group_lines(body)
        for line in out.lines:
            line.page = number
        for piece in out.pieces:
            for line in piece.lines:
                line.page = number
        return out

    def _pdfium_page(self, page: Any, index: int) -> tuple[list[Glyph], int, int]:
        """The page's glyphs as PDFium decodes them (for fonts pdfminer cannot map)."""
        import pypdfium2 as pdfium

        try:
            if self._pdfium is None:
                self._pdfium = pdfium.PdfDocument(str(self.path))
            pdfium_page = self._pdfium[index]
            textpage = pdfium_page.get_textpage()
            try:
                return pdfium_glyphs(textpage, _page_ctm(page), float(page.height))
            finally:
                textpage.close()
                pdfium_page.close()
        except Exception:
            return [], 0, 0


def _image_cover(page: Any) -> float:
    """The share of the page its images cover (overlaps counted once per image, capped at 1)."""
    width, height = float(page.width), float(page.height)
    if width <= 0 or height <= 0:
        return 0.0
    area = 0.0
    for image in page.images:
        w = min(float(image["x1"]), width) - max(float(image["x0"]), 0.0)
        h = min(float(image["bottom"]), height) - max(float(image["top"]), 0.0)
        area += max(w, 0.0) * max(h, 0.0)
    return min(area / (width * height), 1.0)


def _page_ctm(page: Any) -> tuple[float, float, float, float, float, float]:
    """The matrix pdfminer maps this page's user space with (origin and /Rotate)."""
    x0, y0, x1, y1 = (float(v) for v in page.page_obj.mediabox)
    rotate = int(page.rotation)
    if rotate == 90:
        return (0, -1, 1, 0, -y0, x1)
    if rotate == 180:
        return (-1, 0, 0, -1, x1, y1)
    if rotate == 270:
        return (0, 1, -1, 0, y1, -x0)
    return (1, 0, 0, 1, -x0, -y0)


# ---------------------------------------------------------------------------------------------
# The document-wide pass
# ---------------------------------------------------------------------------------------------


def _furniture(pages: list[_Page]) -> set[int]:
    """ids of lines that are page furniture: page numbers, and running headers/footers (lines in
    the top or bottom band repeated on at least half the pages; the first one is kept)."""
    drop: set[int] = set()
    banded: list[tuple[Line, str]] = []
    for page in pages:
        lines = page.lines + [line for piece in page.pieces if piece.weak for line in piece.lines]
        for line in lines:
            in_band = line.bottom < _MARGIN_BAND * page.height or line.top > (1 - _MARGIN_BAND) * page.height
            if not in_band:
                continue
            text = line.text.strip()
            if _PAGE_NUMBER.match(text):
                drop.add(id(line))
            else:
                banded.append((line, re.sub(r"\d+", "#", re.sub(r"\s+", "", text))))
    if len(pages) >= 3:
        counts = Counter(
            key for _line, key in {(line.page, key): (line, key) for line, key in banded}.values()
        )
        repeated = {key for key, n in counts.items() if n >= max(3, (len(pages) + 1) // 2)}
        # The first occurrence stays: a form's title repeated on every page is still its title.
        seen: set[str] = set()
        for line, key in banded:
            if key in repeated:
                if key in seen:
                    drop.add(id(line))
                seen.add(key)
    return drop


def _columns(pages: list[_Page], drop: set[int]) -> dict[int, Column]:
    """The text column of each page (from its own lines when it has enough, else its page size)."""
    body = {page.number: [line for line in page.lines if id(line) not in drop] for page in pages}
    spacing = estimate_spacing(body.values())
    by_size: dict[tuple[int, int], list[Line]] = {}
    for page in pages:
        by_size.setdefault((round(page.width), round(page.height)), []).extend(body[page.number])
    columns: dict[int, Column] = {}
    for page in pages:
        own = body[page.number]
        lines = own if len(own) >= _FEW_LINES else by_size[(round(page.width), round(page.height))]
        left, right = estimate_column(lines) or (0.0, page.width)
        if len(lines) < _FEW_LINES:
            # Too few lines to see where they wrap: assume margins as wide on the right as on the left.
            right = max(right, page.width - left)
        columns[page.number] = Column(left, right, spacing, centre=page.width / 2)
    return columns


def _assemble(pages: list[_Page], limits: Limits) -> list[Block]:
    drop = _furniture(pages)
    columns = _columns(pages, drop)
    blocks: list[Block] = []
    tables = 0
    cells = 0
    build: TableBuild | None = None  # the table that may continue on the next page
    para_lines: list[Line] = []  # the open paragraph
    para_text = ""

    def close_paragraph() -> None:
        nonlocal para_lines, para_text
        if para_lines:
            text = clean_text(para_text).strip()
            if text:
                page = para_lines[0].page
                blocks.append(Paragraph(text=text, place=f"第{page}页", page=page))
        para_lines, para_text = [], ""

    def close_table() -> None:
        nonlocal build, tables, cells
        if build is not None:
            tables += 1
            table = build.table(f"第{build.first_page}页 表{tables}")
            cells += len(table.cells)
            if cells > limits.max_cells:
                raise UnreadableDocument(f"PDF 中的表格过大（超过 {limits.max_cells:,} 个单元格），未读取")
            blocks.append(table)
        build = None

    for page in pages:
        items: list[tuple[float, int, TablePiece | Line]] = []
        lines = [line for line in page.lines if id(line) not in drop]
        first_top = min((line.top for line in lines), default=float("inf"))
        for piece in page.pieces:
            keep = not piece.weak
            if piece.weak and build is not None and piece.top <= first_top and build.can_continue(piece):
                keep = all(p.top >= piece.top for p in page.pieces)
            if keep:
                items.append((piece.top, 0, piece))
            else:
                lines.extend(line for line in piece.lines if id(line) not in drop)
        items.extend((line.top, 1, line) for line in lines)
        items.sort(key=lambda item: (item[0], item[1]))
        column = columns[page.number]
        started = False  # whether anything but a “续表” caption has come on this page yet
        for index, (_top, _kind, item) in enumerate(items):
            if isinstance(item, TablePiece):
                close_paragraph()
                if build is not None and not started and build.can_continue(item):
                    build.add(item)
                else:
                    close_table()
                    build = TableBuild(item)
                started = True
                continue
            if build is not None:
                if not started and index + 1 < len(items) and _CONTINUED.match(item.text.strip()):
                    nxt = items[index + 1][2]
                    if isinstance(nxt, TablePiece) and build.can_continue(nxt):
                        continue  # a “续表” caption above the rest of the table
                close_table()
            if para_lines:
                prev = para_lines[-1]
                same_page = prev.page == item.page
                next_page = prev.page + 1 == item.page and not started
                if (same_page or next_page) and continues(
                    prev, item, column if same_page else columns[prev.page], same_page, para_text
                ):
                    para_lines.append(item)
                    para_text = join_text(para_text, item.text)
                    started = True
                    continue
                close_paragraph()
            para_lines, para_text = [item], item.text
            started = True
        # What ends a page stays open: a paragraph or a table may continue on the next one.
    close_paragraph()
    close_table()
    return blocks
