"""LibreOffice headless, the one runner for every conversion jixiao makes.

The readers convert legacy formats (.doc/.wps → .docx, .xls/.et → .xlsx, through
:mod:`jixiao.intake.readers.libreoffice`) and the exporters office files → .pdf
(:mod:`jixiao.export.pdf`); both call :func:`convert` here, which depends on nothing of jixiao.

Each conversion runs ``soffice`` in its own throw-away profile directory, so parallel conversions
(a batch on several workers, two users on one server) never share LibreOffice's user profile,
which LibreOffice locks. A conversion that does not finish within the timeout is killed with its
whole process group. LibreOffice itself is installed by ``scripts/system-deps``; ``JIXIAO_SOFFICE``
names another executable.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path


class ConversionError(Exception):
    """A conversion failed; ``reason`` says why, in Chinese, for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class LibreOfficeMissing(ConversionError):
    """LibreOffice is not installed (each caller says what it needed it for)."""

    def __init__(self) -> None:
        super().__init__("本机未安装 LibreOffice；请运行 scripts/setup")


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
    """Convert ``source`` to format ``target`` (``"docx"``, ``"xlsx"``, ``"pdf"``) into ``outdir``.

    ``env`` adds variables for this conversion only (the exporters pass ``FONTCONFIG_FILE``).
    Returns the converted file. Raises :class:`LibreOfficeMissing` when LibreOffice is not
    installed, :class:`ConversionError` when it cannot start, fails, produces nothing, or runs out
    of time.
    """
    exe = soffice()
    if exe is None:
        raise LibreOfficeMissing()
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        # A copy with a plain ASCII name: LibreOffice picks the filter from the content, and some
        # builds mishandle unusual characters in paths passed on the command line.
        staged = Path(profile) / f"input{source.suffix.lower()}"
        shutil.copyfile(source, staged)
        cmd = [
            exe,
            f"-env:UserInstallation={Path(profile, 'user').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(staged),
        ]
        run_env = {**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp", **(env or {})}
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                env=run_env,
                start_new_session=True,
            )
        except OSError as exc:
            raise ConversionError(f"无法启动 LibreOffice（{exc}）") from None
        try:
            _out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ConversionError(f"LibreOffice 转换超时（超过 {timeout:.0f} 秒），已中止") from None
        result = outdir / f"input.{target}"
        if proc.returncode != 0 or not result.exists() or result.stat().st_size == 0:
            detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] if err else []
            why = f"：{detail[0]}" if detail else ""
            raise ConversionError(f"LibreOffice 无法转换此文件（文件可能已损坏或已加密）{why}")
        final = outdir / f"{source.stem}.{target}"
        result.replace(final)
        return final


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
