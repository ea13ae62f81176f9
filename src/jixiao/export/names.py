"""The names exported documents are offered or written under: cleaned of what no file name may
hold, and the same for the web's downloads, its .zip of many documents and ``jixiao export``
writing many files into one folder.

A name is only ever a name: :func:`safe_filename` keeps the last path component of what it is
given, so a submitter's or a project's name never becomes a path.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import PurePosixPath

# Characters no file name on Windows or Linux may hold, plus the quote that ends a header value.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
_MAX_NAME = 120


def safe_filename(name: str | None, default: str) -> str:
    """``name`` fit to offer as a download name: its last path component, without control or
    reserved characters, at most 120 characters with the suffix kept; ``default`` if nothing is
    left."""
    text = unicodedata.normalize("NFC", (name or "").replace("\\", "/"))
    text = PurePosixPath(text).name if text else ""
    text = _UNSAFE.sub("_", text).strip(" .")
    if not text or not text.strip("_"):
        return default
    if len(text) > _MAX_NAME:
        suffix = PurePosixPath(text).suffix
        keep = suffix if len(suffix) <= 10 else ""
        text = text[: _MAX_NAME - len(keep)].rstrip(" .") + keep
    return text


def _part(text: str | None) -> str:
    """One part of a document name: cleaned like a file name, runs of blanks and ``_`` as one
    ``_`` (so the parts stay apart), at most 40 characters; empty for nothing."""
    cleaned = safe_filename(text, "")
    cleaned = re.sub(r"[\s_]+", "_", cleaned).strip("_ .")
    return cleaned[:40].rstrip("_ .")


def document_name(
    project: str | None,
    what: str,
    suffix: str,
    *,
    unit: str | None = None,
    year: int | None = None,
    version: int = 1,
) -> str:
    """The offered name of an exported document: ``{单位}_{年度}_{项目}_{自评表}.xlsx``
    (``花山街道办事处_2020_社会保障专项_自评表.xlsx``), with ``_第2版`` for a later version, so the
    documents of many evaluations downloaded into one folder never share a name. A part that is
    missing is left out; a project without a usable name is “评价”."""
    parts = [_part(unit), str(year) if year is not None else "", _part(project) or "评价"]
    if version > 1:
        parts.append(f"第{version}版")
    parts.append(what)
    return safe_filename("_".join(p for p in parts if p) + suffix, f"{what}{suffix}")


def unique_names(names: Iterable[str]) -> list[str]:
    """``names`` (file names) made distinct, ignoring case as Windows and a .zip reader do: the
    second ``A.pdf`` becomes ``A-2.pdf``, the third ``A-3.pdf``; the first keeps its name."""
    taken: set[str] = set()
    out: list[str] = []
    for name in names:
        path = PurePosixPath(name)
        stem, suffix = (path.stem, path.suffix) if path.suffix else (name, "")
        chosen, n = name, 1
        while chosen.casefold() in taken:
            n += 1
            chosen = f"{stem}-{n}{suffix}"
        taken.add(chosen.casefold())
        out.append(chosen)
    return out
