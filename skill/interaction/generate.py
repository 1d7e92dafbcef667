"""Generate the ASK interaction models from the intent spec and the content.

Why generated: routine, muscle and topic names are content (YAML), and the
interaction model must offer exactly those as slot values. Generating it keeps
one source of truth; `tests/test_interaction_model.py` fails when the committed
JSON is stale. Update it with::

    .venv/bin/python -m skill.interaction.generate          # writes interaction_model/
    .venv/bin/python -m skill.interaction.generate --check  # exit 1 when stale
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from skill.content import load_content
from skill.content.model import Content
from skill.interaction.intents import (
    AREA,
    BRITISH_SPELLINGS,
    BUILT_IN_INTENTS,
    CONDITION,
    CUSTOM_INTENTS,
    EQUIPMENT_TYPE,
    INVOCATION_NAME,
    PAIN_QUALITY,
    PAIN_QUALITY_VALUES,
    PREFERENCE,
    PREFERENCE_VALUES,
    ROUTINE,
    TOPIC,
    TypeValue,
)

LOCALES: tuple[str, ...] = ("en-US", "en-GB")
"""Locales written by `write_models`, one JSON file each."""
MODEL_DIR = Path(__file__).resolve().parents[2] / "interaction_model"
"""Where the committed models live (repository root / interaction_model)."""

_WORD = re.compile(r"[a-z']+")


def _localize(text: str, locale: str) -> str:
    """British spellings for en-GB, word by word; other locales unchanged."""
    if locale != "en-GB":
        return text
    return _WORD.sub(lambda m: BRITISH_SPELLINGS.get(m.group(0), m.group(0)), text)


def _spoken(text: str) -> str:
    """Content text as a slot value: lower case, hyphens as spaces, single-spaced."""
    return " ".join(text.lower().replace("-", " ").split())


def _value(id_: str, name: str, synonyms: Iterable[str]) -> TypeValue:
    """A slot value with synonyms cleaned: spoken form, no repeats, none equal to the name."""
    spoken_name = _spoken(name)
    seen = {spoken_name}
    kept: list[str] = []
    for synonym in synonyms:
        s = _spoken(synonym)
        if s not in seen:
            seen.add(s)
            kept.append(s)
    return TypeValue(id_, spoken_name, tuple(kept))


def slot_values(content: Content) -> dict[str, tuple[TypeValue, ...]]:
    """Every custom slot type's values: content-driven ones first, then the fixed lists."""
    knowledge = content.knowledge
    return {
        ROUTINE: tuple(_value(r.id, r.name, r.synonyms) for r in content.menu),
        TOPIC: tuple(_value(m.id, m.name, m.synonyms) for m in knowledge.muscles)
        + tuple(_value(t.id, t.name, t.synonyms) for t in knowledge.topics),
        PAIN_QUALITY: PAIN_QUALITY_VALUES,
        PREFERENCE: PREFERENCE_VALUES,
        AREA: tuple(_value(a.id, a.name, a.synonyms) for a in knowledge.areas),
        CONDITION: tuple(_value(c.id, c.name, c.synonyms) for c in knowledge.conditions),
        EQUIPMENT_TYPE: tuple(_value(e.id, e.name, e.synonyms) for e in knowledge.equipment),
    }


def _type_json(name: str, values: Sequence[TypeValue], locale: str) -> dict[str, Any]:
    return {
        "name": name,
        "values": [
            {"id": v.id, "name": {"value": _localize(v.name, locale),
                                  "synonyms": [_localize(s, locale) for s in v.synonyms]}}
            for v in values
        ],
    }


def build_model(content: Content, locale: str = "en-US") -> dict[str, Any]:
    """The ASK CLI v2 interaction model for one locale, as a JSON-ready dict."""
    intents: list[dict[str, Any]] = []
    for spec in CUSTOM_INTENTS:
        intent: dict[str, Any] = {"name": spec.name}
        if spec.slots:
            intent["slots"] = [{"name": s.name, "type": s.type} for s in spec.slots]
        intent["samples"] = [_localize(s, locale) for s in spec.samples]
        intents.append(intent)
    intents.extend({"name": name, "samples": []} for name in BUILT_IN_INTENTS)
    types = [_type_json(name, values, locale) for name, values in slot_values(content).items()]
    return {"interactionModel": {"languageModel": {
        "invocationName": INVOCATION_NAME, "intents": intents, "types": types}}}


def model_text(model: dict[str, Any]) -> str:
    """The exact bytes committed: stable key order, two-space indent, final newline."""
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def write_models(folder: Path = MODEL_DIR, content: Content | None = None) -> list[Path]:
    """Write `<locale>.json` for every locale into `folder`; returns the paths written."""
    content = content or load_content()
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for locale in LOCALES:
        path = folder / f"{locale}.json"
        path.write_text(model_text(build_model(content, locale)), encoding="utf-8")
        paths.append(path)
    return paths


def stale_models(folder: Path = MODEL_DIR, content: Content | None = None) -> list[Path]:
    """Committed model files that differ from what the content generates now."""
    content = content or load_content()
    stale = []
    for locale in LOCALES:
        path = folder / f"{locale}.json"
        expected = model_text(build_model(content, locale))
        if not path.exists() or path.read_text(encoding="utf-8") != expected:
            stale.append(path)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m skill.interaction.generate [--check] [FOLDER]`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("folder", nargs="?", type=Path, default=MODEL_DIR)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a committed model is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_models(args.folder)
        for path in stale:
            print(f"stale: {path} (run python -m skill.interaction.generate)", file=sys.stderr)
        return 1 if stale else 0
    for path in write_models(args.folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
