"""Everything the skill reacts to, as small typed values (one per intent or request).

The handlers map each Alexa request onto one of these (skill.handlers.requests);
slot values arrive already resolved to content ids, with what was heard beside them.
"""

from __future__ import annotations

from skill.core.record import Record


class Event(Record):
    """Base of every event."""


class Launch(Event):
    """"Alexa, open hip coach"."""


class StartRoutine(Event):
    routine: str | None = None
    """Resolved routine id (None: not said or not recognised)."""
    heard: str | None = None
    """What was heard in the slot, for "I don't know a routine called ..."."""
    area: str | None = None
    """"Loosen up my glutes": the area whose routine to start (when no routine is named)."""
    muscle: str | None = None
    """"Massage my piriformis": a muscle id, started through its area's routine."""


class ListRoutines(Event):
    pass


class Next(Event):
    pass


class Previous(Event):
    pass


class Repeat(Event):
    pass


class StartOver(Event):
    pass


class Pause(Event):
    pass


class Resume(Event):
    pass


class Yes(Event):
    pass


class No(Event):
    pass


class Stop(Event):
    """Stop, Cancel and NavigateHome."""


class Help(Event):
    pass


class Fallback(Event):
    """Nothing in the model matched, or an intent this skill does not know."""


class LoopShuffle(Event):
    """Loop or shuffle on/off: meaningless for a routine."""


class Pain(Event):
    quality: str | None = None
    """Resolved pain quality id ("sharp", "nerve", "ache")."""
    heard: str | None = None
    area: str | None = None
    """Resolved area id ("glutes", "lower-back", ...) when one was named."""
    muscle: str | None = None
    """A muscle named instead of an area ("my piriformis hurts")."""


class Condition(Event):
    """"I'm pregnant", "I have a bruise": a condition that changes what is safe."""

    condition: str | None = None
    heard: str | None = None


class AboutRoutine(Event):
    """"Tell me about quick release", "how long is glute release": describe, never start."""

    routine: str | None = None
    heard: str | None = None


class Suggest(Event):
    """"Which one should I do", "my lower back is tight"."""

    area: str | None = None
    muscle: str | None = None
    """"My piriformis is tight": a muscle id, read as its area."""
    heard: str | None = None
    """The area as heard ("back" alone, mid-routine, means go back: skill.conversation.context)."""


class Unsure(Event):
    """"I don't know", "not sure": answered by what the question was (careful for a
    safety question)."""


class ShortOnTime(Event):
    """"I only have five minutes", "something short"."""

    minutes: int | None = None


class TimeLeft(Event):
    """"How much longer"."""


class WhatNext(Event):
    """"What's next"."""


class WhereAmI(Event):
    """"What muscle is this", "which side am I on"."""


class SwitchSides(Event):
    """"Switch sides": go on to the other side of this step."""


class Kit(Event):
    """"I have a tennis ball", "I don't have a foam roller"."""

    equipment: str | None = None
    heard: str | None = None
    has: bool = True


class Safety(Event):
    pass


class Explain(Event):
    topic: str | None = None
    heard: str | None = None


class Equipment(Event):
    pass


class Preference(Event):
    setting: str | None = None


class Progress(Event):
    pass


class ForgetMe(Event):
    pass


class StepByStep(Event):
    """"Guide me step by step": dialog mode from now on."""


class SessionEnded(Event):
    reason: str = ""
    error: str | None = None


class PlaybackStarted(Event):
    token: str | None = None
    offset_ms: int = 0


class PlaybackStopped(Event):
    token: str | None = None
    offset_ms: int = 0


class PlaybackNearlyFinished(Event):
    token: str | None = None
    offset_ms: int = 0


class PlaybackFinished(Event):
    token: str | None = None
    offset_ms: int = 0


class PlaybackFailed(Event):
    token: str | None = None
    error: str | None = None


class PlayCommand(Event):
    """PlaybackController: the device's play button."""


class PauseCommand(Event):
    pass


class NextCommand(Event):
    pass


class PreviousCommand(Event):
    pass


class DeviceError(Event):
    """System.ExceptionEncountered: a directive we sent failed on the device."""

    error: str | None = None


class Unhandled(Event):
    """A request type this skill does not use (a new Alexa feature): answered quietly."""

    kind: str = ""
