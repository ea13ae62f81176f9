"""Built-in scoring schemes and the loader for scheme files.

Each scheme is one TOML file (``builtin/<id>.toml``) whose numbers cite their official source in
comments. ``load_scheme`` accepts a built-in id or the path of a user's own TOML file of the same
shape (see ``docs/schemes.md``). This package reads files, so it lives outside the core; the core
only sees the validated :class:`~jixiao.core.scheme.Scheme`.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jixiao.core.model import Weights
from jixiao.core.scheme import Scheme
from jixiao.errors import SchemeError
from jixiao.errors import UnknownSchemeError
from jixiao.errors import explain_text
from jixiao.tomlfile import read_toml

DEFAULT_SCHEME = "mof-2020"
BUILTIN_IDS: tuple[str, ...] = ("mof-2020", "mof-2021", "hubei-2019", "hebei-2020")


def _validate(data: dict[str, Any], where: str) -> Scheme:
    try:
        return Scheme.model_validate(data)
    except ValidationError as exc:
        raise SchemeError(where, explain_text(exc)) from None


@functools.cache
def _builtin(scheme_id: str) -> Scheme:
    where = f"{scheme_id}（内置）"
    return _validate(
        read_toml(resources.files(__package__).joinpath("builtin", f"{scheme_id}.toml"), where, SchemeError),
        where,
    )


def builtin_schemes() -> tuple[Scheme, ...]:
    """Every built-in scheme, in the order of ``BUILTIN_IDS``."""
    return tuple(_builtin(scheme_id) for scheme_id in BUILTIN_IDS)


def load_scheme(ref: str | Path) -> Scheme:
    """A built-in scheme by id, or a scheme TOML file by path."""
    if isinstance(ref, str) and ref in BUILTIN_IDS:
        return _builtin(ref)
    path = Path(ref)
    if path.suffix.lower() == ".toml" and path.is_file():
        return _validate(read_toml(path, str(path), SchemeError), str(path))
    raise UnknownSchemeError(str(ref), BUILTIN_IDS)


def match_scheme(weights: Weights) -> Scheme | None:
    """The built-in scheme whose level-1 weights equal a document's stated ones, if exactly one.

    Only the groups a document states count: a document that prints 预算执行 20 / 产出 40 /
    效益 40 and no satisfaction block matches ``hubei-2019``.
    """
    hits = [s for s in builtin_schemes() if s.weights == weights]
    return hits[0] if len(hits) == 1 else None
