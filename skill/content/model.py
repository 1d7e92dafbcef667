"""Frozen records for Hip Coach's content: techniques, routines and knowledge.

Everything the coach says and every second it holds is data (YAML beside this
file); these classes are the validated, typed form of that data. They import
nothing outside the standard library so the pure core can use them anywhere.
"""

from __future__ import annotations

from enum import StrEnum

from skill.content.knowledge import GuideRef, Knowledge, Muscle
from skill.core.record import Record, field


class Side(StrEnum):
    """Which side of the body a per-side step works on."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        """The opposite side (what "switch sides" moves to)."""
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class Pressure(StrEnum):
    """How hard to press: the guide asks for much lighter pressure on the hip flexors."""

    LIGHT = "light"
    MODERATE = "moderate"
    FIRM = "firm"


class Motion(StrEnum):
    """What the timed part of a technique is: its cues must fit it (never "hold" a roll)."""

    STATIC = "static"
    """Sustained, still pressure (the guide: "maintain pressure", "static pressure")."""
    ROLLING = "rolling"
    """Small, slow rolls on a ball or a foam roller."""
    STROKES = "strokes"
    """Long, slow strokes of a partner's hand or forearm."""
    ROCKING = "rocking"
    """Gentle rocking under a partner's open palms."""
    STRETCH = "stretch"
    """A partner gently moving a limb into a stretch."""


class Posture(StrEnum):
    """The position of the person receiving the massage (or doing it, in self-massage)."""

    SEATED = "seated"
    FACE_DOWN = "face-down"
    SIDE_LYING = "side-lying"


class HoldRange(Record):
    """Inclusive range of a hold, in whole seconds."""

    min_s: int
    """Shortest hold, used by the "short" preference."""
    max_s: int
    """Longest hold, used by the "long" preference."""

    def contains(self, other: HoldRange) -> bool:
        """True when `other` lies entirely inside this range."""
        return self.min_s <= other.min_s and other.max_s <= self.max_s


class Step(Record):
    """One timed step of a technique: instructions, a hold, a release."""

    id: str
    """Unique within its technique; with the technique id it names recorded clips."""
    title: str
    """A few words for the step, spoken as "Step 2: <title>"."""
    say: tuple[str, ...]
    """Detailed instructions, one short spoken sentence each (first-time users)."""
    brief: tuple[str, ...]
    """Brief instructions for someone who has done the routine before."""
    hold: HoldRange
    """Hold (or timed work) range in seconds; lies inside the technique's guide range."""
    during: tuple[str, ...] = ()
    """Reminders spoken now and then during the hold ("keep the rolls small")."""
    release: tuple[str, ...] = ()
    """What to say when the hold ends; empty means the generic release cues."""


class Technique(Record):
    """A technique of the guide, e.g. glute release on a ball."""

    id: str
    name: str
    """Spoken name."""
    kind: str
    """"self" or "partner"."""
    guide: GuideRef
    guide_hold: HoldRange
    """The guide's own time range for this technique (see `hold_basis`)."""
    hold_basis: str
    """Why `guide_hold` is what it is: the guide's figure, or which figure is borrowed."""
    muscles: tuple[str, ...]
    """Muscle ids (see `Muscle`)."""
    equipment: tuple[str, ...]
    """Equipment ids (see `Equipment`)."""
    per_side: bool
    """True when each step is done on the left and on the right."""
    pressure: Pressure
    motion: Motion
    """What the timed part is; picks the cue that starts it (see cues.yaml start_*)."""
    posture: Posture
    """The position the person receiving is in, for every step of the technique."""
    settle_s: int
    """Quiet seconds to get into position before the timed part, on every side and step."""
    settle_basis: str
    """Why `settle_s` is what it is (our choice, not the guide's)."""
    deep: bool
    """Deep pressure (ball, elbow or knuckles): the guide asks people with deep vein
    thrombosis or pregnancy to consult a healthcare provider first."""
    ease_off: tuple[str, ...]
    """What to do when the pressure is too much, said to whoever controls it."""
    steps: tuple[Step, ...]
    switch: tuple[str, ...] = ()
    """Said right after the switch-sides cue; `{side}` is the side switched to."""
    arrive: tuple[str, ...] = ()
    """Said at the start of the technique when the step before was in another posture."""


class Routine(Record):
    """What a person asks for by name: an ordered list of techniques."""

    id: str
    """Stable id, also the slot value id in the interaction model."""
    name: str
    """Spoken name."""
    synonyms: tuple[str, ...]
    """Other ways people say it; the interaction model's slot synonyms."""
    kind: str
    """"self" or "partner"."""
    summary: str
    """One spoken sentence saying what the routine does."""
    techniques: tuple[str, ...]
    """Technique ids, played in this order."""
    only_steps: tuple[str, ...] = ()
    """Step ids to play, when the routine uses only some of its techniques' steps."""
    variant_of: str = ""
    """Set on a variant: the routine it stands in for (not listed or named on its own)."""
    uses: str = ""
    """A variant's equipment id: it is chosen when the user has said they have that."""


class Cues(Record):
    """Phrasings for everything said often; several each so a session varies.

    Keys are cue names (breathe_in, breathe_out, time_left, switch_sides, ...);
    values are the alternative phrasings, which may hold `{seconds}`,
    `{side}` or `{other_side}` placeholders.
    """

    phrasings: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, name: str) -> tuple[str, ...]:
        """Phrasings of one cue; KeyError names the missing cue."""
        try:
            return self.phrasings[name]
        except KeyError:
            raise KeyError(f"no cue named {name!r} in cues.yaml") from None


class Content(Record):
    """All content, validated: the one source of truth for speech and slot values."""

    techniques: dict[str, Technique]
    routines: dict[str, Routine]
    knowledge: Knowledge
    cues: Cues
    version: str
    """Hash of the content files; changes whenever any spoken text or time changes."""

    @property
    def menu(self) -> tuple[Routine, ...]:
        """The routines people choose from by name (variants stand in for them)."""
        return tuple(r for r in self.routines.values() if not r.variant_of)

    def variant(self, routine_id: str, kit: frozenset[str]) -> str:
        """The routine to run for `routine_id`: a variant using equipment in `kit`, if any."""
        if not kit:
            return routine_id
        for r in self.routines.values():
            if r.variant_of == routine_id and r.uses in kit:
                return r.id
        return routine_id

    def steps_of(self, routine: Routine) -> tuple[tuple[Technique, Step], ...]:
        """The routine's steps in order, each with its technique."""
        return tuple((self.techniques[t], s) for t in routine.techniques
                     for s in self.techniques[t].steps
                     if not routine.only_steps or s.id in routine.only_steps)

    def muscle(self, muscle_id: str) -> Muscle:
        """Look up a muscle by id."""
        for m in self.knowledge.muscles:
            if m.id == muscle_id:
                return m
        raise KeyError(muscle_id)
