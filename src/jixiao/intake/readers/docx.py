"""Word documents: ``.docx`` read directly, ``.doc``/``.wps`` converted to ``.docx`` by LibreOffice.

The reader parses the package's XML parts with lxml (no DTDs, no entities, no network) after
:func:`~jixiao.intake.readers.safety.open_ooxml` has checked the archive, and walks the body in
order: paragraphs, tables, and the content of content controls (``w:sdt``) and text boxes.

What a reader of the printed page sees is what comes out:

- automatic numbers are generated from ``numbering.xml`` and put in front of the text
  (“2.项目绩效阶段性目标”, “（一）预算执行情况”; :mod:`~jixiao.intake.readers.docx_numbering`);
  bullets add nothing;
- checkbox content controls, legacy check-box form fields and Wingdings box symbols become
  ``☑``/``☐``;
- field codes (``PAGE``, ``TOC \\o``) are dropped and their results kept; deleted revisions,
  hidden text and placeholder text of empty content controls are dropped;
- headers, footers, footnotes and comments are not read;
- embedded OLE objects, charts and SmartArt cannot be read and are listed in ``Document.notes``.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from dataclasses import field
from functools import cache
from pathlib import Path

from lxml import etree

from jixiao.intake.document import CHECKED
from jixiao.intake.document import UNCHECKED
from jixiao.intake.document import Block
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.document import clean_text
from jixiao.intake.limits import Limits
from jixiao.intake.readers import SUFFIXES
from jixiao.intake.readers import libreoffice
from jixiao.intake.readers import safety
from jixiao.intake.readers.docx_numbering import Numbering
from jixiao.intake.readers.docx_numbering import Styles
from jixiao.intake.readers.docx_numbering import bounded_int
from jixiao.intake.readers.docx_numbering import format_number
from jixiao.intake.readers.docx_numbering import num_pr
from jixiao.intake.readers.docx_numbering import on_off

__all__ = ["ALTCHUNK_NOTE", "ENCRYPTED", "OBJECT_NOTE", "format_number", "read_doc", "read_docx"]

ENCRYPTED = "文件已加密（设有打开密码），请提交未加密的文件"
OBJECT_NOTE = "嵌入对象（图表/公式/OLE）内容无法读取"
ALTCHUNK_NOTE = "嵌入的外部文档片段（altChunk）内容无法读取"

_NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_NS_MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_NS_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
_NS_OFFICE = "urn:schemas-microsoft-com:office:office"
_NS_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_NS_DC = "http://purl.org/dc/elements/1.1/"

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)")
_MAX_SPAN = 63  # Word's own limit on table columns; a larger span is a broken or hostile file
_TRUE = frozenset({"1", "true", "on"})


# ---------------------------------------------------------------------------------------------
# Public entry points


def read_docx(path: Path, limits: Limits) -> Document:
    """Read a ``.docx`` (or ``.docm``) file into a :class:`Document` with format ``"docx"``."""
    try:
        with safety.open_ooxml(path, limits, "Word 文档") as zf:
            return _read_package(zf, path, limits)
    except UnreadableDocument:
        raise
    except Exception as exc:  # any failure on a broken file becomes a reason for the user
        raise UnreadableDocument(f"文件已损坏：{_failure_reason(exc)}") from None


def read_doc(path: Path, limits: Limits) -> Document:
    """Read a legacy ``.doc``/``.wps`` (or any Word file LibreOffice can open) through LibreOffice.

    The result keeps the original ``path``; ``format`` is ``"doc"``, ``"wps"`` or ``"docx"`` as
    the file's name says (a password-protected ``.docx`` is an OLE file and arrives here).
    """
    if safety.encrypted_ole(path):
        raise UnreadableDocument(ENCRYPTED)
    _check_legacy_content(path)
    with tempfile.TemporaryDirectory(prefix="jixiao-doc-") as tmp:
        converted = libreoffice.convert(path, "docx", Path(tmp), limits.convert_timeout)
        document = read_docx(converted, limits)
    document.path = str(path)
    document.format = _legacy_format(path)
    return document


# ---------------------------------------------------------------------------------------------
# Legacy files


def _legacy_format(path: Path) -> str:
    kind = SUFFIXES.get(path.suffix.lower())
    return kind if kind in {"doc", "wps", "docx"} else "doc"


def _check_legacy_content(path: Path) -> None:
    """Refuse bytes that no word processor would open as a document.

    LibreOffice imports anything it does not recognise as plain text, so random bytes would
    "convert". Accepted: intact OLE compound files (Word 97–2003, WPS), RTF, HTML/XML/MHT saved
    with a ``.doc`` name, and plain text.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件（{exc.strerror or exc}）") from None
    if not head:
        raise UnreadableDocument("文件为空（0 字节）")
    if head.startswith(_CFB):
        _check_ole_structure(path)
        return
    if _looks_like_markup(head) or _looks_like_text(head):
        return
    raise UnreadableDocument("文件已损坏或不是有效的 Word 文档（无法识别文件内容）")


