"""Small Word files for the Word reader's tests.

python-docx writes a real package (content types, relationships, styles, numbering, core
properties); the body, numbering definitions and extra styles are raw WordprocessingML, because
python-docx cannot write merges, content controls, fields, text boxes or tracked changes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import qn

W_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

NSDECL = " ".join(
    f'xmlns:{prefix}="{uri}"'
    for prefix, uri in {
        "w": W_MAIN,
        "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
        "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
        "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
        "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
        "v": "urn:schemas-microsoft-com:vml",
        "o": "urn:schemas-microsoft-com:office:office",
        "m": "http://schemas.openxmlformats.org/officeDocument/2006/math",
    }.items()
)


def run(text: str, rpr: str = "") -> str:
    """A run of text (``rpr`` is raw run-property XML)."""
    props = f"<w:rPr>{rpr}</w:rPr>" if rpr else ""
    return f'<w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(*content: str, ppr: str = "") -> str:
    """A paragraph; plain strings are runs of text, strings starting with ``<`` are raw XML."""
    props = f"<w:pPr>{ppr}</w:pPr>" if ppr else ""
    inner = "".join(c if c.startswith("<") else run(c) for c in content)
    return f"<w:p>{props}{inner}</w:p>"


def numbered(text: str, num_id: int, ilvl: int = 0) -> str:
    return para(text, ppr=f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def styled(text: str, style_id: str) -> str:
    return para(text, ppr=f'<w:pStyle w:val="{style_id}"/>')


def cell(*content: str, span: int = 1, vmerge: str | None = None) -> str:
    """A table cell; ``content`` as for :func:`para` (each item its own paragraph) or raw ``<w:…``
    blocks. ``vmerge`` is ``"restart"`` or ``"continue"``."""
    props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    blocks = "".join(
        c if c.startswith(("<w:p>", "<w:p ", "<w:tbl>", "<w:sdt>")) else para(c) for c in content
    )
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{blocks or '<w:p/>'}</w:tc>"


def row(*cells: str, before: int = 0, after: int = 0) -> str:
    props = ""
    if before:
        props += f'<w:gridBefore w:val="{before}"/>'
    if after:
        props += f'<w:gridAfter w:val="{after}"/>'
    return f"<w:tr>{f'<w:trPr>{props}</w:trPr>' if props else ''}{''.join(cells)}</w:tr>"


def table(*rows: str, grid: int | None = None) -> str:
    cols = "<w:tblGrid>" + '<w:gridCol w:w="1000"/>' * grid + "</w:tblGrid>" if grid else ""
    return f"<w:tbl><w:tblPr/>{cols}{''.join(rows)}</w:tbl>"


def checkbox(checked: bool) -> str:
    """A Word 2010 checkbox content control, its glyph as Word draws it (☒/☐ in MS Gothic)."""
    glyph = "☒" if checked else "☐"
    return (
        "<w:sdt><w:sdtPr><w14:checkbox>"
        f'<w14:checked w14:val="{int(checked)}"/>'
        '<w14:checkedState w14:val="2612" w14:font="MS Gothic"/>'
        '<w14:uncheckedState w14:val="2610" w14:font="MS Gothic"/>'
        f"</w14:checkbox></w:sdtPr><w:sdtContent>{run(glyph)}</w:sdtContent></w:sdt>"
    )


def field(code: str, result: str) -> str:
    """A complex field: begin, code, separate, result, end."""
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {escape(code)} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{run(result)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def text_box(text: str) -> str:
    """A run holding a DrawingML text box with its VML fallback, as Word 2010+ writes it."""
    content = f"<w:txbxContent>{para(text)}</w:txbxContent>"
    return (
        "<w:r><mc:AlternateContent>"
        '<mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>'
        '<a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f"<wps:wsp><wps:txbx>{content}</wps:txbx></wps:wsp>"
        "</a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>"
        f"<mc:Fallback><w:pict><v:shape><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r>"
    )


def make_docx(
    path: Path,
    body: str,
    *,
    numbering: str | None = None,
    styles: str = "",
    title: str | None = None,
) -> Path:
    """Write a .docx whose body is ``body`` (raw XML); ``numbering`` replaces the template's list
    definitions, ``styles`` adds ``w:style`` elements."""
    document = docx.Document()
    body_element = document.element.body
    section = body_element.find(qn("w:sectPr"))
    for child in list(body_element):
        if child is not section:
            body_element.remove(child)
    for child in list(parse_xml(f"<w:body {NSDECL}>{body}</w:body>")):
        section.addprevious(child)
    if numbering is not None:
        numbering_element = document.part.numbering_part.element
        for child in list(numbering_element):
            numbering_element.remove(child)
        for child in list(parse_xml(f"<w:numbering {NSDECL}>{numbering}</w:numbering>")):
            numbering_element.append(child)
    if styles:
        for child in list(parse_xml(f"<w:styles {NSDECL}>{styles}</w:styles>")):
            document.styles.element.append(child)
    if title is not None:
        document.core_properties.title = title
    document.save(str(path))
    return path


def replace_part(source: Path, target: Path, name: str, data: bytes) -> Path:
    """A copy of the package ``source`` with part ``name`` replaced by ``data``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != name:
                out.writestr(info.filename, src.read(info.filename))
        out.writestr(name, data)
    return target


def zip_bomb_docx(source: Path, target: Path, padding_mb: int) -> Path:
    """A copy of ``source`` whose document.xml is one valid paragraph padded with ``padding_mb``
    MB of spaces, written in chunks so the test itself never holds the padding in memory."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {NSDECL}><w:body><w:p><w:r><w:t xml:space="preserve">'
    tail = "</w:t></w:r></w:p></w:body></w:document>"
    chunk = b" " * (1024 * 1024)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, src.read(info.filename))
        with out.open("word/document.xml", "w") as fh:
            fh.write(head.encode())
            for _ in range(padding_mb):
                fh.write(chunk)
            fh.write(tail.encode())
    return target


def entity_bomb_xml(prolog_padding: int = 0) -> bytes:
    """A document.xml with “billion laughs” entities; ``prolog_padding`` bytes of comment before
    the DOCTYPE push it past a check that looks only at a part's first bytes."""
    levels = ['<!ENTITY lol0 "lol">']
    levels += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    comment = f"<!--{'x' * prolog_padding}-->" if prolog_padding else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"{comment}<!DOCTYPE w:document [{''.join(levels)}]>"
        f"<w:document {NSDECL}><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
