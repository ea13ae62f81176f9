"""Tables from ruling lines and blocks from OCR pieces (intake/ocr/grid.py, layout.py, trust.py).

No OCR engine here: pages are drawn with OpenCV, or rendered from a committed text-layer PDF
whose words stand in for the engine's pieces, so these tests are fast and exact.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pytest
from numpy.typing import NDArray

from jixiao.intake.document import Paragraph
from jixiao.intake.document import Table
from jixiao.intake.limits import Limits
from jixiao.intake.ocr.boxes import Box
from jixiao.intake.ocr.boxes import OcrText
from jixiao.intake.ocr.grid import find_grids
from jixiao.intake.ocr.layout import _split_across
from jixiao.intake.ocr.layout import page_blocks
from jixiao.intake.ocr.trust import Slot
from jixiao.intake.ocr.trust import readings
from jixiao.intake.ocr.trust import resolve
from jixiao.intake.readers import read_document

SCANS = Path(__file__).parent.parent / "data" / "scans"

# A 3×4 form: row 0 is one cell across all columns; rows 1–2 of column 0 are one cell.
XS = [100, 400, 700, 1000, 1300]
YS = [300, 380, 460, 540]


def _page(gaps: bool = False) -> NDArray[np.uint8]:
    img = np.full((1200, 1500, 3), 255, np.uint8)
    for y in YS:
        cv2.line(img, (XS[0], y), (XS[-1], y), (0, 0, 0), 3)
    for x in XS:
        cv2.line(img, (x, YS[0]), (x, YS[-1]), (0, 0, 0), 3)
    # merged cells: no separators there
    for x in XS[1:-1]:
        cv2.line(img, (x, YS[0] + 3), (x, YS[1] - 3), (255, 255, 255), 5)
    cv2.line(img, (XS[0] + 3, YS[2]), (XS[1] - 3, YS[2]), (255, 255, 255), 5)
    if gaps:  # a faint scan: short breaks in the ruling lines
        for x in XS:
            cv2.line(img, (x, 500), (x, 503), (255, 255, 255), 3)
        for y in YS:
            cv2.line(img, (550, y), (553, y), (255, 255, 255), 3)
    return img


def _piece(text: str, x: float, y: float, confidence: float = 0.99, size: float = 30) -> OcrText:
    """A piece of text starting at ``x``, its middle at ``y``, CJK characters ``size`` wide."""
    width = sum(size if ord(ch) > 0x2E80 else size / 2 for ch in text)
    return OcrText(text, Box(x, y - size / 2, x + width, y + size / 2), confidence)


def _form_texts(amount: str = "2,440.91", confidence: float = 0.99) -> list[OcrText]:
    return [
        _piece("项目支出绩效自评表", 500, 150, size=40),
        _piece("预算执行情况", 550, 340),
        _piece("资金", 120, 460),
        _piece("预算数", 420, 420),
        _piece("执行数", 720, 420),
        _piece("执行率", 1020, 420),
        _piece(amount, 420, 500, confidence),
        _piece("2,440.91", 720, 500),
        _piece("100.00%", 1020, 500),
    ]


def _only_table(blocks: list[Paragraph | Table]) -> Table:
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1
    return tables[0]


@pytest.mark.parametrize("gaps", [False, True])
def test_ruled_form_becomes_a_grid_with_merged_cells(gaps: bool) -> None:
    (grid,) = find_grids(_page(gaps))
    assert (grid.n_rows, grid.n_cols) == (3, 4)
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in grid.cells}
    assert spans[(0, 0)] == (1, 4)
    assert spans[(1, 0)] == (2, 1)
    assert len(grid.cells) == 1 + 1 + 3 + 3


def test_a_form_without_side_borders_keeps_its_outer_columns() -> None:
    img = np.full((1200, 1500, 3), 255, np.uint8)
    for y in YS:
        cv2.line(img, (XS[0], y), (XS[-1], y), (0, 0, 0), 3)
    for x in XS[1:-1]:  # inner column lines only
        cv2.line(img, (x, YS[0]), (x, YS[-1]), (0, 0, 0), 3)
    (grid,) = find_grids(img)
    assert (grid.n_rows, grid.n_cols) == (3, 4)
    assert abs(grid.xs[0] - XS[0]) < 8 and abs(grid.xs[-1] - XS[-1]) < 8
    table = _only_table(page_blocks(img, _form_texts(), 1))
    assert table.text_rows()[1:] == [
        ["", "预算数", "执行数", "执行率"],
        ["资金", "2,440.91", "2,440.91", "100.00%"],  # 资金 stands on the line: its centre is below
    ]


def test_pieces_fill_the_cells_and_the_title_is_a_paragraph() -> None:
    blocks = page_blocks(_page(), _form_texts(), 2, tables_before=1)
    assert isinstance(blocks[0], Paragraph)
    assert blocks[0].text == "项目支出绩效自评表"
    assert blocks[0].place == "第2页"
    table = _only_table(blocks)
    assert table.place == "第2页 表2"
    assert table.page == 2
    assert table.text_rows() == [
        ["预算执行情况", "", "", ""],
        ["资金", "预算数", "执行数", "执行率"],
        ["", "2,440.91", "2,440.91", "100.00%"],
    ]
    assert table.unread == frozenset()
    # provenance: page, box on the page image, confidence
    amount = table.cells[[c.text for c in table.cells].index("100.00%")]
    assert amount.scan is not None
    assert amount.scan.page == 2
    assert amount.scan.box == _form_texts()[-1].box
    assert amount.scan.confidence == 0.99
    assert blocks[0].scan is not None and blocks[0].scan.box == _form_texts()[0].box
    assert table.cells[-1].scan is not None


def test_a_tilted_page_gives_the_same_table() -> None:
    img, texts = _page(), _form_texts()
    straight = _only_table(page_blocks(img, texts, 1))
    h, w = img.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), 1.5, 1.0)
    tilted = cv2.warpAffine(img, matrix, (w, h), borderValue=(255, 255, 255))
    moved = []
    for t in texts:
        cx, cy = t.box.centre
        nx, ny = matrix @ np.array([cx, cy, 1.0])
        dx, dy = float(nx - cx), float(ny - cy)
        moved.append(
            OcrText(t.text, Box(t.box.x0 + dx, t.box.y0 + dy, t.box.x1 + dx, t.box.y1 + dy), t.confidence)
        )
    table = _only_table(page_blocks(tilted, moved, 1))
    assert table.text_rows() == straight.text_rows()
    # provenance stays on the page image as the engine saw it, not the straightened frame
    rate = table.cells[[c.text for c in table.cells].index("100.00%")]
    assert rate.scan is not None
    assert abs(rate.scan.box.x0 - moved[-1].box.x0) < 1 and abs(rate.scan.box.y0 - moved[-1].box.y0) < 1


def test_a_piece_read_across_a_column_line_is_cut_at_the_line() -> None:
    texts = [t for t in _form_texts() if t.text not in {"执行数", "执行率"}]
    texts.append(_piece("执行数执行率", 860, 420, size=50))  # 300 px wide, across x = 1000
    table = _only_table(page_blocks(_page(), texts, 1))
    assert table.text_rows()[1][2:] == ["执行数", "执行率"]
    # in a merged cell there is no line to cut at: the piece stays whole
    (grid,) = find_grids(_page())
    whole = _piece("预算执行情况说明", 500, 340, size=50)
    assert _split_across(whole, grid) == [whole]


def test_a_doubtful_amount_the_rate_decides_is_kept_corrected() -> None:
    # “2,446.91” read with low confidence: of its readings only 2,440.91 gives 100.00 %.
    table = _only_table(page_blocks(_page(), _form_texts("2,446.91", 0.5), 1))
    assert table.text_rows()[2][1] == "2,440.91"
    assert table.unread == frozenset()


def test_a_doubtful_amount_the_arithmetic_cannot_decide_is_left_unread() -> None:
    texts = [t for t in _form_texts("2,446.91", 0.5) if t.text != "100.00%"]
    notes: list[tuple[str, str]] = []
    table = _only_table(page_blocks(_page(), texts, 1, notes=notes))
    assert table.text_rows()[2][1] == ""
    assert table.unread == {(2, 1)}
    # the note names the cell and its box on the page image (issue 14: page and box of what OCR read)
    assert notes == [
        (
            "第1页 表1 第3行 第2列（图像框 420,485–540,515，页面 1500×1200 像素）",
            "“2,446.91”识别置信度低（0.50），其中的数字未采用",
        )
    ]
    # confident, the same reading is taken as read
    confident = [t for t in _form_texts("2,446.91", 0.95) if t.text != "100.00%"]
    assert _only_table(page_blocks(_page(), confident, 1)).text_rows()[2][1] == "2,446.91"


def test_the_confidence_threshold_is_the_callers() -> None:
    texts = [t for t in _form_texts("2,446.91", 0.85) if t.text != "100.00%"]
    assert not _only_table(page_blocks(_page(), texts, 1)).unread
    assert _only_table(page_blocks(_page(), texts, 1, min_confidence=0.9)).unread == {(2, 1)}
    assert Limits().ocr_min_confidence == 0.8


def test_doubtful_figures_in_running_text_become_notes() -> None:
    img = np.full((1200, 1500, 3), 255, np.uint8)
    notes: list[tuple[str, str]] = []
    texts = [_piece("全年预算数为1,458.91万元。", 100, 200, 0.55), _piece("项目按期完成。", 100, 300)]
    blocks = page_blocks(img, texts, 3, notes=notes)
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["项目按期完成。"]
    assert len(notes) == 1
    place, reason = notes[0]
    assert place == "第3页 上部偏左（图像框 100,185–490,215，页面 1500×1200 像素）"
    assert "1,458.91" in reason and "置信度低" in reason


def test_paragraphs_follow_lines_and_numbering() -> None:
    img = np.full((1000, 1400, 3), 255, np.uint8)
    texts = [
        _piece("绩效自评报告", 610, 100, size=40),
        _piece("一、项目概况", 100, 200),
        # a wrapped paragraph: the first line runs to the right edge (x = 1300)
        _piece("本项目由街道办事处实施，资金用于社区服务与设施维护，全年共开展活动", 100, 260),
        _piece("十二次。", 100, 305),
        _piece("二、绩效目标", 100, 380),
        _piece("单位名称：某街道办事处", 100, 440),
        _piece("填报日期：2021年6月30日", 900, 440),
    ]
    texts[2] = OcrText(texts[2].text, Box(100, 245, 1300, 275), 0.99)
    blocks = page_blocks(img, texts, 1)
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "绩效自评报告",
        "一、项目概况",
        "本项目由街道办事处实施，资金用于社区服务与设施维护，全年共开展活动十二次。",
        "二、绩效目标",
        "单位名称：某街道办事处\t填报日期：2021年6月30日",
    ]


def test_readings_are_the_usual_glyph_confusions() -> None:
    assert readings("16") == ["16", "76", "10", "18", "15"]
    assert "2,440.91" in readings("2,440,91")
    assert all(r.count(",") <= 1 for r in readings("1,458.91"))


def test_the_arithmetic_decides_only_with_one_winner() -> None:
    row = [Slot(0, 0, 1, 1, "分值"), Slot(0, 1, 1, 1, "执行率"), Slot(0, 2, 1, 1, "得分")]
    # 得分 = 分值 × 执行率: 10 × 96.36 % = 9.64; “9.84” read doubtfully
    slots = [*row, Slot(1, 0, 1, 1, "10"), Slot(1, 1, 1, 1, "96.36%"), Slot(1, 2, 1, 1, "9.84")]
    assert resolve(slots, {(1, 2)}) == {(1, 2): "9.64"}
    # two doubtful cells in the one relation: only as read together, where they agree
    assert resolve(slots, {(1, 1), (1, 2)}) == {}
    agreeing = [*slots[:5], Slot(1, 2, 1, 1, "9.64")]
    assert resolve(agreeing, {(1, 1), (1, 2)}) == {(1, 1): "96.36%", (1, 2): "9.64"}
    # scores sum to the total (总分 row); a doubtful score is the difference
    scores = [
        Slot(0, 0, 1, 1, "指标"),
        Slot(0, 1, 1, 1, "得分"),
        Slot(1, 0, 1, 1, "产出"),
        Slot(1, 1, 1, 1, "18"),
        Slot(2, 0, 1, 1, "效益"),
        Slot(2, 1, 1, 1, "13"),
        Slot(3, 0, 1, 1, "总分"),
        Slot(3, 1, 1, 1, "31"),
    ]
    assert resolve(scores, {(1, 1)}) == {(1, 1): "18"}
    assert resolve([*scores[:3], Slot(1, 1, 1, 1, "16"), *scores[4:]], {(1, 1)}) == {(1, 1): "18"}
    assert resolve(scores, {(3, 1)}) == {(3, 1): "31"}
    # a score above the weight written in its row is ruled out; a bound alone decides nothing
    weighted = [Slot(0, 0, 1, 1, "新建设施数量（2分）"), Slot(0, 1, 1, 1, "7")]
    assert resolve(weighted, {(0, 1)}) == {}


def test_a_rendered_form_gives_the_pdf_readers_table() -> None:
    """A committed 300 dpi page of a generated form, with the words of its text-layer PDF as the
    pieces: the same grid, merged cells and texts as the PDF reader's table."""
    truth = SCANS / "truth" / "gen-01.pdf"
    image = cv2.imread(str(SCANS / "gen-01-300dpi.png"))
    assert image is not None
    scale = image.shape[1] / 842  # landscape A4, points → pixels
    with pdfplumber.open(truth) as pdf:
        words = pdf.pages[0].extract_words(keep_blank_chars=True, x_tolerance=4)
    texts = [
        OcrText(w["text"], Box(w["x0"] * scale, w["top"] * scale, w["x1"] * scale, w["bottom"] * scale), 0.99)
        for w in words
    ]
    ours = _only_table(page_blocks(image, texts, 1))
    (theirs,) = read_document(truth, Limits()).tables
    assert (ours.n_rows, ours.n_cols) == (theirs.n_rows, theirs.n_cols)
    assert [(c.row, c.col, c.rowspan, c.colspan) for c in ours.cells] == [
        (c.row, c.col, c.rowspan, c.colspan) for c in theirs.cells
    ]
    differ = [
        (a, b)
        for ra, rb in zip(ours.text_rows(), theirs.text_rows(), strict=True)
        for a, b in zip(ra, rb, strict=True)
        if a.replace(" ", "") != b.replace(" ", "")
    ]
    assert differ == []


