"""Scans: image files (``.jpg .jpeg .png .tif .tiff``, multi-page TIFF) and PDF pages without a
text layer, read by OCR.

Each page: its image is loaded within the limits (pixels per page, Pillow held to the same bound
against decompression bombs), prepared (:mod:`jixiao.intake.ocr.page`), recognised
(:mod:`jixiao.intake.ocr.engine`) and laid out into paragraphs and tables
(:func:`jixiao.intake.ocr.layout.page_blocks`). Past the page limit, or once a page took longer
than the time per page, the remaining pages are not read and the document gets a note (an
``EXTRACTION_INCOMPLETE`` finding); the batch goes on.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from jixiao.intake import progress
from jixiao.intake.document import Block
from jixiao.intake.document import Document
from jixiao.intake.document import Table
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.limits import seconds_text

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff")
NOTHING_READ = "扫描件中没有识别出文字（页面空白，或图像过于模糊、过小）"
# PDF pages are rendered at this resolution (fewer pixels when the page would exceed the limit).
RENDER_DPI = 200
# A page image larger than this (long side, pixels) is scaled down before it is prepared: finer
# detail does not help the engine, which works at about 2000 pixels, and costs time and memory.
_WORK_SIDE = 3600
# A page whose prepared image has less dark ink than this share is blank (a back page).
_BLANK_INK = 0.002


class PageRefused(Exception):
    """One page cannot be read (too large, damaged); ``reason`` is the note, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


PageLoader = Callable[[], Any]  # () -> numpy image (BGR or grey, uint8); raises PageRefused


def read_pages(
    pages: Sequence[tuple[int, PageLoader]],
    limits: Limits,
    notes: list[tuple[str, str]],
    *,
    tables_before: int = 0,
) -> tuple[list[Block], int]:
    """OCR the ``(page number, loader)`` pages in order into blocks; return them and how many
    pages were read. Whatever is not read is noted in ``notes``."""
    from jixiao.intake.ocr.engine import recognise
    from jixiao.intake.ocr.layout import page_blocks
    from jixiao.intake.ocr.page import prepare

    blocks: list[Block] = []
    tables = tables_before
    read = 0
    total = min(len(pages), limits.ocr_max_pages)
    if len(pages) > limits.ocr_max_pages:
        first = pages[limits.ocr_max_pages][0]
        notes.append(
            (
                f"第{first}页起",
                f"扫描页过多（{len(pages)} 页），超过每个文件识别 {limits.ocr_max_pages} 页的上限，"
                f"其后 {len(pages) - limits.ocr_max_pages} 页未识别；可用环境变量 JIXIAO_OCR_MAX_PAGES 调整",
            )
        )
    for index, (number, load) in enumerate(pages[:total]):
        place = f"第{number}页"
        started = time.monotonic()
        try:
            image = load()
        except PageRefused as exc:
            notes.append((place, exc.reason))
            progress.page_read(index + 1, total)
            continue
        try:
            prepared = prepare(image)
            del image
            texts = recognise(prepared.image)
            if not texts and _inked(prepared.image):
                notes.append((place, "扫描页上有内容，但没有识别出文字（图像可能过于模糊或为手写）"))
            found = page_blocks(
                prepared.image,
                texts,
                number,
                tables_before=tables,
                min_confidence=limits.ocr_min_confidence,
                notes=notes,
            )
        except (UnreadableDocument, MemoryError):
            raise
        except Exception as exc:  # one page the image code cannot handle does not sink the others
            notes.append((place, f"识别该页时出错（{type(exc).__name__}），未识别"))
            progress.page_read(index + 1, total)
            continue
        tables += sum(1 for b in found if isinstance(b, Table))
        blocks.extend(found)
        read += 1
        progress.page_read(index + 1, total)
        spent = time.monotonic() - started
        if spent > limits.ocr_page_seconds and index + 1 < total:
            notes.append(
                (
                    f"第{pages[index + 1][0]}页起",
                    f"第{number}页识别用时 {spent:.0f} 秒，超过每页时限 {seconds_text(limits.ocr_page_seconds)} 秒，"
                    f"其后 {total - index - 1} 页未识别；可用环境变量 JIXIAO_OCR_PAGE_SECONDS 调整",
                )
            )
            break
    return blocks, read


def _inked(image: Any) -> bool:
    import numpy as np

    return bool(np.count_nonzero(image < 128) > _BLANK_INK * image.size)


def fit(image: Any) -> Any:
    """``image`` scaled down so its long side is at most the working size."""
    import cv2

    side = max(image.shape[:2])
    if side <= _WORK_SIDE:
        return image
    scale = _WORK_SIDE / side
    return cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)


