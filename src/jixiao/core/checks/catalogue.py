"""The catalogue shape: one entry per finding code, with its check function.

An entry is like a linter rule: a stable ``code``, a ``severity``, a Chinese ``title`` and
``description`` (for ``docs/checks.md`` and ``jixiao checks``) and a message ``template`` whose
fields the check fills in. A check is a plain function ``run(ctx, emit)`` that yields findings
through ``emit`` — it never raises on bad data and never formats messages itself, so every
message of a code reads the same. Entries whose ``run`` is None are raised by importers
(an unreadable file, a table that could not be placed).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import Indicator
from jixiao.core.model import Kind
from jixiao.core.model import Severity
from jixiao.core.numbers import fmt_number
from jixiao.core.scheme import Scheme
from jixiao.core.scoring import ItemScore
from jixiao.core.scoring import Scorecard

# Provenance keys by which the extraction says a part of the document was not read whole
# (the EXTRACTION_INCOMPLETE finding says what and why): checks that add up or compare those
# parts stand down instead of reporting what the missing part would have settled.
ROWS_INCOMPLETE = "extraction.rows_incomplete"  # some indicator rows were not read
TARGET_UNREAD = "extraction.target_unread."  # + the row's index: its target's figure was not read
ACTUAL_UNREAD = "extraction.actual_unread."  # + the row's index: its actual value was not read
SCORE_UNREAD = "extraction.score_unread."  # + the row's index: its 分值 or 得分 was not read


class Context:
    """What a check may look at: the evaluation, its scheme and the rules' scorecard.

    ``rows`` pairs every indicator with its index and its ``ItemScore`` once, so the row checks
    (which run over 100,000s of evaluations in a batch) do not each rebuild that view.
    ``tolerance`` is how far a stated score may differ from the rules' before it counts.
    """

    __slots__ = ("card", "ev", "rows", "scheme", "tolerance")

    def __init__(self, ev: Evaluation, scheme: Scheme, card: Scorecard) -> None:
        self.ev = ev
        self.scheme = scheme
        self.card = card
        self.tolerance: Decimal = scheme.tolerance
        self.rows: tuple[tuple[int, Indicator, ItemScore], ...] = tuple(
            zip(range(len(ev.indicators)), ev.indicators, card.items, strict=True)
        )

    @property
    def rows_incomplete(self) -> bool:
        """Whether the extraction notes indicator rows it could not read (sums cannot be checked)."""
        return ROWS_INCOMPLETE in self.ev.provenance

    def target_unread(self, index: int) -> bool:
        """Whether the extraction left row ``index``'s target figure unread (an OCR confusion)."""
        return f"{TARGET_UNREAD}{index}" in self.ev.provenance

    def actual_unread(self, index: int) -> bool:
        """Whether the extraction left row ``index``'s actual value unread (cells run together)."""
        return f"{ACTUAL_UNREAD}{index}" in self.ev.provenance

    @property
    def cells_unread(self) -> bool:
        """Whether some row's target, actual, 分值 or 得分 was printed but not read."""
        return any(k.startswith((TARGET_UNREAD, ACTUAL_UNREAD, SCORE_UNREAD)) for k in self.ev.provenance)

    @property
    def scores_unread(self) -> bool:
        """Whether some row's 分值 or 得分 was printed but not read."""
        return any(k.startswith(SCORE_UNREAD) for k in self.ev.provenance)

    def where(self, fact: str, default: str) -> str:
        """Where the document states a fact, from its provenance, else a generic place."""
        return self.ev.provenance.get(fact) or default


def indicator_place(index: int, ind: Indicator) -> str:
    """The place of an indicator row: its recorded location, else its position in the table."""
    return ind.location or f"绩效指标表 第{index + 1}项"


class Emit:
    """Builds findings of one catalogue entry from the fields its template names."""

    __slots__ = ("_entry",)

    def __init__(self, entry: Check) -> None:
        self._entry = entry

    def __call__(
        self, location: str | None = None, indicator: int | None = None, **fields: object
    ) -> Finding:
        shown = {k: fmt_number(v) if isinstance(v, Decimal) else v for k, v in fields.items()}
        return Finding(
            code=self._entry.code,
            severity=self._entry.severity,
            message=self._entry.template.format(**shown),
            location=location,
            indicator=indicator,
        )


CheckFn = Callable[[Context, Emit], Iterable[Finding]]


class Record(StrEnum):
    """Which record a check looks at: the self-evaluation (the checker above), a declaration, a
    monitoring record, or the year-end link of the three (``jixiao.core.year``)."""

    EVALUATION = "evaluation"
    DECLARATION = "declaration"
    MONITORING = "monitoring"
    YEAR = "year"

    @property
    def label(self) -> str:
        """Where the check is made, in Chinese (``docs/checks.md``)."""
        return _RECORD_LABELS[self]


_RECORD_LABELS = {
    Record.EVALUATION: "自评检查",
    Record.DECLARATION: "目标申报检查",
    Record.MONITORING: "执行监控检查",
    Record.YEAR: "年终与申报、监控核对",
}


@dataclass(frozen=True, slots=True)
class Check:
    """One catalogue entry: a finding code and the function that raises it.

    ``kinds`` lists the evaluations it concerns: a check about a project's own form (its indicator
    table, its satisfaction indicator) is not run on a 部门整体 self-evaluation, and its
    ``description`` says so.
    """

    code: str
    severity: Severity
    title: str
    description: str
    template: str
    run: CheckFn | None = None
    kinds: frozenset[Kind] = frozenset(Kind)  # the kinds of evaluation the check concerns
    record: Record = Record.EVALUATION  # the record it looks at (the year's checks run elsewhere)

    def finding(self, location: str | None = None, indicator: int | None = None, **fields: object) -> Finding:
        """A finding of this code (importers use it for the codes they raise)."""
        return Emit(self)(location, indicator, **fields)
