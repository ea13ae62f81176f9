"""The PDF reader: the sample PDFs, PDFs built here for one feature each, and bad files."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from intake.readers.pdf_builders import HELVETICA
from intake.readers.pdf_builders import encrypted_pdf
from intake.readers.pdf_builders import garbled_ops
from intake.readers.pdf_builders import grouped_table_docx
from intake.readers.pdf_builders import long_table_docx
from intake.readers.pdf_builders import paged_docx
from intake.readers.pdf_builders import placed_ops
from intake.readers.pdf_builders import raw_pdf
from intake.readers.pdf_builders import text_ops
from intake.readers.pdf_builders import to_pdf
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.normalise import normalise
from jixiao.intake.readers import read_document
from jixiao.intake.readers.pdf import ENCRYPTED
from jixiao.intake.readers.pdf import NO_TEXT
from jixiao.intake.readers.pdf import UNDECODABLE
from jixiao.intake.readers.pdf import read_pdf
from jixiao.intake.readers.pdf_layout import ClipAwarePage
from jixiao.intake.readers.pdf_layout import Glyph
from jixiao.intake.readers.pdf_layout import cell_text
from jixiao.intake.readers.pdf_layout import glyphs_from_chars
from jixiao.intake.readers.pdf_layout import group_lines
from jixiao.intake.readers.pdf_layout import inline_sequel
from jixiao.intake.readers.pdf_layout import join_text
from jixiao.intake.readers.pdf_layout import pdfium_glyphs
from jixiao.intake.readers.pdf_layout import starts_item
from jixiao.intake.readers.scan import NOTHING_READ

DATA = Path(__file__).resolve().parents[2] / "data"
FORMATS = DATA / "formats"
SEEDS = DATA / "seeds"
LIMITS = Limits()
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("JIXIAO_SOFFICE"),
    reason="LibreOffice is not installed",
)
# A paragraph that is nothing but page furniture.
PAGE_NUMBER_ONLY = re.compile(r"^[\s\d\-—–/第页共]*$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def seed_lines(prefix: str) -> list[str]:
    """The seed's lines, normalised as every reader normalises text (full-width ``＜`` → ``<``…)."""
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return [normalise(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def the_table(document: Document, containing: str) -> Table:
    found = [t for t in document.tables if any(containing in c.text for c in t.cells)]
    assert len(found) == 1, [t.place for t in found]
    return found[0]


def cell_with(table: Table, text: str) -> Cell:
    found = [c for c in table.cells if c.text == text]
    assert len(found) == 1, (text, found)
    return found[0]


def row_texts(table: Table, row: int) -> list[str]:
    return table.text_rows()[row]


@pytest.fixture(scope="module")
def report_002() -> Document:
    return read_pdf(FORMATS / "002_report.pdf", LIMITS)


@pytest.fixture(scope="module")
def table_004() -> Document:
    return read_pdf(FORMATS / "004_table.pdf", LIMITS)


@pytest.fixture(scope="module")
def report_001() -> Document:
    return read_pdf(FORMATS / "001_report.pdf", LIMITS)


@pytest.fixture(scope="module")
def report_003() -> Document:
    return read_pdf(FORMATS / "003_report.pdf", LIMITS)


# ---------------------------------------------------------------------------------------------
# 002: narrative with 表1 across a page break, and the 自评表 on pages 8–9
# ---------------------------------------------------------------------------------------------


def test_002_document(report_002: Document) -> None:
    assert report_002.format == "pdf"
    assert report_002.pages == 9
    assert report_002.notes == []
    assert [t.place for t in report_002.tables] == ["第2页 表1", "第8页 表2"]
    assert all(isinstance(b.page, int) for b in report_002.blocks)


def test_002_budget_table_runs_over_the_page_break(report_002: Document) -> None:
    table = the_table(report_002, "合计")
    assert (table.n_rows, table.n_cols, table.page) == (14, 5, 2)
    assert row_texts(table, 0) == ["序号", "项目内容", "预算金额", "决算金额", "账面支出"]
    assert [row[0] for row in table.text_rows()[1:13]] == [str(n) for n in range(1, 13)]
    # Rows 1–11 are on page 2, row 12 and 合计 on page 3: one table all the same.
    assert row_texts(table, 12) == ["12", "2018年民政专项补助资金－社区学生托管服务中心"] + ["60,000.00"] * 3
    assert row_texts(table, 3)[1] == "2018年社区建设相关经费（惠民资金、社区工作经费）"
    total = cell_with(table, "合计")
    assert (total.row, total.col, total.rowspan, total.colspan) == (13, 0, 1, 2)
    assert row_texts(table, 13) == ["合计", "", "5,358,672.00", "5,358,672.00", "5,358,672.00"]


def test_002_self_evaluation_form(report_002: Document) -> None:
    table = the_table(report_002, "一级指标")
    assert (table.n_cols, table.page) == (6, 8)
    output = cell_with(table, "产出指标（40分）")
    benefit = cell_with(table, "效益指标（40分）")
    assert (output.col, output.rowspan) == (0, 4)
    assert (benefit.col, benefit.rowspan) == (0, 5)
    assert benefit.row == output.row + 4
    budget = cell_with(table, "预算执行情况（万元）\n（20分）")
    assert (budget.rowspan, budget.colspan) == (2, 1)
    rows = table.text_rows()
    security = [row for row in rows if row[2] == "加强治安防范，降低发案率"]
    assert [row[5] for row in security] == ["10", "8"]
    assert security[0][3:5] == ["调处率100%", "认真化解调处成功矛盾纠纷共500余起，调处率达到100%"]
    assert rows[2][1] == "1、部门预算项目 ☐ 2、专项资金 ☑ 3、上级转移支付项目 ☐"
    assert cell_with(table, "基层政权和社区建设").colspan == 5


def test_002_remarks_row_from_the_last_page_joins_the_form(report_002: Document) -> None:
    table = the_table(report_002, "一级指标")
    remarks = [c for c in table.cells if c.text.startswith("备注：")]
    assert len(remarks) == 1
    (cell,) = remarks
    assert (cell.row, cell.col, cell.colspan) == (table.n_rows - 1, 0, 6)
    assert cell.text.split("\n")[0] == "备注："
    assert cell.text.endswith("4.基于经济性和必要性等因素考虑，满意度指标暂可不作为必评指标。")
    # The 备注 row is drawn on page 9: nothing of it is left outside the table.
    assert not [p for p in report_002.paragraphs if p.page == 9]


def test_002_fill_in_line_and_headings(report_002: Document) -> None:
    texts = [p.text for p in report_002.paragraphs]
    assert "填报日期： 2019-7-28\t总分：97" in texts
    assert "2.财务管理情况" in texts
    assert "（2） 项目预算绩效目标的完成情况及效果" in texts
    # An enumeration inside a paragraph, wrapped so that “（2）” starts a line, stays inside it.
    assert any(
        t.startswith("完成情况：（1）对全街") and "（7）完成硚口区第二次全国地名普查工作。" in t
        for t in texts
    )


def test_002_paragraphs_are_the_seed_lines(report_002: Document) -> None:
    seeds = {squash(line) for line in seed_lines("002")}
    assert [p.text for p in report_002.paragraphs if squash(p.text) not in seeds] == []


# ---------------------------------------------------------------------------------------------
# 004: a two-page landscape form exported from Calc
# ---------------------------------------------------------------------------------------------


def test_004_one_table_over_two_pages(table_004: Document) -> None:
    assert table_004.pages == 2
    (table,) = table_004.tables
    assert (table.page, table.place, table.n_cols) == (1, "第1页 表1", 7)
    # 41 sheet rows: title, 单位名称 and 填报日期 are paragraphs above the 38-row grid.
    assert table.n_rows == 38
    assert [p.text for p in table_004.paragraphs] == [
        "2020年度社会保障专项项目自评表",
        "单位名称：武汉市东湖新技术开发区花山街道办事处",
        "填报日期：\t2021年6月30日",
    ]


def test_004_numbers_and_marks_as_printed(table_004: Document) -> None:
    (table,) = table_004.tables
    rows = table.text_rows()
    assert rows[6][2:] == ["年度财政资金总额", "2,440.91", "2,440.91", "100%", "20"]
    assert rows[2][2] == "1、部门预算项目 ☑ 2、区级专项 ☐ 3、转移支付项目 ☐"
    assert rows[4][2] == "1、常年性项目 ☑ 2、延续性项目 ☐ 3、一次性项目 ☐"
    assert cell_with(table, "98").colspan == 5
    assert rows[-1][0] == "改进措施及结果应用方案"


def test_004_label_merged_over_both_pages_and_header_not_repeated(table_004: Document) -> None:
    (table,) = table_004.tables
    label = cell_with(table, "项目年度绩效指标")
    header = cell_with(table, "一级指标")  # the header row Calc repeats on page 2 is dropped
    # The label's merged range: the header row and the 27 indicator rows, 16 on page 1, 11 on page 2.
    assert (label.row, label.col, label.rowspan) == (header.row, 0, 28)
    assert cell_with(table, "产出指标(40分)").rowspan == 16
    assert cell_with(table, "效益指标(40分)").rowspan == 11
    assert cell_with(table, "数量指标(20分)").rowspan == 8
    grid = table.grid()
    assert all(grid[r][0] is label for r in range(header.row, header.row + 28))
    # Calc draws the label once per page and clips it: no hidden copy leaks out anywhere.
    everything = table_004.text()
    assert everything.count("项目年度绩效指标") == 1


# ---------------------------------------------------------------------------------------------
# 001 / 003: narrative reports with page-number footers and generated numbering
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["001_report", "002_report", "003_report", "004_table"])
def test_no_page_numbers(name: str) -> None:
    document = read_pdf(FORMATS / f"{name}.pdf", LIMITS)
    assert [p.text for p in document.paragraphs if PAGE_NUMBER_ONLY.match(p.text)] == []


def test_generated_numbers_are_in_the_text(report_001: Document, report_003: Document) -> None:
    texts_001 = [p.text for p in report_001.paragraphs]
    texts_003 = [p.text for p in report_003.paragraphs]
    assert "2.项目绩效阶段性目标" in texts_001
    assert "3.项目的效益性分析" in texts_001
    assert "（一）预算执行情况" in texts_003
    assert "2、当年绩效目标和指标" in texts_003


@pytest.mark.parametrize(("name", "prefix"), [("001_report", "001"), ("003_report", "003")])
def test_paragraphs_are_the_seed_lines(name: str, prefix: str) -> None:
    """Every paragraph is one line of the seed (its generated number aside), and the seed's
    longest line, wrapped over many lines in the PDF, is one paragraph."""
    document = read_pdf(FORMATS / f"{name}.pdf", LIMITS)
    lines = seed_lines(prefix)
    seeds = {squash(line) for line in lines}
    numbered = re.compile(r"^(\d+[.、]|（[一二三四五六七八九十]+）)")
    strays = [
        p.text
        for p in document.paragraphs
        if squash(p.text) not in seeds and squash(numbered.sub("", p.text)) not in seeds
    ]
    assert strays == []
    longest = max(lines, key=len)
    assert len(longest) > 200
    assert squash(longest) in [squash(p.text) for p in document.paragraphs]
    assert len(document.paragraphs) >= len([line for line in lines if not line.startswith("\t")]) - 3


def test_003_sentence_wrapped_in_the_pdf_is_one_paragraph(report_003: Document) -> None:
    sentence = "业务处理及时性预期指标值为80%以上，1-12月实际完成值97%"
    with pdfplumber.open(FORMATS / "003_report.pdf") as pdf:
        raw_lines = [squash(line) for page in pdf.pages for line in (page.extract_text() or "").splitlines()]
    assert not any(sentence in line for line in raw_lines)  # it does wrap in the PDF
    (paragraph,) = [p for p in report_003.paragraphs if sentence in p.text]
    assert paragraph.text.startswith("抓好常态化疫情防控工作")
    assert (paragraph.place, paragraph.page) == ("第3页", 3)


def test_paragraph_continues_over_a_page_break(report_001: Document) -> None:
    # The long 2020年重点工作 paragraph starts on page 3 and ends on page 4.
    (paragraph,) = [p for p in report_001.paragraphs if p.text.startswith("2020年重点工作")]
    assert paragraph.page == 3
    with pdfplumber.open(FORMATS / "001_report.pdf") as pdf:
        page_4 = squash(pdf.pages[3].extract_text() or "")
    assert squash(paragraph.text)[-30:] in page_4


def test_dispatcher_reads_pdf() -> None:
    document = read_document(FORMATS / "003_report.pdf")
    assert document.format == "pdf"
    assert document.pages == 6


# ---------------------------------------------------------------------------------------------
# PDFs built here
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def long_table_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("soffice") is None and not os.environ.get("JIXIAO_SOFFICE"):
        pytest.skip("LibreOffice is not installed")
    folder = tmp_path_factory.mktemp("long-table")
    return to_pdf(long_table_docx(folder / "long.docx"), folder)


@needs_soffice
def test_table_over_page_breaks_is_one_table(long_table_pdf: Path) -> None:
    document = read_pdf(long_table_pdf, LIMITS)
    assert document.pages == 3
    (table,) = document.tables
    assert (table.n_rows, table.n_cols, table.page) == (61, 4, 1)
    rows = table.text_rows()
    assert rows[0] == ["一级指标", "三级指标", "年初目标值", "得分"]
    assert [row[3] for row in rows[1:]] == [str(n) for n in range(1, 61)]
    assert [row[1] for row in rows].count("三级指标") == 1  # the repeated header rows are dropped
    merged = cell_with(table, "效益指标")
    assert (merged.row, merged.col, merged.rowspan) == (20, 0, 26)
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "一、项目基本情况"
    assert texts[-1] == "二、自评结论：项目完成情况良好。"
    assert document.blocks[-1] == document.paragraphs[-1]


@needs_soffice
def test_label_of_a_merged_cell_cut_open_by_a_page_break_stays_in_the_table(tmp_path: Path) -> None:
    # The page-1 part of a merged cell the break cuts has no bottom border, so no closed box
    # holds its label: read, the label must still cover its rows, not fall out as a paragraph.
    document = read_pdf(to_pdf(grouped_table_docx(tmp_path / "grouped.docx"), tmp_path), LIMITS)
    assert document.pages >= 2
    (table,) = document.tables
    labels = {c.row + r: c.text for c in table.cells if c.col == 0 for r in range(c.rowspan)}
    assert [labels.get(r) for r in range(1, 61)] == [f"组{(r - 1) // 7 + 1}" for r in range(1, 61)]
    assert [p.text for p in document.paragraphs] == ["绩效指标完成情况"]


@needs_soffice
def test_image_only_page_among_text_pages(tmp_path: Path) -> None:
    picture = tmp_path / "scan.png"
    Image.new("RGB", (400, 300), "white").save(picture)
    pdf = to_pdf(
        paged_docx(tmp_path / "mixed.docx", ["第一页的文字。", None, "第三页的文字。"], picture), tmp_path
    )
    document = read_pdf(pdf, LIMITS)
    assert (document.pages, document.scanned) == (3, 1)  # the image page went through OCR
    assert document.notes == []  # a blank scan holds nothing to miss
    assert [(p.text, p.page) for p in document.paragraphs] == [("第一页的文字。", 1), ("第三页的文字。", 3)]


@needs_soffice
def test_owner_password_only_is_read(tmp_path: Path) -> None:
    source = paged_docx(tmp_path / "owner.docx", ["只设了权限密码的文件。"])
    pdf = encrypted_pdf(source, tmp_path, open_password=None, owner_password="owner")
    assert b"/Encrypt" in pdf.read_bytes()  # a permissions password encrypts the content too
    document = read_pdf(pdf, LIMITS)
    assert [p.text for p in document.paragraphs] == ["只设了权限密码的文件。"]


@needs_soffice
def test_open_password_is_refused(tmp_path: Path) -> None:
    source = paged_docx(tmp_path / "secret.docx", ["加密的文件。"])
    pdf = encrypted_pdf(source, tmp_path, open_password="secret", owner_password=None)
    with pytest.raises(UnreadableDocument) as caught:
        read_pdf(pdf, LIMITS)
    assert caught.value.reason == ENCRYPTED
    with pytest.raises(UnreadableDocument, match="加密"):
        read_document(pdf)


# ---------------------------------------------------------------------------------------------
# Bad files
# ---------------------------------------------------------------------------------------------


def test_random_bytes(tmp_path: Path) -> None:
    path = tmp_path / "noise.pdf"
    path.write_bytes(os.urandom(3000))
    with pytest.raises(UnreadableDocument, match=r"^文件已损坏：") as caught:
        read_pdf(path, LIMITS)
    assert "不是有效的 PDF" in caught.value.reason


def test_pdf_header_then_garbage(tmp_path: Path) -> None:
    path = tmp_path / "fake.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(5000))
    with pytest.raises(UnreadableDocument, match=r"^文件已损坏："):
        read_document(path)


@pytest.mark.parametrize("name", ["002_report.pdf", "004_table.pdf"])
def test_truncated_at_half(tmp_path: Path, name: str) -> None:
    data = (FORMATS / name).read_bytes()
    path = tmp_path / name
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableDocument, match=r"^文件已损坏：") as caught:
        read_pdf(path, LIMITS)
    assert "截断" in caught.value.reason


