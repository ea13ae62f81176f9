"""Numbers that lost their cell borders: tokens of a run, and the ways glued digits can split.

A form flattened to text keeps a row's figures but not the borders between them:
``202010100.00%10`` is 20 | 20 | 10 | 100.00% | 10. :func:`readings` enumerates every way a run's
chunks can be cut into numbers and laid over the columns a header named, keeping each number in
the shape its column allows (a rate before its ``%``, no leading zeros, no more decimals than the
column carries). Which of those readings is *true* is decided by the caller's arithmetic; this
module only says which are possible.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Role(Enum):
    """What a column of a money row holds."""

    INITIAL = "initial"  # 年初预算数
    PLANNED = "planned"  # 全年预算数 (A), 调整后预算数, 预算数
    EXECUTED = "executed"  # 全年执行数 (B)
    WEIGHT = "weight"  # 分值 / 权重
    RATE = "rate"  # 执行率 (B/A)
    SCORE = "score"  # 得分


AMOUNTS = (Role.INITIAL, Role.PLANNED, Role.EXECUTED)

_NUMBER = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?")
# A chunk of a run: digits with points and percent signs, or a dash that marks an empty cell.
_CHUNK = re.compile(r"[0-9][0-9.%]*|[—－–-]+")
_OCR_ZERO = re.compile(r"[\dOo][\dOo.,]*")
_THOUSANDS = re.compile(r"(?<=\d),(\d{3})(?![\d])")
_DASH = re.compile(r"^[—－–-]+$")
# Most decimals a column carries: amounts in 万元 may be exact to the yuan cent (6 places).
_MAX_DECIMALS = {Role.RATE: 2, Role.WEIGHT: 2, Role.SCORE: 2}
_MAX_RATE = Decimal(200)
_LONGEST = 15  # characters of the longest figure a cell holds (99999999999.99 元)
_MAX_WEIGHT = Decimal(100)


@dataclass(frozen=True, slots=True)
class Piece:
    """Digits that were printed without a gap; ``percent`` when a ``%`` closed them."""

    digits: str
    percent: bool


@dataclass(frozen=True, slots=True)
class Chunk:
    """What one whitespace-separated part of a run holds: glued pieces, or an empty-cell dash."""

    pieces: tuple[Piece, ...]
    dash: bool = False
    broken: bool = False  # printed with a stray point before it (“.32.06.5”): figures lost

    @property
    def glued(self) -> bool:
        return len(self.pieces) > 1 or any("%" in p.digits for p in self.pieces)


@dataclass(frozen=True, slots=True)
class Reading:
    """One way to lay a run over the columns: each column's value (None = empty), and how many
    columns it left empty without a printed dash."""

    values: dict[Role, Decimal | None]
    skipped: int
    splits: int  # how many numbers were cut out of glued digits beyond one per chunk


def _zeros(m: re.Match[str]) -> str:
    """Letters O in a figure that has digits are zeros an OCR misread."""
    text = m.group(0)
    return text.replace("O", "0").replace("o", "0") if any(ch.isdigit() for ch in text) else text


def chunks(run: str) -> list[Chunk]:
    """The chunks of a run of figures (``20 20 10 100%``, ``40004000100%``, ``620.82万元 —``)."""
    run = _OCR_ZERO.sub(_zeros, run)  # OCR: 1,O86.4O is 1,086.40
    run = re.sub(r"(\d)\s+%", r"\1%", run)
    run = _THOUSANDS.sub(r"\1", run)  # 1,234.56 is one figure
    out: list[Chunk] = []
    for m in _CHUNK.finditer(run):
        text = m.group(0)
        if _DASH.match(text):
            out.append(Chunk((), dash=True))
            continue
        pieces: list[Piece] = []
        parts = text.split("%")
        for i, part in enumerate(parts):
            if part:
                pieces.append(Piece(part, percent=i < len(parts) - 1))
        if pieces:
            out.append(Chunk(tuple(pieces), broken=run[m.start() - 1 : m.start()] == "."))
    return out


def _valid(text: str, role: Role, amount_decimals: int) -> Decimal | None:
    if not _NUMBER.fullmatch(text):
        return None
    decimals = len(text.split(".")[1]) if "." in text else 0
    if decimals > _MAX_DECIMALS.get(role, amount_decimals):
        return None
    value = Decimal(text)
    if role is Role.RATE and value > _MAX_RATE:
        return None
    if role is Role.WEIGHT and not (0 < value <= _MAX_WEIGHT):
        return None
    if role is Role.SCORE and value > _MAX_WEIGHT:
        return None
    return value


def readings(
    run: list[Chunk],
    columns: list[Role],
    *,
    allowed: frozenset[Role],
    amount_decimals: int,
    amount_limit: Decimal,
    max_skipped: int = 2,
) -> Iterator[Reading]:
    """Every way to cut ``run`` into numbers and lay them, in order, over ``columns``.

    A column may stay empty (a cell the text export dropped) up to ``max_skipped`` times; a dash
    fills one column with nothing. A number followed by ``%`` can only be a rate; when the run
    has no ``%`` at all a rate may be printed bare (``100.00``). Columns outside ``allowed`` (a
    sub-row's 分值 and 得分) take no number.
    """
    any_percent = any(p.percent for c in run for p in c.pieces)
    pieces: list[tuple[Piece | None, int]] = []  # (piece, chunk index); None = a dash
    for index, chunk in enumerate(run):
        if chunk.dash:
            pieces.append((None, index))
        pieces.extend((p, index) for p in chunk.pieces)

    def fits(text: str, percent: bool, role: Role) -> Decimal | None:
        if role not in allowed:
            return None
        if role is Role.RATE:
            if not percent and any_percent:
                return None
        elif percent:
            return None
        value = _valid(text, role, amount_decimals)
        if value is not None and role in AMOUNTS and value >= amount_limit:
            return None
        return value

    left = [0] * (len(pieces) + 1)  # digits from piece k on
    for k in range(len(pieces) - 1, -1, -1):
        piece_k = pieces[k][0]
        left[k] = left[k + 1] + (len(piece_k.digits) if piece_k else 0)

    def walk(
        k: int, pos: int, col: int, values: dict[Role, Decimal | None], skipped: int, numbers: int
    ) -> Iterator[Reading]:
        if left[k] - pos > (len(columns) - col) * _LONGEST:
            return  # more digits than the columns left could hold
        if k == len(pieces):
            rest = sum(1 for role in columns[col:] if role in allowed)
            if skipped + rest <= max_skipped:
                final = dict(values)
                for role in columns[col:]:
                    final.setdefault(role, None)
                yield Reading(final, skipped + rest, numbers - len([c for c in run if not c.dash]))
            return
        piece, _ = pieces[k]
        for target in range(col, len(columns)):
            role = columns[target]
            skip = sum(1 for r in columns[col:target] if r in allowed)
            if skipped + skip > max_skipped:
                break
            if role not in allowed:
                continue
            if piece is None:
                yield from walk(k + 1, 0, target + 1, {**values, role: None}, skipped + skip, numbers)
                continue
            digits = piece.digits
            for end in range(pos + 1, min(len(digits), pos + _LONGEST) + 1):
                last = end == len(digits)
                value = fits(digits[pos:end], piece.percent and last, role)
                if value is None:
                    continue
                nxt = (k + 1, 0) if last else (k, end)
                yield from walk(
                    nxt[0], nxt[1], target + 1, {**values, role: value}, skipped + skip, numbers + 1
                )

    yield from walk(0, 0, 0, {}, 0, 0)
