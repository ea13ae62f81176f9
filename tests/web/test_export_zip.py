"""``GET /evaluations/export.zip``: the 自评表 of many evaluations as one .zip — its member
names, the documents in it, the list's filter, and a unit that cannot fetch another unit's."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import openpyxl
import pdfplumber
from fastapi import FastAPI

from web.conftest import UNIT_A
from web.conftest import UNIT_B
from web.conftest import Client
from web.test_evaluations import COMMUNITY
from web.test_evaluations import SOCIAL
from web.test_evaluations import put

ClientFor = Callable[[str], Client]


def _members(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _stored(app: FastAPI) -> tuple[int, int, int]:
    a1 = put(app, SOCIAL, UNIT_A, year=2020)
    a2 = put(app, COMMUNITY, UNIT_A, year=2018)
    b1 = put(app, SOCIAL, UNIT_B, year=2020)
    return a1, a2, b1


def test_a_unit_downloads_its_own_evaluations_as_pdfs(web_app: FastAPI, client: ClientFor) -> None:
    _stored(web_app)
    got = client("unit_a").get("/evaluations/export.zip")
    assert got.status_code == 200, got.text[:300]
    assert got.headers["content-type"] == "application/zip"
    members = _members(got.content)
    assert sorted(members) == [
        f"{UNIT_A}_2018_基层政权和社区建设_自评表.pdf",
        f"{UNIT_A}_2020_社会保障专项_自评表.pdf",
    ]
    with pdfplumber.open(io.BytesIO(members[f"{UNIT_A}_2020_社会保障专项_自评表.pdf"])) as pdf:
        text = (pdf.pages[0].extract_text() or "").replace(" ", "")
    assert "社会保障专项" in text and UNIT_A in text
    # The list's filter narrows it; a unit's own filter cannot reach another unit.
    only_2018 = _members(client("unit_a").get("/evaluations/export.zip?year=2018&fmt=xlsx").content)
    assert list(only_2018) == [f"{UNIT_A}_2018_基层政权和社区建设_自评表.xlsx"]
    book = openpyxl.load_workbook(io.BytesIO(only_2018[f"{UNIT_A}_2018_基层政权和社区建设_自评表.xlsx"]))
    assert book.active["A1"].value == "2018年度基层政权和社区建设项目绩效自评表"


def test_a_unit_cannot_fetch_another_units_evaluations(web_app: FastAPI, client: ClientFor) -> None:
    a1, _, b1 = _stored(web_app)
    unit_b = client("unit_b")
    assert unit_b.get(f"/evaluations/export.zip?ids={a1}&fmt=docx").status_code == 404
    assert unit_b.get(f"/evaluations/export.zip?ids={b1}&ids={a1}&fmt=docx").status_code == 404
    # A unit filter in the query is ignored for a unit user: only their own, whichever unit asked.
    mine = _members(unit_b.get("/evaluations/export.zip?unit=1&fmt=docx").content)
    assert list(mine) == [f"{UNIT_B}_2020_社会保障专项_自评表.docx"]


def test_the_chosen_evaluations_and_their_distinct_names(web_app: FastAPI, client: ClientFor) -> None:
    a1, a2, b1 = _stored(web_app)
    again = put(web_app, SOCIAL, UNIT_A, year=2020, project="社会保障专项")  # the same names
    reviewer = client("reviewer")
    got = reviewer.get(f"/evaluations/export.zip?ids={a1}&ids={b1}&ids={again}&kind=report&fmt=docx")
    assert got.status_code == 200
    names = list(_members(got.content))
    assert len(names) == 3
    assert f"{UNIT_B}_2020_社会保障专项_自评报告.docx" in names
    assert len({n.casefold() for n in names}) == 3  # never two members of one name
    assert all(n.endswith("_自评报告.docx") for n in names)
    assert reviewer.get(f"/evaluations/export.zip?ids={a2}&kind=report&fmt=xlsx").status_code == 400


def test_the_list_offers_the_zip(web_app: FastAPI, client: ClientFor) -> None:
    _stored(web_app)
    page = client("reviewer").get("/evaluations?year=2020").text
    assert 'href="/evaluations/export.zip?year=2020"' in page
    assert "下载自评表 PDF（当前筛选，.zip）" in page