def test_scanned_pdf_without_text_layer(tmp_path: Path) -> None:
    """Image pages go through OCR (tests/intake/readers/test_scan.py); blank ones yield nothing."""
    path = tmp_path / "scan.pdf"
    pages = [Image.new("RGB", (600, 800), "white") for _ in range(2)]
    pages[0].save(path, save_all=True, append_images=pages[1:])
    with pytest.raises(UnreadableDocument) as caught:
        read_pdf(path, LIMITS)
    assert caught.value.reason == NOTHING_READ


def test_pdf_of_empty_pages_has_no_text(tmp_path: Path) -> None:
    """Nothing drawn at all: no text layer and nothing for OCR either."""
    with pytest.raises(UnreadableDocument) as caught:
        read_pdf(raw_pdf(tmp_path / "empty.pdf", ["", ""]), LIMITS)
    assert caught.value.reason == NO_TEXT


def test_too_many_pages() -> None:
    with pytest.raises(UnreadableDocument, match="页数过多（9 页），超过上限 5 页"):
        read_pdf(FORMATS / "002_report.pdf", Limits(max_pages=5))
    assert read_pdf(FORMATS / "002_report.pdf", Limits(max_pages=9)).pages == 9


def test_too_many_cells() -> None:
    with pytest.raises(UnreadableDocument, match="单元格"):
        read_pdf(FORMATS / "004_table.pdf", Limits(max_cells=100))


