"""Typed phrase -> intent and slots, from the interaction model, the way Alexa would.

Why a matcher at all: the console should exercise the same intent names, slots
and entity resolution the skill sees from a real device, driven by the same
model JSON we deploy, so a sample or slot value that does not work shows up
here first. It is deliberately simple and deterministic, in this order:

1. a sample said exactly (or a phrase of a built-in the model leaves to Alexa);
2. a sample whose slots are filled by values (or synonyms) of their slot type;
3. a near match (word-level similarity) with a slot value found in the phrase;
4. a sample with literal words whose slot holds an unknown value
   (entity resolution ER_SUCCESS_NO_MATCH, as Alexa sends it), unless that
   "unknown" value contains a known one: then a looser near match (3) wins;
5. otherwise AMAZON.FallbackIntent.

Steps 3 and the looser one mark the match `approximate`: the console says so, so a
phrasing the model does not cover cannot hide behind the console's kindness.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

FALLBACK = "AMAZON.FallbackIntent"
FUZZY_THRESHOLD = 0.8
"""Word-level similarity a near match needs (0..1); below it the phrase falls back."""
LOOSE_THRESHOLD = 0.5
"""Similarity enough when the phrase names a known slot value in an unknown carrier phrase."""

BUILT_IN_PHRASES: dict[str, tuple[str, ...]] = {
    "AMAZON.NavigateHomeIntent": ("go home", "home"),
    "AMAZON.LoopOnIntent": ("loop on", "loop this", "turn on loop"),
    "AMAZON.LoopOffIntent": ("loop off", "stop looping", "turn off loop"),
    "AMAZON.ShuffleOnIntent": ("shuffle", "shuffle on", "turn on shuffle"),
    "AMAZON.ShuffleOffIntent": ("shuffle off", "stop shuffling", "turn off shuffle"),
}
"""Built-ins the model gives no samples (Alexa trains these itself). Every other phrase
must be in the model: sentences.yaml extends Yes, Next, Pause ... with this domain's
words, so the console hears no more than a device would."""


def normalize(text: str) -> str:
    """Lower case, no punctuation or apostrophes, abbreviations joined ("d. v. t." -> "dvt").

    Apostrophes go so that "lets" and "let's" both match; a leading "alexa" goes too.
    """
    text = text.lower().replace("’", "'").replace("-", " ")
    text = re.sub(r"[^a-z0-9 ]+", lambda m: "" if "'" in m.group(0) else " ", text)
    words = text.split()
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1 and word not in "ai":
            run.append(word)
            continue
        if len(run) >= 2:
            joined.append("".join(run))
        else:
            joined.extend(run)
        run = []
        if word:
            joined.append(word)
    if joined[:1] == ["alexa"]:
        joined = joined[1:]
    return " ".join(joined)


@dataclass(frozen=True)
class SlotFill:
    """One slot as the user filled it; `value_id` is None when entity resolution failed."""

    name: str
    type: str
    spoken: str
    """The words heard in the slot, as Alexa puts them in `slot.value`."""
    value_id: str | None = None
    value_name: str | None = None

    @property
    def resolved(self) -> bool:
        """True for ER_SUCCESS_MATCH."""
        return self.value_id is not None


@dataclass(frozen=True)
class IntentMatch:
    """The matcher's answer: what Alexa would send the skill for a phrase."""

    intent: str
    slots: Mapping[str, SlotFill] = field(default_factory=dict)
    """Filled slots by name; empty slots of the intent are absent."""
    slot_types: Mapping[str, str] = field(default_factory=dict)
    """Every slot the intent declares (name -> type), filled or not."""
    sample: str | None = None
    """The sample utterance that matched (None for built-ins and fallback)."""
    approximate: bool = False
    """Accepted only by similarity, not by a sample: Alexa may not understand it."""


