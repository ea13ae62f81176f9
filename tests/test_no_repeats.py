"""No block of six or more repeated lines in ``src/`` (issue 16): code written twice drifts apart.

Lines are compared stripped of indentation, leaving out blank lines, whole-line comments and
Python imports, so
a block copied at another depth or with other comments still counts. The migrations are frozen
history (each repeats the tables of its time) and are not read.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
WINDOW = 6
SUFFIXES = {".py", ".html", ".css", ".js"}
FROZEN = ("migrations",)
# A comment line of each language (a Jinja or HTML comment on one line, too).
_COMMENT_STARTS = ("#", "//", "{#", "<!--", "/*", "*")

# Import lines say what a module uses, not what it does: many modules use the same things.
_IMPORT = re.compile(r"^(?:import \S|from \S+ import )")

Place = tuple[str, int]


def _lines(text: str) -> list[tuple[int, str]]:
    """The (line number, stripped text) of each line that is neither blank nor a comment."""
    kept = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith(_COMMENT_STARTS) and not _IMPORT.match(line):
            kept.append((number, line))
    return kept


def repeats(files: dict[str, str], window: int = WINDOW) -> list[tuple[Place, Place]]:
    """Pairs of places where the same ``window`` kept lines stand again (the first place first).

    Only a window's first repeat is reported, and a run longer than the window once: the
    windows that continue a run already reported are passed over.
    """
    seen: dict[tuple[str, ...], Place] = {}
    found: list[tuple[Place, Place]] = []
    continuing: set[Place] = set()
    for name in sorted(files):
        lines = _lines(files[name])
        for i in range(len(lines) - window + 1):
            key = tuple(line for _, line in lines[i : i + window])
            here = (name, lines[i][0])
            first = seen.setdefault(key, here)
            if first == here:
                continue
            if here not in continuing:
                found.append((first, here))
            if i + 1 < len(lines):
                continuing.add((name, lines[i + 1][0]))
    return found


def _sources() -> dict[str, str]:
    files = {}
    for path in sorted(SRC.rglob("*")):
        relative = path.relative_to(SRC)
        if path.suffix in SUFFIXES and path.is_file() and not set(FROZEN) & set(relative.parts):
            files[relative.as_posix()] = path.read_text(encoding="utf-8")
    return files


def _say(pairs: list[tuple[Place, Place]]) -> str:
    return "\n".join(f"{a}:{la} ~ {b}:{lb}" for (a, la), (b, lb) in pairs)


def test_src_has_no_block_of_six_repeated_lines() -> None:
    files = _sources()
    assert len(files) > 100  # the tree was read
    found = repeats(files)
    assert not found, "repeated blocks of six or more lines (write them once):\n" + _say(found)


def test_a_planted_repeat_is_found_across_files_and_indentation() -> None:
    block = "\n".join(f"total = total + weight_{i}" for i in range(WINDOW))
    head, tail = block.splitlines()[:3], block.splitlines()[3:]
    indented = ["        " + line for line in head] + ["", "    # a comment is not a line"] + tail
    files = {
        "a.py": f"def f():\n{block}\n    return total\n",
        "b.py": "class C:\n    def g(self):\n" + "\n".join(indented) + "\n",
    }
    assert repeats(files) == [(("a.py", 2), ("b.py", 3))]
    # five lines alike are not a block, nor six lines that differ in one
    five = {"a.py": "\n".join(block.splitlines()[:5]), "b.py": "\n".join(block.splitlines()[:5])}
    assert repeats(five) == []
    changed = {"a.py": block, "b.py": block.replace("weight_3", "weight_x")}
    assert repeats(changed) == []


def test_a_long_repeat_inside_one_file_is_reported_once() -> None:
    block = "\n".join(f"x{i} = {i}" for i in range(10))
    assert repeats({"a.py": f"{block}\nbreak_here = 1\n{block}\n"}) == [(("a.py", 1), ("a.py", 12))]


def test_the_real_tree_with_a_planted_copy_fails() -> None:
    files = _sources()
    name, text = next((n, t) for n, t in files.items() if n.endswith(".py") and len(_lines(t)) > 40)
    kept = [line for _, line in _lines(text)]
    copy = "\n".join(kept[20 : 20 + WINDOW])
    planted = {**files, "jixiao/planted.py": f"def planted():\n{copy}\n"}
    assert any(("jixiao/planted.py", 2) in pair for pair in repeats(planted)), name