def test_a_doubtful_weight_in_a_label_is_dropped_with_a_note_and_the_label_kept() -> None:
    texts = [t for t in _form_texts() if t.text != "资金"]
    texts.append(_piece("数量（2分）", 110, 460, 0.5))
    notes: list[tuple[str, str]] = []
    table = _only_table(page_blocks(_page(), texts, 1, notes=notes))
    assert table.text_rows()[1][0] == "数量"
    assert (1, 0) in table.unread
    assert notes == [
        (
            "第1页 表1 第2行 第1列（图像框 110,445–275,475，页面 1500×1200 像素）",
            "“数量（2分）”识别置信度低（0.50），其中的数字未采用",
        )
    ]


def test_empty_check_boxes_read_as_kou_in_option_lists() -> None:
    img = np.full((600, 1400, 3), 255, np.uint8)
    texts = [
        _piece("1、部门预算项目■ 2、专项资金口3、上级转移支付项目口", 100, 100),
        _piece("户籍人口", 100, 200),
    ]
    blocks = page_blocks(img, texts, 1)
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == [
        "1、部门预算项目☑ 2、专项资金 ☐ 3、上级转移支付项目 ☐",
        "户籍人口",
    ]


def test_a_line_wrapped_before_a_character_and_its_closing_bracket_is_joined() -> None:
    # “次）” could not stay on the first line (a closing bracket may not start a line): wrapped.
    texts = [t for t in _form_texts() if t.text != "2,440.91" or t.box.x0 > 500]
    texts += [_piece("东湖社区累计200", 405, 480), _piece("次）", 405, 515)]
    table = _only_table(page_blocks(_page(), texts, 1))
    assert table.text_rows()[2][1] == "东湖社区累计200次）"


