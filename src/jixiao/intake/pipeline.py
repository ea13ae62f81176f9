"""One submitted file in, its scored and checked evaluations out — never an exception.

``extract_evaluations`` reads the file (any supported format), cuts it into the forms it holds
(one project each; most files hold one), extracts each one's contract evaluation, chooses the
scheme (the one whose weights the document declares, else the one asked for, else the default),
scores and checks it. A file that cannot be read comes back as an evaluation holding
only an ``UNREADABLE_DOCUMENT`` finding with the reason; a part that could not be placed adds an
``EXTRACTION_INCOMPLETE`` finding; an internal failure on one file is reported the same way, so a
batch always goes on.
"""

from __future__ import annotations

import hashlib
import logging
from decimal import Decimal
from pathlib import Path

from pydantic import TypeAdapter

from jixiao.core.checks import BY_CODE
from jixiao.core.engine import evaluate
from jixiao.core.groups import group_of
from jixiao.core.model import Evaluation
from jixiao.core.model import Group
from jixiao.core.model import Indicator
from jixiao.core.model import SchemeRef
from jixiao.core.model import Source
from jixiao.core.model import Weights
from jixiao.core.scheme import Scheme
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.extract import Draft
from jixiao.intake.extract import extract_all
from jixiao.intake.extract.plan import plan_kind
from jixiao.intake.limits import Limits
from jixiao.intake.plans import plan_reason
from jixiao.intake.readers import SUFFIXES
from jixiao.intake.readers import read_document
from jixiao.schemes import DEFAULT_SCHEME
from jixiao.schemes import load_scheme
from jixiao.schemes import match_scheme

log = logging.getLogger(__name__)
_HUNDRED = Decimal(100)


def _source(path: Path, name: str | None = None) -> Source:
    shown = Path(name) if name else path
    fmt = SUFFIXES.get(shown.suffix.lower(), shown.suffix.lower().lstrip(".") or None)
    digest = None
    try:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        digest = h.hexdigest()
    except OSError:
        pass
    return Source(path=name or str(path), format=fmt, sha256=digest)


def unreadable(path: Path, reason: str, source: Source | None = None, name: str | None = None) -> Evaluation:
    """The evaluation of a file that could not be read: only the finding that says why (placed
    at ``name``, the name people know the file by, when given)."""
    shown = name or str(path)
    finding = BY_CODE["UNREADABLE_DOCUMENT"].finding(location=Path(shown).name, reason=reason)
    return Evaluation(source=source or Source(path=shown), findings=(finding,))


def choose_scheme(
    declared: dict[Group, Decimal],
    requested: str | Scheme | None,
    indicators: tuple[Indicator, ...] = (),
) -> tuple[Scheme, SchemeRef]:
    """The scheme to score with, and the reference the evaluation records.

    Weights the document states are kept whatever the scheme (they are what the unit applied). A
    group it does not state is 0 when the stated ones already make 100; else, when the indicator
    rows' weights per group complete the stated ones to exactly 100, those (a national 自评表
    prints the budget's 分值 but no level-1 weights); else the scheme's default.
    """
    if isinstance(requested, Scheme):
        chosen: Scheme | None = requested
    else:
        chosen = load_scheme(requested) if requested else None
    stated_total = sum(declared.values(), Decimal(0))
    from_rows = _row_weights(indicators)
    if declared and stated_total == _HUNDRED:
        weights = Weights(**{g.value: declared.get(g, Decimal(0)) for g in Group})
    elif from_rows and stated_total + sum(v for g, v in from_rows.items() if g not in declared) == _HUNDRED:
        weights = Weights(**{g.value: declared.get(g, from_rows.get(g, Decimal(0))) for g in Group})
    else:
        base = chosen or load_scheme(DEFAULT_SCHEME)
        weights = Weights(**{g.value: declared.get(g, base.weights.of(g)) for g in Group})
        return base, SchemeRef(id=base.id, weights=weights, declared=bool(declared))
    if chosen is None:
        chosen = match_scheme(weights)
    scheme = chosen or load_scheme(DEFAULT_SCHEME)
    return scheme, SchemeRef(id=scheme.id, weights=weights, declared=True)


