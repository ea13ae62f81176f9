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
- ``set_review_score`` / ``review_totals``: a reviewer's 核定得分 per indicator row, and the
  reviewer total and grade they give (:mod:`jixiao.core.review`); ``review_opinion_bytes``: the
  复核意见书 (xlsx, docx, pdf).
- ``attach_evidence(...)``: a 佐证材料 file checked like an original and kept in the archive.
- ``rename_unit`` / ``merge_units``: the admin's unit fixes, one audited transaction each
  (``UnitError`` in Chinese when refused, a merge naming every conflict).

Each takes plain arguments, does the I/O around the pure core, and returns domain objects;
``JixiaoError`` is the only exception it lets out on bad input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.authoring import load_authored
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import SchemeRef
from jixiao.core.review import Decision
from jixiao.core.review import ReviewerTotals
from jixiao.core.review import ReviewScoreError as ReviewScoreError  # noqa: PLC0414 (the front door)
from jixiao.core.review import parse_score
from jixiao.core.review import reviewer_totals
from jixiao.core.review import validate
from jixiao.core.scheme import Scheme
from jixiao.errors import UnknownSchemeError
from jixiao.export.api import evaluation_bytes as evaluation_bytes  # noqa: PLC0414
from jixiao.export.api import export_evaluation as export_evaluation  # noqa: PLC0414 (the front door)
from jixiao.export.api import review_bytes as review_bytes  # noqa: PLC0414
from jixiao.export.api import write_review as write_review  # noqa: PLC0414
from jixiao.export.files import check_target
from jixiao.export.files import write_atomic
from jixiao.export.opinion import SUFFIXES as _OPINION_SUFFIXES
from jixiao.export.opinion import Opinion
from jixiao.export.opinion import opinion_bytes
from jixiao.intake.batch import check_files
from jixiao.intake.pipeline import choose_scheme
from jixiao.intake.pipeline import extract_evaluations
from jixiao.portfolio.evidence import EvidenceRefused as EvidenceRefused  # noqa: PLC0414 (the front door)
from jixiao.portfolio.evidence import attach_evidence as attach_evidence  # noqa: PLC0414
from jixiao.portfolio.evidence import evidence_accept as evidence_accept  # noqa: PLC0414
from jixiao.portfolio.evidence import evidence_serving as evidence_serving  # noqa: PLC0414
from jixiao.portfolio.evidence import remove_evidence as remove_evidence  # noqa: PLC0414
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
from jixiao.storage.review_scores import ReviewScores
from jixiao.storage.review_scores import StoredDecision
from jixiao.storage.schemes import kept_schemes
from jixiao.storage.schemes import stored_scheme
from jixiao.storage.store import Store
from jixiao.storage.units import UnitError as UnitError  # noqa: PLC0414
from jixiao.storage.units import merge_units as merge_units  # noqa: PLC0414
from jixiao.storage.units import rename_unit as rename_unit  # noqa: PLC0414
from jixiao.storage.workflow import Workflow


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


OPINION_FORMATS = _OPINION_SUFFIXES  # the 复核意见书's formats: .xlsx, .docx, .pdf
REVIEW_ROLES = frozenset({"admin", "reviewer"})
COMMENT_MAX = 2000


@dataclass(frozen=True, slots=True)
class ReviewSheet:
    """One evaluation version with the reviewer's entries and the totals they give."""

    evaluation: Evaluation
    scheme: Scheme
    entries: dict[int, StoredDecision]
    totals: ReviewerTotals


def review_totals(db: Database, evaluation_id: int) -> ReviewSheet | None:
    """The reviewer total and grade of one evaluation version (None: no such evaluation), under
    the evaluation's own scheme (:func:`scheme_for`)."""
    ev = Store(db).get(evaluation_id)
    if ev is None:
        return None
    scheme = scheme_for(ev, db)
    entries = ReviewScores(db).of(evaluation_id)
    totals = reviewer_totals(ev, {p: e.decision for p, e in entries.items()}, scheme)
    return ReviewSheet(ev, scheme, entries, totals)


