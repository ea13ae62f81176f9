"""Write a 目标申报表 or a 监控情况表: ``.xlsx``, ``.docx`` or ``.pdf`` in the record's layout.

The same writers draw these as draw the 自评表 (:mod:`jixiao.export.xlsx_table`,
:mod:`jixiao.export.docx_table`); a PDF is the ``.docx`` converted by LibreOffice. The record is
printed as it is: nothing is scored or filled in.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.core.plan import Declaration
from jixiao.export.files import check_suffix
from jixiao.export.files import check_target
from jixiao.export.files import saved_bytes
from jixiao.export.files import write_atomic
from jixiao.export.plan_fields import RECORD_NAMES
from jixiao.export.plan_fields import Plan
from jixiao.export.plan_fields import Record
from jixiao.export.plan_form import build_plan_form
from jixiao.export.plan_layout import PlanLayout
from jixiao.export.plan_layout import plan_layout

PLAN_SUFFIXES = (".xlsx", ".docx", ".pdf")


def record_of(record: Plan) -> Record:
    """Which record ``record`` is."""
    return "declaration" if isinstance(record, Declaration) else "monitoring"


def plan_bytes(
    record: Plan,
    suffix: str,
    *,
    layout: str | Path | PlanLayout | None = None,
    timeout: float | None = None,
) -> bytes:
    """``record`` as the bytes of a ``suffix`` file in ``layout`` (default: the built-in one)."""
    kind = record_of(record)
    suffix = check_suffix(suffix, PLAN_SUFFIXES, RECORD_NAMES[kind])
    form = build_plan_form(record, plan_layout(kind, layout))
    if suffix == ".xlsx":
        from jixiao.export.xlsx_table import table_bytes

        return table_bytes(form)
    if suffix == ".pdf":
        from jixiao.export import pdf_form

        if pdf_form.engine() == "reportlab":
            try:
                return pdf_form.form_pdf_bytes(form)
            except pdf_form.MissingGlyphs:
                pass  # a 生僻字 no face has: LibreOffice prints it from any installed font
    from jixiao.export.docx_table import table_document

    docx = saved_bytes(table_document(form))
    if suffix == ".docx":
        return docx
    from jixiao.export.pdf import pdf_bytes

    return pdf_bytes(docx, ".docx", timeout)


def export_plan(
    record: Plan,
    out: Path | str,
    *,
    layout: str | Path | PlanLayout | None = None,
    timeout: float | None = None,
) -> Path:
    """Write ``record`` to ``out`` (``.xlsx``/``.docx``/``.pdf``); return ``out``."""
    out = Path(out)
    suffix = check_target(out, PLAN_SUFFIXES, RECORD_NAMES[record_of(record)])
    return write_atomic(out, plan_bytes(record, suffix, layout=layout, timeout=timeout))
