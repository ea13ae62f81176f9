"""Schemes kept by content hash, and ``services.scheme_for``: the one answer to "which scheme was
this evaluation scored under"."""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import SchemeRef
from jixiao.core.scheme import Scheme
from jixiao.errors import UnknownSchemeError
from jixiao.schemes import load_scheme
from jixiao.services import scheme_for
from jixiao.storage.db import Database
from jixiao.storage.schemes import remember_scheme
from jixiao.storage.schemes import stored_scheme

DATA = Path(__file__).resolve().parents[1] / "data"
COUNTY = DATA / "schemes" / "county-2026.toml"


def _scored(scheme: Scheme) -> Evaluation:
    return evaluate(Evaluation(scheme=SchemeRef(id=scheme.id)), scheme)


def test_digest_is_of_the_rules_and_survives_a_round_trip() -> None:
    county = load_scheme(COUNTY)
    mof = load_scheme("mof-2020")
    assert county.digest != mof.digest  # only the grade's name differs
    assert Scheme.model_validate_json(county.definition).digest == county.digest
    assert len(county.digest) == 64


def test_evaluate_remembers_the_scheme_by_id_and_hash() -> None:
    county = load_scheme(COUNTY)
    ev = _scored(county)
    assert (ev.scheme.id, ev.scheme.sha256) == ("county-2026", county.digest)
    rescored = evaluate(ev, load_scheme("mof-2020"))
    assert rescored.scheme.sha256 == load_scheme("mof-2020").digest  # the hash is the rules used
    assert Evaluation.from_json(ev.to_json()).scheme.sha256 == county.digest


def test_kept_once_and_found_by_hash(db: Database) -> None:
    county = load_scheme(COUNTY)
    assert stored_scheme(db, county.digest) is None
    assert remember_scheme(db, county) == county.digest
    assert remember_scheme(db, county) == county.digest  # a second import keeps it once
    assert stored_scheme(db, county.digest) == county


def test_scheme_for_finds_a_kept_scheme_and_refuses_a_lost_one(db: Database) -> None:
    county = load_scheme(COUNTY)
    ev = _scored(county)
    with pytest.raises(UnknownSchemeError, match="county-2026"):
        scheme_for(ev, db)  # not kept: refused, never the default scheme
    with pytest.raises(UnknownSchemeError):
        scheme_for(ev)
    remember_scheme(db, county)
    assert scheme_for(ev, db) == county


def test_scheme_for_builtins_by_hash_then_by_id() -> None:
    hubei = load_scheme("hubei-2019")
    assert scheme_for(_scored(hubei)) is hubei
    legacy = Evaluation(scheme=SchemeRef(id="mof-2021"))  # stored before hashes were kept
    assert scheme_for(legacy).id == "mof-2021"
    changed = Evaluation(scheme=SchemeRef(id="mof-2021", sha256="0" * 64))  # an older built-in
    assert scheme_for(changed).id == "mof-2021"
