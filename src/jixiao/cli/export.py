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
    file: Annotated[
        Path,
        typer.Argument(
            help="自评文件（.yaml 编写格式，或 .json 评价合同格式）；也可以是 jixiao new --kind 目标/监控 的编写文件",
            show_default=False,
        ),
    ],
    to: Annotated[
        Path,
        typer.Option(
            "--to",
            "-o",
            help="输出文件：自评表 .xlsx/.docx/.pdf；文件名含“报告”时为自评报告初稿 .docx/.pdf",
            show_default=False,
        ),
    ],
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
) -> None:
    """导出正式文档：自评表（.xlsx/.docx/.pdf，按评分方案的表样）或自评报告初稿（.docx/.pdf）。

    例如：jixiao export 2024-社区建设.yaml --to 自评表.xlsx；jixiao export 2024-社区建设.yaml --to 自评报告.docx
    """
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