@pytest.mark.parametrize("faded", [False, True])
def test_a_round_seal_over_the_table_adds_no_column(faded: bool) -> None:
    img = _page()
    # a red seal stamped over the amounts, or what is left of it once the page preparation faded
    # it (a light grey rim): its rim must not become column or row lines
    colour = (190, 190, 190) if faded else (40, 40, 230)
    cv2.circle(img, (700, 480), 130, colour, 5)
    cv2.circle(img, (1000, 420), 90, colour, 4)
    if faded:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    (grid,) = find_grids(img)
    assert (grid.n_rows, grid.n_cols) == (3, 4)
    assert len(grid.cells) == 8


def test_figures_under_a_faded_seal_need_the_arithmetic() -> None:
    seal = Box(380, 440, 1000, 560)  # over both amounts of the budget row
    notes: list[tuple[str, str]] = []
    table = _only_table(page_blocks(_page(), _form_texts(), 1, notes=notes, covered=[seal]))
    # read with full confidence, but under the seal: kept because they agree with 100.00 % as read
    assert table.text_rows()[2][1:3] == ["2,440.91", "2,440.91"]
    assert not table.unread and not notes
    # the rate is not under the seal; with it gone nothing confirms the amounts
    texts = [t for t in _form_texts() if t.text != "100.00%"]
    table = _only_table(page_blocks(_page(), texts, 1, notes=notes, covered=[seal]))
    assert table.text_rows()[2][1:3] == ["", ""]
    assert table.unread == {(2, 1), (2, 2)}
    assert notes[0] == (
        "第1页 表1 第3行 第2列（图像框 420,485–540,515，页面 1500×1200 像素）",
        "“2,440.91”在印章下，识别不可靠，其中的数字未采用",
    )