def too_large(width: int, height: int, limits: Limits) -> str:
    return (
        f"图像过大（{width}×{height} 像素），超过每页 {limits.ocr_max_pixels:,} 像素的上限，未识别；"
        "可用环境变量 JIXIAO_OCR_MAX_PIXELS 调整"
    )


def read_image(path: Path, limits: Limits) -> Document:
    """An image file (one page, or every frame of a multi-page TIFF) read by OCR."""
    import numpy as np
    from PIL import Image
    from PIL import ImageOps
    from PIL import UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = limits.ocr_max_pixels
    try:
        picture = Image.open(path)
    except Image.DecompressionBombError:
        raise UnreadableDocument(
            f"图像过大，超过每页 {limits.ocr_max_pixels:,} 像素的上限（可能是解压炸弹），未识别；"
            "可用环境变量 JIXIAO_OCR_MAX_PIXELS 调整"
        ) from None
    except (UnidentifiedImageError, ValueError, SyntaxError):
        raise UnreadableDocument("图片已损坏或格式无法识别") from None
    except OSError as exc:
        raise UnreadableDocument(f"无法读取图片（{exc.strerror or exc}）") from None
    with picture:
        fmt = (picture.format or path.suffix.lstrip(".")).lower()
        count = int(getattr(picture, "n_frames", 1) or 1)
        if count > limits.max_pages:
            raise UnreadableDocument(
                f"图片页数过多（{count} 页），超过上限 {limits.max_pages} 页；可用环境变量 JIXIAO_MAX_PAGES 调整"
            )

        def loader(frame: int) -> PageLoader:
            def load() -> Any:
                try:
                    picture.seek(frame)
                    width, height = picture.size
                    if width * height > limits.ocr_max_pixels:
                        raise PageRefused(too_large(width, height, limits))
                    rgb = _rgb(ImageOps.exif_transpose(picture))
                except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                    raise PageRefused(too_large(*picture.size, limits)) from None
                except (OSError, ValueError, SyntaxError, EOFError) as exc:
                    raise PageRefused(f"图像已损坏，未识别（{str(exc)[:60]}）") from None
                return fit(np.asarray(rgb)[:, :, ::-1])

            return load

        notes: list[tuple[str, str]] = []
        blocks, read = read_pages([(i + 1, loader(i)) for i in range(count)], limits, notes)
    if not blocks:
        refused = [reason for _, reason in notes]
        raise UnreadableDocument(refused[0] if len(refused) == 1 and count == 1 else NOTHING_READ)
    return Document(path=str(path), format=fmt, blocks=blocks, pages=count, notes=notes, scanned=read)


def _rgb(frame: Any) -> Any:
    """An RGB picture of a frame of any mode: transparency over white paper (a transparent PNG is
    not a black page), 16-bit and float grey stretched to 8 bits rather than clipped."""
    import numpy as np
    from PIL import Image

    if frame.mode in {"I", "I;16", "I;16B", "I;16L", "F"}:
        values = np.asarray(frame, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        scaled = (values - low) * (255.0 / (high - low)) if high > low else np.full(values.shape, 255.0)
        return Image.fromarray(scaled.astype(np.uint8)).convert("RGB")
    if frame.mode in {"RGBA", "LA", "PA"} or (frame.mode == "P" and "transparency" in frame.info):
        rgba = frame.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("RGB")
    return frame.convert("RGB")


def pdf_page_loaders(
    path: Path, numbers: Sequence[int], limits: Limits
) -> tuple[list[tuple[int, PageLoader]], Any]:
    """Loaders that render the given pages (from 1) of a PDF with PDFium, and the open document
    (to close when done)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))

    def loader(number: int) -> PageLoader:
        def load() -> Any:
            try:
                page = pdf[number - 1]
                try:
                    width, height = page.get_size()
                    scale = RENDER_DPI / 72
                    if width * height * scale * scale > limits.ocr_max_pixels:
                        scale = math.sqrt(limits.ocr_max_pixels / max(width * height, 1.0)) * 0.99
                    bitmap = page.render(scale=scale)
                    try:
                        return fit(bitmap.to_numpy().copy())
                    finally:
                        bitmap.close()
                finally:
                    page.close()
            except MemoryError:
                raise
            except Exception as exc:
                raise PageRefused(f"无法渲染该页，未识别（{str(exc)[:60]}）") from None

        return load

    return [(n, loader(n)) for n in numbers], pdf
