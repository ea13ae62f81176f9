"""``jixiao`` re-exports the front door (``jixiao.services``) so the library reads like its CLI,
and loads it only on first use so ``import jixiao`` (and ``jixiao --help``) stays fast."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import jixiao
from jixiao import services

SEED = Path(__file__).resolve().parent / "data" / "seeds" / "002_d2da961157e41a94.txt"
SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"


def test_every_front_door_name_is_the_services_function() -> None:
    for name in jixiao.FRONT_DOOR:
        assert getattr(jixiao, name) is getattr(services, name), name
    assert set(jixiao.__all__) == jixiao.FRONT_DOOR | {"__version__"}
    with pytest.raises(AttributeError):
        jixiao.no_such_verb  # noqa: B018


def test_the_library_reads_like_the_cli() -> None:
    (ev,) = jixiao.extract(SEED)
    assert ev.project.name and ev.computed.total is not None
    assert jixiao.scheme_for(ev).id == ev.scheme.id  # the scheme it was scored under
    assert ev.scheme.sha256 == jixiao.scheme_for(ev).digest


def test_import_jixiao_loads_no_use_case() -> None:
    code = "import sys, jixiao; print(sorted(m for m in sys.modules if m.startswith('jixiao.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _callers(*names: str) -> dict[str, set[str]]:
    """Which modules of ``src/jixiao`` call each of ``names`` (as ``f(…)`` or ``x.f(…)``)."""
    found: dict[str, set[str]] = {name: set() for name in names}
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = (
                    func.id
                    if isinstance(func, ast.Name)
                    else func.attr
                    if isinstance(func, ast.Attribute)
                    else ""
                )
                if called in found:
                    found[called].add(path.relative_to(SRC).as_posix())
    return found


def test_each_scheme_question_has_one_answer() -> None:
    """Which scheme an evaluation was scored under, which one a document just read gets, and which
    ones a user may choose: each is decided by one function, and nothing else decides it."""
    from jixiao.intake.pipeline import choose_scheme

    assert services.scheme_for_document is choose_scheme
    callers = _callers("match_scheme", "choose_scheme", "stored_scheme", "kept_schemes", "builtin_schemes")
    assert callers["match_scheme"] == {"intake/pipeline.py"}  # matching declared weights: one place
    assert callers["choose_scheme"] == {"intake/pipeline.py"}  # every document path reads through it
    assert callers["stored_scheme"] <= {"services.py", "storage/schemes.py"}
    assert callers["kept_schemes"] == {"services.py"}
    assert not {c for c in callers["builtin_schemes"] if c.startswith("web/")}  # the web asks services


def test_the_editor_offers_what_the_front_door_offers() -> None:
    offered = services.schemes_offered()
    assert "mof-2020" in offered
    assert all(services.scheme_key(s) == key for key, s in offered.items())
