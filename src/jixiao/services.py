"""The front door: the use cases the CLI and the web call, one name per verb, re-exported by
``jixiao`` itself so the library reads like its CLI (``jixiao.extract``, ``jixiao.check``,
``jixiao.score``, ``jixiao.export_evaluation``, ``jixiao.scheme_for``…).

- ``extract(path)``: read one submitted file in this process → its scored evaluations.
- ``check(paths)``: ``jixiao check`` — each file in a worker process under the limits.
- ``score(path)``: an authoring YAML or contract JSON file, scored and checked.
- ``ingest(...)``: the only way a document enters the database.
- ``export_evaluation`` / ``write_review``: the 自评表/自评报告 and the 复核报告.
- ``export_jobs`` / ``stored_export_jobs`` → ``export_many``: the 自评表/自评报告 of many
  evaluations (authoring files, submitted documents, folders of them, or the database's latest
  versions by year and unit) written into one folder on parallel warm workers.
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
- a project's year (``docs/contract.md``): ``read_plan_file`` (a submitted 目标申报表 or
  监控情况表, or its authoring file), ``plan_bytes`` (either as its official table),
  ``save_declaration`` / ``save_monitoring`` (checked, then stored as the project-year's next version), ``load_declaration`` / ``load_monitoring``,
  ``year_link`` / ``evaluation_link`` (the evaluation matched to the declaration and checked against it and the
  monitoring record), ``override_match`` / ``clear_match_override`` (a reviewer's correction of
  the match, stored), ``year_timeline``, ``project_years`` (by stage) and ``stage_counts`` (per
  unit, with warnings).
- ``rename_unit`` / ``merge_units``: the admin's unit fixes, one audited transaction each
  (``UnitError`` in Chinese when refused, a merge naming every conflict).

Each takes plain arguments, does the I/O around the pure core, and returns domain objects;
``JixiaoError`` is the only exception it lets out on bad input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from jixiao.authoring import load_authored
from jixiao.authoring.plan import PlanKind
from jixiao.core.engine import evaluate
from jixiao.core.model import Evaluation
from jixiao.core.model import SchemeRef
from jixiao.core.plan import Declaration
from jixiao.core.plan import Monitoring
from jixiao.core.review import Decision
from jixiao.core.review import ReviewerTotals
from jixiao.core.review import ReviewScoreError as ReviewScoreError  # noqa: PLC0414 (the front door)
from jixiao.core.review import parse_score
from jixiao.core.review import reviewer_totals
from jixiao.core.review import validate
from jixiao.core.scheme import Scheme
from jixiao.core.year import YearLink
from jixiao.core.year import check_declaration
from jixiao.core.year import check_monitoring
from jixiao.core.year import link_year
from jixiao.errors import JixiaoError
from jixiao.errors import UnknownSchemeError
from jixiao.export.api import evaluation_bytes as evaluation_bytes  # noqa: PLC0414
from jixiao.export.api import export_evaluation as export_evaluation  # noqa: PLC0414 (the front door)
from jixiao.export.api import review_bytes as review_bytes  # noqa: PLC0414
from jixiao.export.api import write_review as write_review  # noqa: PLC0414
from jixiao.export.files import check_target
from jixiao.export.files import write_atomic
from jixiao.export.many import Job as ExportJob
from jixiao.export.many import Outcome as ExportOutcome
from jixiao.export.many import export_many as export_many  # noqa: PLC0414 (the front door)
from jixiao.export.names import document_name
from jixiao.export.names import unique_names
from jixiao.export.opinion import SUFFIXES as _OPINION_SUFFIXES
from jixiao.export.opinion import Opinion
from jixiao.export.opinion import opinion_bytes
from jixiao.intake.batch import check_files
from jixiao.intake.batch import check_files_grouped
from jixiao.intake.limits import Limits
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
from jixiao.storage.store import EvaluationSummary
from jixiao.storage.store import Store
from jixiao.storage.units import UnitError as UnitError  # noqa: PLC0414
from jixiao.storage.units import merge_units as merge_units  # noqa: PLC0414
from jixiao.storage.units import rename_unit as rename_unit  # noqa: PLC0414
from jixiao.storage.workflow import Workflow
from jixiao.storage.years import EvaluationVersion
from jixiao.storage.years import MatchOverride
from jixiao.storage.years import ProjectYearInfo
from jixiao.storage.years import RecordInfo
from jixiao.storage.years import UnitStageCounts
from jixiao.storage.years import YearError as YearError  # noqa: PLC0414 (the front door)
from jixiao.storage.years import YearQuery
from jixiao.storage.years import Years


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


# -- a project's year: declared targets, in-year monitoring, the year-end link ---------------------


def _declaration_scheme(dec: Declaration, db: Database) -> Scheme | None:
    """The scheme whose level-1 weights a declaration is checked against (None: its own)."""
    if dec.scheme.sha256:
        for scheme in builtin_schemes():
            if scheme.digest == dec.scheme.sha256:
                return scheme
        kept = stored_scheme(db, dec.scheme.sha256)
        if kept is not None:
            return kept
    return load_scheme(dec.scheme.id) if dec.scheme.id in BUILTIN_IDS else None


@dataclass(frozen=True, slots=True)
class SavedDeclaration:
    """A declaration as checked and stored."""

    declaration: Declaration
    record: RecordInfo


@dataclass(frozen=True, slots=True)
class SavedMonitoring:
    """A monitoring record as checked (rates filled, early warnings found) and stored."""

    monitoring: Monitoring
    record: RecordInfo


def save_declaration(
    db: Database,
    dec: Declaration,
    *,
    actor: str | None = None,
    unit: str | None = None,
    document_id: int | None = None,
) -> SavedDeclaration:
    """Check a declaration and store it as its project-year's next version (``unit`` files it
    under that unit). ``YearError`` (Chinese) when it names no project or year."""
    checked = check_declaration(dec, _declaration_scheme(dec, db))
    return SavedDeclaration(
        checked, Years(db).save_declaration(checked, actor=actor, unit=unit, document_id=document_id)
    )


def save_monitoring(
    db: Database,
    mon: Monitoring,
    *,
    actor: str | None = None,
    unit: str | None = None,
    document_id: int | None = None,
) -> SavedMonitoring:
    """Check a monitoring record (against the project-year's stored declaration, if any) and
    store it as the next version for its period."""
    years = Years(db)
    found = years.find_for(mon.project, unit)
    declaration = years.declaration(found.id) if found is not None else None
    checked = check_monitoring(mon, declaration)
    return SavedMonitoring(
        checked, years.save_monitoring(checked, actor=actor, unit=unit, document_id=document_id)
    )


def read_plan_file(path: str | Path, kind: str, *, name: str | None = None) -> Declaration | Monitoring:
    """A submitted 目标申报表 (``kind="declaration"``) or 监控情况表 (``"monitoring"``) read
    from a docx/xlsx/pdf… file, or a ``jixiao new --kind`` authoring file (``.yaml``) or contract
    ``.json``; ``name`` is the name people know an upload by. Not checked (``save_*`` checks).
    Raises ``JixiaoError`` (Chinese, naming the file) when it is not that record or cannot be read."""
    from jixiao.authoring.plan import load_plan
    from jixiao.intake.plans import PLAN_NAMES
    from jixiao.intake.plans import read_plan

    if kind not in PLAN_NAMES:
        raise JixiaoError(f"不认识的记录类型“{kind}”：应为 declaration（目标申报）或 monitoring（监控）")
    plan: PlanKind = "declaration" if kind == "declaration" else "monitoring"
    file = Path(path)
    shown = name or str(path)
    suffix = Path(shown).suffix.lower()
    record: Declaration | Monitoring
    if suffix in (".yaml", ".yml"):
        record = load_plan(file)
    elif suffix == ".json":
        try:
            record = (Declaration if plan == "declaration" else Monitoring).from_json(file.read_bytes())
        except (OSError, ValueError) as exc:
            raise JixiaoError(f"{shown}：不是{PLAN_NAMES[plan]}的合同 JSON（{exc}）") from None
    else:
        return read_plan(file, plan, name=name)
    if isinstance(record, Declaration) != (plan == "declaration"):
        raise JixiaoError(f"{shown}：不是{PLAN_NAMES[plan]}的编写文件")
    return record


def plan_bytes(record: Declaration | Monitoring, suffix: str, *, layout: str | Path | None = None) -> bytes:
    """A declaration or monitoring record as its official table: ``.xlsx``, ``.docx`` or ``.pdf``
    bytes in its layout (the built-in one unless ``layout`` names another)."""
    from jixiao.export.plan_api import plan_bytes as table_bytes

    return table_bytes(record, suffix, layout=layout)


def load_declaration(db: Database, project_year_id: int, version: int | None = None) -> Declaration | None:
    """A project-year's declaration: the current version, or ``version``."""
    return Years(db).declaration(project_year_id, version)


def load_monitoring(db: Database, project_year_id: int) -> Monitoring | None:
    """A project-year's current monitoring record of its latest period."""
    return Years(db).monitoring(project_year_id)


def project_year(db: Database, project_year_id: int) -> ProjectYearInfo | None:
    """One project-year, with its stage."""
    return Years(db).get(project_year_id)


def project_year_of(db: Database, evaluation_id: int) -> ProjectYearInfo | None:
    """The project-year a stored evaluation belongs to."""
    return Years(db).of_evaluation(evaluation_id)


def project_years(db: Database, query: YearQuery | None = None) -> list[ProjectYearInfo]:
    """Project-years, filtered by furthest stage, unit and year (all by default)."""
    return Years(db).listing(query)


def stage_counts(
    db: Database, *, year: int | None = None, unit_id: int | None = None
) -> list[UnitStageCounts]:
    """Per unit: declarations, monitorings and evaluations, and those carrying warnings."""
    return Years(db).counts_by_unit(year=year, unit_id=unit_id)


def _latest_evaluation(db: Database, project_year_id: int) -> tuple[int, Evaluation] | None:
    versions = [v for v in Years(db).evaluation_versions(project_year_id) if v.latest]
    if not versions:
        return None
    ev = Store(db).get(versions[-1].id)
    return (versions[-1].id, ev) if ev is not None else None


def year_link(db: Database, project_year_id: int) -> YearLink | None:
    """The year-end link of a project-year: its current evaluation matched to its declaration
    (the reviewer's overrides applied) and checked against both and the monitoring record.
    None until both a declaration and an evaluation are stored."""
    years = Years(db)
    declaration = years.declaration(project_year_id)
    latest = _latest_evaluation(db, project_year_id)
    if declaration is None or latest is None:
        return None
    overrides = years.override_map(years.overrides(project_year_id))
    return link_year(latest[1], declaration, years.monitoring(project_year_id), overrides)


def evaluation_link(db: Database, evaluation_id: int) -> YearLink | None:
    """The year-end link of one stored evaluation version (the evaluation page's “与申报核对”):
    that version matched to its project-year's current declaration and checked against it and
    the monitoring record. None when it names no year or no declaration is stored."""
    years = Years(db)
    info = years.of_evaluation(evaluation_id)
    ev = Store(db).get(evaluation_id)
    if info is None or ev is None:
        return None
    declaration = years.declaration(info.id)
    if declaration is None:
        return None
    overrides = years.override_map(years.overrides(info.id))
    return link_year(ev, declaration, years.monitoring(info.id), overrides)


def override_match(
    db: Database, project_year_id: int, evaluated: str, declared: str | None, *, actor: str
) -> YearLink | None:
    """A reviewer's correction: the evaluated indicator named ``evaluated`` is the declared one
    named ``declared`` (None: not declared). Stored, then the link is made again."""
    Years(db).set_override(project_year_id, evaluated, declared, actor=actor)
    return year_link(db, project_year_id)


def clear_match_override(db: Database, project_year_id: int, evaluated: str) -> YearLink | None:
    """Forget a correction of the match; the link is made again."""
    Years(db).clear_override(project_year_id, evaluated)
    return year_link(db, project_year_id)


@dataclass(frozen=True, slots=True)
class Timeline:
    """A project's year as one timeline: declared → monitored → evaluated, with every stored
    version, the current records, the year-end link and the reviewer's corrections."""

    info: ProjectYearInfo
    declaration: Declaration | None
    declaration_versions: list[RecordInfo]
    monitorings: list[tuple[RecordInfo, Monitoring]]
    monitoring_versions: list[RecordInfo]
    evaluation_id: int | None
    evaluation: Evaluation | None
    evaluation_versions: list[EvaluationVersion]
    link: YearLink | None
    overrides: list[MatchOverride]


def year_timeline(db: Database, project_year_id: int) -> Timeline | None:
    """Everything of one project-year, for its timeline page (None: no such project-year)."""
    years = Years(db)
    info = years.get(project_year_id)
    if info is None:
        return None
    declaration = years.declaration(project_year_id)
    monitorings = years.monitorings(project_year_id)
    latest = _latest_evaluation(db, project_year_id)
    overrides = years.overrides(project_year_id)
    link = None
    if declaration is not None and latest is not None:
        link = link_year(
            latest[1], declaration, monitorings[-1][1] if monitorings else None, years.override_map(overrides)
        )
    return Timeline(
        info=info,
        declaration=declaration,
        declaration_versions=years.declaration_versions(project_year_id),
        monitorings=monitorings,
        monitoring_versions=years.monitoring_versions(project_year_id),
        evaluation_id=latest[0] if latest is not None else None,
        evaluation=latest[1] if latest is not None else None,
        evaluation_versions=years.evaluation_versions(project_year_id),
        link=link,
        overrides=overrides,
    )


# -- many documents at once ------------------------------------------------------------------------

_AUTHORING = (".yaml", ".yml", ".json")


def _export_inputs(paths: Sequence[Path], problems: list[ExportOutcome]) -> tuple[list[Path], list[Path]]:
    """The authoring files and the submitted documents ``paths`` stand for (a folder: every one
    below it, in name order); a path that is neither goes into ``problems``."""
    from jixiao.authoring.plan import is_plan_text

    authored: list[Path] = []
    documents: list[Path] = []
    for given in paths:
        if given.is_dir():
            found = sorted(p for p in given.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
        elif given.is_file():
            found = [given]
        else:
            problems.append(ExportOutcome(str(given), error=f"{given}：找不到该文件或目录"))
            continue
        for path in found:
            suffix = path.suffix.lower()
            if suffix in _AUTHORING:
                if suffix != ".json" and is_plan_text(path.read_text(encoding="utf-8-sig", errors="replace")):
                    problems.append(
                        ExportOutcome(
                            str(path),
                            error=f"{path}：是目标申报或监控的编写文件，请单独用 jixiao export 导出",
                        )
                    )
                else:
                    authored.append(path)
            elif suffix in READABLE:
                documents.append(path)
            elif not given.is_dir():  # a folder's other files (images of 佐证材料…) are not inputs
                problems.append(ExportOutcome(str(path), error=f"{path}：不是自评编写文件或可读取的报送文件"))
    return authored, documents


def _document_scheme(ev: Evaluation, given: Scheme | None) -> Scheme:
    if given is not None and ev.scheme.id == given.id:
        return given
    return scheme_for(ev)


def export_jobs(
    paths: Sequence[Path],
    *,
    scheme: str | None = None,
    workers: int | None = None,
    limits: Limits | None = None,
    on_read: Callable[[Path], None] | None = None,
) -> tuple[list[ExportJob], list[ExportOutcome]]:
    """What :func:`export_many` writes for ``paths``: authoring files (scored as ``jixiao score``
    does), submitted documents (read and scored as ``jixiao check`` does, on ``workers``
    processes; a file holding several forms gives one document each, ``名称-1``, ``名称-2``…) and
    folders of either. Returns the jobs, named by their input files (made unique), and the
    inputs that give no document, each with its reason in Chinese (an unreadable file, a broken
    authoring file, a path that does not exist). ``on_read`` is told each input as it is read."""
    problems: list[ExportOutcome] = []
    authored, documents = _export_inputs(paths, problems)
    chosen = load_scheme(scheme) if scheme else None
    found: list[tuple[str, str, Evaluation, Scheme]] = []  # (stem, source, evaluation, scheme)
    for path in authored:
        try:
            ev, named = load_authored(path)
            ev, rules = resolve_scheme(ev, named, scheme)
            found.append((path.stem, str(path), evaluate(ev, rules), rules))
        except JixiaoError as exc:
            problems.append(ExportOutcome(str(path), error=exc.message))
        if on_read is not None:
            on_read(path)
    grouped = check_files_grouped(documents, scheme=scheme, limits=limits, jobs=workers)
    for path, evaluations in grouped:
        for n, ev in enumerate(evaluations, start=1):
            why = next((f.message for f in ev.findings if f.code == "UNREADABLE_DOCUMENT"), None)
            source = str(path) if len(evaluations) == 1 else f"{path}（第{n}份表）"
            if why is not None:
                problems.append(ExportOutcome(source, error=f"{path}：未能读取：{why}"))
                continue
            try:
                rules = _document_scheme(ev, chosen)
            except JixiaoError as exc:
                problems.append(ExportOutcome(source, error=f"{path}：{exc.message}"))
                continue
            found.append((path.stem if len(evaluations) == 1 else f"{path.stem}-{n}", source, ev, rules))
        if on_read is not None:
            on_read(path)
    stems = unique_names(stem for stem, *_ in found)
    return [
        ExportJob(stem, source, ev, rules) for stem, (_, source, ev, rules) in zip(stems, found, strict=True)
    ], problems


def stored_export_jobs(
    db: Database, kind: str = "table", *, year: int | None = None, unit: str | None = None
) -> list[ExportJob]:
    """What :func:`export_many` writes for the database: the latest version of each project ×
    year (of ``year`` and ``unit`` when given), named ``{单位}_{年度}_{项目}_{自评表}`` as the web
    offers them, each under the scheme it was scored under (:func:`scheme_for`)."""
    from jixiao.export.api import KIND_NAMES
    from jixiao.export.api import kind_of

    what = KIND_NAMES[kind_of(Path("d.pdf"), kind)]
    store = Store(db)
    latest: dict[tuple[str, str, int | None], EvaluationSummary] = {}
    for row in store.list(year=year, unit=unit, limit=1_000_000):
        key = (row.unit, row.project, row.year)
        if key not in latest or row.version > latest[key].version:
            latest[key] = row
    rows = sorted(latest.values(), key=lambda r: (r.unit, r.year or 0, r.project, r.id))
    names = unique_names(
        document_name(r.project, what, "", unit=r.unit, year=r.year, version=r.version) for r in rows
    )
    jobs: list[ExportJob] = []
    for name, row in zip(names, rows, strict=True):
        ev = store.get(row.id)
        if ev is not None:
            jobs.append(ExportJob(name, f"评价 {row.id}（{row.unit} {row.project}）", ev, scheme_for(ev, db)))
    return jobs
