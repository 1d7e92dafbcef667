"""The intent spec: intent names, slots and sample utterances, as data.

Handlers are coded against these names, so they are the skill's voice API. Slot
values that come from content (routines, muscles, topics) are filled in by
`skill.interaction.generate`; the two small closed lists (pain quality and
preferences) live here because they are part of the voice design, not content.

Samples follow Alexa's rules: lower case, words separated by one space, only
apostrophes and abbreviation periods ("d. v. t."), slots written as `{name}`,
no sample duplicated across intents, and a sample that is only a slot is used by
`PreferenceIntent` alone.
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
    """One intent with its slots and sample utterances."""

    name: str
    """Intent name, as handlers match it."""
    samples: tuple[str, ...] = ()
    """Sample utterances; empty for built-ins, which Alexa trains itself."""
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

PAIN_QUALITY_VALUES: tuple[TypeValue, ...] = (
    TypeValue("sharp", "sharp", ("shooting", "stabbing", "sharp pain", "shooting pain",
                                 "electric", "stabbing pain")),
    TypeValue("nerve", "numb", ("numbness", "tingling", "tingly", "pins and needles",
                                "burning", "a burning feeling", "burning pain",
                                "pain down my leg", "shooting down my leg",
                                "pain going down my leg", "tingling down my leg",
                                "numb down my leg", "a nerve pain", "nerve pain")),
    TypeValue("ache", "ache", ("sore", "dull", "aching", "too much pressure", "hurts",
                               "dull ache", "achy", "too hard", "too intense")),
)
"""Sharp pain and nerve symptoms mean stop (the guide's rule, and our triage rule for
numbness, tingling and burning); an ache means ease off."""

PREFERENCE_VALUES: tuple[TypeValue, ...] = (
    TypeValue("longer-holds", "longer holds",
              ("make the holds longer", "hold longer", "hold for longer", "longer hold",
               "more time on each hold")),
    TypeValue("shorter-holds", "shorter holds",
              ("make the holds shorter", "hold for less time", "shorter hold", "quicker holds",
               "less time on each hold")),
    TypeValue("slower-breathing", "slower breathing",
              ("breathe slower", "breathe more slowly", "slow down the breathing",
               "slower breaths", "slow breathing")),
    TypeValue("faster-breathing", "faster breathing",
              ("breathe faster", "breathe more quickly", "speed up the breathing",
               "faster breaths", "quicker breathing")),
    TypeValue("less-talking", "less talking",
              ("talk less", "shorter instructions", "brief instructions", "fewer words",
               "less detail", "keep it brief")),
    TypeValue("more-detail", "more detail",
              ("more details", "longer instructions", "detailed instructions",
               "full instructions", "explain more")),
    TypeValue("start-left", "start on the left",
              ("left side first", "begin on the left", "left first", "start with the left",
               "start with the left side")),
    TypeValue("start-right", "start on the right",
              ("right side first", "begin on the right", "right first", "start with the right",
               "start with the right side")),
)
"""Value ids map one-to-one onto `skill.core.preferences.Preferences` changes."""

# --- Custom intents ----------------------------------------------------------------------
START_ROUTINE = IntentSpec(
    "StartRoutineIntent",
    slots=(SlotSpec("routine", ROUTINE),),
    samples=(
        "start {routine}", "start the {routine}", "start the {routine} routine",
        "begin {routine}", "begin the {routine}", "let's do {routine}",
        "let's do the {routine}", "let's do the {routine} one", "do the {routine} routine",
        "guide me through {routine}", "guide me through the {routine}",
        "take me through the {routine}", "massage my {routine}", "work on my {routine}",
        "release my {routine}", "i want to do {routine}", "i want to do the {routine}",
        "i'd like to do {routine}", "can we do {routine}", "let's work on my {routine}",
        "{routine} please",
        "start a routine", "let's start", "start a massage", "begin a routine",
        "let's get started", "i want to start a routine",
    ),
)
LIST_ROUTINES = IntentSpec(
    "ListRoutinesIntent",
    samples=("what routines are there", "list routines", "list the routines",
             "what routines do you have", "which routines are there", "what routines can i do",
             "what massages do you have", "what programs do you have", "tell me the routines"),
)
EXPLAIN = IntentSpec(
    "ExplainIntent",
    slots=(SlotSpec("topic", TOPIC),),
    samples=("what is the {topic}", "what is {topic}", "what's the {topic}", "what are {topic}",
             "tell me about {topic}", "tell me about the {topic}", "explain {topic}",
             "explain the {topic}", "what does the {topic} do", "where is the {topic}",
             "why does this help", "why does massage help", "how does this work"),
)
EQUIPMENT = IntentSpec(
    "EquipmentIntent",
    samples=("what do i need", "what equipment do i need", "what do i need for this",
             "do i need any equipment", "what gear do i need", "do i need a ball",
             "what should i have ready"),
)
SAFETY = IntentSpec(
    "SafetyIntent",
    samples=("is this safe", "is it safe", "is it safe for me", "any safety tips",
             "safety tips", "what are the safety rules", "what should i be careful of",
             "are there any risks"),
)
PAIN = IntentSpec(
    "PainIntent",
    slots=(SlotSpec("quality", PAIN_QUALITY), SlotSpec("area", AREA)),
    samples=("that hurts", "it hurts", "ouch", "too much pressure", "this is painful",
             "it's too painful", "it's a {quality} pain", "i feel a {quality} pain",
             "i have a {quality} pain", "i'm getting a {quality} pain",
             "there's a {quality} pain", "it feels {quality}", "it's {quality}",
             "my {area} hurts", "my {area} is sore", "my {area} is killing me",
             "i have pain in my {area}", "my {area} is {quality}", "my {area} feels {quality}",
             "i feel {quality} in my {area}", "i feel {quality}", "i'm feeling {quality}",
             "i have {quality} in my {area}", "there's {quality} in my {area}",
             "i feel {quality} down my leg", "i've got {quality} in my {area}",
             "it hurts in my {area}", "i have a {quality} pain in my {area}"),
)
CONDITION_INTENT = IntentSpec(
    "ConditionIntent",
    slots=(SlotSpec("condition", CONDITION),),
    samples=("i'm {condition}", "i am {condition}", "i have {condition}", "i had {condition}",
             "i've got {condition}", "i'm {condition} is this safe",
             "i have {condition} is this safe",
             "is it safe if i'm {condition}", "is it safe if i have {condition}",
             "is it safe with {condition}", "can i do this if i'm {condition}",
             "can i do this with {condition}", "i recently had {condition}",
             "is massage safe during {condition}", "what if i'm {condition}",
             "what if i have {condition}"),
)
"""A condition is answered on its own and remembered (skill.conversation.care)."""
ABOUT_ROUTINE = IntentSpec(
    "AboutRoutineIntent",
    slots=(SlotSpec("routine", ROUTINE),),
    samples=("tell me about {routine}", "tell me about the {routine}",
             "tell me about the {routine} routine", "what is {routine}", "what's {routine}",
             "what is the {routine} routine", "how long is {routine}",
             "how long is the {routine}", "how long does {routine} take",
             "how long does the {routine} take", "what does {routine} do",
             "what does the {routine} routine do", "describe {routine}",
             "what's in {routine}", "what do i need for {routine}"),
)
"""Describes a routine and offers it; never starts one."""
SUGGEST = IntentSpec(
    "SuggestIntent",
    slots=(SlotSpec("area", AREA),),
    samples=("which one should i do", "what should i do", "what do you recommend",
             "which routine should i do", "what routine do you recommend",
             "recommend a routine", "help me choose", "my {area} is tight",
             "my {area} are tight", "my {area} feels tight", "my {area} feel tight",
             "i have tight {area}", "i've got tight {area}", "my {area} is stiff",
             "my {area} are stiff", "what's good for my {area}", "what helps my {area}",
             "what's good for tight {area}", "something for my {area}"),
)
SHORT_ON_TIME = IntentSpec(
    "ShortOnTimeIntent",
    slots=(SlotSpec("minutes", "AMAZON.NUMBER"),),
    samples=("i only have {minutes} minutes", "i have {minutes} minutes",
             "i've got {minutes} minutes", "something under {minutes} minutes",
             "something in {minutes} minutes", "something short", "i'm short on time",
             "i don't have much time", "what's the shortest routine",
             "the shortest one please", "what can i do in {minutes} minutes"),
)
TIME_LEFT = IntentSpec(
    "TimeLeftIntent",
    samples=("how long is left", "how much longer", "how much time is left",
             "how long until we're done", "how many steps are left", "how long to go",
             "how much is left", "are we nearly done"),
)
WHAT_NEXT = IntentSpec(
    "WhatNextIntent",
    samples=("what's next", "what is next", "what comes next", "what's the next step",
             "what are we doing next", "what's after this"),
)
WHERE_AM_I = IntentSpec(
    "WhereAmIIntent",
    samples=("what muscle is this", "which muscle is this", "what are we working on",
             "which side am i on", "what side am i on", "where am i",
             "what step is this", "which step am i on", "what am i doing"),
)
SWITCH_SIDES = IntentSpec(
    "SwitchSidesIntent",
    samples=("switch sides", "switch to the other side", "change sides",
             "do the other side", "other side please", "let's do the other side",
             "swap sides"),
)
HAVE_EQUIPMENT = IntentSpec(
    "HaveEquipmentIntent",
    slots=(SlotSpec("equipment", EQUIPMENT_TYPE),),
    samples=("i have a {equipment}", "i have {equipment}", "i've got a {equipment}",
             "i got a {equipment}", "i own a {equipment}", "i'm using a {equipment}",
             "can i use a {equipment}", "i bought a {equipment}"),
)
NO_EQUIPMENT = IntentSpec(
    "NoEquipmentIntent",
    slots=(SlotSpec("equipment", EQUIPMENT_TYPE),),
    samples=("i don't have a {equipment}", "i don't have {equipment}",
             "i haven't got a {equipment}", "i have no {equipment}", "no {equipment}",
             "i don't own a {equipment}", "what if i don't have a {equipment}",
             "i don't have any {equipment}"),
)
PREFERENCE_INTENT = IntentSpec(
    "PreferenceIntent",
    slots=(SlotSpec("setting", PREFERENCE),),
    samples=("{setting}", "please {setting}", "can you {setting}", "i'd like {setting}",
             "i want {setting}", "i prefer {setting}", "could we have {setting}",
             "let's have {setting}", "switch to {setting}"),
)
PROGRESS = IntentSpec(
    "ProgressIntent",
    samples=("how am i doing", "what's my streak", "what is my streak", "show my progress",
             "what's my progress", "how many sessions have i done",
             "how often have i practiced"),
)
FORGET_ME = IntentSpec(  # asks once before deleting
    "ForgetMeIntent",
    samples=("delete my data", "forget me", "erase my data", "delete my history",
             "reset my progress", "remove my data", "forget everything about me"),
)
STEP_BY_STEP = IntentSpec(
    "StepByStepIntent",
    samples=("guide me step by step", "use dialog mode", "talk me through it",
             "no music just talk me through it", "step by step please", "don't play audio",
             "turn off hands free mode", "without the audio please"),
)
"""Switches a user from hands-free audio (streaming mode) to one turn per step."""

CUSTOM_INTENTS: tuple[IntentSpec, ...] = (
    START_ROUTINE, LIST_ROUTINES, EXPLAIN, EQUIPMENT, SAFETY, PAIN, PREFERENCE_INTENT,
    PROGRESS, FORGET_ME, STEP_BY_STEP, CONDITION_INTENT, ABOUT_ROUTINE, SUGGEST,
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
"""Pause and Resume are required with AudioPlayer; the rest must be handled gracefully."""

SLOT_ONLY_ALLOWED: frozenset[str] = frozenset({PREFERENCE_INTENT.name})
"""Intents allowed a sample that is only a slot ("longer holds" said on its own)."""

BRITISH_SPELLINGS: dict[str, str] = {
    "practiced": "practised",
    "programs": "programmes",
    "program": "programme",
    "dialog": "dialogue",
    "color": "colour",
    "center": "centre",
}
"""Word-for-word spelling changes for en-GB; everything else is shared with en-US."""
