"""Built-in schemes carry the official numbers with their sources; user scheme files are checked."""

from __future__ import annotations

import re
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from jixiao.core.model import Weights
from jixiao.errors import SchemeError
from jixiao.errors import UnknownSchemeError
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import load_scheme
from jixiao.schemes import match_scheme


def builtin_text(scheme_id: str) -> str:
    return resources.files("jixiao.schemes").joinpath("builtin", f"{scheme_id}.toml").read_text("utf-8")


@pytest.mark.parametrize(
    ("scheme_id", "weights"),
    [
        ("mof-2020", (10, 50, 30, 10, 0)),  # 财预〔2020〕10号 第十三条
        ("mof-2021", (10, 40, 20, 10, 20)),  # 财预〔2021〕101号 一（六）
        ("hubei-2019", (20, 40, 40, 0, 0)),  # 武汉市自评表表头
        ("hebei-2020", (10, 40, 40, 10, 0)),  # seed 003
    ],
)
def test_builtin_weights(scheme_id: str, weights: tuple[int, ...]) -> None:
    w = load_scheme(scheme_id).weights
    assert (w.budget_execution, w.output, w.effect, w.satisfaction, w.cost) == weights


@pytest.mark.parametrize(
    ("scheme_id", "total", "grade"),
    [
        ("mof-2020", "90", "优"),
        ("mof-2020", "89.99", "良"),
        ("mof-2020", "60", "中"),
        ("mof-2020", "59.99", "差"),
        ("hebei-2020", "85", "优秀"),
        ("hebei-2020", "84.99", "良好"),
        ("hebei-2020", "75", "良好"),
        ("hebei-2020", "74.5", "一般"),
        ("hebei-2020", "59", "较差"),
    ],
)
def test_grade_bands(scheme_id: str, total: str, grade: str) -> None:
    assert load_scheme(scheme_id).grade_of(Decimal(total)) == grade


def test_qualitative_bands_differ_where_the_sources_differ() -> None:
    assert load_scheme("mof-2020").qualitative.partial_min == Decimal("0.6")  # 10号: 80–60
    assert load_scheme("hubei-2019").qualitative.partial_min == Decimal("0.5")  # 鄂表: 80–50


@pytest.mark.parametrize("scheme_id", BUILTIN_IDS)
def test_every_number_cites_a_source(scheme_id: str) -> None:
    """Each TOML table that sets a number has a comment (the citation) before that number."""
    section_has_comment = False
    section = ""
    previous = ""
    for line in builtin_text(scheme_id).splitlines():
        stripped = line.strip()
        if stripped.startswith("["):
            # A comment right above a table header cites it; [[grades]] tables share the first one's.
            same_array = stripped.startswith("[[") and stripped == section
            section_has_comment = previous.startswith("#") or (same_array and section_has_comment)
            section = stripped
        elif stripped.startswith("#"):
            section_has_comment = True
        elif re.match(r"^[a-z_]+\s*=\s*[\d\[{]", stripped) and stripped.split("=")[0].strip() not in {
            "version"
        }:
            assert section_has_comment, f"{scheme_id}: no source comment before “{stripped}”"
        if stripped:
            previous = stripped
    assert load_scheme(scheme_id).source


def test_match_scheme_from_stated_weights() -> None:
    assert match_scheme(Weights(budget_execution=20, output=40, effect=40)).id == "hubei-2019"  # type: ignore[union-attr]
    assert (
        match_scheme(Weights(budget_execution=10, output=40, effect=40, satisfaction=10)).id == "hebei-2020"
    )  # type: ignore[union-attr]
    assert match_scheme(Weights(budget_execution=15, output=45, effect=40)) is None


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "my.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_user_scheme_file_loads(tmp_path: Path) -> None:
    text = builtin_text("mof-2020").replace('id = "mof-2020"', 'id = "my-province"')
    scheme = load_scheme(write(tmp_path, text))
    assert scheme.id == "my-province"


def test_user_scheme_weights_must_sum_to_100(tmp_path: Path) -> None:
    text = builtin_text("mof-2020").replace("output = 50", "output = 55")
    with pytest.raises(SchemeError) as raised:
        load_scheme(write(tmp_path, text))
    assert "一级权重合计应为100，实为105" in str(raised.value)


def test_user_scheme_unknown_rule_is_named(tmp_path: Path) -> None:
    text = builtin_text("mof-2020").replace('positive = "ratio"', 'positive = "ratioo"')
    with pytest.raises(SchemeError) as raised:
        load_scheme(write(tmp_path, text))
    assert "quantitative.positive" in str(raised.value)


def test_user_scheme_typo_in_a_key_is_caught(tmp_path: Path) -> None:
    text = builtin_text("mof-2020").replace("achieved_min", "achived_min")
    with pytest.raises(SchemeError) as raised:
        load_scheme(write(tmp_path, text))
    assert "achived_min" in str(raised.value)


def test_user_scheme_bad_toml(tmp_path: Path) -> None:
    with pytest.raises(SchemeError) as raised:
        load_scheme(write(tmp_path, "id = \n"))
    assert "TOML 格式错误" in str(raised.value)


def test_unknown_scheme() -> None:
    with pytest.raises(UnknownSchemeError) as raised:
        load_scheme("shanghai-2030")
    assert "mof-2020" in str(raised.value)
