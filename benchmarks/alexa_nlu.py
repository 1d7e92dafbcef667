"""What an Amazon-like NLU hears in a phrase, read off an ASK interaction model.

The reader is virtual-alexa's matcher (``tests/e2e/match.js``), an implementation of the
model format that is not ours, so a score built on it cannot agree with our own grammar
by construction. One node process answers every phrase: thousands of phrases take about
as long as a few.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
E2E = ROOT / "tests" / "e2e"
SCRIPT = E2E / "match.js"


@dataclass(frozen=True)
class HeardSlot:
    """One filled slot: the words heard and the custom value id they resolve to (or None)."""

    value: str
    id: str | None


@dataclass(frozen=True)
class Heard:
    """What the matcher made of one phrase; intent None when no sample matched it."""

    say: str
    intent: str | None
    slots: dict[str, HeardSlot] = field(default_factory=dict)
    error: str | None = None  # set when match.js could not read or match the line


def _node() -> str:
    """The node binary, or a RuntimeError saying what to install (rather than a bare ENOENT)."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH; install Node.js (scripts/bootstrap.sh)")
    if not (E2E / "node_modules" / "virtual-alexa").is_dir():
        raise RuntimeError(
            f"{E2E / 'node_modules'} has no virtual-alexa; run scripts/bootstrap.sh "
            "(npm ci in tests/e2e)")
    return node


def _heard(row: dict[str, Any]) -> Heard:
    slots = {
        str(name): HeardSlot(value=str(slot["value"]),
                             id=None if slot.get("id") is None else str(slot["id"]))
        for name, slot in row.get("slots", {}).items()
    }
    intent = row.get("intent")
    error = row.get("error")
    return Heard(say=str(row.get("say")), intent=None if intent is None else str(intent),
                 slots=slots, error=None if error is None else str(error))


def match(model_path: Path, utterances: Sequence[str], *, timeout: float = 300.0) -> list[Heard]:
    """Match every utterance against the model in one node run; results in input order."""
    node = _node()
    if not Path(model_path).is_file():
        raise FileNotFoundError(model_path)
    lines = "".join(json.dumps({"say": say}) + "\n" for say in utterances)
    completed = subprocess.run(
        [node, str(SCRIPT), str(Path(model_path).resolve())], input=lines,
        capture_output=True, text=True, timeout=timeout, check=False, encoding="utf-8")
    if completed.returncode != 0:
        raise RuntimeError(f"match.js failed ({completed.returncode}): {completed.stderr.strip()}")
    rows = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    if len(rows) != len(utterances):
        raise RuntimeError(f"match.js answered {len(rows)} lines for {len(utterances)} phrases")
    heard = [_heard(row) for row in rows]
    for say, one in zip(utterances, heard, strict=True):
        if one.say != say:
            raise RuntimeError(f"match.js answered {one.say!r} for {say!r}")
    return heard
