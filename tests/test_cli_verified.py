"""`jixiao score` and `jixiao check` say how many indicator points the rules verified and how many
were carried over from the unit's claim."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from jixiao.cli import app

ROOT = Path(__file__).resolve().parents[1]
SEED_002_YAML = ROOT / "examples" / "002-基层政权和社区建设-2018.yaml"
SEED_002_TEXT = next((ROOT / "tests" / "data" / "seeds").glob("002_*.txt"))
LINE = "指标权重80分：规则核验10分，沿用自评70分（87.5%未经核验）"


def _run(*args: str) -> str:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert result.exit_code in (0, 1), result.stdout + result.stderr
    return result.stdout


def test_score_prints_the_verified_and_carried_points() -> None:
    out = _run("score", str(SEED_002_YAML))
    assert "核验情况" in out and LINE in out


def test_check_prints_them_under_the_totals() -> None:
    out = _run("check", str(SEED_002_TEXT))
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if "复算总分 97.00（优）" in line)
    assert lines[at + 1].strip() == LINE