@dataclass(frozen=True)
class _Template:
    intent: str
    sample: str
    words: tuple[str, ...]
    """Normalized words; slots stay as "{name}"."""
    pattern: re.Pattern[str]
    slots: tuple[str, ...]

    @property
    def literal_count(self) -> int:
        return sum(not w.startswith("{") for w in self.words)


_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen", "twenty")
NUMBER = "AMAZON.NUMBER"


def spoken_numbers() -> dict[str, tuple[str, str]]:
    """AMAZON.NUMBER as Alexa fills it: spoken words or digits -> the digits ("5")."""
    words = {w: i + 1 for i, w in enumerate(_UNITS)}
    for tens, n in (("thirty", 30), ("forty", 40), ("fifty", 50), ("sixty", 60)):
        words[tens] = n
        words.update({f"{tens} {u}": n + i + 1 for i, u in enumerate(_UNITS[:9])})
    words.update({f"twenty {u}": 20 + i + 1 for i, u in enumerate(_UNITS[:9])})
    found = {w: (str(n), str(n)) for w, n in words.items()}
    found.update({str(n): (str(n), str(n)) for n in range(1, 121)})
    return found


class Matcher:
    """Built from an ASK interaction model; `match(phrase)` returns an `IntentMatch`."""

    def __init__(self, model: Mapping[str, Any]) -> None:
        lm = model["interactionModel"]["languageModel"]
        self.invocation_name: str = lm["invocationName"]
        self._slot_types: dict[str, dict[str, str]] = {}
        self._values: dict[str, dict[str, tuple[str, str]]] = {}
        for t in lm.get("types", []):
            index: dict[str, tuple[str, str]] = {}
            for v in t["values"]:
                name = v["name"]["value"]
                for spoken in (name, *v["name"].get("synonyms", [])):
                    index.setdefault(normalize(spoken), (v.get("id") or name, name))
            self._values[t["name"]] = index
        self._values[NUMBER] = spoken_numbers()
        self._templates: list[_Template] = []
        self._exact: dict[str, tuple[str, str | None]] = {}
        """Normalized phrase -> (intent, sample); built-in phrases have no sample."""
        for intent in lm["intents"]:
            types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            self._slot_types[intent["name"]] = types
            for sample in intent.get("samples", []):
                self._add(intent["name"], sample)
        for name, phrases in BUILT_IN_PHRASES.items():
            for phrase in phrases:
                self._exact.setdefault(normalize(phrase), (name, None))

    @classmethod
    def from_file(cls, path: Path) -> Matcher:
        """Read an ASK model JSON file such as interaction_model/en-US.json."""
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _add(self, intent: str, sample: str) -> None:
        pieces = re.split(r"(\{[^}]+\})", sample)
        words = tuple(w for p in pieces
                      for w in ([p] if p.startswith("{") else normalize(p).split()))
        slots = tuple(w[1:-1] for w in words if w.startswith("{"))
        if not set(slots) <= set(self._slot_types[intent]):  # Alexa rejects such a model
            return
        if not slots:
            self._exact.setdefault(" ".join(words), (intent, sample))
            return
        parts = [f"(?P<{w[1:-1]}>.+?)" if w.startswith("{") else re.escape(w) for w in words]
        try:
            pattern = re.compile(" ".join(parts))
        except re.error:  # a slot name that is no identifier, or used twice: Alexa rejects it
            return
        self._templates.append(_Template(intent, sample, words, pattern, slots))

    def _fill(self, intent: str, slot: str, spoken: str) -> SlotFill:
        slot_type = self._slot_types[intent][slot]
        hit = self._values.get(slot_type, {}).get(spoken)
        if hit is None:
            return SlotFill(slot, slot_type, spoken)
        if slot_type == NUMBER:  # Alexa sends the digits as the value
            return SlotFill(slot, slot_type, hit[0], hit[0], hit[1])
        return SlotFill(slot, slot_type, spoken, hit[0], hit[1])

    def _result(self, intent: str, slots: Mapping[str, SlotFill] | None = None,
                sample: str | None = None) -> IntentMatch:
        return IntentMatch(intent, dict(slots or {}), dict(self._slot_types.get(intent, {})),
                           sample)

    def match(self, phrase: str) -> IntentMatch:
        """What Alexa would most likely send for `phrase` (never raises)."""
        text = normalize(phrase)
        if not text:
            return self._result(FALLBACK)
        if text in self._exact:
            intent, sample = self._exact[text]
            return self._result(intent, sample=sample)
        resolved, unresolved = self._by_pattern(text)
        if resolved is not None:
            return resolved
        found: dict[str, str | None] = {}  # slot type -> value said in the phrase
        near = self._near(text, FUZZY_THRESHOLD, True, found)
        if near is not None:
            return replace(near, approximate=True)
        if unresolved is not None and not any(
                self._value_in(f.spoken, t) for f in unresolved.slots.values()
                for t in self._values):
            return unresolved
        # A known value said in an unknown carrier phrase: trust the value, like Alexa.
        loose = self._near(text, LOOSE_THRESHOLD, False, found)
        if loose is not None:
            return replace(loose, approximate=True)
        return unresolved or self._result(FALLBACK)

    def _by_pattern(self, text: str) -> tuple[IntentMatch | None, IntentMatch | None]:
        """Best sample whose slots all resolve, and best one with literal words that doesn't."""
        best: tuple[tuple[int, int], IntentMatch] | None = None
        best_unresolved: tuple[tuple[int, int], IntentMatch] | None = None
        for t in self._templates:
            m = t.pattern.fullmatch(text)
            if m is None:
                continue
            fills = {s: self._fill(t.intent, s, m.group(s)) for s in t.slots}
            found = self._result(t.intent, fills, t.sample)
            ok = sum(f.resolved for f in fills.values())
            rank = (ok, t.literal_count)
            if ok == len(fills):
                if best is None or rank > best[0]:
                    best = (rank, found)
            elif t.literal_count and (best_unresolved is None or rank > best_unresolved[0]):
                best_unresolved = (rank, found)
        return (best[1] if best else None), (best_unresolved[1] if best_unresolved else None)

    def _near(self, text: str, threshold: float, with_literals: bool,
              found: dict[str, str | None]) -> IntentMatch | None:
        """A sample close to the phrase, slots filled with values spoken inside it.

        `with_literals` also compares samples without slots (and built-in phrases);
        `found` remembers, per slot type, the value said in `text` (thousands of samples
        share a few slot types).
        """
        heard = text.split()
        best: tuple[float, IntentMatch] | None = None
        for said, (intent, sample) in self._exact.items() if with_literals else ():
            score = _similarity(heard, said.split())
            if score >= threshold and (best is None or score > best[0]):
                best = (score, self._result(intent, sample=sample))
        for t in self._templates:
            fills = {}
            words = list(t.words)
            for slot in t.slots:
                slot_type = self._slot_types[t.intent][slot]
                if slot_type not in found:
                    found[slot_type] = self._value_in(text, slot_type)
                spoken = found[slot_type]
                if spoken is None:
                    break
                fills[slot] = self._fill(t.intent, slot, spoken)
                words[words.index("{" + slot + "}")] = spoken
            else:
                score = _similarity(heard, " ".join(words).split())
                if score >= threshold and (best is None or score > best[0]):
                    best = (score, self._result(t.intent, fills, t.sample))
        return best[1] if best else None

    def _value_in(self, text: str, slot_type: str) -> str | None:
        """The longest value or synonym of `slot_type` said as whole words in `text`."""
        padded = f" {text} "
        found = [v for v in self._values.get(slot_type, {}) if f" {v} " in padded]
        return max(found, key=len) if found else None


def _similarity(a: list[str], b: list[str]) -> float:
    """Word-level similarity in 0..1 (1 = same words in the same order)."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()
