"""Text from documents, fit for a terminal: printed as it is, never as markup or control codes.

A project name, a file name or a line of a .txt report is the submitter's text. Printed through
rich, ``[/]`` or ``[bold red]`` in it would be read as markup (``[/]`` ends the command with a
MarkupError), and raw escape sequences (``ESC[2J``, a carriage return, a bidi override) would
act on the reviewer's terminal. The CLI's consoles read no markup at all (:func:`jixiao.cli._console`),
and everything that comes from a document passes through :func:`plain` or :func:`printable`,
which show every control character as an escape (``\\x1b``, ``\\r``, ``\\u202e``); line breaks
and TABs stay.
"""

from __future__ import annotations

import re
from typing import TypeVar

from pydantic import BaseModel

# C0 controls except TAB and LF, DEL, C1 controls, and the bidirectional overrides/isolates that
# reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\r": "\\r", "\x1b": "\\x1b"}

M = TypeVar("M", bound=BaseModel)


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def plain(text: object) -> str:
    """``text`` as a string whose control characters are shown as escapes."""
    return _UNSAFE.sub(_escape, str(text))


def printable(model: M) -> M:
    """A copy of ``model`` (an evaluation, say) whose every text field has passed :func:`plain`."""
    walked = _walk(model)
    assert isinstance(walked, type(model))
    return walked


def _walk(value: object) -> object:
    if type(value) is str:  # not a str enum: its members stay themselves
        return plain(value) if _UNSAFE.search(value) else value
    if isinstance(value, BaseModel):
        changes = {}
        for name in type(value).model_fields:
            before = getattr(value, name)
            after = _walk(before)
            if after is not before:
                changes[name] = after
        return value.model_copy(update=changes) if changes else value
    if isinstance(value, tuple | list):
        items = [_walk(v) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        return type(value)(items)
    if isinstance(value, dict):
        walked = {k: _walk(v) for k, v in value.items()}
        if all(walked[k] is v for k, v in value.items()):
            return value
        return walked
    return value
