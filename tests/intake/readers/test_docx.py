"""The Word reader: the sample reports, documents built here for one feature each, and bad files."""

from __future__ import annotations

import os
import shutil
import time
import tracemalloc
import zipfile
from pathlib import Path

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from intake.readers.docx_builders import W_MAIN
from intake.readers.docx_builders import cell
from intake.readers.docx_builders import checkbox
from intake.readers.docx_builders import entity_bomb_xml
from intake.readers.docx_builders import field
from intake.readers.docx_builders import make_docx
from intake.readers.docx_builders import numbered
from intake.readers.docx_builders import para
from intake.readers.docx_builders import replace_part
from intake.readers.docx_builders import row
from intake.readers.docx_builders import run
from intake.readers.docx_builders import styled
from intake.readers.docx_builders import table
from intake.readers.docx_builders import text_box
from intake.readers.docx_builders import zip_bomb_docx
from jixiao.intake.document import Cell
from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.normalise import normalise
from jixiao.intake.readers import read_document
from jixiao.intake.readers.docx import OBJECT_NOTE
from jixiao.intake.readers.docx import format_number
from jixiao.intake.readers.docx import read_docx

DATA = Path(__file__).resolve().parents[2] / "data"
FORMATS = DATA / "formats"
SEEDS = DATA / "seeds"
LIMITS = Limits()
needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None and not os.environ.get("JIXIAO_SOFFICE"),
    reason="LibreOffice is not installed",
)


def texts(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs]


def cell_starting(tbl: Table, prefix: str) -> Cell:
    found = [c for c in tbl.cells if c.text.startswith(prefix)]
    assert len(found) == 1, (prefix, found)
    return found[0]


def seed_paragraphs(name: str) -> list[str]:
    """The seed's lines outside tables (table cells start with a TAB in the seed dumps), normalised
    as every reader normalises text (full-width ``＜`` → ``<``…)."""
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    return [normalise(line.rstrip()) for line in lines if line.strip() and not line.startswith("\t")]


@pytest.fixture(scope="module")
def report_002() -> Document:
    return read_document(FORMATS / "002_report.docx")


# ---------------------------------------------------------------------------------------------
# The sample reports


def test_002_budget_table_is_a_14_by_5_grid_with_the_total_label_over_two_columns(
    report_002: Document,
) -> None:
    budget = report_002.tables[0]
    assert (budget.place, budget.n_rows, budget.n_cols) == ("表1", 14, 5)
    assert budget.text_rows()[0] == ["序号", "项目内容", "预算金额", "决算金额", "账面支出"]
    total = cell_starting(budget, "合计")
    assert (total.row, total.col, total.rowspan, total.colspan) == (13, 0, 1, 2)
    assert budget.grid()[13][1] is total
    assert budget.text_rows()[13][2:] == ["5,358,672.00"] * 3


def test_002_self_evaluation_table_keeps_vertical_merges_and_shows_boxes_as_checkboxes(
    report_002: Document,
) -> None:
    form = report_002.tables[1]
    assert (form.place, form.n_cols) == ("表2", 6)
    budget_label = cell_starting(form, "预算执行情况（万元）")
    assert budget_label.text == "预算执行情况（万元）\n（20分）"
    assert (budget_label.rowspan, budget_label.colspan) == (2, 1)
    assert form.grid()[budget_label.row + 1][0] is budget_label
    output_label = cell_starting(form, "产出指标")
    assert output_label.rowspan == 4
    assert cell_starting(form, "效益指标").rowspan == 5
    category = form.grid()[cell_starting(form, "项目类别").row][1]
    assert category is not None
    assert category.text.count("☑") == 1 and category.text.count("☐") == 2
    assert "■" not in report_002.text() and "□" not in report_002.text()
    assert "_GoBack" not in report_002.text()


