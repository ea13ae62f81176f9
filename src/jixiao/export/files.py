"""Writing a finished document to the user's path: the one check of the target and the one
atomic writer, for every document jixiao writes (自评表, 自评报告, 复核报告, 汇总报告, 复核工作簿).

Every writer of documents returns its bytes (:func:`saved_bytes` for an openpyxl workbook or a
python-docx document); the web sends them as they are, and only the path-taking entry points at
the CLI edge (``export_evaluation``, ``write_review``, ``write_portfolio``, ``jixiao check
--report``) write them, here: to a temporary name next to ``out``, renamed into place, so a
reader never sees half a file and a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import uuid
from pathlib import Path
from typing import IO
from typing import Protocol

from jixiao.export.errors import ExportError


def check_suffix(suffix: str, allowed: tuple[str, ...], what: str) -> str:
    """``suffix`` (lower case) if ``what`` (自评表, 汇总报告…) comes as such a file, one of
    ``allowed``; else :class:`ExportError`, in the same words for every document."""
    if suffix.lower() not in allowed:
        raise ExportError(f"{what}不能导出为“{suffix or '（无扩展名）'}”文件：可用 {'、'.join(allowed)}。")
    return suffix.lower()


def check_target(out: Path, allowed: tuple[str, ...], what: str) -> str:
    """``out``'s suffix (lower case) if ``what`` (自评表, 汇总报告…) may be written there: one of
    ``allowed``, in an existing folder, not a folder itself. Raises :class:`ExportError`."""
    suffix = check_suffix(out.suffix, allowed, what)
    parent = out.parent
    if not parent.is_dir():
        raise ExportError(f"无法写入 {out}：目录 {parent} 不存在。")
    if out.is_dir():
        raise ExportError(f"无法写入 {out}：这是一个目录。")
    return suffix


class Saveable(Protocol):
    """What saves itself to a binary stream: an openpyxl ``Workbook``, a python-docx ``Document``."""

    def save(self, stream: IO[bytes], /) -> object: ...


def saved_bytes(document: Saveable) -> bytes:
    """The bytes of a workbook or Word document, saved in memory (no file)."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_atomic(out: Path, content: bytes | str) -> Path:
    """Write ``content`` (bytes, or a text written as UTF-8) to ``out`` whole or not at all: to a
    temporary file next to ``out``, then moved into place. Raises :class:`ExportError`."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    # Not mkstemp, which makes the file private (0600): a document is shared like any file the
    # user saves, so it is created with the permissions the user's umask gives new files.
    tmp = out.parent / f".{out.stem[:40]}-{uuid.uuid4().hex[:12]}{out.suffix}"
    try:
        with open(tmp, "xb") as stream:
            stream.write(data)
        os.replace(tmp, out)
    except OSError as exc:
        raise ExportError(
            f"无法写入 {out}：{exc.strerror or exc}（文件是否正被 Excel/Word 等程序打开？）"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out
