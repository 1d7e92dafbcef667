"""Where the generated interaction models are committed, readable without the grammar.

Why separate: the console and the skill package read these files at run time, and
must not need hassil (a development dependency used only to generate them).
"""

from __future__ import annotations

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"
"""Repository root / interaction_model: one `<locale>.json` per locale."""


def model_path(locale: str) -> Path:
    """The committed model of `locale`; en-US when that locale has none."""
    path = MODEL_DIR / f"{locale}.json"
    return path if path.is_file() else MODEL_DIR / "en-US.json"