def _check_ole_structure(path: Path) -> None:
    """A compound file whose sector tables do not hold together is damaged (LibreOffice would
    import its bytes as text)."""
    import olefile

    try:
        with olefile.OleFileIO(str(path)) as ole:
            ole.listdir()
    except Exception:  # olefile raises many kinds of errors on damaged input
        raise UnreadableDocument("文件已损坏（Word 97-2003 复合文档结构不完整）") from None


def _looks_like_markup(head: bytes) -> bool:
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:16].lower()
    return start.startswith((b"{\\rtf", b"<", b"mime-version"))


_BINARY_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x19\x1b-\x1f\x7f]")


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    for encoding in ("utf-8", "gb18030"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(head) - 4:  # not merely a character cut at the 4 KB boundary
                continue
            text = head[: exc.start].decode(encoding)
        return not _BINARY_CONTROL.search(text)
    return False


# ---------------------------------------------------------------------------------------------
# Failure messages


def _failure_reason(exc: Exception) -> str:
    if isinstance(exc, etree.XMLSyntaxError):
        return "XML 内容不完整或格式错误"
    if isinstance(exc, KeyError):
        # zipfile says: "There is no item named 'word/document.xml' in the archive"
        named = re.search(r"'([^']+)'", str(exc.args[0]) if exc.args else "")
        return f"缺少文档部件 {named.group(1)}" if named else "缺少文档部件"
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError):
        return "压缩数据损坏"
    if isinstance(exc, UnicodeDecodeError):
        return "压缩包目录损坏（文件名无法识别）"
    if isinstance(exc, RecursionError):
        return "嵌套层次过深"
    if isinstance(exc, OSError):
        return f"无法读取（{exc.strerror or exc}）"
    return f"无法解析（{type(exc).__name__}）"


# ---------------------------------------------------------------------------------------------
# Package parts


def _xml_parser() -> etree.XMLParser:
    # A new parser per file: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


@dataclass(slots=True)
class _Package:
    zf: zipfile.ZipFile
    parser: etree.XMLParser = field(default_factory=_xml_parser)

    def xml(self, name: str) -> etree._Element:
        data = self.zf.read(name)
        # The archive check looks only at each part's first bytes; a DTD behind a long prolog
        # gets this far. Markup cannot appear unescaped in text, so a plain search is exact.
        if _DTD.search(data):
            raise UnreadableDocument(f"压缩包内 {name} 含 DTD/实体定义（疑似 XML 实体炸弹），已拒绝")
        try:
            return etree.fromstring(data, self.parser)
        except etree.XMLSyntaxError as exc:
            where = f"第 {exc.lineno} 行" if exc.lineno else "开头"
            raise UnreadableDocument(f"文件已损坏：{name} 的 XML 内容不完整或格式错误（{where}）") from None

    def optional_xml(self, name: str | None) -> etree._Element | None:
        if name is None or name not in self.zf.NameToInfo:
            return None
        return self.xml(name)

    def relationships(self, part: str) -> dict[str, str]:
        """Relationship type suffix (``officeDocument``, ``styles``…) → part name, for ``part``."""
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", f"{base}.rels")
        root = self.optional_xml(rels_name)
        found: dict[str, str] = {}
        if root is None:
            return found
        for rel in root.iter(f"{{{_NS_PKG_RELS}}}Relationship"):
            target = rel.get("Target")
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            if not target or rel.get("TargetMode") == "External" or kind in found:
                continue
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
            found[kind] = posixpath.normpath(resolved)
        return found


