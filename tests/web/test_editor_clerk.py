"""The clerk's editor (issue 20): drafts kept as one types, scores filled from the rules, every
field the official forms print, last year's evaluation copied into a new year, a pasted Excel
block, and evidence files (佐证材料) with their access checks — on both backends."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal

import openpyxl
from fastapi import FastAPI

from web.test_editor import NEW
from web.test_editor import People
from web.test_editor import form_of
from web.test_editor import state
from web.test_editor import stored_for_unit_a
from web.test_form_paste import block
from web.test_form_paste import hubei_rows

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_a_blank_form_opens_without_findings(client: People) -> None:
    page = client("unit_a").get("/evaluations/new?fresh=1")
    assert page.status_code == 200
    assert "填写项目和指标后，这里显示发现的问题" in page.text
    assert "[警告]" not in page.text and "[错误]" not in page.text
    assert "无法计算预算执行率" not in page.text  # no explanation of what is not typed yet


def test_a_draft_is_kept_and_every_row_comes_back(client: People) -> None:
    unit_a = client("unit_a")
    rows = 8
    draft = {
        **NEW,
        "ind_key": [""] * rows,
        "ind_level1": ["产出指标"] * rows,
        "ind_level2": ["数量指标"] * rows,
        "ind_name": [f"指标{i}" for i in range(rows)],
        "ind_weight": ["5"] * rows,
        "ind_target": ["≥10人"] * rows,
        "ind_actual": ["12人"] * rows,
        "ind_claimed_score": [""] * rows,
        "ind_deviation_reason": [""] * rows,
        "line_key": ["", ""],
        "line_name": ["当年财政拨款", "上年结转"],
        "line_planned": ["40万元", "10万元"],
        "line_executed": ["36万元", "9万元"],
        "csrf_token": unit_a.csrf,
    }
    kept = unit_a.post("/evaluations/draft", data=draft)
    assert kept.status_code == 200, kept.text
    assert re.fullmatch(r"\d\d:\d\d:\d\d", kept.json()["saved"])
    page = unit_a.get("/evaluations/new")
    assert "已恢复您" in page.text
    fields = form_of(page.text)
    assert fields["ind_name"] == [f"指标{i}" for i in range(rows)]
    assert fields["line_name"] == ["当年财政拨款", "上年结转"]
    assert fields["name"] == [NEW["name"]]
    # Another user (even of the same unit, here an admin) does not get it.
    assert "已恢复您" not in client("admin").get("/evaluations/new").text
    # Discarding it opens a blank form; saving the evaluation drops it too.
    gone = unit_a.post("/evaluations/draft/discard", data={"csrf_token": unit_a.csrf}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"] == "/evaluations/new?fresh=1"
    assert "已恢复您" not in unit_a.get("/evaluations/new").text
    unit_a.post("/evaluations/draft", data=draft)
    saved = unit_a.post("/evaluations/new", data={**draft, "action": "save"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    assert "已恢复您" not in unit_a.get("/evaluations/new").text


def test_a_draft_of_an_edit_needs_the_right_to_edit(web_app: FastAPI, client: People) -> None:
    evaluation_id, _ = stored_for_unit_a(web_app)
    unit_b, reviewer = client("unit_b"), client("reviewer")
    body = {"base_id": str(evaluation_id), "name": "改名"}
    assert unit_b.post("/evaluations/draft", data={**body, "csrf_token": unit_b.csrf}).status_code == 404
    assert reviewer.post("/evaluations/draft", data={**body, "csrf_token": reviewer.csrf}).status_code == 403
    unit_a = client("unit_a")
    page = unit_a.get(f"/evaluations/{evaluation_id}/edit")
    fields = form_of(page.text)
    fields["name"] = ["改名后的项目"]
    assert unit_a.post("/evaluations/draft", data={**fields, "csrf_token": unit_a.csrf}).status_code == 200
    again = unit_a.get(f"/evaluations/{evaluation_id}/edit")
    assert "已恢复您" in again.text and form_of(again.text)["name"] == ["改名后的项目"]
    assert "已恢复您" not in unit_a.get(f"/evaluations/{evaluation_id}/edit?fresh=1").text


def test_scores_are_filled_from_the_rules_and_qualitative_rows_are_left_for_judgement(client: People) -> None:
    unit_a = client("unit_a")
    posted = {
        **NEW,
        "ind_key": ["", "", "", ""],
        "ind_level1": ["产出指标", "效益指标", "满意度指标", "效益指标"],
        "ind_level2": ["数量指标", "社会效益指标", "服务对象满意度", "可持续影响指标"],
        "ind_name": ["开展活动场次", "参与学生人次", "学生满意度", "长效机制"],
        "ind_weight": ["40", "20", "10", "20"],
        "ind_target": ["≥40场", "≥2000人次", "≥90%", "逐步完善"],
        "ind_actual": ["30场", "2100人次", "93%", "基本完善"],
        "ind_claimed_score": ["", "", "", "18"],
        "ind_deviation_reason": ["", "", "", ""],
        "claimed_total": "",
        "claimed_grade": "",
        "action": "fill_scores",
        "csrf_token": unit_a.csrf,
    }
    page = unit_a.post("/evaluations/new", data=posted)
    assert page.status_code == 200
    fields = form_of(page.text)
    scores = fields["ind_claimed_score"]
    assert scores[1] == "20" and scores[2] == "10"
    assert Decimal(scores[0]) < 40  # 30 of 40 场: the rules take points off
    assert scores[3] == "18"  # qualitative: kept as typed, and marked
    assert page.text.count('class="ind-row needs-judgement"') == 1
    assert "第4行的指标需要人工判断" in page.text
    total = Decimal(fields["claimed_total"][0])
    budget = Decimal(fields["claimed_budget_score"][0])
    assert total == budget + sum(Decimal(s) for s in scores)
    assert fields["claimed_grade"][0] in ("优", "良", "中", "差")


def test_every_field_the_forms_print_is_entered_and_saved(web_app: FastAPI, client: People) -> None:
    unit_a = client("unit_a")
    posted = {
        **NEW,
        "category": "专项资金",
        "attribute": "持续性项目",
        "project_type": "常年性项目",
        "filled_date": "2025年3月5日",
        "line_key": ["", "", ""],
        "line_name": ["当年财政拨款", "上年结转", "其他资金"],
        "line_planned": ["40万元", "10万元", ""],
        "line_executed": ["36万元", "9万元", ""],
        "action": "save",
        "csrf_token": unit_a.csrf,
    }
    saved = unit_a.post("/evaluations/new", data=posted, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    new_id = int(saved.headers["location"].rsplit("/", 1)[1])
    ev = state(web_app).store.get(new_id)
    assert ev is not None
    p = ev.project
    assert (p.category, p.attribute, p.type, str(p.filled_date)) == (
        "专项资金",
        "持续性项目",
        "常年性项目",
        "2025-03-05",
    )
    assert [(line.name, line.planned_yuan, line.executed_yuan) for line in ev.budget.lines] == [
        ("当年财政拨款", Decimal(400000), Decimal(360000)),
        ("上年结转", Decimal(100000), Decimal(90000)),
        ("其他资金", None, None),
    ]
    # The edit form shows them again, and saving it unchanged changes nothing.
    page = unit_a.get(f"/evaluations/{new_id}/edit?fresh=1")
    fields = form_of(page.text)
    assert fields["category"] == ["专项资金"] and fields["filled_date"] == ["2025-03-05"]
    assert fields["line_planned"] == ["400,000.00", "100,000.00", ""]
    same = unit_a.post(
        f"/evaluations/{new_id}/edit", data={**fields, "action": "save", "csrf_token": unit_a.csrf}
    )
    assert "没有修改" in same.text
    # The 自评表 prints them: the ■/□ choices, and the funding lines in the 其中 rows.
    table = unit_a.get(f"/evaluations/{new_id}/export/table.xlsx")
    assert table.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(table.content)).active
    assert sheet is not None
    rows = {
        str(r[0]): [c for c in r[1:] if c is not None]
        for r in sheet.iter_rows(values_only=True)
        if r[0] is not None or r[1] is not None
        for r in [tuple(c for c in r if c is not None)]
        if r
    }
    current = next(v for k, v in rows.items() if "当年财政拨款" in k)
    carried = next(v for k, v in rows.items() if "上年结转" in k)
    other = next(v for k, v in rows.items() if k.startswith("其他资金"))
    assert [Decimal(str(v)) for v in current[:2]] == [Decimal(40), Decimal(36)]
    assert [Decimal(str(v)) for v in carried[:2]] == [Decimal(10), Decimal(9)]
    assert other == ["—", "—"]  # nothing stated: left empty
    text = " ".join(str(c) for r in sheet.iter_rows(values_only=True) for c in r if c is not None)
    assert "专项资金■" in text.replace(" ", "") and "持续性项目■" in text.replace(" ", "")
    # A date that cannot be read is named in Chinese.
    bad = unit_a.post("/evaluations/new", data={**posted, "filled_date": "三月五日", "action": "preview"})
    assert "无法识别日期“三月五日”" in bad.text


def test_last_years_evaluation_starts_a_new_year(web_app: FastAPI, client: People) -> None:
    evaluation_id, ev = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    page = unit_a.get(f"/evaluations/new?from={evaluation_id}")
    assert page.status_code == 200
    fields = form_of(page.text)
    assert ev.project.year is not None
    assert fields["year"] == [str(ev.project.year + 1)]
    assert fields["name"] == [ev.project.name]
    assert fields["ind_name"] == [i.name for i in ev.indicators]
    assert fields["ind_target"] == [i.target.text if i.target else "" for i in ev.indicators]
    assert set(fields["ind_actual"]) == {""} and set(fields["ind_claimed_score"]) == {""}
    assert fields["executed"] == [""] and fields["claimed_total"] == [""]
    assert client("unit_b").get(f"/evaluations/new?from={evaluation_id}").status_code == 404


def test_a_pasted_block_is_read_on_the_server(client: People) -> None:
    unit_a = client("unit_a")
    answer = unit_a.post(
        "/evaluations/paste",
        data={"text": block(hubei_rows(27)), "start": "level1", "csrf_token": unit_a.csrf},
    )
    assert answer.status_code == 200
    data = answer.json()
    assert len(data["rows"]) == 27 and data["header"] is False
    reviewer = client("reviewer")
    assert (
        reviewer.post("/evaluations/paste", data={"text": "a\tb", "csrf_token": reviewer.csrf}).status_code
        == 403
    )


def _docx_bomb() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w>" + " " * (40 * 1024 * 1024) + "</w>")
    return out.getvalue()


def test_evidence_files_are_attached_viewed_and_kept_within_the_unit(
    web_app: FastAPI, client: People
) -> None:
    evaluation_id, ev = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    row = ev.indicators[0].name

    def attach(name: str, data: bytes, indicator: str = "") -> int:
        response = unit_a.post(
            f"/evaluations/{evaluation_id}/evidence",
            data={"csrf_token": unit_a.csrf, "indicator": indicator},
            files={"file": (name, data)},
            follow_redirects=False,
        )
        return response.status_code

    assert attach("培训签到表.pdf", PDF, row) == 303
    assert attach("现场照片.png", PNG) == 303
    page = unit_a.get(f"/evaluations/{evaluation_id}/edit?fresh=1")
    links = re.findall(rf'href="/evaluations/{evaluation_id}/evidence/(\d+)"', page.text)
    assert len(set(links)) == 2
    assert "📎 培训签到表.pdf" in page.text  # next to its row
    first = min(int(i) for i in links)
    got = unit_a.get(f"/evaluations/{evaluation_id}/evidence/{first}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("inline;")
    assert got.headers["x-content-type-options"] == "nosniff"
    # Kept content-addressed in the archive of originals.
    data_dir = state(web_app).data_dir
    kept = list((data_dir / "documents").rglob("*.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == PDF
    # A reviewer sees it; another unit does not, nor through another evaluation's number.
    assert client("reviewer").get(f"/evaluations/{evaluation_id}/evidence/{first}").status_code == 200
    assert client("unit_b").get(f"/evaluations/{evaluation_id}/evidence/{first}").status_code == 404
    unit_b = client("unit_b")
    other = unit_b.post(
        "/evaluations/new", data={**NEW, "action": "save", "csrf_token": unit_b.csrf}, follow_redirects=False
    )
    other_id = int(other.headers["location"].rsplit("/", 1)[1])
    assert unit_b.get(f"/evaluations/{other_id}/evidence/{first}").status_code == 404
    # Refused: a type that is not evidence, a file whose bytes are not its type, a zip bomb.
    assert attach("脚本.exe", b"MZ\x90\x00") == 415
    assert attach("签到表.pdf", PDF, "没有这项指标") == 400
    assert attach("伪装.pdf", b"MZ\x90\x00 not a pdf") == 415
    refused = unit_a.post(
        f"/evaluations/{evaluation_id}/evidence",
        data={"csrf_token": unit_a.csrf},
        files={"file": ("台账.docx", _docx_bomb())},
    )
    assert refused.status_code == 415
    assert "疑似压缩炸弹" in refused.text
    # A reviewer may not attach or delete.
    reviewer = client("reviewer")
    denied = reviewer.post(
        f"/evaluations/{evaluation_id}/evidence",
        data={"csrf_token": reviewer.csrf},
        files={"file": ("a.pdf", PDF)},
    )
    assert denied.status_code == 403
    # Deleting it removes it from the list.
    removed = unit_a.post(
        f"/evaluations/{evaluation_id}/evidence/{first}/delete",
        data={"csrf_token": unit_a.csrf},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    assert unit_a.get(f"/evaluations/{evaluation_id}/evidence/{first}").status_code == 404


def test_the_evaluation_page_lists_the_evidence_for_the_review(web_app: FastAPI, client: People) -> None:
    evaluation_id, ev = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    attached = unit_a.post(
        f"/evaluations/{evaluation_id}/evidence",
        data={"csrf_token": unit_a.csrf, "indicator": ev.indicators[1].name},
        files={"file": ("验收报告.pdf", PDF)},
        follow_redirects=False,
    )
    assert attached.status_code == 303
    page = client("reviewer").get(f"/evaluations/{evaluation_id}")
    # Loaded into the page with htmx (when the app has it), else a link to the list.
    assert f'<a href="/evaluations/{evaluation_id}/evidence">佐证材料</a>' in page.text
    htmx = state(web_app).templates.env.globals["htmx_available"]
    assert (f'hx-get="/evaluations/{evaluation_id}/evidence"' in page.text) == htmx
    fragment = client("reviewer").get(
        f"/evaluations/{evaluation_id}/evidence", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert (
        "<html" not in fragment.text
        and "验收报告.pdf" in fragment.text
        and ev.indicators[1].name in fragment.text
    )
    full = client("reviewer").get(f"/evaluations/{evaluation_id}/evidence")
    assert "<html" in full.text and "验收报告.pdf" in full.text
    listed = client("reviewer").get(f"/api/evaluations/{evaluation_id}/evidence").json()
    assert [(i["name"], i["indicator"], i["size"]) for i in listed["items"]] == [
        ("验收报告.pdf", ev.indicators[1].name, len(PDF))
    ]
    assert client("unit_b").get(f"/api/evaluations/{evaluation_id}/evidence").status_code == 404


def test_the_report_draft_lists_the_evidence_among_its_attachments(web_app: FastAPI, client: People) -> None:
    import docx

    evaluation_id, ev = stored_for_unit_a(web_app)
    unit_a = client("unit_a")
    for name, indicator in (("验收报告.pdf", ev.indicators[0].name), ("照片.png", "")):
        data = PDF if name.endswith(".pdf") else PNG
        unit_a.post(
            f"/evaluations/{evaluation_id}/evidence",
            data={"csrf_token": unit_a.csrf, "indicator": indicator},
            files={"file": (name, data)},
        )
    got = unit_a.get(f"/evaluations/{evaluation_id}/export/report.docx")
    assert got.status_code == 200
    texts = [p.text for p in docx.Document(io.BytesIO(got.content)).paragraphs]
    first = next(i for i, t in enumerate(texts) if t.startswith("附件：1. "))
    assert texts[first].endswith("自评表")
    assert texts[first + 1] == f"2. 佐证材料：验收报告.pdf（{ev.indicators[0].name}）"
    assert texts[first + 2] == "3. 佐证材料：照片.png"


def test_an_excel_template_is_downloaded_filled_offline_and_read_back(client: People) -> None:
    unit_a = client("unit_a")
    posted = {
        **NEW,
        "category": "专项资金",
        "filled_date": "2025-03-05",
        "action": "template",
        "csrf_token": unit_a.csrf,
    }
    template = unit_a.post("/evaluations/new", data=posted)
    assert template.status_code == 200
    assert template.headers["content-type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in template.headers["content-disposition"]
    # Filled offline: the first row's actual changed in Excel.
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book.active
    assert sheet is not None
    [cell] = [c for row in sheet.iter_rows() for c in row if c.value == "40场"]
    cell.value = "38场"
    filled = io.BytesIO()
    book.save(filled)
    page = unit_a.post(
        "/evaluations/template",
        data={"csrf_token": unit_a.csrf},
        files={"file": ("青少年活动中心_模板.xlsx", filled.getvalue())},
    )
    assert page.status_code == 200, page.text
    assert "已从“青少年活动中心_模板.xlsx”读入项目与 3 行指标" in page.text
    fields = form_of(page.text)
    assert fields["name"] == [NEW["name"]]
    assert fields["ind_name"] == NEW["ind_name"]
    assert fields["ind_target"] == NEW["ind_target"]
    assert fields["ind_actual"] == ["38场", *NEW["ind_actual"][1:]]
    assert [Decimal(w) for w in fields["ind_weight"]] == [Decimal(w) for w in NEW["ind_weight"]]
    assert [Decimal(s) for s in fields["ind_claimed_score"]] == [Decimal(s) for s in NEW["ind_claimed_score"]]
    assert fields["category"] == ["专项资金"]
    assert fields["executed"] == ["450,000.00"]
    # Not a workbook: refused in Chinese.
    refused = unit_a.post(
        "/evaluations/template", data={"csrf_token": unit_a.csrf}, files={"file": ("说明.pdf", PDF)}
    )
    assert refused.status_code == 415 and "不是 Excel 工作簿" in refused.text