def test_002_paragraphs_and_headings_match_the_seed(report_002: Document) -> None:
    ours = texts(report_002)
    seed = seed_paragraphs("002_d2da961157e41a94.txt")
    # After the 自评表 the seed dump puts a multi-paragraph cell's later paragraphs on lines of
    # their own, so only the narrative part lines up one to one.
    assert len(ours) == 64
    assert seed[: len(ours)] == ours
    headings = {p.text: p.heading for p in report_002.paragraphs if p.heading}
    assert headings["一、项目基本情况"] == 1
    assert headings["（一）项目立项背景和依据"] == 2
    assert headings["1、业务管理情况"] == 3
    assert report_002.paragraphs[0].heading is None  # the centred bold title lines
    assert report_002.paragraphs[0].place == "第1段"
    assert report_002.paragraphs[63].text.startswith("填报日期：\t2019-7-28\t")
    assert (
        report_002.title == "2018年武汉市硚口区人民政府宝丰街办事处关于基层政权和社区建设项目的绩效自评报告"
    )
    assert report_002.notes == []
    assert report_002.format == "docx"


@needs_soffice
def test_002_doc_reads_the_same_through_libreoffice(report_002: Document) -> None:
    legacy = read_document(FORMATS / "002_report.doc")
    assert (legacy.format, legacy.path) == ("doc", str(FORMATS / "002_report.doc"))
    assert legacy.blocks == report_002.blocks
    assert legacy.title == report_002.title


def test_004_checkbox_content_controls_become_ticked_and_empty_boxes() -> None:
    form = read_document(FORMATS / "004_table.docx")
    sheet = form.tables[0]
    assert sheet.n_cols == 7
    category = sheet.grid()[cell_starting(sheet, "项目类别").row][2]
    assert category is not None
    assert category.text == "1、部门预算项目 ☑ 2、区级专项 ☐ 3、转移支付项目 ☐"
    assert "☒" not in form.text()  # the glyph inside the control is not emitted a second time
    assert cell_starting(sheet, "项目年度绩效指标").rowspan == 28
    assert cell_starting(sheet, "预算执行情况(万)(20分)").rowspan == 2
    assert sheet.text_rows()[6] == ["", "", "年度财政资金总额", "2,440.91", "2,440.91", "100%", "20"]


def test_001_auto_numbered_headings_carry_their_generated_number() -> None:
    report = read_document(FORMATS / "001_report.docx")
    by_text = {p.text: p for p in report.paragraphs}
    assert by_text["2.项目绩效阶段性目标"].heading == 3
    for numbered_text in ("2.评价指标体系", "3.评价方法", "2.组织实施", "3.分析评价", "3.项目的效益性分析"):
        assert numbered_text in by_text
    # Apart from the generated numbers, the paragraphs are the seed's lines.
    seed = seed_paragraphs("001_08510d5929f9f624.txt")
    ours = texts(report)
    assert len(ours) == len(seed)
    differing = [(a, b) for a, b in zip(ours, seed, strict=True) if a != b]
    assert len(differing) == 8
    assert all(a in {f"2.{b}", f"3.{b}"} for a, b in differing)


def test_003_chinese_counting_numbers_in_parentheses() -> None:
    report = read_document(FORMATS / "003_report.docx")
    by_text = {p.text: p for p in report.paragraphs}
    assert by_text["（一）预算执行情况"].heading == 2
    assert by_text["2、当年绩效目标和指标"].heading == 3
    seed = seed_paragraphs("003_bb92a3f2b07c21bc.txt")
    ours = texts(report)
    assert len(ours) == len(seed)
    differing = [(a, b) for a, b in zip(ours, seed, strict=True) if a != b]
    assert differing == [
        ("2、当年绩效目标和指标", "当年绩效目标和指标"),
        ("（一）预算执行情况", "预算执行情况"),
    ]


# ---------------------------------------------------------------------------------------------
# Documents built for one feature each


