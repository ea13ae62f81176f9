"""A finding's message without the place its location already names, and findings ranked by
severity — for lists that print the location once, beside the message (``jixiao check``, the
batch review workbook).

Checks write self-contained messages (“三级指标“政策知晓率”自评9分，…”) and, separately, the
place (“自评表 第16行 三级指标“政策知晓率””). Printed side by side, the indicator's name would
appear twice; :func:`message_without_place` drops from the start of the message the longest
tail of the location it repeats, with the punctuation after it. Nothing else is changed: a
message that does not start with (a tail of) its place is returned as it is.
"""

from __future__ import annotations

from collections.abc import Iterable

from jixiao.core.model import Evaluation
from jixiao.core.model import Finding
from jixiao.core.model import ScanMark
from jixiao.core.model import Severity

SEVERITY_RANK = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_JOINERS = "：:，,；; "


def message_without_place(message: str, location: str | None) -> str:
    """``message`` without a leading repetition of (the tail of) ``location``."""
    if not location:
        return message
    words = location.split()
    for start in range(len(words)):
        tail = " ".join(words[start:])
        if len(tail) >= 2 and message.startswith(tail):
            rest = message[len(tail) :].lstrip(_JOINERS)
            return rest or message
    return message


def at_least(findings: Iterable[Finding], minimum: Severity) -> tuple[Finding, ...]:
    """The findings of severity ``minimum`` or graver."""
    bound = SEVERITY_RANK[minimum]
    return tuple(f for f in findings if SEVERITY_RANK[f.severity] <= bound)


def counts(ev: Evaluation) -> tuple[int, int, int]:
    """How many errors, warnings and notes an evaluation has."""
    tally = [0, 0, 0]
    for f in ev.findings:
        tally[SEVERITY_RANK[f.severity]] += 1
    return tally[0], tally[1], tally[2]


def severity_key(ev: Evaluation) -> tuple[int, int, int]:
    """Sort key putting the evaluation with most errors (then warnings, then notes) first."""
    errors, warnings, infos = counts(ev)
    return -errors, -warnings, -infos


def scan_of_finding(ev: Evaluation, finding: Finding) -> ScanMark | None:
    """What OCR says of the figures a finding concerns, for an evaluation read from a scan: the
    least sure mark of its indicator row, else of the facts stated at its location."""
    if not ev.scanned:
        return None
    if finding.indicator is not None:
        mark = ev.row_scan(finding.indicator)
        if mark is not None:
            return mark
    if finding.location:
        return ev.scan_of(*(path for path, where in ev.provenance.items() if where == finding.location))
    return None


def place_with_scan(ev: Evaluation, finding: Finding) -> str | None:
    """A finding's location, followed for a scan by the OCR confidence and page of what it
    concerns: ``"第1页 自评表 第12行 三级指标“…”（识别置信度 0.93，第1页）"``."""
    mark = scan_of_finding(ev, finding)
    if mark is None:
        return finding.location
    low = "，偏低" if mark.low else ""
    return f"{finding.location or ''}（{mark.words()}{low}）"
