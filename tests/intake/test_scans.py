"""Scanned submissions read by real OCR: the committed scans (tests/data/scans, made by its
make.py) against the text-layer PDFs they were printed from.

The facts are those of bench/ocr_accuracy.py (year, unit, budget, scores, grade, and every
indicator row's name, weight, target, actual and score). Each condition has a floor of facts
matched that fails when reading breaks, and no scan may report a wrong number as certain: a
number OCR is not sure of is left unread with a finding instead. Then the end to end: ``jixiao
check`` on a .png and on a scanned .pdf (the web upload of a .jpg is in tests/web/test_upload_scans.py).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.intake.batch import check_files_grouped
from jixiao.intake.limits import Limits

ROOT = Path(__file__).resolve().parents[2]
SCANS = ROOT / "tests" / "data" / "scans"
sys.path.insert(0, str(ROOT / "bench"))

import ocr_accuracy  # noqa: E402

MANIFEST: list[dict[str, Any]] = json.loads((SCANS / "manifest.json").read_text(encoding="utf-8"))
# share of the truth's facts a scan of this condition must give back exactly (issue 14's goals)
FLOORS = {"300dpi": 0.95, "150dpi": 0.90, "seal": 0.90, "photo": 0.90}


@pytest.fixture(scope="module")
def read() -> dict[str, dict[str, Any]]:
    """Every committed scan and truth PDF, read once by the workers of jixiao check (name → JSON)."""
    paths = [SCANS / m["scan"] for m in MANIFEST] + sorted({SCANS / m["truth"] for m in MANIFEST})
    found = {}
    for path, evaluations in check_files_grouped(paths, jobs=2, limits=Limits()):
        assert len(evaluations) == 1, path
        found[path.relative_to(SCANS).as_posix()] = json.loads(evaluations[0].to_json())
    return found


def outcomes(read: dict[str, dict[str, Any]], entry: dict[str, Any]) -> list[ocr_accuracy.Outcome]:
    return ocr_accuracy.compare(read[entry["truth"]], read[entry["scan"]])


def test_the_committed_material_is_what_make_py_lists() -> None:
    # every (source, condition) of make.COMMITTED is in the manifest, with its files present
    listed = {(m["scan"].rsplit("-", 1)[0], m["condition"]) for m in MANIFEST}
    assert listed == set(ocr_accuracy.committed_pairs())
    for m in MANIFEST:
        assert (SCANS / m["scan"]).is_file() and (SCANS / m["truth"]).is_file()
    assert {Path(m["scan"]).suffix for m in MANIFEST} >= {".png", ".jpg", ".tif", ".pdf"}
    assert sum(f.stat().st_size for f in SCANS.rglob("*") if f.is_file()) < 4_000_000


@pytest.mark.parametrize("entry", MANIFEST, ids=lambda m: m["scan"])
def test_a_scan_gives_back_the_facts_of_its_text_layer(
    read: dict[str, dict[str, Any]], entry: dict[str, Any]
) -> None:
    ev = read[entry["scan"]]
    codes = {f["code"] for f in ev["findings"]}
    assert "UNREADABLE_DOCUMENT" not in codes, ev["findings"]
    got = outcomes(read, entry)
    missed = [
        (o.fact, ocr_accuracy.show(o.truth), ocr_accuracy.show(o.got), o.status)
        for o in got
        if o.status != "matched"
    ]
    share = 1 - len(missed) / len(got)
    assert share >= FLOORS[entry["condition"]], (f"{share:.1%}", missed)


# Scans known to report a wrong number as certain (strict: the mark must go when it is fixed).
KNOWN_WRONG: dict[str, str] = {}


@pytest.mark.parametrize(
    "entry",
    [
        pytest.param(m, marks=pytest.mark.xfail(strict=True, reason=KNOWN_WRONG[m["scan"]]))
        if m["scan"] in KNOWN_WRONG
        else m
        for m in MANIFEST
    ],
    ids=lambda m: m["scan"],
)
def test_a_scan_reports_no_wrong_number_as_certain(
    read: dict[str, dict[str, Any]], entry: dict[str, Any]
) -> None:
    wrong = [
        (o.fact, ocr_accuracy.show(o.truth), ocr_accuracy.show(o.got))
        for o in outcomes(read, entry)
        if o.status == "wrong certain"
    ]
    assert wrong == []


def test_what_ocr_read_says_where_on_which_page(read: dict[str, dict[str, Any]]) -> None:
    for m in MANIFEST:
        rows = [r for r in read[m["scan"]]["indicators"] if r.get("name")]
        assert rows, m["scan"]
        for row in rows:
            assert row["location"] and row["location"].startswith("第") and "页" in row["location"], row


def test_jixiao_check_reads_a_png_and_a_scanned_pdf(read: dict[str, dict[str, Any]]) -> None:
    png, pdf = SCANS / "gen-01-300dpi.png", SCANS / "gen-01-seal.pdf"
    result = CliRunner().invoke(app, ["check", str(png), str(pdf), "--jobs", "1"], env={"COLUMNS": "200"})
    assert result.exit_code in {0, 1}, result.stdout
    assert "文件无法读取" not in result.stdout
    for scan in (png, pdf):
        truth = read[next(m["truth"] for m in MANIFEST if m["scan"] == scan.name)]
        assert f"自评总分 {truth['claimed']['total']}（" in result.stdout
        assert truth["project"]["unit"] in result.stdout
    assert "共 2 个文件" in result.stdout
