"""Exceptions of the exporters: a document that cannot be written, a layout that cannot be used.

Both are :class:`~jixiao.errors.JixiaoError`, so the CLI prints their Chinese message and exits 2::

    JixiaoError
    └── ExportError      the document cannot be written (bad suffix, unwritable path, LibreOffice failed)
        └── LayoutError  a layout file is malformed: which file, which entry, what is wrong
"""

from __future__ import annotations

from jixiao.errors import JixiaoError


class ExportError(JixiaoError):
    """无法导出文档。"""


class LayoutError(ExportError):
    """A layout (表样) definition cannot be used."""

    def __init__(self, where: str, problem: str) -> None:
        self.where = where
        self.problem = problem
        super().__init__(f"表样 {where}：{problem}")
