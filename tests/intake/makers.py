"""Build test reports in other layouts and wordings than the corpus: Word tables with merged
cells (python-docx), TSV and cell-per-line text, GBK text."""

from __future__ import annotations

from pathlib import Path

import docx
from docx.table import Table as DocxTable


def _merge_down(table: DocxTable, col: int, top: int, bottom: int) -> None:
    if bottom > top:
        table.cell(top, col).merge(table.cell(bottom, col))


def national_docx(path: Path, *, split_at: int | None = None) -> Path:
    """A 自评表 in the national (财预〔2020〕10号) layout: budget block with 年初/全年预算数, 分值 and
    得分 columns, merged 一级/二级 cells, a 偏差原因 column and a 总分 row (分值 100, 得分 95.27).

    With ``split_at``, the indicator rows from that index on go into a second table without a
    header, as when a table breaks across pages.
    """
    d = docx.Document()
    d.add_paragraph("项目支出绩效自评表")
    d.add_paragraph("（2023年度）")
    head = d.add_table(rows=0, cols=8)
    for label, value in (
        ("项目名称", "农村饮水安全巩固提升工程"),
        ("主管部门", "县水利局"),
        ("实施单位", "县农村供水管理站"),
    ):
        cells = head.add_row().cells
        cells[0].text = label
        cells[1].merge(cells[7]).text = value
    rows = [
        ["项目资金（万元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
        ["", "年度资金总额", "1,200.00", "1,150.00", "1,104.00", "10", "96%", "9.6"],
        ["", "其中：当年财政拨款", "1,200.00", "1,150.00", "1,104.00", "—", "—", "—"],
    ]
    for values in rows:
        cells = head.add_row().cells
        for c, v in enumerate(values):
            cells[c].text = v
    _merge_down(head, 0, 3, 5)
    indicator_rows = [
        ("产出指标", "数量指标", "新建供水管网长度", "≥30公里", "32公里", "15", "15", ""),
        (
            "产出指标",
            "数量指标",
            "改造水厂数量",
            "3座",
            "2座",
            "10",
            "6.67",
            "一座水厂因征地延误，顺延至次年",
        ),
        ("产出指标", "质量指标", "水质达标率", "≥95%", "97%", "15", "15", ""),
        ("产出指标", "时效指标", "工程按期完工率", "100%", "90%", "10", "9", "受汛期影响"),
        ("效益指标", "社会效益指标", "受益人口", "≥5万人", "5.2万人", "15", "15", ""),
        ("效益指标", "可持续影响指标", "工程运行年限", "≥20年", "20年", "15", "15", ""),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "93%", "10", "10", ""),
    ]
    header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "年度指标值",
        "实际完成值",
        "分值",
        "得分",
        "偏差原因分析及改进措施",
    ]

    def table_with(rows_: list[tuple[str, ...]], with_header: bool) -> DocxTable:
        t = d.add_table(rows=0, cols=8)
        if with_header:
            cells = t.add_row().cells
            for c, v in enumerate(header):
                cells[c].text = v
        base = len(t.rows)
        for values in rows_:
            cells = t.add_row().cells
            for c, v in enumerate(values):
                cells[c].text = v
        # merge equal 一级/二级 labels down (the label kept once, as Word does)
        for col in (0, 1):
            top = base
            for r in range(base + 1, base + len(rows_) + 1):
                same = r < base + len(rows_) and rows_[r - base][col] == rows_[top - base][col]
                if not same:
                    if r - 1 > top:
                        for rr in range(top + 1, r):
                            t.cell(rr, col).text = ""
                        _merge_down(t, col, top, r - 1)
                        t.cell(top, col).text = rows_[top - base][col]
                    top = r
        return t

    first = indicator_rows if split_at is None else indicator_rows[:split_at]
    table_with(first, True)
    last = None
    if split_at is not None:
        d.add_paragraph("")
        last = table_with(indicator_rows[split_at:], False)
    total = (last or d.tables[-1]).add_row().cells
    total[0].merge(total[4]).text = "总分"
    total[5].text = "100"
    total[6].text = "95.27"
    d.add_paragraph("评价等级：良好")
    d.add_paragraph("存在的问题及改进措施")
    d.add_paragraph("一座水厂因征地延误未按期完工，已督促施工单位加快进度。")
    d.save(str(path))
    return path