def test_horizontal_and_vertical_merges_and_grid_before_after(tmp_path: Path) -> None:
    body = table(
        row(cell("甲", span=2, vmerge="restart"), cell("乙"), cell("丙")),
        row(cell(span=2, vmerge="continue"), cell("丁"), cell("戊", vmerge="restart")),
        row(cell("己"), cell("庚"), cell(vmerge="continue"), before=1),
        row(cell("辛"), after=3),
        grid=4,
    ) + table(row(cell("一")), row(cell("二", span=3)))  # no w:tblGrid: the widest row decides
    document = read_docx(make_docx(tmp_path / "merge.docx", body), LIMITS)
    merged, gridless = document.tables
    assert (merged.n_rows, merged.n_cols) == (4, 4)
    assert {(c.text, c.row, c.col, c.rowspan, c.colspan) for c in merged.cells} == {
        ("甲", 0, 0, 2, 2),
        ("乙", 0, 2, 1, 1),
        ("丙", 0, 3, 1, 1),
        ("丁", 1, 2, 1, 1),
        ("戊", 1, 3, 2, 1),
        ("己", 2, 1, 1, 1),
        ("庚", 2, 2, 1, 1),
        ("辛", 3, 0, 1, 1),
    }
    grid = merged.grid()
    assert grid[1][1] is grid[0][0]
    assert grid[2][3] is grid[1][3]
    assert grid[2][0] is None  # gridBefore
    assert grid[3][1:] == [None, None, None]  # gridAfter
    assert [t.place for t in document.tables] == ["表1", "表2"]
    assert (gridless.n_rows, gridless.n_cols) == (2, 3)


def test_nested_table_is_flattened_into_its_cell(tmp_path: Path) -> None:
    inner = table(row(cell("内1"), cell("内2")), row(cell("内3"), cell("内4")), grid=2)
    body = table(row(cell("外层", inner, "", "尾"), cell("右")), grid=2) + table(row(cell("后表")))
    document = read_docx(make_docx(tmp_path / "nested.docx", body), LIMITS)
    outer, after = document.tables
    assert outer.text_rows() == [["外层\n内1\t内2\n内3\t内4\n尾", "右"]]
    assert (outer.place, after.place) == ("表1", "表2")


def test_checkboxes_of_every_kind(tmp_path: Path) -> None:
    wingdings = '<w:rFonts w:ascii="Wingdings" w:hAnsi="Wingdings"/>'
    wingdings2 = '<w:rFonts w:ascii="Wingdings 2" w:hAnsi="Wingdings 2"/>'
    legacy_checked = (
        '<w:r><w:fldChar w:fldCharType="begin"><w:ffData><w:checkBox><w:sizeAuto/>'
        '<w:default w:val="0"/><w:checked/></w:checkBox></w:ffData></w:fldChar></w:r>'
        '<w:r><w:instrText xml:space="preserve"> FORMCHECKBOX </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    body = (
        para("部门预算 ", checkbox(True), " 专项 ", checkbox(False))
        + para(
            "符号：",
            '<w:r><w:sym w:font="Wingdings" w:char="F0FE"/></w:r>',
            '<w:r><w:sym w:font="Wingdings" w:char="F0A8"/></w:r>',
            '<w:r><w:sym w:font="宋体" w:char="221A"/></w:r>',  # an ordinary font: Unicode √
            '<w:r><w:sym w:font="Webdings" w:char="F063"/></w:r>',  # unknown symbol: nothing
            run("R£", wingdings2),
            run("þ", wingdings),
            legacy_checked,
        )
        + para("Rate R")  # the same letters in an ordinary font stay letters
        + table(row(cell(para("是", checkbox(True), "否", checkbox(False)))))
    )
    document = read_docx(make_docx(tmp_path / "boxes.docx", body), LIMITS)
    assert texts(document) == ["部门预算 ☑ 专项 ☐", "符号：☑☐☑☑☐☑☑", "Rate R"]
    assert document.tables[0].text_rows() == [["是☑否☐"]]


