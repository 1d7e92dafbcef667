"""Example phrases for the page's chips, taken from the committed interaction model.

Why from the model: a chip is something the model really accepts, so pressing one never
teaches a phrasing Alexa would not understand; each is checked with the console's matcher.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from skill.console.matcher import Matcher

CHIP_INTENTS = ("StartRoutineIntent", "ListRoutinesIntent", "AMAZON.YesIntent",
                "AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.NextIntent",
                "AMAZON.PreviousIntent", "PainIntent", "TimeLeftIntent", "WhereAmIIntent",
                "ProgressIntent", "AMAZON.HelpIntent", "AMAZON.StopIntent")
"""Which intents get a chip, in the order shown."""
PREFERRED = frozenset({"start {routine}", "list routines", "yes", "pause", "resume", "next",
                       "previous", "that hurts", "how long is left", "which side am i on",
                       "how am i doing", "help", "stop"})
"""Samples shown first when the model has them: what the README suggests trying."""
_SLOT = re.compile(r"\{(\w+)\}")


def _plainness(sample: str, types: Mapping[str, str]) -> tuple[bool, bool, bool, int, str]:
    """Sort key: a preferred sample, a slot filled when the intent has slots, two to four
    words, then the text."""
    words = len(sample.split())
    return (sample not in PREFERRED, bool(types) and "{" not in sample, words < 2,
            abs(words - 3), sample)


def chips(model: Mapping[str, Any], matcher: Matcher) -> list[str]:
    """'open hip coach', then the shortest sample of each chip intent, slots filled with
    their type's first value, kept only when the matcher maps it back to that intent."""
    lm = model["interactionModel"]["languageModel"]
    first = {t["name"]: t["values"][0]["name"]["value"] for t in lm.get("types", [])
             if t.get("values")}
    found = [f"open {lm['invocationName']}"]
    for intent in lm["intents"]:
        if intent["name"] not in CHIP_INTENTS:
            continue
        types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in sorted(intent.get("samples", []), key=lambda s: _plainness(s, types)):
            slots = _SLOT.findall(sample)
            if len(slots) > 1 or any(types.get(s) not in first for s in slots):
                continue
            phrase = sample.replace(f"{{{slots[0]}}}", first[types[slots[0]]]) if slots else sample
            match = matcher.match(phrase)
            if match.intent == intent["name"] and not match.approximate:
                found.append(phrase)
                break
    order = {name: i for i, name in enumerate(CHIP_INTENTS)}
    head, rest = found[:1], found[1:]
    rest.sort(key=lambda p: order.get(matcher.match(p).intent, len(order)))
    return head + rest