def test_a_frame_around_the_page_is_not_a_table() -> None:
    img = np.full((1200, 1500, 3), 255, np.uint8)
    cv2.rectangle(img, (60, 60), (1440, 1140), (0, 0, 0), 3)
    cv2.line(img, (60, 200), (1440, 200), (0, 0, 0), 3)  # a rule under the heading
    assert find_grids(img) == []
    texts = [_piece("绩效自评报告", 600, 130, size=40), _piece("一、项目概况", 100, 260)]
    blocks = page_blocks(img, texts, 1)
    assert [b.text for b in blocks if isinstance(b, Paragraph)] == ["绩效自评报告", "一、项目概况"]


def test_a_cell_with_only_a_dash_read_as_yi_is_a_dash() -> None:
    texts = [t for t in _form_texts() if t.text != "100.00%"] + [_piece("一", 1100, 500)]
    table = _only_table(page_blocks(_page(), texts, 1))
    assert table.text_rows()[2][3] == "—"
    assert table.text_rows()[1][0] == "资金"


def test_a_target_starting_with_a_bare_equals_sign_is_not_trusted() -> None:
    """A scan that loses the lower stroke of ≥ leaves “=1次/周”, read with full confidence: the
    figure is not taken (which comparator it was cannot be told), and a note says why."""
    notes: list[tuple[str, str]] = []
    table = _only_table(page_blocks(_page(), _form_texts("=1次/周", 0.99), 1, notes=notes))
    assert table.text_rows()[2][1] == ""
    assert table.unread == {(2, 1)}
    assert notes and "可能是“≥”或“≤”" in notes[0][1]
    kept = _only_table(page_blocks(_page(), _form_texts("≥1次/周", 0.99), 1))
    assert kept.text_rows()[2][1] == "≥1次/周" and not kept.unread


@pytest.mark.parametrize(("lead", "doubted"), [(0.47, True), (0.2, False)])
def test_a_figure_whose_first_glyph_starts_well_inside_its_box_is_not_trusted(
    lead: float, doubted: bool
) -> None:
    """The recogniser can drop a ≥ and read the rest with full confidence (“1次/周” for “≥1次/周”):
    the detector's box still starts at the lost glyph, so the first glyph read begins far inside
    it. Such a figure is not taken; one whose first glyph starts near the edge is."""
    texts = _form_texts("1次/周", 0.99)
    texts = [replace(t, lead=lead * t.box.height) if t.text == "1次/周" else t for t in texts]
    notes: list[tuple[str, str]] = []
    table = _only_table(page_blocks(_page(), texts, 1, notes=notes))
    if doubted:
        assert table.text_rows()[2][1] == "" and table.unread == {(2, 1)}
        assert notes and "之前有未能识别的字符" in notes[0][1]
    else:
        assert table.text_rows()[2][1] == "1次/周" and not table.unread and not notes
    # Words that merely start inside their box are no figure to doubt.
    words = [replace(t, lead=0.6 * t.box.height) if t.text == "资金" else t for t in _form_texts()]
    assert not _only_table(page_blocks(_page(), words, 1)).unread
