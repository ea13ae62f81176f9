"""The admin's unit fixes and the users sheet in the web (like ``jixiao unit rename/merge`` and
``jixiao user import``), on SQLite and PostgreSQL: rename and merge audited in each project's
history, a merge refused in Chinese naming the conflict, the whole sheet checked first with every
problem listed by row and nothing imported; every form needs the CSRF token and an admin."""

from __future__ import annotations

import io
from collections.abc import Callable

from fastapi import FastAPI
from openpyxl import Workbook
from sqlalchemy import select

from builders import evaluation
from builders import row
from jixiao.core.engine import evaluate
from jixiao.core.model import Project
from jixiao.schemes import load_scheme
from jixiao.storage.schema import AuditRow
from jixiao.storage.store import DocumentInfo
from jixiao.storage.store import Store
from web.conftest import PASSWORD
from web.conftest import UNIT_A
from web.conftest import UNIT_B
from web.conftest import Client
from web.conftest import login

ClientFactory = Callable[[str], Client]
HEAD = ["用户名", "显示名称", "角色", "单位", "密码"]


def _save(app: FastAPI, unit: str, project: str, n: int) -> None:
    ev = evaluation(row("≥10个", "10个", weight=50, claimed=50), planned=100, executed=100, total="60")
    ev = evaluate(
        ev.model_copy(update={"project": Project(name=project, year=2024, unit=unit)}),
        load_scheme("mof-2020"),
    )
    info = DocumentInfo(
        sha256=f"{n:064x}", name=f"{project}.docx", path=f"/x/{n}.docx", format="docx", size=10
    )
    Store(app.state.web.db).save(ev, info)


def _unit_id(app: FastAPI, name: str) -> int:
    found = app.state.web.accounts.unit_id(name)
    assert found is not None
    return int(found)


def _units(app: FastAPI) -> list[str]:
    return sorted(u.name for u in app.state.web.accounts.units())


def _audit(app: FastAPI) -> list[tuple[str, str, str, str]]:
    with app.state.web.db.sessions() as s:
        rows = s.execute(select(AuditRow.action, AuditRow.old, AuditRow.new, AuditRow.actor)).all()
    return [tuple(r) for r in rows if r[0].startswith("unit_")]


