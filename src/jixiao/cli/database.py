"""The database side of the CLI: ``jixiao import``, ``jixiao show``, ``jixiao db``, ``jixiao settings``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli import FallbackSchemeOption
from jixiao.cli import _console
from jixiao.cli import app
from jixiao.cli import friendly
from jixiao.cli.plain import plain
from jixiao.errors import JixiaoError
from jixiao.settings import Settings

db_app = typer.Typer(help="管理数据库结构（迁移）。", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")

DatabaseOption = Annotated[
    str | None, typer.Option("--database", help="数据库地址（默认见 jixiao settings）", show_default=False)
]
DataDirOption = Annotated[
    Path | None, typer.Option("--data-dir", help="数据目录（默认见 jixiao settings）", show_default=False)
]


def _settings(**cli: object) -> Settings:
    from jixiao.settings import load_settings

    return load_settings(cli=cli)


@app.command("import")
@friendly
def import_(
    paths: Annotated[list[Path], typer.Argument(help="报送文件或文件夹（递归），可多个", show_default=False)],
    year: Annotated[
        int | None, typer.Option("--year", "-y", help="本批材料所属年度（优先于从文件中识别出的年度）")
    ] = None,
    workers: Annotated[int | None, typer.Option("--workers", "-w", help="并行进程数，默认 CPU 核数")] = None,
    executor: Annotated[
        str | None,
        typer.Option("--executor", help="processes（本机进程，默认）或 dask://主机:端口（已有的 Dask 集群）"),
    ] = None,
    scheme: FallbackSchemeOption = None,
    database: DatabaseOption = None,
    data_dir: DataDirOption = None,
    max_size: Annotated[float | None, typer.Option("--max-size", help="单个文件大小上限（MB）")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="单个文件处理时限（秒）")] = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind", "-k", help="自评（默认）、目标（绩效目标申报表）或 监控（绩效目标执行监控表）"
        ),
    ] = "自评",
) -> None:
    """把一批报送材料读入数据库：可随时中断（Ctrl-C 或断电）后重新运行，从中断处继续，同一文件绝不重复导入。

    --kind 目标 / --kind 监控：读入目标申报表或监控情况表（docx、xlsx、pdf……，或 jixiao new --kind 的编写文件），
    检查后存为其项目年度的新版本；内容与库中当前版本相同的文件跳过。
    """
    if kind.strip() not in ("自评", "evaluation"):
        _import_plans(paths, kind, database, data_dir)
        return
    from rich.progress import BarColumn
    from rich.progress import MofNCompleteColumn
    from rich.progress import Progress
    from rich.progress import TextColumn
    from rich.progress import TimeRemainingColumn

    from jixiao.portfolio.executors import ProcessExecutor
    from jixiao.portfolio.executors import make_executor
    from jixiao.portfolio.importer import ImportProgress
    from jixiao.portfolio.importer import import_paths
    from jixiao.schemes import load_scheme
    from jixiao.storage.db import open_database
    from jixiao.storage.schemes import remember_scheme
    from jixiao.storage.store import Store

    missing = [p for p in paths if not p.exists()]
    if missing:
        raise JixiaoError(f"找不到：{'、'.join(str(p) for p in missing)}")
    chosen = load_scheme(scheme) if scheme else None
    settings = _settings(
        database_url=database, data_dir=data_dir, workers=workers, max_file_mb=max_size, file_timeout=timeout
    )
    db = open_database(settings.database_url)
    store = Store(db)
    if chosen is not None:
        remember_scheme(db, chosen)  # so the web re-scores and exports under this very scheme
    err = _console(stderr=True)
    progress = Progress(
        TextColumn("导入中"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.1f} 个/秒"),
        TimeRemainingColumn(),
        TextColumn("无法读取 {task.fields[bad]}　有错误 {task.fields[errors]}"),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    task_holder: list[object] = []

    def started(p: ImportProgress) -> None:
        if p.skipped:
            err.print(f"已在库中、跳过 {p.skipped} 个文件（按内容识别）；待导入 {p.total} 个。")
        task_holder.append(progress.add_task("", total=p.total, rate=0.0, bad=0, errors=0))

    def one(_path: Path, _ev: object, p: ImportProgress) -> None:
        progress.update(
            task_holder[0],  # type: ignore[arg-type]
            completed=p.done,
            rate=p.rate,
            bad=p.unreadable,
            errors=p.with_errors,
        )

    def paged(path: Path, read: int, pages: int) -> None:  # a scan, page by page
        if task_holder:
            progress.update(task_holder[0], description=f"{path.name} 识别第 {read}/{pages} 页")  # type: ignore[arg-type]

    runner = make_executor(executor, settings.workers, settings.limits(), scheme)
    if isinstance(runner, ProcessExecutor):
        runner.on_page = paged
    try:
        with progress:
            result = import_paths(
                paths,
                store,
                runner,
                settings.data_dir,
                year=year,
                on_start=started,
                on_file=one,
            )
    except KeyboardInterrupt:
        err.print("已中断：已导入的文件都已完整保存，重新运行同一命令即从中断处继续。")
        raise typer.Exit(130) from None
    finally:
        db.close()
    console = _console()
    for path, reason in result.refused.items():  # links out of the folders given: never read
        console.print(f"未导入 {plain(path)}：{plain(reason)}")
    console.print(
        f"导入完成（第 {result.run_id} 次导入）：共 {result.files} 个文件，新导入 {result.imported} 个"
        + (f"（{result.evaluations} 个评价）" if result.evaluations != result.imported else "")
        + "，"
        f"已在库中跳过 {result.skipped} 个，无法读取 {result.unreadable} 个，有错误级问题 {result.with_errors} 个；"
        f"用时 {result.seconds:.1f} 秒。",
        highlight=False,
    )
    console.print(f"数据库：{_shown(settings.database_url)}", highlight=False)


def _import_plans(paths: list[Path], kind: str, database: str | None, data_dir: Path | None) -> None:
    from jixiao.authoring.plan import plan_kind_of
    from jixiao.cli.plans import import_plans
    from jixiao.intake.plans import PLAN_NAMES
    from jixiao.storage.db import open_database

    plan = plan_kind_of(kind)
    if plan is None:
        raise JixiaoError(f"--kind 应为 自评、目标 或 监控，这里是“{kind}”")
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise JixiaoError(f"找不到：{'、'.join(str(p) for p in missing)}")
    settings = _settings(database_url=database, data_dir=data_dir)
    db = open_database(settings.database_url)
    try:
        result = import_plans(db, paths, plan)
    finally:
        db.close()
    console = _console()
    for line in result.lines:
        console.print(plain(line), highlight=False)
    console.print(
        f"导入完成（{PLAN_NAMES[plan]}）：新导入 {result.imported} 个（其中有问题的 {result.warned} 个），"
        f"已在库中跳过 {result.skipped} 个，未导入 {result.failed} 个。",
        highlight=False,
    )
    console.print(f"数据库：{_shown(settings.database_url)}", highlight=False)
    if result.failed:
        raise typer.Exit(2)


@app.command()
@friendly
def show(
    evaluation_id: Annotated[int, typer.Argument(help="评价编号（jixiao import / portfolio 中显示的 ID）")],
    as_json: Annotated[bool, typer.Option("--json", help="输出评价合同 JSON")] = False,
    opinion: Annotated[
        Path | None,
        typer.Option("--opinion", help="另把这份评价的复核意见书写到此文件（.xlsx、.docx 或 .pdf）"),
    ] = None,
    database: DatabaseOption = None,
) -> None:
    """显示库中的一份评价：与导入时完全相同的提取、计分与问题；--opinion 另写出复核意见书。"""
    from jixiao.cli.render import render_evaluation
    from jixiao.storage.db import open_database
    from jixiao.storage.store import Store

    settings = _settings(database_url=database)
    db = open_database(settings.database_url, create=False)
    try:
        ev = Store(db).get(evaluation_id)
        if ev is not None and opinion is not None:
            from jixiao.services import write_review_opinion

            written = write_review_opinion(db, evaluation_id, opinion)
            typer.echo(f"已写出复核意见书：{written}", err=True)
    finally:
        db.close()
    if ev is None:
        raise JixiaoError(f"库中没有编号为 {evaluation_id} 的评价")
    if as_json:
        sys.stdout.write(ev.to_json() + "\n")
    else:
        render_evaluation(ev, _console())


@db_app.command("upgrade")
@friendly
def db_upgrade(database: DatabaseOption = None) -> None:
    """把数据库结构升级到本程序的版本（新库则创建）。升级前请备份。"""
    from jixiao.storage.db import current_revision
    from jixiao.storage.db import head_revision
    from jixiao.storage.db import make_engine
    from jixiao.storage.db import upgrade

    settings = _settings(database_url=database)
    engine = make_engine(settings.database_url)
    try:
        before = current_revision(engine)
        upgrade(engine)
    finally:
        engine.dispose()
    head = head_revision()
    if before == head:
        _console().print(f"数据库已是最新结构（{head}）：{_shown(settings.database_url)}", highlight=False)
    else:
        _console().print(
            f"数据库结构已从 {before or '（空库）'} 升级到 {head}：{_shown(settings.database_url)}",
            highlight=False,
        )


@db_app.command("status")
@friendly
def db_status(database: DatabaseOption = None) -> None:
    """显示数据库地址、结构版本，以及评价与文件数量。"""
    from jixiao.storage.db import current_revision
    from jixiao.storage.db import head_revision
    from jixiao.storage.db import make_engine
    from jixiao.storage.db import open_database
    from jixiao.storage.store import Store

    settings = _settings(database_url=database)
    engine = make_engine(settings.database_url)
    try:
        revision = current_revision(engine)
    except Exception as exc:
        raise JixiaoError(f"无法连接数据库 {_shown(settings.database_url)}：{exc}") from None
    finally:
        engine.dispose()
    head = head_revision()
    console = _console()
    console.print(f"数据库：{_shown(settings.database_url)}", highlight=False)
    if revision is None:
        console.print(
            f"结构版本：（未初始化）；本程序需要 {head}，运行 jixiao db upgrade 或首次 jixiao import 即创建"
        )
        return
    state = "最新" if revision == head else f"需要升级到 {head}（jixiao db upgrade）"
    console.print(f"结构版本：{revision}（{state}）")
    if revision == head:
        db = open_database(settings.database_url, create=False)
        try:
            evaluations, documents = Store(db).count()
        finally:
            db.close()
        console.print(f"评价 {evaluations} 份，报送文件 {documents} 个")


@app.command("settings")
@friendly
def settings_(
    markdown: Annotated[
        bool, typer.Option("--markdown", help="输出设置表 Markdown（即 docs/settings.md）")
    ] = False,
) -> None:
    """显示当前生效的设置及其来源（默认 < 配置文件 < 环境变量 < 命令行）。"""
    from rich.table import Table

    from jixiao.settings import SETTINGS
    from jixiao.settings import config_path
    from jixiao.settings import settings_markdown

    if markdown:
        sys.stdout.write(settings_markdown())
        return
    current = _settings()
    table = Table(title=f"设置（配置文件：{config_path() or '无'}）", title_justify="left")
    for column in ("名称", "值", "来源", "环境变量", "含义"):
        table.add_column(column)
    for s in SETTINGS:
        value = getattr(current, s.name)
        shown = _shown(str(value)) if s.name == "database_url" else str(value)
        table.add_row(s.name, shown, current.sources[s.name], s.env, s.help)
    _console().print(table)


def _shown(url: str) -> str:
    from jixiao.storage.db import safe_url

    return safe_url(url)
