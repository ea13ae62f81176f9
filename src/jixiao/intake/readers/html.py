"""Web pages: ``.html``/``.htm`` saved from a portal, and ``.mht`` (a page and its parts in one file).

The page is parsed with ``lxml.html`` (libxml2's HTML parser, which repairs the tag soup portals
publish) and walked in document order into paragraphs and tables:

- **dropped**: scripts, styles, forms' controls, what the page hides (``hidden``,
  ``display:none``, ``visibility:hidden``), and the page furniture around the report —
  ``nav``/``footer``/``aside`` elements and elements whose ``id`` or ``class`` names navigation,
  a menu, a breadcrumb, a footer or a copyright notice;
- **paragraphs**: block elements (``p``, ``div``, ``li``, headings…) and ``<br>`` end a line;
  white space collapses as a browser shows it; ``h1``–``h6`` keep their level;
- **tables**: a table whose cells hold another table is page layout, and its cells are read as
  the page itself (portals wrap the report in layout tables); a one-cell table likewise. Any other
  table is a grid: ``rowspan``/``colspan`` become :class:`~jixiao.intake.document.Cell` spans
  (the HTML table algorithm: a cell takes the first free position of its row), ``<br>`` and block
  elements inside a cell become lines of the cell's text;
- **check boxes**: ``<input type="checkbox">`` (or radio) is ``☑`` when ``checked``, else ``☐``.

Encoding: a byte-order mark, else the ``charset`` of a ``<meta>`` in the first bytes (what the
page declares; GBK/GB2312 pages are read as GB18030, their superset), else UTF-8 when it decodes,
else GB18030. An ``.mht`` file is a MIME message: its first ``text/html`` part is the page,
decoded from quoted-printable or base64 with the part's charset.

Safety: the size limit is checked before reading; spans are capped at HTML's own limits (1000
columns, 65534 rows, and never past the table's last row); the grid positions of all tables count
against ``Limits.max_cells`` (a table with absurd spans is refused, not expanded); elements nested
deeper than :data:`_MAX_DEPTH` are read as plain text with a note; past libxml2's own limit (256
levels) the parser stops, and what it could not read is reported as a note (or the page refused
when nothing before it was read).
"""

from __future__ import annotations

import codecs
import email
import email.policy
import re
from dataclasses import dataclass
from dataclasses import field
from email.message import Message
from pathlib import Path

from lxml import etree
from lxml import html as lxml_html

from jixiao.intake.document import CHECKED
from jixiao.intake.document import UNCHECKED
from jixiao.intake.document import Block
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.document import cleaned
from jixiao.intake.limits import Limits
from jixiao.intake.recover import recover_forms

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CHINESE_LEGACY = {"gbk", "gb2312", "gb_2312-80", "x-gbk", "euc-cn", "cp936", "gb18030", "hz-gb-2312"}
_SKIP_TAGS = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "nav", "footer",
    "aside", "iframe", "object", "embed", "select", "option", "button", "textarea",
    "svg", "canvas", "map", "area",
}  # fmt: skip
_FURNITURE = {
    "nav",
    "navbar",
    "menu",
    "footer",
    "breadcrumb",
    "crumb",
    "crumbs",
    "copyright",
    "topbar",
    "sidebar",
}
_BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "body", "html", "li", "ul", "ol", "dl", "dt", "dd",
    "blockquote", "pre", "center", "form", "fieldset", "address", "figure", "figcaption", "caption",
    "header", "hr", "tr", "td", "th", "tbody", "thead", "tfoot",
}  # fmt: skip
_TABLE_PARTS = {"table", "thead", "tbody", "tfoot", "tr", "td", "th", "colgroup", "col"}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_TOKEN = re.compile(r"[\s_\-]+")
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_MAX_COLSPAN = 1000
_MAX_ROWSPAN = 65534
_MAX_DEPTH = 200
DEPTH_NOTE = "网页元素嵌套过深，更深处的内容只按纯文本读取"
LIMIT_NOTE = "网页元素嵌套超过解析器上限（256 层），该处之后的内容未能读取"


