"""The review side of the CLI: ``jixiao extract`` (one submitted file) and ``jixiao check``
(a folder of them)."""

from __future__ import annotations

import itertools
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from jixiao.cli import FallbackSchemeOption
from jixiao.cli import _console
from jixiao.cli import app
from jixiao.cli import file_progress
from jixiao.cli import friendly
from jixiao.core.model import Evaluation
from jixiao.core.model import Severity
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
    scheme: FallbackSchemeOption = None,
    max_size: Annotated[float | None, typer.Option("--max-size", help="文件大小上限（MB），默认 100")] = None,
    timeout: Annotated[float | None, typer.Option("--timeout", help="处理时限（秒），默认 300")] = None,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help="自评（默认）；目标 / 监控：读出目标申报表或监控情况表，写成可编辑的编写文件（--json：合同 JSON）",
        ),
    ] = "自评",
) -> None:
    """从一份提交的文件中提取结构化评价，重新计分并检查。有“错误”级问题时退出码为1。

    --kind 目标 / --kind 监控：读出目标申报表或监控情况表，输出编写文件（YAML），可核对修改后
    jixiao export 或 jixiao import --kind 导入。"""
    if kind.strip() not in ("自评", "evaluation"):
        _extract_plan(file, kind, as_json)
        return
    from jixiao.cli.render import render_evaluation
    from jixiao.core.engine import has_errors
    from jixiao.intake.batch import check_files
    from jixiao.schemes import load_scheme
    from jixiao.settings import load_settings

    if not file.exists():
        raise JixiaoError(f"找不到文件：{file}")
    if file.is_dir():
        raise JixiaoError(f"{file} 是文件夹；处理整个文件夹请用 jixiao check {file}")
    if scheme:
        load_scheme(scheme)  # a bad scheme is the user's error, reported before any work
    limits = load_settings(cli={"max_file_mb": max_size, "file_timeout": timeout}).limits()
    # In a worker process, like every file of ``jixiao check``: the same time and memory limits.
    evaluations = [ev for _, ev in check_files([file], scheme=scheme, limits=limits, jobs=1)]
    if as_json:  # one object, or an array when the file holds several forms
        texts = [ev.to_json() for ev in evaluations]
        sys.stdout.write((texts[0] if len(texts) == 1 else "[\n" + ",\n".join(texts) + "\n]") + "\n")
    else:
        console = _console()
        if len(evaluations) > 1:
            console.print(f"{file.name} 中有 {len(evaluations)} 张自评表，逐一列出：", highlight=False)
        for ev in evaluations:
            render_evaluation(ev, console)
    if any(has_errors(ev) for ev in evaluations):
        raise typer.Exit(1)


