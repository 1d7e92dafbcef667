"""Every platform limit has one source, skill/core/limits.py, and each one is used.

A copy elsewhere (verify.py and progressive.py used to keep their own) means editing
limits.py changes nothing; a limit no code reads is a rule nobody enforces. Both are
checked on the source with `ast`, so a copy is found even when its value happens to match.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIMITS = ROOT / "skill" / "core" / "limits.py"
LIMITS_MODULE = "skill.core.limits"
USERS = ("skill", "benchmarks")
"""Where a limit must be used (tests may import limits too, but do not count as a use)."""

AWAITING_USE: dict[str, str] = {
    "MAX_RESPONSE_BYTES": "the response-size check (tests/support/response_check.py keeps "
                          "its own copy and should import this one)",
}
"""Limits kept although nothing in skill/ reads them yet, each with where it belongs.
An entry must go once the limit is used: the test below fails while a stale one stays."""


# --- the checker -------------------------------------------------------------------------------

def _sources(*dirs: str) -> Iterator[tuple[Path, ast.Module]]:
    for folder in dirs:
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != LIMITS and ".venv" not in path.parts:
                yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _module_level(tree: ast.Module) -> Iterator[ast.stmt]:
    """Statements run at import: the top level and inside top-level if/try/with blocks."""
    todo: list[ast.stmt] = list(tree.body)
    while todo:
        node = todo.pop(0)
        yield node
        if isinstance(node, ast.If | ast.Try | ast.With):
            for block in ("body", "orelse", "finalbody", "handlers"):
                for child in getattr(node, block, []):
                    todo.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])


def _targets(node: ast.stmt) -> set[str]:
    """Names a module-level statement binds by assignment, class or function definition."""
    if isinstance(node, ast.Assign):
        targets: list[ast.expr] = list(node.targets)
    elif isinstance(node, ast.AnnAssign | ast.AugAssign):
        targets = [node.target]
    elif isinstance(node, ast.ClassDef | ast.FunctionDef):
        return {node.name}
    else:
        return set()
    names = set()
    for target in targets:
        for sub in ast.walk(target):
            if isinstance(sub, ast.Name):
                names.add(sub.id)
    return names


def defined_names(tree: ast.Module) -> dict[str, ast.stmt]:
    """Each name limits.py defines, with the statement that defines it."""
    return {name: node for node in tree.body for name in _targets(node)}


def copies(tree: ast.Module, names: Iterable[str]) -> list[tuple[str, int]]:
    """(name, line) of module-level assignments of a limit's name: a second source."""
    wanted = set(names)
    return sorted((name, node.lineno) for node in _module_level(tree)
                  for name in _targets(node) & wanted)


def foreign_imports(tree: ast.Module, names: Iterable[str]) -> list[tuple[str, str, int]]:
    """(name, module, line) of a limit imported from anywhere but skill.core.limits."""
    wanted = set(names)
    return [(alias.name, node.module or "", node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module != LIMITS_MODULE
            for alias in node.names if alias.name in wanted]


def uses(tree: ast.Module, names: Iterable[str]) -> set[str]:
    """Limits this module reads: a name imported from skill.core.limits and then loaded, or
    an attribute of the limits module (``limits.X``, ``skill.core.limits.X``)."""
    wanted = set(names)
    imported: dict[str, str] = {}  # local name -> limit name
    module_aliases: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == LIMITS_MODULE:
            imported.update({a.asname or a.name: a.name for a in node.names if a.name in wanted})
        elif isinstance(node, ast.ImportFrom) and node.module == "skill.core":
            module_aliases.update(a.asname or a.name for a in node.names if a.name == "limits")
        elif isinstance(node, ast.Import):
            module_aliases.update(a.asname for a in node.names
                                  if a.name == LIMITS_MODULE and a.asname)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in imported:
            found.add(imported[node.id])
        elif isinstance(node, ast.Attribute) and node.attr in wanted:
            owner = ast.unparse(node.value)
            if owner in module_aliases or owner == LIMITS_MODULE:
                found.add(node.attr)
    return found


def unused(limits_tree: ast.Module, users: Iterable[ast.Module]) -> set[str]:
    """Limits read by no user, directly or through another limit that is read
    (``ALEXA`` is read by the packer, so the constants its profile is built from count)."""
    defined = defined_names(limits_tree)
    used: set[str] = set()
    for tree in users:
        used |= uses(tree, defined)
    refers = {name: {n.id for n in ast.walk(node) if isinstance(n, ast.Name)} & set(defined)
              for name, node in defined.items()}
    todo = list(used)
    while todo:
        for ref in refers[todo.pop()] - used:
            used.add(ref)
            todo.append(ref)
    return set(defined) - used


def _limits_tree() -> ast.Module:
    return ast.parse(LIMITS.read_text(encoding="utf-8"), str(LIMITS))


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


# --- the rules ---------------------------------------------------------------------------------

def test_no_module_keeps_its_own_copy_of_a_limit() -> None:
    names = defined_names(_limits_tree())
    found = [f"{_where(path, line)} assigns {name}" for path, tree in _sources(*USERS)
             for name, line in copies(tree, names)]
    assert found == [], "import these from skill.core.limits instead:\n" + "\n".join(found)


def test_limits_are_imported_from_skill_core_limits_only() -> None:
    names = defined_names(_limits_tree())
    found = [f"{_where(path, line)} imports {name} from {module}"
             for path, tree in _sources(*USERS, "tests")
             for name, module, line in foreign_imports(tree, names)]
    assert found == [], "\n".join(found)


def test_every_limit_is_used_where_its_rule_is_enforced() -> None:
    limits_tree = _limits_tree()
    never = unused(limits_tree, (tree for _, tree in _sources(*USERS)))
    assert never - set(AWAITING_USE) == set(), "use these or delete them from limits.py"
    assert set(AWAITING_USE) - never == set(), "now used: remove them from AWAITING_USE"
    assert set(AWAITING_USE) <= set(defined_names(limits_tree))


# --- the checker notices what it should --------------------------------------------------------

LIMITS_SAMPLE = ast.parse('''
A = 1
B = 2
C = 3
"""C's source."""
class Profile:
    b: int = B
PROFILE = Profile()
ORPHAN_CHAIN = C + 1
''')


def test_the_checker_finds_copies_foreign_imports_and_unused_limits() -> None:
    names = defined_names(LIMITS_SAMPLE)
    assert set(names) == {"A", "B", "C", "Profile", "PROFILE", "ORPHAN_CHAIN"}
    user = ast.parse(
        "from skill.core.limits import A, PROFILE\n"
        "from skill.core import limits as L\n"
        "from skill.web.verify import C\n"
        "def f(A=0):\n    A = 5\n    return A\n"   # a local A is not a module-level copy
        "if True:\n    C = 3\n"
        "x = L.PROFILE\n")
    assert copies(user, names) == [("C", 8)]
    assert foreign_imports(user, names) == [("C", "skill.web.verify", 3)]
    assert uses(user, names) == {"A", "PROFILE"}
    # PROFILE pulls in Profile and B; C is only read by ORPHAN_CHAIN, which nobody reads.
    assert unused(LIMITS_SAMPLE, [user]) == {"C", "ORPHAN_CHAIN"}
    assert unused(LIMITS_SAMPLE, [ast.parse("import skill.core.limits\n"
                                            "y = skill.core.limits.ORPHAN_CHAIN\n")]) == {
        "A", "B", "Profile", "PROFILE"}
    assert unused(LIMITS_SAMPLE, [ast.parse("A = 1\nprint(A)\n")]) == set(names)
