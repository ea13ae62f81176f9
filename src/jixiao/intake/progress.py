"""Progress inside one file: the pages of a scan as OCR reads them.

A reader calls :func:`page_read` after each page; whoever wants to know (the batch worker, which
passes it on to its parent for the progress bar) installs a listener with :func:`listening`.
Without a listener the call does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

PageListener = Callable[[int, int], None]

_listener: ContextVar[PageListener | None] = ContextVar("jixiao_page_listener", default=None)


@contextmanager
def listening(listener: PageListener) -> Iterator[None]:
    """Call ``listener(done, total)`` for every page read while the block runs."""
    token = _listener.set(listener)
    try:
        yield
    finally:
        _listener.reset(token)


def page_read(done: int, total: int) -> None:
    """``done`` of ``total`` pages of the current file are read."""
    listener = _listener.get()
    if listener is not None:
        listener(done, total)
