"""The layering contract, readable at a glance (docs/architecture.md draws it).

Layers, outermost first; a module imports its own package and the layers *below* it, never one
above and never a sibling beside it::

    __main__  __init__                       python -m jixiao; the package's face
    cli                                      the command line
    web                                      the Chinese web app
    services                                 the use cases: the front door for the CLI and the web
    portfolio  settings                      importing and reporting over the database; settings
    authoring  intake  export  storage       files in (YAML, submitted reports), files out, database
    schemes                                  the scoring schemes (TOML files)
    office  tomlfile  limits                 running LibreOffice; reading TOML data files; file limits
    core                                     the pure domain: model, scoring, checks — no I/O
    errors                                   the exceptions every layer raises

Besides that: no import cycle between modules, no module over 900 lines, the extractors see the
neutral document only, and third-party libraries stay where they belong (the core is pure, only
storage speaks SQL).
"""

from __future__ import annotations

import ast
import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "jixiao"

LAYERS: tuple[tuple[str, ...], ...] = (  # innermost first
    ("errors",),
    ("core",),
    ("office", "tomlfile", "limits"),
    ("schemes",),
    ("authoring", "intake", "export", "storage"),
    ("portfolio", "settings"),
    ("services",),
    ("web",),
    ("cli",),
    ("__main__", "__init__"),
)
LAYER_OF = {package: depth for depth, layer in enumerate(LAYERS) for package in layer}

MAX_LINES = 900

# Third-party libraries each package may import (the standard library is always allowed).
THIRD_PARTY: dict[str, set[str]] = {
    "core": {"pydantic", "cn2an"},
    "schemes": {"pydantic"},
    "office": {"uno", "com"},  # office/server.py, run under the system Python with python3-uno
    "tomlfile": set(),
    "authoring": {"pydantic", "yaml"},
    "intake": {"pydantic", "lxml", "openpyxl", "xlrd", "pdfplumber", "pdfminer", "pypdfium2", "olefile", "opencc", "numpy", "cv2", "rapidocr_onnxruntime", "PIL"},
    "export": {"pydantic", "lxml", "openpyxl", "docx", "reportlab"},
    "storage": {"pydantic", "sqlalchemy", "alembic"},
    "portfolio": {"pydantic", "openpyxl", "rich", "distributed"},
    "web": {"pydantic", "fastapi", "starlette", "anyio", "jinja2", "argon2", "uvicorn", "openpyxl", "python_multipart"},
}  # fmt: skip

# The extractors work on the neutral document only: no file formats, no files.
EXTRACT = SRC / "intake" / "extract"
EXTRACT_MAY_IMPORT = ("jixiao.core", "jixiao.intake.document", "jixiao.intake.extract")
EXTRACT_THIRD_PARTY = {"pydantic"}

FORBIDDEN_IN_CORE = {
    "docx", "openpyxl", "xlrd", "pdfplumber", "pdfminer", "fitz", "sqlalchemy", "alembic", "psycopg",
    "fastapi", "starlette", "jinja2", "flask", "typer", "click", "rich", "yaml", "requests", "httpx",
}  # fmt: skip


# -- reading the source ---------------------------------------------------------------------------


def _modules() -> dict[str, Path]:
    """Every module of ``src/jixiao`` by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(SRC.rglob("*.py")):
        parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _package(module: str) -> str:
    """The top-level package (or single module) of ``jixiao`` a dotted name belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@functools.cache
def _imports(path: Path) -> tuple[str, ...]:
    """Every module ``path`` imports, anywhere in it (also inside functions); ``from jixiao import
    office`` counts as ``jixiao.office``."""
    return tuple(_imported(path))


