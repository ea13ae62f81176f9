"""The Word documents: East-Asian fonts, GB/T 9704 pages, page numbers, merged tables, outline."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.shared import Mm

from export.support import SEED_002
from export.support import SEED_004
from export.support import scored
from jixiao.export import export_evaluation

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def table_004(tmp_path_factory: pytest.TempPathFactory) -> DocxDocument:
    ev, scheme = scored(SEED_004)
    return docx.Document(str(export_evaluation(ev, scheme, tmp_path_factory.mktemp("d") / "自评表.docx")))


@pytest.fixture(scope="module")
def report_004(tmp_path_factory: pytest.TempPathFactory) -> DocxDocument:
    ev, scheme = scored(SEED_004)
    return docx.Document(str(export_evaluation(ev, scheme, tmp_path_factory.mktemp("d") / "自评报告.docx")))


@pytest.fixture(scope="module")
def report_002(tmp_path_factory: pytest.TempPathFactory) -> DocxDocument:
    ev, scheme = scored(SEED_002)
    return docx.Document(str(export_evaluation(ev, scheme, tmp_path_factory.mktemp("d") / "自评报告.docx")))


def default_fonts(doc: DocxDocument) -> dict[str, str]:
    fonts = (
        doc.styles.element.find(f"{W}docDefaults").find(f"{W}rPrDefault").find(f"{W}rPr").find(f"{W}rFonts")
    )
    return {k.removeprefix(W): v for k, v in fonts.attrib.items()}


def style_fonts(doc: DocxDocument, name: str) -> dict[str, str]:
    fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
    return {k.removeprefix(W): v for k, v in fonts.attrib.items()}


def cell_texts(table: object) -> list[list[str]]:
    rows = []
    for tr in table._tbl.tr_lst:  # type: ignore[attr-defined]
        rows.append(["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.tc_lst])
    return rows


def test_table_names_the_font_in_every_slot(table_004: DocxDocument) -> None:
    assert default_fonts(table_004) == {
        "ascii": "宋体",
        "hAnsi": "宋体",
        "eastAsia": "宋体",
        "cs": "宋体",
        "hint": "eastAsia",
    }
    lang = (
        table_004.styles.element.find(f"{W}docDefaults")
        .find(f"{W}rPrDefault")
        .find(f"{W}rPr")
        .find(f"{W}lang")
    )
    assert lang.get(qn("w:eastAsia")) == "zh-CN"
    title_run = table_004.paragraphs[0].runs[0]
    assert title_run._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "宋体"
    assert table_004.paragraphs[0].text == "2020年度社会保障专项项目绩效自评表"


def test_table_page_is_a4_landscape_with_page_numbers(table_004: DocxDocument) -> None:
    section = table_004.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    assert round(section.left_margin.mm) == 15
    footer = section.footer._element
    instructions = [t.text.strip() for t in footer.iter(qn("w:instrText"))]
    assert instructions == ["PAGE", "NUMPAGES"]


def test_table_is_split_where_the_header_repeats(table_004: DocxDocument) -> None:
    top, body, after = table_004.tables
    # the rows after the indicators are a table of their own, without the repeated header,
    # each kept whole on one page
    assert [row[0] for row in cell_texts(after)] == [
        "总分",
        "自评等级",
        "偏差大或目标未完成原因分析",
        "存在的问题及改进措施",
        cell_texts(after)[-1][0],
    ]
    assert cell_texts(after)[-1][0].startswith("备注")
    for tr in after._tbl.tr_lst:
        assert tr.trPr is not None and tr.trPr.find(qn("w:cantSplit")) is not None
        assert tr.trPr.find(qn("w:tblHeader")) is None
    assert cell_texts(top)[0] == ["项目名称", "社会保障专项"]
    first = body._tbl.tr_lst[0]
    assert first.trPr.find(qn("w:tblHeader")) is not None
    assert cell_texts(body)[0] == [
        "项目年度绩效指标",
        "一级指标",
        "二级指标",
        "三级指标（权重）",
        "年初目标值（A）",
        "实际完成值（B）",
        "得分",
    ]
    # same grid in both tables, so they read as one
    grid = [[c.get(qn("w:w")) for c in t._tbl.tblGrid.iter(qn("w:gridCol"))] for t in (top, body)]
    assert grid[0] == grid[1]


def test_merges_use_gridspan_and_vmerge(table_004: DocxDocument) -> None:
    top, body, _ = table_004.tables
    name_row = top._tbl.tr_lst[0]
    spans = [tc.tcPr.find(qn("w:gridSpan")) for tc in name_row.tc_lst]
    assert [s.get(qn("w:val")) if s is not None else "1" for s in spans] == ["2", "5"]
    level1 = [tr.tc_lst[1] for tr in body._tbl.tr_lst[1:28]]
    marks = [tc.tcPr.find(qn("w:vMerge")) for tc in level1]
    assert marks[0].get(qn("w:val")) == "restart"
    assert all(m is not None and m.get(qn("w:val")) is None for m in marks[1:16])
    assert marks[16].get(qn("w:val")) == "restart"
    assert cell_texts(body)[17][1] == "效益指标（40分）"


def test_report_is_a_gbt9704_page(report_004: DocxDocument) -> None:
    section = report_004.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [round(getattr(section, f"{side}_margin").mm) for side in ("top", "bottom", "left", "right")]
    assert margins == [37, 35, 28, 26]
    assert round((section.page_width - section.left_margin - section.right_margin) / Mm(1)) == 156
    assert report_004.settings.odd_and_even_pages_header_footer
    odd = section.footer.paragraphs[0]
    even = section.even_page_footer.paragraphs[0]
    assert odd.text.startswith("— ") and even.text.startswith("— ")
    assert (odd.alignment, even.alignment) == (2, 0)  # right, left


def test_report_fonts(report_004: DocxDocument) -> None:
    assert default_fonts(report_004)["eastAsia"] == "仿宋"
    assert report_004.styles["Normal"].font.size.pt == 16
    assert style_fonts(report_004, "Heading 1")["eastAsia"] == "黑体"
    assert style_fonts(report_004, "Heading 2")["eastAsia"] == "楷体"
    assert style_fonts(report_004, "Title")["eastAsia"] == "方正小标宋简体"
    assert report_004.styles["Heading 1"].element.rPr.find(qn("w:color")) is None


def test_report_follows_the_outline(report_004: DocxDocument) -> None:
    headings = [p.text for p in report_004.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "一、项目基本情况",
        "二、绩效目标及完成情况",
        "三、自评结论",
        "四、存在的问题及改进措施",
        "五、其他需要说明的问题",
    ]
    titles = [p.text for p in report_004.paragraphs if p.style.name == "Title"]
    # a title longer than a line of 二号 type breaks before 项目支出绩效自评报告
    assert titles == ["武汉市东湖新技术开发区花山街道办事处", "2020年度社会保障专项", "项目支出绩效自评报告"]
    level2 = [p.text for p in report_004.paragraphs if p.style.name == "Heading 2"]
    assert level2[:3] == ["（一）项目概况", "（二）资金投入和使用情况", "（一）年度总体目标"]


def test_report_marks_the_units_own_words(report_004: DocxDocument) -> None:
    fills = [r for p in report_004.paragraphs for r in p.runs if r.text.startswith("【请填写")]
    assert fills
    assert all(r.font.highlight_color == 7 for r in fills)  # yellow
    checks = [r for p in report_004.paragraphs for r in p.runs if r.text.startswith("【核对")]
    assert checks and all(r.font.bold for r in checks)


def test_report_appends_the_table_on_landscape_pages(report_004: DocxDocument) -> None:
    attachment = report_004.sections[-1]
    assert round(attachment.page_width.mm) == 297
    texts = [p.text for p in report_004.paragraphs]
    assert "附件" in texts
    assert "附件：2020年度社会保障专项项目绩效自评表" in texts
    assert cell_texts(report_004.tables[-2])[0][1] == "一级指标"
    assert cell_texts(report_004.tables[-1])[0][0] == "总分"


def test_report_table_1_lists_the_budget_lines(report_002: DocxDocument) -> None:
    caption = next(p for p in report_002.paragraphs if p.text.startswith("表1"))
    assert caption.text == "表1　项目资金明细（单位：元）"
    rows = cell_texts(report_002.tables[0])
    assert rows[0] == ["序号", "项目内容", "预算数", "执行数", "执行率"]
    assert len(rows) == 14
    assert rows[1] == ["1", "2018年惠民项目资金转移支付", "200,000.00", "200,000.00", "100.00%"]
    assert rows[-1] == ["合计", "", "5,358,672.00", "5,358,672.00", "100.00%"]


def test_documents_carry_a_title_property(tmp_path: Path) -> None:
    ev, scheme = scored(SEED_002)
    doc = docx.Document(str(export_evaluation(ev, scheme, tmp_path / "x-报告.docx")))
    assert (
        doc.core_properties.title
        == "武汉市硚口区人民政府宝丰街办事处2018年度基层政权和社区建设项目支出绩效自评报告"
    )
    assert doc.core_properties.author == ""
