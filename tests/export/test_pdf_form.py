"""The 自评表 PDF drawn by ReportLab (``export/pdf_form.py``), checked as a reader sees it.

Page size and margins from the layout, every cell's text in the text layer, merged cells as one
ruled box (pdfplumber's table finder on the ruling lines, as jixiao's PDF reader uses it), long
indicator lists over many pages with no row lost or doubled, merged cells and rows taller than a
page, embedded TrueType fonts with a ToUnicode map, and which engine draws when.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest

from export.support import SEED_004
from export.support import pdf_info
from export.support import pdf_text
from export.support import scored
from export.support import squash
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import Indicator
from jixiao.core.model import Project
from jixiao.core.model import Value
from jixiao.core.scheme import Scheme
from jixiao.export import export_evaluation
from jixiao.export import pdf_form
from jixiao.export.errors import ExportError
from jixiao.export.fields import Facts
from jixiao.export.form import Form
from jixiao.export.form import build_form
from jixiao.export.layout import Layout
from jixiao.export.layout import layout_for
from jixiao.export.layout import load_layout
from jixiao.intake.readers.pdf_tables import TABLE_SETTINGS
from jixiao.schemes import load_scheme

MM = 72 / 25.4


def _form(ev: Evaluation, scheme: Scheme, layout: Layout | None = None) -> Form:
    return build_form(Facts.of(evaluate(ev, scheme), scheme), layout or layout_for(scheme.id))


@functools.cache
def hubei() -> tuple[Form, bytes]:
    ev, scheme = scored(SEED_004)
    form = _form(ev, scheme)
    return form, pdf_form.form_pdf_bytes(form)


def _rows(n: int, *, name: str = "第{i}项指标", group: int | None = None) -> tuple[Indicator, ...]:
    return tuple(
        Indicator(
            level1="产出指标",
            level2="数量指标",
            group=group if group is not None else i // 25,
            name=name.format(i=i + 1),
            weight=Decimal("0.4"),
            target=Value(text=f"≥{i + 1}次"),
            actual=Value(text=f"{i + 1}次"),
            claimed_score=Decimal("0.4"),
        )
        for i in range(n)
    )


def _pdf(ev: Evaluation, layout_id: str = "mof-2020") -> bytes:
    scheme = load_scheme("mof-2020")
    return pdf_form.form_pdf_bytes(_form(ev, scheme, load_layout(layout_id)))


def _text(pdf: bytes) -> list[str]:
    """Each page's text layer in drawing order (``pdftotext -raw``: a table cell by cell),
    without whitespace."""
    with tempfile.TemporaryDirectory() as work:
        path = Path(work) / "form.pdf"
        path.write_bytes(pdf)
        return [squash(pdf_text(path, n, n)) for n in range(1, int(pdf_info(path)["Pages"]) + 1)]


def test_the_page_is_the_layouts() -> None:
    form, pdf = hubei()
    m = form.layout.margins_mm
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        page = doc.pages[0]
        assert (round(page.width, 1), round(page.height, 1)) == (841.9, 595.3)  # A4 landscape
        table = page.find_tables(TABLE_SETTINGS)[0]
        x0, _, x1, _ = table.bbox
    assert x0 == pytest.approx(m.left * MM, abs=1)
    assert x1 == pytest.approx(page.width - m.right * MM, abs=1)
    portrait = form.layout.model_copy(update={"orientation": "portrait"})
    upright = pdf_form.form_pdf_bytes(dataclasses.replace(form, layout=portrait))
    with pdfplumber.open(io.BytesIO(upright)) as doc:
        assert (round(doc.pages[0].width, 1), round(doc.pages[0].height, 1)) == (595.3, 841.9)


def test_every_cell_is_in_the_text_layer() -> None:
    form, pdf = hubei()
    text = "".join(_text(pdf))
    texts = [form.title, *(c.text for line in form.lines for c in line), *(c.text for c in form.cells)]
    missing = [t for t in texts if squash(t) not in text]
    assert missing == []
    assert "第1页，共4页" in text and "第4页，共4页" in text


def test_merged_cells_are_one_box() -> None:
    _, pdf = hubei()
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        rows = doc.pages[0].find_tables(TABLE_SETTINGS)[0].extract()
    by_label = {row[0]: row for row in rows if row[0]}
    assert by_label["项目名称"] == ["项目名称", None, "社会保障专项", None, None, None, None]
    budget = next(i for i, row in enumerate(rows) if (row[0] or "").startswith("预算执行情况"))
    assert rows[budget + 1][:2] == [None, None]  # the label spans two rows and two columns
    assert squash(rows[budget + 1][2] or "") == "年度财政资金总额"
    level1 = next(i for i, row in enumerate(rows) if (row[1] or "").startswith("产出指标"))
    assert all(row[1] is None for row in rows[level1 + 1 :])  # 产出指标 runs down the page
    assert len(rows[level1 + 1 :]) >= 5


def test_a_long_indicator_list_runs_over_pages_without_losing_a_row() -> None:
    pages = _text(_pdf(Evaluation(project=Project(name="长表项目", year=2024), indicators=_rows(200))))
    assert len(pages) >= 8
    header = "一级指标二级指标三级指标年度指标值实际完成值分值得分"
    holding = [page for page in pages if "项指标" in page]
    assert all(header in page for page in holding)
    text = "".join(pages)
    for i in range(1, 201):
        assert text.count(f"第{i}项指标≥") == 1, i


def test_a_merged_cell_taller_than_a_page_goes_on_over_the_next() -> None:
    # one 二级 cell over 90 rows, each a few lines: several pages tall
    long = "组织社区工作者定期培训学习，关爱社区工作者身体健康" * 2
    rows = _rows(90, name="第{i}项" + long, group=0)
    pages = _text(_pdf(Evaluation(project=Project(name="长格项目"), indicators=rows)))
    assert len(pages) >= 4
    text = "".join(pages)
    assert all(f"第{i}项" in text for i in range(1, 91))
    assert text.count("数量指标") == 1  # the merged cell's label is printed once, where it starts


def test_a_row_taller_than_a_page_is_split_inside() -> None:
    huge = "，".join(f"第{i}句很长的偏差原因说明文字" for i in range(60))
    rows = _rows(3)
    rows = (*rows[:2], rows[2].model_copy(update={"deviation_reason": huge}))
    ev = Evaluation(project=Project(name="长行项目"), indicators=rows)
    text = "".join(_text(_pdf(ev)))
    assert "第0句" in text and "第59句" in text


def test_fonts_are_embedded_truetype_with_unicode_maps() -> None:
    _, pdf = hubei()
    rows = _pdffonts(pdf)
    assert rows, "no fonts"
    for name, kind, emb, uni in rows:
        assert kind.startswith("TrueType") or kind.startswith("CID TrueType"), (name, kind)
        assert (emb, uni) == ("yes", "yes"), name
    assert {name.split("+")[1].split("-")[0] for name, *_ in rows} == {"UMingCN", "WenQuanYiZenHei"}


def _pdffonts(pdf: bytes) -> list[tuple[str, str, str, str]]:
    """``pdffonts``' table: each font's name, type, embedded and ToUnicode columns."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name, type (one or two words), encoding, emb, sub, uni, object, id
        name, emb, uni = parts[0], parts[-5], parts[-3]
        kind = " ".join(parts[1:-6])
        rows.append((name, kind, emb, uni))
    return rows


