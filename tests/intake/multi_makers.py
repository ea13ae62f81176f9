"""Files that hold several projects' 自评表: a department's page of forms, built in code.

Each project is a :class:`Spec` (its own name, amounts and scores); :func:`form_rows` lays one out
as the rows of the national 项目支出绩效自评表, and the writers put several of them into one docx
(one table pair per form, or one table holding every form stacked), one workbook (one sheet each)
or one text file (TAB-separated rows, Markdown pipe tables one per form or one holding them all).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import docx
from docx.table import Table as DocxTable

WIDTH = 8
_INDICATORS = (
    ("产出指标", "数量指标", "{thing}数量", "≥{n}个", "{m}个"),
    ("产出指标", "质量指标", "验收合格率", "≥95%", "98%"),
    ("效益指标", "社会效益指标", "受益人数", "≥{n}0人", "{m}0人"),
    ("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "93%"),
)


@dataclass(frozen=True, slots=True)
class Spec:
    """One project's form: amounts in 万元, scores per indicator row (weights 30/20/30/10)."""

    name: str
    unit: str
    planned: str
    executed: str
    scores: tuple[str, str, str, str]
    year: int = 2023
    thing: str = "服务站点"
    n: int = 12
    m: int = 13

    @property
    def rate(self) -> Decimal:
        return Decimal(self.executed) / Decimal(self.planned)

    @property
    def budget_score(self) -> Decimal:
        return (min(self.rate, Decimal(1)) * 10).quantize(Decimal("0.01"))

    @property
    def total(self) -> Decimal:
        return self.budget_score + sum((Decimal(s) for s in self.scores), Decimal(0))


def specs(count: int) -> list[Spec]:
    """``count`` different projects (names, units, amounts and scores all differ)."""
    things = ("图书", "路灯", "水井", "卫生室", "健身器材", "监控探头", "垃圾站", "公交站台", "桥梁", "渡口")
    out = []
    for i in range(count):
        planned = Decimal(120 + 37 * i)
        executed = planned - Decimal(i * 3 % 11)
        out.append(
            Spec(
                name=f"{things[i % len(things)]}{'建设' if i % 2 else '维护'}专项资金",
                unit=f"县第{i + 1}事务中心",
                planned=f"{planned:.2f}",
                executed=f"{executed:.2f}",
                scores=(str(30 - i % 3), "20", str(28 - i % 2), "10"),
                thing=things[i % len(things)],
                n=10 + i,
                m=11 + i,
            )
        )
    return out


def head_rows(spec: Spec) -> list[list[str]]:
    """The header and budget block of one form (no title)."""
    rate = f"{(spec.rate * 100).quantize(Decimal('0.01'))}%"
    return [
        ["项目名称", spec.name, "", "", "", "", "", ""],
        ["主管部门", "县财政局", "", "", "实施单位", spec.unit, "", ""],
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", spec.planned, spec.planned, spec.executed, "10", rate, str(spec.budget_score)],
        ["", "其中：当年财政拨款", spec.planned, spec.planned, spec.executed, "—", "—", "—"],
    ]


def indicator_rows(spec: Spec) -> list[list[str]]:
    """The indicator table of one form, its 总分 row last."""
    rows = [
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "年度指标值",
            "实际完成值",
            "分值",
            "得分",
            "偏差原因分析及改进措施",
        ]
    ]
    for (l1, l2, name, target, actual), weight, score in zip(
        _INDICATORS, ("30", "20", "30", "10"), spec.scores, strict=True
    ):
        fill = {"thing": spec.thing, "n": spec.n, "m": spec.m}
        rows.append(
            [l1, l2, name.format(**fill), target.format(**fill), actual.format(**fill), weight, score, ""]
        )
    rows.append(["总分", "", "", "", "", "100", str(spec.total), ""])
    return rows


def titles(spec: Spec) -> list[str]:
    """A form's title as two lines (paragraphs above the table, or lines of text)."""
    return ["项目支出绩效自评表", f"（{spec.year}年度）"]


def title_row(spec: Spec) -> list[str]:
    """A form's title as the first row of its grid."""
    return [f"项目支出绩效自评表（{spec.year}年度）"] + [""] * (WIDTH - 1)


def add_rows(table: DocxTable, rows: list[list[str]]) -> DocxTable:
    """Append ``rows`` to a Word table as they are (no merging)."""
    for values in rows:
        cells = table.add_row().cells
        for c, v in enumerate(values):
            cells[c].text = v
    return table


def _fill(table: DocxTable, rows: list[list[str]]) -> None:
    """Append ``rows`` as a form lays them out: the name across the row, a title across all."""
    for values in rows:
        cells = add_rows(table, [values]).rows[-1].cells
        if values[0] == "项目名称":
            cells[1].merge(cells[WIDTH - 1]).text = values[1]
        if len(set(values)) == 1 or (values[0] and not any(values[1:])):
            cells[0].merge(cells[WIDTH - 1]).text = values[0]


