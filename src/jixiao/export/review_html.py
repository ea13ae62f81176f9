"""The review report as one self-contained HTML page (no scripts, no external files).

A summary table with a row per evaluation linking to its section; each section lists the
evaluation's key figures and its findings with their places. All text is escaped; the page
prints on A4 landscape with each evaluation starting on a new page.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from jixiao.core.check_names import check_title
from jixiao.core.model import Severity
from jixiao.export.formatting import percent_text
from jixiao.export.formatting import plain
from jixiao.export.formatting import yuan_text
from jixiao.export.html_style import stylesheet
from jixiao.export.review import FINDING_HEAD
from jixiao.export.review import SEVERITY_NAMES
from jixiao.export.review import SUMMARY_HEAD
from jixiao.export.review import ReviewRow
from jixiao.export.review import review_date

_OWN_CSS = """
dl { display: grid; grid-template-columns: max-content auto; gap: .2em 1em; } dt { font-weight: bold; }
@media print { section { break-before: page; } a { color: inherit; } }
"""
_CLASS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "info"}


def _n(value: Decimal | None, kind: str = "score") -> str:
    if value is None:
        return ""
    if kind == "yuan":
        return yuan_text(value)
    if kind == "rate":
        return percent_text(value)
    return plain(value)


def _summary_row(row: ReviewRow) -> str:
    cells = [
        f'<td class="n">{row.index}</td>',
        f"<td>{escape(row.file)}</td>",
        f'<td><a href="#doc-{row.index}">{escape(row.project or "（未命名）")}</a></td>',
        f"<td>{escape(row.unit)}</td>",
        f"<td>{escape(row.year)}</td>",
        f"<td>{escape(row.scheme)}</td>",
        f'<td class="n">{_n(row.planned, "yuan")}</td>',
        f'<td class="n">{_n(row.executed, "yuan")}</td>',
        f'<td class="n">{_n(row.rate, "rate")}</td>',
        f'<td class="n">{_n(row.claimed_total)}</td>',
        f'<td class="n">{_n(row.computed_total)}</td>',
        f'<td class="n">{_n(row.difference)}</td>',
        f"<td>{escape(row.claimed_grade)}</td>",
        f"<td>{escape(row.computed_grade)}</td>",
        f'<td class="n error">{row.count(Severity.ERROR) or ""}</td>',
        f'<td class="n warning">{row.count(Severity.WARNING) or ""}</td>',
        f'<td class="n info">{row.count(Severity.INFO) or ""}</td>',
        f'<td class="{"error" if row.count(Severity.ERROR) else ""}">{row.verdict}</td>',
    ]
    return f"<tr>{''.join(cells)}</tr>"


def _section(row: ReviewRow) -> str:
    facts = (
        ("文件", escape(row.file)),
        ("单位", escape(row.unit)),
        ("年度", escape(row.year)),
        ("评分方案", escape(row.scheme)),
        ("预算数", f"{_n(row.planned, 'yuan')} 元" if row.planned is not None else ""),
        ("执行数", f"{_n(row.executed, 'yuan')} 元" if row.executed is not None else ""),
        ("执行率", _n(row.rate, "rate")),
        ("自评总分 / 复核得分", f"{_n(row.claimed_total) or '—'} / {_n(row.computed_total) or '—'}"),
        ("自评等级 / 复核等级", f"{escape(row.claimed_grade) or '—'} / {escape(row.computed_grade) or '—'}"),
        ("复核结论", row.verdict),
    )
    dl = "".join(f"<dt>{label}</dt><dd>{value or '—'}</dd>" for label, value in facts)
    if row.findings:
        body = "".join(
            f'<tr><td class="{_CLASS[f.severity]}">{SEVERITY_NAMES[f.severity]}</td>'
            f'<td title="{escape(f.code)}">{escape(check_title(f.code))}</td><td>{escape(f.message)}</td>'
            f"<td>{escape(f.location or '')}</td></tr>"
            for f in row.findings
        )
        head = "".join(f"<th>{h}</th>" for h in FINDING_HEAD)
        findings = f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    else:
        findings = "<p>未发现问题。</p>"
    return (
        f'<section id="doc-{row.index}"><h2>{row.index}. {escape(row.title)}</h2><dl>{dl}</dl>'
        f'{findings}<p><a href="#summary">↑ 返回汇总</a></p></section>'
    )


def review_html(rows: Sequence[ReviewRow]) -> str:
    """The whole page."""
    errors = sum(r.count(Severity.ERROR) > 0 for r in rows)
    head = "".join(f"<th>{h}</th>" for h in SUMMARY_HEAD)
    summary = "".join(_summary_row(r) for r in rows)
    sections = "".join(_section(r) for r in rows)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="generator" content="jixiao"><title>绩效自评复核报告</title>'
        f"{stylesheet(_OWN_CSS)}</head><body>"
        f'<h1 id="summary">绩效自评复核报告</h1>'
        f"<p>复核日期：{review_date()}　共{len(rows)}份自评，其中{errors}份有错误级问题。</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{summary}</tbody></table>"
        f"{sections}</body></html>\n"
    )
