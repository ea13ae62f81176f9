"""What a table found from its ruling lines is, whichever reader found it: the positions of its
column lines ``xs`` and row lines ``ys``, left to right and top to bottom. The PDF reader finds
them in a page's vector graphics (``readers/pdf_tables.py``), the OCR reader in a page image
(``ocr/grid.py``)."""

from __future__ import annotations

from collections.abc import Sequence


class Ruled:
    """A mixin for a table between ruling lines: its grid's size from ``xs`` and ``ys``."""

    __slots__ = ()
    xs: Sequence[float]
    ys: Sequence[float]

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1