def _read_package(zf: zipfile.ZipFile, path: Path, limits: Limits) -> Document:
    package = _Package(zf)
    root_rels = package.relationships("")
    main = root_rels.get("officeDocument", "word/document.xml")
    document_root = package.xml(main)
    ns = etree.QName(document_root).namespace or _NS_W
    if etree.QName(document_root).localname != "document":
        raise UnreadableDocument(f"文件已损坏：{main} 不是 Word 正文")
    body = document_root.find(f"{{{ns}}}body")
    if body is None:
        raise UnreadableDocument(f"文件已损坏：{main} 中没有正文")
    part_rels = package.relationships(main)
    names = _names(ns)
    styles = Styles(package.optional_xml(part_rels.get("styles", "word/styles.xml")), names)
    numbering = Numbering(package.optional_xml(part_rels.get("numbering", "word/numbering.xml")), names)
    numbering.link_styles(styles)
    walker = _BodyWalker(names, styles, numbering, limits)
    walker.blocks_of(body)
    title = _core_title(package.optional_xml(root_rels.get("core-properties", "docProps/core.xml")))
    return Document(path=str(path), format="docx", blocks=walker.blocks, title=title, notes=walker.notes)


def _core_title(root: etree._Element | None) -> str | None:
    if root is None:
        return None
    element = root.find(f"{{{_NS_DC}}}title")
    text = (element.text or "").strip() if element is not None else ""
    return clean_text(text) or None


# ---------------------------------------------------------------------------------------------
# Element names of one WordprocessingML namespace (transitional or strict)

# What the paragraph walker does with an element. Kinds below _VISIBLE steer the walk; kinds from
# _VISIBLE on produce text and are skipped inside a field's code.
_RUN, _DESCEND, _SDT, _ALTERNATE, _FLDCHAR, _RUBY = range(6)
_VISIBLE = 10
_TEXT, _TAB, _BREAK, _SYM, _HYPHEN, _DRAWING, _PICT, _OBJECT, _MATH = range(10, 19)

# What the block walkers do with a child of the body, a cell, a content control or a text box.
_B_PARAGRAPH, _B_TABLE, _B_SDT, _B_DESCEND, _B_ALTERNATE, _B_ALTCHUNK = range(6)


@dataclass(frozen=True, slots=True)
class _Names:
    """Qualified tag and attribute names, and the walkers' dispatch tables, for one namespace."""

    w: str
    inline: dict[str, int]
    block: dict[str, int]

    def __call__(self, local: str) -> str:
        return f"{{{self.w}}}{local}"


@cache
def _names(ns: str) -> _Names:
    def w(local: str) -> str:
        return f"{{{ns}}}{local}"

    inline = {
        w("r"): _RUN,
        w("hyperlink"): _DESCEND,
        w("smartTag"): _DESCEND,
        w("ins"): _DESCEND,
        w("moveTo"): _DESCEND,
        w("customXml"): _DESCEND,
        w("fldSimple"): _DESCEND,
        w("dir"): _DESCEND,
        w("bdo"): _DESCEND,
        w("sdt"): _SDT,
        w("fldChar"): _FLDCHAR,
        w("ruby"): _RUBY,
        f"{{{_NS_MC}}}AlternateContent": _ALTERNATE,
        w("t"): _TEXT,
        w("tab"): _TAB,
        w("ptab"): _TAB,
        w("br"): _BREAK,
        w("cr"): _BREAK,
        w("sym"): _SYM,
        w("noBreakHyphen"): _HYPHEN,
        w("drawing"): _DRAWING,
        w("pict"): _PICT,
        w("object"): _OBJECT,
        f"{{{_NS_MATH}}}oMathPara": _MATH,
        f"{{{_NS_MATH}}}oMath": _MATH,
    }
    block = {
        w("p"): _B_PARAGRAPH,
        w("tbl"): _B_TABLE,
        w("sdt"): _B_SDT,
        w("customXml"): _B_DESCEND,
        f"{{{_NS_MC}}}AlternateContent": _B_ALTERNATE,
        w("altChunk"): _B_ALTCHUNK,
    }
    return _Names(w=ns, inline=inline, block=block)


