"""One LibreOffice per conversion: the fallback where no Python can ``import uno``.

Each conversion runs ``soffice --convert-to`` in its own throw-away profile directory (parallel
conversions never share LibreOffice's profile, which it locks); one that does not finish within
the timeout is killed with its whole process group. It costs LibreOffice's start (about two
seconds) per file; :mod:`jixiao.office.pool` keeps one running instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from jixiao.office.errors import ConversionError
from jixiao.office.server import HEADLESS


def convert(exe: str, source: Path, target: str, outdir: Path, timeout: float, env: dict[str, str]) -> Path:
    """Convert ``source`` to format ``target`` into ``outdir`` with a LibreOffice of its own."""
    with tempfile.TemporaryDirectory(prefix="jixiao-lo-") as profile:
        # A copy with a plain ASCII name: LibreOffice picks the filter from the content, and some
        # builds mishandle unusual characters in paths passed on the command line.
        staged = Path(profile) / f"input{source.suffix.lower()}"
        shutil.copyfile(source, staged)
        profile_arg = f"-env:UserInstallation={Path(profile, 'user').as_uri()}"
        cmd = [exe, profile_arg, *HEADLESS, "--convert-to", target, "--outdir", str(outdir), str(staged)]
        run_env = {**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp", **env}
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