# ---------------------------------------------------------------------------------------------
# Fonts without a Unicode map: (cid:N)
# ---------------------------------------------------------------------------------------------


def test_undecodable_document(tmp_path: Path) -> None:
    path = raw_pdf(tmp_path / "garbled.pdf", [garbled_ops(), garbled_ops()])
    with pdfplumber.open(path) as pdf:  # the premise: pdfminer sees only (cid:N)
        assert "(cid:" in (pdf.pages[0].extract_text() or "")
    with pytest.raises(UnreadableDocument) as caught:
        read_pdf(path, LIMITS)
    assert caught.value.reason == UNDECODABLE


def test_undecodable_page_among_readable_ones(tmp_path: Path) -> None:
    path = raw_pdf(
        tmp_path / "mixed.pdf",
        [text_ops(["Performance report"]), garbled_ops(), text_ops(["Total score 97"])],
    )
    document = read_pdf(path, LIMITS)
    assert [(p.text, p.page) for p in document.paragraphs] == [
        ("Performance report", 1),
        ("Total score 97", 3),
    ]
    assert document.notes == [("第2页", "文字无法解码（字体缺少 Unicode 映射），未读取")]


def test_a_few_undecodable_glyphs_are_left_out(tmp_path: Path) -> None:
    lines = ["Budget executed in full", "Output targets met", "Outcome targets met", "Satisfaction 95"]
    path = raw_pdf(tmp_path / "some.pdf", [text_ops(lines) + "\n" + garbled_ops(3).replace("260", "150")])
    document = read_pdf(path, LIMITS)
    assert "(cid:" not in document.text()
    assert [p.text for p in document.paragraphs] == lines
    assert document.notes == [("第1页", "有 3 个字符无法解码（字体缺少 Unicode 映射），已略去")]


