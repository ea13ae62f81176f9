"""One stylesheet for the HTML reports: the 复核报告 and the 汇总报告 both carry ``report.css``
and add only their own rules."""

from __future__ import annotations

from pathlib import Path

from jixiao.export.html_style import report_css
from jixiao.export.review import review_rows
from jixiao.export.review_html import review_html
from jixiao.intake.pipeline import extract_file
from jixiao.portfolio.report import build_report
from jixiao.portfolio.report_html import portfolio_html
from jixiao.storage.db import open_database

SRC = Path(__file__).resolve().parents[2] / "src" / "jixiao"
SEED = Path(__file__).resolve().parents[1] / "data" / "seeds" / "002_d2da961157e41a94.txt"


def test_both_reports_carry_the_shared_stylesheet(tmp_path: Path) -> None:
    css = report_css()
    assert "th { background: #e6e6e6; }" in css
    review = review_html(review_rows([extract_file(SEED)]))
    db = open_database(f"sqlite:///{tmp_path / 'j.db'}")
    try:
        portfolio = portfolio_html(build_report(db))
    finally:
        db.close()
    for page in (review, portfolio):
        assert css in page
        assert page.count("th { background") == 1  # the shared rule once, no copy of its own


def test_no_report_keeps_its_own_copy_of_the_shared_rules() -> None:
    for path in (SRC / "export" / "review_html.py", SRC / "portfolio" / "report_html.py"):
        assert "border-collapse" not in path.read_text(encoding="utf-8"), path.name
