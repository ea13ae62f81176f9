"""One submitted 目标申报表 or 监控情况表 in, its record out.

:func:`read_plan` reads the file with the same readers as a self-evaluation (docx, xlsx, pdf,
doc, xls …), checks that it is the record asked for (:func:`jixiao.intake.extract.plan.plan_kind`),
extracts it and records its source; what could not be read becomes an ``EXTRACTION_INCOMPLETE``
finding on the record. A file that cannot be read at all, or that is another kind of document,
raises :class:`PlanFileError` naming the file and the reason, so a batch can report it and go on.
The record is not checked here: the services check and store it.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from jixiao.core.checks import BY_CODE
from jixiao.core.model import Source
from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.errors import JixiaoError
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.extract.plan import PlanKind
from jixiao.intake.extract.plan import extract_declaration
from jixiao.intake.extract.plan import extract_monitoring
from jixiao.intake.extract.plan import plan_kind
from jixiao.intake.limits import Limits
from jixiao.intake.readers import SUFFIXES
from jixiao.intake.readers import read_document

log = logging.getLogger(__name__)

PLAN_NAMES: dict[PlanKind, str] = {
    "declaration": "绩效目标申报表",
    "monitoring": "绩效目标执行监控表（监控情况表）",
}


class PlanFileError(JixiaoError):
    """A file that is not the record asked for, or cannot be read (the message says which)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}：{reason}")
        self.path = path
        self.reason = reason


def _source(path: Path, name: str | None) -> Source:
    shown = Path(name) if name else path
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    fmt = SUFFIXES.get(shown.suffix.lower(), shown.suffix.lower().lstrip(".") or None)
    return Source(path=name or str(path), format=fmt, sha256=digest)


def read_plan(
    path: Path | str,
    kind: PlanKind,
    *,
    limits: Limits | None = None,
    name: str | None = None,
) -> Declaration | Monitoring:
    """The ``kind`` record ``path`` holds (see the module docstring); ``name`` is the name people
    know the file by when ``path`` is a temporary one."""
    path = Path(path)
    shown = name or str(path)
    try:
        doc = read_document(path, limits or Limits())
    except UnreadableDocument as exc:
        raise PlanFileError(shown, exc.reason) from None
    except Exception as exc:  # a reader bug must not end a batch
        log.exception("reading %s failed", shown)
        raise PlanFileError(shown, f"读取时发生内部错误（{type(exc).__name__}: {exc}）") from None
    if name:
        doc.path = name
    try:
        found = plan_kind(doc)
    except Exception as exc:
        log.exception("telling the kind of %s failed", shown)
        raise PlanFileError(shown, f"识别表格时发生内部错误（{type(exc).__name__}: {exc}）") from None
    if found is None:
        raise PlanFileError(
            shown,
            f"不是{PLAN_NAMES[kind]}：没有找到表名（如“项目支出绩效目标申报表”“绩效目标执行监控表”）"
            "或相应的指标表头；自评表请不加 --kind 导入",
        )
    if found != kind:
        raise PlanFileError(shown, f"这是{PLAN_NAMES[found]}，不是{PLAN_NAMES[kind]}")
    record: Declaration | Monitoring
    try:
        record, notes = extract_declaration(doc) if kind == "declaration" else extract_monitoring(doc)
    except Exception as exc:  # an extractor bug must not end a batch
        log.exception("extracting %s failed", shown)
        raise PlanFileError(shown, f"提取时发生内部错误（{type(exc).__name__}: {exc}）") from None
    findings = tuple(
        BY_CODE["EXTRACTION_INCOMPLETE"].finding(location=where, part=where, reason=reason)
        for where, reason in notes
    )
    return record.model_copy(update={"source": _source(path, name), "findings": record.findings + findings})


def plan_reason(kind: PlanKind) -> str:
    """Why a document of ``kind`` is not a self-evaluation, and how to import it."""
    flag = "目标" if kind == "declaration" else "监控"
    return f"这是{PLAN_NAMES[kind]}，不是自评表；请用 jixiao import --kind {flag} 导入"