def test_pdfium_reads_the_same_lines_as_pdfminer() -> None:
    """The fallback for undecodable pages yields the same lines where both can decode."""
    import pypdfium2

    path = FORMATS / "003_report.pdf"
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[2]
        ours = ClipAwarePage(pdf, page.page_obj, page_number=3)
        miner, _, _ = glyphs_from_chars(ours.chars)
        height = float(page.height)
    document = pypdfium2.PdfDocument(str(path))
    try:
        textpage = document[2].get_textpage()
        fallback, visible, undecodable = pdfium_glyphs(textpage, (1, 0, 0, 1, 0, 0), height)
    finally:
        document.close()
    assert undecodable == 0
    assert visible > 300
    assert [line.text for line in group_lines(fallback)] == [line.text for line in group_lines(miner)]


# ---------------------------------------------------------------------------------------------
# Line and paragraph rules
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("一、项目基本情况", True),
        ("（一）预算执行情况", True),
        ("(3)落实", True),
        ("1、业务管理", True),
        ("2.项目绩效阶段性目标", True),
        ("1.2 评价方法", False),
        ("1.2.3、方法", True),
        ("第一章 总则", True),
        ("①完成", True),
        ("1.46万元", False),
        ("100%完成", False),
        ("2018年", False),
        ("第一季度完成", False),
    ],
)
def test_starts_item(text: str, expected: bool) -> None:
    assert starts_item(text) is expected


