"""What the Alexa Skills Store shows for Hip Coach, per locale: name, summary, description,
example phrases and keywords.

Written once in American English and put into each locale's spelling by the interaction
model's own `localize` (SPELLINGS in skill/interaction/intents.py: en-GB, en-AU and en-IN
British, en-CA Canadian), so the listing and the model never spell a word two ways.

Every claim is one the skill keeps: the disclaimer is the content's own
(knowledge.yaml `disclaimer`); who should ask a professional first follows the safety
rules and conditions in knowledge.yaml, traced to the guide (shared/seeds/); what is
stored follows docs/privacy.md. No medical benefit is promised.
"""

from __future__ import annotations

from skill.core.record import Record
from skill.interaction.intents import INVOCATION_NAME

NAME = "Hip Coach"

SUMMARY = ("Guided self-massage for your hips and pelvis: timed holds, slow breathing cues "
           "and side switches, with your hands, a ball, a foam roller or a partner.")

_ABOUT = (
    "Hip Coach talks you through self-massage for the muscles around your hips and pelvis: "
    "the glutes, the piriformis and the hip flexors. It tells you what to do, times each "
    "hold with slow breathing cues, and tells you when to switch sides. Use your hands, a "
    "massage ball or a foam roller, or follow a routine for two with a partner. Say pause, "
    "next, repeat or \"that hurts\" at any moment. Hip Coach remembers where you stopped, "
    "and on speakers that can stream audio a routine plays hands-free, like a guided audio "
    "program.")

_SAFETY = (
    "{disclaimer} If you are pregnant, have deep vein thrombosis, an acute injury or severe "
    "bruising, or have had recent surgery, ask a healthcare professional before you start, "
    "and never massage over an injury or a bruise. Pressure should feel like a good hurt: "
    "stop at once if you feel sharp or shooting pain, numbness or tingling.")

_PRIVACY = (
    "Hip Coach keeps your progress, your preferences, your time zone and any health "
    "condition you tell it, so it can pick up where you stopped and hold back deep pressure "
    "until you say a healthcare provider has said it is fine. Say \"Alexa, ask hip coach to "
    "delete my data\" to erase it; disabling the skill erases it too.")

EXAMPLE_PHRASES = (
    f"Alexa, open {INVOCATION_NAME}",
    f"Alexa, ask {INVOCATION_NAME} to start glute release",
    f"Alexa, tell {INVOCATION_NAME} my lower back is tight",
)
"""The first opens the skill (Amazon's first phrase names wake word and invocation name);
each one's words after the invocation name are a sample of every locale's model, with
slot values from the model (tests/test_skill_package.py checks both)."""

KEYWORDS = ("hip massage", "self massage", "glutes", "piriformis", "hip flexors", "pelvis",
            "foam roller", "massage ball", "partner massage", "muscle tension")


class Listing(Record):
    """One locale's store text, as `publishingInformation.locales.<locale>` holds it."""

    name: str
    summary: str
    description: str
    example_phrases: tuple[str, ...]
    keywords: tuple[str, ...]


def description(disclaimer: str) -> str:
    """The detailed description: what it does, who should ask first, what it keeps."""
    return "\n\n".join((_ABOUT, _SAFETY.format(disclaimer=disclaimer), _PRIVACY))


def listing(locale: str, disclaimer: str) -> Listing:
    """The listing in `locale`'s spelling. Imports the model generator's `localize`, so it
    needs the development install (hassil), like every generator in this repository."""
    from skill.interaction.generate import localize

    def spell(text: str) -> str:
        return localize(text, locale)

    return Listing(name=NAME, summary=spell(SUMMARY), description=spell(description(disclaimer)),
                   example_phrases=EXAMPLE_PHRASES, keywords=KEYWORDS)
