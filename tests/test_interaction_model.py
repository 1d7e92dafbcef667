"""The ASK interaction model: generated from content, committed, and valid for Alexa."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from skill.content import load_content
from skill.content.model import Content, Routine
from skill.core.limits import MAX_MODEL_CHARS
from skill.core.record import replace
from skill.interaction.ambiguity import clashes
from skill.interaction.generate import (
    LOCALES,
    MODEL_DIR,
    build_model,
    check_limits,
    main,
    model_text,
    write_models,
)
from skill.interaction.intents import BUILT_IN_INTENTS, CUSTOM_INTENTS, SPELLINGS

CUSTOM_NAMES = ["StartRoutineIntent", "ListRoutinesIntent", "ExplainIntent", "EquipmentIntent",
                "SafetyIntent", "PainIntent", "PreferenceIntent", "ProgressIntent",
                "ForgetMeIntent", "StepByStepIntent", "ConditionIntent", "AboutRoutineIntent",
                "SuggestIntent", "UnsureIntent", "ShortOnTimeIntent", "TimeLeftIntent",
                "WhatNextIntent",
                "WhereAmIIntent", "SwitchSidesIntent", "HaveEquipmentIntent",
                "NoEquipmentIntent"]
SLOTS = {"StartRoutineIntent": {"routine": "ROUTINE", "area": "AREA", "muscle": "TOPIC"},
         "ExplainIntent": {"topic": "TOPIC"},
         "PainIntent": {"quality": "PAIN_QUALITY", "area": "AREA", "muscle": "TOPIC"},
         "PreferenceIntent": {"setting": "PREFERENCE"},
         "ConditionIntent": {"condition": "CONDITION"},
         "AboutRoutineIntent": {"routine": "ROUTINE"},
         "SuggestIntent": {"area": "AREA", "muscle": "TOPIC"},
         "ShortOnTimeIntent": {"minutes": "AMAZON.NUMBER"},
         "HaveEquipmentIntent": {"equipment": "EQUIPMENT"},
         "NoEquipmentIntent": {"equipment": "EQUIPMENT"}}
WORD = r"(?:[a-z]+(?:'[a-z]+)?|[a-z]\.|\{[A-Za-z]+\})"
SAMPLE = re.compile(rf"{WORD}(?: {WORD})*")
SLOT = re.compile(r"\{([^}]*)\}")
BARE_SLOT_ANSWERS = {"StartRoutineIntent": "routine", "ExplainIntent": "topic",
                     "SuggestIntent": "area", "PreferenceIntent": "setting"}
"""Slots said on their own: answers to "Which would you like?", "Which would you like me
to explain?", "Where do you feel it?", and a preference said as a command."""
EXTENDED_BUILT_INS = {
    "AMAZON.YesIntent": ["ready", "i'm ready", "i'm in position", "let's go"],
    "AMAZON.NextIntent": ["go on", "move on", "next step", "go to the next step"],
    "AMAZON.RepeatIntent": ["say that again", "one more time"],
    "AMAZON.PreviousIntent": ["go back a step"],
    "AMAZON.StartOverIntent": ["from the beginning", "start from the beginning"],
    "AMAZON.PauseIntent": ["hold on", "wait"],
    "AMAZON.ResumeIntent": ["carry on", "keep going"],
    "AMAZON.StopIntent": ["i'm done", "that's all for today"],
    "AMAZON.HelpIntent": ["what can you do"],
}
"""The domain words issue 11 asks the built-ins to hear (Amazon allows extending them)."""
SPOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?(?: [a-z]+(?:'[a-z]+)?)*")


def language_model(locale: str = "en-US") -> dict[str, Any]:
    lm: dict[str, Any] = build_model(load_content(), locale)["interactionModel"]["languageModel"]
    return lm


def intents(locale: str = "en-US") -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in language_model(locale)["intents"]}


def types(locale: str = "en-US") -> dict[str, list[dict[str, Any]]]:
    return {t["name"]: t["values"] for t in language_model(locale)["types"]}


@pytest.mark.parametrize("locale", LOCALES)
def test_committed_model_is_what_the_content_generates(locale: str) -> None:
    committed = (MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8")
    assert committed == model_text(build_model(load_content(), locale)), (
        "interaction_model is stale: run .venv/bin/python -m skill.interaction.generate")
    assert json.loads(committed)["interactionModel"]["languageModel"]["invocationName"]


def test_intent_names_and_slots_are_the_contract() -> None:
    by_name = intents()
    assert list(by_name) == CUSTOM_NAMES + list(BUILT_IN_INTENTS)
    for name in CUSTOM_NAMES:
        declared = {s["name"]: s["type"] for s in by_name[name].get("slots", [])}
        assert declared == SLOTS.get(name, {}), name
    for name, phrases in EXTENDED_BUILT_INS.items():
        assert set(phrases) <= set(by_name[name]["samples"]), name
    for name in ("AMAZON.FallbackIntent", "AMAZON.NavigateHomeIntent"):
        assert by_name[name] == {"name": name, "samples": []}
    assert {"AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.FallbackIntent",
            "AMAZON.NavigateHomeIntent"} <= set(by_name)


def test_sample_counts() -> None:
    """Hundreds where people vary most (starting, pain), tens elsewhere."""
    by_name = intents()
    assert len(by_name["StartRoutineIntent"]["samples"]) >= 500
    assert len(by_name["PainIntent"]["samples"]) >= 200
    for name in CUSTOM_NAMES:
        assert len(by_name[name]["samples"]) >= 10, name
    preferences = sum(1 + len(v["name"]["synonyms"]) for v in types()["PREFERENCE"])
    assert preferences >= 150
    start = by_name["StartRoutineIntent"]["samples"]
    assert any("{" not in s for s in start), "needs samples without the slot ('let's start')"


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_is_duplicated_across_or_within_intents(locale: str) -> None:
    owner: dict[str, str] = {}
    for name, intent in intents(locale).items():
        for sample in intent["samples"]:
            assert sample not in owner, f"{sample!r} in {owner.get(sample)} and {name}"
            owner[sample] = name


@pytest.mark.parametrize("locale", LOCALES)
def test_samples_follow_alexa_rules(locale: str) -> None:
    for name, intent in intents(locale).items():
        slots = {s["name"] for s in intent.get("slots", [])}
        used: set[str] = set()
        for sample in intent["samples"]:
            assert SAMPLE.fullmatch(sample), f"{name}: {sample!r} is not a valid sample"
            names = SLOT.findall(sample)
            assert set(names) <= slots, f"{name}: {sample!r} uses an undeclared slot"
            assert len(names) == len(set(names)), f"{name}: {sample!r} repeats a slot"
            used.update(names)
            if SLOT.sub("", sample).strip() == "":
                assert BARE_SLOT_ANSWERS.get(name) == names[0], f"{name}: {sample!r} is bare"
        assert used == slots, f"{name}: declared slots never used in a sample"


def test_invocation_name_rules() -> None:
    invocation = language_model()["invocationName"]
    assert re.fullmatch(r"[a-z]+(?: [a-z]+)+", invocation)
    launch_words = {"alexa", "amazon", "echo", "skill", "app", "open", "ask", "tell", "launch",
                    "start", "begin", "load", "run", "resume", "use", "play"}
    assert not set(invocation.split()) & launch_words


def test_every_slot_type_is_declared_and_every_value_is_valid_and_unambiguous() -> None:
    declared = types()
    for intent in intents().values():
        for slot in intent.get("slots", []):
            assert slot["type"] in declared or slot["type"].startswith("AMAZON.")
    for type_name, values in declared.items():
        owner: dict[str, str] = {}
        ids = [v["id"] for v in values]
        assert len(ids) == len(set(ids)), type_name
        for value in values:
            spoken = [value["name"]["value"], *value["name"]["synonyms"]]
            for text in spoken:
                assert SPOKEN.fullmatch(text), f"{type_name}/{value['id']}: {text!r}"
                assert text not in owner, f"{type_name}: {text!r} in {owner.get(text)} and " \
                                          f"{value['id']}"
                owner[text] = value["id"]


def test_content_and_slot_values_match_both_ways() -> None:
    content = load_content()
    values = types()
    routine_ids = {v["id"] for v in values["ROUTINE"]}
    topic_ids = {v["id"] for v in values["TOPIC"]}
    muscles = {m.id for m in content.knowledge.muscles}
    topics = {t.id for t in content.knowledge.topics}
    assert routine_ids == {r.id for r in content.menu}  # variants are never named
    assert topic_ids == muscles | topics
    for value in values["ROUTINE"]:  # a routine keeps its name; a synonym that is a muscle
        routine = content.routines[value["id"]]  # or an area ("glutes") goes to that type
        assert value["name"]["value"] == routine.name
        assert set(value["name"]["synonyms"]) <= set(routine.synonyms)
        assert len(value["name"]["synonyms"]) >= 3, routine.id
    assert {v["id"] for v in values["PAIN_QUALITY"]} == {"sharp", "nerve", "ache"}
    assert {v["id"] for v in values["AREA"]} == {a.id for a in content.knowledge.areas}
    assert {v["id"] for v in values["CONDITION"]} == {c.id for c in content.knowledge.conditions}
    assert {v["id"] for v in values["PREFERENCE"]} == {
        "longer-holds", "shorter-holds", "slower-breathing", "faster-breathing",
        "less-talking", "more-detail", "start-left", "start-right"}


def test_a_new_routine_in_content_becomes_a_slot_value() -> None:
    content = load_content()
    extra = Routine(id="tap-dance", name="Tap Dance", synonyms=("tap-dancing",), kind="self",
                    summary="x", techniques=next(iter(content.routines.values())).techniques)
    changed: Content = replace(content, routines={**content.routines, extra.id: extra})
    values = {t["name"]: t["values"]
              for t in build_model(changed)["interactionModel"]["languageModel"]["types"]}
    assert {"id": "tap-dance", "name": {"value": "tap dance", "synonyms": ["tap dancing"]}} \
        in values["ROUTINE"]


@pytest.mark.parametrize(("locale", "table"), [("en-GB", "british"), ("en-AU", "british"),
                                               ("en-IN", "british"), ("en-CA", "canadian")])
def test_other_locales_differ_from_en_us_only_by_spelling(locale: str, table: str) -> None:
    us, other = intents("en-US"), intents(locale)
    assert list(us) == list(other)
    spell = SPELLINGS[table]
    for name in us:
        respelled = dict.fromkeys(" ".join(spell.get(w, w) for w in a.split())
                                  for a in us[name]["samples"])
        assert list(respelled) == other[name]["samples"], name
    assert "use dialogue mode" in other["StepByStepIntent"]["samples"]
    assert "use dialog mode" not in other["StepByStepIntent"]["samples"]


def _area_words(locale: str) -> set[str]:
    glutes = next(v for v in types(locale)["AREA"] if v["id"] == "glutes")
    return {glutes["name"]["value"], *glutes["name"]["synonyms"]}


@pytest.mark.parametrize(("locale", "says", "not_says"), [
    ("en-US", {"butt"}, {"bum"}), ("en-CA", {"butt"}, {"bum"}),
    ("en-GB", {"bum", "bottom"}, {"butt"}), ("en-AU", {"bum", "bottom"}, {"butt"}),
    ("en-IN", {"bum", "bottom"}, set()),
])
def test_body_words_follow_the_region(locale: str, says: set[str], not_says: set[str]) -> None:
    words = _area_words(locale)
    assert says <= words and not (not_says & words)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_phrase_belongs_to_two_intents(locale: str) -> None:
    """Every sample expanded with every slot value: one phrase, one intent."""
    model = json.loads((MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    found = clashes(model)
    assert not found, "\n".join(f"{c.phrase!r}: {c.intents} ({c.why})" for c in found[:20])


def test_the_clash_check_finds_a_clash() -> None:
    model = {"interactionModel": {"languageModel": {"intents": [
        {"name": "A", "slots": [{"name": "x", "type": "T"}], "samples": ["tell me about {x}"]},
        {"name": "B", "samples": ["tell me about glutes", "hips"]},
        {"name": "C", "slots": [{"name": "y", "type": "U"}], "samples": ["{y}"]}],
        "types": [{"name": "T", "values": [{"id": "g", "name": {"value": "glutes",
                                                              "synonyms": []}}]},
                  {"name": "U", "values": [{"id": "h", "name": {"value": "h",
                                                              "synonyms": ["hips"]}}]}]}}}
    assert {(c.phrase, c.intents) for c in clashes(model)} == {
        ("tell me about glutes", ("A", "B")), ("hips", ("B", "C"))}


def test_slot_types_that_share_carrier_phrases_share_no_spoken_form() -> None:
    values = types()
    seen: dict[str, str] = {}
    for type_name in ("TOPIC", "AREA", "ROUTINE"):
        for v in values[type_name]:
            for form in (v["name"]["value"], *v["name"]["synonyms"]):
                assert form not in seen, f"{form!r} is {seen.get(form)} and {type_name}"
                seen[form] = type_name


@pytest.mark.parametrize("locale", LOCALES)
def test_model_is_within_amazons_limits_and_configured(locale: str) -> None:
    model = build_model(load_content(), locale)
    assert check_limits(model) == []
    assert len(json.dumps(model["interactionModel"])) < MAX_MODEL_CHARS * 0.6  # headroom
    lm = model["interactionModel"]["languageModel"]
    assert lm["invocationName"] == "hip coach"
    assert lm["modelConfiguration"]["fallbackIntentSensitivity"]["level"] in ("MEDIUM", "HIGH")


def test_limits_are_checked() -> None:
    model = build_model(load_content())
    model["interactionModel"]["languageModel"]["types"][0]["values"][0]["name"]["synonyms"] \
        .append("x" * 141)
    assert any("over 140" in p for p in check_limits(model))


def test_spec_module_and_model_agree() -> None:
    assert [i.name for i in CUSTOM_INTENTS] == CUSTOM_NAMES


def test_write_and_check_round_trip(tmp_path: Path) -> None:
    assert main(["--check", str(tmp_path)]) == 1
    paths = write_models(tmp_path)
    assert sorted(p.name for p in paths) == ["en-AU.json", "en-CA.json", "en-GB.json",
                                             "en-IN.json", "en-US.json"]
    assert main(["--check", str(tmp_path)]) == 0
    (tmp_path / "en-GB.json").write_text("{}", encoding="utf-8")
    assert main(["--check", str(tmp_path)]) == 1