def set_review_score(
    db: Database,
    evaluation_id: int,
    position: int,
    score: str | Decimal | None,
    reason: str | None = None,
    comment: str | None = None,
    *,
    role: str,
    actor: str,
    user_id: int | None = None,
) -> ReviewSheet:
    """Keep a reviewer's 核定得分, 扣分原因 and comment on one indicator row, audited; the sheet after.

    Only a reviewer or an admin may (``role``); 核定得分 is validated by the core (a number from 0
    to the row's weight, 扣分原因 required below the claim). Refused with
    :class:`ReviewScoreError` (Chinese) — nothing is kept then."""
    if role not in REVIEW_ROLES:
        raise ReviewScoreError("只有复核人员或管理员可以填写核定得分")
    ev = Store(db).get(evaluation_id)
    if ev is None:
        raise ReviewScoreError(f"没有编号为 {evaluation_id} 的评价")
    if not 0 <= position < len(ev.indicators):
        raise ReviewScoreError(f"这份评价没有第{position + 1}行指标")
    scheme = scheme_for(ev, db)
    value = parse_score(score) if not isinstance(score, Decimal) else score
    ind = ev.indicators[position]
    kept_reason = validate(ind, position, value, reason, scheme.score_places)
    kept_comment = (comment or "").strip() or None
    if kept_comment is not None and len(kept_comment) > COMMENT_MAX:
        raise ReviewScoreError(f"第{position + 1}行指标“{ind.name}”：批注过长，最多{COMMENT_MAX}字")
    decision = Decision(position, value, kept_reason, kept_comment)
    ReviewScores(db).put(evaluation_id, decision, row_name=ind.name, user_id=user_id, actor=actor)
    sheet = review_totals(db, evaluation_id)
    assert sheet is not None
    return sheet


def _day(when: dt.datetime | None) -> str | None:
    if when is None:
        return None
    local = when.astimezone()
    return f"{local.year}年{local.month}月{local.day}日"


def review_opinion(db: Database, evaluation_id: int) -> Opinion | None:
    """The 复核意见书 of one evaluation version as plain values (None: no such evaluation):
    its review (状态, 意见, 审核人, date), the three totals, the 核定得分 row by row, the findings."""
    sheet = review_totals(db, evaluation_id)
    meta = Workflow(db).meta(evaluation_id)
    if sheet is None or meta is None:
        return None
    ev, t = sheet.evaluation, sheet.totals
    number = getattr(meta, "number", None) or str(meta.id)
    return Opinion(
        project=meta.project,
        unit=meta.unit,
        year=meta.year,
        number=str(number),
        version=meta.version,
        scheme=sheet.scheme.name,
        status=meta.status,
        comment=meta.comment,
        reviewer=meta.reviewer,
        reviewed_on=_day(meta.reviewed_at),
        claimed_total=ev.claimed.total,
        claimed_grade=ev.claimed.grade,
        computed_total=ev.computed.total,
        computed_grade=ev.computed.grade,
        decided_total=t.total,
        decided_grade=t.grade,
        decided_explanation=t.explanation,
        decided_weight=t.decided_weight,
        verified_weight=t.verified_weight,
        carried_weight=t.carried_weight,
        rows=t.rows,
        levels=tuple((i.level1, i.level2) for i in ev.indicators),
        findings=ev.findings,
        issued_on=_day(dt.datetime.now(dt.UTC)) or "",
    )


def write_review_opinion(db: Database, evaluation_id: int, out: str | Path) -> Path:
    """Write the 复核意见书 of one evaluation to ``out`` (``.xlsx``, ``.docx`` or ``.pdf``), whole or
    not at all; ``jixiao show ID --opinion 意见书.docx``."""
    target = Path(out)
    suffix = check_target(target, OPINION_FORMATS, "复核意见书")
    content = review_opinion_bytes(db, evaluation_id, suffix)
    if content is None:
        raise ReviewScoreError(f"库中没有编号为 {evaluation_id} 的评价")
    return write_atomic(target, content)


def review_opinion_bytes(db: Database, evaluation_id: int, suffix: str) -> bytes | None:
    """The 复核意见书 as ``.xlsx``, ``.docx`` or ``.pdf`` bytes (None: no such evaluation)."""
    if suffix not in OPINION_FORMATS:
        raise ReviewScoreError(f"复核意见书只能导出为 {'、'.join(s[1:] for s in OPINION_FORMATS)}")
    opinion = review_opinion(db, evaluation_id)
    return None if opinion is None else opinion_bytes(opinion, suffix)


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
