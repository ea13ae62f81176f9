"""PDFs for the PDF reader's tests, built here rather than stored.

- Word files written with python-docx and exported by LibreOffice (real text layers, ruled tables,
  a table that runs over a page break, an encrypted export);
- a raw PDF writer for what no office suite writes on purpose: fonts without a Unicode map
  (pdfminer prints ``(cid:N)`` for their glyphs), pages with and without text.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from jixiao.intake.readers import libreoffice

# ---------------------------------------------------------------------------------------------
# Word documents → PDF
# ---------------------------------------------------------------------------------------------


def _repeat_header(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _cant_split(row: object) -> None:
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))


def long_table_docx(path: Path, n_rows: int = 60, merge: tuple[int, int] = (20, 45)) -> Path:
    """A report whose indicator table runs over a page break.

    Columns 一级指标 / 三级指标 / 目标值 / 得分; the header row repeats on every page; the first
    column is merged vertically over rows ``merge`` (1-based data rows, inclusive), across the
    break; a paragraph follows the table.
    """
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(11)  # type: ignore[attr-defined]
    document.add_paragraph("一、项目基本情况")
    document.add_paragraph("本项目的绩效指标完成情况见下表。" * 3)
    table = document.add_table(rows=n_rows + 1, cols=4)
    table.style = "Table Grid"
    for i, text in enumerate(["一级指标", "三级指标", "年初目标值", "得分"]):
        table.cell(0, i).text = text
    _repeat_header(table.rows[0])
    for r in range(1, n_rows + 1):
        _cant_split(table.rows[r])
        table.cell(r, 1).text = f"指标第{r}项完成情况"
        table.cell(r, 2).text = f"{r * 10}%"
        table.cell(r, 3).text = f"{r}"
    first, last = merge
    for r in range(1, n_rows + 1):
        if not first <= r <= last:
            table.cell(r, 0).text = "产出指标"
    merged = table.cell(first, 0).merge(table.cell(last, 0))
    merged.text = "效益指标"
    document.add_paragraph("二、自评结论：项目完成情况良好。")
    document.save(str(path))
    return path


def grouped_table_docx(path: Path, n_rows: int = 60, group: int = 7) -> Path:
    """A table over page breaks whose first column is merged in groups of ``group`` rows, each
    labelled at its top (``组1``, ``组2``, …). The table has no bottom border of its own (as the
    indicator table of jixiao's 自评表, which the next table closes), so wherever a page break
    falls inside a group, that group's part on the first page is drawn open at the bottom, with
    its label inside."""
    document = docx.Document()
    document.add_paragraph("绩效指标完成情况")
    table = document.add_table(rows=n_rows + 1, cols=3)
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        line.set(qn("w:val"), "nil" if side == "bottom" else "single")
        if side != "bottom":
            line.set(qn("w:sz"), "4")
        borders.append(line)
    table._tbl.tblPr.append(borders)  # type: ignore[attr-defined]
    for i, text in enumerate(["一级指标", "三级指标", "得分"]):
        table.cell(0, i).text = text
    _repeat_header(table.rows[0])
    for r in range(1, n_rows + 1):
        _cant_split(table.rows[r])
        table.cell(r, 1).text = f"指标第{r}项"
        table.cell(r, 2).text = f"{r}"
    for first in range(1, n_rows + 1, group):
        last = min(first + group - 1, n_rows)
        merged = table.cell(first, 0).merge(table.cell(last, 0))
        merged.text = f"组{(first - 1) // group + 1}"
    document.save(str(path))
    return path


CUT_NAME = "第{r}项：组织开展社区居民文化体育健身活动并做好宣传动员、场地协调与组织保障工作的完成率"


def cut_rows_docx(path: Path, n_rows: int = 40, group: int = 9) -> Path:
    """A table whose rows may break across pages, as Word and LibreOffice allow by default:
    columns 一级指标 / 三级指标 / 目标值 / 分值 / 得分, the header repeated on every page, each
    三级指标 name (:data:`CUT_NAME`) two or three lines long, so that a page break falls inside a
    row and the rest of its name goes to the next page with the other cells empty there. The first
    column is merged in groups of ``group`` rows, so some cut rows also cut a merged label."""
    document = docx.Document()
    document.add_paragraph("2023年度社区文体服务项目绩效自评表")
    table = document.add_table(rows=n_rows + 1, cols=5)
    table.style = "Table Grid"
    for i, text in enumerate(["一级指标", "三级指标", "目标值", "分值", "得分"]):
        table.cell(0, i).text = text
    _repeat_header(table.rows[0])
    for r in range(1, n_rows + 1):
        table.cell(r, 1).text = CUT_NAME.format(r=r)
        table.cell(r, 2).text = "≥90%"
        table.cell(r, 3).text = "2"
        table.cell(r, 4).text = "2"
    for first in range(1, n_rows + 1, group):
        last = min(first + group - 1, n_rows)
        merged = table.cell(first, 0).merge(table.cell(last, 0))
        merged.text = "产出指标" if first == 1 else f"效益指标{(first - 1) // group}"
    document.add_paragraph("二、自评结论：项目完成情况良好。")
    document.save(str(path))
    return path


# Column edges (points) of :func:`two_page_table_pdf`: 三级指标 200 wide, then 目标值, 完成值,
# 分值, 得分. With 10-point glyphs and 3 points of padding, a line of 19 characters fills the first.
DRAWN_XS = (60.0, 260.0, 340.0, 420.0, 470.0, 520.0)
DRAWN_HEADER = [["三级指标"], ["目标值"], ["完成值"], ["分值"], ["得分"]]


def two_page_table_pdf(path: Path, first: list[list[list[str]]], second: list[list[list[str]]]) -> Path:
    """A ruled table drawn with ReportLab over two pages, exactly as given: ``first`` ends page 1
    at its bottom margin, ``second`` starts page 2; each row is its cells, each cell its lines
    (drawn from the cell's top, 10 points, left-aligned). What a page break does to a row is then
    chosen by the test, not by a word processor's pagination."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    drawing = canvas.Canvas(str(path), pagesize=(595.0, 842.0))

    def rows(top: float, table: list[list[list[str]]]) -> None:
        drawing.setFont("STSong-Light", 10)
        y = top
        for cells in table:
            height = max(1, *(len(lines) for lines in cells)) * 14 + 6
            drawing.line(DRAWN_XS[0], y, DRAWN_XS[-1], y)
            for x, lines in zip(DRAWN_XS, cells, strict=False):
                for k, line in enumerate(lines):
                    drawing.drawString(x + 3, y - 14 * (k + 1), line)
            y -= height
        drawing.line(DRAWN_XS[0], y, DRAWN_XS[-1], y)
        for x in DRAWN_XS:
            drawing.line(x, top, x, y)

    drawing.setFont("STSong-Light", 14)
    drawing.drawString(150, 800, "2023年度社区养老服务项目绩效自评表")
    rows(780, first)
    drawing.showPage()
    rows(800, second)
    drawing.showPage()
    drawing.save()
    return path


def paged_docx(path: Path, pages: list[str | None], image: Path | None = None) -> Path:
    """One page per entry: a paragraph of text, or (``None``) only the picture ``image``."""
    document = docx.Document()
    for i, text in enumerate(pages):
        if i:
            document.add_page_break()
        if text is None:
            assert image is not None
            document.add_picture(str(image))
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def to_pdf(source: Path, outdir: Path) -> Path:
    """Export with LibreOffice (what the project itself uses to convert)."""
    return libreoffice.convert(source, "pdf", outdir, 120)


def encrypted_pdf(source: Path, outdir: Path, open_password: str | None, owner_password: str | None) -> Path:
    """Export ``source`` to a PDF with an open password and/or an owner (permissions) password."""
    options = []
    if open_password:
        options.append(
            f'"EncryptFile":{{"type":"boolean","value":"true"}},'
            f'"DocumentOpenPassword":{{"type":"string","value":"{open_password}"}}'
        )
    if owner_password:
        options.append(
            f'"RestrictPermissions":{{"type":"boolean","value":"true"}},'
            f'"PermissionPassword":{{"type":"string","value":"{owner_password}"}},'
            f'"EnableCopyingOfContent":{{"type":"boolean","value":"false"}}'
        )
    target = "pdf:writer_pdf_Export:{" + ",".join(options) + "}"
    exe = libreoffice.soffice()
    assert exe is not None
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-test-lo-") as profile:
        staged = Path(profile) / f"input{source.suffix}"
        shutil.copyfile(source, staged)
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation={Path(profile, 'user').as_uri()}",
                "--headless",
                "--norestore",
                "--convert-to",
                target,
                "--outdir",
                str(outdir),
                str(staged),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp"},
        )
    produced = outdir / "input.pdf"
    final = outdir / f"{source.stem}.pdf"
    produced.replace(final)
    return final


# ---------------------------------------------------------------------------------------------
# Raw PDFs
# ---------------------------------------------------------------------------------------------

# Helvetica: one of the 14 standard fonts, mapped to Unicode by every reader.
HELVETICA = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
# A composite font with Identity-H encoding, no ToUnicode map and no embedded font program: its
# two-byte codes mean nothing to any text extractor.
UNMAPPED = (
    "<< /Type /Font /Subtype /Type0 /BaseFont /Unmapped /Encoding /Identity-H /DescendantFonts [<< "
    "/Type /Font /Subtype /CIDFontType2 /BaseFont /Unmapped "
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
    "/FontDescriptor << /Type /FontDescriptor /FontName /Unmapped /Flags 4 "
    "/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >> "
    "/DW 1000 >>] >>"
)


def text_ops(lines: list[str], font: str = "/F1", size: int = 12) -> str:
    """Content-stream operators drawing ASCII ``lines`` from the top of a 300×300 page."""
    ops = []
    for i, line in enumerate(lines):
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"BT {font} {size} Tf 20 {260 - i * 20} Td ({escaped}) Tj ET")
    return "\n".join(ops)


