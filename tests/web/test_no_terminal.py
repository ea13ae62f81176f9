"""The web app draws its pages itself: no web module imports the terminal renderer (or rich), the
dashboard's line of counts comes from the report's own view model."""

from __future__ import annotations

import ast
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "src" / "jixiao" / "web"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_no_web_module_imports_a_terminal_renderer() -> None:
    bad = {
        f"{path.relative_to(WEB)}: {name}"
        for path in WEB.rglob("*.py")
        for name in _imports(path)
        if name.split(".")[0] == "rich" or name.endswith(("report_render", "review_render", "cli.render"))
    }
    assert bad == set()
