"""One word per concept on the rendered pages too (not only in the sources): an evaluation with
errors and warnings, as the reviewer sees its page, its 复核报告 and the editor's preview, holds
none of the old words (复核总分, 复核计分, 复算总分, 复算得分, 申报总分) and names each finding by its
Chinese title, the code kept only in attributes (for the API and the docs)."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import FastAPI

from export.support import SEED_004
from export.support import scored
from jixiao.core.check_names import check_title
from jixiao.core.check_names import rule_name
from jixiao.storage.store import DocumentInfo
from portfolio.test_words import _banned_in
from portfolio.test_words import _chinese_text_codes
from web.conftest import UNIT_A
from web.conftest import Client

ClientFactory = Callable[[str], Client]


def _stored(app: FastAPI) -> int:
    ev = scored(SEED_004)[0]
    ev = ev.model_copy(update={"project": ev.project.model_copy(update={"unit": UNIT_A})})
    info = DocumentInfo(sha256="4" * 64, name="社会保障专项.docx", path="/x/4.docx", format="docx", size=10)
    saved = app.state.web.store.save(ev, info)
    assert saved.evaluation_id is not None
    return int(saved.evaluation_id)


def test_the_pages_use_the_words_and_name_findings_in_chinese(
    web_app: FastAPI, client: ClientFactory
) -> None:
    evaluation_id = _stored(web_app)
    reviewer = client("reviewer")
    page = reviewer.get(f"/evaluations/{evaluation_id}")
    assert page.status_code == 200
    assert check_title("FULL_SCORE_TARGET_MISSED") in page.text and "问题类别" in page.text
    report = reviewer.get(f"/evaluations/{evaluation_id}/review.html")
    assert report.status_code == 200 and "复核得分" in report.text
    editor = client("unit_a").get(f"/evaluations/{evaluation_id}/edit")
    assert editor.status_code == 200 and "复核得分" in editor.text  # the preview panel
    admin = client("admin").get("/admin/users")
    assert admin.status_code == 200
    for text in (page.text, report.text, editor.text, admin.text):
        assert _banned_in(text) == []
        assert _chinese_text_codes(text) == []


def test_the_scan_of_a_page_sees_an_old_word_and_a_bare_code() -> None:
    planted = '<p title="SCORE_MISMATCH">复核总分 98</p><td>SCORE_MISMATCH</td>'
    assert _banned_in(planted) == ["复核总分"]
    assert _chinese_text_codes(planted) == ["SCORE_MISMATCH"]


def test_rule_ids_have_chinese_names() -> None:
    assert rule_name("negative") == "反向指标计分"
    assert rule_name("negative/qualitative") == "反向指标计分/定性指标按档次计分"
    assert rule_name("made_up") == "made_up"
    assert check_title("NO_SUCH_CODE") == "NO_SUCH_CODE"
