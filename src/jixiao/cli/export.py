"""``jixiao export``: write the 自评表 or the 自评报告 draft from an authoring file.

The command reads the file as ``jixiao score`` does (YAML or contract JSON, the scheme it names
or ``--scheme``), scores it, and hands it to :func:`jixiao.export.export_evaluation`. It refuses
to overwrite an existing file unless ``--force`` is given: a report draft is edited by hand
afterwards, and re-exporting over it would lose that work.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli import SchemeOption
from jixiao.cli import app
from jixiao.cli import friendly
from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.errors import JixiaoError


class DocumentKind(StrEnum):
    """What to write: the table or the report draft."""

    table = "table"
    report = "report"


@app.command()
@friendly
def export(
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            "-o",
            help="输出文件：自评表 .xlsx/.docx/.pdf；文件名含“报告”时为自评报告初稿 .docx/.pdf。"
            "多个输入、文件夹或 --db 时为输出目录（不存在则创建），格式由 --format 定",
            show_default=False,
        ),
    ],
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help="自评文件（.yaml 编写格式，或 .json 评价合同格式）；也可以是 jixiao new --kind 目标/监控 的编写文件。"
            "可多个，也可以是报送的文件（.docx、.doc、.xlsx、.pdf…）或文件夹：此时 --to 为输出目录",
            show_default=False,
        ),
    ] = None,
    scheme: SchemeOption = None,
    layout: Annotated[
        str | None,
        typer.Option(
            "--layout", "-l", help="表样 id（mof-2020、hubei-2019）或 .toml 表样文件；默认按评分方案选"
        ),
    ] = None,
    kind: Annotated[
        DocumentKind | None,
        typer.Option("--kind", "-k", help="table（自评表）或 report（自评报告初稿）；默认按文件名判断"),
    ] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="输出文件已存在时覆盖它")] = False,
    output_format: Annotated[
        str,
        typer.Option("--format", help="批量导出时每份文档的格式：pdf（默认）、docx 或 xlsx（仅自评表）"),
    ] = "pdf",
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="批量导出的并行进程数，默认见 jixiao settings 的 workers"),
    ] = None,
    from_db: Annotated[
        bool,
        typer.Option("--db", help="从数据库导出：各项目×年度的最新版本，可用 --year、--unit 筛选"),
    ] = False,
    year: Annotated[int | None, typer.Option("--year", "-y", help="与 --db 同用：只导出该年度")] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="与 --db 同用：只导出该单位")] = None,
    database: Annotated[
        str | None, typer.Option("--database", help="与 --db 同用：数据库地址（默认见 jixiao settings）")
    ] = None,
) -> None:
    """导出正式文档：自评表（.xlsx/.docx/.pdf，按评分方案的表样）或自评报告初稿（.docx/.pdf）。

    例如：jixiao export 2024-社区建设.yaml --to 自评表.xlsx；jixiao export 2024-社区建设.yaml --to 自评报告.docx

    批量：jixiao export A.yaml B.docx 收件箱/ --to 输出目录/ --format pdf；
    jixiao export --db --year 2024 --unit 花山街道办事处 --to 输出目录/。
    某个文件未能导出时列出原因并继续导出其余的；有未能导出的文件时退出码为1。
    """
    paths = files or []
    if from_db or len(paths) != 1 or paths[0].is_dir() or to.is_dir() or not to.suffix:  # many, or a folder
        from jixiao.cli.export_many import export_batch

        export_batch(
            paths,
            to,
            output_format=output_format,
            kind=kind.value if kind else "table",
            scheme=scheme,
            layout=layout,
            force=force,
            jobs=jobs,
            from_db=from_db,
            year=year,
            unit=unit,
            database=database,
        )
        return
    if year is not None or unit is not None or database is not None:
        raise JixiaoError("--year、--unit、--database 只与 --db 同用")
    file = paths[0]
    from jixiao.authoring import load_authored
    from jixiao.core.engine import evaluate
    from jixiao.core.model import Severity
    from jixiao.export import export_evaluation
    from jixiao.export.api import KIND_NAMES
    from jixiao.export.api import kind_of
    from jixiao.services import resolve_scheme

    if to.exists() and not force:
        raise JixiaoError(f"{to} 已存在；为免覆盖，请换一个文件名，或加 --force 覆盖它。")
    plan = _plan_record(file)
    if plan is not None:  # a 目标申报 or 监控 authoring file: its own table, in its own layout
        from jixiao.export.plan_api import export_plan
        from jixiao.export.plan_api import record_of
        from jixiao.export.plan_fields import RECORD_NAMES

        written = export_plan(plan, to, layout=layout)
        typer.echo(f"已导出{RECORD_NAMES[record_of(plan)]}：{written}")
        return
    chosen = kind_of(to, kind.value if kind else None)
    ev, named = load_authored(file)
    ev, rules = resolve_scheme(ev, named, scheme)
    ev = evaluate(ev, rules)
    written = export_evaluation(ev, rules, to, layout=layout, kind=chosen)
    typer.echo(f"已导出{KIND_NAMES[chosen]}：{written}")
    errors = sum(1 for f in ev.findings if f.severity is Severity.ERROR)
    if errors:
        typer.echo(
            f"注意：该自评有{errors}项错误级问题，文档照录自评所填的数值；"
            f"运行 jixiao score {file} 查看并更正后再导出。",
            err=True,
        )


def _plan_record(file: Path) -> Declaration | Monitoring | None:
    """The declaration or monitoring record an authoring file holds, None for a self-evaluation."""
    from jixiao.authoring.plan import is_plan_text
    from jixiao.authoring.plan import load_plan

    if file.suffix.lower() in (".yaml", ".yml") and file.is_file():
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            return None  # the self-evaluation loader reports it
        return load_plan(file) if is_plan_text(text) else None
    if file.suffix.lower() == ".json" and file.is_file():
        try:
            schema = json.loads(file.read_text(encoding="utf-8-sig")).get("schema")
        except (OSError, ValueError, AttributeError):
            return None
        if schema == "jixiao.declaration/1":
            return Declaration.from_json(file.read_bytes())
        if schema == "jixiao.monitoring/1":
            return Monitoring.from_json(file.read_bytes())
    return None