TSV_REPORT = """\
市图书馆数字阅读推广项目2022年度绩效自评报告

一、项目概况
本项目2022年预算资金86万元，全年实际支出79.12万元，预算执行率92%。
二、绩效目标完成情况
一级指标\t二级指标\t三级指标\t指标值\t完成值\t完成率\t分值\t得分
产出指标（50分）\t数量指标（20分）\t线上讲座场次（10分）\t≥24场\t26场\t108%\t\t10
\t\t新增数字资源（10分）\t≥500GB\t420GB\t84%\t\t8.4
\t质量指标（15分）\t资源可用率（15分）\t≥99%\t99.5%\t100%\t\t15
\t时效指标（15分）\t平台故障修复时间（15分）\t≤24小时\t12小时\t\t\t15
效益指标（30分）\t社会效益指标（30分）\t注册读者增长（30分）\t≥10%\t7%\t70%\t\t21
满意度指标（10分）\t服务对象满意度指标（10分）\t读者满意度（10分）\t≥90%\t91%\t\t\t10
三、自评结论
预算执行率得分9.2分，自评得分：88.6分，评价等级：良好。
四、存在的问题
新增数字资源未达到目标，原因是采购合同延后签订。
"""


def gbk_report(path: Path) -> Path:
    """A short report saved in GBK, as Chinese Windows Notepad does."""
    text = (
        "关于乡村道路养护项目的绩效自评报告\n"
        "一、基本情况\n"
        "2021年该项目预算安排120万元，实际支出120万元，预算执行率100%。\n"
        "二、自评结论\n"
        "综合评分92分，评价等级为“优秀”。\n"
        "三、存在问题\n"
        "部分路段养护记录不完整。\n"
    )
    path.write_bytes(text.encode("gbk"))
    return path


def national_xlsx(path: Path) -> Path:
    """The national 自评表 as one worksheet with merged cells, numbers as numbers (元, not 万元)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "项目支出绩效自评表"
    ws.append(["项目支出绩效自评表（2023年度）"])
    ws.merge_cells("A1:H1")
    for label, value in (
        ("项目名称", "农村饮水安全巩固提升工程"),
        ("主管部门", "县水利局"),
        ("实施单位", "县农村供水管理站"),
    ):
        ws.append([label, value])
        ws.merge_cells(start_row=ws.max_row, start_column=2, end_row=ws.max_row, end_column=8)
    ws.append(["项目资金（元）", "", "年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    ws.append(["", "年度资金总额", 12000000, 11500000, 11040000, 10, 0.96, 9.6])
    ws.cell(ws.max_row, 7).number_format = "0%"
    ws.cell(ws.max_row, 3).number_format = "#,##0.00"
    ws.append(["", "其中：当年财政拨款", 12000000, 11500000, 11040000, None, None, None])
    ws.merge_cells(start_row=ws.max_row - 2, start_column=1, end_row=ws.max_row, end_column=1)
    ws.append(
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
    )
    rows = [
        ("产出指标", "数量指标", "新建供水管网长度", "≥30公里", "32公里", 15, 15, None),
        ("", "", "改造水厂数量", "3座", "2座", 10, 6.67, "一座水厂因征地延误，顺延至次年"),
        ("", "质量指标", "水质达标率", "≥95%", "97%", 15, 15, None),
        ("", "时效指标", "工程按期完工率", "100%", "90%", 10, 9, "受汛期影响"),
        ("效益指标", "社会效益指标", "受益人口", "≥5万人", "5.2万人", 15, 15, None),
        ("", "可持续影响指标", "工程运行年限", "≥20年", "20年", 15, 15, None),
        ("满意度指标", "服务对象满意度指标", "受益群众满意度", "≥90%", "93%", 10, 10, None),
    ]
    first = ws.max_row + 1
    for values in rows:
        ws.append(list(values))
    ws.merge_cells(start_row=first, start_column=1, end_row=first + 3, end_column=1)
    ws.merge_cells(start_row=first, start_column=2, end_row=first + 1, end_column=2)
    ws.merge_cells(start_row=first + 4, start_column=1, end_row=first + 5, end_column=1)
    ws.append(["总分", "", "", "", "", 100, 95.27, None])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=5)
    ws.append(["评价等级", "良好"])
    ws.append(["存在的问题及改进措施", "一座水厂因征地延误未按期完工，已督促施工单位加快进度。"])
    wb.save(str(path))
    return path
