"""The pieces of the server-drawn SVG charts (the portfolio report file's and the web dashboard's):
coordinates, text, the accessible figure around a chart, and round tick steps. All text is
escaped; geometry is float pixels, never figures."""

from __future__ import annotations

from html import escape


def coord(value: float) -> str:
    """A coordinate: two decimals at most, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def text(x: float, y: float, content: str, anchor: str = "start", extra: str = "") -> str:
    """A ``<text>`` at (x, y); ``extra`` is further attributes, already escaped."""
    return f'<text x="{coord(x)}" y="{coord(y)}" text-anchor="{anchor}"{extra}>{escape(content)}</text>'


def figure(width: float, height: float, title: str, body: str) -> str:
    """A chart: an ``<svg role="img">`` named by its ``<title>`` and, for screen readers that
    read only that, the same ``aria-label``."""
    w, h, name = coord(width), coord(height), escape(title)
    return (
        f'<figure><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{name}" width="{w}" '
        f'height="{h}" viewBox="0 0 {w} {h}"><title>{name}</title>{body}</svg></figure>'
    )


def nice_step(top: float, ticks: int, least: float = 0.1) -> float:
    """A round tick step (1, 2 or 5 × 10ⁿ, at least ``least``) covering ``top`` in about
    ``ticks`` steps."""
    if top <= 0:
        return 1.0
    raw = top / ticks
    magnitude = 0.1
    while magnitude * 10 <= raw:
        magnitude *= 10
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return max(least, factor * magnitude)
    return max(least, 10 * magnitude)
