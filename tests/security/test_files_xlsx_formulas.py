"""Issue 15 item 3: text from a document is never a formula in any workbook jixiao writes.

A project named ``=HYPERLINK("http://x")`` and an indicator named ``=2+3`` go through the real
writers: the 自评表 (``jixiao export``), the 复核报告 (the writer behind ``jixiao check --report``)
and the portfolio workbook (``jixiao portfolio --to``). Each file is opened with openpyxl and
converted to CSV by the real LibreOffice: the names come back as literal text, never as a link,
``5`` or ``Err:501``.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jixiao.export import write_review
from jixiao.services import score_file
from jixiao.storage.db import open_database
from jixiao.storage.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SEED_002 = EXAMPLES / "002-基层政权和社区建设-2018.yaml"
PROJECT = '=HYPERLINK("http://x")'
INDICATOR = "=2+3"
HOSTILE = (PROJECT, INDICATOR, "+1+1", "-2+5", "@SUM(1,2)")

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "300"},
        timeout=300,
        check=False,
    )


@pytest.fixture
def hostile_yaml(tmp_path: Path) -> Path:
    """The example 自评 with a hostile project name and hostile indicator names."""
    text = SEED_002.read_text(encoding="utf-8")
    text = text.replace("  项目名称: 基层政权和社区建设\n", f"  项目名称: '{PROJECT}'\n", 1)
    names = ["加强治安防范，降低发案率", "社区服务站建设", "居民满意度"]
    replaced = 0
    for name, hostile in zip(names, HOSTILE[1:], strict=False):
        if f"- 名称: {name}\n" in text:
            text = text.replace(f"- 名称: {name}\n", f"- 名称: '{hostile}'\n")
            replaced += 1
    assert replaced and PROJECT in text
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


# The only formulas jixiao writes itself: a 总分 or 分值合计 that sums cells of its own form (no text
# from a document can take this shape, since document text is stored quoted).
OWN_TOTAL = re.compile(r"=SUM\((?:[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?)(?:,[A-Z]{1,3}\d+(?::[A-Z]{1,3}\d+)?)*\)")


def formulas(path: Path) -> list[str]:
    """Every cell openpyxl sees as a formula other than jixiao's own cell sums, and the hostile
    texts not stored as marked strings."""
    bad: list[str] = []
    for ws in load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and not OWN_TOTAL.fullmatch(str(cell.value)):
                    bad.append(f"{ws.title}!{cell.coordinate} formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(HOSTILE) and not cell.quotePrefix:
                    bad.append(f"{ws.title}!{cell.coordinate} without quote prefix")
    return bad


def libreoffice_cells(path: Path, outdir: Path) -> set[str]:
    """The text of every cell of every sheet as LibreOffice computes it (CSV export, all sheets)."""
    outdir.mkdir()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={(outdir / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
            str(outdir),
            str(path),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    cells: set[str] = set()
    sheets = list(outdir.glob("*.csv"))
    assert sheets, f"LibreOffice wrote no CSV for {path.name}"
    for sheet in sheets:
        with sheet.open(encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                cells.update(row)
    return cells


def assert_literal(path: Path, tmp_path: Path, expected: tuple[str, ...]) -> None:
    assert formulas(path) == []
    cells = libreoffice_cells(path, tmp_path / f"csv-{path.stem}")
    for text in expected:  # the form adds the weight to a name: “=2+3（10分）”
        assert any(c.startswith(text) for c in cells), f"{text!r} not kept as text in {path.name}"
    assert not [c for c in cells if c.startswith(("Err:", "#NAME?", "#VALUE!"))]
    assert "http://x" not in cells  # the HYPERLINK formula's computed value


@needs_soffice
def test_the_form_workbook_writes_hostile_names_as_text(hostile_yaml: Path, tmp_path: Path) -> None:
    out = tmp_path / "自评表.xlsx"
    done = jixiao("export", str(hostile_yaml), "--to", str(out))
    assert done.returncode == 0, done.stderr
    assert_literal(out, tmp_path, (PROJECT, INDICATOR))


@needs_soffice
def test_the_review_workbook_writes_hostile_names_as_text(hostile_yaml: Path, tmp_path: Path) -> None:
    out = tmp_path / "复核报告.xlsx"
    write_review([score_file(hostile_yaml, None)], out)
    assert_literal(out, tmp_path, (PROJECT,))  # indicator names appear inside finding messages


@needs_soffice
def test_the_portfolio_workbook_writes_hostile_names_as_text(hostile_yaml: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    db = open_database(url)
    try:
        Store(db).save(score_file(hostile_yaml, None))
    finally:
        db.close()
    out = tmp_path / "汇总.xlsx"
    done = jixiao("portfolio", "--database", url, "--to", str(out))
    assert done.returncode == 0, done.stderr
    assert_literal(out, tmp_path, (PROJECT,))
