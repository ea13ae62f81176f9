"""Uploading submitted files (the page, the plain form and /api/uploads), on both backends."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from jixiao.core.model import Evaluation
from jixiao.errors import JixiaoError
from jixiao.intake.pipeline import extract_file
from jixiao.portfolio import executors
from jixiao.web.state import WebState
from jixiao.web.uploads import display_name
from web.conftest import UNIT_A
from web.conftest import Client

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "tests/data/seeds").glob("*.txt"))
FORMATS = [
    ROOT / "tests/data/formats" / name
    for name in ("002_report.docx", "004_table.xlsx", "002_report.pdf", "002_report.doc", "004_table.xls")
]
SEED_002 = ROOT / "tests/data/seeds/002_d2da961157e41a94.txt"  # 武汉市硚口区人民政府宝丰街办事处, 2018

People = Callable[[str], Client]


def state(app: FastAPI) -> WebState:
    web: WebState = app.state.web
    return web


def upload(
    who: Client,
    path: Path,
    *,
    name: str | None = None,
    year: str | None = None,
    content: bytes | None = None,
) -> dict[str, object]:
    response = who.post(
        "/api/uploads",
        files={"file": (name or path.name, content if content is not None else path.read_bytes())},
        data={"year": year} if year is not None else {},
        headers={"X-CSRF-Token": who.csrf},
    )
    body: dict[str, object] = response.json()
    body["http"] = response.status_code
    return body


def stored(app: FastAPI, evaluation_id: object) -> Evaluation:
    assert isinstance(evaluation_id, int)
    ev = state(app).store.get(evaluation_id)
    assert ev is not None
    return ev


def findings(ev: Evaluation) -> list[dict[str, object]]:
    return [f.model_dump() for f in ev.findings]


def leftovers(app: FastAPI) -> list[Path]:
    """Temporary files still under data_dir/uploads (there should be none after a request)."""
    directory = state(app).data_dir / "uploads"
    return sorted(directory.iterdir()) if directory.exists() else []


# -- the page ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admin", "reviewer", "unit_a"])
def test_the_upload_page(client: People, who: str) -> None:
    page = client(who).get("/upload")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert "webkitdirectory" in page.text
    assert 'id="dropzone"' in page.text
    assert 'name="csrf_token"' in page.text
    assert '<script src="/static/upload.js" defer></script>' in page.text
    data = client(who).get("/upload?format=json").json()
    assert ".docx" in data["suffixes"]
    assert data["max_file_bytes"] == 100 * 1024 * 1024
    assert data["unit"] == (UNIT_A if who == "unit_a" else None)


# -- what is read and stored -----------------------------------------------------------------------


def test_seeds_uploaded_through_the_plain_form_give_what_extraction_gives(
    web_app: FastAPI, client: People
) -> None:
    reviewer = client("reviewer")
    page = reviewer.post(
        "/upload",
        data={"csrf_token": reviewer.csrf, "year": ""},
        files=[("files", (p.name, p.read_bytes())) for p in SEEDS],
    )
    assert page.status_code == 200, page.text
    assert f"共 {len(SEEDS)} 个文件：完成 {len(SEEDS)} 个，无法读取 0 个" in page.text
    ids = [int(i) for i in re.findall(r'<a href="/evaluations/(\d+)">', page.text)]
    assert len(ids) == len(SEEDS)
    for path, evaluation_id in zip(SEEDS, ids, strict=True):
        expected = extract_file(path)
        got = stored(web_app, evaluation_id)
        assert findings(got) == findings(expected), path.name
        assert got.computed == expected.computed
        assert got.source is not None
        assert (got.source.path, got.source.sha256) == (
            path.name,
            expected.source.sha256 if expected.source else None,
        )
        meta = state(web_app).workflow.meta(evaluation_id)
        assert meta is not None and meta.original is not None
        assert meta.original.name == path.name
        assert (state(web_app).data_dir / str(meta.original.stored)).read_bytes() == path.read_bytes()
        assert [h.action for h in state(web_app).workflow.history(evaluation_id)][-1] == "upload"
    assert leftovers(web_app) == []


@pytest.mark.parametrize("path", FORMATS, ids=lambda p: p.name)
def test_office_and_pdf_twins_give_what_extraction_gives(
    web_app: FastAPI, client: People, path: Path
) -> None:
    body = upload(client("admin"), path)
    assert body["http"] == 201, body
    assert body["status"] == "done"
    assert body["label"] == "完成"
    expected = extract_file(path)
    got = stored(web_app, body["evaluation_id"])
    assert findings(got) == findings(expected)
    assert got.computed == expected.computed
    total = expected.computed.total
    assert body["computed_total"] == (None if total is None else f"{total:.2f}")
    assert body["grade"] == expected.computed.grade
    assert body["errors"] == sum(1 for f in expected.findings if f.severity == "error")
    assert body["warnings"] == sum(1 for f in expected.findings if f.severity == "warning")
    assert body["url"] == f"/evaluations/{body['evaluation_id']}"
    assert leftovers(web_app) == []


def test_a_file_already_stored_is_known(web_app: FastAPI, client: People) -> None:
    admin = client("admin")
    first = upload(admin, SEED_002)
    assert first["http"] == 201
    again = upload(admin, SEED_002, name="改了名字.txt")
    assert again["http"] == 200
    assert (again["status"], again["label"]) == ("known", "已在库中")
    before = state(web_app).store.count()
    same_name = upload(admin, SEED_002)
    assert (same_name["status"], same_name["evaluation_id"]) == ("known", first["evaluation_id"])
    assert same_name["computed_total"] == first["computed_total"]
    page = admin.post(
        "/upload", data={"csrf_token": admin.csrf}, files=[("files", (SEED_002.name, SEED_002.read_bytes()))]
    )
    assert "已在库中" in page.text
    assert f'<a href="/evaluations/{first["evaluation_id"]}">' in page.text
    assert state(web_app).store.count() == before
    # Another unit's user learns nothing of it: the same bytes are a new document of their unit,
    # with its own evaluation (issue 15 item 10; tests/security/test_web_duplicates.py).
    other = upload(client("unit_b"), SEED_002)
    assert other["http"] == 201 and other["status"] == "done"
    assert other["evaluation_id"] != first["evaluation_id"]


def test_the_same_file_twice_in_one_form_is_stored_once(web_app: FastAPI, client: People) -> None:
    admin = client("admin")
    page = admin.post(
        "/upload",
        data={"csrf_token": admin.csrf},
        files=[("files", ("a.txt", SEED_002.read_bytes())), ("files", ("b.txt", SEED_002.read_bytes()))],
    )
    assert "完成 1 个，无法读取 0 个，已在库中 1 个" in page.text
    assert state(web_app).store.count() == (1, 1)


def test_an_unreadable_file_is_stored_with_its_reason(web_app: FastAPI, client: People) -> None:
    body = upload(
        client("reviewer"), SEED_002, name="损坏的报告.docx", content=b"PK\x03\x04 not really a zip"
    )
    assert body["http"] == 201
    assert (body["status"], body["label"]) == ("unreadable", "无法读取")
    assert body["reason"]
    ev = stored(web_app, body["evaluation_id"])
    assert [f.code for f in ev.findings] == ["UNREADABLE_DOCUMENT"]
    assert ev.findings[0].location == "损坏的报告.docx"
    assert body["reason"] == ev.findings[0].message


# -- refusals ---------------------------------------------------------------------------------------


def _small_limit(app: FastAPI, mb: float = 0.02) -> None:
    web = state(app)
    web.settings = dataclasses.replace(web.settings, max_file_mb=mb)


def _multipart(name: str, content: bytes, disposition: str | None = None) -> tuple[bytes, str]:
    boundary = "jixiao-test-boundary"
    disposition = disposition or f'form-data; name="file"; filename="{name}"'
    body = (
        (
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_a_file_over_the_size_limit_is_refused_with_413(web_app: FastAPI, client: People) -> None:
    _small_limit(web_app)  # 20 KB; 002_report.docx is 45 KB
    big = ROOT / "tests/data/formats/002_report.docx"
    admin = client("admin")
    body = upload(admin, big)
    assert body["http"] == 413
    assert "超过大小上限 20 KB" in str(body["detail"])
    # Sent in chunks without a length: refused while streaming.
    payload, content_type = _multipart(big.name, big.read_bytes())

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(payload), 4096):
            yield payload[i : i + 4096]

    streamed = admin.post(
        "/api/uploads", content=chunks(), headers={"X-CSRF-Token": admin.csrf, "Content-Type": content_type}
    )
    assert streamed.status_code == 413
    assert "超过大小上限" in streamed.json()["detail"]
    # In the plain form the file gets its reason; the others go on.
    page = admin.post(
        "/upload",
        data={"csrf_token": admin.csrf},
        files=[("files", (big.name, big.read_bytes())), ("files", (SEED_002.name, SEED_002.read_bytes()))],
    )
    assert page.status_code == 200
    assert "文件超过大小上限 20 KB，未上传" in page.text
    assert "完成 1 个" in page.text
    assert state(web_app).store.count() == (1, 1)
    assert leftovers(web_app) == []


def test_a_type_jixiao_does_not_read_is_refused(web_app: FastAPI, client: People) -> None:
    admin = client("admin")
    for name in ("setup.exe", "报告", "photo.BMP", ".hidden.docx", "~$报告.docx"):
        body = upload(admin, SEED_002, name=name)
        assert body["http"] == 415, name
        assert "不支持的文件类型" in str(body["detail"]) or "已跳过" in str(body["detail"])
    page = admin.post(
        "/upload", data={"csrf_token": admin.csrf}, files=[("files", ("setup.exe", b"MZ\x90\x00"))]
    )
    assert "不支持的文件类型“.exe”" in page.text
    assert "失败 1 个" in page.text
    assert state(web_app).store.count() == (0, 0)
    assert leftovers(web_app) == []


def test_a_file_name_is_never_a_path(web_app: FastAPI, client: People, tmp_path: Path) -> None:
    admin = client("admin")
    data_dir = state(web_app).data_dir
    for name, shown in (("../../etc/passwd.txt", "passwd.txt"), ("..\\..\\windows\\报告.txt", "报告.txt")):
        content = SEED_002.read_bytes() + name.encode()  # different bytes each time
        body = upload(admin, SEED_002, name=name, content=content)
        assert body["http"] == 201, body
        assert body["name"] == shown
        meta = state(web_app).workflow.meta(int(str(body["evaluation_id"])))
        assert meta is not None and meta.original is not None
        assert meta.original.name == shown
        kept = (data_dir / str(meta.original.stored)).resolve()
        assert kept.is_relative_to(data_dir.resolve() / "documents")
        assert kept.read_bytes() == content
    assert not (tmp_path / "etc").exists()
    assert not (data_dir.parent / "etc").exists()
    assert not (data_dir / "etc").exists()
    assert leftovers(web_app) == []


def test_too_many_files_in_one_form_are_refused(web_app: FastAPI, client: People) -> None:
    web = state(web_app)
    web.settings = dataclasses.replace(web.settings, upload_max_files=2)
    admin = client("admin")
    page = admin.post(
        "/upload",
        data={"csrf_token": admin.csrf},
        files=[("files", (f"{i}.txt", SEED_002.read_bytes() + bytes([i]))) for i in range(3)],
    )
    assert page.status_code == 400
    assert "一次最多上传 2 个文件，本次选择了 3 个" in page.text
    assert web.store.count() == (0, 0)


def test_uploads_need_the_csrf_token(web_app: FastAPI, client: People) -> None:
    admin = client("admin")
    files = {"file": (SEED_002.name, SEED_002.read_bytes())}
    assert admin.post("/api/uploads", files=files).status_code == 403
    assert admin.post("/upload", files=[("files", (SEED_002.name, SEED_002.read_bytes()))]).status_code == 403
    assert state(web_app).store.count() == (0, 0)
    # The token may come as a form field too.
    sent = admin.post("/api/uploads", files=files, data={"csrf_token": admin.csrf})
    assert sent.status_code == 201


def test_a_request_with_no_file_or_two_is_refused(client: People) -> None:
    admin = client("admin")
    headers = {"X-CSRF-Token": admin.csrf}
    none = admin.post(
        "/api/uploads", data={"year": "2020"}, files={"other": ("x.txt", b"1")}, headers=headers
    )
    assert none.status_code == 400
    two = admin.post(
        "/api/uploads",
        files=[("file", ("a.txt", b"1")), ("file", ("b.txt", b"2"))],
        headers=headers,
    )
    assert two.status_code == 400
    assert "只能上传一个文件" in two.json()["detail"]
    bad_year = upload(admin, SEED_002, year="明年")
    assert bad_year["http"] == 400
    assert "年度" in str(bad_year["detail"])


# -- whose it is ------------------------------------------------------------------------------------


def test_a_unit_users_upload_lands_in_their_unit(web_app: FastAPI, client: People) -> None:
    body = upload(client("unit_a"), SEED_002, year="2019")
    assert body["http"] == 201
    meta = state(web_app).workflow.meta(int(str(body["evaluation_id"])))
    assert meta is not None
    assert (meta.unit, meta.year) == (UNIT_A, 2019)
    assert client("unit_b").get(f"/evaluations/{meta.id}").status_code == 404
    assert client("unit_a").get(f"/evaluations/{meta.id}").status_code == 200


def test_a_reviewers_upload_lands_in_the_unit_the_document_names(web_app: FastAPI, client: People) -> None:
    body = upload(client("reviewer"), SEED_002)
    meta = state(web_app).workflow.meta(int(str(body["evaluation_id"])))
    assert meta is not None
    assert (meta.unit, meta.year) == ("武汉市硚口区人民政府宝丰街办事处", 2018)
    history = state(web_app).workflow.history(meta.id)
    assert [(h.action, h.field, h.new) for h in history] == [("upload", "上传文件", SEED_002.name)]
    assert "reviewer" in history[0].actor


def test_the_upload_api_is_described_in_openapi(client: People) -> None:
    spec = client("admin").get("/api/openapi.json").json()
    operation = spec["paths"]["/api/uploads"]["post"]
    assert operation["tags"] == ["上传"]
    assert {"201", "413", "415"} <= set(operation["responses"])


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\张三\\报告.docx", "报告.docx"),
        ("收件箱/2020/自评表.xlsx", "自评表.xlsx"),
        ('a<b>:"c|d?*.txt', "abcd.txt"),
        ("报告.docx. ", "报告.docx"),
        (".hidden.docx", ".hidden.docx"),
        ("..", "未命名文件"),
        ("", "未命名文件"),
        ("名" * 300 + ".docx", "名" * 195 + ".docx"),  # 200 characters in all
    ],
)
def test_the_name_shown_is_the_last_component_cleaned(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


def test_an_rfc_5987_file_name_is_read(web_app: FastAPI, client: People) -> None:
    admin = client("admin")
    payload, content_type = _multipart(
        "", SEED_002.read_bytes(), "form-data; name=\"file\"; filename*=UTF-8''%E8%87%AA%E8%AF%84.txt"
    )
    response = admin.post(
        "/api/uploads", content=payload, headers={"X-CSRF-Token": admin.csrf, "Content-Type": content_type}
    )
    assert response.status_code == 201, response.text
    assert response.json()["name"] == "自评.txt"


def test_when_no_worker_can_start_the_file_fails_and_nothing_is_stored(
    web_app: FastAPI, client: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_worker(*_args: object, **_kwargs: object) -> Iterator[tuple[Path, Evaluation]]:
        raise JixiaoError("无法启动处理进程（python -m jixiao.intake.worker）；请检查安装是否完整")
        yield  # a generator, as check_files_grouped is

    monkeypatch.setattr(executors, "check_files_grouped", no_worker)  # where the ingest's workers start
    body = upload(client("admin"), SEED_002)
    assert body["http"] == 503
    assert body["status"] == "failed"
    assert "无法启动处理进程" in str(body["reason"])
    assert state(web_app).store.count() == (0, 0)
    assert leftovers(web_app) == []
