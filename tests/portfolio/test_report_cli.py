"""``jixiao portfolio``: text, JSON, the workbook with its charts and the HTML page with its SVG."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart
from openpyxl.chart import ScatterChart
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.storage.db import open_database
from portfolio.test_report import BING
from portfolio.test_report import JIA
from portfolio.test_report import fill_portfolio

runner = CliRunner()


@pytest.fixture
def url(db_url: str) -> str:
    db = open_database(db_url)
    try:
        fill_portfolio(db)
    finally:
        db.close()
    return db_url


@pytest.fixture(params=["sqlite"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The CLI over SQLite; ``test_json_on_both_backends`` adds PostgreSQL."""
    return f"sqlite:///{tmp_path / 'jixiao.db'}"


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["portfolio", *args], env={"COLUMNS": "200", "JIXIAO_DATABASE_URL": ""})
    return result.exit_code, result.stdout, result.stderr


def test_text(url: str) -> None:
    code, out, _ = run("--database", url)
    assert code == 0
    assert "绩效自评汇总（全部年度与单位）" in out
    assert (
        "评价 8 份（各项目×年度的最新版本）· 单位 3 个 · 报送文件 11 个 · 无法读取 1 个 · 被新版本替代 2 份"
        in out
    )
    for heading in (
        "各单位等级分布",
        "自评得分分布",
        "自评得分高于复核得分的程度",
        "预算执行率与自评得分",
        "常见问题",
        "问题最多的评价",
    ):
        assert heading in out
    assert BING in out  # a name with [, <, & is printed as it is, not read as markup
    assert "相关系数 r = " in out
    assert "6.83" in out  # 甲局's mean inflation


def test_text_unit_with_markup_characters(tmp_path: Path) -> None:
    from jixiao.core.model import Evaluation
    from jixiao.core.model import Project
    from jixiao.storage.store import Store

    url = f"sqlite:///{tmp_path / 'm.db'}"
    db = open_database(url)
    Store(db).save(Evaluation(project=Project(name="[bold]项目[/bold]", unit="[red]局[/]", year=2024)))
    db.close()
    code, out, _ = run("--database", url)
    assert code == 0
    assert "[red]局[/]" in out and "[bold]项目[/bold]" in out


