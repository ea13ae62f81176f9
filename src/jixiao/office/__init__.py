"""LibreOffice headless, the one runner for every conversion jixiao makes.

The readers convert legacy formats (.doc/.wps → .docx, .xls/.et → .xlsx, through
:mod:`jixiao.intake.readers.libreoffice`) and the exporters office files → .pdf
(:mod:`jixiao.export.pdf`); both call :func:`convert` here, which depends on nothing of jixiao.

Modules:
    pool     one long-lived LibreOffice per process, reused for every conversion (timeout, kill
             and replace, own profile, nothing left running) — the normal path
    server   the helper the pool runs under a Python that can ``import uno``
    oneshot  one LibreOffice per conversion, where no such Python is installed
    errors   ``ConversionError``, ``LibreOfficeMissing``

LibreOffice and ``python3-uno`` are installed by ``scripts/system-deps``; ``JIXIAO_SOFFICE``
names another LibreOffice, ``JIXIAO_OFFICE_PYTHON`` another Python with ``uno`` (empty: none, so
every conversion starts its own LibreOffice).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from jixiao.office import oneshot
from jixiao.office import pool
from jixiao.office.errors import ConversionError
from jixiao.office.errors import LibreOfficeMissing
from jixiao.office.pool import running
from jixiao.office.pool import shutdown

__all__ = ["ConversionError", "LibreOfficeMissing", "convert", "running", "shutdown", "soffice"]

_CANDIDATES = ("soffice", "libreoffice")


def soffice() -> str | None:
    """The LibreOffice executable, or ``None`` when it is not installed."""
    override = os.environ.get("JIXIAO_SOFFICE")
    if override:
        return override
    for name in _CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert(
    source: Path, target: str, outdir: Path, timeout: float, env: dict[str, str] | None = None
) -> Path:
    """Convert ``source`` to format ``target`` (``"docx"``, ``"xlsx"``, ``"pdf"``) into
    ``outdir``/``<stem>.<target>``.

    ``env`` adds variables for the LibreOffice that converts (the exporters pass
    ``FONTCONFIG_FILE``). Returns the converted file. Raises :class:`LibreOfficeMissing` when
    LibreOffice is not installed, :class:`ConversionError` when it cannot start, fails, produces
    nothing, or runs out of time.
    """
    exe = soffice()
    if exe is None:
        raise LibreOfficeMissing()
    outdir.mkdir(parents=True, exist_ok=True)
    python = pool.uno_python()
    if python is None:
        return oneshot.convert(exe, source, target, outdir, timeout, env or {})
    result = outdir / f"{source.stem}.{target}"
    pool.convert(exe, python, source, result, timeout, env or {})
    if not result.exists() or result.stat().st_size == 0:
        raise ConversionError("LibreOffice 无法转换此文件（文件可能已损坏或已加密）")
    return result
