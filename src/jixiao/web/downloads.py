"""Files the evaluation pages hand out: the submitted original, the exported documents (自评表,
自评报告) and the review report (复核报告) of one evaluation.

Nothing here checks access: the routes call :func:`jixiao.web.deps.visible_meta` first. What this
module guards against is the file system: a stored path is followed only while it stays inside
``<data_dir>/documents`` (the importer's content-addressed archive), and a file *name* — the
submitter's, or a project's — is only ever written into a ``Content-Disposition`` header, cleaned
and RFC 5987-encoded, never used as a path. Exports are made as bytes in memory and sent as they
are (only a PDF passes through LibreOffice's private temporary directory), so two requests never
share a file and nothing is left behind.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from pathlib import PurePosixPath
from urllib.parse import quote

from jixiao.core.model import Evaluation
from jixiao.errors import SchemeError
from jixiao.export.api import REVIEW_SUFFIXES
from jixiao.export.api import SUFFIXES
from jixiao.export.api import Kind
from jixiao.export.errors import ExportError
from jixiao.export.names import document_name as document_name  # noqa: PLC0414 (the routes' import)
from jixiao.export.names import safe_filename as safe_filename  # noqa: PLC0414
from jixiao.services import evaluation_bytes
from jixiao.services import review_bytes as review_report_bytes
from jixiao.services import scheme_for
from jixiao.storage.archive import find_original
from jixiao.storage.db import Database

OCTET_STREAM = "application/octet-stream"
MEDIA_TYPES: dict[str, str] = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".html": "text/html; charset=utf-8",
    ".xls": "application/vnd.ms-excel",
    ".doc": "application/msword",
    ".txt": "text/plain",
}


def media_type(name: str) -> str:
    """The media type a download of ``name`` is sent as (by its suffix; unknown → octet-stream)."""
    suffix = PurePosixPath(name).suffix.lower()
    return MEDIA_TYPES.get(suffix) or mimetypes.types_map.get(suffix) or OCTET_STREAM


def content_disposition(name: str, fallback: str, *, inline: bool = False) -> str:
    """A ``Content-Disposition`` value offering ``name`` (RFC 6266, with RFC 5987 ``filename*``
    for the Chinese; ``fallback``, plain ASCII, for clients that read only ``filename``)."""
    shown = safe_filename(name, fallback)
    plain = safe_filename(fallback.encode("ascii", "replace").decode("ascii"), "download")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(shown, safe='')}"


def original_path(data_dir: Path, stored: str | None) -> Path | None:
    """The archived copy ``stored`` (relative to ``data_dir``) if it is a file inside
    ``data_dir/documents``; None for anything else (absent, missing, or escaping the archive)."""
    return find_original(data_dir, stored)


def parse_kind(kind: str, fmt: str) -> tuple[Kind, str] | None:
    """``("table", ".xlsx")`` for the path parts ``table`` and ``xlsx``; None if not offered."""
    suffix = "." + fmt.lower()
    for known in SUFFIXES:
        if kind == known and suffix in SUFFIXES[known]:
            return known, suffix
    return None


def export_bytes(
    ev: Evaluation,
    kind: Kind,
    suffix: str,
    *,
    timeout: float | None = None,
    db: Database | None = None,
    evidence: Sequence[str] = (),
) -> bytes:
    """The 自评表 or 自评报告 of ``ev`` as a ``suffix`` file's bytes, under the scheme it was scored
    under (:func:`jixiao.services.scheme_for`, which finds a user's own scheme kept in ``db``).

    Raises :class:`~jixiao.export.errors.ExportError` when it cannot be written (e.g. PDF without
    a working LibreOffice, or that scheme is not known here)."""
    try:
        scheme = scheme_for(ev, db)
    except SchemeError as exc:
        raise ExportError(exc.message) from None
    return evaluation_bytes(ev, scheme, suffix, kind=kind, timeout=timeout, evidence=evidence)


def review_bytes(ev: Evaluation, suffix: str) -> bytes:
    """The review report (复核报告) of this one evaluation as ``.xlsx`` or ``.html`` bytes."""
    if suffix not in REVIEW_SUFFIXES:
        raise ValueError(f"review report cannot be {suffix}")
    return review_report_bytes([ev], suffix)