def test_a_character_no_face_has_is_refused() -> None:
    ev = Evaluation(project=Project(name="生僻字\U00030000项目"))
    form = _form(ev, load_scheme("mof-2020"))
    assert pdf_form.missing_glyphs(form) == "\U00030000"
    with pytest.raises(pdf_form.MissingGlyphs):
        pdf_form.form_pdf_bytes(form)


def test_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pdf_form.ENGINE_ENV, raising=False)
    assert pdf_form.engine() == "reportlab"
    assert pdf_form.engine("LibreOffice") == "libreoffice"
    monkeypatch.setenv(pdf_form.ENGINE_ENV, "libreoffice")
    assert pdf_form.engine() == "libreoffice"
    assert pdf_form.engine("auto") == "reportlab"
    with pytest.raises(ExportError, match="不认识的 PDF 生成方式“wps”"):
        pdf_form.engine("wps")
    monkeypatch.setattr(pdf_form, "SONG_FILES", (("/nonexistent/uming.ttc", 0),))
    assert pdf_form.engine("auto") == "libreoffice"
    with pytest.raises(ExportError, match="fonts-arphic-uming"):
        pdf_form.form_pdf_bytes(hubei()[0])


def test_the_table_pdf_needs_no_libreoffice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(pdf_form.ENGINE_ENV, raising=False)
    monkeypatch.setenv("JIXIAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    ev, scheme = scored(SEED_004)
    out = export_evaluation(ev, scheme, tmp_path / "自评表.pdf")
    with pdfplumber.open(out) as doc:
        assert doc.metadata.get("Creator") == "jixiao"
        assert "2020年度社会保障专项项目绩效自评表" in squash(doc.pages[0].extract_text() or "")


def _undated(pdf: bytes) -> bytes:
    """A PDF without its creation and modification dates and its file id."""
    pdf = re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID\s*\[[^\]]*\]", b"", pdf)


def test_pdfs_drawn_in_parallel_threads_are_the_same_as_one_by_one() -> None:
    """The web draws PDFs in worker threads: ReportLab's fonts are shared, and each document's
    subsets must stay its own (the same form gives the same bytes, but for its dates and id)."""
    from concurrent.futures import ThreadPoolExecutor

    ev, scheme = scored(SEED_004)
    forms = [_form(ev, scheme, load_layout(layout)) for layout in ("hubei-2019", "mof-2020")] * 4
    alone = [_undated(pdf_form.form_pdf_bytes(form)) for form in forms]
    with ThreadPoolExecutor(4) as pool:
        together = [_undated(pdf) for pdf in pool.map(pdf_form.form_pdf_bytes, forms)]
    assert together == alone
    assert alone[0] != alone[1]
