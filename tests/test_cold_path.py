"""What a Lambda cold start loads: the first LaunchRequest in a fresh interpreter answers
without OpenSSL, dateutil, Flask, pydub or boto3, and leaves the garbage collector on."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.alexa import Device

CHILD = """
import gc, json, sys
import skill.lambda_function as lf
out = lf.handler(json.loads(sys.stdin.read()), None)
print(json.dumps({"ssml": out["response"]["outputSpeech"]["ssml"], "gc": gc.isenabled(),
                  "modules": sorted(sys.modules)}))
"""


ROOT = Path(__file__).resolve().parents[1]

DEFERRED_FOR_A_REASON: dict[tuple[str, str], str] = {
    ("skill/core/record.py", "dataclasses"):
        "only when replace() is handed a dataclass; records exist to avoid loading it",
    ("skill/core/plan.py", "skill.core"):
        "the packer (skill.core.packing) is loaded by the first coached turn",
    ("skill/app.py", "skill.adapters.sqlite_store"):
        "only the configured store loads: DynamoDB deployments never import sqlite3",
    ("skill/app.py", "skill.audio.lazy"): "streaming off: no audio module loads",
    ("skill/audio/lazy.py", "skill.content"):
        "the content is loaded when a track is first needed, by whoever asks first",
    ("skill/audio/render.py", "skill.content"): "only when no content was passed in",
    ("skill/cli/render.py", "skill.content"): "a CLI command loads only what it uses",
    ("skill/cli/render.py", "skill.settings"): "a CLI command loads only what it uses",
    ("skill/cli/serve.py", "skill.settings"): "a CLI command loads only what it uses",
}
"""In-function imports of modules the first Launch loads anyway, each kept for a reason
other than the cold start. Every other in-function import must name a module the cold
start does not load, or it buys nothing and belongs at the top of its module."""


@pytest.fixture(scope="module")
def first_launch(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    env = {"HIPCOACH_DATA_DIR": str(tmp_path_factory.mktemp("cold")), "PATH": "/usr/bin:/bin",
           "PYTHONPATH": ".", "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", CHILD], input=json.dumps(Device().launch()),
                          capture_output=True, text=True, env=env, check=True, cwd=ROOT)
    found = json.loads(done.stdout)
    assert isinstance(found, dict)
    return found


def in_function_imports() -> list[tuple[str, str]]:
    """(file, module) of every import inside a function under skill/."""
    found = []
    for path in sorted((ROOT / "skill").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for fn in ast.walk(tree):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                for node in ast.walk(fn):
                    if isinstance(node, ast.ImportFrom) and node.module:
                        found.append((str(path.relative_to(ROOT)), node.module))
                    elif isinstance(node, ast.Import):
                        found += [(str(path.relative_to(ROOT)), a.name) for a in node.names]
    return found


def test_in_function_imports_are_only_those_that_keep_the_cold_start_light(
        first_launch: dict[str, Any]) -> None:
    loaded = set(first_launch["modules"])
    needless = sorted({(f, m) for f, m in in_function_imports()
                       if m in loaded and (f, m) not in DEFERRED_FOR_A_REASON})
    assert not needless, f"deferred imports of modules a Launch loads anyway: {needless}"
    stale = set(DEFERRED_FOR_A_REASON) - set(in_function_imports())
    assert not stale, f"allowlisted imports that are gone: {stale}"


def test_first_launch_in_a_fresh_interpreter(first_launch: dict[str, Any]) -> None:
    out = first_launch
    assert out["ssml"].startswith("<speak>") and "Hip Coach" in out["ssml"]
    assert out["gc"] is True  # switched off for the import only
    loaded = set(out["modules"]) | {m.split(".")[0] for m in out["modules"]}
    # dateutil.tz comes with the SDK; its parser (the SDK's timestamp path) must not
    assert not loaded & {"_hashlib", "hashlib", "dateutil.parser", "flask", "pydub", "boto3",
                         "requests", "yaml", "shutil"}
