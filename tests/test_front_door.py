"""``jixiao`` re-exports the front door (``jixiao.services``) so the library reads like its CLI,
and loads it only on first use so ``import jixiao`` (and ``jixiao --help``) stays fast."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import jixiao
from jixiao import services

SEED = Path(__file__).resolve().parent / "data" / "seeds" / "002_d2da961157e41a94.txt"


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
