"""Downloads of one evaluation: the original file, the 自评表/自评报告 exports and the review
report — their bytes, types and names, the access check, and the file-system guards."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import docx
import openpyxl
import pytest
from fastapi import FastAPI

from jixiao.core.model import SchemeRef
from jixiao.export.errors import ExportError
from jixiao.services import scheme_for
from jixiao.storage.store import DocumentInfo
from jixiao.web.downloads import content_disposition
from jixiao.web.downloads import document_name
from jixiao.web.downloads import export_bytes
from jixiao.web.downloads import original_path
from jixiao.web.downloads import parse_kind
from jixiao.web.downloads import safe_filename
from web.conftest import UNIT_A
from web.conftest import Client
from web.test_evaluations import COMMUNITY
from web.test_evaluations import SOCIAL
from web.test_evaluations import extracted
from web.test_evaluations import put

ClientFor = Callable[[str], Client]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROJECT = "社会保障专项"


@pytest.fixture
def social(web_app: FastAPI) -> int:
    """社会保障专项 of unit A, stored with its original under a Chinese file name."""
    return put(web_app, SOCIAL, UNIT_A, name="花山街道社会保障专项自评.txt")


def _cells(content: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)


def _docx_text(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


# -- pure helpers --------------------------------------------------------------------------------


def test_safe_filename_keeps_only_a_name() -> None:
    assert safe_filename("../../etc/passwd", "x") == "passwd"
    assert safe_filename("C:\\Users\\a\\自评.docx", "x") == "自评.docx"
    assert safe_filename('a"b\r\nc<d>.xlsx', "x") == "a_b_c_d_.xlsx"
    assert safe_filename("..", "default.bin") == "default.bin"
    assert safe_filename("", "default.bin") == "default.bin"
    assert safe_filename(None, "default.bin") == "default.bin"
    long = safe_filename("长" * 300 + ".docx", "x")
    assert len(long) <= 120
    assert long.endswith(".docx")


def test_content_disposition_is_rfc_5987() -> None:
    value = content_disposition("社会保障专项_自评表.xlsx", "evaluation-1-table.xlsx")
    assert value == (
        "attachment; filename=\"evaluation-1-table.xlsx\"; filename*=UTF-8''"
        + quote("社会保障专项_自评表.xlsx", safe="")
    )
    assert content_disposition("a.html", "a.html", inline=True).startswith("inline; ")
    injected = content_disposition('x"; filename="evil.exe', "f.txt")
    assert '"evil.exe' not in injected
    assert "\r" not in content_disposition("a\r\nSet-Cookie: x", "f.txt")


def test_original_path_stays_inside_the_archive(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "documents" / "ab").mkdir(parents=True)
    kept = data / "documents" / "ab" / "abc.txt"
    kept.write_text("x")
    (data / "jixiao.db").write_text("secret")
    (tmp_path / "outside.txt").write_text("secret")
    os.symlink(tmp_path / "outside.txt", data / "documents" / "ab" / "link.txt")
    assert original_path(data, "documents/ab/abc.txt") == kept.resolve()
    for bad in (
        None,
        "",
        "jixiao.db",
        "documents/../jixiao.db",
        "../outside.txt",
        str(tmp_path / "outside.txt"),
        "documents/ab/link.txt",
        "documents/ab",
        "documents/ab/missing.txt",
    ):
        assert original_path(data, bad) is None, bad


def test_kinds_and_names() -> None:
    assert parse_kind("table", "xlsx") == ("table", ".xlsx")
    assert parse_kind("report", "PDF") == ("report", ".pdf")
    assert parse_kind("report", "xlsx") is None
    assert parse_kind("../x", "pdf") is None
    assert document_name("社会保障专项", "自评表", ".xlsx") == "社会保障专项_自评表.xlsx"
    assert document_name("a/b", "自评报告", ".docx") == "b_自评报告.docx"
    assert (
        document_name("社会保障专项", "自评表", ".xlsx", unit="花山街道办事处", year=2020)
        == "花山街道办事处_2020_社会保障专项_自评表.xlsx"
    )
    assert (
        document_name("a  b/c", "复核报告", ".html", unit='x:"y"', year=2021, version=3)
        == "x_y_2021_c_第3版_复核报告.html"
    )
    assert document_name(None, "自评表", ".pdf", unit="单位") == "单位_评价_自评表.pdf"


def test_three_hundred_downloads_never_share_a_name() -> None:
    """300 evaluations (10 units × 3 years × 10 projects, some names shared across units and
    years, two of them resubmitted) give 300 different file names for each document."""
    names = {
        document_name(
            f"专项{p % 10}", "自评表", ".xlsx", unit=f"单位{u}", year=2020 + y, version=1 + (p == 0 and u < 2)
        )
        for u in range(10)
        for y in range(3)
        for p in range(10)
    }
    assert len(names) == 300


def test_unknown_scheme_is_refused_not_replaced_by_the_default() -> None:
    ev = extracted(COMMUNITY).model_copy(update={"scheme": SchemeRef(id="no-such-scheme")})
    with pytest.raises(ExportError, match="no-such-scheme"):
        export_bytes(ev, "table", ".xlsx")
    assert scheme_for(extracted(COMMUNITY)).id == "hubei-2019"


# -- through the app -----------------------------------------------------------------------------


def test_original_is_the_archived_file_under_its_name(client: ClientFor, social: int) -> None:
    response = client("unit_a").get(f"/evaluations/{social}/original")
    assert response.status_code == 200
    assert response.content == SOCIAL.read_bytes()
    assert response.headers["content-type"].startswith("text/plain")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''" + quote("花山街道社会保障专项自评.txt", safe="") in disposition
    assert f'filename="evaluation-{social}-original.txt"' in disposition


def test_no_original_is_a_chinese_404(client: ClientFor, web_app: FastAPI) -> None:
    typed = put(web_app, COMMUNITY, UNIT_A, archive=False)
    response = client("unit_a").get(f"/evaluations/{typed}/original")
    assert response.status_code == 404
    assert "没有可下载的原始文件" in response.text


def test_a_stored_path_outside_the_archive_is_never_served(client: ClientFor, web_app: FastAPI) -> None:
    state = web_app.state.web
    ev = extracted(COMMUNITY).model_copy(
        update={"project": extracted(COMMUNITY).project.model_copy(update={"unit": UNIT_A})}
    )
    document = DocumentInfo("f" * 64, "x.db", "x.db", "db", 1, stored="documents/../../data/jixiao.db")
    stored = state.store.save(ev, document)
    assert stored.evaluation_id is not None
    response = client("admin").get(f"/evaluations/{stored.evaluation_id}/original")
    assert response.status_code == 404


def test_table_exports(client: ClientFor, social: int) -> None:
    unit_a = client("unit_a")
    xlsx = unit_a.get(f"/evaluations/{social}/export/table.xlsx")
    assert xlsx.status_code == 200, xlsx.text
    assert xlsx.headers["content-type"] == XLSX
    assert quote(f"{PROJECT}_自评表.xlsx", safe="") in xlsx.headers["content-disposition"]
    # the unit and the year come first, so 300 downloads into one folder never collide
    assert re.search(
        "filename\\*=UTF-8''" + re.escape(quote(UNIT_A + "_", safe="")) + r"%?[0-9]{4}_",
        xlsx.headers["content-disposition"],
    ), xlsx.headers["content-disposition"]
    cells = _cells(xlsx.content)
    assert PROJECT in cells
    assert "青少年活动参与人数" in cells
    word = unit_a.get(f"/evaluations/{social}/export/table.docx")
    assert word.headers["content-type"] == DOCX
    assert "青少年活动参与人数" in _docx_text(word.content)


def test_report_export_is_a_draft_report(client: ClientFor, social: int) -> None:
    report = client("reviewer").get(f"/evaluations/{social}/export/report.docx")
    assert report.status_code == 200
    assert report.headers["content-type"] == DOCX
    assert quote(f"{PROJECT}_自评报告.docx", safe="") in report.headers["content-disposition"]
    text = _docx_text(report.content)
    assert PROJECT in text
    assert "全年预算数24,409,100.00元" in text  # the numbers come from the evaluation
    assert "97.67" in text  # and the recomputed total is called out


def test_pdf_export(client: ClientFor, social: int) -> None:
    pdf = client("unit_a").get(f"/evaluations/{social}/export/table.pdf")
    assert pdf.status_code == 200, pdf.text
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_pdf_failure_is_a_chinese_error_page(
    client: ClientFor, social: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("jixiao.office.soffice", lambda: None)  # as if LibreOffice were missing
    response = client("unit_a").get(f"/evaluations/{social}/export/report.pdf")
    assert response.status_code == 503
    assert "文档未能生成" in response.text
    assert "LibreOffice" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_unknown_formats_are_404(client: ClientFor, social: int) -> None:
    unit_a = client("unit_a")
    for url in ("export/report.xlsx", "export/table.txt", "export/summary.pdf", "review.pdf", "review.docx"):
        assert unit_a.get(f"/evaluations/{social}/{url}").status_code == 404, url


def test_review_report(client: ClientFor, social: int) -> None:
    reviewer = client("reviewer")
    xlsx = reviewer.get(f"/evaluations/{social}/review.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"] == XLSX
    assert quote(f"{PROJECT}_复核报告.xlsx", safe="") in xlsx.headers["content-disposition"]
    cells = _cells(xlsx.content)
    assert PROJECT in cells
    assert "指标得分不符合计分规则" in cells and "SCORE_MISMATCH" not in cells  # wording: the Chinese name
    page = reviewer.get(f"/evaluations/{social}/review.html")
    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-disposition"].startswith("inline; ")
    assert PROJECT in page.text
    assert "FULL_SCORE_TARGET_MISSED" in page.text


def test_downloads_of_another_unit_are_404(client: ClientFor, social: int) -> None:
    unit_b = client("unit_b")
    for url in (
        "original",
        "export/table.xlsx",
        "export/table.pdf",
        "export/report.docx",
        "review.xlsx",
        "review.html",
    ):
        response = unit_b.get(f"/evaluations/{social}/{url}")
        assert response.status_code == 404, url
        assert PROJECT not in response.text


def test_the_print_button_prints_the_table_in_landscape(client: ClientFor, social: int) -> None:
    """The evaluation page's 打印 opens the 自评表's PDF in the browser (inline), A4 landscape,
    holding the form — not the web page; another unit cannot print it."""
    import pdfplumber

    unit_a = client("unit_a")
    page = unit_a.get(f"/evaluations/{social}").text
    assert f'href="/evaluations/{social}/print"' in page and "打印自评表" in page
    printed = unit_a.get(f"/evaluations/{social}/print")
    assert printed.status_code == 200, printed.text[:300]
    assert printed.headers["content-type"] == "application/pdf"
    assert printed.headers["content-disposition"].startswith("inline;")
    with pdfplumber.open(io.BytesIO(printed.content)) as doc:
        assert all(p.width > p.height for p in doc.pages)  # landscape
        first = doc.pages[0].extract_text() or ""
    assert "绩效自评表" in first.replace(" ", "") and PROJECT in first.replace(" ", "")
    assert client("unit_b").get(f"/evaluations/{social}/print").status_code == 404
