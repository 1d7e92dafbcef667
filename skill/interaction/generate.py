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
from skill.core.limits import (
    FALLBACK_SENSITIVITY,
    MAX_MODEL_CHARS,
    MAX_SLOT_TYPE_VALUES,
    MAX_SLOT_VALUE_CHARS,
)
from skill.interaction.committed import LOCALES, MODEL_DIR
from skill.interaction.grammar import expand, load_grammar, samples
from skill.interaction.intents import (
    AREA,
    BUILT_IN_INTENTS,
    CONDITION,
    CUSTOM_INTENTS,
    EQUIPMENT_TYPE,
    EXCLUSIVE_TYPES,
    INVOCATION_NAME,
    ROUTINE,
    SPELLINGS,
    TOPIC,
    TypeValue,
)

LOCALE_SPELLING: dict[str, str] = {"en-GB": "british", "en-AU": "british",
                                   "en-IN": "british", "en-CA": "canadian"}
"""Which `SPELLINGS` table a locale uses; American spelling is the source's."""

_WORD = re.compile(r"[a-z']+")


def localize(text: str, locale: str) -> str:
    """A sample or value in the locale's spelling, word by word."""
    table = SPELLINGS.get(LOCALE_SPELLING.get(locale, ""), {})
    if not table:
        return text
    return _WORD.sub(lambda m: table.get(m.group(0), m.group(0)), text)


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


def _exclusive(types: dict[str, tuple[TypeValue, ...]]) -> dict[str, tuple[TypeValue, ...]]:
    """Each spoken form in one `EXCLUSIVE_TYPES` type only, the first that has it; a value
    whose name is taken is named by its first remaining synonym (or dropped)."""
    taken: set[str] = set()
    out = dict(types)
    for type_name in EXCLUSIVE_TYPES:
        kept: list[TypeValue] = []
        for v in types[type_name]:
            forms = [f for f in (v.name, *v.synonyms) if f not in taken]
            if forms:
                kept.append(TypeValue(v.id, forms[0], tuple(forms[1:])))
        taken.update(f for v in kept for f in (v.name, *v.synonyms))
        out[type_name] = tuple(kept)
    return out


def slot_values(content: Content, locale: str = "en-US") -> dict[str, tuple[TypeValue, ...]]:
    """Every custom slot type's values for a locale: content first, then the grammar's."""
    knowledge = content.knowledge
    grammar = load_grammar()
    regional = grammar.regional.get(locale, {})
    def added(type_name: str, id_: str) -> tuple[str, ...]:
        """The grammar's extra spoken forms for one content value, expanded."""
        return expand(grammar.synonyms.get(type_name, {}).get(id_, ()), grammar.rules)

    def values(type_name: str, items: Iterable[Any],
               extra: dict[str, tuple[str, ...]] | None = None) -> tuple[TypeValue, ...]:
        return tuple(_value(i.id, i.name, (*i.synonyms, *added(type_name, i.id),
                                           *(extra or {}).get(i.id, ())))
                     for i in items)

    types = {
        ROUTINE: values(ROUTINE, content.menu),
        TOPIC: values(TOPIC, (*knowledge.muscles, *knowledge.topics)),
        AREA: values(AREA, knowledge.areas, regional),
        CONDITION: values(CONDITION, knowledge.conditions),
        EQUIPMENT_TYPE: values(EQUIPMENT_TYPE, knowledge.equipment),
    }
    for type_name, closed in grammar.values.items():
        types[type_name] = tuple(_value(v.id, v.name, expand(v.synonyms, grammar.rules))
                                 for v in closed)
    return _exclusive(types)


def _type_json(name: str, values: Sequence[TypeValue], locale: str) -> dict[str, Any]:
    return {
        "name": name,
        "values": [
            {"id": v.id, "name": {"value": localize(v.name, locale),
                                  "synonyms": [localize(s, locale) for s in v.synonyms]}}
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
        intent["samples"] = _localized(samples(spec.name), locale)
        intents.append(intent)
    intents.extend({"name": name, "samples": _localized(samples(name), locale)}
                   for name in BUILT_IN_INTENTS)
    types = [_type_json(name, values, locale)
             for name, values in slot_values(content, locale).items()]
    return {"interactionModel": {"languageModel": {
        "invocationName": INVOCATION_NAME,
        "modelConfiguration": {"fallbackIntentSensitivity": {"level": FALLBACK_SENSITIVITY}},
        "intents": intents, "types": types}}}


def _localized(texts: Iterable[str], locale: str) -> list[str]:
    """Localized, without the repeats a spelling change can create."""
    return list(dict.fromkeys(localize(t, locale) for t in texts))


def check_limits(model: dict[str, Any]) -> list[str]:
    """Amazon's size limits (skill.core.limits) the model breaks, and samples that use a
    slot their intent does not declare (Alexa rejects the model), as messages."""
    problems = []
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        declared = {s["name"] for s in intent.get("slots", [])}
        for sample in intent["samples"]:
            undeclared = set(re.findall(r"\{(\w+)\}", sample)) - declared
            if undeclared:
                problems.append(f"{intent['name']}: {sample!r} uses {sorted(undeclared)}")
    size = len(json.dumps(model["interactionModel"], ensure_ascii=False))
    if size > MAX_MODEL_CHARS:
        problems.append(f"model is {size} characters, over {MAX_MODEL_CHARS}")
    for t in model["interactionModel"]["languageModel"]["types"]:
        if len(t["values"]) > MAX_SLOT_TYPE_VALUES:
            problems.append(f"{t['name']} has {len(t['values'])} values")
        for v in t["values"]:
            for form in (v["name"]["value"], *v["name"]["synonyms"]):
                if len(form) > MAX_SLOT_VALUE_CHARS:
                    problems.append(f"{t['name']} value {form!r} is over "
                                    f"{MAX_SLOT_VALUE_CHARS} characters")
    return problems


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
        model = build_model(content, locale)
        problems = check_limits(model)
        if problems:
            raise ValueError(f"{locale}: " + "; ".join(problems))
        path.write_text(model_text(model), encoding="utf-8")
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