def _row_weights(indicators: tuple[Indicator, ...]) -> dict[Group, Decimal]:
    """Each level-1 group's indicator weights added up; empty unless every row has a weight and a
    group (a 成本 row counts as output, as in the schemes without a cost group)."""
    sums: dict[Group, Decimal] = {}
    for ind in indicators:
        group = group_of(ind, Decimal(0))
        if ind.weight is None or group is None:
            return {}
        sums[group] = sums.get(group, Decimal(0)) + ind.weight
    return sums


def extract_file(
    path: Path | str,
    *,
    scheme: str | Scheme | None = None,
    limits: Limits | None = None,
    name: str | None = None,
) -> Evaluation:
    """The first evaluation :func:`extract_evaluations` gives: for a caller that knows the file
    holds one form."""
    return extract_evaluations(path, scheme=scheme, limits=limits, name=name)[0]


def extract_evaluations(
    path: Path | str,
    *,
    scheme: str | Scheme | None = None,
    limits: Limits | None = None,
    name: str | None = None,
) -> list[Evaluation]:
    """Read, extract, score and check one submitted file: one evaluation per form it holds, in
    the file's order, each with ``source.part`` naming its table or sheet when there are several
    (see the module docstring). Never empty.

    ``name`` is the name people know the file by when ``path`` is not it (an upload kept under a
    temporary name): the evaluations' ``source.path`` and places say ``name``, and the document is
    read as if it had that name."""
    path = Path(path)
    if isinstance(scheme, str):
        scheme = load_scheme(scheme)  # a bad --scheme is the user's error, raised before any file
    source = _source(path, name)
    try:
        doc = read_document(path, limits or Limits())
    except UnreadableDocument as exc:
        return [unreadable(path, exc.reason, source, name)]
    except Exception as exc:  # a reader bug must not end a batch
        log.exception("reading %s failed", path)
        return [unreadable(path, f"读取时发生内部错误（{type(exc).__name__}: {exc}）", source, name)]
    if name:
        doc.path = name
    try:
        plan = plan_kind(doc)
    except Exception:
        log.exception("telling the kind of %s failed", path)
        plan = None
    if plan is not None:  # a 目标申报表 or 监控情况表 holds no self-evaluation to score
        return [unreadable(path, plan_reason(plan), source, name)]
    try:
        drafts = extract_all(doc)
    except Exception as exc:
        log.exception("extracting %s failed", path)
        return [_internal_error(Path(source.path or path), source, None, exc)]
    out: list[Evaluation] = []
    for draft in drafts:
        part_source = source.model_copy(update={"part": draft.part}) if draft.part else source
        try:
            out.append(_scored(draft, part_source, scheme))
        except Exception as exc:
            log.exception("extracting %s (%s) failed", path, draft.part or "全文")
            out.append(_internal_error(Path(source.path or path), part_source, draft.part, exc))
    return out


def _scored(draft: Draft, source: Source, scheme: Scheme | None) -> Evaluation:
    chosen, ref = choose_scheme(draft.declared, scheme, draft.evaluation.indicators)
    ev = draft.evaluation.model_copy(update={"source": source, "scheme": ref})
    notes = tuple(
        BY_CODE["EXTRACTION_INCOMPLETE"].finding(location=where, part=where, reason=reason)
        for where, reason in (
            (draft.part if place == "全文" and draft.part else place, reason) for place, reason in draft.notes
        )
    )
    ev = ev.model_copy(update={"findings": ev.findings + notes})
    return evaluate(ev, chosen)


def _internal_error(path: Path, source: Source, part: str | None, exc: Exception) -> Evaluation:
    finding = BY_CODE["EXTRACTION_INCOMPLETE"].finding(
        location=part or path.name,
        part=part or "全文",
        reason=f"提取时发生内部错误（{type(exc).__name__}: {exc}）",
    )
    return Evaluation(source=source, findings=(finding,))


_MANY = TypeAdapter(list[Evaluation])


def evaluations_to_line(evaluations: list[Evaluation]) -> str:
    """A file's evaluations as one line of contract JSON (how a worker answers): the object
    when there is one, an array when there are several."""
    if len(evaluations) == 1:
        return evaluations[0].to_json(indent=None)
    return "[" + ",".join(ev.to_json(indent=None) for ev in evaluations) + "]"


def evaluations_from_line(line: str | bytes) -> list[Evaluation]:
    """The evaluations of :func:`evaluations_to_line`'s line (numbers read exactly); a line that is
    neither raises ``ValueError``."""
    text = line.strip()
    if text[:1] in ("[", b"["):
        return _MANY.validate_json(text)
    return [Evaluation.from_json(text)]
