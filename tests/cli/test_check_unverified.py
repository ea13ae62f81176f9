"""``jixiao check``'s summary has a 未核验 column: the share of the indicator weights carried over
from the unit's claim, not verified by the rules (issue 19)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli import app
from jixiao.intake.batch import check_files

REAL = Path(__file__).resolve().parents[1] / "data" / "real"
FILES = [REAL / "real_01.txt", REAL / "real_03.txt", REAL / "real_08.txt"]


def test_the_summary_shows_the_unverified_share_of_each_evaluation() -> None:
    result = CliRunner().invoke(app, ["check", *map(str, FILES), "--jobs", "1", "--quiet"])
    summary = result.output.split("汇总：")[1]
    lines = summary.splitlines()
    header = next(line for line in lines if "文件" in line and "项目" in line)
    cells = [c.strip() for c in header.strip("┃ ").split("┃")]
    assert "未核验" in cells and cells.index("未核验") == cells.index("复算") + 1
    column = cells.index("未核验")
    known = 0
    for path, ev in check_files(FILES, jobs=1):
        computed = ev.computed
        row = next(line for line in lines if path.name in line)
        shown = [c.strip() for c in row.strip("│ ").split("│")][column]
        if computed.verified_weight is None or computed.carried_weight is None:
            assert shown == "—", (path.name, shown)
            continue
        whole = computed.verified_weight + computed.carried_weight
        assert shown.endswith("%"), (path.name, shown)
        # 1 decimal place: within 0.05 percentage points of carried / (verified + carried)
        assert abs(Decimal(shown[:-1]) - computed.carried_weight / whole * 100) <= Decimal("0.05")
        known += 1
    assert known >= 2  # real_01 and real_03 have indicator weights the rules partly verified
