"""A touch on the screen (Alexa.Presentation.APL.UserEvent) as the event its words would be.

The documents' buttons send `SendEvent` with `arguments` (skill/screens/documents): the
engine then treats a button exactly like the voice intent it stands for. Anything else
(a stale document, a forged request, a newer document's button) is heard as Fallback.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from skill.conversation import events as ev

BUTTONS: dict[str, Callable[[], ev.Event]] = {
    "pause": ev.Pause,   # AMAZON.PauseIntent
    "next": ev.Next,     # AMAZON.NextIntent
    "repeat": ev.Repeat,  # AMAZON.RepeatIntent
    "hurts": ev.Pain,    # "that hurts": PainIntent with no quality, area or muscle named
}
"""First argument -> the event of the intent the button stands for."""
START = "start"
"""["start", <routine id>]: a routine touched in the list, as "start <routine>"."""
ROUTINE_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
"""The shape of a content routine id; an id of another shape is not looked up at all."""


def touched(arguments: object) -> ev.Event:
    """The event for a UserEvent's `arguments` (a list as SendEvent sent it)."""
    if not isinstance(arguments, list) or not arguments or not isinstance(arguments[0], str):
        return ev.Fallback()
    name = arguments[0]
    if name == START:
        if len(arguments) == 2 and isinstance(arguments[1], str) \
                and ROUTINE_ID.fullmatch(arguments[1]):
            return ev.StartRoutine(routine=arguments[1])
        return ev.Fallback()
    make = BUTTONS.get(name)
    return make() if make is not None and len(arguments) == 1 else ev.Fallback()
