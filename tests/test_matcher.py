"""The console's matcher: phrases -> intents and resolved slots, from the interaction model."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.console.matcher import BUILT_IN_PHRASES, FALLBACK, IntentMatch, Matcher, normalize
from skill.content import load_content
from skill.interaction.generate import MODEL_DIR, build_model


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.from_file(MODEL_DIR / "en-US.json")


def slot_id(m: IntentMatch, name: str) -> str | None:
    return m.slots[name].value_id


def routine_of(m: IntentMatch) -> str | None:
    """The routine a StartRoutineIntent starts: named, or by the area or muscle named."""
    k = load_content().knowledge
    if "routine" in m.slots:
        return slot_id(m, "routine")
    area = next((a for a in k.areas if "area" in m.slots and a.id == slot_id(m, "area")),
                None) or (k.area_for_muscle(slot_id(m, "muscle")) if "muscle" in m.slots
                          else None)
    return area.routine if area else None


def area_of(m: IntentMatch) -> str | None:
    """The area a Pain or Suggest names, directly or through a muscle."""
    if "area" in m.slots:
        return slot_id(m, "area")
    found = load_content().knowledge.area_for_muscle(slot_id(m, "muscle"))
    return found.id if found else None


@pytest.mark.parametrize(("phrase", "routine"), [
    ("start glute release", "glute-release"),
    ("let's do the piriformis one", "piriformis-release"),
    ("Let's do the piriformis one!", "piriformis-release"),
    ("lets do the piriformis one", "piriformis-release"),
    ("begin the whole pelvis release", "whole-pelvis"),
    ("guide me through partner stretch", "partner-stretch"),
    ("start the glute release now", "glute-release"),
    ("Alexa, start quick release", "quick-release"),
])
def test_start_routine_resolves_names_and_synonyms(matcher: Matcher, phrase: str,
                                                   routine: str) -> None:
    m = matcher.match(phrase)
    assert m.intent == "StartRoutineIntent"
    assert not m.approximate
    assert routine_of(m) == routine


def test_massage_my_hip_flexors_is_a_hip_flexor_routine(matcher: Matcher) -> None:
    m = matcher.match("massage my hip flexors")
    assert m.intent == "StartRoutineIntent"
    assert routine_of(m) in {"hip-flexor-release", "hip-flexor-roller"}


def test_unknown_routine_is_no_match_with_the_words_heard(matcher: Matcher) -> None:
    m = matcher.match("start tap dancing")
    assert m.intent == "StartRoutineIntent"
    fill = m.slots["routine"]
    assert (fill.spoken, fill.resolved, fill.type) == ("tap dancing", False, "ROUTINE")


def test_start_without_a_routine_has_an_empty_slot(matcher: Matcher) -> None:
    m = matcher.match("let's start")
    assert (m.intent, dict(m.slots), dict(m.slot_types)) == (
        "StartRoutineIntent", {}, {"routine": "ROUTINE", "area": "AREA", "muscle": "TOPIC"})
    assert m.sample == "let's start"


@pytest.mark.parametrize(("phrase", "intent", "slot", "value"), [
    ("that hurts", "PainIntent", None, None),
    ("ouch", "PainIntent", None, None),
    ("it's a sharp pain", "PainIntent", "quality", "sharp"),
    ("I feel a shooting pain", "PainIntent", "quality", "sharp"),
    ("it's sore", "PainIntent", "quality", "ache"),
    ("make the holds longer", "PreferenceIntent", "setting", "longer-holds"),
    ("can you make the holds longer", "PreferenceIntent", "setting", "longer-holds"),
    ("please breathe slower", "PreferenceIntent", "setting", "slower-breathing"),
    ("start on the right", "PreferenceIntent", "setting", "start-right"),
    ("I'd like longer holds please", "PreferenceIntent", "setting", "longer-holds"),
    ("what is the piriformis", "ExplainIntent", "topic", "piriformis"),
    ("tell me about trigger points", "ExplainIntent", "topic", "trigger-point"),
    ("what are hip flexors", "ExplainIntent", "topic", "iliopsoas"),
    ("why does this help", "ExplainIntent", None, None),
    ("what do I need", "EquipmentIntent", None, None),
    ("is this safe", "SafetyIntent", None, None),
    ("I have DVT", "ConditionIntent", "condition", "dvt"),
    ("I'm pregnant.", "ConditionIntent", "condition", "pregnancy"),
    ("tell me about quick release", "AboutRoutineIntent", "routine", "quick-release"),
    ("how long is glute release", "AboutRoutineIntent", "routine", "glute-release"),
    ("my piriformis hurts", "PainIntent", "muscle", "piriformis"),
    ("it's tingling", "PainIntent", "quality", "nerve"),
    ("i only have five minutes", "ShortOnTimeIntent", "minutes", "5"),
    ("delete my data", "ForgetMeIntent", None, None),
    ("forget me", "ForgetMeIntent", None, None),
    ("how am I doing?", "ProgressIntent", None, None),
    ("what routines are there", "ListRoutinesIntent", None, None),
    ("no music just talk me through it", "StepByStepIntent", None, None),
])
def test_custom_intents(matcher: Matcher, phrase: str, intent: str, slot: str | None,
                        value: str | None) -> None:
    m = matcher.match(phrase)
    assert m.intent == intent
    assert not m.approximate, m.sample
    if slot is None:
        assert not m.slots
    else:
        assert slot_id(m, slot) == value


@pytest.mark.parametrize(("phrase", "intent"), [
    ("next", "AMAZON.NextIntent"), ("skip", "AMAZON.NextIntent"),
    ("previous", "AMAZON.PreviousIntent"), ("go back", "AMAZON.PreviousIntent"),
    ("repeat", "AMAZON.RepeatIntent"), ("say that again", "AMAZON.RepeatIntent"),
    ("pause", "AMAZON.PauseIntent"), ("resume", "AMAZON.ResumeIntent"),
    ("continue", "AMAZON.ResumeIntent"), ("start over", "AMAZON.StartOverIntent"),
    ("help", "AMAZON.HelpIntent"), ("Stop!", "AMAZON.StopIntent"),
    ("cancel", "AMAZON.CancelIntent"), ("yes", "AMAZON.YesIntent"), ("no", "AMAZON.NoIntent"),
    ("Alexa, go back", "AMAZON.PreviousIntent"), ("go home", "AMAZON.NavigateHomeIntent"),
])
def test_built_in_phrases(matcher: Matcher, phrase: str, intent: str) -> None:
    m = matcher.match(phrase)
    assert (m.intent, dict(m.slots), m.approximate) == (intent, {}, False)


@pytest.mark.parametrize("phrase", ["please start the glute release routine now",
                                    "my left glute is really hurting bad"])
def test_a_phrase_matched_only_by_similarity_says_so(matcher: Matcher, phrase: str) -> None:
    m = matcher.match(phrase)
    assert m.intent != FALLBACK and m.approximate


@pytest.mark.parametrize("phrase", ["blah blah", "", "   ", "open the pod bay doors", "hello",
                                    "!!!"])
def test_anything_else_falls_back(matcher: Matcher, phrase: str) -> None:
    assert matcher.match(phrase).intent == FALLBACK


def test_built_in_phrases_never_shadow_a_custom_sample(matcher: Matcher) -> None:
    lm = build_model(load_content())["interactionModel"]["languageModel"]
    samples = {normalize(s) for i in lm["intents"] for s in i["samples"]}
    phrases = {normalize(p) for ps in BUILT_IN_PHRASES.values() for p in ps}
    assert not samples & phrases


def test_every_sample_matches_its_own_intent(matcher: Matcher) -> None:
    """Each sample, slots filled with each value's name, comes back as its intent."""
    lm = build_model(load_content())["interactionModel"]["languageModel"]
    first = {t["name"]: t["values"][0] for t in lm["types"]}
    for intent in lm["intents"]:
        types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent["samples"][::7]:  # thousands: every seventh keeps this quick
            phrase = sample
            for slot, type_name in types.items():
                spoken = first[type_name]["name"]["value"] if type_name in first else "5"
                phrase = phrase.replace("{" + slot + "}", spoken)
            m = matcher.match(phrase)
            assert m.intent == intent["name"], (sample, phrase, m)
            for slot in types:
                if "{" + slot + "}" in sample:
                    expected = first[types[slot]]["id"] if types[slot] in first else "5"
                    assert slot_id(m, slot) == expected, (sample, m)


