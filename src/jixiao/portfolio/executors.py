"""Where extraction runs during an import: local worker processes, or a Dask cluster.

Both take files (with, optionally, the names people know them by: see ``extract_evaluations``) and
yield ``(path, evaluations)``, one evaluation per form the file holds; the importer writes every result through the
one database connection it holds, so a cluster never needs database access.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from jixiao.core.model import Evaluation
from jixiao.errors import JixiaoError
from jixiao.intake.batch import PageCallback
from jixiao.intake.batch import check_files_grouped
from jixiao.intake.limits import Limits
from jixiao.intake.pipeline import evaluations_from_line
from jixiao.intake.pipeline import evaluations_to_line
from jixiao.intake.pipeline import extract_evaluations
from jixiao.intake.pipeline import unreadable
from jixiao.intake.pool import WorkerPool


class Executor(Protocol):
    """Runs extraction over files."""

    def run(
        self, files: list[Path], names: list[str | None] | None = None
    ) -> Iterator[tuple[Path, list[Evaluation]]]: ...


@dataclass(slots=True)
class ProcessExecutor:
    """Local worker processes (``jixiao.intake.batch``): per-file timeout, crash isolation.

    With a ``pool`` (:meth:`warm`) the workers outlive a run and serve the next one; without, each
    run starts its own and stops them when it ends."""

    workers: int
    limits: Limits
    scheme: str | None = None
    pool: WorkerPool | None = None
    on_page: PageCallback | None = None  # (path, pages done, pages) as a scan is read

    @classmethod
    def warm(cls, workers: int, limits: Limits, scheme: str | None = None) -> ProcessExecutor:
        """An executor whose workers are kept between runs (a server's); :meth:`close` stops them."""
        return cls(workers, limits, scheme, WorkerPool(workers, scheme=scheme, limits=limits))

    def run(
        self, files: list[Path], names: list[str | None] | None = None
    ) -> Iterator[tuple[Path, list[Evaluation]]]:
        yield from check_files_grouped(
            files,
            scheme=self.scheme,
            limits=self.limits,
            jobs=self.workers,
            names=names,
            pool=self.pool,
            on_page=self.on_page,
        )

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()


def extract_as_json(path: str, name: str | None, *, scheme: str | None, limits: Limits) -> str:
    """The task a Dask worker runs: one file to contract JSON (plain text travels well), an array
    when the file holds several forms."""
    return evaluations_to_line(extract_evaluations(Path(path), scheme=scheme, limits=limits, name=name))


@dataclass(slots=True)
class DaskExecutor:
    """An existing Dask distributed cluster (``dask://HOST:PORT`` or ``tcp://HOST:PORT``).

    The workers need jixiao installed and must see the files at the same paths (a shared
    filesystem). Results are collected as they complete.
    """

    address: str
    limits: Limits
    scheme: str | None = None

    def run(
        self, files: list[Path], names: list[str | None] | None = None
    ) -> Iterator[tuple[Path, list[Evaluation]]]:
        shown = list(names) if names is not None else [None] * len(files)
        try:
            from distributed import Client
            from distributed import as_completed
        except ImportError:
            raise JixiaoError("使用 Dask 集群需要安装 dask[distributed]：uv sync --extra dask") from None
        address = self.address.replace("dask://", "tcp://", 1)
        try:
            client = Client(address, timeout="20s")
        except OSError as exc:
            raise JixiaoError(f"无法连接 Dask 集群 {self.address}：{exc}") from None
        try:
            futures = client.map(
                extract_as_json,
                [str(f) for f in files],
                shown,
                scheme=self.scheme,
                limits=self.limits,
                pure=False,
            )
            by_key = {fut.key: i for i, fut in enumerate(futures)}
            for fut in as_completed(futures):
                i = by_key[fut.key]
                path = files[i]
                try:
                    yield path, evaluations_from_line(fut.result())
                except Exception as exc:  # a worker died or the task failed: report, go on
                    reason = f"Dask 任务失败（{type(exc).__name__}: {exc}）"
                    yield path, [unreadable(path, reason, name=shown[i])]
        finally:
            client.close()


def make_executor(spec: str | None, workers: int, limits: Limits, scheme: str | None) -> Executor:
    """``None`` or ``processes`` → local processes; ``dask://HOST:PORT`` → a Dask cluster."""
    if spec is None or spec == "processes":
        return ProcessExecutor(workers, limits, scheme)
    if spec.startswith(("dask://", "tcp://")):
        return DaskExecutor(spec, limits, scheme)
    raise JixiaoError(f"无法识别的执行方式“{spec}”：应为 processes 或 dask://主机:端口")