def _alternate_choice(element: etree._Element) -> etree._Element | None:
    """The branch of ``mc:AlternateContent`` to read: the first Choice (Word writes the modern
    form there), else the Fallback."""
    choice = element.find(f"{{{_NS_MC}}}Choice")
    return choice if choice is not None else element.find(f"{{{_NS_MC}}}Fallback")


# ---------------------------------------------------------------------------------------------
# Symbol fonts: boxes and ticks drawn with Wingdings rather than Unicode characters

_SYMBOL_GLYPHS: dict[str, dict[int, str]] = {
    "wingdings": {
        0xFE: CHECKED,  # þ: box with tick
        0xFD: "☒",  # ý: box with cross
        0x78: "☒",  # x: ⌧
        0xA8: UNCHECKED,  # ¨: empty box
        0x6F: UNCHECKED,  # o: empty box
        0x71: UNCHECKED,  # q: ❑
        0x72: UNCHECKED,  # r: ❒
        0x6E: "■",  # n: black square
        0xFC: "✓",
        0xFB: "✗",
    },
    "wingdings 2": {
        0x52: CHECKED,  # R: box with tick
        0x54: "☒",  # T: box with cross
        0x51: "☒",  # Q: box with cross
        0xA3: UNCHECKED,  # £: empty box
        0x2A: UNCHECKED,  # *: empty box
        0x50: "✓",
        0x4F: "✗",
    },
    "symbol": {0xD6: "√", 0xB4: "×"},
}
_SYMBOL_FONTS = frozenset(_SYMBOL_GLYPHS)
# Characters that may be a symbol-font glyph typed as text (“þ” in a Wingdings run), or its
# private-use code point (U+F0FE).
_SYMBOL_CANDIDATES = frozenset(
    chr(code + offset) for table in _SYMBOL_GLYPHS.values() for code in table for offset in (0, 0xF000)
)


def _symbol_glyph(font: str | None, code: int) -> str:
    """The glyph a symbol font draws for ``code`` (the font unknown: Wingdings, the usual one)."""
    table = _SYMBOL_GLYPHS.get((font or "wingdings").strip().lower(), _SYMBOL_GLYPHS["wingdings"])
    return table.get(code & 0xFF, "")


def _sym_char(font: str | None, code: int) -> str:
    """What ``w:sym`` shows: a known symbol font's box or tick; in an ordinary font the code is a
    Unicode character; anything else in a symbol font's private range cannot be told."""
    name = (font or "").strip().lower()
    if name in _SYMBOL_FONTS:
        return _symbol_glyph(name, code)
    if code <= 0 or 0xE000 <= code <= 0xF8FF or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
        return ""
    return chr(code)


# ---------------------------------------------------------------------------------------------
# Walking the body


@dataclass(slots=True)
class _Inline:
    """What one paragraph's runs produced."""

    parts: list[str] = field(default_factory=list)
    boxes: list[etree._Element] = field(default_factory=list)  # w:txbxContent, read after it
    objects: int = 0  # embedded objects and charts that cannot be read


