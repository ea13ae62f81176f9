"""The long-lived LibreOffice's guarantees, against the real LibreOffice: one office serves many
conversions; a hung office is killed at the timeout and replaced; a crashed one is replaced and the
conversion retried; two worker processes use two profiles; ``kill -9`` of jixiao leaves nothing
running.

An office is hung by stopping (SIGSTOP) every process of its group but the helper, and crashed by
killing ``soffice.bin``: a real LibreOffice cannot be made to hang on demand otherwise.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jixiao import office
from jixiao.office import pool

FORMATS = Path(__file__).parent / "data" / "formats"

pytestmark = pytest.mark.skipif(
    office.soffice() is None or pool.uno_python() is None,
    reason="LibreOffice with python3-uno is not installed",
)


def _group(pgid: int) -> dict[int, str]:
    """The live processes (pid → command name) of process group ``pgid``; zombies do not count."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, _ppid, group = stat.rsplit(")", 1)[1].split()[:3]
        if int(group) == pgid and state != "Z":
            found[int(entry.name)] = name
    return found


def _gone(pgid: int, within: float = 15.0) -> bool:
    deadline = time.monotonic() + within
    while _group(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    return not _group(pgid)


@pytest.fixture
def fresh() -> Iterator[None]:
    office.shutdown()
    yield
    office.shutdown()


def _doc(tmp_path: Path, name: str = "自评 报告.doc") -> Path:
    source = tmp_path / name
    source.write_bytes((FORMATS / "002_report.doc").read_bytes())
    return source


def test_one_office_serves_many_conversions_and_ends_with_its_profile(tmp_path: Path, fresh: None) -> None:
    source = _doc(tmp_path)
    first = office.convert(source, "docx", tmp_path / "a", 120)
    (started,) = office.running()
    second = office.convert(FORMATS / "004_table.xls", "xlsx", tmp_path / "b", 120)
    third = office.convert(FORMATS / "004_table.xlsx", "pdf", tmp_path / "c", 120)
    assert office.running() == [started]  # the same helper, LibreOffice and profile served all three
    assert first.name == "自评 报告.docx" and first.read_bytes()[:2] == b"PK"
    assert second.read_bytes()[:2] == b"PK" and third.read_bytes()[:5] == b"%PDF-"
    helper, _soffice, profile = started
    assert Path(profile).is_dir() and "soffice.bin" in _group(helper).values()
    office.shutdown()
    assert office.running() == [] and not Path(profile).exists()
    assert _gone(helper)


def test_pdf_exports_share_one_office_with_the_fonts(fresh: None) -> None:
    from jixiao.export.pdf import fonts_conf
    from jixiao.export.pdf import pdf_bytes

    table = (FORMATS / "004_table.docx").read_bytes()
    assert pdf_bytes(table)[:5] == b"%PDF-"
    (first,) = office.running()
    assert pdf_bytes((FORMATS / "004_table.xlsx").read_bytes(), ".xlsx")[:5] == b"%PDF-"
    assert office.running() == [first]
    helper = first[0]
    environ = Path(f"/proc/{helper}/environ").read_bytes().split(b"\0")
    assert f"FONTCONFIG_FILE={fonts_conf()}".encode() in environ


def test_an_office_is_renewed_after_its_share_of_conversions(
    tmp_path: Path, fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pool, "RENEW_AFTER", 2)
    source = _doc(tmp_path)
    helpers = []
    for n in range(3):
        office.convert(source, "docx", tmp_path / str(n), 120)
        ((helper, _soffice, _profile),) = office.running()
        helpers.append(helper)
    assert helpers[0] == helpers[1] != helpers[2]
    assert _gone(helpers[0])


def test_a_hung_office_is_killed_at_the_timeout_and_replaced(tmp_path: Path, fresh: None) -> None:
    source = _doc(tmp_path)
    office.convert(source, "docx", tmp_path / "a", 120)
    ((helper, _soffice, profile),) = office.running()
    for pid in _group(helper):
        if pid != helper:
            os.kill(pid, signal.SIGSTOP)  # LibreOffice hangs; the helper waits on it
    started = time.monotonic()
    with pytest.raises(office.ConversionError, match="LibreOffice 转换超时（超过 3 秒），已中止"):
        office.convert(source, "docx", tmp_path / "b", 3)
    assert time.monotonic() - started < 30
    assert _gone(helper) and not Path(profile).exists()
    assert office.running() == []
    again = office.convert(source, "docx", tmp_path / "c", 120)  # the batch goes on, on a new office
    assert again.read_bytes()[:2] == b"PK"
    ((replaced, _, new_profile),) = office.running()
    assert replaced != helper and new_profile != profile


def test_a_crashed_office_is_replaced_and_the_file_still_converted(tmp_path: Path, fresh: None) -> None:
    source = _doc(tmp_path)
    office.convert(source, "docx", tmp_path / "a", 120)
    ((helper, _soffice, _profile),) = office.running()
    (bin_pid,) = [pid for pid, name in _group(helper).items() if name == "soffice.bin"]
    os.kill(bin_pid, signal.SIGKILL)
    again = office.convert(source, "docx", tmp_path / "b", 120)
    assert again.read_bytes()[:2] == b"PK"
    ((replaced, _, _),) = office.running()
    assert replaced != helper
    assert _gone(helper)


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_helper_told_to_stop_takes_its_office_with_it(tmp_path: Path, fresh: None, stop: int) -> None:
    office.convert(_doc(tmp_path), "docx", tmp_path / "a", 120)
    ((helper, _soffice, _profile),) = office.running()
    assert "soffice.bin" in _group(helper).values()
    os.kill(helper, stop)  # the helper alone, as `pkill -f` or a service manager would
    assert _gone(helper)
    again = office.convert(_doc(tmp_path, "b.doc"), "docx", tmp_path / "b", 120)  # a new office serves
    assert again.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("broken", ["answer-unread", "garbled-request"])
def test_a_helper_that_fails_takes_its_office_with_it(tmp_path: Path, fresh: None, broken: str) -> None:
    """However the helper ends, LibreOffice ends with it. ``answer-unread``: jixiao is gone between
    a request and its answer (as after ``kill -9`` mid-conversion), so writing the answer fails
    before the helper's watch of its parent notices; ``garbled-request``: a line it cannot parse."""
    office.convert(_doc(tmp_path), "docx", tmp_path / "a", 120)
    ((helper, _soffice, _profile),) = office.running()
    exe, python = office.soffice(), pool.uno_python()
    assert exe is not None and python is not None
    served = pool.office_for(exe, python, {})
    assert served.proc is not None and served.proc.stdin is not None and served.proc.stdout is not None
    assert "soffice.bin" in _group(helper).values()
    if broken == "answer-unread":
        served.proc.stdout.close()
        request = {"src": str(_doc(tmp_path, "b.doc")), "dst": str(tmp_path / "b.docx")}
        served.proc.stdin.write((json.dumps(request) + "\n").encode())
    else:
        served.proc.stdin.write(b"{not json\n")
    served.proc.stdin.flush()
    assert _gone(helper, within=60)


# A jixiao process that converts once, says its office, and waits to be killed.
WORKER = """
import json, sys, time
from pathlib import Path
from jixiao import office
office.convert(Path(sys.argv[1]), "docx", Path(sys.argv[2]), 120)
print(json.dumps(office.running()), flush=True)
time.sleep(600)
"""


def test_two_workers_use_two_profiles_and_kill_9_leaves_nothing_running(tmp_path: Path) -> None:
    source = _doc(tmp_path, "a.doc")
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(source), str(tmp_path / f"out{n}")],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    try:
        said = [json.loads(w.stdout.readline()) for w in workers if w.stdout is not None]
    finally:
        for w in workers:
            w.kill()  # SIGKILL: no atexit, no cleanup in jixiao
            w.wait()
    ((helper1, _, profile1),), ((helper2, _, profile2),) = said
    assert profile1 != profile2 and helper1 != helper2
    assert _gone(helper1) and _gone(helper2)  # the helpers saw their parent die and ended their groups
    assert not any(name == "soffice.bin" for name in {**_group(helper1), **_group(helper2)}.values())


