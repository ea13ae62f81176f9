"""The ``jixiao`` command line (typer + rich).

Verbs mirror ``jixiao.services``: a command parses its arguments, calls one service function and
prints the result. Exit codes work like a linter's: 0 clean, 1 when an evaluation has an
error-severity finding, 2 when the input cannot be used (the message says which file, where, and
how to fix it), 3 on an internal error. No traceback reaches the user unless ``JIXIAO_DEBUG=1``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Annotated
from typing import ParamSpec
from typing import TypeVar

import typer
from rich.console import Console
from rich.text import Text

from jixiao.cli.plain import plain
from jixiao.errors import JixiaoError

P = ParamSpec("P")
if TYPE_CHECKING:
    from rich.progress import Progress

R = TypeVar("R")

app = typer.Typer(
    name="jixiao",
    help="jixiao（绩效）：预算项目支出绩效自评的编写、计分与复核。",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else int(os.environ.get("COLUMNS", "160"))
    # No markup: what is printed is often a document's text (see jixiao.cli.plain).
    return Console(file=stream, width=width, highlight=False, markup=False)


def file_progress(label: str) -> Progress:
    """A progress bar over files on standard error (``label``, bar, done/all, time left, the file
    at hand), shown only on a terminal and gone when done. (rich.progress is imported here, not at
    start-up: most commands show no bar.)"""
    from rich.progress import BarColumn
    from rich.progress import MofNCompleteColumn
    from rich.progress import Progress
    from rich.progress import TextColumn
    from rich.progress import TimeRemainingColumn

    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=_console(stderr=True),
        transient=True,
        disable=not sys.stderr.isatty(),
    )


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn jixiao errors into a Chinese message and exit 2; anything else into exit 3."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except JixiaoError as exc:
            _console(stderr=True).print(Text.assemble(("错误：", "bold red"), plain(exc.message)))
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            _console(stderr=True).print("已中断。")
            raise typer.Exit(130) from None
        except Exception as exc:
            if os.environ.get("JIXIAO_DEBUG") == "1":
                traceback.print_exc()
            _console(stderr=True).print(
                Text.assemble(
                    ("内部错误：", "bold red"),
                    plain(f"{type(exc).__name__}: {exc}"),
                    "\n这是 jixiao 的缺陷，请连同输入文件报告；设置 JIXIAO_DEBUG=1 可查看详细信息。",
                )
            )
            raise typer.Exit(3) from None

    return wrapper


AUTHORING_SUFFIXES = (".yaml", ".yml", ".json")
# --scheme for a command reading one authoring file (score, export), and for commands reading
# documents, whose scheme is chosen by their declared weights unless given (import, check, extract).
SchemeOption = Annotated[
    str | None, typer.Option("--scheme", "-s", help="评分方案 id 或 .toml 文件；默认用文件中“方案”所写的")
]
FallbackSchemeOption = Annotated[
    str | None, typer.Option("--scheme", "-s", help="文件未写明权重时使用的评分方案 id 或 .toml 文件")
]


def _is_plan_file(path: Path) -> bool:
    """Whether an authoring file is a 目标申报 or 监控 file (``jixiao new --kind``), not a 自评."""
    from jixiao.authoring.plan import is_plan_text

    if path.suffix.lower() not in (".yaml", ".yml"):
        return False
    try:
        return is_plan_text(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return False


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for every self-evaluation authoring file below it, in name
    order (a 目标申报 or 监控 file there is not one). A plan file given by name is refused with
    the commands that take it."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in AUTHORING_SUFFIXES and p.is_file() and not _is_plan_file(p)
            )
            if not inside:
                raise JixiaoError(f"{path} 中没有 .yaml、.yml 或 .json 自评文件。")
            found.extend(inside)
        elif _is_plan_file(path):
            raise JixiaoError(
                f"{path} 是绩效目标申报或绩效监控的编写文件，不计分：用 jixiao export {path.name} --to 表.xlsx "
                "导出，或 jixiao import --kind 目标/监控 读入数据库。"
            )
        else:
            found.append(path)
    return found


@app.command()
@friendly
def score(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="自评文件（.yaml 编写格式，或 .json 评价合同格式），可多个；给出文件夹则处理其中全部自评文件",
            show_default=False,
        ),
    ],
    scheme: SchemeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出评价合同 JSON（多个文件时每行一个）")] = False,
) -> None:
    """按评分方案计分并检查：逐项得分及理由、总分、等级与发现的问题。有“错误”级问题时退出码为1。"""
    from jixiao.cli.render import render_evaluation
    from jixiao.core.engine import has_errors
    from jixiao.services import score_file

    console = _console()
    failed = False
    paths = _expand(files)
    single = len(paths) == 1
    for path in paths:
        ev = score_file(path, scheme)
        failed = failed or has_errors(ev)
        if as_json:
            sys.stdout.write(ev.to_json(indent=2 if single else None) + "\n")
        else:
            render_evaluation(ev, console)
    if failed:
        raise typer.Exit(1)


@app.command()
@friendly
def new(
    scheme: Annotated[str, typer.Option("--scheme", "-s", help="评分方案 id 或 .toml 文件")] = "mof-2020",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写入该文件（默认输出到屏幕）")
    ] = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind", "-k", help="自评（默认）、目标（绩效目标申报表）或 监控（1—7月绩效目标执行监控表）"
        ),
    ] = "自评",
    start: Annotated[
        Path | None,
        typer.Option(
            "--from",
            help="--kind 监控 时：从这份绩效目标申报（编写文件，或 docx/xlsx/pdf 申报表）生成，指标与指标值照申报填好",
            show_default=False,
        ),
    ] = None,
) -> None:
    """生成带中文注释的编写文件模板，例如：jixiao new --scheme hubei-2019 > 2024-社区建设.yaml；
    jixiao new --kind 目标 > 2024-社区建设-目标.yaml"""
    from jixiao.authoring import render_template
    from jixiao.authoring.plan import plan_kind_of
    from jixiao.authoring.plan import render_plan_template
    from jixiao.schemes import load_scheme

    ref = scheme if scheme.lower().endswith(".toml") else None
    if kind.strip() in ("自评", "evaluation"):
        text = render_template(load_scheme(scheme), ref=ref)
    elif (plan := plan_kind_of(kind)) is not None:
        text = render_plan_template(plan, load_scheme(scheme))
    else:
        raise JixiaoError(f"--kind 应为 自评、目标 或 监控，这里是“{kind}”")
    if start is not None:
        from jixiao.authoring.plan import monitoring_from
        from jixiao.cli.plans import load_plan_file
        from jixiao.core.plan import Declaration

        if plan_kind_of(kind) != "monitoring":
            raise JixiaoError("--from 只用于 --kind 监控：从申报的绩效目标生成监控文件")
        declared = load_plan_file(start, "declaration")
        assert isinstance(declared, Declaration)
        text = monitoring_from(declared)
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists():
        raise JixiaoError(f"{output} 已存在；为免覆盖，请换一个文件名或先删除它。")
    output.write_text(text, encoding="utf-8")
    _console(stderr=True).print(f"已生成模板：{output}")


@app.command()
@friendly
def schemes(
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出方案全文")] = False,
) -> None:
    """列出内置评分方案：权重、计分公式、等级区间与政策依据。"""
    from jixiao.cli.render import render_schemes
    from jixiao.schemes import builtin_schemes

    found = builtin_schemes()
    if as_json:
        data = [s.model_dump(mode="json") for s in found]
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    render_schemes(found, _console())


@app.command()
@friendly
def checks(
    markdown: Annotated[bool, typer.Option("--markdown", help="输出 Markdown（即 docs/checks.md）")] = False,
) -> None:
    """列出全部检查项（问题代码、级别与含义）。"""
    from jixiao.cli.render import catalogue_markdown
    from jixiao.cli.render import render_catalogue

    if markdown:
        sys.stdout.write(catalogue_markdown())
        return
    render_catalogue(_console())


def main() -> None:
    """Entry point of the ``jixiao`` script."""
    app()


from jixiao.cli import database as _database  # noqa: E402, F401  (registers import, show, db, settings)
from jixiao.cli import export as _export  # noqa: E402,F401  (registers the export command)
from jixiao.cli import portfolio as _portfolio  # noqa: E402, F401  (registers the portfolio command)
from jixiao.cli import review as _review  # noqa: E402, F401  (registers extract and check)
from jixiao.cli import web as _web  # noqa: E402, F401  (registers serve and user)
