"""The one stylesheet of jixiao's HTML reports (the 复核报告 and the 汇总报告): ``report.css``,
to which each report adds only the rules of what it alone has (the review's per-document
sections, the portfolio's charts)."""

from __future__ import annotations

import functools
from importlib import resources


@functools.cache
def report_css() -> str:
    """The shared stylesheet's text."""
    return resources.files(__package__).joinpath("report.css").read_text(encoding="utf-8")


def stylesheet(own: str = "") -> str:
    """A ``<style>`` element: the shared stylesheet, then the report's ``own`` rules."""
    return f"<style>\n{report_css()}{own}</style>"
