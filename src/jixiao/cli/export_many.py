"""``jixiao export`` of many evaluations into one folder (see :func:`export_batch`).

The inputs are read first (authoring files scored, submitted documents read on ``--jobs``
worker processes, or the database's latest versions), then each document is made by
:func:`jixiao.services.export_many` on as many workers, each keeping its renderer warm, under a
progress bar; a file that fails is reported in Chinese with its name as it happens, and the rest
go on. Every file is written atomically, and an existing one is kept unless ``--force``.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.text import Text

from jixiao.cli import _console
from jixiao.cli import file_progress
from jixiao.cli.plain import plain
from jixiao.errors import JixiaoError
from jixiao.export.many import Outcome

FORMATS = ("pdf", "docx", "xlsx")


def export_batch(
    paths: list[Path],
    to: Path,
    *,
    output_format: str,
    kind: str,
    scheme: str | None,
    layout: str | None,
    force: bool,
    jobs: int | None,
    from_db: bool,
    year: int | None,
    unit: str | None,
    database: str | None,
) -> None:
    """Export every evaluation ``paths`` (or the database) hold into the folder ``to``."""
    from jixiao import services
    from jixiao.export.api import KIND_NAMES
    from jixiao.export.api import kind_of
    from jixiao.settings import load_settings

    fmt = output_format.strip().lower().lstrip(".")
    if fmt not in FORMATS:
        raise JixiaoError(f"--format 只能是 pdf、docx 或 xlsx，而不是“{output_format}”")
    chosen = kind_of(Path(f"d.{fmt}"), kind)
    if fmt == "xlsx" and chosen == "report":
        raise JixiaoError("自评报告初稿只能导出为 pdf 或 docx")
    if to.exists() and not to.is_dir():
        raise JixiaoError(f"{to} 是一个文件：批量导出时 --to 应为输出目录")
    if from_db and paths:
        raise JixiaoError("--db 从数据库导出，不再另给文件；要导出文件请去掉 --db")
    if not from_db and not paths:
        raise JixiaoError("请给出要导出的自评文件、报送文件或文件夹，或用 --db 从数据库导出")
    if not from_db and (year is not None or unit is not None or database is not None):
        raise JixiaoError("--year、--unit、--database 只与 --db 同用")
    settings = load_settings(cli={"workers": jobs, "database_url": database})
    err = _console(stderr=True)
    failed: list[Outcome] = []

    def report(outcome: Outcome) -> None:
        if outcome.error is not None:
            failed.append(outcome)
            err.print(Text.assemble(("未能导出：", "bold red"), plain(outcome.error)))

    if from_db:
        from jixiao.storage.db import open_database

        db = open_database(settings.database_url, create=False)
        try:
            todo = services.stored_export_jobs(db, chosen, year=year, unit=unit)
        finally:
            db.close()
        if not todo:
            raise JixiaoError(
                "库中没有符合条件的评价"
                + (f"（年度 {year}）" if year else "")
                + (f"（单位 {unit}）" if unit else "")
            )
    else:
        with file_progress("读取中") as reading:
            task = reading.add_task("", total=None)
            todo, problems = services.export_jobs(
                paths,
                scheme=scheme,
                workers=settings.workers,
                limits=settings.limits(),
                on_read=lambda p: reading.update(task, advance=1, description=p.name),
            )
        for problem in problems:
            report(problem)
    written = 0
    with file_progress(f"导出{KIND_NAMES[chosen]}") as making:
        task = making.add_task("", total=len(todo))

        def done(outcome: Outcome) -> None:
            nonlocal written
            making.update(task, advance=1, description=outcome.path.name if outcome.path else "")
            written += outcome.ok
            report(outcome)

        services.export_many(
            todo,
            to,
            f".{fmt}",
            kind=chosen,
            layout=layout,
            workers=settings.workers,
            force=force,
            on_done=done,
        )
    typer.echo(f"已导出 {written} 份{KIND_NAMES[chosen]}（{fmt.upper()}）到 {to}")
    if failed:
        typer.echo(f"{len(failed)} 个未能导出，原因见上。", err=True)
        raise typer.Exit(1)
