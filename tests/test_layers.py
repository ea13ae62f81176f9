"""The layering contract: the core imports no I/O layer, and each layer depends only inward."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"

# What each package may import besides the standard library (top-level module names), and which
# jixiao packages (dotted prefixes). The core is pure: no files, documents, databases, web or CLI.
ALLOWED: dict[str, tuple[set[str], tuple[str, ...]]] = {
    "core": ({"pydantic", "cn2an"}, ("jixiao.core",)),
    "schemes": ({"pydantic"}, ("jixiao.core", "jixiao.errors", "jixiao.schemes")),
    "authoring": (
        {"pydantic", "yaml"},
        ("jixiao.core", "jixiao.errors", "jixiao.schemes", "jixiao.authoring"),
    ),
    # Reading submitted files: document libraries, and the core to score what was read.
    "intake": (
        {"pydantic", "lxml", "openpyxl", "xlrd", "pdfplumber", "pdfminer", "pypdfium2", "olefile", "opencc"},
        ("jixiao.core", "jixiao.errors", "jixiao.schemes", "jixiao.intake"),
    ),
    # The extractors work on the neutral document only: no file formats, no files.
    "intake/extract": ({"pydantic"}, ("jixiao.core", "jixiao.intake.document", "jixiao.intake.extract")),
    # The database: the only package that imports SQLAlchemy and Alembic.
    "storage": (
        {"pydantic", "sqlalchemy", "alembic"},
        ("jixiao.core", "jixiao.errors", "jixiao.schemes", "jixiao.storage"),
    ),
    # Importing and reporting: domain objects from storage, never SQLAlchemy itself.
    "portfolio": (
        {"pydantic", "openpyxl", "rich", "distributed"},
        (
            "jixiao.core",
            "jixiao.errors",
            "jixiao.schemes",
            "jixiao.intake",
            "jixiao.export",
            "jixiao.storage",
            "jixiao.portfolio",
        ),
    ),
    # The web app: everything inward (never the CLI), the web framework and password hashing.
    "web": (
        {
            "pydantic",
            "fastapi",
            "starlette",
            "anyio",
            "jinja2",
            "argon2",
            "uvicorn",
            "openpyxl",
            "python_multipart",
        },
        (
            "jixiao.core",
            "jixiao.errors",
            "jixiao.schemes",
            "jixiao.authoring",
            "jixiao.intake",
            "jixiao.export",
            "jixiao.storage",
            "jixiao.portfolio",
            "jixiao.services",
            "jixiao.settings",
            "jixiao.web",
        ),
    ),
    # Writing documents: office libraries; LibreOffice conversion is shared with the readers.
    "export": (
        {"pydantic", "lxml", "openpyxl", "docx"},
        (
            "jixiao.core",
            "jixiao.errors",
            "jixiao.schemes",
            "jixiao.export",
            "jixiao.intake.document",
            "jixiao.intake.readers.libreoffice",
        ),
    ),
}
FORBIDDEN_IN_CORE = {
    "docx", "openpyxl", "xlrd", "pdfplumber", "pdfminer", "fitz", "sqlalchemy", "alembic", "psycopg",
    "fastapi", "starlette", "jinja2", "flask", "typer", "click", "rich", "yaml", "requests", "httpx",
}  # fmt: skip


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_inward(package: str) -> None:
    third_party, internal = ALLOWED[package]
    stdlib = sys.stdlib_module_names
    bad: list[str] = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "__future__" or top in stdlib or top in third_party:
                continue
            if top == "jixiao" and name.startswith(internal):
                continue
            bad.append(f"{path.relative_to(SRC)}: {name}")
    assert bad == []


def test_core_uses_no_file_io() -> None:
    offenders = []
    for path in sorted((SRC / "core").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for needle in ("open(", "Path(", "read_text", "write_text", "os.environ", "importlib.resources"):
            if needle in text:
                offenders.append(f"{path.name}: {needle}")
    assert offenders == []


def test_importing_the_core_loads_no_io_library() -> None:
    code = (
        "import sys, jixiao.core, jixiao.core.engine;"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {sorted(FORBIDDEN_IN_CORE)!r});"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_sqlalchemy_only_in_storage() -> None:
    outside = [
        f"{path.relative_to(SRC)}: {name}"
        for path in sorted(SRC.rglob("*.py"))
        if "storage" not in path.relative_to(SRC).parts
        for name in _imports(path)
        if name.split(".")[0] in {"sqlalchemy", "alembic"}
    ]
    assert outside == []
