"""Readers: one per file family, each turning a file into a :class:`~jixiao.intake.document.Document`.

:func:`read_document` looks at a file's first bytes, not only its name (a ``.doc`` that is really
a ``.docx``, a ``.wps`` saved in Word's binary format, an ``.et`` that is an ``.xls``), checks the
size limit, and hands it to the right reader. Any reader raises
:class:`~jixiao.intake.document.UnreadableDocument` with a Chinese reason when the file cannot be
read; nothing else escapes for a bad file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from jixiao.intake.document import Document
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.limits import human_size
from jixiao.intake.limits import memory_reason

# What each file name suffix is expected to hold.
SUFFIXES = {
    ".txt": "txt",
    ".text": "txt",
    ".md": "txt",
    ".docx": "docx",
    ".docm": "docx",
    ".doc": "doc",
    ".wps": "wps",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xls",
    ".et": "et",
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".mht": "mht",
    ".mhtml": "mht",
    ".jpg": "image",
    ".jpeg": "image",
    ".png": "image",
    ".tif": "image",
    ".tiff": "image",
}
SUPPORTED = tuple(SUFFIXES)

_CFB = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# JPEG, PNG, TIFF (little- and big-endian): scans and photos, read by OCR.
_IMAGES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"II*\x00", b"MM\x00*")


def sniff(path: Path, head: bytes) -> str:
    """The family a file really belongs to: ``txt``, ``docx``, ``xlsx``, ``cfb-word``, ``cfb-sheet``,
    ``pdf``, ``html``, ``mht``, ``image``, or ``unknown``. The name decides only between formats the bytes cannot tell apart."""
    suffix = SUFFIXES.get(path.suffix.lower())
    if head.startswith(b"%PDF-") or (b"%PDF-" in head[:1024] and suffix == "pdf"):
        return "pdf"
    if head.startswith(_IMAGES):
        return "image"
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, UnicodeDecodeError, EOFError):
            return suffix or "unknown"  # let the expected reader report the corruption
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        return suffix or "unknown"
    if head.startswith(_CFB):
        if suffix in {"xls", "et", "xlsx"}:
            return "cfb-sheet"
        return "cfb-word"
    if suffix in {"xls", "et", "xlsx"}:
        return suffix  # an HTML table named .xls: LibreOffice reads it as a sheet, with exact numbers
    return _markup(head) or suffix or "unknown"


def _markup(head: bytes) -> str | None:
    """``html`` for a page (or a bare ``<table>``), ``mht`` for a MIME web archive (whatever the
    name: Word saves both as ``.doc`` too), else None."""
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1024].lower()
    if b"mime-version:" in head[:2048].lower() and b"multipart/related" in head.lower():
        return "mht"
    if start.startswith((b"<!doctype html", b"<html", b"<table")):
        return "html"
    if start.startswith(b"<") and b"<html" in start:
        return "html"
    return None


def read_document(path: Path, limits: Limits | None = None) -> Document:
    """Read any supported file; raise ``UnreadableDocument`` with the reason when it cannot be
    (also when reading it runs out of memory: past a worker's address-space cap, say)."""
    limits = limits or Limits()
    try:
        return _read_document(path, limits)
    except MemoryError:
        raise UnreadableDocument(memory_reason(limits)) from None


def _read_document(path: Path, limits: Limits) -> Document:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise UnreadableDocument("文件不存在") from None
    except OSError as exc:
        raise UnreadableDocument(f"无法打开文件（{exc.strerror or exc}）") from None
    if not path.is_file():
        raise UnreadableDocument("不是普通文件")
    if size == 0:
        raise UnreadableDocument("文件为空（0 字节）")
    if size > limits.max_file_bytes:
        raise UnreadableDocument(
            f"文件过大（{human_size(size)}），超过上限 {human_size(limits.max_file_bytes)}；"
            "可用 --max-size 或环境变量 JIXIAO_MAX_FILE_MB 调整"
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise UnreadableDocument(f"无法读取文件（{exc.strerror or exc}）") from None
    kind = sniff(path, head)
    if kind == "txt":
        from jixiao.intake.readers.text import read_text

        return read_text(path, limits)
    if kind == "docx":
        from jixiao.intake.readers.docx import read_docx

        return read_docx(path, limits)
    if kind == "xlsx":
        from jixiao.intake.readers.spreadsheet import read_xlsx

        return read_xlsx(path, limits)
    if kind in {"cfb-sheet", "xls", "et"}:
        from jixiao.intake.readers.spreadsheet import read_xls

        return read_xls(path, limits)
    if kind in {"cfb-word", "doc", "wps"}:
        from jixiao.intake.readers.docx import read_doc

        return read_doc(path, limits)
    if kind == "pdf":
        from jixiao.intake.readers.pdf import read_pdf

        return read_pdf(path, limits)
    if kind == "image":
        from jixiao.intake.readers.scan import read_image

        return read_image(path, limits)
    if kind == "html":
        from jixiao.intake.readers.html import read_html

        return read_html(path, limits)
    if kind == "mht":
        from jixiao.intake.readers.html import read_mht

        return read_mht(path, limits)
    shown = path.suffix or "（无扩展名）"
    raise UnreadableDocument(
        f"不支持的文件类型 {shown}；支持 {'、'.join(s for s in SUPPORTED if s not in {'.text', '.docm', '.xlsm'})}"
    )
