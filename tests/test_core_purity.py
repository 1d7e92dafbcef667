"""The pure core (skill.core.*, skill.content.*) loads no SDK, cloud, web, audio or CLI code.

Dialog mode on Lambda, the renderer and the CLI all share the core; if it pulled in
ask_sdk, boto3, flask, pydub or click, a cold start would pay for them and the core
could no longer be tested or run without them. Checked in a fresh interpreter, so
modules imported by other tests in this process cannot hide (or fake) an import.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import skill.content
import skill.core

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("ask_sdk", "boto3", "botocore", "flask", "pydub", "click")
CORE_MODULES = sorted(
    [f"skill.core.{m.name}" for m in pkgutil.iter_modules(skill.core.__path__)]
    + [f"skill.content.{m.name}" for m in pkgutil.iter_modules(skill.content.__path__)]
    + ["skill.core", "skill.content"])


def loaded_after(imports: str) -> list[str]:
    code = f"{imports}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    modules: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return modules


def forbidden_in(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == f or m.startswith((f + ".", f + "_"))
                                      for f in FORBIDDEN)]


def test_the_core_entry_points_import_nothing_forbidden() -> None:
    modules = loaded_after("import skill.core.packing, skill.core.plan, skill.content\n"
                           "skill.content.load_content()")
    assert "skill.core.packing" in modules and "skill.content.loader" in modules
    assert forbidden_in(modules) == []


def test_every_core_module_imports_nothing_forbidden() -> None:
    """All of them in one interpreter: if the union is clean, each one is."""
    modules = loaded_after("\n".join(f"import {m}" for m in CORE_MODULES))
    assert set(CORE_MODULES) <= set(modules)
    assert len(CORE_MODULES) >= 10
    assert forbidden_in(modules) == []


def test_the_check_would_notice_a_forbidden_import() -> None:
    """The CLI legitimately imports click: the same check must see it."""
    modules = loaded_after("import skill.cli.main")
    assert "click" in forbidden_in(modules)
