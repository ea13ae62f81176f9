"""The docs stay honest: every finding code, CLI command and scheme field is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from jixiao.cli import app
from jixiao.cli.render import catalogue_markdown
from jixiao.core.checks import CATALOGUE
from jixiao.core.scheme import Scheme

ROOT = Path(__file__).resolve().parents[1]


def test_checks_md_is_the_catalogue() -> None:
    text = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert text == catalogue_markdown(), (
        "docs/checks.md 已过期：运行 `uv run jixiao checks --markdown > docs/checks.md`"
    )
    for check in CATALOGUE:
        assert f"`{check.code}`" in text


@pytest.mark.parametrize(
    "command", app.registered_commands, ids=lambda c: c.callback.__name__ if c.callback else "?"
)
def test_every_command_has_help(command: object) -> None:
    callback = command.callback  # type: ignore[attr-defined]
    assert callback is not None and (callback.__doc__ or "").strip()


def _scheme_fields() -> list[str]:
    names = []
    for name, field in Scheme.model_fields.items():
        names.append(name)
        sub = field.annotation
        if isinstance(sub, type) and hasattr(sub, "model_fields") and name != "weights":
            names.extend(f"{name}.{inner}" for inner in sub.model_fields)
    return names


@pytest.mark.parametrize("field", _scheme_fields())
def test_every_scheme_field_is_documented(field: str) -> None:
    text = (ROOT / "docs" / "schemes.md").read_text(encoding="utf-8")
    assert f"`{field}`" in text


def test_readme_quick_start_is_two_commands_and_ci_runs_the_second() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```(?:sh|bash|shell)\n(.*?)```", readme, re.S)
    assert block, "README has no quick-start code block"
    commands = [
        line for line in block.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")
    ]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1].strip() in ci