def test_json(url: str) -> None:
    code, out, _ = run("--database", url, "--format", "json", "--limit", "3")
    assert code == 0
    data = json.loads(out)
    assert data["totals"] == {"evaluations": 8, "documents": 11, "units": 3, "unreadable": 1, "superseded": 2}
    assert [w["id"] for w in data["worst"]] == [4, 1, 5]
    assert data["inflation"][0]["unit"] == JIA and data["inflation"][0]["mean"] == 6.8333
    assert isinstance(data["execution"]["correlation"], float)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_json_on_both_backends(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    db_url = (
        f"sqlite:///{tmp_path / 'b.db'}" if backend == "sqlite" else request.getfixturevalue("postgres_url")
    )
    db = open_database(db_url)
    fill_portfolio(db)
    db.close()
    code, out, _ = run("--database", db_url, "--format", "json", "--year", "2024", "--unit", JIA)
    assert code == 0
    data = json.loads(out)
    assert data["scope"] == {"year": 2024, "unit": JIA}
    assert data["totals"]["evaluations"] == 2
    assert [w["id"] for w in data["worst"]] == [1, 3]


def test_xlsx(url: str, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    code, printed, err = run("--database", url, "--to", str(out))
    assert code == 0, err
    assert "已写出汇总报告" in err
    # the file is what was asked for: no report on the terminal besides the one line
    assert printed == ""
    assert len(err.strip().splitlines()) == 1 and "评价 8 份" in err
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "概况",
        "需要关注",
        "等级分布",
        "自评得分分布",
        "自评高于复核",
        "执行率与自评",
        "常见问题",
        "问题最多的评价",
    ]
    overview = wb["概况"]
    assert [overview.cell(row=r, column=2).value for r in range(4, 9)] == [8, 3, 11, 1, 2]
    grades = wb["等级分布"]
    assert [c.value for c in grades[4]][:7] == [
        "单位",
        "评价数",
        "复核·优",
        "复核·良",
        "复核·中",
        "复核·差",
        "复核·无等级",
    ]
    assert [c.value for c in grades[5]][:2] == [BING, 2]
    histogram = wb["自评得分分布"]
    assert [histogram.cell(row=r, column=2).value for r in range(5, 14)] == [1, 1, 0, 0, 1, 0, 2, 2, 0]
    inflation = wb["自评高于复核"]
    assert [c.value for c in inflation[5]] == [JIA, 3, 6.8333, 19, 2, 0.6667]
    worst = wb["问题最多的评价"]
    assert [c.value for c in worst[5]][:3] == [4, JIA, "项目三"]
    # the charts: openpyxl reads them back with the workbook
    charts = {ws.title: [type(c) for c in ws._charts] for ws in wb.worksheets}
    assert charts["等级分布"] == [BarChart]
    assert charts["自评得分分布"] == [BarChart]
    assert charts["执行率与自评"] == [ScatterChart]
    scatter = wb["执行率与自评"]
    points = [
        (scatter.cell(row=r, column=1).value, scatter.cell(row=r, column=2).value)
        for r in range(14, 21)
        if scatter.cell(row=r, column=1).value is not None
    ]
    assert points == [(1, 0.95), (3, 1), (4, 0.7), (5, 0.85), (8, 1.05), (10, 0.9)]


def test_html(url: str, tmp_path: Path) -> None:
    out = tmp_path / "汇总.html"
    code, _, err = run("--database", url, "--to", str(out), "--format", "json")
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["'](?!#)""", page)  # nothing external, only in-page links
    assert "丙&lt;局&gt;&amp;" in page and BING not in page  # escaped everywhere
    assert "&lt;b&gt;报告&amp;amp;&lt;/b&gt;.docx" in page and "<b>" not in page  # a document's name
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == 3  # grades per unit, claimed totals, rate against claimed
    for svg in svgs:
        ET.fromstring(svg)  # well-formed XML
    assert svgs[2].count("<circle") == 6
    assert page.count("<section") == 6


def test_empty_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    open_database(url).close()
    code, out, _ = run("--database", url)
    assert code == 0
    assert "库中还没有评价" in out
    code, out, _ = run("--database", url, "--format", "json")
    assert code == 0 and json.loads(out)["totals"]["evaluations"] == 0
    for name in ("e.xlsx", "e.html"):
        assert run("--database", url, "--to", str(tmp_path / name))[0] == 0
    assert "没有可汇总的评价" in (tmp_path / "e.html").read_text(encoding="utf-8")


def test_empty_year(url: str) -> None:
    code, out, _ = run("--database", url, "--year", "1999")
    assert code == 0
    assert "所选范围（1999年）内没有评价" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "xml"], "--format 只能是 text 或 json"),
        (["--to", "汇总.pdf"], "汇总报告不能导出为“.pdf”文件：可用 .xlsx、.html。"),
        (["--to", "/no/such/folder/汇总.xlsx"], "不存在"),
        (["--unit", "丁局"], "库中没有名为“丁局”的单位"),
    ],
)
def test_refusals(url: str, args: list[str], message: str) -> None:
    code, _, err = run("--database", url, *args)
    assert code == 2
    assert message in err


def test_uninitialised_database_is_not_created(tmp_path: Path) -> None:
    code, _, err = run("--database", f"sqlite:///{tmp_path / 'none.db'}")
    assert code == 2
    assert "尚未初始化" in err


def test_negative_limit(url: str) -> None:
    code, _, _ = run("--database", url, "--limit", "-1")
    assert code == 2
