"""Sentence templates (sentences.yaml) expanded into Alexa sample utterances.

Why templates: people vary most in how they start a routine, describe pain and ask
for a change, and listing every variant by hand left most of them out. The templates
use hassil, Home Assistant's maintained sentence-template language (alternatives,
optional words, shared rules), so the grammar is data a reviewer can read, not code.
hassil is a development dependency: the deployed skill reads the committed JSON that
`skill.interaction.generate` writes from this expansion.

`sample_expression(..., expand_lists=False)` keeps `{slot}` as written, which is what
Alexa samples need (hassil README, "Sampling"; hassil/sample.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from hassil.parse_expression import parse_sentence
from hassil.sample import sample_expression

SENTENCES = Path(__file__).with_name("sentences.yaml")
"""The grammar file: rules, intents' templates, closed slot lists, regional words."""


@dataclass(frozen=True)
class ValueTemplates:
    """One closed-list slot value: its id, spoken name and synonym templates."""

    id: str
    name: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Grammar:
    """The parsed grammar file, before expansion."""

    rules: dict[str, str]
    intents: dict[str, tuple[str, ...]]
    values: dict[str, tuple[ValueTemplates, ...]]
    regional: dict[str, dict[str, tuple[str, ...]]]
    """locale -> area id -> extra synonyms."""
    synonyms: dict[str, dict[str, tuple[str, ...]]]
    """slot type -> value id -> synonym templates added to the content's."""


@cache
def load_grammar(path: Path = SENTENCES) -> Grammar:
    """Read sentences.yaml once."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    values = {
        type_name: tuple(ValueTemplates(id_, v["name"], tuple(v.get("synonyms", ())))
                         for id_, v in by_id.items())
        for type_name, by_id in raw.get("values", {}).items()
    }
    regional = {locale: {area: tuple(words) for area, words in by_area.items()}
                for locale, by_area in raw.get("regional", {}).items()}
    return Grammar(rules=dict(raw.get("rules", {})),
                   intents={name: tuple(t) for name, t in raw["intents"].items()},
                   values=values, regional=regional,
                   synonyms={type_name: {id_: tuple(forms) for id_, forms in by_id.items()}
                             for type_name, by_id in raw.get("synonyms", {}).items()})


def expand(templates: Iterable[str], rules: dict[str, str]) -> tuple[str, ...]:
    """Every sentence the templates allow, single-spaced, in first-seen order."""
    parsed_rules = {name: parse_sentence(text) for name, text in rules.items()}
    seen: dict[str, None] = {}
    for template in templates:
        sentence = parse_sentence(template)
        for text in sample_expression(sentence.expression, expansion_rules=parsed_rules,
                                      expand_lists=False):
            seen.setdefault(" ".join(text.split()), None)
    seen.pop("", None)
    return tuple(seen)


@cache
def samples(intent: str, path: Path = SENTENCES) -> tuple[str, ...]:
    """The expanded samples of one intent (empty when the grammar has none)."""
    grammar = load_grammar(path)
    return expand(grammar.intents.get(intent, ()), grammar.rules)