_BOTH_WAYS = """
import json, os, signal, subprocess, sys, uuid, zipfile
sys.path.insert(0, sys.argv[1])
import server
work, sources = sys.argv[2], sys.argv[3:]
pipe = "jixiao-test-" + uuid.uuid4().hex
office = subprocess.Popen(
    ["soffice", f"-env:UserInstallation=file://{work}/profile", *server.HEADLESS,
     f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    env={**os.environ, "HOME": work, "SAL_USE_VCLPLUGIN": "svp"}, start_new_session=True,
)
try:
    converter = server.Converter(pipe, office)
    parts = {}
    for i, source in enumerate(sources):
        if source.endswith(".docx"):  # a Word 97 file of it first (tables with merged cells, numbering)
            converter.convert(source, f"{work}/made{i}.doc")
            source = f"{work}/made{i}.doc"
        converter._convert_viewed(source, f"{work}/viewed{i}.docx")
        converter.convert(source, f"{work}/bare{i}.docx")
        viewed, bare = zipfile.ZipFile(f"{work}/viewed{i}.docx"), zipfile.ZipFile(f"{work}/bare{i}.docx")
        parts[source] = [b"<Pages>" in bare.read("docProps/app.xml"), sorted(
            name for name in set(viewed.namelist()) | set(bare.namelist())
            if name not in viewed.namelist() or name not in bare.namelist() or viewed.read(name) != bare.read(name)
        )]
    print(json.dumps(parts))
finally:
    os.killpg(office.pid, signal.SIGKILL)
"""


def test_a_word_file_converted_without_its_layout_stores_what_a_full_load_stores(tmp_path: Path) -> None:
    # The helper converts .doc/.wps → .docx on a bare document model (no view, no page layout):
    # the parts jixiao reads (body, styles, numbering) are byte for byte what a full load stores;
    # only the page and word counts, the view's zoom and the page numbers in footers differ.
    sources = [FORMATS / "002_report.doc", FORMATS / "004_table.docx", FORMATS / "002_report.docx"]
    python = pool.uno_python()
    assert python is not None
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    run = subprocess.run(
        [python, "-c", _BOTH_WAYS, str(pool.SERVER.parent), str(tmp_path), *map(str, sources)],
        capture_output=True, text=True, timeout=300, env=env, check=True,
    )  # fmt: skip
    differing = json.loads(run.stdout)
    assert len(differing) == 3
    allowed = {"docProps/app.xml", "word/settings.xml"}
    for source, (laid_out, parts) in differing.items():
        assert not laid_out, source  # the bare model was used: no page count, no layout made
        assert not [p for p in parts if p not in allowed and not p.startswith("word/footer")], source
        assert "word/document.xml" not in parts
