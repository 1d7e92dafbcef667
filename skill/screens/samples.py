"""Every screen a routine shows, produced by the conversation itself (for preview and tests).

Drives `skill.conversation.step` as a first-time user on an Echo Show would: open the skill,
list routines, start the routine (answering the deep-pressure question), go through every
turn, then ask about safety and a muscle, start again, pause, resume and say "that hurts".
Each response's screen is kept, so the screens are the ones the skill would send.
"""

from __future__ import annotations

from datetime import datetime

from skill.content.model import Content
from skill.conversation import events as ev
from skill.conversation import step
from skill.conversation.convo import Asked, Convo
from skill.conversation.device import Device, World
from skill.screens.view import Screen, view_of
from skill.state import UserState

SCREEN_DEVICE = Device(screen=True)
"""An Echo Show without AudioPlayer streaming: every step is a dialog turn."""
MAX_TURNS = 40
"""A routine has a few steps of a few turns each; this only stops a content bug looping."""


def samples(content: Content, routine_id: str, now: datetime) -> list[tuple[str, Screen]]:
    """(name, screen) of each response that shows one, in the order a user meets them."""
    world = World(content=content, now=now)
    state, convo = UserState(), Convo()
    out: list[tuple[str, Screen]] = []

    def say(event: ev.Event, name: str) -> Asked:
        nonlocal state, convo
        outcome = step(state, convo, event, SCREEN_DEVICE, world)
        state, convo = outcome.state, outcome.convo
        screen = view_of(outcome, event, world)
        if screen is not None:
            out.append((f"{len(out) + 1:02d}-{name}-{screen.kind}", screen))
        return convo.asked

    say(ev.Launch(), "launch")
    say(ev.ListRoutines(), "list")
    if say(ev.StartRoutine(routine=routine_id), "start") is Asked.SCREEN:
        say(ev.No(), "screened")
    for turn in range(MAX_TURNS):
        if state.position is None:
            break
        say(ev.Next(), f"next{turn + 1}")
    say(ev.Safety(), "safety")
    muscle = content.techniques[content.routines[routine_id].techniques[0]].muscles[0]
    say(ev.Explain(topic=muscle), "explain")
    say(ev.StartRoutine(routine=routine_id), "again")
    say(ev.Pause(), "pause")
    say(ev.Resume(), "resume")
    say(ev.Pain(), "hurts")
    return out
