"""Find phrases the interaction model would give to two intents.

Why: Alexa picks one intent per phrase; when two intents' samples can produce the same
words, which one wins is not ours to choose, and "start glutes" might describe a
routine instead of starting it. Expanding every sample with every slot value (and
synonym) shows each such phrase before a person meets it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_SLOT = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Clash:
    """One phrase two intents can claim."""

    phrase: str
    intents: tuple[str, str]
    why: str


def _forms(types: list[dict[str, Any]]) -> dict[str, tuple[str, ...]]:
    return {t["name"]: tuple(f for v in t["values"]
                             for f in (v["name"]["value"], *v["name"]["synonyms"]))
            for t in types}


def expansions(sample: str, slot_forms: dict[str, tuple[str, ...]]) -> Iterator[str]:
    """The sample with its slots filled by every combination of their forms; a slot of a
    built-in type (AMAZON.NUMBER) stays as written."""
    names = _SLOT.findall(sample)
    pools = [slot_forms.get(n, ("{" + n + "}",)) for n in names]
    parts = _SLOT.split(sample)  # literal, name, literal, name, ...
    for combo in itertools.product(*pools):
        out = list(parts)
        out[1::2] = combo
        yield " ".join("".join(out).split())


def clashes(model: dict[str, Any]) -> list[Clash]:
    """Every phrase that two intents can produce, or that one intent produces while it is
    a slot value of a slot another intent's sample takes on its own (bare `{slot}`)."""
    lm = model["interactionModel"]["languageModel"]
    forms = _forms(lm.get("types", []))
    owner: dict[str, str] = {}
    found: list[Clash] = []
    bare: dict[str, str] = {}  # slot form -> intent whose sample is just that slot
    for intent in lm["intents"]:
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        slot_forms = {n: forms[t] for n, t in slot_types.items() if t in forms}
        for sample in intent["samples"]:
            if _SLOT.fullmatch(sample) and sample[1:-1] in slot_forms:
                for f in slot_forms[sample[1:-1]]:
                    bare.setdefault(f, intent["name"])
            for phrase in expansions(sample, slot_forms):
                first = owner.setdefault(phrase, intent["name"])
                if first != intent["name"]:
                    found.append(Clash(phrase, (first, intent["name"]),
                                       f"sample {sample!r} of both"))
    for phrase, intent_name in owner.items():
        other = bare.get(phrase)
        if other is not None and other != intent_name:
            found.append(Clash(phrase, (intent_name, other),
                               f"a sample of {intent_name} and a bare slot value of {other}"))
    return found