def test_multi_level_numbering_with_restarts_overrides_and_bullets(tmp_path: Path) -> None:
    numbering = (
        '<w:abstractNum w:abstractNumId="1">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="nothing"/>'
        '<w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="（%2）"/></w:lvl>'
        '<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:isLgl/>'
        '<w:lvlText w:val="%1.%2.%3"/></w:lvl>'
        "</w:abstractNum>"
        '<w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="bullet"/><w:lvlText w:val="●"/></w:lvl></w:abstractNum>'
        '<w:abstractNum w:abstractNumId="3"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
        '<w:numFmt w:val="ideographTraditional"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/>'
        '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>'
        '<w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num>'
        '<w:num w:numId="4"><w:abstractNumId w:val="3"/></w:num>'
    )
    styles = (
        '<w:style w:type="paragraph" w:styleId="NumberedSection"><w:name w:val="Numbered Section"/>'
        '<w:basedOn w:val="Heading1"/><w:pPr><w:numPr><w:numId w:val="4"/></w:numPr></w:pPr></w:style>'
    )
    body = (
        numbered("总体", 1)
        + numbered("子项", 1, 1)
        + numbered("子项", 1, 1)
        + numbered("细项", 1, 2)  # isLgl: the levels above are written as decimals here
        + numbered("总体", 1)
        + numbered("子项", 1, 1)  # a higher level advanced: this level starts again
        + numbered("续一", 1)
        + numbered("另起", 2)  # same list definition, restarted by startOverride
        + numbered("接续", 1)  # the first list continues the shared counter
        + numbered("要点", 3)  # bullet: no text
        + numbered("不编号", 0)  # numId 0 switches numbering off
        + styled("概述", "NumberedSection")
        + styled("范围", "NumberedSection")
    )
    document = read_docx(make_docx(tmp_path / "lists.docx", body, numbering=numbering, styles=styles), LIMITS)
    assert texts(document) == [
        "1.总体",
        "（一）子项",
        "（二）子项",
        "1.2.1 细项",
        "2.总体",
        "（一）子项",
        "3.续一",
        "1.另起",
        "2.接续",
        "要点",
        "不编号",
        "甲、概述",
        "乙、范围",
    ]
    assert [p.heading for p in document.paragraphs[-2:]] == [1, 1]  # through w:basedOn Heading1


@pytest.mark.parametrize(
    ("n", "fmt", "expected"),
    [
        (12, "decimal", "12"),
        (10, "chineseCounting", "十"),
        (21, "chineseCounting", "二十一"),
        (105, "chineseCountingThousand", "一百零五"),
        (12, "chineseLegalSimplified", "壹拾贰"),
        (3, "ideographTraditional", "丙"),
        (4, "upperRoman", "IV"),
        (14, "lowerRoman", "xiv"),
        (28, "lowerLetter", "bb"),
        (3, "decimalEnclosedCircle", "③"),
        (7, "decimalZero", "07"),
        (5, "japaneseCounting", "五"),
        (9, "someFutureFormat", "9"),
    ],
)
def test_number_formats(n: int, fmt: str, expected: str) -> None:
    assert format_number(n, fmt) == expected


@given(st.integers(min_value=1, max_value=10**8 - 1))
def test_chinese_counting_agrees_with_cn2an(n: int) -> None:
    assert format_number(n, "chineseCountingThousand") == cn2an.an2cn(n)


def test_heading_levels_from_styles_and_outline_levels(tmp_path: Path) -> None:
    styles = (
        '<w:style w:type="paragraph" w:styleId="ReportSection"><w:name w:val="Report Section"/>'
        '<w:basedOn w:val="Heading2"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="a5"><w:name w:val="标题 3"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="Chapter"><w:name w:val="章节"/>'
        '<w:pPr><w:outlineLvl w:val="3"/></w:pPr></w:style>'
    )
    body = (
        styled("标题行", "Title")
        + styled("一级", "Heading1")
        + styled("派生二级", "ReportSection")
        + styled("中文样式名", "a5")
        + styled("大纲四级", "Chapter")
        + para("直接大纲", ppr='<w:outlineLvl w:val="0"/>')
        + para("正文大纲", ppr='<w:pStyle w:val="Heading1"/><w:outlineLvl w:val="9"/>')
        + para("正文")
    )
    document = read_docx(make_docx(tmp_path / "headings.docx", body, styles=styles), LIMITS)
    assert [(p.text, p.heading) for p in document.paragraphs] == [
        ("标题行", None),
        ("一级", 1),
        ("派生二级", 2),
        ("中文样式名", 3),
        ("大纲四级", 4),
        ("直接大纲", 1),
        ("正文大纲", None),
        ("正文", None),
    ]


