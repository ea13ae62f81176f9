"""Use cases the CLI (and later the web app) call: one function per verb.

Each function takes plain arguments, does the I/O around the pure core, and returns domain
objects; ``JixiaoError`` is the only exception it lets out on bad input.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.authoring import load_authored
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import SchemeRef
from jixiao.core.scheme import Scheme
from jixiao.errors import UnknownSchemeError
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import load_scheme


def resolve_scheme(ev: Evaluation, named: Scheme | None, override: str | None) -> tuple[Evaluation, Scheme]:
    """The scheme to score ``ev`` with: ``override`` if given, else the one the file names.

    Weights a document declares stay; otherwise the evaluation takes the chosen scheme's
    default weights, so an override really changes how the evaluation is weighed.
    """
    if override is None:
        if named is None:
            raise UnknownSchemeError(ev.scheme.id, BUILTIN_IDS)
        return ev, named
    scheme = load_scheme(override)
    weights = ev.scheme.weights if ev.scheme.declared else scheme.weights
    ref = SchemeRef(id=scheme.id, weights=weights, declared=ev.scheme.declared)
    return ev.model_copy(update={"scheme": ref}), scheme


def score_file(path: str | Path, scheme: str | None = None) -> Evaluation:
    """Load an authoring file (YAML) or contract JSON, then score and check it."""
    ev, named = load_authored(path)
    ev, chosen = resolve_scheme(ev, named, scheme)
    return evaluate(ev, chosen)
