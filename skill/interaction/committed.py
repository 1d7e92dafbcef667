"""Where the generated interaction models are committed, readable without the grammar.

Why separate: the console and the skill package read these files at run time, and
must not need hassil (a development dependency used only to generate them).
"""

from __future__ import annotations

from pathlib import Path

LOCALES: tuple[str, ...] = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
"""The English locales the skill publishes in, one committed model each (Amazon's list:
developer.amazon.com/docs/custom-skills/develop-skills-in-multiple-languages.html)."""
MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"
"""Repository root / interaction_model: one `<locale>.json` per locale."""


def model_path(locale: str) -> Path:
    """The committed model of `locale`; en-US when that locale has none."""
    path = MODEL_DIR / f"{locale}.json"
    return path if path.is_file() else MODEL_DIR / "en-US.json"
