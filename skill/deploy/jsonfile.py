"""Reading the JSON files the deploy keeps and the ASK CLI writes, in one place."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_object(path: Path, error: type[Exception]) -> dict[str, Any]:
    """The JSON object in `path`; `error` (the caller's own kind) when it cannot be read or
    is not an object, so a broken file stops the deploy with its name rather than a trace."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise error(f"{path} is not a JSON object")
    return data
