"""Converting many files (.docx to PDF, .doc or .wps; .xlsx to .xls) with few LibreOffice starts.

One ``soffice --convert-to pdf`` call takes any number of files, and starting LibreOffice costs
about two seconds, so files are converted in batches: each batch is one call with its own
throw-away profile directory (parallel calls must not share a profile, which LibreOffice locks),
the fontconfig file jixiao's exporters use (Chinese font names mapped to the Noto CJK fonts), and
a time limit after which the call's whole process group is killed. Batches run side by side, one
per worker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from jixiao.export.pdf import fonts_conf
from jixiao.intake.readers.libreoffice import soffice
from jixiao.office.server import HEADLESS

BATCH = 100  # files per LibreOffice call


def convert_batch(
    sources: list[Path], outdir: Path, timeout: float, target: str = "pdf"
) -> tuple[list[Path], str]:
    """Convert ``sources`` into ``outdir`` in one LibreOffice call: ``<stem>.<suffix>`` each, where
    ``target`` is ``suffix`` or ``suffix:filter`` (``doc:MS Word 97``).

    Returns the PDFs that were written and, when the call failed or timed out, why.
    """
    exe = soffice()
    if exe is None:
        return [], "LibreOffice (soffice) is not installed"
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="inbox-lo-") as profile:
        cmd = [
            exe,
            f"-env:UserInstallation={Path(profile, 'user').as_uri()}",
            *HEADLESS,
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *(str(s) for s in sources),
        ]
        env = {**os.environ, "HOME": profile, "SAL_USE_VCLPLUGIN": "svp"}
        env["FONTCONFIG_FILE"] = str(fonts_conf())
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        problem = ""
        try:
            _out, err = proc.communicate(timeout=timeout)
            if proc.returncode != 0:
                problem = (
                    f"soffice exited with {proc.returncode}: {err.decode('utf-8', 'replace').strip()[-300:]}"
                )
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            problem = f"soffice timed out after {timeout:.0f} s"
    suffix = target.split(":", 1)[0]
    done = [outdir / f"{s.stem}.{suffix}" for s in sources]
    return [p for p in done if p.is_file() and p.stat().st_size > 0], problem


def convert_all(
    sources: list[Path], outdir: Path, workers: int, progress: bool = True, target: str = "pdf"
) -> tuple[set[Path], list[str]]:
    """Convert every source in batches of at most :data:`BATCH`, ``workers`` batches at a time.

    Returns the PDFs written and the problems met (a failed batch does not stop the others).
    """
    size = max(1, min(BATCH, -(-len(sources) // max(1, workers))))  # every worker gets a batch
    batches = [sources[i : i + size] for i in range(0, len(sources), size)]
    written: set[Path] = set()
    problems: list[str] = []

    def run(batch: list[Path]) -> tuple[list[Path], str]:
        return convert_batch(batch, outdir, timeout=60 + 5 * len(batch), target=target)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        for done, (pdfs, problem) in enumerate(pool.map(run, batches), start=1):
            written.update(pdfs)
            if problem:
                problems.append(problem)
            if progress:
                print(
                    f"  {target.split(':', 1)[0]} batch {done}/{len(batches)}: {len(pdfs)} converted",
                    flush=True,
                )
    return written, problems
