"""The intent spec: intent names, slots and sample utterances, as data.

Handlers are coded against these names, so they are the skill's voice API. How each
intent is spoken (samples, and the two closed lists: pain quality and preferences) is
in sentences.yaml; slot values from content (routines, muscles, areas, topics) are
filled in by `skill.interaction.generate`.

Samples follow Alexa's rules: lower case, words separated by one space, only
apostrophes and abbreviation periods ("d. v. t."), slots written as `{name}`,
no sample duplicated across intents.
"""

from __future__ import annotations

from dataclasses import dataclass

INVOCATION_NAME = "hip coach"
"""What people say after "Alexa, open/ask"; lower-case letters and spaces, two words."""


@dataclass(frozen=True)
class SlotSpec:
    """One slot of an intent."""

    name: str
    """Slot name, as handlers read it (`intent.slots[name]`)."""
    type: str
    """Slot type name, custom (upper case) or built-in (AMAZON.*)."""


@dataclass(frozen=True)
class IntentSpec:
    """One intent with its slots (its samples come from sentences.yaml)."""

    name: str
    """Intent name, as handlers match it."""
    slots: tuple[SlotSpec, ...] = ()
    """Slots the samples may use."""


@dataclass(frozen=True)
class TypeValue:
    """One value of a custom slot type; `id` is what entity resolution hands to handlers."""

    id: str
    """Stable id, e.g. a routine id or "longer-holds"."""
    name: str
    """Canonical spoken form."""
    synonyms: tuple[str, ...] = ()
    """Other spoken forms that resolve to the same id."""


# --- Slot types --------------------------------------------------------------------------
ROUTINE = "ROUTINE"
TOPIC = "TOPIC"
PAIN_QUALITY = "PAIN_QUALITY"
PREFERENCE = "PREFERENCE"
AREA = "AREA"
CONDITION = "CONDITION"
EQUIPMENT_TYPE = "EQUIPMENT"

# --- Custom intents ----------------------------------------------------------------------
# Samples are not here: skill/interaction/sentences.yaml says how each intent is spoken.
def _intent(name: str, *slots: tuple[str, str]) -> IntentSpec:
    return IntentSpec(name, slots=tuple(SlotSpec(n, t) for n, t in slots))


START_ROUTINE = _intent("StartRoutineIntent", ("routine", ROUTINE), ("area", AREA),
                        ("muscle", TOPIC))
"""A routine by name, or by the area or muscle it works ("loosen up my glutes")."""
LIST_ROUTINES = _intent("ListRoutinesIntent")
EXPLAIN = _intent("ExplainIntent", ("topic", TOPIC))
EQUIPMENT = _intent("EquipmentIntent")
SAFETY = _intent("SafetyIntent")
PAIN = _intent("PainIntent", ("quality", PAIN_QUALITY), ("area", AREA), ("muscle", TOPIC))
CONDITION_INTENT = _intent("ConditionIntent", ("condition", CONDITION))
"""A condition is answered on its own and remembered (skill.conversation.care)."""
ABOUT_ROUTINE = _intent("AboutRoutineIntent", ("routine", ROUTINE))
"""Describes a routine and offers it; never starts one."""
SUGGEST = _intent("SuggestIntent", ("area", AREA), ("muscle", TOPIC))
UNSURE = _intent("UnsureIntent")
""""I don't know", "not sure": to a safety question it counts as the careful answer."""
SHORT_ON_TIME = _intent("ShortOnTimeIntent", ("minutes", "AMAZON.NUMBER"))
TIME_LEFT = _intent("TimeLeftIntent")
WHAT_NEXT = _intent("WhatNextIntent")
WHERE_AM_I = _intent("WhereAmIIntent")
SWITCH_SIDES = _intent("SwitchSidesIntent")
HAVE_EQUIPMENT = _intent("HaveEquipmentIntent", ("equipment", EQUIPMENT_TYPE))
NO_EQUIPMENT = _intent("NoEquipmentIntent", ("equipment", EQUIPMENT_TYPE))
PREFERENCE_INTENT = _intent("PreferenceIntent", ("setting", PREFERENCE))
PROGRESS = _intent("ProgressIntent")
FORGET_ME = _intent("ForgetMeIntent")  # asks once before deleting
STEP_BY_STEP = _intent("StepByStepIntent")
"""Switches a user from hands-free audio (streaming mode) to one turn per step."""

CUSTOM_INTENTS: tuple[IntentSpec, ...] = (
    START_ROUTINE, LIST_ROUTINES, EXPLAIN, EQUIPMENT, SAFETY, PAIN, PREFERENCE_INTENT,
    PROGRESS, FORGET_ME, STEP_BY_STEP, CONDITION_INTENT, ABOUT_ROUTINE, SUGGEST, UNSURE,
    SHORT_ON_TIME, TIME_LEFT, WHAT_NEXT, WHERE_AM_I, SWITCH_SIDES, HAVE_EQUIPMENT,
    NO_EQUIPMENT,
)

BUILT_IN_INTENTS: tuple[str, ...] = (
    "AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent", "AMAZON.PauseIntent", "AMAZON.ResumeIntent",
    "AMAZON.NextIntent", "AMAZON.PreviousIntent", "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent", "AMAZON.YesIntent", "AMAZON.NoIntent", "AMAZON.LoopOnIntent",
    "AMAZON.LoopOffIntent", "AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent",
)
"""Pause and Resume are required with AudioPlayer; the rest must be handled gracefully.
Amazon trains these itself; sentences.yaml adds this domain's words to most of them."""

EXCLUSIVE_TYPES: tuple[str, ...] = (TOPIC, AREA, ROUTINE)
"""Slot types that share carrier phrases across intents ("tell me about {topic}" and
"tell me about {routine}", and each said on its own), so no spoken form may belong to
two of them. A form in several is kept by the first type here: a muscle name is a
TOPIC ("hip flexors"), a body word an AREA ("glutes"), and intents that take an AREA
also take a `muscle` so both still work."""

SPELLINGS: dict[str, dict[str, str]] = {
    "british": {"practiced": "practised", "programs": "programmes", "program": "programme",
                "dialog": "dialogue", "color": "colour", "center": "centre"},
    "canadian": {"practiced": "practised", "dialog": "dialogue", "color": "colour",
                 "center": "centre"},
}
"""Word-for-word spelling changes; Canadian English keeps "program" but spells the rest
the British way."""
