"""Writing a finished document to the user's path: the one check of the target and the one
atomic writer, for every document jixiao writes (自评表, 自评报告, 复核报告, 汇总报告).

A document is written to a temporary name next to ``out`` and renamed into place, so a reader
never sees half a file and a failure leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Callable
from pathlib import Path

from jixiao.export.errors import ExportError


def check_target(out: Path, allowed: tuple[str, ...], what: str) -> str:
    """``out``'s suffix (lower case) if ``what`` (自评表, 汇总报告…) may be written there: one of
    ``allowed``, in an existing folder, not a folder itself. Raises :class:`ExportError`."""
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise ExportError(
            f"{what}不能导出为“{out.suffix or '（无扩展名）'}”文件：可用 {'、'.join(allowed)}。"
        )
    parent = out.parent
    if not parent.is_dir():
        raise ExportError(f"无法写入 {out}：目录 {parent} 不存在。")
    if out.is_dir():
        raise ExportError(f"无法写入 {out}：这是一个目录。")
    return suffix


def write_atomic(out: Path, write: Callable[[Path], object]) -> Path:
    """Run ``write(tmp)`` for a temporary file next to ``out``, then move it into place."""
    # Not mkstemp, which makes the file private (0600): a document is shared like any file the
    # user saves, so it is created with the permissions the user's umask gives new files.
    tmp = out.parent / f".{out.stem[:40]}-{uuid.uuid4().hex[:12]}{out.suffix}"
    try:
        os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        write(tmp)
        os.replace(tmp, out)
    except OSError as exc:
        raise ExportError(
            f"无法写入 {out}：{exc.strerror or exc}（文件是否正被 Excel/Word 等程序打开？）"
        ) from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return out


def write_text_atomic(out: Path, text: str) -> Path:
    """:func:`write_atomic` of a UTF-8 text (an HTML report)."""
    return write_atomic(out, lambda path: path.write_text(text, encoding="utf-8"))