def _imported(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield sub if sub in MODULES else node.module


def _jixiao_module(name: str) -> str | None:
    """The module of ``src/jixiao`` an imported name is, or ``None`` for other libraries."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


@functools.cache
def _graph() -> dict[str, set[str]]:
    """Which modules of jixiao each module imports."""
    graph: dict[str, set[str]] = {}
    for module, path in MODULES.items():
        targets = {_jixiao_module(name) for name in _imports(path)}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root, targets in graph.items():
        if root in index:
            continue
        work = [(root, iter(sorted(targets)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            nxt = next(edges, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


# -- the rules ------------------------------------------------------------------------------------


def test_every_package_has_a_layer() -> None:
    assert sorted({_package(m) for m in MODULES} - set(LAYER_OF)) == []


@pytest.mark.parametrize("package", sorted(LAYER_OF))
def test_imports_go_only_inward(package: str) -> None:
    """A module imports its own package and lower layers: never up, never sideways."""
    graph = _graph()
    bad = [
        f"{module} → {target}"
        for module in sorted(graph)
        if _package(module) == package
        for target in sorted(graph[module])
        if _package(target) != package and LAYER_OF.get(_package(target), 99) >= LAYER_OF[package]
    ]
    assert bad == []


def test_no_import_cycle() -> None:
    """No two modules import each other, directly or round a loop (lazy imports count too).

    A package's ``__init__`` that imports its own modules, which take a name from it, is the
    package assembling itself (the CLI registering its commands), not a cycle between modules."""
    graph = _graph()
    between_modules = {
        module: {t for t in targets if not t.startswith(module + ".") and not module.startswith(t + ".")}
        for module, targets in graph.items()
    }
    assert _cycles(between_modules) == []


def test_no_module_over_the_line_limit() -> None:
    long = {
        str(path.relative_to(SRC)): n
        for path in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


@pytest.mark.parametrize("package", sorted(THIRD_PARTY))
def test_third_party_libraries_stay_where_they_belong(package: str) -> None:
    allowed = THIRD_PARTY[package] | sys.stdlib_module_names | {"__future__", "jixiao"}
    bad = [
        f"{module}: {name}"
        for module, path in MODULES.items()
        if _package(module) == package
        for name in _imports(path)
        if name.split(".")[0] not in allowed
    ]
    assert bad == []


def test_the_extractors_see_only_the_neutral_document() -> None:
    bad = [
        f"{path.relative_to(SRC)}: {name}"
        for path in sorted(EXTRACT.rglob("*.py"))
        for name in _imports(path)
        if not name.startswith(EXTRACT_MAY_IMPORT)
        and name.split(".")[0] not in EXTRACT_THIRD_PARTY | sys.stdlib_module_names | {"__future__"}
    ]
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
        f"{module}: {name}"
        for module, path in MODULES.items()
        if _package(module) != "storage"
        for name in _imports(path)
        if name.split(".")[0] in {"sqlalchemy", "alembic"}
    ]
    assert outside == []


# The web takes documents in through the front door only (``jixiao.services.ingest``): not by
# extracting them itself, nor through the importer, nor by writing them to the store.
WEB_MAY_NOT_IMPORT = ("jixiao.intake", "jixiao.portfolio.importer", "jixiao.portfolio.ingest")
STORE_WRITES = {"save", "save_all", "save_in", "save_new_all", "start_run", "keep_original", "DocumentInfo"}


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _store_writes(path: Path) -> Iterator[str]:
    """The store's document-writing methods (and the archive's) ``path`` names, with their line."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and node.attr in STORE_WRITES:
            yield f"{node.attr} (line {node.lineno})"
        elif isinstance(node, ast.Name) and node.id in STORE_WRITES:
            yield f"{node.id} (line {node.lineno})"
        elif isinstance(node, ast.ImportFrom):
            yield from (f"{a.name} (line {node.lineno})" for a in node.names if a.name in STORE_WRITES)


def web_reaches_past_the_front_door(modules: dict[str, Path]) -> list[str]:
    """Each way a web module takes a document in other than ``services.ingest``."""
    bad = []
    for module, path in sorted(modules.items()):
        if _package(module) != "web":
            continue
        bad += [f"{module} → {name}" for name in _imports(path) if _within(name, WEB_MAY_NOT_IMPORT)]
        bad += [f"{module}: {write}" for write in _store_writes(path)]
    return bad


def test_the_web_ingests_only_through_the_front_door() -> None:
    assert web_reaches_past_the_front_door(MODULES) == []


def test_the_front_door_rule_sees_a_web_module_that_reaches_past_it(tmp_path: Path) -> None:
    reaching = tmp_path / "reaching.py"
    reaching.write_text(
        "from jixiao.intake.batch import check_files_grouped\n"
        "from jixiao.limits import human_size\n"
        "from jixiao.storage.store import DocumentInfo\n"
        "def store(state, evs):\n"
        "    return state.workflow.save_new_all(evs)\n",
        encoding="utf-8",
    )
    assert web_reaches_past_the_front_door({"jixiao.web.reaching": reaching}) == [
        "jixiao.web.reaching → jixiao.intake.batch",
        "jixiao.web.reaching: DocumentInfo (line 3)",
        "jixiao.web.reaching: save_new_all (line 5)",
    ]
