"""``jixiao import --kind 目标|监控``: declarations and monitoring records into the database.

Each file is a submitted 目标申报表 / 监控情况表 (docx, xlsx, pdf … read by
:func:`jixiao.intake.plans.read_plan`) or an authoring file written from ``jixiao new --kind``
(``.yaml``; a contract ``.json`` of the record also loads). Each record goes through the services
(:func:`jixiao.services.save_declaration` / ``save_monitoring``), which check it and store it as
the next version of its project-year (files are read through
:func:`jixiao.services.read_plan_file`). A file whose very content is already stored (any version
of the declaration; the current monitoring record of a period) is skipped, so running the same
import twice stores nothing twice. A file that
is not the record asked for, or cannot be read, is reported and the batch goes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from jixiao.authoring.plan import PlanKind
from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.errors import JixiaoError
from jixiao.intake.plans import PLAN_NAMES
from jixiao.intake.readers import SUFFIXES
from jixiao.storage.db import Database

AUTHORING = (".yaml", ".yml", ".json")


@dataclass(slots=True)
class PlanImport:
    """What an import of plan files did: lines to print, and the counts."""

    imported: int = 0
    skipped: int = 0
    failed: int = 0
    warned: int = 0
    lines: list[str] = field(default_factory=list)


def plan_files(paths: list[Path]) -> Iterator[Path]:
    """The files given, and every readable or authoring file below a folder given, in name order."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and (p.suffix.lower() in SUFFIXES or p.suffix.lower() in AUTHORING)
            )
        else:
            yield path


def load_plan_file(path: Path, kind: PlanKind) -> Declaration | Monitoring:
    """The ``kind`` record of one file, through the services; ``JixiaoError`` when it is not."""
    from jixiao.services import read_plan_file

    return read_plan_file(path, kind)


def _stored(db: Database, record: Declaration | Monitoring) -> set[str]:
    """The source digests of the project-year's declarations (every version), or of its current
    monitoring records (one per period)."""
    from jixiao.storage.years import Years

    years = Years(db)
    found = years.find_for(record.project)
    if found is None:
        return set()
    current: list[Declaration | Monitoring] = []
    if isinstance(record, Declaration):
        versions = [years.declaration(found.id, v.version) for v in years.declaration_versions(found.id)]
        current.extend(d for d in versions if d is not None)
    else:
        current.extend(m for _, m in years.monitorings(found.id))
    return {c.source.sha256 for c in current if c.source is not None and c.source.sha256}


def import_plans(db: Database, paths: list[Path], kind: PlanKind, *, actor: str | None = None) -> PlanImport:
    """Import every file of ``paths`` as a ``kind`` record (see the module docstring)."""
    from jixiao.services import save_declaration
    from jixiao.services import save_monitoring

    result = PlanImport()
    for path in plan_files(paths):
        try:
            record = load_plan_file(path, kind)
            digest = record.source.sha256 if record.source is not None else None
            if digest is not None and digest in _stored(db, record):
                result.skipped += 1
                result.lines.append(f"已在库中，跳过：{path}")
                continue
            if isinstance(record, Declaration):
                saved = save_declaration(db, record, actor=actor)
                findings, info = saved.declaration.findings, saved.record
            else:
                saved_m = save_monitoring(db, record, actor=actor)
                findings, info = saved_m.monitoring.findings, saved_m.record
        except JixiaoError as exc:
            result.failed += 1
            shown = exc.message if str(path) in exc.message else f"{path}：{exc.message}"
            result.lines.append(f"未导入 {shown}")
            continue
        result.imported += 1
        result.warned += bool(findings)
        name = record.project.name or "（未写项目名称）"
        problems = (
            f"，问题 {len(findings)} 项（{'、'.join(sorted({f.code for f in findings}))}）"
            if findings
            else ""
        )
        result.lines.append(
            f"已导入 {path}：{name}（{record.project.year}年）{PLAN_NAMES[kind]} 第{info.version}版{problems}"
        )
    return result
