"""One word per concept in what the head reads: the figure the rules give is 复核得分 (never
复核总分, 复核计分, 复算总分 or 复算得分), the unit's claim is 自评得分 (never 申报总分), and a
finding is named by its Chinese title, its code kept for the API. Scanned: the dashboard's
templates and chart code, the portfolio report's writers, and the rendered dashboard, workbook
and HTML report of the planted portfolio."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jixiao.core.checks import BY_CODE
from jixiao.portfolio.report import PortfolioReport
from jixiao.portfolio.report import build_report
from jixiao.portfolio.report import report_bytes
from jixiao.portfolio.report_render import render_report
from jixiao.storage.db import Database
from portfolio import test_questions as planted

portfolio = planted.portfolio  # the planted 300, on both databases


@pytest.fixture(scope="module")
def planted_report(portfolio: Database) -> PortfolioReport:
    return build_report(portfolio, year=2024)


SRC = Path(__file__).resolve().parents[2] / "src" / "jixiao"
BANNED = ("复核总分", "复核计分", "复算总分", "复算得分", "申报总分")
SOURCES = [
    SRC / "web" / "templates" / "dashboard.html",
    SRC / "web" / "templates" / "dashboard_body.html",
    SRC / "web" / "charts.py",
    SRC / "web" / "routes" / "dashboard.py",
    SRC / "portfolio" / "report_html.py",
    SRC / "portfolio" / "report_xlsx.py",
    SRC / "portfolio" / "report_render.py",
    SRC / "cli" / "portfolio.py",
]


def _banned_in(text: str) -> list[str]:
    return [word for word in BANNED if word in text]


def test_the_sources_use_one_word_per_concept() -> None:
    found = {str(p.relative_to(SRC)): _banned_in(p.read_text(encoding="utf-8")) for p in SOURCES}
    assert {k: v for k, v in found.items() if v} == {}


def test_a_banned_word_is_found() -> None:
    assert _banned_in("自评总分 / 复核总分") == ["复核总分"]


SCANNED_SUFFIXES = (".py", ".html", ".js", ".css", ".yaml", ".yml", ".toml", ".json", ".md", ".txt")


def _banned_under(root: Path) -> dict[str, list[str]]:
    """Every text file under ``root`` (templates, code, layouts, schemes) holding an old word."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in SCANNED_SUFFIXES:
            words = _banned_in(path.read_text(encoding="utf-8", errors="replace"))
            if words:
                found[str(path.relative_to(root))] = words
    return found


def test_all_of_jixiao_uses_one_word_per_concept() -> None:
    """Not only the dashboard: the editor, the uploads, the CLI, the exports, the audit labels."""
    assert len([p for p in SRC.rglob("*") if p.suffix in SCANNED_SUFFIXES]) > 100  # the scan sees the tree
    assert _banned_under(SRC) == {}


def test_the_whole_tree_scan_finds_a_planted_old_word(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<dt>复核计分</dt>", encoding="utf-8")
    (tmp_path / "render.py").write_text('LABEL = "申报总分"\n', encoding="utf-8")
    (tmp_path / "clean.py").write_text('LABEL = "复核得分"\n', encoding="utf-8")
    assert _banned_under(tmp_path) == {"render.py": ["申报总分"], "templates/page.html": ["复核计分"]}


def _chinese_text_codes(text: str) -> list[str]:
    """Finding codes written in the text outside URLs and attributes (``code=…``)."""
    visible = re.sub(r'(href|title|id|class|data-[a-z-]+)="[^"]*"', "", text)
    return sorted({code for code in BY_CODE if re.search(rf"(?<![=\w]){code}(?!\w)", visible)})


def test_the_rendered_reports_use_the_words_and_chinese_names(planted_report: PortfolioReport) -> None:
    html = report_bytes(planted_report, ".html").decode("utf-8")
    assert _banned_in(html) == []
    book = load_workbook(io.BytesIO(report_bytes(planted_report, ".xlsx")))
    cells = " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert _banned_in(cells) == [] and _banned_in(" ".join(book.sheetnames)) == []
    from rich.console import Console

    console = Console(file=io.StringIO(), width=200)
    render_report(planted_report, console)
    assert _banned_in(console.file.getvalue()) == []  # type: ignore[attr-defined]


def test_the_dashboard_names_findings_in_chinese(planted_report: PortfolioReport) -> None:
    from jinja2 import Environment
    from jinja2 import FileSystemLoader

    from jixiao.storage.browse import Facets
    from jixiao.web.filters import FILTERS
    from jixiao.web.routes.dashboard import Built
    from jixiao.web.routes.dashboard import Scope
    from jixiao.web.routes.dashboard import _body

    env = Environment(loader=FileSystemLoader(SRC / "web" / "templates"), autoescape=True)
    env.filters.update(FILTERS)
    facets = Facets(years=(2024,), units=(), grades=())
    html = env.get_template("dashboard_body.html").render(
        _body(Scope(2024, None, None), Built(planted_report, facets), may_create=False)
    )
    assert "需要关注的问题" in html
    assert _banned_in(html) == []
    assert _chinese_text_codes(html) == []