def test_text_boxes_follow_their_anchor_paragraph_once(tmp_path: Path) -> None:
    vml_only = (
        "<w:r><w:pict><v:shape><v:textbox><w:txbxContent>"
        f"{para('旧式文本框')}</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    )
    body = (
        para("锚点段落", text_box("文本框内容"))
        + para(text_box("只有文本框"))
        + para("下一段", vml_only)
        + table(row(cell(para("单元格", text_box("格内文本框")))))
    )
    document = read_docx(make_docx(tmp_path / "boxes.docx", body), LIMITS)
    assert [(p.text, p.place) for p in document.paragraphs] == [
        ("锚点段落", "第1段"),
        ("文本框内容", "第2段"),
        ("只有文本框", "第3段"),
        ("下一段", "第4段"),
        ("旧式文本框", "第5段"),
    ]
    assert document.tables[0].text_rows() == [["单元格\n格内文本框"]]


def test_tracked_changes_fields_hidden_text_and_placeholders(tmp_path: Path) -> None:
    deletion = '<w:del w:id="1" w:author="审核"><w:r><w:delText>100</w:delText></w:r></w:del>'
    insertion = f'<w:ins w:id="2" w:author="审核">{run("120")}</w:ins>'
    nested_if = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>'
        + field("PAGE", "1")
        + '<w:r><w:instrText xml:space="preserve"> = 1 "首页" "续页" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        + run("首页")
        + '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )
    placeholder = (
        "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>"
        f"<w:sdtContent>{run('单击此处输入文字。')}</w:sdtContent></w:sdt>"
    )
    filled = f"<w:sdt><w:sdtPr/><w:sdtContent>{run('宝丰街')}</w:sdtContent></w:sdt>"
    unfinished = (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>HYPERLINK</w:instrText></w:r>'
    )
    body = (
        para("预算", deletion, insertion, "万元")
        + para("第 ", field("PAGE", "3"), " 页")
        + para("共", '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>9</w:t></w:r></w:fldSimple>', "页")
        + para(nested_if)
        + para("可见", run("隐藏说明", "<w:vanish/>"), "文字")
        + para("单位：", placeholder, filled)
        + para(unfinished)  # a field without its separator: its code must not swallow what follows
        + para("其后正常")
        + para("甲", "<w:r><w:br/></w:r>", "乙", "<w:r><w:tab/></w:r>", "丙")
        + para('<w:r><w:br w:type="page"/></w:r>', "新页")
        + para("   ")  # whitespace only: left out
        + para(
            f'<w:hyperlink w:anchor="a">{run("链接")}</w:hyperlink>',
            f"<w:smartTag>{run('武汉')}</w:smartTag>",
        )
    )
    document = read_docx(make_docx(tmp_path / "fields.docx", body), LIMITS)
    assert texts(document) == [
        "预算120万元",
        "第 3 页",
        "共9页",
        "首页",
        "可见文字",
        "单位：宝丰街",
        "其后正常",
        "甲\n乙\t丙",
        "新页",
        "链接武汉",
    ]
    assert [p.place for p in document.paragraphs][-1] == "第10段"


def test_content_controls_around_blocks_and_rows_are_read(tmp_path: Path) -> None:
    wrapped_row = f"<w:sdt><w:sdtPr/><w:sdtContent>{row(cell('重复行'))}</w:sdtContent></w:sdt>"
    body = (
        "<w:sdt><w:sdtPr/><w:sdtContent>"
        + para("控件中的段落")
        + table(row(cell("控件中的表格")), wrapped_row)
        + "</w:sdtContent></w:sdt>"
        + para("控件之后")
    )
    document = read_docx(make_docx(tmp_path / "sdt.docx", body), LIMITS)
    assert texts(document) == ["控件中的段落", "控件之后"]
    assert document.tables[0].text_rows() == [["控件中的表格"], ["重复行"]]
    assert document.tables[0].place == "表1"


def test_embedded_objects_and_charts_are_noted(tmp_path: Path) -> None:
    ole = '<w:r><w:object><v:shape/><o:OLEObject ProgID="Excel.Sheet.12"/></w:object></w:r>'
    chart = (
        '<w:r><w:drawing><wp:inline><a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/'
        'drawingml/2006/chart"/></a:graphic></wp:inline></w:drawing></w:r>'
    )
    body = para("见下表：") + para(ole) + table(row(cell(para("图", chart)))) + para("公式", ole)
    document = read_docx(make_docx(tmp_path / "objects.docx", body, title="测试标题"), LIMITS)
    assert document.notes == [("第1段之后", OBJECT_NOTE), ("表1", OBJECT_NOTE), ("第2段", OBJECT_NOTE)]
    assert texts(document) == ["见下表：", "公式"]
    assert document.title == "测试标题"


def test_equations_are_read_as_linear_text(tmp_path: Path) -> None:
    math = (
        "<m:oMath><m:r><m:t>得分=</m:t></m:r><m:f><m:num><m:r><m:t>B</m:t></m:r></m:num>"
        "<m:den><m:r><m:t>A</m:t></m:r></m:den></m:f><m:r><m:t>×20</m:t></m:r></m:oMath>"
    )
    document = read_docx(make_docx(tmp_path / "math.docx", para("计分：", math)), LIMITS)
    assert texts(document) == ["计分：得分=B/A×20"]


def test_strict_open_xml_namespace(tmp_path: Path) -> None:
    source = make_docx(tmp_path / "plain.docx", styled("一、总体情况", "Heading1") + table(row(cell("格"))))
    with zipfile.ZipFile(source) as zf:
        xml = zf.read("word/document.xml")
    strict = xml.replace(W_MAIN.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main")
    document = read_docx(replace_part(source, tmp_path / "strict.docx", "word/document.xml", strict), LIMITS)
    assert texts(document) == ["一、总体情况"]
    assert document.tables[0].text_rows() == [["格"]]


@needs_soffice
def test_wps_file_is_read_through_libreoffice(tmp_path: Path, report_002: Document) -> None:
    # WPS Office saves .wps files in Word's binary (.doc) format when set to Word compatibility,
    # so a .doc renamed to .wps is what such a file is.
    wps = tmp_path / "自评报告.wps"
    shutil.copyfile(FORMATS / "002_report.doc", wps)
    document = read_document(wps)
    assert (document.format, document.path) == ("wps", str(wps))
    assert document.blocks == report_002.blocks


# ---------------------------------------------------------------------------------------------
# Bad files: each is refused with a reason, quickly, without unpacking what it claims to hold


def refusal(path: Path, limits: Limits = LIMITS) -> str:
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path, limits)
    return caught.value.reason


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "空.docx"
    empty.write_bytes(b"")
    assert "为空" in refusal(empty)


def test_random_bytes_named_docx(tmp_path: Path) -> None:
    junk = tmp_path / "junk.docx"
    junk.write_bytes(os.urandom(20_000))
    assert "损坏" in refusal(junk)


def test_docx_truncated_at_half_its_size(tmp_path: Path) -> None:
    data = (FORMATS / "002_report.docx").read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    assert "损坏" in refusal(cut)


def test_docx_with_damaged_compressed_data(tmp_path: Path) -> None:
    source = FORMATS / "001_report.docx"
    with zipfile.ZipFile(source) as zf:
        info = zf.getinfo("word/document.xml")
    data = bytearray(source.read_bytes())
    # Overwrite the middle of document.xml's compressed bytes; the directory stays intact.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    data[middle : middle + 64] = bytes(64)
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(bytes(data))
    assert "损坏" in refusal(damaged)


def test_docx_with_broken_xml(tmp_path: Path) -> None:
    source = make_docx(tmp_path / "ok.docx", para("正文"))
    broken = replace_part(source, tmp_path / "broken.docx", "word/document.xml", b"<w:document><w:body><w:p>")
    reason = refusal(broken)
    assert reason.startswith("文件已损坏：") and "XML" in reason


def test_docx_without_its_main_part(tmp_path: Path) -> None:
    source = make_docx(tmp_path / "ok.docx", para("正文"))
    missing = tmp_path / "missing.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(missing, "w") as out:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                out.writestr(info.filename, src.read(info.filename))
    reason = refusal(missing)
    assert reason.startswith("文件已损坏：") and "word/document.xml" in reason


def test_password_protected_docx(tmp_path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = make_docx(tmp_path / "plain.docx", para("机密"))
    locked = tmp_path / "locked.docx"
    with plain.open("rb") as fh, locked.open("wb") as out:
        OOXMLFile(fh).encrypt("secret", out)
    started = time.perf_counter()
    assert "加密" in refusal(locked)
    assert time.perf_counter() - started < 1.0  # recognised before any conversion is tried


def test_zip_bomb_is_refused_without_unpacking(tmp_path: Path) -> None:
    bomb = zip_bomb_docx(make_docx(tmp_path / "ok.docx", para("正文")), tmp_path / "bomb.docx", 50)
    assert bomb.stat().st_size < 1024 * 1024
    tracemalloc.start()
    started = time.perf_counter()
    try:
        reason = refusal(bomb)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "压缩炸弹" in reason
    assert elapsed < 1.0
    assert peak < 5 * 1024 * 1024


@pytest.mark.parametrize("padding", [0, 8192], ids=["doctype-first", "doctype-after-long-prolog"])
def test_xml_entity_bomb_is_refused(tmp_path: Path, padding: int) -> None:
    source = make_docx(tmp_path / "ok.docx", para("正文"))
    bomb = replace_part(source, tmp_path / "bomb.docx", "word/document.xml", entity_bomb_xml(padding))
    started = time.perf_counter()
    assert "实体" in refusal(bomb)
    assert time.perf_counter() - started < 1.0


def test_oversized_table_is_refused(tmp_path: Path) -> None:
    body = table(*(row(*(cell(f"{r}-{c}") for c in range(4))) for r in range(4)), grid=4)
    big = make_docx(tmp_path / "big.docx", body)
    assert read_docx(big, Limits(max_cells=16)).tables[0].n_rows == 4
    assert "表格过大" in refusal(big, Limits(max_cells=15))


def test_absurd_spans_are_capped(tmp_path: Path) -> None:
    body = table(row(cell("宽", span=10**9)), grid=1)
    document = read_docx(make_docx(tmp_path / "wide.docx", body), LIMITS)
    assert document.tables[0].n_cols == 63


def test_random_bytes_named_doc_are_refused_before_conversion(tmp_path: Path) -> None:
    # LibreOffice would import unknown bytes as plain text and "succeed"; they never reach it.
    junk = tmp_path / "junk.doc"
    junk.write_bytes(b"\x00\x01\x02\x03" + os.urandom(20_000))
    started = time.perf_counter()
    assert "损坏" in refusal(junk)
    assert time.perf_counter() - started < 1.0


def test_truncated_doc_is_refused(tmp_path: Path) -> None:
    data = (FORMATS / "002_report.doc").read_bytes()
    cut = tmp_path / "cut.doc"
    cut.write_bytes(data[: len(data) // 2])
    assert "损坏" in refusal(cut)


def test_nothing_but_unreadable_document_escapes(tmp_path: Path) -> None:
    """Every byte-level mutilation of a real docx either reads or is refused with a reason."""
    data = (FORMATS / "003_report.docx").read_bytes()
    reasons: list[str] = []
    read = 0
    for i, offset in enumerate(range(0, len(data), len(data) // 40)):
        mutated = bytearray(data)
        mutated[offset : offset + 16] = b"\xff" * 16
        path = tmp_path / f"m{i}.docx"
        path.write_bytes(bytes(mutated))
        try:
            read_docx(path, LIMITS)
        except UnreadableDocument as exc:
            reasons.append(exc.reason)
        else:
            read += 1
    assert reasons and all(reasons)
    assert read + len(reasons) == 41
