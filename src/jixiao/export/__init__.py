"""Exporters: the official documents written from an evaluation, and the bureau's review report.

What a unit submits and a bureau files, printed from the contract :class:`~jixiao.core.model.Evaluation`:

- the 自评表 (self-evaluation table) in a jurisdiction's layout, as ``.xlsx``, ``.docx`` or ``.pdf``;
- the 自评报告 draft (report) following the official outline, as ``.docx`` or ``.pdf``, every
  number taken from the evaluation and marked places (【请填写：…】) for the unit's own words;
- the 复核报告 (review report) over many evaluations, as ``.xlsx`` or ``.html``.

Entry points: :func:`export_evaluation` and :func:`write_review`; layouts (表样) are TOML data
(:mod:`jixiao.export.layout`, ``docs/export.md``). Modules:

    layout        the layout schema, built-in layouts (``layouts/*.toml``) and loading
    fields        the printable facts (``project.name``, ``budget.planned`` …) and which score prints
    formatting    exact printing of 万元, percentages, dates; text cleaning
    form          evaluation + layout → a neutral grid of merged cells (what every table writer draws)
    xlsx_table    the grid as an openpyxl workbook (merges, borders, number formats, print setup)
    docx_base     python-docx helpers: East-Asian fonts, pages, page numbers, tables from the grid
    docx_table    the 自评表 as .docx
    report_text   the 自评报告 draft as neutral blocks (outline, woven-in numbers, placeholders)
    report_docx   the draft as .docx (GB/T 9704 page), with the 自评表 appended
    pdf           .docx → .pdf through LibreOffice with the font aliases in ``fonts.conf``
    pdf_form      a form's grid drawn straight into a PDF (ReportLab): the 自评表 PDF by default
    review        the review report's rows; ``review_xlsx`` and ``review_html`` write it
    api           ``export_evaluation`` and ``write_review``: pick the writer by suffix and kind

It may import ``jixiao.core``, ``jixiao.schemes``, ``jixiao.errors``, the LibreOffice runner
``jixiao.office`` and openpyxl / python-docx / lxml / reportlab — never the CLI.
Writers are imported when first used, so importing this package stays cheap.
"""

from jixiao.export.api import export_evaluation
from jixiao.export.api import write_review
from jixiao.export.errors import ExportError
from jixiao.export.errors import LayoutError
from jixiao.export.layout import Layout
from jixiao.export.layout import layout_for
from jixiao.export.layout import load_layout

__all__ = [
    "ExportError",
    "Layout",
    "LayoutError",
    "export_evaluation",
    "layout_for",
    "load_layout",
    "write_review",
]
