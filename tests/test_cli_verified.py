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
    at = next(i for i, line in enumerate(lines) if "复核得分 97.00（优）" in line)
    assert lines[at + 1].strip() == LINE


def test_show_writes_the_opinion(tmp_path: Path) -> None:
    """`jixiao show ID --opinion 意见书.docx` writes the 复核意见书 of a stored evaluation."""
    from docx import Document

    url = f"sqlite:///{tmp_path / 'j.db'}"
    result = CliRunner().invoke(app, ["import", str(SEED_002_TEXT), "--database", url])
    assert result.exit_code == 0, result.stdout + result.stderr
    out = tmp_path / "意见书.docx"
    shown = CliRunner().invoke(app, ["show", "1", "--opinion", str(out), "--database", url])
    assert shown.exit_code == 0, shown.stdout + shown.stderr
    assert "已写出复核意见书" in shown.stderr
    text = "\n".join(p.text for p in Document(str(out)).paragraphs)
    assert "复核意见书" in text and "审核状态：" in text
    cells = [c.text for t in Document(str(out)).tables for row in t.rows for c in row.cells]
    assert "沿用自评" in cells and "规则核验" in cells
    bad = CliRunner().invoke(app, ["show", "1", "--opinion", str(tmp_path / "x.txt"), "--database", url])
    assert bad.exit_code != 0 and "复核意见书" in bad.stderr
