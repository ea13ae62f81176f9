"""The one-shot LibreOffice runner's guarantees (the fallback where no Python can ``import uno``):
a private profile per call, a timeout that kills the whole process group, and failures said in
Chinese. The long-lived office's guarantees are tested against the real LibreOffice in
``tests/test_office_pool.py``.

The conversions themselves run through the real LibreOffice in the readers' and exporters' tests
(``tests/intake/readers``, ``tests/export/test_pdf.py``). Here a small stand-in executable
(``JIXIAO_SOFFICE``) plays LibreOffice, because a real one cannot be made to hang or to report
its profile on demand.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from jixiao import office

# Writes what it was given (HOME, the profile argument) next to the output LibreOffice would write.
RECORDING = """#!/bin/sh
for arg in "$@"; do
  case "$arg" in -env:UserInstallation=*) profile="${arg#-env:UserInstallation=}";; esac
done
while [ "$#" -gt 1 ]; do
  case "$1" in --convert-to) target="$2";; --outdir) outdir="$2";; esac
  shift
done
echo "$HOME $profile $FONTCONFIG_FILE" >> "$LOG"
printf converted > "$outdir/input.$target"
"""

# Starts a child that outlives it unless the whole group is killed, then hangs.
HANGING = """#!/bin/sh
sleep 300 &
echo $! > "$CHILD"
sleep 300
"""


def _fake(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, report: str, source: str
) -> tuple[Path, Path]:
    """Install ``script`` as LibreOffice; return the file it reports to (named by the variable
    ``report``) and a source file to convert."""
    exe = tmp_path / "fake-soffice"
    exe.write_text(script, encoding="utf-8")
    exe.chmod(0o755)
    monkeypatch.setenv("JIXIAO_SOFFICE", str(exe))
    monkeypatch.setenv("JIXIAO_OFFICE_PYTHON", "")  # the one-shot runner
    monkeypatch.setenv(report, str(tmp_path / f"{report}.txt"))
    (tmp_path / source).write_bytes(b"office file")
    return tmp_path / f"{report}.txt", tmp_path / source


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a killed orphan may linger as a zombie until init reaps it


def test_each_conversion_gets_its_own_profile_removed_afterwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log, source = _fake(tmp_path, monkeypatch, RECORDING, "LOG", "自评 报告.DOC")
    first = office.convert(source, "docx", tmp_path / "out", 10)
    second = office.convert(source, "pdf", tmp_path / "out", 10, env={"FONTCONFIG_FILE": "/x/fonts.conf"})
    assert (first.name, second.name) == ("自评 报告.docx", "自评 报告.pdf")
    assert first.read_text() == "converted"
    calls = [line.split(" ") for line in log.read_text().splitlines()]
    assert len(calls) == 2
    (home1, profile1, fonts1), (home2, profile2, fonts2) = calls
    assert home1 != home2
    assert profile1 == Path(home1, "user").as_uri()
    assert profile2 == Path(home2, "user").as_uri()
    assert (fonts1, fonts2) == ("", "/x/fonts.conf")  # the extra variables are for that call only
    assert not Path(home1).exists() and not Path(home2).exists()


def test_a_hanging_conversion_is_killed_with_its_process_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child_file, source = _fake(tmp_path, monkeypatch, HANGING, "CHILD", "a.xls")
    started = time.monotonic()
    with pytest.raises(office.ConversionError, match="LibreOffice 转换超时（超过 1 秒），已中止"):
        office.convert(source, "xlsx", tmp_path / "out", 1)
    assert time.monotonic() - started < 30
    child = int(child_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def test_a_failed_conversion_says_why(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "a.doc"
    source.write_bytes(b"doc")
    monkeypatch.setenv("JIXIAO_OFFICE_PYTHON", "")
    monkeypatch.setenv("JIXIAO_SOFFICE", "/bin/false")
    with pytest.raises(office.ConversionError, match="LibreOffice 无法转换此文件"):
        office.convert(source, "docx", tmp_path / "out", 10)
    monkeypatch.setenv("JIXIAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    with pytest.raises(office.ConversionError, match="无法启动 LibreOffice"):
        office.convert(source, "docx", tmp_path / "out", 10)


def test_without_libreoffice_each_caller_says_what_it_needed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jixiao.export.errors import ExportError
    from jixiao.export.pdf import to_pdf
    from jixiao.intake.document import UnreadableDocument
    from jixiao.intake.readers import libreoffice

    monkeypatch.delenv("JIXIAO_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    source = tmp_path / "a.wps"
    source.write_bytes(b"wps")
    assert office.soffice() is None
    with pytest.raises(office.LibreOfficeMissing):
        office.convert(source, "docx", tmp_path, 10)
    with pytest.raises(UnreadableDocument, match=r"需要 LibreOffice 才能读取 \.wps 文件"):
        libreoffice.convert(source, "docx", tmp_path, 10)
    with pytest.raises(ExportError, match="导出 PDF 需要 LibreOffice"):
        to_pdf(source, tmp_path)
    assert os.listdir(tmp_path) == ["a.wps"]