def test_inline_sequel() -> None:
    assert inline_sequel("完成情况：（1）对全街各社区", "（2）加大社会救助")
    assert inline_sequel("其中（五）项", "（六）其他")
    assert not inline_sequel("（1）深入推进基层社区建设重点服务项目；", "（2）不断完善")
    assert not inline_sequel("增长了2.5%", "3.项目资金管理情况分析")
    assert inline_sequel("目标有二：1.完成建设", "2.通过验收")
    assert not inline_sequel("完成情况良好", "1、业务管理")


def _typed(text: str, top: float, size: float = 9.0) -> list[Glyph]:
    """Glyphs of one line set from x = 0: CJK characters a full em wide, others half, “/” a third."""
    glyphs, x = [], 0.0
    for ch in text:
        width = size if ord(ch) > 0x2E80 else size / 3 if ch == "/" else size / 2
        glyphs.append(Glyph(ch, x, x + width, top, top + size, size))
        x += width
    return glyphs


def test_a_unit_with_a_slash_starting_a_cell_line_continues_the_line_above() -> None:
    """A word processor does not break 元/处 (nor put “/” first on a line): when the whole unit
    would not fit after “不高于12,290”, the line break was a wrap and the figure reads whole."""
    lines = group_lines([*_typed("不高于12,290", 0.0), *_typed("元/处", 12.0)], tab_gap=None)
    assert cell_text(lines, 70.0) == "不高于12,290元/处"  # 元/ alone would have fit (it is 12 wide)
    assert cell_text(lines, 90.0) == "不高于12,290\n元/处"  # room for 元/处: the break was meant


