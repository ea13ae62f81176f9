"""``jixiao user add --unit``: a unit name the database does not hold is refused with the closest
names, not silently created as a second unit; ``--create-unit`` creates it on purpose."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PASSWORD = "lvse-zhuanxiang-2024"


def _jixiao(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env["JIXIAO_DATA_DIR"] = str(data)
    return subprocess.run(
        [sys.executable, "-m", "jixiao", *args],
        input=PASSWORD + "\n",
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _units(data: Path) -> list[str]:
    from jixiao.storage.accounts import Accounts
    from jixiao.storage.db import open_database

    db = open_database(f"sqlite:///{data / 'jixiao.db'}", create=False)
    try:
        return [u.name for u in Accounts(db).units()]
    finally:
        db.close()


def test_a_typo_in_the_unit_is_refused_with_the_closest_names(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add = ("user", "add", "--role", "unit", "--password-stdin")
    first = _jixiao(data, *add, "huashan", "--unit", "武汉市花山街道办事处", "--create-unit")
    assert first.returncode == 0, first.stdout + first.stderr
    typo = _jixiao(data, *add, "huashan2", "--unit", "武汉市花山街道办")
    assert typo.returncode != 0
    said = typo.stdout + typo.stderr
    assert "库中没有名为“武汉市花山街道办”的单位" in said
    assert "最接近的有：武汉市花山街道办事处" in said and "--create-unit" in said
    assert "Traceback" not in typo.stderr
    assert _units(data) == ["武汉市花山街道办事处"]
    same = _jixiao(data, *add, "huashan2", "--unit", "武汉市花山街道办事处")
    assert same.returncode == 0, same.stdout + same.stderr
    meant = _jixiao(data, *add, "other", "--unit", "武汉市花山街道办", "--create-unit")
    assert meant.returncode == 0, meant.stdout + meant.stderr
    assert sorted(_units(data)) == ["武汉市花山街道办", "武汉市花山街道办事处"]


def test_jixiao_unit_rename_and_merge(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add = ("user", "add", "--role", "unit", "--password-stdin")
    assert _jixiao(data, *add, "a", "--unit", "花山街道办", "--create-unit").returncode == 0
    assert _jixiao(data, *add, "b", "--unit", "花山街道办事处", "--create-unit").returncode == 0
    renamed = _jixiao(data, "unit", "rename", "花山街道办", "花山街道（旧）")
    assert renamed.returncode == 0, renamed.stdout + renamed.stderr
    assert "已将单位“花山街道办”改名为“花山街道（旧）”" in renamed.stdout
    merged = _jixiao(data, "unit", "merge", "花山街道（旧）", "花山街道办事处")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert "现有 2 个用户" in merged.stdout
    assert _units(data) == ["花山街道办事处"]
    refused = _jixiao(data, "unit", "merge", "无此单位", "花山街道办事处")
    assert refused.returncode != 0 and "库中没有名为“无此单位”的单位" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr


def _sheet(path: Path, rows: list[list[str]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    book.save(path)
    return path


def test_jixiao_user_import_checks_the_whole_sheet_first(tmp_path: Path) -> None:
    data = tmp_path / "data"
    head = ["用户名", "显示名称", "角色", "单位", "密码"]
    bad = _sheet(
        tmp_path / "bad.xlsx",
        [
            head,
            ["edu01", "教育局填报员", "单位用户", "某市教育局", PASSWORD],
            ["zhang", "张审核", "局长", "", PASSWORD],
            ["edu01", "重复", "单位用户", "某市教育局", ""],
            ["wen01", "", "单位用户", "", "12345678"],
        ],
    )
    refused = _jixiao(data, "user", "import", str(bad))
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "未导入任何用户" in said
    for expected in (
        "bad.xlsx 第3行：角色“局长”无效",
        "bad.xlsx 第4行：用户名“edu01”在表中重复",
        "bad.xlsx 第5行：单位用户须写所属单位",
        "库中没有名为“某市教育局”的单位",
    ):
        assert expected in said, (expected, said)
    good = _sheet(
        tmp_path / "good.xlsx",
        [
            head,
            ["edu01", "教育局填报员", "单位用户", "某市教育局", PASSWORD],
            ["zhang", "张审核", "审核人员", "", ""],
        ],
    )
    done = _jixiao(data, "user", "import", str(good), "--create-units")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "已导入 2 个用户" in done.stdout and "zhang 的初始密码：" in done.stdout
    assert _units(data) == ["某市教育局"]
    again = _jixiao(data, "user", "import", str(good))
    assert again.returncode != 0 and "用户名“edu01”已存在" in again.stdout + again.stderr
