"""The held-out forms (tests/data/holdout/): documents written the way other units publish them,
which no extractor change was tuned to.

Two promises are held here, through the same worker path as ``jixiao check`` / ``jixiao extract``
and on the evaluation JSON the CLI prints:
1. no value listed in NEAR_MISSES.json (what a careless reader would take from an inconsistent or
   ambiguous text) is ever reported — the right answer there is "not read";
2. the facts of INDEX.json are read at least as well as FLOOR, compared exactly as
   ``../shared/tools/realcheck.py --dir tests/data/holdout`` compares them.

FLOOR is what jixiao reached when the set was written (89.4 % of 423 facts), rounded down to the
next 5 %; raise it as the extractor improves, never lower it to make a change pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intake import holdout_set
from intake.holdout_set import careless_reads
from intake.holdout_set import check_whole
from intake.holdout_set import facts_held
from intake.holdout_set import index
from intake.holdout_set import near_misses
from intake.holdout_set import read_all

HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "holdout"
FLOOR = 85.0

INDEX = index(HOLDOUT)
NEAR_MISSES = near_misses(HOLDOUT)


def documents() -> list[tuple[dict[str, Any], Path]]:
    return holdout_set.documents(HOLDOUT, INDEX)


@pytest.fixture(scope="module")
def evaluations() -> dict[Path, list[dict[str, Any]]]:
    return read_all(HOLDOUT)


def test_the_set_is_whole() -> None:
    check_whole(HOLDOUT, near_files=8)


# Near-misses jixiao still reads as certain when the set was written: strict, so the mark must go
# (and the test then guards the fix) as soon as the extractor leaves them unread.
KNOWN_NEAR_MISS_READS: dict[str, str] = {}


def near_miss_files() -> list[Any]:
    files = sorted({item["file"] for item in NEAR_MISSES})
    return [
        pytest.param(f, marks=pytest.mark.xfail(strict=True, reason=KNOWN_NEAR_MISS_READS[f]))
        if f in KNOWN_NEAR_MISS_READS
        else f
        for f in files
    ]


@pytest.mark.parametrize("name", near_miss_files())
def test_no_near_miss_value_is_ever_reported(
    evaluations: dict[Path, list[dict[str, Any]]], name: str
) -> None:
    """Ambiguous or inconsistent figures stay unread: none of the careless values appears."""
    wrong = careless_reads(NEAR_MISSES, evaluations[HOLDOUT / name], name)
    assert not wrong, "近似陷阱被当作确定值读出：\n" + "\n".join(wrong)


def test_one_form_gives_one_evaluation(evaluations: dict[Path, list[dict[str, Any]]]) -> None:
    """Each held-out file holds one form: never split into several evaluations, never lost."""
    assert {path.name: len(evs) for path, evs in evaluations.items() if len(evs) != 1} == {}


def test_facts_read_at_least_the_floor(evaluations: dict[Path, list[dict[str, Any]]]) -> None:
    pct, total, misses = facts_held(documents(), evaluations)
    assert total >= 300
    assert pct >= FLOOR, f"holdout: {pct:.1f}% facts of {total} < {FLOOR}%; missed:\n" + "\n".join(misses)
