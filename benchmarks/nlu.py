"""Score how an Amazon-like NLU understands benchmarks/nlu_phrases.yaml, per locale model.

    .venv/bin/python -m benchmarks.nlu                      # every interaction_model/*.json
    .venv/bin/python -m benchmarks.nlu --locale en-US --misses
    .venv/bin/python -m benchmarks.nlu --json /tmp/nlu.json

The phrases were written without reading the model, and are matched by virtual-alexa's
matcher (benchmarks/alexa_nlu.py), not by our own grammar: a phrase counts only if an
independent reader of the ASK model format hears it the way we mean it. The skill does
not run. Answers (bare replies to the skill's own questions) are matched without any
dialog context, the way a one-shot NLU hears them.

A phrase is "intent" correct when the heard intent is the expected one, and "full" correct
when, in addition, every expected slot is heard with the expected content id after
``meaning`` (heard slots the phrase does not mention are ignored). A built-in slot such as
AMAZON.NUMBER has no id; its heard words stand in for one. Per-intent figures pool phrases
and answers by expected intent. Exit status 1 when a locale misses a target.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from benchmarks.alexa_nlu import ROOT, Heard, match
from benchmarks.nlu_context import in_context
from skill.console.matcher import spoken_numbers

PHRASES = ROOT / "benchmarks" / "nlu_phrases.yaml"
MODELS = ROOT / "interaction_model"
OVERALL_TARGET = 0.90  # full accuracy over phrases and answers together
PER_INTENT_TARGET = 0.75  # intent accuracy of each expected intent ...
PER_INTENT_MIN_COUNT = 5  # ... that has at least this many phrases


@dataclass(frozen=True)
class Item:
    """One line of the YAML: what is said, what it should mean, and (answers) to what."""

    say: str
    intent: str
    slots: dict[str, str]
    to: str | None = None


@dataclass
class Tally:
    count: int = 0
    intent: int = 0
    full: int = 0

    def add(self, intent_ok: bool, full_ok: bool) -> None:
        self.count += 1
        self.intent += intent_ok
        self.full += full_ok

    def figures(self) -> dict[str, float | int]:
        return {"count": self.count, "intent": _ratio(self.intent, self.count),
                "full": _ratio(self.full, self.count)}


@dataclass
class Report:
    locale: str
    seconds: float
    phrases: Tally = field(default_factory=Tally)
    answers: Tally = field(default_factory=Tally)
    overall: Tally = field(default_factory=Tally)
    intents: dict[str, Tally] = field(default_factory=dict)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def worst_intents(self) -> list[tuple[str, Tally]]:
        return sorted(self.intents.items(), key=lambda kv: (
            _ratio(kv[1].intent, kv[1].count), _ratio(kv[1].full, kv[1].count), kv[0]))

    def failing(self) -> list[str]:
        """The targets this locale misses, in words (empty when it meets them all)."""
        out = []
        if _ratio(self.overall.full, self.overall.count) < OVERALL_TARGET:
            out.append(f"overall full accuracy below {OVERALL_TARGET:.0%}")
        out += [f"{name} intent accuracy below {PER_INTENT_TARGET:.0%}"
                for name, t in self.worst_intents()
                if t.count >= PER_INTENT_MIN_COUNT
                and _ratio(t.intent, t.count) < PER_INTENT_TARGET]
        return out


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


@functools.cache
def _routine_of() -> tuple[dict[str, str], dict[str, str]]:
    """Area id -> routine id and muscle id -> routine id, as the skill maps them
    (Knowledge.area_for_muscle), read once."""
    from skill.content import load_content

    k = load_content().knowledge
    by_area = {a.id: a.routine for a in k.areas if a.routine}
    by_muscle = {m.id: a.routine for m in k.muscles
                 if (a := k.area_for_muscle(m.id)) is not None and a.routine}
    return by_area, by_muscle


_NUMBERS = {word: digits for word, (digits, _) in spoken_numbers().items()}
"""Number words as Alexa fills AMAZON.NUMBER (digits), the console's own table."""


@functools.cache
def _area_of() -> dict[str, str]:
    """Muscle id -> area id, the way skill.content's Knowledge.area_for_muscle maps it."""
    from skill.content import load_content

    k = load_content().knowledge
    return {m.id: a.id for m in k.muscles if (a := k.area_for_muscle(m.id)) is not None}


def meaning(intent: str | None, slots: Mapping[str, str]) -> dict[str, str]:
    """Heard slot ids rewritten to what the skill would act on (the project extends this).

    StartRoutineIntent: the skill starts an area's routine for an area or a muscle, so
    a heard ``area`` or ``muscle`` (and no ``routine``) counts as that routine.
    """
    out = dict(slots)
    if "minutes" in out:  # Alexa hands AMAZON.NUMBER over as digits; virtual-alexa as words
        out["minutes"] = _NUMBERS.get(out["minutes"], out["minutes"])
    if intent in ("SuggestIntent", "PainIntent") and "muscle" in out:
        area = _area_of().get(out.pop("muscle"))
        if area and "area" not in out:
            out["area"] = area
    if intent == "StartRoutineIntent":
        by_area, by_muscle = _routine_of()
        area, muscle = out.pop("area", None), out.pop("muscle", None)
        routine = by_area.get(area or "") or by_muscle.get(muscle or "")
        if "routine" not in out and routine:
            out["routine"] = routine
        elif "routine" not in out:  # nothing to convert to: leave what was heard
            out.update({k: v for k, v in (("area", area), ("muscle", muscle)) if v})
    return out


def heard_ids(heard: Heard) -> dict[str, str]:
    """Slot name -> content id; words stand in for the id of a built-in slot type."""
    return {name: slot.id if slot.id is not None else slot.value
            for name, slot in heard.slots.items()}