def _sheet(rows: list[list[str]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_rename_a_unit_from_the_page(web_app: FastAPI, client: ClientFactory) -> None:
    _save(web_app, UNIT_A, "学生资助", 1)
    admin = client("admin")
    page = admin.get("/admin/users").text
    assert f'action="/admin/units/{_unit_id(web_app, UNIT_A)}/rename"' in page and "合并单位" in page
    unit_id = _unit_id(web_app, UNIT_A)
    done = admin.post(
        f"/admin/units/{unit_id}/rename",
        data={"csrf_token": admin.csrf, "name": "某市教育体育局"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert (
        f"已将单位“{UNIT_A}”改名为“某市教育体育局”（1 个项目的修改记录已记下）"
        in admin.get("/admin/users").text
    )
    assert "某市教育体育局" in _units(web_app) and UNIT_A not in _units(web_app)
    assert ("unit_rename", UNIT_A, "某市教育体育局", "admin") in _audit(web_app)
    taken = admin.post(f"/admin/units/{unit_id}/rename", data={"csrf_token": admin.csrf, "name": UNIT_B})
    assert taken.status_code == 400
    assert f"未改名：已有名为“{UNIT_B}”的单位" in taken.text
    no_token = admin.post(f"/admin/units/{unit_id}/rename", data={"name": "别的名字"}, follow_redirects=False)
    assert no_token.status_code == 403
    assert "别的名字" not in _units(web_app)


def test_merge_two_units_and_the_conflict_refused_in_chinese(web_app: FastAPI, client: ClientFactory) -> None:
    _save(web_app, UNIT_A, "社区建设", 1)
    _save(web_app, UNIT_B, "社区建设", 2)
    admin = client("admin")
    a, b = _unit_id(web_app, UNIT_A), _unit_id(web_app, UNIT_B)
    refused = admin.post(
        "/admin/units/merge", data={"csrf_token": admin.csrf, "source_id": str(a), "target_id": str(b)}
    )
    assert refused.status_code == 400
    assert "未合并：两个单位都有同名项目：社区建设" in refused.text
    assert UNIT_A in _units(web_app) and UNIT_B in _units(web_app)
    itself = admin.post(
        "/admin/units/merge", data={"csrf_token": admin.csrf, "source_id": str(a), "target_id": str(a)}
    )
    assert itself.status_code == 400 and "不能把一个单位合并到它自己" in itself.text
    _save(web_app, "花山街道（旧）", "文体活动", 3)
    old = _unit_id(web_app, "花山街道（旧）")
    done = admin.post(
        "/admin/units/merge",
        data={"csrf_token": admin.csrf, "source_id": str(old), "target_id": str(b)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert f"已将单位“花山街道（旧）”并入“{UNIT_B}”" in admin.get("/admin/users").text
    assert "花山街道（旧）" not in _units(web_app)
    assert ("unit_merge", "花山街道（旧）", UNIT_B, "admin") in _audit(web_app)
    unit_b = client("unit_b")  # the target's users now see the merged unit's evaluation
    assert "文体活动" in unit_b.get("/evaluations").text


def test_only_an_admin_renames_or_merges(web_app: FastAPI, client: ClientFactory) -> None:
    reviewer = client("reviewer")
    a = _unit_id(web_app, UNIT_A)
    assert (
        reviewer.post(f"/admin/units/{a}/rename", data={"csrf_token": reviewer.csrf, "name": "x"}).status_code
        == 403
    )
    assert UNIT_A in _units(web_app)


def test_import_checks_the_whole_sheet_first_then_imports(web_app: FastAPI, client: ClientFactory) -> None:
    admin = client("admin")
    bad = _sheet(
        [
            HEAD,
            ["edu01", "教育局填报员", "单位用户", UNIT_A, PASSWORD],
            ["zhang", "张审核", "局长", "", PASSWORD],
            ["edu01", "重复", "单位用户", UNIT_A, ""],
            ["wen01", "", "单位用户", "", "12345678"],
            ["wen02", "", "单位用户", "某市文化旅游", ""],
        ]
    )
    refused = admin.post(
        "/admin/import",
        data={"csrf_token": admin.csrf},
        files={
            "file": ("用户.xlsx", bad, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        },
    )
    assert refused.status_code == 400
    for expected in (
        "未导入任何用户",
        "用户.xlsx 第3行：角色“局长”无效",
        "用户.xlsx 第4行：用户名“edu01”在表中重复",
        "用户.xlsx 第5行：单位用户须写所属单位",
        f"用户.xlsx 第6行：库中没有名为“某市文化旅游”的单位。最接近的有：{UNIT_B}",
    ):
        assert expected in refused.text, expected
    assert refused.text.count("<li>") >= 4  # one line per problem
    assert web_app.state.web.accounts.by_username("edu01") is None  # nothing imported
    good = _sheet(
        [
            HEAD,
            ["edu01", "教育局填报员", "单位用户", UNIT_A, PASSWORD],
            ["zhang", "张审核", "审核人员", "", ""],
        ]
    )
    done = admin.post("/admin/import", data={"csrf_token": admin.csrf}, files={"file": ("用户.xlsx", good)})
    assert done.status_code == 201
    assert "已导入 2 个用户" in done.text and "初始密码" in done.text
    assert login(web_app, "edu01", PASSWORD).get("/api/me").json()["unit_name"] == UNIT_A
    again = admin.post("/admin/import", data={"csrf_token": admin.csrf}, files={"file": ("用户.xlsx", good)})
    assert again.status_code == 400 and "用户.xlsx 第2行：用户名“edu01”已存在" in again.text
    new_unit = _sheet([HEAD, ["hs01", "", "单位用户", "花山街道办事处", PASSWORD]])
    refused_unit = admin.post(
        "/admin/import", data={"csrf_token": admin.csrf}, files={"file": ("u.xlsx", new_unit)}
    )
    assert refused_unit.status_code == 400 and "勾选“新建表中的单位”" in refused_unit.text
    made = admin.post(
        "/admin/import",
        data={"csrf_token": admin.csrf, "create_units": "1"},
        files={"file": ("u.xlsx", new_unit)},
    )
    assert made.status_code == 201 and "花山街道办事处" in _units(web_app)


def test_import_refuses_a_file_that_is_not_a_workbook_and_needs_the_token(
    web_app: FastAPI, client: ClientFactory
) -> None:
    admin = client("admin")
    junk = admin.post(
        "/admin/import", data={"csrf_token": admin.csrf}, files={"file": ("名单.xlsx", b"not a zip")}
    )
    assert junk.status_code == 400 and "名单.xlsx：无法作为 .xlsx 工作簿打开" in junk.text
    sheet = _sheet([HEAD, ["x01", "", "审核人员", "", PASSWORD]])
    no_token = admin.post("/admin/import", files={"file": ("u.xlsx", sheet)}, follow_redirects=False)
    assert no_token.status_code == 403
    assert web_app.state.web.accounts.by_username("x01") is None
