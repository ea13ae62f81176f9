"""A bound on what a PDF may inflate: no stream beyond ``Limits.max_part_bytes``, no document
beyond ``Limits.max_unpacked_bytes`` in all.

pdfminer decodes a stream (a page's content, a font's ToUnicode map, an object or xref stream, an
image if anything asks for it) in one ``zlib.decompress`` call, however big the result: a one-page
PDF of 1 MB whose ``/Contents`` is zlib of 800 MB of spaces takes a reader to gigabytes. While
:func:`bounded_streams` is active, every ``PDFStream.decode`` first inflates its Flate layers
piece by piece, counting, and refuses the stream with :class:`StreamTooLarge` as soon as the count
passes the limit; whatever other filters produce is counted after they ran (they expand at most a
few hundred times). The budget is per reading (a context variable), so the bound applies only to
the reader that asked for it, in whatever thread.
"""

from __future__ import annotations

import contextlib
import zlib
from collections.abc import Callable
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from jixiao.intake.document import UnreadableDocument
from jixiao.intake.limits import Limits
from jixiao.intake.limits import human_size

_STEP = 1 << 20  # inflate at most this much at a time


class StreamTooLarge(UnreadableDocument):
    """A stream (or the document's streams in all) would inflate beyond the limit."""


@dataclass(slots=True)
class _Budget:
    per_stream: int
    total: int
    used: int = 0
    refused: StreamTooLarge | None = None

    def refuse(self, reason: str) -> StreamTooLarge:
        self.refused = StreamTooLarge(reason)
        return self.refused


_BUDGET: ContextVar[_Budget | None] = ContextVar("jixiao_pdf_budget", default=None)
_ORIGINAL: list[Callable[[Any], None]] = []


@contextlib.contextmanager
def bounded_streams(limits: Limits) -> Iterator[_Budget]:
    """Bound every stream pdfminer decodes inside the ``with`` block; the budget it yields says
    whether a stream was refused (pdfminer catches some errors itself, so the reader checks
    ``refused`` after reading as well)."""
    _install()
    budget = _Budget(per_stream=limits.max_part_bytes, total=limits.max_unpacked_bytes)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


def refusal(exc: BaseException) -> StreamTooLarge | MemoryError | None:
    """The refusal (or the MemoryError past the worker's memory cap) behind ``exc``, if any:
    pdfplumber wraps pdfminer's errors in its own, and neither may pass for a damaged page."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, StreamTooLarge | MemoryError):
            return current
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                stack.append(linked)
    return None


def _install() -> None:
    """Wrap ``PDFStream.decode`` once per process (the wrapper does nothing outside
    :func:`bounded_streams`)."""
    if _ORIGINAL:
        return
    from pdfminer.pdftypes import PDFStream

    _ORIGINAL.append(PDFStream.decode)
    PDFStream.decode = _bounded_decode  # type: ignore[method-assign,assignment]


def _bounded_decode(stream: Any) -> None:
    budget = _BUDGET.get()
    original = _ORIGINAL[0]
    if budget is None:
        original(stream)
        return
    if budget.refused is not None:
        raise budget.refused
    _check_flate(stream, budget)
    original(stream)
    size = len(stream.data or b"")
    _count(size, budget)


def _count(size: int, budget: _Budget) -> None:
    if size > budget.per_stream:
        raise budget.refuse(
            f"PDF 中的数据流解压后超过 {human_size(budget.per_stream)}（疑似压缩炸弹），已拒绝"
        )
    budget.used += size
    if budget.used > budget.total:
        raise budget.refuse(f"PDF 的数据流解压后合计超过 {human_size(budget.total)}（疑似压缩炸弹），已拒绝")


def _check_flate(stream: Any, budget: _Budget) -> None:
    """Inflate the stream's leading Flate layers within the limit, or refuse it."""
    from pdfminer.pdftypes import LITERALS_FLATE_DECODE

    data = stream.rawdata
    if data is None:
        return
    filters = stream.get_filters()
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
        return
    if stream.decipher is not None and stream.objid is not None:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    room = min(budget.per_stream, budget.total - budget.used)
    layers = [name in LITERALS_FLATE_DECODE for name, _params in filters]
    for i, flate in enumerate(layers):
        if not flate:
            return
        keep = i + 1 < len(layers) and layers[i + 1]
        data = _inflate_within(data, room, budget, keep=keep)


def _inflate_within(data: bytes, room: int, budget: _Budget, *, keep: bool) -> bytes:
    """``data`` inflated (only counted unless ``keep``), or a refusal once the output passes
    ``room`` bytes. A damaged stream counts what it yields before the damage (pdfminer recovers
    that much too)."""
    inflater = zlib.decompressobj()
    pieces: list[bytes] = []
    size = 0
    pending = data
    try:
        while True:
            piece = inflater.decompress(pending, _STEP)
            size += len(piece)
            if size > room:
                _count(size, budget)  # says which limit: one stream's or the document's
                raise budget.refuse("PDF 中的数据流解压后超过上限（疑似压缩炸弹），已拒绝")
            if keep:
                pieces.append(piece)
            pending = inflater.unconsumed_tail
            if inflater.eof or (not pending and len(piece) < _STEP):
                break
    except zlib.error:
        pass
    return b"".join(pieces)
