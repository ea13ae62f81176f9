"""Helpers for the authoring tests: write a YAML text to a file and load it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from jixiao.authoring import load_evaluation
from jixiao.core.model import Evaluation

Write = Callable[..., Path]
Load = Callable[..., Evaluation]


@pytest.fixture
def write(tmp_path: Path) -> Write:
    """Write a text (or bytes) to ``tmp_path/name`` and return the path."""

    def _write(content: str | bytes, name: str = "自评.yaml") -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def load(write: Write) -> Load:
    """Write a YAML text and load it as an evaluation."""

    def _load(content: str | bytes, name: str = "自评.yaml") -> Evaluation:
        return load_evaluation(write(content, name))

    return _load
