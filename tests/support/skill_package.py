"""The committed skill package and the `hipcoach package` command, for its tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from skill.cli.main import main as hipcoach

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "skill-package"
MODELS = ROOT / "interaction_model"
ARN = "arn:aws:lambda:us-east-1:123456789012:function:hip-coach-skill"


def manifest_at(root: Path = ROOT) -> dict[str, Any]:
    """skill-package/skill.json under `root` (the repository by default)."""
    data = json.loads((root / "skill-package" / "skill.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def locales_info(root: Path = ROOT) -> dict[str, Any]:
    info = manifest_at(root)["manifest"]["publishingInformation"]["locales"]
    assert isinstance(info, dict)
    return info


def model_locales() -> set[str]:
    """The locales interaction_model/ has a model for."""
    return {p.stem for p in MODELS.glob("*.json")}


def run(*args: str) -> Result:
    """`hipcoach package ARGS...` in process."""
    return CliRunner().invoke(hipcoach, ["package", *args])
