"""The front door: the use cases the CLI and the web call, one name per verb, re-exported by
``jixiao`` itself so the library reads like its CLI (``jixiao.extract``, ``jixiao.check``,
``jixiao.score``, ``jixiao.export_evaluation``, ``jixiao.scheme_for``…).

- ``extract(path)``: read one submitted file in this process → its scored evaluations.
- ``check(paths)``: ``jixiao check`` — each file in a worker process under the limits.
- ``score(path)``: an authoring YAML or contract JSON file, scored and checked.
- ``ingest(...)``: the only way a document enters the database.
- ``export_evaluation`` / ``write_review``: the 自评表/自评报告 and the 复核报告.
- ``build_portfolio`` / ``write_portfolio``: the portfolio report over the database.
- ``scheme_for(evaluation)``: the scheme an evaluation was scored under (the one scheme policy);
  ``scheme_for_document``: the scheme a newly read document is scored under (its declared
  weights); ``schemes_offered``: the schemes one may choose (built-in and the users' own kept).
- ``evaluation_bytes`` / ``review_bytes`` / ``portfolio_bytes``: the same documents as bytes (the
  web sends them; the path-taking forms above write them through one atomic writer).
- ``attach_evidence(...)``: a 佐证材料 file checked like an original and kept in the archive.

Each takes plain arguments, does the I/O around the pure core, and returns domain objects;
``JixiaoError`` is the only exception it lets out on bad input.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.authoring import load_authored
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import SchemeRef
from jixiao.core.scheme import Scheme
from jixiao.errors import UnknownSchemeError
from jixiao.export.api import evaluation_bytes as evaluation_bytes  # noqa: PLC0414
from jixiao.export.api import export_evaluation as export_evaluation  # noqa: PLC0414 (the front door)
from jixiao.export.api import review_bytes as review_bytes  # noqa: PLC0414
from jixiao.export.api import write_review as write_review  # noqa: PLC0414
from jixiao.intake.batch import check_files
from jixiao.intake.pipeline import choose_scheme
from jixiao.intake.pipeline import extract_evaluations
from jixiao.portfolio.evidence import EvidenceRefused as EvidenceRefused  # noqa: PLC0414 (the front door)
from jixiao.portfolio.evidence import attach_evidence as attach_evidence  # noqa: PLC0414
from jixiao.portfolio.evidence import evidence_accept as evidence_accept  # noqa: PLC0414
from jixiao.portfolio.evidence import evidence_serving as evidence_serving  # noqa: PLC0414
from jixiao.portfolio.ingest import READABLE as READABLE  # noqa: PLC0414 (re-exported: the front door ingests)
from jixiao.portfolio.ingest import Incoming as Incoming  # noqa: PLC0414
from jixiao.portfolio.ingest import ingest as ingest  # noqa: PLC0414
from jixiao.portfolio.report import build_report
from jixiao.portfolio.report import report_bytes
from jixiao.portfolio.report import write_report
from jixiao.schemes import BUILTIN_IDS
from jixiao.schemes import builtin_schemes
from jixiao.schemes import load_scheme
from jixiao.storage.db import Database
from jixiao.storage.schemes import kept_schemes
from jixiao.storage.schemes import stored_scheme


def resolve_scheme(ev: Evaluation, named: Scheme | None, override: str | None) -> tuple[Evaluation, Scheme]:
    """The scheme to score ``ev`` with: ``override`` if given, else the one the file names.

    Weights a document declares stay; otherwise the evaluation takes the chosen scheme's
    default weights, so an override really changes how the evaluation is weighed.
    """
    if override is None:
        return ev, named if named is not None else scheme_for(ev)
    scheme = load_scheme(override)
    weights = ev.scheme.weights if ev.scheme.declared else scheme.weights
    ref = SchemeRef(id=scheme.id, weights=weights, declared=ev.scheme.declared)
    return ev.model_copy(update={"scheme": ref}), scheme


def scheme_for(ev: Evaluation, db: Database | None = None) -> Scheme:
    """The scheme ``ev`` was scored under — the one policy every path (CLI, import, web) asks.

    By the content hash the evaluation remembers (``scheme.sha256``): a built-in scheme with that
    hash, else the scheme kept under it in ``db`` (a user's own file, kept when it was imported).
    An evaluation without a hash (older, or from another tool), or one whose built-in scheme has
    since changed, gets the built-in scheme of its id. Anything else is refused with
    :class:`UnknownSchemeError`: never silently another scheme.
    """
    sha = ev.scheme.sha256
    if sha:
        for scheme in builtin_schemes():
            if scheme.digest == sha:
                return scheme
        kept = stored_scheme(db, sha) if db is not None else None
        if kept is not None:
            return kept
    if ev.scheme.id in BUILTIN_IDS:
        return load_scheme(ev.scheme.id)
    raise UnknownSchemeError(ev.scheme.id, BUILTIN_IDS)


def scheme_key(scheme: Scheme) -> str:
    """How a form names a scheme: a built-in one by its id (``mof-2020``), a user's own by its id
    and the start of its content hash (``my-2024@1a2b3c4d5e6f``), so two versions of one file,
    or a file reusing a built-in id, stay apart."""
    if any(s.digest == scheme.digest for s in builtin_schemes()):
        return scheme.id
    return f"{scheme.id}@{scheme.digest[:12]}"


def schemes_offered(db: Database | None = None) -> dict[str, Scheme]:
    """The schemes one may score with where jixiao asks (the web editor), by :func:`scheme_key`:
    the built-in ones, then the users' own kept in ``db`` (imported with ``--scheme file.toml``)."""
    offered = {s.id: s for s in builtin_schemes()}
    if db is not None:
        for kept in kept_schemes(db):
            offered.setdefault(scheme_key(kept), kept)
    return offered


def scheme_choice(ev: Evaluation, db: Database | None = None) -> str:
    """The :func:`scheme_key` of the scheme ``ev`` was scored under (:func:`scheme_for`); its bare
    id when that scheme is not known here (a form then asks for one)."""
    try:
        return scheme_key(scheme_for(ev, db))
    except UnknownSchemeError:
        return ev.scheme.id


def score_file(path: str | Path, scheme: str | None = None) -> Evaluation:
    """Load an authoring file (YAML) or contract JSON, then score and check it."""
    ev, named = load_authored(path)
    ev, chosen = resolve_scheme(ev, named, scheme)
    return evaluate(ev, chosen)


# The verbs under the CLI's names, so the library reads like it.
extract = extract_evaluations  # in this process; ``check`` runs each file in a worker process
check = check_files
score = score_file
build_portfolio = build_report
write_portfolio = write_report
portfolio_bytes = report_bytes
# A newly read document's scheme: its declared weights (or ``--scheme``). The intake applies it
# inside the worker processes, below this layer; the front door names the same function.
scheme_for_document = choose_scheme