@app.command()
@friendly
def check(
    paths: Annotated[
        list[Path],
        typer.Argument(help="提交的文件或文件夹（递归查找其中全部文件），可多个", show_default=False),
    ],
    output_format: Annotated[
        str,
        typer.Option("--format", "-f", help="text（逐个评价列出并汇总）或 json（每行一个评价合同 JSON）"),
    ] = "text",
    scheme: FallbackSchemeOption = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数，默认为 CPU 核数")] = None,
    max_size: Annotated[
        float | None, typer.Option("--max-size", help="单个文件大小上限（MB），默认 100")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", help="单个文件处理时限（秒），默认 300")
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", help="另写复核报告（.xlsx 或 .html）")] = None,
    min_severity: Annotated[
        str | None,
        typer.Option(
            "--min-severity", help="只列出不低于此级别的问题：error（错误）、warning（警告）或 info（提示）"
        ),
    ] = None,
    errors_only: Annotated[
        bool, typer.Option("--errors-only", help="只列出有错误的文件及其错误（同 --min-severity error）")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只输出汇总，不逐个列出文件")] = False,
    sort: Annotated[
        str | None,
        typer.Option("--sort", help="排序：severity（问题多的在前）、unit（按单位）或 path（按文件路径）"),
    ] = None,
) -> None:
    """复核一批提交的文件：逐个提取、重新计分、检查，并给出汇总。任一文件有“错误”级问题时退出码为1。"""

    from jixiao.cli.review_render import render_summary
    from jixiao.core.engine import has_errors
    from jixiao.intake.batch import check_files
    from jixiao.intake.batch import find_files
    from jixiao.intake.pipeline import unreadable
    from jixiao.schemes import load_scheme
    from jixiao.settings import load_settings

    if output_format not in {"text", "json"}:
        raise JixiaoError(f"--format 只能是 text 或 json，而不是“{output_format}”")
    view = _view(min_severity, errors_only, quiet, sort, output_format)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise JixiaoError(f"找不到：{'、'.join(str(p) for p in missing)}")
    if scheme:
        load_scheme(scheme)  # a bad scheme is reported once, before any work
    if report is not None:
        _check_report_path(report)  # … and so is a report that could not be written
    refused: dict[Path, str] = {}  # links out of the folders given, dangling links
    files = find_files(paths, refused)
    if not files and not refused:
        raise JixiaoError(f"{'、'.join(str(p) for p in paths)} 中没有文件")
    settings = load_settings(cli={"max_file_mb": max_size, "file_timeout": timeout, "workers": jobs})
    limits = settings.limits()
    console = _console()
    results: list[tuple[Path, Evaluation]] = []
    errors = False
    progress = file_progress("复核中")
    with progress:
        task = progress.add_task("", total=len(files) + len(refused))

        def done(path: Path, _ev: object) -> None:
            progress.update(task, advance=1, description=path.name)

        def paged(path: Path, read: int, pages: int) -> None:  # a scan, page by page
            progress.update(task, description=f"{path.name} 识别第 {read}/{pages} 页")

        def skipped() -> Iterator[tuple[Path, Evaluation]]:
            for path, reason in refused.items():
                ev = unreadable(path, reason)
                done(path, ev)
                yield path, ev

        checked = check_files(
            files, scheme=scheme, limits=limits, jobs=settings.workers, on_done=done, on_page=paged
        )
        for path, ev in itertools.chain(skipped(), checked):
            errors = errors or has_errors(ev)
            # The summary needs only the key figures and findings; the report needs everything.
            results.append((path, ev if report is not None else _slim(ev)))
            if view.sort is None:  # streamed as each file is done
                _emit(path, ev, view, console)
    if view.sort is not None:
        results = sort_results(results, view.sort)
        for path, ev in results:
            _emit(path, ev, view, console)
    if output_format == "text":
        render_summary(results, console)
    if report is not None:
        _write_report(report, results, paths)
    if errors:
        raise typer.Exit(1)


@dataclass(frozen=True, slots=True)
class _View:
    """What ``jixiao check`` prints: per file or the summary only, findings from which severity,
    in which order (None: as each file is done)."""

    output_format: str
    minimum: Severity | None
    quiet: bool
    sort: str | None


_SEVERITIES = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}
SORTS = ("severity", "unit", "path")


def _view(
    min_severity: str | None, errors_only: bool, quiet: bool, sort: str | None, output_format: str
) -> _View:
    minimum = None
    if min_severity is not None:
        minimum = _SEVERITIES.get(min_severity.strip().lower())
        if minimum is None:
            raise JixiaoError(f"--min-severity 只能是 error、warning 或 info，而不是“{min_severity}”")
    if errors_only:
        if minimum is not None and minimum is not Severity.ERROR:
            raise JixiaoError("--errors-only 与 --min-severity 不一致：只列错误时不能再要求列出警告或提示")
        minimum = Severity.ERROR
    if sort is not None and sort.strip().lower() not in SORTS:
        raise JixiaoError(f"--sort 只能是 severity、unit 或 path，而不是“{sort}”")
    if quiet and output_format == "json":
        raise JixiaoError("--quiet 只用于文字输出（--format text）：JSON 输出每行一个评价，没有汇总")
    return _View(output_format, minimum, quiet, sort.strip().lower() if sort is not None else None)


def _emit(path: Path, ev: Evaluation, view: _View, console: Console) -> None:
    """One file's block (text) or line (JSON), unless the view leaves it out."""
    from jixiao.cli.review_render import render_file
    from jixiao.core.places import at_least

    if view.quiet:
        return
    if view.minimum is not None and not at_least(ev.findings, view.minimum):
        return  # nothing at the severity asked for
    if view.output_format == "json":
        sys.stdout.write(ev.to_json(indent=None) + "\n")
        sys.stdout.flush()
    else:
        render_file(path, ev, console, minimum=view.minimum)


def sort_results(results: list[tuple[Path, Evaluation]], how: str) -> list[tuple[Path, Evaluation]]:
    """``results`` by severity (most errors first, then warnings, then notes; ties by path), by
    unit (the unit the document names; none last) or by path."""
    from jixiao.core.places import severity_key

    def by_path(item: tuple[Path, Evaluation]) -> tuple[str, str]:
        path, ev = item
        return str(path), (ev.source.part or "") if ev.source else ""

    if how == "severity":
        return sorted(results, key=lambda item: (severity_key(item[1]), by_path(item)))
    if how == "unit":
        return sorted(
            results, key=lambda item: (not item[1].project.unit, item[1].project.unit or "", by_path(item))
        )
    return sorted(results, key=by_path)


def _slim(ev: Evaluation) -> Evaluation:
    """What the summary table reads, so a batch of thousands of files stays small in memory."""
    return ev.model_copy(
        update={
            "indicators": (),
            "budget": ev.budget.model_copy(update={"lines": ()}),
            "provenance": {},
            "problems": None,
        }
    )


def _check_report_path(report: Path) -> None:
    from jixiao.export.api import REVIEW_SUFFIXES

    if report.suffix.lower() not in REVIEW_SUFFIXES:
        raise JixiaoError(f"复核报告只能写成 .xlsx 或 .html，而不是“{report.suffix or report.name}”")
    if not report.parent.is_dir():
        raise JixiaoError(f"无法写复核报告 {report}：目录 {report.parent} 不存在")


def _write_report(report: Path, results: list[tuple[Path, Evaluation]], roots: list[Path]) -> None:
    """The review report: the batch review workbook (.xlsx, file names relative to the folders
    given) or the HTML report."""
    if report.suffix.lower() == ".xlsx":
        from jixiao.export.batch_review import BatchItem
        from jixiao.export.batch_review import batch_workbook
        from jixiao.export.batch_review import relative_name
        from jixiao.export.files import write_atomic

        data = batch_workbook([BatchItem(relative_name(path, roots), ev) for path, ev in results])
        write_atomic(report, data)
    else:
        from jixiao.export import write_review

        write_review([ev for _, ev in results], report)
    _console(stderr=True).print(f"已写出复核报告：{report}")


def _extract_plan(file: Path, kind: str, as_json: bool) -> None:
    from jixiao.authoring.plan import plan_kind_of
    from jixiao.authoring.plan import plan_to_yaml
    from jixiao.services import read_plan_file

    plan = plan_kind_of(kind)
    if plan is None:
        raise JixiaoError(f"--kind 应为 自评、目标 或 监控，这里是“{kind}”")
    if not file.is_file():
        raise JixiaoError(f"找不到文件：{file}")
    record = read_plan_file(file, plan)
    if as_json:
        sys.stdout.write(record.to_json() + "\n")
    else:
        sys.stdout.write(plan_to_yaml(record, note=f"由 jixiao 从 {file.name} 读出；请与原表核对"))
    err = _console(stderr=True)
    for finding in record.findings:
        err.print(f"注意：{finding.message}", highlight=False)
