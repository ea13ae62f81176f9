"""PDF through LibreOffice headless, with Chinese fonts that never render as boxes.

A .docx names 宋体/仿宋/黑体, which a Linux server does not have. ``fonts.conf`` (next to this
module) includes the system fontconfig setup and maps those names, their Windows names and the
GB2312 variants to Noto Serif CJK SC / Noto Sans CJK SC (installed with fonts-noto-cjk by
``scripts/system-deps``). LibreOffice reads it through ``FONTCONFIG_FILE``, given to the office
:func:`jixiao.office.convert` keeps for the exports (one long-lived LibreOffice per process and
set of variables, its own profile, a timeout, killed and replaced when it hangs or crashes; the
readers' office runs without it). :func:`pdf_bytes` is what the exporters
call: a document's bytes in, the PDF's bytes out.
"""

from __future__ import annotations

import tempfile
from importlib import resources
from pathlib import Path

from jixiao import office
from jixiao.export.errors import ExportError

DEFAULT_TIMEOUT = 120.0


def fonts_conf() -> Path:
    """The fontconfig file with jixiao's aliases for Chinese font names."""
    return Path(str(resources.files(__package__).joinpath("fonts.conf")))


def to_pdf(source: Path, outdir: Path, timeout: float = DEFAULT_TIMEOUT) -> Path:
    """Convert a .docx or .xlsx into ``outdir``/``<stem>.pdf``; raise ``ExportError`` on failure."""
    try:
        return office.convert(source, "pdf", outdir, timeout, env={"FONTCONFIG_FILE": str(fonts_conf())})
    except office.LibreOfficeMissing:
        raise ExportError(
            "导出 PDF 需要 LibreOffice，但本机未安装；请运行 scripts/setup，或改为导出 .docx 后自行打印。"
        ) from None
    except office.ConversionError as exc:
        raise ExportError(f"未能导出 PDF：{exc.reason}") from None


def pdf_bytes(document: bytes, suffix: str = ".docx", timeout: float | None = None) -> bytes:
    """The PDF of a document's bytes (``.docx`` or ``.xlsx``): LibreOffice reads and writes files,
    so both live in a private temporary directory for the one conversion, removed after."""
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as work:
        source = Path(work) / f"document{suffix}"
        source.write_bytes(document)
        return to_pdf(source, Path(work) / "out", timeout or DEFAULT_TIMEOUT).read_bytes()