def decode_html(data: bytes, declared: str | None = None) -> str:
    """The page's text (see the module docstring for the order the encoding is chosen in)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    candidates: list[str] = []
    match = _META_CHARSET.search(data[:8192])
    for name in (declared, match.group(1).decode("ascii") if match else None):
        if name:
            candidates.append("gb18030" if name.lower() in _CHINESE_LEGACY else name)
    for encoding in [*candidates, "utf-8"]:
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("gb18030", errors="replace")


def read_html(path: Path, limits: Limits) -> Document:
    """Read a saved web page into paragraphs and tables."""
    data = _bytes(path)
    return parse_html(decode_html(data), path, "html", limits)


def read_mht(path: Path, limits: Limits) -> Document:
    """Read an ``.mht``/``.mhtml`` web archive: its first HTML part is the page."""
    data = _bytes(path)
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    part = _html_part(message)
    if part is None:
        raise UnreadableDocument("网页归档（.mht）中没有找到 HTML 网页内容")
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes) or not payload.strip():
        raise UnreadableDocument("网页归档（.mht）中的网页内容为空或无法解码")
    return parse_html(decode_html(payload, part.get_content_charset()), path, "mht", limits)


def _bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件（{exc.strerror or exc}）") from None


def _html_part(message: Message) -> Message | None:
    for part in message.walk():
        if part.get_content_type() == "text/html":
            return part
    return None


def parse_html(text: str, path: Path, fmt: str, limits: Limits) -> Document:
    """Parse page text into a :class:`Document` (``fmt`` is ``"html"`` or ``"mht"``)."""
    if not text.strip():
        raise UnreadableDocument("网页没有任何内容")
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str with an encoding declaration
    parser = lxml_html.HTMLParser()
    try:
        root = lxml_html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocument(f"网页无法解析（{exc}）") from None
    doc = Document(path=str(path), format=fmt)
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        doc.notes.append(("网页", LIMIT_NOTE))
    title = root.findtext(".//title")
    if title and title.strip():
        doc.title = cleaned(title)[0]
    walker = _Walker(limits)
    walker.walk(root, 0)
    walker.flush()
    doc.blocks = walker.blocks
    doc.notes.extend(walker.notes)
    if not doc.blocks:
        raise UnreadableDocument("网页没有可读的正文（只有导航、脚本或空白）")
    # Forms a page prints as running text (issue 13 part 2, jixiao.intake.recover).
    doc.blocks, recovered = recover_forms(doc.blocks)
    doc.notes.extend(recovered)
    return doc


def _skipped(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag.lower() in _SKIP_TAGS or el.get("hidden") is not None:
        return True
    style = el.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    names = f"{el.get('id') or ''} {el.get('class') or ''}".lower()
    if not names.strip():
        return False
    return any(token in _FURNITURE for token in _TOKEN.split(names))


def _span(value: str | None, cap: int, zero: int) -> int:
    """A span attribute: a whole number, at most ``cap``; ``0`` means ``zero`` (HTML: a rowspan
    of 0 reaches the table's end, a colspan of 0 is 1)."""
    try:
        n = int((value or "1").strip().split(".")[0] or "1")
    except ValueError:
        return 1
    return zero if n == 0 else min(max(n, 1), cap)


@dataclass(slots=True)
class _Walker:
    """Walks the page into blocks; with ``lines_only`` (a table cell's content) it only collects
    the lines as written, in ``lines``."""

    limits: Limits
    lines_only: bool = False
    lines: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)
    buf: list[str] = field(default_factory=list)
    paragraphs: int = 0
    tables: int = 0
    cells_left: int = 0
    deep_noted: bool = False

    def __post_init__(self) -> None:
        self.cells_left = self.limits.max_cells

    def flush(self, heading: int | None = None) -> None:
        written = _SPACE.sub(" ", "".join(self.buf)).strip()
        self.buf.clear()
        if not written:
            return
        if self.lines_only:
            self.lines.append(written)
            return
        text, original = cleaned(written)
        if text:
            self.paragraphs += 1
            self.blocks.append(
                Paragraph(text=text, place=f"第{self.paragraphs}段", heading=heading, original=original)
            )

    def walk(self, el: etree._Element, depth: int) -> None:
        """Emit ``el``'s content (not its tail) as blocks."""
        if depth > _MAX_DEPTH:
            self.buf.append(" ".join(el.itertext()))
            if not self.deep_noted:
                self.deep_noted = True
                self.notes.append(("网页", DEPTH_NOTE))
            return
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table" and not self.lines_only:
            self.flush()
            self.table(el, depth)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "input":
            if (el.get("type") or "").lower() in {"checkbox", "radio"}:
                self.buf.append(CHECKED if el.get("checked") is not None else UNCHECKED)
            return
        heading = _HEADINGS.get(tag)
        block = heading is not None or tag in _BLOCK_TAGS
        if block:
            self.flush()
        if el.text:
            self.buf.append(el.text)
        for child in el:
            if isinstance(child.tag, str) and not _skipped(child):
                self.walk(child, depth + 1)
            if child.tail:
                self.buf.append(child.tail)
        if block:
            self.flush(heading)

    def table(self, el: etree._Element, depth: int) -> None:
        self._stray(el, depth)
        rows = _rows(el)
        cells = [td for tr in rows for td in _cells(tr)]
        layout = len(cells) <= 1 or any(td.find(".//table") is not None for td in cells)
        if layout:
            for tr in rows:
                for td in _cells(tr):
                    self.walk(td, depth + 1)
                    self.flush()
            return
        self.tables += 1
        self.blocks.append(self._grid(rows, f"表{self.tables}"))

    def _stray(self, el: etree._Element, depth: int) -> None:
        """What a table holds outside its cells (a caption, text between rows), read before it as
        a browser shows it."""
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if el.text and tag in _TABLE_PARTS:
            self.buf.append(el.text)
        for child in el:
            child_tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if child_tag in _TABLE_PARTS - {"td", "th", "table"}:
                self._stray(child, depth + 1)
            elif child_tag not in {"td", "th"} and isinstance(child.tag, str) and not _skipped(child):
                self.walk(child, depth + 1)
            if child.tail and tag in _TABLE_PARTS:
                self.buf.append(child.tail)
        if tag == "table":
            self.flush()

    def _cell_text(self, td: etree._Element) -> str:
        """A cell's text as written: lines at ``<br>`` and block elements."""
        cell = _Walker(self.limits, lines_only=True)
        cell.walk(td, 0)
        cell.flush()
        return "\n".join(cell.lines)

    def _grid(self, rows: list[etree._Element], place: str) -> Table:
        taken: set[tuple[int, int]] = set()
        out: list[Cell] = []
        width = 0
        n_rows = len(rows)
        for r, tr in enumerate(rows):
            c = 0
            for td in _cells(tr):
                while (r, c) in taken:
                    c += 1
                colspan = _span(td.get("colspan"), _MAX_COLSPAN, 1)
                rowspan = min(_span(td.get("rowspan"), _MAX_ROWSPAN, _MAX_ROWSPAN), n_rows - r)
                self.cells_left -= colspan * rowspan
                if self.cells_left < 0:
                    raise UnreadableDocument("网页中的表格过大（单元格总数超出上限，疑似恶意构造），已拒绝")
                for dr in range(rowspan):
                    for dc in range(colspan):
                        taken.add((r + dr, c + dc))
                text, original = cleaned(self._cell_text(td))
                if text or colspan > 1 or rowspan > 1:
                    out.append(Cell(text, r, c, rowspan, colspan, original=original))
                c += colspan
                width = max(width, c)
        return Table(cells=tuple(out), n_rows=n_rows, n_cols=width, place=place)


def _rows(table: etree._Element) -> list[etree._Element]:
    """The table's own rows (not those of tables nested in its cells). Cells a page puts straight
    into the table or a row group, without a ``<tr>``, form one row there (the parser keeps them
    where they were written)."""
    rows: list[etree._Element] = []

    def collect(container: etree._Element) -> None:
        loose = False
        for child in container:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag == "tr":
                rows.append(child)
                loose = False
            elif tag in {"thead", "tbody", "tfoot"}:
                collect(child)
                loose = False
            elif tag in {"td", "th"} and not loose:
                rows.append(container)
                loose = True

    collect(table)
    return rows


def _cells(tr: etree._Element) -> list[etree._Element]:
    return [td for td in tr if isinstance(td.tag, str) and td.tag.lower() in {"td", "th"}]
