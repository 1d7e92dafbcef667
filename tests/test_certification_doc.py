"""docs/certification.md names the test that proves each certification point: every test it
names must exist, so a renamed or deleted test cannot leave the checklist pointing nowhere."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "certification.md"
FILE = re.compile(r"`(tests/[\w/]+\.py)(?:::(\w+))?`")
MORE = re.compile(r"`::(\w+)`")


def test_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name.startswith("test")}


test_functions.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def references() -> list[tuple[str, str | None]]:
    """(file, test or None) for each reference; a bare `::name` belongs to the file before it
    on the same line."""
    found: list[tuple[str, str | None]] = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        last: str | None = None
        for match in re.finditer(rf"{FILE.pattern}|{MORE.pattern}", line):
            if match.group(1):
                last = match.group(1)
                found.append((last, match.group(2)))
            elif last is not None:
                found.append((last, match.group(3)))
    return found


def test_every_test_the_checklist_names_exists() -> None:
    refs = references()
    assert len(refs) > 40, "the checklist lost its references"
    missing = []
    for file, name in refs:
        path = ROOT / file
        if not path.is_file():
            missing.append(file)
        elif name is not None and name not in test_functions(path):
            missing.append(f"{file}::{name}")
    assert not missing, f"docs/certification.md names tests that do not exist: {missing}"