def docx_forms(path: Path, forms: list[Spec], *, preamble: str | None = None) -> Path:
    """One docx: per project a title, a header/budget table and an indicator table."""
    d = docx.Document()
    if preamble:
        d.add_paragraph(preamble)
    for spec in forms:
        for line in titles(spec):
            d.add_paragraph(line)
        _fill(d.add_table(rows=0, cols=WIDTH, style="Table Grid"), head_rows(spec))
        d.add_paragraph("")
        _fill(d.add_table(rows=0, cols=WIDTH, style="Table Grid"), indicator_rows(spec))
        d.add_paragraph("填报人：王明　联系电话：0000-1234567")
    d.save(str(path))
    return path


def stacked_rows(forms: list[Spec]) -> list[list[str]]:
    """Every form one after another in one grid, each starting with its title rows."""
    rows: list[list[str]] = []
    for spec in forms:
        rows.append(title_row(spec))
        rows.extend(head_rows(spec))
        rows.extend(indicator_rows(spec))
    return rows


def docx_stacked(path: Path, forms: list[Spec]) -> Path:
    """One docx whose single table holds every form stacked vertically."""
    d = docx.Document()
    d.add_paragraph("2023年度部门项目支出绩效自评结果公开")
    _fill(d.add_table(rows=0, cols=WIDTH, style="Table Grid"), stacked_rows(forms))
    d.save(str(path))
    return path


def xlsx_sheets(path: Path, forms: list[Spec], *, summary: bool = False) -> Path:
    """One workbook, one sheet per project (named after it); with ``summary`` a first sheet
    listing every project (项目名称 as a column heading)."""
    import openpyxl

    wb = openpyxl.Workbook()
    first = wb.active
    assert first is not None
    if summary:
        first.title = "汇总"
        first.append(["序号", "项目名称", "预算数", "执行数"])
        for i, spec in enumerate(forms, 1):
            first.append([i, spec.name, float(spec.planned), float(spec.executed)])
    else:
        wb.remove(first)
    for spec in forms:
        ws = wb.create_sheet(spec.name[:20])
        ws.append([f"{spec.year}年度项目支出绩效自评表"])
        for values in head_rows(spec) + indicator_rows(spec):
            ws.append([_cell_value(v) for v in values])
    wb.save(str(path))
    return path


def _cell_value(text: str) -> str | float | None:
    if not text:
        return None
    try:
        return float(text) if text[0].isdigit() and not text.endswith("%") else text
    except ValueError:
        return text


def tsv_forms(path: Path, forms: list[Spec]) -> Path:
    """One text file: each form's title lines, then its rows TAB-separated (copied from Excel)."""
    lines: list[str] = []
    for spec in forms:
        lines.extend(titles(spec))
        lines.extend("\t".join(row) for row in head_rows(spec) + indicator_rows(spec))
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def pipe_forms(path: Path, forms: list[Spec]) -> Path:
    """One text file as a converter writes a page of forms: each form's title, then its rows as a
    Markdown pipe table (a separator line under the first row)."""
    lines: list[str] = []
    for spec in forms:
        lines.append(f"{spec.year}年度项目支出绩效自评表")
        lines.append("")
        rows = head_rows(spec) + indicator_rows(spec)
        for i, row in enumerate(rows):
            lines.append("| " + " | ".join(row) + " |")
            if i == 0:
                lines.append("|" + " --- |" * WIDTH)
        lines.append("")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def pipe_stacked(path: Path, forms: list[Spec]) -> Path:
    """One text file holding a single pipe table with every form stacked (title rows inside)."""
    rows = stacked_rows(forms)
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * WIDTH]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[1:])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def html_page(path: Path, forms: list[Spec]) -> Path:
    """A portal's page: navigation, then per project a heading and one table holding its form
    (the title row spanning the table), then a footer."""
    from html import escape

    def row(values: list[str]) -> str:
        if values[0] and not any(values[1:]):
            return f'<tr><td colspan="{WIDTH}">{escape(values[0])}</td></tr>'
        if values[0] == "项目名称":
            return f'<tr><td>项目名称</td><td colspan="{WIDTH - 1}">{escape(values[1])}</td></tr>'
        return "<tr>" + "".join(f"<td>{escape(v)}</td>" for v in values) + "</tr>"

    body = ['<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a></div>']
    body.append("<h1>县财政局2023年度项目支出绩效自评结果公开</h1>")
    body.append("<p>本局2023年度部门预算总额5,000万元，所有项目均已完成绩效自评，结果如下。</p>")
    for spec in forms:
        body.append(f"<p>{escape(spec.name)}绩效自评表</p>")
        rows = "".join(row(r) for r in head_rows(spec) + indicator_rows(spec))
        body.append(f"<table border='1'>{rows}</table>")
    body.append('<div class="footer">主办单位：县人民政府办公室</div>')
    page = "<html><head><meta charset='utf-8'></head><body>" + "".join(body) + "</body></html>"
    path.write_text(page, encoding="utf-8")
    return path


def cell_lines(path: Path, forms: list[Spec]) -> Path:
    """One text file as a web archive keeps a page of forms: every cell on its own indented line,
    a blank line between cells (the table structure lost)."""
    lines: list[str] = []
    for spec in forms:
        lines.extend(f"    {t}\n" for t in titles(spec))
        for row in head_rows(spec) + indicator_rows(spec):
            lines.extend(f"    {cell}\n" for cell in row if cell)
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
