"""The 复核意见书 (xlsx, docx, pdf) read back: status, 意见, 审核人, totals, 核定得分 with 扣分原因."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from docx import Document
from openpyxl import load_workbook

from jixiao.core.model import Evaluation
from jixiao.core.review import Decision
from jixiao.core.review import reviewer_totals
from jixiao.export.opinion import Opinion
from jixiao.export.opinion import opinion_bytes
from jixiao.services import extract
from jixiao.services import scheme_for

SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"
D = Decimal


@pytest.fixture(scope="module")
def opinion() -> Opinion:
    (ev,) = extract(next(SEEDS.glob("002_*.txt")))
    assert isinstance(ev, Evaluation)
    scheme = scheme_for(ev)
    t = reviewer_totals(ev, {1: Decision(1, D(6), "未提供治安防范的佐证材料", "请补充台账")}, scheme)
    return Opinion(
        project="=社区建设项目",  # a name that looks like a formula stays text
        unit="某街道办事处",
        year=2019,
        number="2019-0042",
        version=2,
        scheme=scheme.name,
        status="退回修改",
        comment="请补充第2行的佐证材料后重新提交",
        reviewer="复核员甲（r1）",
        reviewed_on="2026年12月6日",
        claimed_total=ev.claimed.total,
        claimed_grade=ev.claimed.grade,
        computed_total=ev.computed.total,
        computed_grade=ev.computed.grade,
        decided_total=t.total,
        decided_grade=t.grade,
        decided_explanation=t.explanation,
        decided_weight=t.decided_weight,
        verified_weight=t.verified_weight,
        carried_weight=t.carried_weight,
        rows=t.rows,
        levels=tuple((i.level1, i.level2) for i in ev.indicators),
        findings=ev.findings,
        issued_on="2026年12月7日",
    )


def _has_all(text: str) -> None:
    for expected in (
        "复核意见书",
        "退回修改",
        "请补充第2行的佐证材料后重新提交",
        "复核员甲（r1）",
        "2026年12月6日",
        "2019-0042（第 2 版）",
        "未提供治安防范的佐证材料",
        "请补充台账",
        "核定总分 = 预算执行20.00 + 指标得分73.00 = 93.00",
        "指标权重共80分：核定10分，规则核验10分，沿用自评（未经核验）60分",
    ):
        assert expected in text, expected


def test_workbook(opinion: Opinion) -> None:
    ws = load_workbook(io.BytesIO(opinion_bytes(opinion, ".xlsx"))).active
    assert ws is not None
    cells = {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
    _has_all("\n".join(str(v) for v in cells.values()))
    assert ws["A1"].value == "=社区建设项目 复核意见书" and ws["A1"].data_type == "s"
    rows = {
        r[0].value: [c.value for c in r]
        for r in ws.iter_rows()
        if r[0].value in ("自评得分", "复核得分", "核定得分")
    }
    assert rows["自评得分"][1:3] == [97, "—"]  # the seed states no grade of its own
    assert rows["复核得分"][1:3] == [97, "优"]
    assert rows["核定得分"][1:3] == [93, "优"]
    head = next(r for r in ws.iter_rows(values_only=True) if r[0] == "序号")
    assert head[5:10] == ("自评得分", "复核得分", "核定得分", "计入", "扣分原因")
    second = next(r for r in ws.iter_rows(values_only=True) if r[0] == 2)
    assert second[3:10] == ("加强治安防范", 10, 10, None, 6, "核定", "未提供治安防范的佐证材料")
    first = next(r for r in ws.iter_rows(values_only=True) if r[0] == 1)
    assert first[6:9] == (10, None, "规则核验")
    third = next(r for r in ws.iter_rows(values_only=True) if r[0] == 3)
    assert third[8] == "沿用自评"


def test_word_document(opinion: Opinion) -> None:
    doc = Document(io.BytesIO(opinion_bytes(opinion, ".docx")))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    _has_all(text + "\n" + cells)
    rows = doc.tables[1].rows
    assert [c.text for c in rows[2].cells][3:10] == [
        "加强治安防范",
        "10.00",
        "10.00",
        "—",
        "6.00",
        "核定",
        "未提供治安防范的佐证材料",
    ]
    assert [c.text for c in doc.tables[0].rows[3].cells] == ["核定得分", "93.00", "优"]


def test_pdf(opinion: Opinion) -> None:
    with pdfplumber.open(io.BytesIO(opinion_bytes(opinion, ".pdf"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    compact = "".join(text.split())
    for expected in (
        "复核意见书",
        "退回修改",
        "复核员甲（r1）",
        "核定总分",
        "93.00",
        "未提供治安防范的佐证材料",
        "自评得分",
        "核定得分",
        "扣分原因",
    ):
        assert "".join(expected.split()) in compact, expected
