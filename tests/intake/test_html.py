"""Web pages (.html/.htm) and web archives (.mht): lxml.html into the neutral document model."""

from __future__ import annotations

import base64
import json
import quopri
import subprocess
import sys
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from jixiao.intake.document import Document
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.pipeline import extract_file
from jixiao.intake.readers import read_document
from jixiao.intake.readers.html import DEPTH_NOTE
from jixiao.intake.readers.html import LIMIT_NOTE

FORM = """
<table border="1" class="MsoTableGrid">
<tr><td rowspan="4">项目资金<br>（{unit}）</td><td></td><td>年初预算数</td><td>全年预算数</td>
    <td>全年执行数</td><td>分值</td><td>执行率</td><td>得分</td></tr>
<tr><td>年度资金总额</td><td>{budget}</td><td>{budget}</td><td>{spent}</td><td>10</td><td>{rate}</td><td>{score}</td></tr>
<tr><td>其中：本年财政拨款</td><td colspan="2">{budget}</td><td>{spent}</td><td>—</td><td>{rate}</td><td>—</td></tr>
<tr><td>其他资金</td><td></td><td></td><td></td><td>—</td><td></td><td>—</td></tr>
<tr><td rowspan="3">绩效指标</td><td>一级指标</td><td>三级指标</td><td>年度指标值</td><td>实际完成值</td>
    <td>分值</td><td>得分</td><td>偏差原因</td></tr>
<tr><td rowspan="2">产出指标</td><td>{name}</td><td>≧{target}</td><td>{actual}</td><td>50</td><td>50</td><td></td></tr>
<tr><td>验收合格率</td><td>＞＝95％</td><td>1O0%</td><td>30</td><td>30</td><td></td></tr>
<tr><td colspan="5">总分</td><td>100</td><td colspan="2">{total}</td></tr>
</table>
"""


def _page(charset: str = "utf-8", **values: str) -> str:
    form = FORM.format(**values)
    return f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">
<title>{values["year"]}年度项目支出绩效自评表</title>
<style>td {{ font-size: 12px }}</style>
<script>document.write("<table><tr><td>广告</td></tr></table>");</script></head>
<body>
<div class="top-nav"><a href="/">首页</a> | <a href="/zwgk">政务公开</a></div>
<nav><ul><li>机构概况</li><li>政策文件</li></ul></nav>
<table width="960" align="center"><tr><td>
  <div class="breadcrumb">当前位置：首页 &gt; 财政资金</div>
  <h1>{values["year"]}年度项目支出绩效自评表</h1>
  <p>项目名称：{values["project"]}<br/>填报单位：<span>{values["unit_name"]}</span></p>
  {form}
  <p>自评得分：{values["total"]}分。</p>
  <div style="DISPLAY: none">自评得分：60分（旧版）</div><p hidden>预算数：1万元</p>
