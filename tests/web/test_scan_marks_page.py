"""The evaluation page of a scan shows the OCR confidence and page of each row's figures and
marks the unsure ones; a page of a file that is no scan shows none of it (issue 14)."""

from __future__ import annotations

from decimal import Decimal

from fastapi import FastAPI

from jixiao.core.model import Evaluation
from jixiao.core.model import ScanMark
from web.conftest import UNIT_A
from web.test_evaluations import COMMUNITY
from web.test_evaluations import ClientFor
from web.test_evaluations import extracted


def mark(confidence: str, page: int = 1) -> ScanMark:
    return ScanMark(
        page=page, box=(1200, 640, 1320, 690), width=2480, height=3508, confidence=Decimal(confidence)
    )


def scanned() -> Evaluation:
    ev = extracted(COMMUNITY)
    ev = ev.model_copy(update={"project": ev.project.model_copy(update={"unit": UNIT_A})})
    marks = {
        "claimed.total": mark("0.97", 2),
        "budget.planned_yuan": mark("0.99"),
        "indicators.0.target": mark("0.93"),
        "indicators.0.actual": mark("0.98"),
        "indicators.0.weight": mark("1"),
        "indicators.0.claimed_score": mark("0.99"),
        "indicators.1.claimed_score": mark("0.84"),
    }
    return ev.model_copy(update={"scanned": marks})


def test_a_scans_page_shows_confidence_and_page_and_marks_the_unsure(
    client: ClientFor, web_app: FastAPI
) -> None:
    ev = scanned()
    saved = web_app.state.web.store.save(ev, None)
    evaluation_id = int(saved.evaluation_id)
    # the database keeps the marks exactly (SQLite and PostgreSQL)
    kept = web_app.state.web.store.get(evaluation_id)
    assert kept is not None and kept.scanned == ev.scanned
    page = client("admin").get(f"/evaluations/{evaluation_id}").text
    assert "本表由扫描件识别（OCR）读取" in page
    # row 1: the least sure of its figures, with its page, the box on hover
    assert ">识别置信度 0.93，第1页</small>" in page
    assert 'title="图像框 1200,640–1320,690（页面 2480×3508 像素）"' in page
    # row 2: a score read at 0.84 is marked, in words and on its cell
    assert "识别置信度 0.84，第1页（偏低，请核对原件）" in page
    row = page.split('id="ind-1"', 1)[1].split("</tr>", 1)[0]
    assert 'class="num ocr-low"' in row
    assert "ocr-low" not in page.split('id="ind-0"', 1)[1].split("</tr>", 1)[0]
    # the total and the budget carry theirs
    assert "识别置信度 0.97，第2页" in page
    assert '<th scope="col">扫描件识别</th>' in page and "识别置信度 0.99，第1页" in page


def test_a_page_of_a_file_that_is_no_scan_says_nothing_of_ocr(client: ClientFor, web_app: FastAPI) -> None:
    ev = extracted(COMMUNITY)
    assert ev.scanned == {}
    ev = ev.model_copy(update={"project": ev.project.model_copy(update={"unit": UNIT_A})})
    evaluation_id = int(web_app.state.web.store.save(ev, None).evaluation_id)
    page = client("admin").get(f"/evaluations/{evaluation_id}").text
    assert "识别置信度" not in page and "扫描件识别" not in page and "ocr-low" not in page