def test_join_text() -> None:
    assert join_text("资金到位率", "100%") == "资金到位率100%"
    assert join_text("total of", "12 items") == "total of 12 items"
    assert join_text("5,358,672.00", "元") == "5,358,672.00元"
    # Chinese text breaks inside a number: the figure is joined whole, not split by a space.
    assert join_text("流动人口登记率98%、出租屋登记率10", "0%。") == "流动人口登记率98%、出租屋登记率100%。"
    assert join_text("发放救助金1.4", "6万元") == "发放救助金1.46万元"
    assert join_text("采购设备12", "3台") == "采购设备123台"
    # Latin text keeps its word space, numbers included.
    assert join_text("total of 12", "34 items") == "total of 12 34 items"


def test_running_headers_and_page_numbers_are_dropped(tmp_path: Path) -> None:
    pages = [
        placed_ops(
            [
                (20, 285, "/F1", "Jixiao County Finance Bureau"),
                (20, 200, "/F1", f"Body text of page {n}."),
                (140, 10, "/F1", f"- {n} -"),
            ]
        )
        for n in range(1, 5)
    ]
    document = read_pdf(raw_pdf(tmp_path / "furniture.pdf", pages), LIMITS)
    assert [p.text for p in document.paragraphs] == ["Jixiao County Finance Bureau"] + [
        f"Body text of page {n}." for n in range(1, 5)
    ]


