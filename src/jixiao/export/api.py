"""Entry points: write one evaluation as a document, or many as the review report.

:func:`export_evaluation` picks the document by the output's suffix and kind:

=========  =========================  ==============================
kind       suffixes                   document
=========  =========================  ==============================
table      .xlsx, .docx, .pdf         自评表 in the scheme's layout
report     .docx, .pdf                自评报告 draft, 自评表 appended
=========  =========================  ==============================

The kind is ``kind`` when given, else ``report`` when the file name contains 报告 and ``table``
otherwise (``2024-自评报告.docx`` is a report, ``自评表.docx`` a table). The evaluation is scored
under ``scheme`` first, so what is printed is consistent with the rules even for an evaluation
that arrives unscored; its stated scores are printed as stated (see :mod:`jixiao.export.fields`).

Each document is made as bytes (:func:`evaluation_bytes`, :func:`review_bytes`), which the web
sends as they are; :func:`export_evaluation` and :func:`write_review` are the path-taking forms
for the CLI and the library, which check the target first and write the bytes through the one
atomic writer (:func:`jixiao.export.files.write_atomic`), so a failure never leaves a
half-written document behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.scheme import Scheme
from jixiao.export.errors import ExportError
from jixiao.export.fields import Facts
from jixiao.export.files import check_suffix
from jixiao.export.files import check_target
from jixiao.export.files import saved_bytes
from jixiao.export.files import write_atomic
from jixiao.export.form import Form
from jixiao.export.form import build_form
from jixiao.export.layout import Layout
from jixiao.export.layout import layout_for
from jixiao.export.layout import load_layout

Kind = Literal["table", "report"]
KINDS: tuple[Kind, ...] = ("table", "report")
SUFFIXES: dict[Kind, tuple[str, ...]] = {"table": (".xlsx", ".docx", ".pdf"), "report": (".docx", ".pdf")}
REVIEW_SUFFIXES = (".xlsx", ".html")
KIND_NAMES: dict[Kind, str] = {"table": "自评表", "report": "自评报告"}


def kind_of(out: Path, kind: str | None = None) -> Kind:
    """The document ``out`` stands for: ``kind`` if given, else by its name (报告 → report)."""
    if kind is None:
        return "report" if "报告" in out.name else "table"
    for known in KINDS:
        if kind == known:
            return known
    raise ExportError(f"不认识的文档类型“{kind}”：应为 table（自评表）或 report（自评报告）。")


def resolve_layout(layout: str | Path | Layout | None, scheme: Scheme) -> Layout:
    """The layout to draw with: one given (id, path or object), else the scheme's default."""
    if isinstance(layout, Layout):
        return layout
    if layout is None:
        return layout_for(scheme.id)
    return load_layout(layout)


def _docx_bytes(form: Form, facts: Facts, kind: Kind, evidence: Sequence[str] = ()) -> bytes:
    if kind == "table":
        from jixiao.export.docx_table import table_document

        return saved_bytes(table_document(form))
    from jixiao.core.scoring import score_evaluation
    from jixiao.export.report_docx import report_document
    from jixiao.export.report_text import report_blocks

    blocks = report_blocks(facts, score_evaluation(facts.ev, facts.scheme), form.title, evidence)
    return saved_bytes(report_document(blocks, form))


def evaluation_bytes(
    ev: Evaluation,
    scheme: Scheme,
    suffix: str,
    *,
    kind: str = "table",
    layout: str | Path | Layout | None = None,
    timeout: float | None = None,
    evidence: Sequence[str] = (),
    pdf_engine: str | None = None,
) -> bytes:
    """``ev`` as the 自评表 (``kind="table"``) or the 自评报告 draft (``"report"``), as the bytes
    of a ``suffix`` file (see the module docstring); ``evidence`` names the 佐证材料 the report
    lists among its 附件. A 自评表 PDF is drawn by ``pdf_engine`` (see
    :func:`jixiao.export.pdf_form.engine`: ReportLab by default, LibreOffice without its fonts or
    when asked); the 自评报告 PDF is always the .docx printed by LibreOffice. Raises :class:`ExportError` for a format the document does not come
    in, or a PDF that cannot be made."""
    chosen = kind_of(Path(f"document{suffix}"), kind)
    suffix = check_suffix(suffix, SUFFIXES[chosen], KIND_NAMES[chosen])
    drawn = resolve_layout(layout, scheme)
    scored = evaluate(ev, scheme)
    facts = Facts.of(scored, scheme)
    form = build_form(facts, drawn)
    if suffix == ".xlsx":
        from jixiao.export.xlsx_table import table_bytes

        return table_bytes(form)
    if suffix == ".pdf" and chosen == "table":
        from jixiao.export import pdf_form

        if pdf_form.engine(pdf_engine) == "reportlab":
            try:
                return pdf_form.form_pdf_bytes(form)
            except pdf_form.MissingGlyphs:
                pass  # a 生僻字 no face has: LibreOffice prints it from any installed font
    docx = _docx_bytes(form, facts, chosen, evidence)
    if suffix == ".docx":
        return docx
    from jixiao.export.pdf import pdf_bytes

    return pdf_bytes(docx, ".docx", timeout)


def export_evaluation(
    ev: Evaluation,
    scheme: Scheme,
    out: Path | str,
    *,
    layout: str | Path | Layout | None = None,
    kind: str | None = None,
    timeout: float | None = None,
    pdf_engine: str | None = None,
) -> Path:
    """Write ``ev`` as the 自评表 or the 自评报告 draft to ``out``; return ``out``.

    ``layout`` is a built-in layout id, a layout file, a :class:`Layout`, or None for the
    scheme's default. ``kind`` is ``"table"`` or ``"report"`` (default: by the file name).
    ``timeout`` bounds a PDF conversion (seconds); ``pdf_engine`` draws a 自评表 PDF (``auto``,
    ``reportlab``, ``libreoffice``; see :func:`evaluation_bytes`). Raises :class:`ExportError` when the
    document cannot be written, :class:`~jixiao.export.errors.LayoutError` for a bad layout.
    """
    out = Path(out)
    chosen = kind_of(out, kind)
    suffix = check_target(out, SUFFIXES[chosen], KIND_NAMES[chosen])
    content = evaluation_bytes(
        ev, scheme, suffix, kind=chosen, layout=layout, timeout=timeout, pdf_engine=pdf_engine
    )
    return write_atomic(out, content)


def review_bytes(evaluations: Sequence[Evaluation], suffix: str) -> bytes:
    """The review report (复核报告) over scored evaluations as ``.xlsx`` or ``.html`` bytes.

    One summary row per evaluation (key figures, claimed and recomputed totals, finding counts)
    and, per evaluation, its findings with their places. Evaluations are taken as scored: run
    them through the engine first (``jixiao check`` does).
    """
    suffix = check_suffix(suffix, REVIEW_SUFFIXES, "复核报告")
    from jixiao.export.review import review_rows

    rows = review_rows(evaluations)
    if suffix == ".xlsx":
        from jixiao.export.review_xlsx import review_workbook

        return saved_bytes(review_workbook(rows))
    from jixiao.export.review_html import review_html

    return review_html(rows).encode("utf-8")


def write_review(evaluations: Sequence[Evaluation], out: Path | str) -> Path:
    """Write the review report (复核报告, :func:`review_bytes`) to ``out`` (``.xlsx`` or ``.html``)."""
    out = Path(out)
    suffix = check_target(out, REVIEW_SUFFIXES, "复核报告")
    return write_atomic(out, review_bytes(evaluations, suffix))