def test_every_routine_synonym_resolves(matcher: Matcher) -> None:
    for routine in load_content().menu:
        for spoken in (routine.name, *routine.synonyms):
            m = matcher.match(f"start {spoken}")
            assert (m.intent, routine_of(m)) == ("StartRoutineIntent", routine.id), spoken


def test_matcher_reads_any_model() -> None:
    model = {"interactionModel": {"languageModel": {
        "invocationName": "test skill",
        "intents": [{"name": "ColorIntent", "slots": [{"name": "Color", "type": "COLOR"}],
                     "samples": ["paint it {Color}"]}],
        "types": [{"name": "COLOR", "values": [{"id": "R", "name": {"value": "red",
                                                                   "synonyms": ["crimson"]}}]}],
    }}}
    m = Matcher(json.loads(json.dumps(model))).match("Paint it crimson")
    assert (m.intent, m.slots["Color"].value_id, m.slots["Color"].value_name) == (
        "ColorIntent", "R", "red")


def test_normalize() -> None:
    assert normalize("Alexa, I have D.V.T.!") == "i have dvt"
    assert normalize("i have d. v. t.") == "i have dvt"
    assert normalize("Let’s   do it") == "lets do it"
    assert normalize("side-lying stretch") == "side lying stretch"
    assert normalize("a i") == "a i"


@settings(max_examples=60)
@given(st.text(max_size=60))
def test_match_never_raises(matcher: Matcher, phrase: str) -> None:
    m = matcher.match(phrase)
    assert isinstance(m.intent, str) and m.intent


def test_a_sample_with_an_undeclared_slot_is_ignored_not_a_crash() -> None:
    model = {"interactionModel": {"languageModel": {
        "invocationName": "test skill",
        "intents": [{"name": "SafetyIntent", "samples": ["is it safe to massage my {area}"]},
                    {"name": "PainIntent", "slots": [{"name": "area", "type": "AREA"}],
                     "samples": ["my {area} hurts"]}],
        "types": [{"name": "AREA", "values": [{"id": "glutes", "name": {"value": "glutes",
                                                                      "synonyms": []}}]}],
    }}}
    m = Matcher(model)
    assert m.match("is it safe to massage my glutes").intent != "SafetyIntent"
    assert m.match("my glutes hurts").intent == "PainIntent"
