"""The review side of the CLI: ``jixiao extract`` (one submitted file) and ``jixiao check``
(a folder of them)."""

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
def extract(
    file: Annotated[
        Path,
        typer.Argument(
            help="提交的自评报告或自评表（txt、docx、doc、wps、xlsx、xls、et、pdf）", show_default=False
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="输出评价合同 JSON")] = False,
    scheme: Annotated[
        str | None, typer.Option("--scheme", "-s", help="文件未写明权重时使用的评分方案 id 或 .toml 文件")
    ] = None,
    max_size: Annotated[float | None, typer.Option("--max-size", help="文件大小上限（MB），默认 100")] = None,
) -> None:
    """从一份提交的文件中提取结构化评价，重新计分并检查。有“错误”级问题时退出码为1。"""
    from jixiao.cli.render import render_evaluation
    from jixiao.core.engine import has_errors
    from jixiao.intake.limits import MB
    from jixiao.intake.limits import Limits
    from jixiao.intake.pipeline import extract_file

    if not file.exists():
        raise JixiaoError(f"找不到文件：{file}")
    if file.is_dir():
        raise JixiaoError(f"{file} 是文件夹；处理整个文件夹请用 jixiao check {file}")
    limits = Limits.from_env(max_file_bytes=int(max_size * MB) if max_size else None)
    ev = extract_file(file, scheme=scheme, limits=limits)
    if as_json:
        sys.stdout.write(ev.to_json() + "\n")
    else:
        render_evaluation(ev, _console())
    if has_errors(ev):
        raise typer.Exit(1)
