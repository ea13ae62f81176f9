"""Legacy formats through LibreOffice for the readers (.doc/.wps → .docx, .xls/.et → .xlsx).

The runner itself (one long-lived LibreOffice per process with its own profile, a timeout, a
hung or crashed office killed and replaced) is :mod:`jixiao.office`, shared with the exporters; this module says its failures the way a reader does, as an
:class:`~jixiao.intake.document.UnreadableDocument` the batch reports for that file.
"""

from __future__ import annotations

from pathlib import Path

from jixiao import office
from jixiao.intake.document import UnreadableDocument
from jixiao.office import soffice

__all__ = ["convert", "soffice"]


def convert(source: Path, target: str, outdir: Path, timeout: float) -> Path:
    """Convert ``source`` to format ``target`` into ``outdir``; raise ``UnreadableDocument`` on failure."""
    try:
        return office.convert(source, target, outdir, timeout)
    except office.LibreOfficeMissing:
        raise UnreadableDocument(
            f"需要 LibreOffice 才能读取 {source.suffix} 文件，但本机未安装；请运行 scripts/setup"
        ) from None
    except office.ConversionError as exc:
        raise UnreadableDocument(exc.reason) from None