class _BodyWalker:
    def __init__(self, names: _Names, styles: Styles, numbering: Numbering, limits: Limits) -> None:
        self.w = names
        self.styles = styles
        self.numbering = numbering
        self.blocks: list[Block] = []
        self.notes: list[tuple[str, str]] = []
        self._cell_budget = limits.max_cells
        self._paragraphs = 0
        self._tables = 0
        self._table_place: str | None = None
        # Open fields, innermost last: True while in the field code, False once in the result.
        self._fields: list[bool] = []
        self._in_code = 0
        w = names
        self._t_ppr, self._t_rpr, self._t_pstyle = w("pPr"), w("rPr"), w("pStyle")
        self._t_numpr, self._t_outline = w("numPr"), w("outlineLvl")
        self._t_vanish, self._t_rfonts = w("vanish"), w("rFonts")
        self._t_sdtpr, self._t_sdtcontent = w("sdtPr"), w("sdtContent")
        self._t_tr, self._t_tc, self._t_tcpr, self._t_trpr = w("tr"), w("tc"), w("tcPr"), w("trPr")
        self._t_sdt, self._t_customxml = w("sdt"), w("customXml")
        self._t_txbx = w("txbxContent")
        self._val = w("val")

    # -- blocks --------------------------------------------------------------------------------

    def blocks_of(self, container: etree._Element) -> None:
        """Emit the blocks of the body, a content control or a text box, in order."""
        kinds = self.w.block
        for child in container:
            kind = kinds.get(child.tag)
            if kind == _B_PARAGRAPH:
                self._body_paragraph(child)
            elif kind == _B_TABLE:
                self._body_table(child)
            elif kind == _B_SDT:
                content = self._sdt_content(child)
                if content is not None:
                    self.blocks_of(content)
            elif kind == _B_DESCEND:
                self.blocks_of(child)
            elif kind == _B_ALTERNATE:
                chosen = _alternate_choice(child)
                if chosen is not None:
                    self.blocks_of(chosen)
            elif kind == _B_ALTCHUNK:
                self._note(self._place_after(), ALTCHUNK_NOTE)

    def _body_paragraph(self, p: etree._Element) -> None:
        inline = _Inline()
        ppr = p.find(self._t_ppr)
        text = self._paragraph_text(p, ppr, inline)
        place = self._place_after()
        if text:
            self._paragraphs += 1
            place = f"第{self._paragraphs}段"
            self.blocks.append(Paragraph(text=text, place=place, heading=self._heading(ppr)))
        if inline.objects:
            self._note(place, OBJECT_NOTE)
        for box in inline.boxes:
            self.blocks_of(box)

    def _body_table(self, tbl: etree._Element) -> None:
        rows = self._children(tbl, self._t_tr)
        if not rows:
            return
        self._tables += 1
        self._table_place = f"表{self._tables}"  # where notes about the cells' content point
        self.blocks.append(self._table(rows, tbl, self._table_place))
        self._table_place = None

    def _place_after(self) -> str:
        if self._table_place:
            return self._table_place
        return f"第{self._paragraphs}段之后" if self._paragraphs else "正文开头"

    def _note(self, place: str, reason: str) -> None:
        if (place, reason) not in self.notes:
            self.notes.append((place, reason))

    # -- tables --------------------------------------------------------------------------------

    def _children(self, parent: etree._Element, tag: str) -> list[etree._Element]:
        """Rows of a table or cells of a row, including those wrapped in content controls."""
        found: list[etree._Element] = []
        for child in parent:
            if child.tag == tag:
                found.append(child)
            elif child.tag == self._t_sdt:
                content = self._sdt_content(child)
                if content is not None:
                    found.extend(self._children(content, tag))
            elif child.tag == self._t_customxml:
                found.extend(self._children(child, tag))
        return found

    def _table(self, rows: list[etree._Element], tbl: etree._Element, place: str) -> Table:
        w = self.w
        grid = tbl.find(w("tblGrid"))
        width = len(grid.findall(w("gridCol"))) if grid is not None else 0
        cells: list[_CellDraft] = []
        above: dict[int, _CellDraft] = {}  # cells whose bottom edge is the previous row, by column
        for r, tr in enumerate(rows):
            before, after = self._row_margins(tr)
            col = before
            current: dict[int, _CellDraft] = {}
            last: _CellDraft | None = None
            for tc in self._children(tr, self._t_tc):
                span, vmerge, hmerge = self._cell_props(tc)
                text = self._cell_text(tc)
                start = above.get(col)
                if vmerge == "continue" and start is not None:
                    start.rowspan = r - start.row + 1
                    start.add(text)
                    current[col] = start
                elif hmerge == "continue" and last is not None:
                    last.colspan += span
                    last.add(text)
                else:
                    last = _CellDraft(text=text, row=r, col=col, colspan=span)
                    cells.append(last)
                    current[col] = last
                col += span
            width = max(width, col + after)
            above = current
        n_rows = len(rows)
        self._cell_budget -= n_rows * width
        if self._cell_budget < 0:
            raise UnreadableDocument("文件中的表格过大（单元格总数超出上限），已拒绝")
        return Table(
            cells=tuple(c.freeze() for c in cells),
            n_rows=n_rows,
            n_cols=width,
            place=place,
        )

    def _row_margins(self, tr: etree._Element) -> tuple[int, int]:
        trpr = tr.find(self._t_trpr)
        if trpr is None:
            return 0, 0
        before = trpr.find(self.w("gridBefore"))
        after = trpr.find(self.w("gridAfter"))
        return (
            bounded_int(before.get(self._val), 0, 0, _MAX_SPAN) if before is not None else 0,
            bounded_int(after.get(self._val), 0, 0, _MAX_SPAN) if after is not None else 0,
        )

    def _cell_props(self, tc: etree._Element) -> tuple[int, str | None, str | None]:
        """``(gridSpan, vMerge, hMerge)`` of a cell; a merge is ``"restart"``, ``"continue"`` or None."""
        tcpr = tc.find(self._t_tcpr)
        if tcpr is None:
            return 1, None, None
        span = tcpr.find(self.w("gridSpan"))
        vmerge = tcpr.find(self.w("vMerge"))
        hmerge = tcpr.find(self.w("hMerge"))
        return (
            bounded_int(span.get(self._val), 1, 1, _MAX_SPAN) if span is not None else 1,
            (vmerge.get(self._val) or "continue") if vmerge is not None else None,
            (hmerge.get(self._val) or "continue") if hmerge is not None else None,
        )

    def _cell_text(self, tc: etree._Element) -> str:
        lines: list[str] = []
        self._cell_lines(tc, lines)
        return "\n".join(lines)

    def _cell_lines(self, container: etree._Element, lines: list[str]) -> None:
        """A cell's content as lines: its paragraphs, nested tables one row a line (cells joined
        with TAB), text boxes after their anchor paragraph. Empty lines are left out."""
        kinds = self.w.block
        for child in container:
            kind = kinds.get(child.tag)
            if kind == _B_PARAGRAPH:
                inline = _Inline()
                text = self._paragraph_text(child, child.find(self._t_ppr), inline)
                if text:
                    lines.extend(line.rstrip() for line in text.split("\n") if line.strip())
                if inline.objects:
                    self._note(self._place_after(), OBJECT_NOTE)
                for box in inline.boxes:
                    self._cell_lines(box, lines)
            elif kind == _B_TABLE:
                self._nested_table_lines(child, lines)
            elif kind == _B_SDT:
                content = self._sdt_content(child)
                if content is not None:
                    self._cell_lines(content, lines)
            elif kind == _B_DESCEND:
                self._cell_lines(child, lines)
            elif kind == _B_ALTERNATE:
                chosen = _alternate_choice(child)
                if chosen is not None:
                    self._cell_lines(chosen, lines)
            elif kind == _B_ALTCHUNK:
                self._note(self._place_after(), ALTCHUNK_NOTE)

    def _nested_table_lines(self, tbl: etree._Element, lines: list[str]) -> None:
        for tr in self._children(tbl, self._t_tr):
            texts = [self._cell_text(tc).replace("\n", " ") for tc in self._children(tr, self._t_tc)]
            line = "\t".join(texts).rstrip()
            if line.strip():
                lines.append(line)

    # -- paragraphs ----------------------------------------------------------------------------

    def _heading(self, ppr: etree._Element | None) -> int | None:
        if ppr is None:
            return self.styles.heading(None)
        outline = ppr.find(self._t_outline)
        if outline is not None:
            level = bounded_int(outline.get(self._val), 9, 0, 9)
            return level + 1 if level < 9 else None
        return self.styles.heading(self._style_id(ppr))

    def _style_id(self, ppr: etree._Element | None) -> str | None:
        if ppr is None:
            return None
        style = ppr.find(self._t_pstyle)
        return style.get(self._val) if style is not None else None

    def _number_label(self, ppr: etree._Element | None) -> str:
        style_id = self._style_id(ppr)
        num_id, ilvl = num_pr(ppr.find(self._t_numpr), self.w) if ppr is not None else (None, None)
        style_num, style_ilvl = self.styles.numbering(style_id)
        if num_id is None:
            num_id = style_num
            if ilvl is None:
                ilvl = style_ilvl
        if num_id is None or num_id == "0":
            return ""
        if ilvl is None:
            ilvl = style_ilvl if style_ilvl is not None else self.numbering.level_for_style(num_id, style_id)
        return self.numbering.next_label(num_id, ilvl)

    def _paragraph_text(self, p: etree._Element, ppr: etree._Element | None, inline: _Inline) -> str:
        """The paragraph as printed (its number included), cleaned; ``""`` when it shows nothing."""
        label = self._number_label(ppr)
        self._walk(p, inline)
        # A field code never spans paragraphs; a broken field must not swallow what follows.
        if self._in_code:
            self._fields = [False] * len(self._fields)
            self._in_code = 0
        text = "".join(inline.parts).lstrip("\n").rstrip()
        if not text.strip():
            return ""
        text = clean_text(label + text)
        return text if text.strip() else ""

    def _walk(self, parent: etree._Element, inline: _Inline) -> None:
        kinds = self.w.inline
        parts = inline.parts
        for child in parent:
            kind = kinds.get(child.tag)
            if kind is None:
                continue
            if kind >= _VISIBLE and self._in_code:
                continue
            if kind == _TEXT:
                text = child.text
                if text:
                    parts.append(self._symbol_text(parent, text) if text[0] in _SYMBOL_CANDIDATES else text)
            elif kind == _RUN:
                self._run(child, inline)
            elif kind == _DESCEND:
                self._walk(child, inline)
            elif kind == _TAB:
                parts.append("\t")
            elif kind == _BREAK:
                parts.append("\n")
            elif kind == _FLDCHAR:
                self._field_char(child, parts)
            elif kind == _SDT:
                self._inline_sdt(child, inline)
            elif kind == _ALTERNATE:
                chosen = _alternate_choice(child)
                if chosen is not None:
                    self._walk(chosen, inline)
            elif kind == _SYM:
                parts.append(_sym_char(child.get(self.w("font")), _hex(child.get(self.w("char")))))
            elif kind == _HYPHEN:
                parts.append("-")
            elif kind == _DRAWING:
                self._drawing(child, inline)
            elif kind in {_PICT, _OBJECT}:
                self._vml(child, inline, is_object=kind == _OBJECT)
            elif kind == _MATH:
                parts.append(_math_text(child))
            elif kind == _RUBY:
                base = child.find(self.w("rubyBase"))
                if base is not None:
                    self._walk(base, inline)

    def _run(self, run: etree._Element, inline: _Inline) -> None:
        first = run[0] if len(run) else None
        if first is not None and first.tag == self._t_rpr and on_off(first.find(self._t_vanish), self._val):
            # Hidden text is not printed; its field characters still open and close fields.
            for child in run:
                if self.w.inline.get(child.tag) == _FLDCHAR:
                    self._field_char(child, inline.parts)
            return
        self._walk(run, inline)

    def _symbol_text(self, run: etree._Element, text: str) -> str:
        """Text typed in a symbol font (“þ” in Wingdings is a ticked box) as the glyph it shows."""
        if not all(ch in _SYMBOL_CANDIDATES for ch in text):
            return text
        font = self._run_font(run)
        private = any(ord(ch) >= 0xF000 for ch in text)
        if font is None and not private:
            return text
        return "".join(_symbol_glyph(font, ord(ch)) for ch in text)

    def _run_font(self, run: etree._Element) -> str | None:
        rpr = run.find(self._t_rpr)
        fonts = rpr.find(self._t_rfonts) if rpr is not None else None
        if fonts is None:
            return None
        for attribute in ("ascii", "hAnsi", "eastAsia", "cs"):
            name = (fonts.get(self.w(attribute)) or "").strip().lower()
            if name in _SYMBOL_FONTS:
                return name
        return None

    def _field_char(self, fld: etree._Element, parts: list[str]) -> None:
        kind = fld.get(self.w("fldCharType"))
        if kind == "begin":
            if not self._in_code:
                parts.append(self._form_field(fld))
            self._fields.append(True)
            self._in_code += 1
        elif kind == "separate":
            if self._fields and self._fields[-1]:
                self._fields[-1] = False
                self._in_code -= 1
        elif kind == "end" and self._fields and self._fields.pop():
            self._in_code -= 1

    def _form_field(self, fld: etree._Element) -> str:
        """What a legacy form field shows at its start: a check box's state, a drop-down's choice."""
        data = fld.find(self.w("ffData"))
        if data is None:
            return ""
        box = data.find(self.w("checkBox"))
        if box is not None:
            checked = box.find(self.w("checked"))
            state = box.find(self.w("default")) if checked is None else checked
            return CHECKED if on_off(state, self._val) else UNCHECKED
        drop = data.find(self.w("ddList"))
        if drop is not None:
            entries = [e.get(self._val, "") for e in drop.findall(self.w("listEntry"))]
            chosen = drop.find(self.w("result"))
            if chosen is None:
                chosen = drop.find(self.w("default"))
            index = bounded_int(chosen.get(self._val), 0, 0, 10_000) if chosen is not None else 0
            return entries[index] if index < len(entries) else ""
        return ""

    def _sdt_content(self, sdt: etree._Element) -> etree._Element | None:
        """A content control's content, or ``None`` while it shows only its placeholder prompt."""
        props = sdt.find(self._t_sdtpr)
        if props is not None and props.find(self.w("showingPlcHdr")) is not None:
            return None
        return sdt.find(self._t_sdtcontent)

    def _inline_sdt(self, sdt: etree._Element, inline: _Inline) -> None:
        props = sdt.find(self._t_sdtpr)
        box = props.find(f"{{{_NS_W14}}}checkbox") if props is not None else None
        if box is not None:
            # The content holds the glyph Word draws for the state; the state itself is here.
            checked = box.find(f"{{{_NS_W14}}}checked")
            on = checked is not None and (checked.get(f"{{{_NS_W14}}}val") or "").lower() in _TRUE
            inline.parts.append(CHECKED if on else UNCHECKED)
            return
        content = self._sdt_content(sdt)
        if content is not None:
            self._walk(content, inline)

    def _drawing(self, drawing: etree._Element, inline: _Inline) -> None:
        for data in drawing.iter(f"{{{_NS_DRAWING}}}graphicData"):
            uri = data.get("uri", "")
            if "chart" in uri or "diagram" in uri:
                inline.objects += 1
        self._collect_boxes(drawing, inline)

    def _vml(self, element: etree._Element, inline: _Inline, *, is_object: bool) -> None:
        if is_object or element.find(f".//{{{_NS_OFFICE}}}OLEObject") is not None:
            inline.objects += 1
        self._collect_boxes(element, inline)

    def _collect_boxes(self, element: etree._Element, inline: _Inline) -> None:
        """Text boxes of a shape, outermost only (inner ones are read with their outer box)."""
        for box in element.iter(self._t_txbx):
            ancestor = box.getparent()
            while ancestor is not None and ancestor is not element and ancestor.tag != self._t_txbx:
                ancestor = ancestor.getparent()
            if ancestor is None or ancestor is element:
                inline.boxes.append(box)


