"""Scoring schemes kept in the database by content hash (the ``schemes`` table).

A user's own scheme file is remembered when evaluations scored under it are imported, so every
later re-score or export (the web app's, long after the file is gone) uses that same scheme.
"""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from jixiao.core.scheme import Scheme
from jixiao.storage.db import Database
from jixiao.storage.schema import SchemeRow


def remember_scheme(db: Database, scheme: Scheme) -> str:
    """Keep ``scheme`` (once per content hash); its hash, as evaluations scored under it record."""
    if stored_scheme(db, scheme.digest) is None:
        try:
            with db.sessions.begin() as s:
                s.add(SchemeRow(sha256=scheme.digest, scheme_id=scheme.id, definition=scheme.definition))
        except IntegrityError:  # another process kept the same scheme meanwhile
            pass
    return scheme.digest


def stored_scheme(db: Database, sha256: str) -> Scheme | None:
    """The kept scheme with this content hash; None if none is kept (or it no longer validates)."""
    with db.reader() as conn:
        definition = conn.scalar(select(SchemeRow.definition).where(SchemeRow.sha256 == sha256))
    if definition is None:
        return None
    try:
        return Scheme.model_validate_json(definition)
    except ValidationError:
        return None


def kept_schemes(db: Database) -> list[Scheme]:
    """Every kept scheme that still validates, by id and then content hash."""
    with db.reader() as conn:
        definitions = conn.scalars(
            select(SchemeRow.definition).order_by(SchemeRow.scheme_id, SchemeRow.sha256)
        )
        texts = list(definitions)
    kept = []
    for definition in texts:
        try:
            kept.append(Scheme.model_validate_json(definition))
        except ValidationError:
            continue
    return kept
