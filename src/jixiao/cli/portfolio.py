"""``jixiao portfolio``: the bureau's report over the evaluations in the database."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli import _console
from jixiao.cli import app
from jixiao.cli import friendly
from jixiao.errors import JixiaoError


@app.command()
@friendly
def portfolio(
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="只汇总这一年度", show_default=False)
    ] = None,
    unit: Annotated[
        str | None,
        typer.Option("--unit", "-u", help="只汇总这一单位（名称须与库中完全一致）", show_default=False),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option("--database", help="数据库地址（默认见 jixiao settings）", show_default=False),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="text（表格）或 json（同样的数字，JSON 格式）")
    ] = "text",
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            help="写出汇总报告：.xlsx（每节一个工作表，附图表）或 .html（单个网页，附图表）；终端只显示一行合计",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="“问题最多的评价”列出的份数")] = 20,
) -> None:
    """汇总库中的自评（每个项目每年取最新版本）：各单位等级分布、自评得分分布、自评高于复核的程度、
    预算执行率与自评得分的关系、常见问题，以及问题最多的评价。"""
    from jixiao.portfolio.report import build_report
    from jixiao.portfolio.report import check_report_path
    from jixiao.portfolio.report import write_report
    from jixiao.portfolio.report_render import render_report
    from jixiao.settings import load_settings
    from jixiao.storage.db import open_database

    if output_format not in {"text", "json"}:
        raise JixiaoError(f"--format 只能是 text 或 json，而不是“{output_format}”")
    if to is not None:
        check_report_path(to)  # refused before any work
    settings = load_settings(cli={"database_url": database})
    db = open_database(settings.database_url, create=False)
    try:
        report = build_report(db, year=year, unit=unit, limit=limit)
    finally:
        db.close()
    if output_format == "json":
        sys.stdout.write(report.to_json())
    elif to is None:
        render_report(report, _console())
    if to is not None:
        # The file is what was asked for: the terminal gets one line of counts, not the report
        # again (at 300 units that is hundreds of lines in front of the path written).
        write_report(report, to)
        _console(stderr=True).print(f"已写出汇总报告：{to}（{report.totals_line}）", highlight=False)