@dataclass(slots=True)
class _CellDraft:
    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1

    def add(self, text: str) -> None:
        """Text found in a position merged into this cell (Word keeps it, hidden or not)."""
        if text:
            self.text = f"{self.text}\n{text}" if self.text else text

    def freeze(self) -> Cell:
        return Cell(text=self.text, row=self.row, col=self.col, rowspan=self.rowspan, colspan=self.colspan)


def _hex(value: str | None) -> int:
    """``w:sym/@w:char`` is hexadecimal (``F0FE``); 0 when missing or malformed."""
    try:
        return int(value, 16) if value else 0
    except ValueError:
        return 0


# ---------------------------------------------------------------------------------------------
# Equations (OMML): linear text, fractions as a/b


_M_T = f"{{{_NS_MATH}}}t"
_M_F = f"{{{_NS_MATH}}}f"
_M_NUM = f"{{{_NS_MATH}}}num"
_M_DEN = f"{{{_NS_MATH}}}den"


def _math_text(element: etree._Element) -> str:
    if element.tag == _M_T:
        return element.text or ""
    if element.tag == _M_F:
        num = element.find(_M_NUM)
        den = element.find(_M_DEN)
        top = _math_text(num) if num is not None else ""
        bottom = _math_text(den) if den is not None else ""
        return f"{_math_group(top)}/{_math_group(bottom)}"
    return "".join(_math_text(child) for child in element)


def _math_group(text: str) -> str:
    return f"({text})" if any(op in text for op in "+-−×÷/ ") else text
