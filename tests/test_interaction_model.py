"""The ASK interaction model: generated from content, committed, and valid for Alexa."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from skill.content import load_content
from skill.content.model import Content, Routine
from skill.core.record import replace
from skill.interaction.generate import (
    LOCALES,
    MODEL_DIR,
    build_model,
    main,
    model_text,
    write_models,
)
from skill.interaction.intents import (
    BRITISH_SPELLINGS,
    BUILT_IN_INTENTS,
    CUSTOM_INTENTS,
    SLOT_ONLY_ALLOWED,
)

CUSTOM_NAMES = ["StartRoutineIntent", "ListRoutinesIntent", "ExplainIntent", "EquipmentIntent",
                "SafetyIntent", "PainIntent", "PreferenceIntent", "ProgressIntent",
                "ForgetMeIntent", "StepByStepIntent", "ConditionIntent", "AboutRoutineIntent",
                "SuggestIntent", "ShortOnTimeIntent", "TimeLeftIntent", "WhatNextIntent",
                "WhereAmIIntent", "SwitchSidesIntent", "HaveEquipmentIntent",
                "NoEquipmentIntent"]
SLOTS = {"StartRoutineIntent": {"routine": "ROUTINE"}, "ExplainIntent": {"topic": "TOPIC"},
         "PainIntent": {"quality": "PAIN_QUALITY", "area": "AREA"},
         "PreferenceIntent": {"setting": "PREFERENCE"},
         "ConditionIntent": {"condition": "CONDITION"},
         "AboutRoutineIntent": {"routine": "ROUTINE"},
         "SuggestIntent": {"area": "AREA"}, "ShortOnTimeIntent": {"minutes": "AMAZON.NUMBER"},
         "HaveEquipmentIntent": {"equipment": "EQUIPMENT"},
         "NoEquipmentIntent": {"equipment": "EQUIPMENT"}}
WORD = r"(?:[a-z]+(?:'[a-z]+)?|[a-z]\.|\{[A-Za-z]+\})"
SAMPLE = re.compile(rf"{WORD}(?: {WORD})*")
SLOT = re.compile(r"\{([^}]*)\}")
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
    for name in BUILT_IN_INTENTS:
        assert by_name[name] == {"name": name, "samples": []}
    assert {"AMAZON.PauseIntent", "AMAZON.ResumeIntent", "AMAZON.FallbackIntent",
            "AMAZON.NavigateHomeIntent"} <= set(by_name)


def test_sample_counts() -> None:
    by_name = intents()
    assert len(by_name["StartRoutineIntent"]["samples"]) >= 15
    for name in CUSTOM_NAMES:
        assert len(by_name[name]["samples"]) >= 6, name
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
                assert name in SLOT_ONLY_ALLOWED, f"{name}: {sample!r} is only a slot"
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
    for value in values["ROUTINE"]:
        routine = content.routines[value["id"]]
        assert value["name"]["value"] == routine.name
        assert set(value["name"]["synonyms"]) <= set(routine.synonyms)
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


def test_en_gb_differs_only_by_british_spelling() -> None:
    us, gb = intents("en-US"), intents("en-GB")
    assert list(us) == list(gb)
    changed = 0
    for name in us:
        for a, b in zip(us[name]["samples"], gb[name]["samples"], strict=True):
            if a != b:
                changed += 1
                words = [BRITISH_SPELLINGS.get(w, w) for w in a.split()]
                assert " ".join(words) == b
    assert changed >= 1
    assert "use dialogue mode" in gb["StepByStepIntent"]["samples"]


def test_spec_module_and_model_agree() -> None:
    assert [i.name for i in CUSTOM_INTENTS] == CUSTOM_NAMES


def test_write_and_check_round_trip(tmp_path: Path) -> None:
    assert main(["--check", str(tmp_path)]) == 1
    paths = write_models(tmp_path)
    assert sorted(p.name for p in paths) == ["en-GB.json", "en-US.json"]
    assert main(["--check", str(tmp_path)]) == 0
    (tmp_path / "en-GB.json").write_text("{}", encoding="utf-8")
    assert main(["--check", str(tmp_path)]) == 1