def placed_ops(items: list[tuple[float, float, str, str]], size: int = 12) -> str:
    """Operators drawing each ``(x, y, font, text)``: ASCII or Latin-1 text at PDF coordinates."""
    ops = []
    for x, y, font, text in items:
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        ops.append(f"BT {font} {size} Tf {x} {y} Td ({escaped}) Tj ET")
    return "\n".join(ops)


def garbled_ops(n_glyphs: int = 12, size: int = 12) -> str:
    """Operators drawing ``n_glyphs`` two-byte codes in the unmapped font ``/F2``."""
    codes = "".join(f"{0x0100 + i:04X}" for i in range(n_glyphs))
    return f"BT /F2 {size} Tf 20 260 Td <{codes}> Tj ET"


def raw_pdf(path: Path, pages: list[str], fonts: dict[str, str] | None = None) -> Path:
    """A minimal valid PDF: one 300×300 page per content stream, sharing the ``fonts``
    (resource name → font dictionary; by default ``/F1`` Helvetica and ``/F2`` unmapped)."""
    fonts = fonts or {"F1": HELVETICA, "F2": UNMAPPED}
    objects: list[bytes] = []

    def add(body: str | bytes) -> int:
        objects.append(body.encode("latin-1") if isinstance(body, str) else body)
        return len(objects)

    font_refs = {name: add(body) for name, body in fonts.items()}
    resources = "<< /Font << " + " ".join(f"/{n} {i} 0 R" for n, i in font_refs.items()) + " >> >>"
    pages_id = len(objects) + 2 * len(pages) + 1
    kids = []
    for content in pages:
        data = content.encode("latin-1")
        stream = add(f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream")
        kids.append(
            add(
                f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 300 300] "
                f"/Contents {stream} 0 R /Resources {resources} >>"
            )
        )
    assert (
        add(f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>") == pages_id
    )
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root {catalog} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path.write_bytes(bytes(out))
    return path