def acted(item: Item, heard: Heard) -> tuple[str | None, dict[str, str]]:
    """What the skill acts on: an answer read by its question, then slots as meant."""
    intent, slots = in_context(heard.intent, heard_ids(heard), item.to)
    return intent, meaning(intent, slots)


def full_ok(item: Item, heard: Heard) -> bool:
    intent, got = acted(item, heard)
    return intent == item.intent and all(got.get(k) == v for k, v in item.slots.items())


def load_items(path: Path = PHRASES) -> tuple[list[Item], list[Item]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))

    def items(key: str) -> list[Item]:
        return [Item(say=str(row["say"]), intent=str(row["intent"]),
                     slots={str(k): str(v) for k, v in (row.get("slots") or {}).items()},
                     to=None if row.get("to") is None else str(row["to"]))
                for row in data.get(key) or []]

    return items("phrases"), items("answers")


def half(items: Sequence[Item], which: str) -> list[Item]:
    """A stable half of the phrases (by a hash of the words), so the grammar can be
    improved from one half's misses while the other half stays unseen."""
    want = 0 if which == "dev" else 1
    return [i for i in items if zlib.crc32(i.say.encode()) % 2 == want]


def score(locale: str, phrases: Sequence[Item], answers: Sequence[Item]) -> Report:
    start = time.perf_counter()
    everything = [*phrases, *answers]
    heard = match(MODELS / f"{locale}.json", [item.say for item in everything])
    report = Report(locale=locale, seconds=0.0)
    for n, (item, got) in enumerate(zip(everything, heard, strict=True)):
        intent_ok, whole_ok = acted(item, got)[0] == item.intent, full_ok(item, got)
        (report.phrases if n < len(phrases) else report.answers).add(intent_ok, whole_ok)
        report.overall.add(intent_ok, whole_ok)
        report.intents.setdefault(item.intent, Tally()).add(intent_ok, whole_ok)
        if not whole_ok:
            report.misses.append({
                "say": item.say, "to": item.to,
                "expected": {"intent": item.intent, "slots": item.slots},
                "heard": {"intent": got.intent, "slots": meaning(got.intent, heard_ids(got)),
                          **({"error": got.error} if got.error else {})}})
    report.seconds = time.perf_counter() - start
    return report


def _line(label: str, t: Tally) -> str:
    return (f"  {label:<34} {t.count:>5}  intent {_ratio(t.intent, t.count):6.1%}"
            f"  full {_ratio(t.full, t.count):6.1%}")


def show(report: Report, misses: bool) -> None:
    print(f"{report.locale}  ({report.seconds:.2f} s)")
    print(_line("phrases", report.phrases))
    print(_line("answers", report.answers))
    print(_line(f"overall (target full {OVERALL_TARGET:.0%})", report.overall))
    print(f"  per intent, worst first (target intent {PER_INTENT_TARGET:.0%}"
          f" with >= {PER_INTENT_MIN_COUNT} phrases):")
    for name, t in report.worst_intents():
        print("  " + _line(name, t))
    if misses:
        print(f"  misses ({len(report.misses)}):")
        for miss in report.misses:
            to = f"  [to: {miss['to']}]" if miss["to"] else ""
            print(f"    {miss['say']!r}{to}\n      expected {json.dumps(miss['expected'])}"
                  f"\n      heard    {json.dumps(miss['heard'])}")
    failing = report.failing()
    overall = [f for f in failing if f.startswith("overall")]
    if len(failing) > len(overall):
        overall.append(f"{len(failing) - len(overall)} intent(s) below {PER_INTENT_TARGET:.0%}"
                       " intent accuracy")
    print("  " + ("MISSES TARGET: " + "; ".join(overall) if failing else "meets targets"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.nlu", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--locale", action="append",
                        help="locale model to score (repeatable; default: every model)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write the figures here")
    parser.add_argument("--misses", action="store_true", help="list every phrase not understood")
    parser.add_argument("--set", type=Path, default=PHRASES, metavar="YAML",
                        help="phrase set to score (default: benchmarks/nlu_phrases.yaml; "
                             "benchmarks/nlu_phrases_2.yaml is the second blind set)")
    parser.add_argument("--half", choices=("all", "dev", "held-out"), default="all",
                        help="score one half of the phrase set: misses in 'dev' may guide "
                             "the grammar (by class, never copied); 'held-out' is never read")
    args = parser.parse_args(argv)
    locales: list[str] = args.locale or sorted(p.stem for p in MODELS.glob("*.json"))
    missing = [loc for loc in locales if not (MODELS / f"{loc}.json").is_file()]
    if missing:
        parser.error(f"no interaction model for {', '.join(missing)} in {MODELS}")
    phrases, answers = load_items(args.set)
    if args.half != "all":
        phrases, answers = (half(phrases, args.half), half(answers, args.half))
    reports = [score(locale, phrases, answers) for locale in locales]
    for report in reports:
        show(report, args.misses)
    if args.json:
        args.json.write_text(json.dumps({
            "targets": {"overall_full": OVERALL_TARGET, "per_intent_intent": PER_INTENT_TARGET,
                        "per_intent_min_count": PER_INTENT_MIN_COUNT},
            "locales": {r.locale: {
                "seconds": round(r.seconds, 3), "phrases": r.phrases.figures(),
                "answers": r.answers.figures(), "overall": r.overall.figures(),
                "intents": {name: t.figures() for name, t in r.worst_intents()},
                "failing": r.failing(), "misses": r.misses} for r in reports},
        }, indent=2) + "\n", encoding="utf-8")
    return 1 if any(r.failing() for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
