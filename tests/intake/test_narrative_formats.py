"""One narrative report, written here, read the same from text, Word, a web page and PDF."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from pathlib import Path

import docx
import pytest

from jixiao.core.model import Evaluation
from jixiao.core.model import Kind
from jixiao.export.pdf import to_pdf
from jixiao.intake.pipeline import extract_file

TITLE = "2024年度城区公共厕所运维项目支出绩效自评报告"
PARAGRAPHS = [
    ("一、项目概况", True),
    ("本项目年初预算安排1,850,000.00元，年中追加预算15万元，用于城区32座公共厕所的日常保洁与维修。", False),
    ("二、项目资金使用情况", True),
    (
        "截至2024年12月31日，项目资金到位200万元，全年累计支出1,968,400.00元，占预算的98.42%，"
        "其中：保洁服务费1,520,000.00元，维修材料费448,400.00元。",
        False,
    ),
    ("三、绩效自评结论", True),
    ("1.保洁覆盖率，年初目标值=100%，实际完成值=100%，自评得分30分；", False),
    ("2.设施完好率，年初目标值≥95%，实际完成值96%，自评得分30分；", False),
    ("3.群众满意度，年初目标值≥90%，实际完成值92%，自评得分28分；", False),
    ("经综合评价，本项目综合得分为97.5分，自评等级为“优”。", False),
    ("四、存在的问题", True),
    ("部分公厕设施老化，维修资金偏紧。", False),
]


def _txt(folder: Path) -> Path:
    path = folder / "报告.txt"
    path.write_text("\n".join([TITLE, *(t for t, _ in PARAGRAPHS)]) + "\n", encoding="utf-8")
    return path


def _docx(folder: Path) -> Path:
    document = docx.Document()
    document.add_heading(TITLE, level=0)
    for text, heading in PARAGRAPHS:
        if heading:
            document.add_heading(text, level=1)
        else:
            document.add_paragraph(text)
    path = folder / "报告.docx"
    document.save(str(path))
    return path


def _html(folder: Path) -> Path:
    body = "".join(f"<h2>{escape(t)}</h2>" if h else f"<p>{escape(t)}</p>" for t, h in PARAGRAPHS)
    page = (
        '<html><head><meta charset="utf-8"><title>公示</title></head><body>'
        '<div class="nav"><a href="/">首页</a> &gt; 政务公开</div>'
        f"<h1>{escape(TITLE)}</h1>{body}<div class='footer'>版权所有 某区人民政府</div></body></html>"
    )
    path = folder / "报告.html"
    path.write_text(page, encoding="utf-8")
    return path


def _pdf(folder: Path) -> Path:
    return to_pdf(_docx(folder), folder / "pdf")


@pytest.fixture(scope="module", params=["txt", "docx", "html", "pdf"])
def report(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Evaluation:
    folder = tmp_path_factory.mktemp(request.param)
    make = {"txt": _txt, "docx": _docx, "html": _html, "pdf": _pdf}[request.param]
    return extract_file(make(folder))


def test_budget_sentences(report: Evaluation) -> None:
    b = report.budget
    assert b.initial_yuan == Decimal("1850000.00")
    # 年初 1,850,000.00元 + 追加 15万元 in one sentence: the year's budget is their sum
    assert b.planned_yuan == Decimal("2000000.00")
    assert b.received_yuan == Decimal(2000000)
    assert b.executed_yuan == Decimal("1968400.00")  # not a 其中 part
    assert b.stated_rate == Decimal("0.9842")
    assert "BUDGET_RATE_MISMATCH" not in {f.code for f in report.findings}


def test_score_grade_and_items(report: Evaluation) -> None:
    assert report.kind is Kind.PROJECT
    assert report.claimed.total == Decimal("97.5")  # not an item's 自评得分
    assert report.claimed.grade == "优"
    assert [i.claimed_score for i in report.indicators] == [30, 30, 28]
    assert "绩效自评结论" in report.provenance["claimed.total"]  # where a reviewer finds it
    assert report.problems and "老化" in report.problems
