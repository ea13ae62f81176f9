"""Scans read by OCR: image files, PDF pages without a text layer, page preparation and limits.

Real OCR on small drawn pages (a few lines of Chinese with the figures a 自评表 holds), so each
case takes a second or two; the corpus-sized material and its accuracy are in test_scans.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from PIL import ImageChops
from PIL import ImageDraw
from PIL import ImageFont

from jixiao.intake import progress
from jixiao.intake.document import Scanned
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.ocr import engine
from jixiao.intake.ocr.boxes import Box
from jixiao.intake.ocr.page import fade_seals
from jixiao.intake.ocr.page import prepare
from jixiao.intake.readers import read_document
from jixiao.intake.readers import sniff
from jixiao.intake.readers.pdf import read_pdf
from jixiao.intake.readers.scan import NOTHING_READ

FONT = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
LINES = ("项目名称：社区服务专项", "预算数 2,440.91 万元", "执行率 98.65%", "受益人数 ≥50 人")
pytestmark = pytest.mark.skipif(not FONT.exists(), reason="Noto CJK fonts (scripts/system-deps)")


def page(lines: tuple[str, ...] = LINES, size: tuple[int, int] = (1100, 700)) -> Image.Image:
    """A white page with ``lines`` printed in black, 40 px high, one below the other."""
    picture = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(picture)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(lines):
        draw.text((80, 80 + i * 110), line, fill="black", font=font)
    return picture


def text_of(path: Path, limits: Limits | None = None) -> str:
    return read_document(path, limits).text().replace(" ", "")


def assert_read(text: str) -> None:
    for wanted in ("社区服务专项", "2,440.91", "98.65%", "≥50"):
        assert wanted in text, (wanted, text)


def test_image_files_are_sniffed_by_their_bytes(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    page().save(buffer, "PNG")
    assert sniff(tmp_path / "扫描.pdf", buffer.getvalue()[:16]) == "image"
    assert sniff(tmp_path / "x.tif", b"II*\x00rest") == "image"
    assert sniff(tmp_path / "x.jpg", b"\xff\xd8\xffrest") == "image"


def test_png_is_read_with_provenance_and_progress(tmp_path: Path) -> None:
    path = tmp_path / "自评表.png"
    page().save(path)
    seen: list[tuple[int, int]] = []
    with progress.listening(lambda done, total: seen.append((done, total))):
        document = read_document(path)
    assert (document.format, document.pages, document.scanned) == ("png", 1, 1)
    assert seen == [(1, 1)]
    assert_read(document.text().replace(" ", ""))
    assert all(block.page == 1 for block in document.blocks)


def test_recognise_gives_boxes_and_confidences() -> None:
    image = np.asarray(page())[:, :, ::-1]
    texts = engine.recognise(image)
    budget = next(t for t in texts if "2,440.91" in t.text.replace(" ", ""))
    assert 0.8 <= budget.confidence <= 1.0
    # The second line is printed 190-240 px from the top, from x = 80.
    assert 170 <= budget.box.y0 < budget.box.y1 <= 260
    assert 60 <= budget.box.x0 <= 100
    # Each piece says where its first glyph begins inside its box: near the edge when read whole.
    assert any(t.lead > 0 for t in texts)
    assert all(0 <= t.lead < 0.35 * t.box.height for t in texts), [(t.text, t.lead, t.box) for t in texts]


def test_photo_turned_a_quarter_and_skewed_reads(tmp_path: Path) -> None:
    turned = page().rotate(90, expand=True, fillcolor="white")  # counter-clockwise: lying on its side
    path = tmp_path / "手机拍照.jpg"
    turned.save(path, quality=85)
    assert_read(text_of(path))
    skewed = np.asarray(page().rotate(4, expand=True, fillcolor="white"))[:, :, ::-1]
    prepared = prepare(skewed)
    assert prepared.rotation == 0
    assert 3.0 <= abs(prepared.skew) <= 5.0


def test_upside_down_page(tmp_path: Path) -> None:
    path = tmp_path / "倒置.png"
    page().rotate(180).save(path)
    assert_read(text_of(path))


def test_red_seal_over_the_figures_is_faded() -> None:
    seal = Image.new("RGB", (1100, 700), "white")
    draw = ImageDraw.Draw(seal)
    draw.ellipse((300, 120, 560, 380), outline=(220, 30, 30), width=10)  # over 2,440.91 and 98.65%
    draw.regular_polygon((430, 250, 50), 5, fill=(220, 30, 30))
    picture = ImageChops.multiply(page(), seal)  # ink on ink: black under the red stays black
    colour = np.asarray(picture)[:, :, ::-1].copy()
    grey, seals = fade_seals(colour)
    assert seals == 1
    assert grey[250, 430] > 200  # the star is paper now
    texts = "".join(t.text for t in engine.recognise(prepare(colour).image)).replace(" ", "")
    assert "2,440.91" in texts
    assert "98.65%" in texts


def test_red_text_line_is_not_a_seal() -> None:
    picture = page()
    ImageDraw.Draw(picture).text(
        (80, 600), "红色字体的说明文字", fill=(220, 30, 30), font=ImageFont.truetype(str(FONT), 40)
    )
    grey, seals = fade_seals(np.asarray(picture)[:, :, ::-1].copy())
    assert seals == 0
    assert grey[600:650, 80:500].min() < 160  # the red line is still ink


def test_multi_page_tiff_and_the_page_limit(tmp_path: Path) -> None:
    path = tmp_path / "两页.tif"
    first, second = page(), page(("第二页：自评得分 92.5 分",))
    first.save(path, save_all=True, append_images=[second])
    document = read_document(path)
    assert (document.pages, document.scanned) == (2, 2)
    assert "92.5" in document.text()
    assert {b.page for b in document.blocks} == {1, 2}
    limited = read_document(path, Limits(ocr_max_pages=1))
    assert limited.scanned == 1
    assert "92.5" not in limited.text()
    assert limited.notes == [
        (
            "第2页起",
            "扫描页过多（2 页），超过每个文件识别 1 页的上限，其后 1 页未识别；可用环境变量 JIXIAO_OCR_MAX_PAGES 调整",
        )
    ]


def test_too_many_pixels_is_refused_before_decoding(tmp_path: Path) -> None:
    path = tmp_path / "巨图.png"
    page().save(path)
    with pytest.raises(UnreadableDocument, match=r"图像过大.*超过每页 100,000 像素的上限"):
        read_document(path, Limits(ocr_max_pixels=100_000))
    bomb = tmp_path / "炸弹.png"
    Image.new("1", (20_000, 20_000)).save(bomb)  # 400 M pixels in a few KB
    with pytest.raises(UnreadableDocument, match="像素的上限"):
        read_document(bomb)


def test_page_time_limit_stops_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "慢.tif"
    page().save(path, save_all=True, append_images=[page(), page()])
    document = read_document(path, Limits(ocr_page_seconds=0.001))
    assert document.scanned == 1
    [(place, reason)] = document.notes
    assert place == "第2页起"
    assert "超过每页时限 0.001 秒，其后 2 页未识别" in reason


@pytest.mark.parametrize("content", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, b"not an image at all"])
def test_broken_image_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "坏图.png"
    path.write_bytes(content)
    with pytest.raises(UnreadableDocument, match="图片已损坏或格式无法识别"):
        read_document(path)


def test_blank_scan_says_nothing_was_read(tmp_path: Path) -> None:
    path = tmp_path / "空白.png"
    Image.new("RGB", (800, 600), "white").save(path)
    with pytest.raises(UnreadableDocument) as caught:
        read_document(path)
    assert caught.value.reason == NOTHING_READ


def test_scanned_pdf_page_is_read_among_text_pages(tmp_path: Path) -> None:
    path = tmp_path / "扫描件.pdf"
    first, second = page(), page(("第二页：自评得分 92.5 分",))
    first.save(path, save_all=True, append_images=[second], resolution=100)
    document = read_pdf(path, Limits())
    assert (document.pages, document.scanned) == (2, 2)
    text = document.text().replace(" ", "")
    assert_read(text)
    assert "92.5" in text
    assert [b.page for b in document.blocks] == sorted(b.page or 0 for b in document.blocks)


def test_scanned_place_in_words() -> None:
    where = Scanned(page=2, box=Box(10, 10, 200, 60), confidence=0.93, width=1000, height=1400).where()
    assert where == "第2页 上部偏左"
    assert Scanned(1, Box(600, 1200, 900, 1300), 0.5, 1000, 1400).where() == "第1页 下部偏右"


def test_perspective_photo_is_unwarped() -> None:
    sheet = np.asarray(page(size=(1000, 1300)))[:, :, ::-1]
    height, width = sheet.shape[:2]
    photo_w, photo_h = 1400, 1700
    corners = np.float32([[0, 0], [width, 0], [width, height], [0, height]])
    placed = np.float32([[230, 160], [1180, 230], [1250, 1560], [150, 1480]])
    matrix = cv2.getPerspectiveTransform(corners, placed)
    photo = cv2.warpPerspective(sheet, matrix, (photo_w, photo_h), borderValue=(70, 60, 50))
    prepared = prepare(photo)
    assert "透视校正" in prepared.steps
    texts = "".join(t.text for t in engine.recognise(prepared.image)).replace(" ", "")
    assert "2,440.91" in texts


def test_transparent_png_is_read_on_white_paper(tmp_path: Path) -> None:
    clear = Image.new(
        "RGBA", (1100, 700), (0, 0, 0, 0)
    )  # black where transparent: a black page if flattened naively
    draw = ImageDraw.Draw(clear)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(LINES):
        draw.text((80, 80 + i * 110), line, fill=(0, 0, 0, 255), font=font)
    path = tmp_path / "透明.png"
    clear.save(path)
    assert_read(text_of(path))


def test_a_page_that_fails_does_not_sink_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from jixiao.intake.ocr import page as page_module

    real = page_module.prepare
    calls: list[int] = []

    def flaky(image: np.ndarray) -> page_module.Prepared:
        calls.append(1)
        if len(calls) == 1:
            raise ValueError("an image the preparation cannot handle")
        return real(image)

    monkeypatch.setattr(page_module, "prepare", flaky)
    path = tmp_path / "两页.tif"
    page().save(path, save_all=True, append_images=[page(("第二页：自评得分 92.5 分",))])
    document = read_document(path)
    assert document.scanned == 1
    assert document.notes == [("第1页", "识别该页时出错（ValueError），未识别")]
    assert "92.5" in document.text()
