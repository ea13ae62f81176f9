"""The evaluation page says whether it is a project's or a department's whole spending."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from jixiao.core.model import Kind
from web.conftest import UNIT_A
from web.test_evaluations import COMMUNITY
from web.test_evaluations import ClientFor
from web.test_evaluations import extracted
from web.test_evaluations import put

DEPARTMENT = Path(__file__).resolve().parents[1] / "data" / "real" / "real_19.txt"


def test_page_names_the_kind(client: ClientFor, web_app: FastAPI) -> None:
    assert extracted(DEPARTMENT).kind is Kind.DEPARTMENT
    department = put(web_app, DEPARTMENT, UNIT_A, project="部门整体支出")
    project = put(web_app, COMMUNITY, UNIT_A)
    page = client("admin").get(f"/evaluations/{department}").text
    assert "<dt>评价对象</dt><dd>部门整体支出</dd>" in page
    page = client("admin").get(f"/evaluations/{project}").text
    assert "<dt>评价对象</dt><dd>项目支出</dd>" in page
