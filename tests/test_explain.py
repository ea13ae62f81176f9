"""One Chinese translation of pydantic's validation errors (``jixiao.errors.explain``), used by
the contract loader, the scheme and layout loaders, the web pages and the API alike."""

from __future__ import annotations

import json
import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from pydantic_core.core_schema import ErrorType

from jixiao.core.model import Evaluation
from jixiao.core.scheme import Scheme
from jixiao.errors import AuthoringError
from jixiao.errors import SchemeError
from jixiao.errors import explain
from jixiao.errors import explain_text
from jixiao.export.errors import LayoutError
from jixiao.export.layout import parse_layout
from jixiao.schemes import load_scheme

CJK = range(0x4E00, 0xA000)
GENERIC = "取值不符合要求"  # what explain says for a type it has no words for
_SCHEME = json.loads(load_scheme("mof-2020").definition)


def _cjk(text: str) -> bool:
    return any(ord(ch) in CJK for ch in text)


def _scheme(**changes: Any) -> Callable[[], object]:
    return lambda: Scheme.model_validate({**_SCHEME, **changes})


def _contract(data: dict[str, Any]) -> Callable[[], object]:
    return lambda: Evaluation.model_validate(data)


# Bad values for each of our models, named by the pydantic error type each one raises.
RAISED: dict[str, Callable[[], object]] = {
    "missing": _contract({"findings": [{"code": "X", "message": "m"}]}),
    "extra_forbidden": _scheme(colour="red"),
    "int_parsing": _contract({"project": {"year": "二〇二〇"}}),
    "int_from_float": _contract({"project": {"year": 2020.5}}),
    "int_type": _contract({"project": {"year": [2020]}}),
    "decimal_parsing": _contract({"budget": {"planned_yuan": "十万"}}),
    "decimal_type": _contract({"budget": {"planned_yuan": [1]}}),
    "string_type": _contract({"project": {"name": 12}}),
    "bool_parsing": _contract({"scheme": {"id": "mof-2020", "declared": "也许"}}),
    "bool_type": _contract({"scheme": {"id": "mof-2020", "declared": [True]}}),
    "date_from_datetime_parsing": _contract({"project": {"filled_date": "二〇二〇年"}}),
    "date_type": _contract({"project": {"filled_date": [2020]}}),
    "literal_error": _contract({"schema": "other/2"}),
    "enum": _contract({"findings": [{"code": "X", "severity": "fatal", "message": "m"}]}),
    "model_type": _contract({"project": "某项目"}),
    "dict_type": _contract({"provenance": "x"}),
    "tuple_type": _contract({"indicators": "x"}),
    "list_type": lambda: _list_of_int("x"),
    "json_invalid": lambda: Evaluation.model_validate_json("{"),
    "greater_than_equal": _scheme(score_places=-1),
    "less_than_equal": _scheme(score_places=9),
    "greater_than": _scheme(qualitative={"achieved_min": 0}),
    "less_than": _scheme(quantitative={"gate": 1}),
    "string_pattern_mismatch": _scheme(id="我的方案"),
    "value_error": _scheme(grades=[]),
}


def _list_of_int(value: object) -> object:
    from pydantic import TypeAdapter

    return TypeAdapter(list[int]).validate_python(value)


@pytest.mark.parametrize("kind", sorted(RAISED))
def test_every_error_type_our_models_raise_is_said_in_chinese(kind: str) -> None:
    with pytest.raises(ValidationError) as caught:
        RAISED[kind]()
    types = {e["type"] for e in caught.value.errors()}
    assert kind in types  # the bad value really raises that type
    for problem in explain(caught.value):
        assert _cjk(problem.problem), problem
        assert problem.problem != GENERIC, problem  # said specifically, not the fallback
        assert "Input should" not in problem.problem and "{" not in problem.problem.replace("{…}", "")


def test_any_other_type_still_gets_chinese() -> None:
    """Every error type pydantic knows gets a Chinese message (a generic one at worst)."""

    class Fake:
        def __init__(self, kind: str) -> None:
            self.kind = kind

        def errors(self) -> list[dict[str, object]]:
            return [{"type": self.kind, "loc": ("a", 0), "msg": "Input should be valid", "ctx": {}}]

    for kind in typing.get_args(ErrorType):
        (problem,) = explain(Fake(kind))
        assert problem.field == "a.0"
        assert _cjk(problem.problem) and "Input" not in problem.problem, (kind, problem)


def test_details_from_the_error_and_our_own_validators_messages() -> None:
    with pytest.raises(ValidationError) as caught:
        _scheme(score_places=9)()
    assert explain_text(caught.value) == "score_places：应不大于 4"
    with pytest.raises(ValidationError) as caught:
        _scheme(budget_execution={"rule": "steps"})()
    assert "'linear'、'tiered'、'deduct_per_point'" in explain_text(caught.value)
    with pytest.raises(ValidationError) as caught:
        _scheme(grades=[])()
    assert explain_text(caught.value) == "（顶层）：至少需要一个等级区间"


def test_loaders_say_it_the_same_way(tmp_path: Path) -> None:
    from jixiao.authoring import load_authored

    bad = tmp_path / "bad.json"
    bad.write_text('{"project": {"year": "二〇二〇"}}', encoding="utf-8")
    with pytest.raises(AuthoringError, match=r"字段“project\.year”应是整数"):
        load_authored(bad)
    scheme = tmp_path / "mine.toml"
    scheme.write_text("id = 'mine'\nname = 'x'\nscore_places = 9\n", encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        load_scheme(scheme)
    assert "score_places：应不大于 4" in err.value.message
    assert "weights：缺少必填字段" in err.value.message
    with pytest.raises(LayoutError) as layout_err:
        parse_layout("id = 3\n", "mine.toml")
    assert "id：应是文字" in layout_err.value.message
