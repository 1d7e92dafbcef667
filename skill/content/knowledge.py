"""What a person may ask about outside a routine: muscles, areas, topics, conditions.

Split from skill.content.model (which re-exports these) to keep each module to one job.
"""

from __future__ import annotations

from skill.core.record import Record


class GuideRef(Record):
    """Where in the massage guide a technique, muscle or rule comes from."""

    section: str
    """Heading of the guide's section, verbatim."""
    quote: str
    """The guide's own words that the content relies on (verbatim excerpt)."""


class Muscle(Record):
    """A muscle a person may ask about."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    what: str
    """What and where it is, spoken."""
    tightness: str
    """What tightness there does to the pelvis, spoken."""
    guide: GuideRef


class Equipment(Record):
    """Something to prepare."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    note: str
    """Spoken sentence on why or how it is used."""
    without: str = ""
    """What to do without it: the substitute the guide allows, or why it is optional."""


class Topic(Record):
    """A spoken answer to a question: why massage helps, how to prepare, etc."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    lines: tuple[str, ...]
    guide: GuideRef


class Condition(Record):
    """A condition a person may tell us about; each is answered on its own."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    lines: tuple[str, ...]
    """The spoken advice."""
    guide: GuideRef | None = None
    basis: str = ""
    """Why the answer is what it is, when the guide does not say (required then)."""


class Area(Record):
    """A part of the body people say is tight or sore."""

    id: str
    name: str
    synonyms: tuple[str, ...]
    muscles: tuple[str, ...]
    """Muscle ids there: a sharp pain in the area rests these for the day."""
    why: str
    """Spoken reason a routine helps, from the guide ("" when none does)."""
    routine: str
    """Routine id suggested when the area is tight ("" for none)."""


class SafetyRule(Record):
    """A safety rule of the guide, with its spoken form."""

    id: str
    text: str
    """Spoken sentence."""
    guide: GuideRef
    key: bool = False
    """The key rule said at first launch."""


class Knowledge(Record):
    """Everything a person may ask about outside a routine."""

    muscles: tuple[Muscle, ...]
    equipment: tuple[Equipment, ...]
    topics: tuple[Topic, ...]
    safety: tuple[SafetyRule, ...]
    disclaimer: str
    """One sentence: not a substitute for professional medical advice."""
    pain: tuple[str, ...]
    """Ordinary pain outside a routine (inside one, the technique's `ease_off` lines)."""
    sharp_pain: tuple[str, ...]
    """Sharp or shooting pain: stop, and see a professional if it persists."""
    nerve: tuple[str, ...]
    """Numbness, tingling, burning, pain down the leg: stop, as for sharp pain."""
    nerve_basis: str
    screen: str
    """The one question asked before a user's first routine with deep pressure (after
    "Before we start: <routine> uses deep pressure.")."""
    screen_basis: str
    screen_flagged: tuple[str, ...]
    """Said when the answer to `screen` is yes."""
    conditions: tuple[Condition, ...]
    areas: tuple[Area, ...]

    @property
    def first_words(self) -> str:
        """The disclaimer and the key safety rule: said once to every user before their
        first routine, whether they opened the skill or started a routine in one breath."""
        key_rule = next((r.text for r in self.safety if r.key), "")
        return f"{self.disclaimer} {key_rule}".strip()

    def area_for_muscle(self, muscle: str | None) -> Area | None:
        """The area a muscle is worked in: the area named like it, else the first that
        lists it ("gluteus maximus" -> glutes). Lets "my piriformis is tight" and
        "massage my hip flexors" find an area and its routine."""
        if muscle is None:
            return None
        same = next((a for a in self.areas if a.id == muscle), None)
        return same or next((a for a in self.areas if muscle in a.muscles), None)