</td></tr></table>
<div id="footer">主办单位：县人民政府办公室　版权所有</div>
</body></html>"""


VALUES = {
    "year": "2023",
    "project": "农村道路养护",
    "unit_name": "县交通运输局",
    "unit": "万元",
    "budget": "120",
    "spent": "118.5",
    "rate": "98.75%",
    "score": "9.88",
    "name": "养护里程",
    "target": "300公里",
    "actual": "312公里",
    "total": "98",
}


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _check_form(doc: Document) -> None:
    texts = [p.text for p in doc.paragraphs]
    assert texts == [
        "2023年度项目支出绩效自评表",
        "项目名称：农村道路养护",
        "填报单位：县交通运输局",
        "自评得分：98分。",
    ]
    assert doc.paragraphs[0].heading == 1
    assert doc.title == "2023年度项目支出绩效自评表"
    assert all("首页" not in t and "版权" not in t and "广告" not in t for t in texts)
    (table,) = doc.tables
    assert (table.n_rows, table.n_cols) == (8, 8)
    grid = table.grid()
    label = grid[0][0]
    assert label is not None and label.text == "项目资金\n（万元）" and label.rowspan == 4
    assert grid[3][0] is label
    assert table.text_rows()[1] == ["", "年度资金总额", "120", "120", "118.5", "10", "98.75%", "9.88"]
    merged = grid[2][2]
    assert merged is not None and merged.colspan == 2 and grid[2][3] is merged
    # the cell after a colspan takes the next free position
    assert table.text_rows()[2][4] == "118.5"
    # a row under rowspans starts at the first free column
    assert table.text_rows()[5][1:5] == ["产出指标", "养护里程", "≥300公里", "312公里"]
    assert table.text_rows()[6][:5] == ["", "", "验收合格率", ">=95%", "100%"]
    assert grid[6][1] is grid[5][1]
    total = grid[7][6]
    assert total is not None and total.text == "98" and total.colspan == 2
    cell = next(c for c in table.cells if c.text == ">=95%")
    assert cell.original == "＞＝95％"


def test_html_page_reads_form_without_page_furniture(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "自评表.html", _page(**VALUES)))
    assert doc.format == "html"
    _check_form(doc)


def test_gbk_page_declared_in_meta(tmp_path: Path) -> None:
    doc = read_document(_write(tmp_path, "page.htm", _page("gb2312", **VALUES), "gb18030"))
    _check_form(doc)


def _mht(html: str, charset: str, transfer: str) -> bytes:
    """A web archive as Internet Explorer and Word save it: the page, then its images."""
    raw = html.encode("gb18030" if charset == "gb2312" else charset)
    body = quopri.encodestring(raw) if transfer == "quoted-printable" else base64.encodebytes(raw)
    head = (
        "From: <Saved by Windows Internet Explorer 8>\r\nSubject: page\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----=_NextPart_000"\r\n\r\n'
        "------=_NextPart_000\r\n"
        f'Content-Type: text/html; charset="{charset}"\r\nContent-Transfer-Encoding: {transfer}\r\n'
        "Content-Location: file:///C:/page.htm\r\n\r\n"
    )
    tail = (
        "\r\n------=_NextPart_000\r\nContent-Type: image/gif\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "R0lGODlhAQABAAAAACw=\r\n------=_NextPart_000--\r\n"
    )
    return head.encode("ascii") + body + tail.encode("ascii")


@pytest.mark.parametrize(
    ("name", "charset", "transfer"),
    [
        ("page.mht", "gb2312", "quoted-printable"),
        ("page.mhtml", "utf-8", "base64"),
        ("saved.doc", "utf-8", "base64"),
    ],
)
def test_mht_web_archive(tmp_path: Path, name: str, charset: str, transfer: str) -> None:
    path = tmp_path / name
    path.write_bytes(_mht(_page(charset, **VALUES), charset, transfer))
    doc = read_document(path)
    assert doc.format == "mht"
    _check_form(doc)


def test_html_saved_as_doc_or_txt_is_read_as_html(tmp_path: Path) -> None:
    for name in ("report.doc", "report.txt"):
        doc = read_document(_write(tmp_path, name, _page(**VALUES)))
        assert doc.format == "html"
        assert len(doc.tables) == 1


def test_traditional_page_is_normalised(tmp_path: Path) -> None:
    page = "<html><body><h2>績效目標自評表</h2><table><tr><td>全年預算數</td><td>８０</td></tr><tr><td>a</td><td>b</td></tr></table></body></html>"
    doc = read_document(_write(tmp_path, "t.html", page))
    assert doc.paragraphs[0].text == "绩效目标自评表"
    assert doc.paragraphs[0].original == "績效目標自評表"
    assert doc.tables[0].text_rows()[0] == ["全年预算数", "80"]


def test_two_data_tables_in_a_layout_table(tmp_path: Path) -> None:
    page = (
        "<html><body><table><tr><td><table><tr><td>甲</td><td>1</td></tr></table></td>"
        "<td><p>说明</p><table><tr><td>乙</td><td>2</td></tr><tr><td>丙</td><td>3</td></tr></table></td>"
        "</tr></table></body></html>"
    )
    doc = read_document(_write(tmp_path, "two.html", page))
    assert [t.text_rows() for t in doc.tables] == [[["甲", "1"]], [["乙", "2"], ["丙", "3"]]]
    assert [t.place for t in doc.tables] == ["表1", "表2"]
    assert [p.text for p in doc.paragraphs] == ["说明"]


def test_span_bomb_is_refused(tmp_path: Path) -> None:
    rows = "".join('<tr><td colspan="1000" rowspan="65534">x</td></tr>' for _ in range(400))
    path = _write(tmp_path, "bomb.html", f"<html><body><table>{rows}</table></body></html>")
    with pytest.raises(UnreadableDocument, match="表格过大"):
        read_document(path)
    with pytest.raises(UnreadableDocument, match="表格过大"):
        read_document(
            _write(tmp_path, "small.html", "<table><tr><td>a</td><td colspan=50>b</td></tr></table>"),
            Limits(max_cells=20),
        )


def test_rowspans_are_capped_at_the_table_end(tmp_path: Path) -> None:
    page = '<table><tr><td rowspan="0">a</td><td>b</td></tr><tr><td>c</td></tr></table>'
    (table,) = read_document(_write(tmp_path, "cap.html", "<html><body>" + page)).tables
    assert (table.n_rows, table.n_cols) == (2, 2)
    assert table.text_rows() == [["a", "b"], ["", "c"]]


def test_deep_nesting_reads_as_text(tmp_path: Path) -> None:
    depth = 115  # 230 levels: past the walker's cap, within libxml2's
    page = "<html><body>" + "<div><span>" * depth + "深处的文字" + "</span></div>" * depth + "</body></html>"
    doc = read_document(_write(tmp_path, "deep.html", page))
    assert "深处的文字" in doc.text()
    assert ("网页", DEPTH_NOTE) in doc.notes


def test_nesting_past_the_parser_limit_is_reported(tmp_path: Path) -> None:
    page = "<html><body><p>前言</p>" + "<div>" * 400 + "深处" + "</div>" * 400 + "<p>后文</p></body></html>"
    doc = read_document(_write(tmp_path, "deeper.html", page))
    assert [p.text for p in doc.paragraphs] == ["前言"]
    assert ("网页", LIMIT_NOTE) in doc.notes


def test_page_with_only_furniture_is_unreadable(tmp_path: Path) -> None:
    page = "<html><head><script>x()</script></head><body><nav>首页</nav><div class='footer'>版权</div></body></html>"
    with pytest.raises(UnreadableDocument, match="没有可读的正文"):
        read_document(_write(tmp_path, "empty.html", page))


def test_mht_without_a_page(tmp_path: Path) -> None:
    outer = MIMEMultipart("related")
    outer.attach(MIMEText("only text", "plain"))
    path = tmp_path / "x.mht"
    path.write_bytes(outer.as_bytes())
    with pytest.raises(UnreadableDocument, match="没有找到 HTML"):
        read_document(path)


def test_jixiao_extract_reads_a_web_page(tmp_path: Path) -> None:
    values = {**VALUES, "budget": "80", "spent": "72", "rate": "90%", "score": "9", "total": "91"}
    path = _write(tmp_path, "page.html", _page(**values))
    out = subprocess.run(
        [sys.executable, "-m", "jixiao", "extract", str(path), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr  # 1: the evaluation has findings
    data = json.loads(out.stdout)
    ev = data[0] if isinstance(data, list) else data
    assert ev["budget"]["planned_yuan"] == 800000
    assert ev["budget"]["executed_yuan"] == 720000
    assert ev["claimed"]["total"] == 91
    assert ev["project"]["year"] == 2023


def test_web_upload_and_folder_check_take_web_pages() -> None:
    from jixiao.web.uploads import accepted
    from jixiao.web.uploads import suffix_of

    for name in ("自评表.html", "自评表.HTM", "归档.mht", "归档.mhtml"):
        assert suffix_of(name) is not None, name
    assert {".html", ".htm", ".mht", ".mhtml"} <= set(accepted())


def test_excel_web_page_named_doc(tmp_path: Path) -> None:
    """Excel's and Word's “web page” output under an office name (an .xls keeps going to the
    spreadsheet reader, which converts it with LibreOffice and keeps exact numbers)."""
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">'
        "<!--[if gte mso 9]><xml><x:ExcelWorkbook></x:ExcelWorkbook></xml><![endif]--></head><body>"
        '<table x:str><tr><td colspan=3 x:str="项目支出绩效自评表">项目支出绩效自评表</td></tr>'
        '<tr><td>年度资金总额</td><td x:num="56.2">56.20</td><td x:num>50.58</td></tr></table></body></html>'
    )
    path = tmp_path / "导出.doc"
    path.write_bytes(page.encode("gb18030"))
    doc = read_document(path)
    assert doc.format == "html"
    assert doc.tables[0].text_rows() == [["项目支出绩效自评表", "", ""], ["年度资金总额", "56.20", "50.58"]]
    bare = tmp_path / "bare.wps"
    bare.write_bytes("<table><tr><td>预算数</td><td>12</td></tr></table>".encode("gb18030"))
    assert read_document(bare).tables[0].text_rows() == [["预算数", "12"]]


def test_check_boxes_of_a_web_form(tmp_path: Path) -> None:
    page = (
        "<html><body><table><tr><td>项目类型</td><td>"
        '<input type="checkbox" checked="checked">常年性 <input type=checkbox>一次性'
        '<input type="text" value="x"></td></tr><tr><td>属性</td><td><input type=radio checked>新增</td></tr>'
        "</table></body></html>"
    )
    (table,) = read_document(_write(tmp_path, "boxes.html", page)).tables
    assert table.text_rows() == [["项目类型", "☑常年性 ☐一次性"], ["属性", "☑新增"]]


@pytest.mark.parametrize(
    "top",
    [
        "<h2>环城街道办事处</h2><h1>关于2022年度老旧小区改造项目的绩效自评报告</h1>",  # unit over title
        "<h1>关于2022年度老旧小区改造项目的绩效自评报告</h1><p>环城街道办事处</p>",
    ],
)
def test_a_title_marked_as_a_heading_is_the_reports_title(tmp_path: Path, top: str) -> None:
    path = tmp_path / "自评.html"
    body = "<p>一、基本情况</p><p>老旧小区改造项目2022年预算安排80万元，实际支出76万元。</p>"
    path.write_text(f'<html><head><meta charset="utf-8"></head><body>{top}{body}</body></html>', "utf-8")
    project = extract_file(path).project
    assert (project.name, project.unit, project.year) == ("老旧小区改造", "环城街道办事处", 2022)


def test_an_unnumbered_section_heading_is_not_a_title(tmp_path: Path) -> None:
    path = tmp_path / "自评.html"
    path.write_text(
        '<html><head><meta charset="utf-8"></head><body><h2>项目管理办公室</h2>'
        "<p>本单位2022年老旧小区改造工作按计划推进，预算安排80万元，实际支出76万元。</p></body></html>",
        "utf-8",
    )
    assert extract_file(path).project.unit is None  # a heading that names no report opens no front matter