def test_wingdings_check_boxes(tmp_path: Path) -> None:
    wingdings = (
        "<< /Type /Font /Subtype /TrueType /BaseFont /ABCDEF+Wingdings2 /FirstChar 32 /LastChar 255 "
        "/FontDescriptor << /Type /FontDescriptor /FontName /ABCDEF+Wingdings2 /Flags 4 "
        "/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 900 /Descent -200 /CapHeight 700 /StemV 80 >> >>"
    )
    fonts = {"F1": HELVETICA, "F3": wingdings}
    ops = placed_ops(
        [(20, 200, "/F1", "Type A"), (70, 200, "/F3", "R"), (90, 200, "/F1", "B"), (110, 200, "/F3", "\xa3")]
    )
    document = read_pdf(raw_pdf(tmp_path / "boxes.pdf", [ops], fonts), LIMITS)
    assert [p.text for p in document.paragraphs] == ["Type A ☑ B ☐"]


def test_text_hidden_by_a_clipping_path_is_left_out(tmp_path: Path) -> None:
    """Spreadsheet exports draw a merged cell's text on every page and clip it away on all but one."""
    ops = "\n".join(
        [
            "q 10 180 200 40 re W n",
            placed_ops([(20, 200, "/F1", "Visible label"), (20, 100, "/F1", "Clipped copy")]),
            "Q",
            placed_ops([(20, 60, "/F1", "After the clip is restored")]),
        ]
    )
    document = read_pdf(raw_pdf(tmp_path / "clip.pdf", [ops]), LIMITS)
    assert [p.text for p in document.paragraphs] == ["Visible label", "After the clip is restored"]


def test_frame_around_the_page_is_not_a_table(tmp_path: Path) -> None:
    """A border drawn around the page (one big box) holds text, and a real table inside it."""
    grid = " ".join(
        [
            "40 60 220 80 re S",  # a 2×2 table: outer box, one vertical and one horizontal rule
            "150 60 m 150 140 l S 40 100 m 260 100 l S 40 140 m 260 140 l S 260 60 m 260 140 l S",
        ]
    )
    ops = "\n".join(
        [
            "10 10 280 280 re S",  # the frame
            grid,
            placed_ops(
                [
                    (20, 250, "/F1", "Framed heading"),
                    (45, 115, "/F1", "Label"),
                    (155, 115, "/F1", "Value 1"),
                    (45, 75, "/F1", "Other"),
                    (155, 75, "/F1", "Value 2"),
                ]
            ),
        ]
    )
    document = read_pdf(raw_pdf(tmp_path / "frame.pdf", [ops]), LIMITS)
    assert [p.text for p in document.paragraphs] == ["Framed heading"]
    (table,) = document.tables
    assert table.text_rows() == [["Label", "Value 1"], ["Other", "Value 2"]]
    assert document.blocks[0] == document.paragraphs[0]


def test_pages_turned_in_a_viewer_are_read_upright(tmp_path: Path, report_002: Document) -> None:
    """Pages saved with /Rotate (turned sideways or upside down) read as the upright original."""
    import pypdfium2

    source = pypdfium2.PdfDocument(str(FORMATS / "002_report.pdf"))
    try:
        for index in range(len(source)):
            source[index].set_rotation((90, 180, 270)[index % 3])
        turned = tmp_path / "turned.pdf"
        source.save(str(turned))
    finally:
        source.close()
    with pdfplumber.open(turned) as pdf:  # the premise: as displayed, no text reads left to right
        assert not any(c["upright"] for c in pdf.pages[0].chars if c["text"].strip())
    document = read_pdf(turned, LIMITS)
    assert document.notes == []
    assert document.text() == report_002.text()
    assert [b.place for b in document.blocks] == [b.place for b in report_002.blocks]
