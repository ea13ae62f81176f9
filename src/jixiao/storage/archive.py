"""The archive of submitted originals: one hash, one layout, one file-name cleaner.

A document is known by the SHA-256 of its bytes (:func:`sha256_of`, or a :class:`Hasher` fed as
the bytes arrive). Its original is kept, content-addressed, at
``<data_dir>/documents/<first two hex digits>/<sha256><suffix>`` (:func:`keep_original`), and
found again from that relative path only inside the archive (:func:`find_original`). The name
people see for a file someone submitted is its :func:`clean_name`.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

DOCUMENTS = "documents"
MAX_NAME = 200
UNNAMED = "未命名文件"
_CHUNK = 1 << 20
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


class Hasher:
    """A document's SHA-256, computed as its bytes arrive."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def sha256_of(path: Path) -> str | None:
    """The file's SHA-256, or None when it cannot be read."""
    hasher = Hasher()
    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                hasher.update(chunk)
    except OSError:
        return None
    return hasher.hexdigest()


def archived_path(sha256: str, suffix: str) -> str:
    """Where the original of these bytes is kept, relative to the data directory."""
    return (Path(DOCUMENTS) / sha256[:2] / f"{sha256}{suffix.lower()}").as_posix()


def keep_original(path: Path, sha: str, data_dir: Path, suffix: str | None = None) -> str | None:
    """Copy the file into the archive (atomically; bytes already kept are not copied again);
    return its path relative to ``data_dir``, or None when it could not be copied. ``suffix``
    (default: the file's own) names the kept copy's type."""
    relative = archived_path(sha, path.suffix if suffix is None else suffix)
    target = data_dir / relative
    if target.exists():
        return relative
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with path.open("rb") as src, tmp.open("wb") as out:
            while chunk := src.read(_CHUNK):
                out.write(chunk)
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)
        return None
    return relative


def find_original(data_dir: Path, stored: str | None) -> Path | None:
    """The kept original a document row names (its path relative to ``data_dir``), only when it
    is a regular file inside the archive: a path leading elsewhere (``..``, a link out) is None."""
    if not stored:
        return None
    archive = (data_dir / DOCUMENTS).resolve()
    try:
        found = (data_dir / stored).resolve()
    except (OSError, RuntimeError):
        return None
    if not found.is_relative_to(archive) or not found.is_file():
        return None
    return found


def clean_name(raw: str | None) -> str:
    """The name people see for a submitted file's name: its last component (after ``/`` or
    ``\\``), without control or reserved characters, at most 200 characters (the suffix kept)."""
    text = unicodedata.normalize("NFC", raw or "")
    last = re.split(r"[/\\]", text)[-1]
    # Trailing dots and spaces go (Windows drops them); a leading dot stays (a hidden file).
    cleaned = _UNSAFE.sub("", last).strip().rstrip(". ")
    if not cleaned.strip("."):
        return UNNAMED
    if len(cleaned) > MAX_NAME:
        stem, dot, suffix = cleaned.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            cleaned = stem[: MAX_NAME - len(suffix) - 1] + "." + suffix
        else:
            cleaned = cleaned[:MAX_NAME]
    return cleaned
