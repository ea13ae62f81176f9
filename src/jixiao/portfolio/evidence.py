"""Evidence files (佐证材料): checked like a submitted original and kept like one.

A file is taken when its type is one a 佐证材料 comes in (PDF, images, Office documents, OFD,
plain text), its first bytes say it is that type (a renamed executable is not a PDF), it is within
the size limit, and, for the zip-based types (docx/xlsx/pptx/ofd), it passes the same bomb checks
as a submitted report (:func:`jixiao.intake.readers.safety.check_archive`). Its bytes are then kept
content-addressed in the archive of originals and a row records the attachment.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from jixiao.errors import JixiaoError
from jixiao.intake.document import UnreadableDocument
from jixiao.intake.readers.safety import check_archive
from jixiao.limits import Limits
from jixiao.limits import human_size
from jixiao.storage.archive import clean_name
from jixiao.storage.archive import keep_original
from jixiao.storage.archive import sha256_of
from jixiao.storage.db import Database
from jixiao.storage.editor import EditorStore
from jixiao.storage.editor import Evidence
from jixiao.storage.editor import EvidenceLocked

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

# suffix → (media type, the first bytes it must start with; None: text, checked otherwise)
EVIDENCE_TYPES: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (_ZIP,)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (_ZIP,)),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (_ZIP,)),
    ".ofd": ("application/ofd", (_ZIP,)),
    ".doc": ("application/msword", (_OLE,)),
    ".xls": ("application/vnd.ms-excel", (_OLE,)),
    ".wps": ("application/vnd.ms-works", (_OLE,)),
    ".et": ("application/vnd.ms-excel", (_OLE,)),
    ".txt": ("text/plain; charset=utf-8", None),
}
# Shown in a browser tab rather than downloaded (never HTML or anything that runs).
INLINE = {".pdf", ".jpg", ".jpeg", ".png", ".txt"}


class EvidenceRefused(JixiaoError):
    """A file not taken as evidence; the message says why, in Chinese, naming the file."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def evidence_accept() -> str:
    """The types evidence may be, for a file input's ``accept``."""
    return ",".join(EVIDENCE_TYPES)


def evidence_serving(stored: str) -> tuple[str, bool]:
    """How to send a kept evidence file back: its media type, and whether a browser may show it
    in a tab (PDF, images, text) rather than download it."""
    suffix = Path(stored).suffix.lower()
    return media_type(suffix), suffix in INLINE


def evidence_suffix(name: str) -> str:
    """The file's suffix when it is a type evidence may be, else refused."""
    suffix = Path(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        kinds = "、".join(s.lstrip(".") for s in EVIDENCE_TYPES)
        raise EvidenceRefused(f"“{name}”的类型不能作为佐证材料；可上传：{kinds}", status=415)
    return suffix


def _check_content(path: Path, name: str, suffix: str, limits: Limits) -> None:
    _media, magics = EVIDENCE_TYPES[suffix]
    with path.open("rb") as fh:
        head = fh.read(4096)
    if magics is None:
        if b"\x00" in head:
            raise EvidenceRefused(f"“{name}”不是文本文件（含二进制内容）", status=415)
        return
    if not head.startswith(magics):
        raise EvidenceRefused(
            f"“{name}”的内容与扩展名 {suffix} 不符（文件已损坏或被改名），已拒绝", status=415
        )
    if magics == (_ZIP,):
        try:
            with zipfile.ZipFile(path) as zf:
                check_archive(zf, limits)
        except UnreadableDocument as exc:
            raise EvidenceRefused(f"“{name}”：{exc}", status=415) from None
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            raise EvidenceRefused(f"“{name}”已损坏（无法作为压缩包打开）", status=415) from None


def media_type(suffix: str) -> str:
    return EVIDENCE_TYPES.get(suffix.lower(), ("application/octet-stream", None))[0]


def attach_evidence(
    db: Database,
    data_dir: Path,
    limits: Limits,
    path: Path,
    *,
    name: str,
    project_id: int,
    year: int | None,
    indicator: str | None,
    user_id: int | None,
    actor: str,
) -> Evidence:
    """Check the file at ``path`` (a received upload named ``name``), keep it in the archive and
    record it as evidence of the project's evaluation for ``year`` (of ``indicator``, or of the
    whole evaluation). Raises :class:`EvidenceRefused` with the reason."""
    shown = clean_name(name)
    try:  # before any work on the file
        EditorStore(db).refuse_locked(project_id, year, f"添加佐证材料“{shown}”")
    except EvidenceLocked as exc:
        raise EvidenceRefused(exc.message, status=409) from None
    suffix = evidence_suffix(shown)
    size = path.stat().st_size
    if size == 0:
        raise EvidenceRefused(f"“{shown}”是空文件")
    if size > limits.max_file_bytes:
        raise EvidenceRefused(
            f"“{shown}”为 {human_size(size)}，超过上限 {human_size(limits.max_file_bytes)}", status=413
        )
    _check_content(path, shown, suffix, limits)
    sha = sha256_of(path)
    stored = keep_original(path, sha, data_dir, suffix) if sha else None
    if sha is None or stored is None:
        raise EvidenceRefused(f"“{shown}”无法保存（磁盘无法写入），请稍后再试", status=500)
    try:
        return EditorStore(db).add_evidence(
            project_id=project_id,
            year=year,
            indicator=(indicator or "").strip() or None,
            name=shown,
            sha256=sha,
            stored=stored,
            size=size,
            media_type=media_type(suffix),
            user_id=user_id,
            actor=actor,
        )
    except EvidenceLocked as exc:  # approved while the file was being checked
        raise EvidenceRefused(exc.message, status=409) from None


def remove_evidence(db: Database, evidence_id: int, *, user_id: int | None, actor: str) -> None:
    """Remove an evidence file (audited); :class:`EvidenceRefused` (409) while its project ×
    year is approved."""
    try:
        EditorStore(db).remove_evidence(evidence_id, user_id=user_id, actor=actor)
    except EvidenceLocked as exc:
        raise EvidenceRefused(exc.message, status=409) from None
